"""The screen of each state of the progress dialog (text and buttons), from the stored row."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs import queries, store
from dialogs.config import AnyContact, ContactRef, DialogConfig
from dialogs.draft import TEXT_STEPS, Draft, Waiting
from dialogs.numbers import format_figure
from dialogs.render import (
    Button,
    Screen,
    attachment_name,
    back_cancel,
    figure_value,
    period_label,
    period_title,
    short_title,
    shown,
    status_label,
    summary,
    task_header,
)
from locales import N_, _
from models.db import as_utc
from models.progress import ProgressReport, ProgressReportVersion, ProgressStatus
from models.text import fmt_date, fmt_moment

#: Longest text part accepted (a "short text"; the summary must fit one Telegram message).
MAX_TEXT = 2000

_TEXT_PROMPTS = {
    Waiting.TYPING_RESULT: N_("Kết quả thực hiện trong kỳ? Gõ ngắn gọn, hoặc bấm Bỏ qua."),
    Waiting.TYPING_DIFFICULTIES: N_("Khó khăn, vướng mắc (nếu có)? Gõ ngắn gọn, hoặc bấm Bỏ qua."),
    Waiting.TYPING_NEXT_STEPS: N_(
        "Phương hướng, nhiệm vụ thời gian tới? Gõ ngắn gọn, hoặc bấm Bỏ qua."
    ),
    Waiting.TYPING_PROPOSALS: N_("Đề xuất, kiến nghị (nếu có)? Gõ ngắn gọn, hoặc bấm Bỏ qua."),
}

#: Parts offered by Sửa, with the state that asks them.
FIELDS: dict[str, Waiting] = {
    "status": Waiting.CHOOSING_STATUS,
    "figures": Waiting.TYPING_FIGURE,
    "result": Waiting.TYPING_RESULT,
    "difficulties": Waiting.TYPING_DIFFICULTIES,
    "next_steps": Waiting.TYPING_NEXT_STEPS,
    "proposals": Waiting.TYPING_PROPOSALS,
    "attachment": Waiting.SENDING_ATTACHMENT,
}


def period_name(draft: Draft, cfg: DialogConfig, period_id: str | None = None) -> str:
    """The plain-text label of ``period_id`` (default: the draft's period): an ad hoc request's
    from the draft ("Đột xuất: … (hạn 04/12/2026)"), a regular period's from its identifier."""
    period_id = period_id or draft.period
    if period_id in draft.period_labels:
        return draft.period_labels[period_id]
    return period_label(cfg.period(period_id))


def cut_label() -> str:
    """The button that keeps the beginning of a text over the limit ("Dùng 2000 ký tự đầu")."""
    return _("Dùng {limit} ký tự đầu").format(limit=MAX_TEXT)


def field_label(name: str) -> str:
    """The Vietnamese name of a part of the reply (a ``FIELDS`` key: "result" → "Kết quả")."""
    return _field_labels()[name]


def _field_labels() -> dict[str, str]:
    return {
        "status": _("Tình trạng"),
        "figures": _("Số liệu"),
        "result": _("Kết quả"),
        "difficulties": _("Khó khăn, vướng mắc"),
        "next_steps": _("Phương hướng"),
        "proposals": _("Đề xuất, kiến nghị"),
        "attachment": _("Tệp đính kèm"),
    }


#: What marks a task the agency already reported for the list's period (start of its button).
REPORTED_MARK = "✅"


async def _choosing_task(
    session: AsyncSession, contact: AnyContact, draft: Draft, cfg: DialogConfig
) -> tuple[str, list[tuple[Button, ...]]]:
    """The task list. A task is marked ``REPORTED_MARK`` ("✅ 5a · …") when the agency's own
    confirmed reply exists for the draft's period — the one the next screens answer — for every
    occurrence choosing it from the list would offer (``queries.TaskChoice.is_reported``: 5b is
    marked once both its deadlines are reported); the last line counts them over every page."""
    assert contact.agency_id is not None
    tasks = await queries.agency_tasks(session, contact.plan_id, contact.agency_id, draft.period)
    # The role check's snapshot (same transaction) named the agency; a loaded ``Contact``, or a
    # ``ContactRef`` made without it, costs a query.
    agency = contact.agency_name if isinstance(contact, ContactRef) else None
    if agency is None:
        agency = await queries.agency_name(session, contact.agency_id)
    pages = max(1, -(-len(tasks) // cfg.page_size))
    page = min(max(draft.page, 0), pages - 1)
    text = _("<b>Cập nhật tiến độ</b> — {agency}\nChọn nhiệm vụ cần báo cáo:").format(
        agency=html.escape(agency)
    )
    if pages > 1:
        text += "\n" + _("(trang {page}/{pages})").format(page=page + 1, pages=pages)
    rows: list[tuple[Button, ...]] = []
    if draft.period_labels:
        # An ad hoc request is open: say which period the reply will answer, and let it change.
        text += "\n" + _("Kỳ báo cáo: <b>{period}</b>").format(
            period=html.escape(period_name(draft, cfg))
        )
        rows.append((Button(_("Đổi kỳ báo cáo"), "period"),))
    counts = {"done": sum(t.is_reported for t in tasks), "total": len(tasks), "mark": REPORTED_MARK}
    if draft.period_labels:  # the period is named on the line above
        text += "\n" + _("Đã báo cáo kỳ này: {done}/{total} nhiệm vụ ({mark}).").format(**counts)
    else:
        text += "\n" + _("Đã báo cáo kỳ {period}: {done}/{total} nhiệm vụ ({mark}).").format(
            period=html.escape(period_title(cfg.period(draft.period))), **counts
        )
    for task in tasks[page * cfg.page_size : (page + 1) * cfg.page_size]:
        label = _("{code} · {title}").format(code=task.code, title=short_title(task.content))
        if task.is_reported:
            label = REPORTED_MARK + " " + label
        rows.append((Button(label, "task", task.code),))
    nav: list[Button] = []
    if page > 0:
        nav.append(Button(_("« Trang trước"), "page", str(page - 1)))
    if page < pages - 1:
        nav.append(Button(_("Trang sau »"), "page", str(page + 1)))
    if nav:
        rows.append(tuple(nav))
    rows.append((Button(_("Hủy"), "cancel"),))
    return text, rows


async def current(
    session: AsyncSession,
    contact: AnyContact,
    row: store.DialogRow,
    cfg: DialogConfig,
    *,
    prefix: str | None = None,
    notice: str | None = None,
    draft: Draft | None = None,
) -> Screen:
    """The screen of the row's current state; ``prefix`` (HTML) goes above it (an error, a note).

    ``draft``: the row's draft as the caller just stored it in the row (``store.put_draft``), so
    it is not read back from the row's JSON; None reads it from the row.
    """
    if draft is None:
        draft = store.draft_of(row)
    state = Waiting(row.state)
    rows: list[tuple[Button, ...]] = []
    if state is Waiting.CHOOSING_TASK:
        text, rows = await _choosing_task(session, contact, draft, cfg)
    elif state is Waiting.CHOOSING_OCCURRENCE:
        text = (
            task_header(draft)
            + "\n"
            + _("Nhiệm vụ này có {count} thời hạn. Bạn báo cáo cho thời hạn nào?").format(
                count=len(draft.deadlines)
            )
        )
        for number, due in enumerate(draft.deadlines, start=1):
            label = _("Lần {number} — hạn {due}").format(
                number=number, due=fmt_date(date.fromisoformat(due))
            )
            rows.append((Button(label, "occ", str(number)),))
        rows.append(back_cancel())
    elif state is Waiting.CHOOSING_CORRECTION:
        text = await _correction_text(session, contact, draft, cfg)
        rows = [(Button(_("Sửa báo cáo này"), "corr"),), back_cancel()]
    elif state is Waiting.CHOOSING_STATUS:
        text = task_header(draft) + "\n" + _("Tình hình thực hiện nhiệm vụ?")
        if draft.status:
            text += "\n" + _("Đang chọn: {status}").format(status=status_label(draft.status))
        rows = [(Button(status_label(s), "st", s.value),) for s in ProgressStatus]
        rows.append(back_cancel())
    elif state is Waiting.TYPING_FIGURE:
        indicator = draft.indicators[draft.figure_index]
        ask = (
            _(
                "Số liệu «{name}» phát sinh trong kỳ (đơn vị: {unit})?\n"
                "Gõ một số nguyên, ví dụ 12 hoặc 1.234 — hoặc bấm Bỏ qua."
            )
            if indicator.whole
            else _(
                "Số liệu «{name}» phát sinh trong kỳ (đơn vị: {unit})?\n"
                "Gõ một số, ví dụ 1.234 hoặc 12,5 — hoặc bấm Bỏ qua."
            )
        )
        text = (
            task_header(draft)
            + "\n"
            + ask.format(name=html.escape(indicator.name), unit=html.escape(indicator.unit))
        )
        if indicator.owner_id is not None and indicator.owner_id != contact.agency_id:
            # A co-lead's figure is a note in the reports, never summed (DOMAIN.md, "Indicators").
            text += "\n" + _(
                "Lưu ý: số này được ghi là ghi chú của cơ quan bạn; số tính vào tổng là của {owner}."
            ).format(owner=html.escape(indicator.owner))
        value = draft.figure(indicator.id)
        if value is not None:
            text += "\n" + _("Đang có: {value}.").format(value=figure_value(value, indicator.unit))
        rows = [(Button(_("Bỏ qua"), "skip"),), back_cancel()]
    elif state is Waiting.CONFIRMING_FIGURE:
        indicator = draft.indicators[draft.figure_index]
        text = _("Bạn gõ «{text}». Cách viết này dễ nhầm; xin chọn đúng số bạn muốn:").format(
            text=html.escape(draft.ambiguous_text)
        )
        if draft.dropped:
            text += "\n" + _(
                "(«{name}» chỉ nhận số nguyên nên không thể là {values}; nếu không đúng số nào, "
                "bấm Nhập lại.)"
            ).format(
                name=html.escape(indicator.name),
                values=", ".join(format_figure(Decimal(raw)) for raw in draft.dropped),
            )
        for index, raw in enumerate(draft.candidates):
            label = _("{value} {unit}").format(
                value=format_figure(Decimal(raw)), unit=indicator.unit
            )
            rows.append((Button(label, "fig", str(index)),))
        rows.append((Button(_("Nhập lại"), "back"), Button(_("Hủy"), "cancel")))
    elif state in TEXT_STEPS:
        text = task_header(draft) + "\n" + _(_TEXT_PROMPTS[state])
        existing = getattr(draft, TEXT_STEPS[state])
        buttons = [Button(_("Bỏ qua"), "skip")]
        if existing:
            text += "\n" + _("Đang có: {text}").format(text=shown(existing))
            buttons.append(Button(_("Xóa nội dung này"), "clear"))
        rows = [tuple(buttons), back_cancel()]
        if draft.too_long is not None:  # a text over the limit: offer to keep its beginning
            rows.insert(0, (Button(cut_label(), "cut"),))
    elif state is Waiting.SENDING_ATTACHMENT:
        text = (
            task_header(draft)
            + "\n"
            + _("Gửi kèm tệp hoặc ảnh sản phẩm (văn bản, biên bản…), hoặc bấm Bỏ qua.")
        )
        buttons = [Button(_("Bỏ qua"), "skip")]
        if draft.attachment is not None:
            text += "\n" + _("Đang có: {name}").format(
                name=html.escape(attachment_name(draft.attachment))
            )
            buttons.append(Button(_("Bỏ tệp đính kèm"), "clear"))
        rows = [tuple(buttons), back_cancel()]
    elif state is Waiting.CONFIRMING:
        text = await _summary(session, contact, draft, cfg)
        second = [Button(_("Sửa"), "edit")]
        if len(draft.periods) > 1:
            second.append(Button(_("Đổi kỳ báo cáo"), "period"))
        rows = [(Button(_("Xác nhận"), "ok"),), tuple(second), back_cancel()]
    elif state is Waiting.CHOOSING_FIELD:
        text = _("Bạn muốn sửa phần nào?")
        labels = _field_labels()
        for name in FIELDS:
            if name == "figures" and not draft.indicators:
                continue
            rows.append((Button(labels[name], "field", name),))
        rows.append(back_cancel())
    elif state is Waiting.CHOOSING_PERIOD:
        text = _("Báo cáo này trả lời kỳ nào?")
        for index, period_id in enumerate(draft.periods):
            rows.append((Button(period_name(draft, cfg, period_id), "per", str(index)),))
        rows.append(back_cancel())
    else:  # Waiting.CONFIRMING_DONE
        text = _("Xác nhận nhiệm vụ <b>{code}</b> đã <b>hoàn thành</b> — kỳ {period}?").format(
            code=html.escape(draft.task_code), period=html.escape(period_name(draft, cfg))
        )
        # The reminder keeps its buttons, so this may be a second tap: say what is on record.
        report = await existing_report(session, contact, draft)
        latest = report.versions[-1] if report and report.versions else None
        if latest is not None:
            text = (
                _reported_line(draft, cfg, latest)
                + "\n"
                + text
                + " "
                + _("Xác nhận lại sẽ ghi thêm phiên bản {version}.").format(
                    version=latest.version + 1
                )
            )
        rows = [
            (Button(_("Xác nhận"), "ok"), Button(_("Cập nhật chi tiết"), "full")),
            (Button(_("Hủy"), "cancel"),),
        ]
    if prefix:
        text = prefix + "\n\n" + text
    return Screen(text=text, rows=tuple(rows), token=row.token, step=row.step, notice=notice)


async def existing_report(
    session: AsyncSession, contact: AnyContact, draft: Draft
) -> ProgressReport | None:
    """The confirmed reply of the contact's agency for the draft's task, occurrence and period
    (with its versions), or None."""
    assert contact.agency_id is not None and draft.task_id is not None
    return await store.find_report(
        session,
        task_id=draft.task_id,
        agency_id=contact.agency_id,
        occurrence=draft.occurrence,
        period=draft.period,
    )


async def _correction_text(
    session: AsyncSession, contact: AnyContact, draft: Draft, cfg: DialogConfig
) -> str:
    report = await existing_report(session, contact, draft)
    latest = report.versions[-1] if report and report.versions else None
    if latest is None:
        return task_header(draft)
    return (
        task_header(draft)
        + "\n"
        + _reported_line(draft, cfg, latest)
        + "\n"
        + _("Bạn có muốn sửa báo cáo đó? Các phiên bản cũ vẫn được lưu.")
    )


def _reported_line(draft: Draft, cfg: DialogConfig, latest: ProgressReportVersion) -> str:
    """ "Cơ quan đã báo cáo nhiệm vụ này cho kỳ …: <status> (phiên bản N, xác nhận lúc …)." """
    return _(
        "Cơ quan đã báo cáo nhiệm vụ này cho kỳ {period}: {status} (phiên bản {version}, "
        "xác nhận lúc {when})."
    ).format(
        period=html.escape(period_name(draft, cfg)),
        status=status_label(latest.status),
        version=latest.version,
        when=fmt_moment(as_utc(latest.confirmed_at), cfg.tz),
    )


async def _summary(
    session: AsyncSession,
    contact: AnyContact,
    draft: Draft,
    cfg: DialogConfig,
    confirmed_version: int | None = None,
) -> str:
    corrects_at = None
    if draft.corrects_version is not None:
        report = await existing_report(session, contact, draft)
        if report is not None:
            for version in report.versions:
                if version.version == draft.corrects_version:
                    corrects_at = as_utc(version.confirmed_at)
    return summary(draft, period_name(draft, cfg), cfg.tz, corrects_at, confirmed_version)


async def confirmed_summary(
    session: AsyncSession, contact: AnyContact, draft: Draft, cfg: DialogConfig, version: int
) -> str:
    """The summary as it reads once ``version`` of the reply was stored."""
    return await _summary(session, contact, draft, cfg, confirmed_version=version)
