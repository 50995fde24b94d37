"""The periodic summary (Báo cáo tổng hợp): compiled from the stored replies, rendered four ways.

Public API:

- ``reports.compile.compile_summary(session, plan, period, *, now, campaign_start, campaign_end,
  tz=LOCAL_TZ) -> Summary`` — plain async function, read-only.
- ``reports.replies.campaign_window(session, plan_id, default_start, default_end)`` — the campaign
  dates from the plan's settings, else the defaults.
- ``reports.html.render_chunks(summary, limit=4096, max_messages=None) -> list[str]`` (Telegram
  HTML messages; ``CHAT_MAX_MESSAGES`` is what ``/baocao`` passes), ``render_html``,
  ``split_html(text, limit)``.
- ``reports.docx.build_docx(summary) -> bytes``, ``reports.xlsx.build_xlsx(summary) -> bytes``,
  ``reports.chart.build_chart(summary) -> bytes`` (PNG) — pure, safe in a worker thread;
  ``reports.outputs.build_files(summary)`` runs the three in one (``asyncio.to_thread``).
- ``reports.choices.parse_period_text(text, *, campaign_start, campaign_end)`` and
  ``period_choices(today, …)`` — what ``/baocao`` accepts and offers.
"""
