"""The standing office's delivery controls in chat, and the "Nhắc lại sau" button.

- ``/hopthu`` — the outbox: rows per status and the latest failures (who could not be reached);
- ``/tamdungnhac`` / ``/tieptucnhac`` — pause / resume every reminder;
- ``/dotxuat dd/mm/yyyy nội dung`` — an ad-hoc report request to every agency (the CLI
  ``python -m bot adhoc create`` can address chosen agencies); ``/dotxuat`` alone lists the
  requests with their numbers (``scheduler.adhoc.request_standings``);
- ``/huydotxuat N`` — cancel request N after a "Xác nhận / Hủy" question (buttons
  ``dx:v1:cancel:<id>`` and ``dx:v1:keep``);
- ``/kichhoat mã dd/mm/yyyy`` — activate an on-event task with its due date;
- ``/ngaynghi dd/mm/yyyy [ghi chú]`` / ``/ngaylamviec dd/mm/yyyy [ghi chú]`` — a day off / a
  working day in the plan's calendar (``scheduler.commands``, shared with the CLI);
- the button ``rem:v1:snooze:<outbox id>`` — the contact's item comes back at the next working
  day's sending time.

Thin: parse, call ``scheduler.controls``, render.
"""

from __future__ import annotations

import html
from datetime import date, datetime

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers import callback_data
from handlers.auth import Actor, requires
from handlers.context import BotContext
from handlers.menu import roles_for
from handlers.render import confirm_keyboard
from locales import N_, _
from models.text import fmt_date
from scheduler import adhoc as adhoc_requests
from scheduler import claims, commands, controls
from scheduler.rules import ReminderRules

_STATUS_NAMES = {
    "pending": N_("chờ gửi"),
    "sending": N_("đang gửi"),
    "sent": N_("đã gửi"),
    "failed": N_("không gửi được"),
    "retry": N_("chờ gửi lại"),
}


@requires(roles_for("hopthu"))
async def outbox_view(update: Update, context: BotContext, actor: Actor) -> None:
    """/hopthu — counts per status and the latest failures."""
    async with context.session_factory() as session:
        counts = await claims.count_by_status(session, plan_id=context.plan_id)
        failures = await controls.recent_failures(session, context.plan_id)
        paused = await controls.is_paused(session, context.plan_id)
    lines = [_("<b>Hộp thư nhắc việc</b>")]
    if paused:
        lines.append(_("⏸ Nhắc việc đang tạm dừng (/tieptucnhac để gửi lại)."))
    lines.append(
        "; ".join(
            _("{status}: {count}").format(status=_(_STATUS_NAMES[str(s)]), count=n)
            for s, n in counts.items()
        )
    )
    if failures:
        lines.append(_("Không gửi được gần đây:"))
        for row in failures:
            lines.append(
                _("• {chat} — {key}: {error}").format(
                    chat=row.recipient_chat_id,
                    key=html.escape(row.key),
                    error=html.escape(row.error or ""),
                )
            )
    assert update.effective_message is not None
    await update.effective_message.reply_html("\n".join(lines))


async def _set_paused(update: Update, context: BotContext, paused: bool) -> None:
    async with context.session_factory.begin() as session:
        was = await controls.set_paused(session, context.plan_id, paused)
    if paused:
        text = _("Nhắc việc đã tạm dừng.") if not was else _("Nhắc việc vẫn đang tạm dừng.")
    else:
        text = (
            _("Đã tiếp tục gửi nhắc việc theo lịch.") if was else _("Nhắc việc không bị tạm dừng.")
        )
    assert update.effective_message is not None
    await update.effective_message.reply_text(text)


@requires(roles_for("tamdungnhac"))
async def pause(update: Update, context: BotContext, actor: Actor) -> None:
    """/tamdungnhac"""
    await _set_paused(update, context, True)


@requires(roles_for("tieptucnhac"))
async def resume(update: Update, context: BotContext, actor: Actor) -> None:
    """/tieptucnhac"""
    await _set_paused(update, context, False)


def parse_adhoc(args: list[str]) -> tuple[str, str] | None:
    """``["15/12/2026", "Báo", "cáo", …]`` → (the date as typed, subject); None when malformed.
    The date is read by ``parse_day``."""
    if len(args) < 2:
        return None
    subject = " ".join(args[1:]).strip()
    return (args[0], subject) if subject else None


#: Prefix of the buttons of ``/huydotxuat``.
ADHOC_PREFIX = "dx"
#: Requests ``/dotxuat`` lists (latest due first), so that the answer stays one message.
MAX_LISTED = 20


def _adhoc_usage() -> str:
    return _(
        "Cú pháp: /dotxuat ngày/tháng/năm nội dung yêu cầu báo cáo\nVí dụ: /dotxuat 15/12/2026 Kết quả quy tập tháng 12"
    )


async def _list_adhoc(update: Update, context: BotContext) -> None:
    """``/dotxuat`` alone: the requests with their numbers, then how to make or cancel one."""
    assert update.effective_message is not None
    async with context.session_factory() as session:
        standings = await adhoc_requests.request_standings(
            session, context.plan_id, context.settings.tz
        )
    today = context.today()
    lines = []
    if standings:
        lines.append(_("<b>Yêu cầu báo cáo đột xuất</b> (hạn muộn nhất trước):"))
        lines += [f"• {html.escape(s.line(today))}" for s in standings[:MAX_LISTED]]
        if len(standings) > MAX_LISTED:
            lines.append(
                _("… và {count} yêu cầu cũ hơn (xem tất cả: python -m bot adhoc list).").format(
                    count=len(standings) - MAX_LISTED
                )
            )
        lines.append(
            _("Xem báo cáo của yêu cầu số N: /baocao dot xuat N · Hủy yêu cầu số N: /huydotxuat N")
        )
    else:
        lines.append(_("Chưa có yêu cầu báo cáo đột xuất nào."))
    lines += ["", html.escape(_adhoc_usage())]
    await update.effective_message.reply_html("\n".join(lines))


@requires(roles_for("dotxuat"))
async def adhoc(update: Update, context: BotContext, actor: Actor) -> None:
    """/dotxuat dd/mm/yyyy nội dung; alone: the list of requests."""
    assert update.effective_message is not None
    if not context.args:
        await _list_adhoc(update, context)
        return
    parsed = parse_adhoc(list(context.args or []))
    if parsed is None:
        await update.effective_message.reply_text(_adhoc_usage())
        return
    typed, subject = parsed
    due = parse_day(typed)
    if due is None:
        await update.effective_message.reply_html(_not_a_day(typed))
        return
    settings = context.settings
    rules = ReminderRules(
        send_time=settings.send_time,
        timezone=str(settings.tz.key),
        campaign_start=settings.campaign_start,
        campaign_end=settings.campaign_end,
    )
    try:
        async with context.session_factory.begin() as session:
            request = await controls.create_adhoc(
                session,
                context.plan_id,
                subject=subject,
                due=due,
                agency_ids=None,
                now=context.now(),
                by_contact_id=actor.contact_id,
                rules=rules,
            )
            late = await controls.adhoc_sent_after_due(
                session, context.plan_id, due, context.now(), rules
            )
    except controls.AdhocDueInPast as exc:
        await update.effective_message.reply_text(
            _("Hạn báo cáo {due} đã qua. Chọn hạn từ hôm nay ({today}) trở đi.").format(
                due=fmt_date(exc.due), today=fmt_date(exc.today)
            )
        )
        return
    except controls.AdhocAfterCampaign as exc:
        await update.effective_message.reply_text(adhoc_after_campaign(exc))
        return
    text = _(
        "Đã tạo yêu cầu báo cáo đột xuất số {id} «{subject}», hạn {due}. Bot sẽ gửi đến tất cả cơ quan vào giờ nhắc việc tới.\nXem báo cáo tổng hợp của yêu cầu này: /baocao dot xuat {id}"
    ).format(id=request.id, subject=subject, due=fmt_date(due))
    if late is not None:
        text += "\n\n" + adhoc_late_warning(request.id, due, late)
    await update.effective_message.reply_text(text)


def adhoc_after_campaign(exc: controls.AdhocAfterCampaign) -> str:
    """What ``/dotxuat`` answers to a due date after the campaign's last day."""
    return _(
        "Hạn báo cáo {due} sau ngày kết thúc Chiến dịch ({last}). Chọn hạn đến {last} là muộn nhất."
    ).format(due=fmt_date(exc.due), last=fmt_date(exc.last_day))


def adhoc_late_warning(request_id: int, due: date, sending: datetime) -> str:
    """The warning after an ad hoc request that goes out only after its due date (``sending``:
    aware, local): the day and time it goes out, and how to cancel it."""
    return _(
        "⚠️ Lưu ý: yêu cầu chỉ được gửi vào giờ nhắc việc tới, {time} ngày {day}, tức là sau hạn "
        "{due}: các cơ quan nhận được khi đã quá hạn. Nếu cần, hủy bằng /huydotxuat {id} rồi tạo "
        "lại với hạn muộn hơn."
    ).format(
        time=f"{sending:%H:%M}", day=fmt_date(sending.date()), due=fmt_date(due), id=request_id
    )


@requires(roles_for("huydotxuat"))
async def cancel_adhoc(update: Update, context: BotContext, actor: Actor) -> None:
    """/huydotxuat N — ask "Xác nhận / Hủy" before cancelling request N."""
    message = update.effective_message
    assert message is not None
    args = list(context.args or [])
    number = args[0].lstrip("#") if len(args) == 1 else ""
    if not number.isdigit() or len(number) > 18:
        await message.reply_text(
            _(
                "Cú pháp: /huydotxuat số_yêu_cầu\nVí dụ: /huydotxuat 3\nXem số của các yêu cầu: /dotxuat"
            )
        )
        return
    async with context.session_factory() as session:
        found = await adhoc_requests.get_request(
            session, context.plan_id, int(number), context.settings.tz
        )
    if found is None:
        await message.reply_text(
            _("Không có yêu cầu báo cáo đột xuất số {number}. Xem danh sách: /dotxuat").format(
                number=int(number)
            )
        )
        return
    if found.cancelled_on is not None:
        await message.reply_text(_already_cancelled(found))
        return
    question = _(
        "Hủy yêu cầu báo cáo đột xuất số {id} «{subject}», hạn {due}?\nBot sẽ thôi nhắc các cơ "
        "quan và không nhận thêm báo cáo cho yêu cầu này; các báo cáo đã gửi vẫn được giữ."
    ).format(id=found.id, subject=html.escape(found.subject), due=fmt_date(found.due))
    keyboard = confirm_keyboard(
        callback_data.build(ADHOC_PREFIX, "cancel", found.id),
        callback_data.build(ADHOC_PREFIX, "keep"),
    )
    await message.reply_text(question, parse_mode=ParseMode.HTML, reply_markup=keyboard)


def _already_cancelled(request: adhoc_requests.AdhocRequestRef) -> str:
    assert request.cancelled_on is not None
    return _("Yêu cầu báo cáo đột xuất số {id} đã được hủy ngày {day}.").format(
        id=request.id, day=fmt_date(request.cancelled_on)
    )


@requires(roles_for("huydotxuat"))
async def cancel_adhoc_button(update: Update, context: BotContext, actor: Actor) -> None:
    """The answer to /huydotxuat's question: cancel the request, or leave it as it is."""
    query = update.callback_query
    assert query is not None
    try:
        data = callback_data.parse(query.data or "")
        request_id = data.arg_int(0) if data.action == "cancel" else 0
        if data.action not in ("cancel", "keep"):
            raise callback_data.CallbackDataError(data.action)
    except callback_data.CallbackDataError:
        await query.answer(_("Nút này đã cũ. Vui lòng gửi lại lệnh."), show_alert=True)
        return
    if data.action == "keep":
        text = _("Đã bỏ qua: yêu cầu báo cáo đột xuất vẫn giữ nguyên.")
    else:
        try:
            async with context.session_factory.begin() as session:
                found = await adhoc_requests.cancel_request(
                    session,
                    context.plan_id,
                    request_id,
                    context.now(),
                    context.settings.tz,
                    by_contact_id=actor.contact_id,
                )
        except adhoc_requests.RequestAlreadyCancelled as exc:
            text = _already_cancelled(exc.request)
        else:
            if found is None:
                text = _("Không thực hiện được: yêu cầu này không còn trong danh sách.")
            else:
                text = _(
                    "Đã hủy yêu cầu báo cáo đột xuất số {id} «{subject}». Bot thôi nhắc các cơ "
                    "quan; các báo cáo đã gửi vẫn được giữ (/baocao dot xuat {id})."
                ).format(id=found.id, subject=html.escape(found.subject))
    await query.answer()
    await query.edit_message_text(text, parse_mode=ParseMode.HTML)


def parse_day(text: str) -> date | None:
    """``"08/02/2027"`` → that date; None when it is not a real dd/mm/yyyy date."""
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


#: Vietnamese weekday names, Monday first (``date.weekday()``).
_WEEKDAYS = (
    N_("Thứ Hai"),
    N_("Thứ Ba"),
    N_("Thứ Tư"),
    N_("Thứ Năm"),
    N_("Thứ Sáu"),
    N_("Thứ Bảy"),
    N_("Chủ nhật"),
)


def _not_a_day(text: str) -> str:
    return _("«{text}» không phải là ngày hợp lệ (ngày/tháng/năm, ví dụ 08/02/2027).").format(
        text=html.escape(text)
    )


@requires(roles_for("kichhoat"))
async def activate(update: Update, context: BotContext, actor: Actor) -> None:
    """/kichhoat mã dd/mm/yyyy — ``scheduler.commands.activate_task``."""
    assert update.effective_message is not None
    reply = update.effective_message.reply_html
    args = list(context.args or [])
    if len(args) != 2:
        await reply(
            _(
                "Cú pháp: /kichhoat mã_nhiệm_vụ ngày/tháng/năm (hạn hoàn thành)\nVí dụ: /kichhoat 4b 08/02/2027"
            )
        )
        return
    code, day_text = args[0].strip().lower(), args[1]
    due = parse_day(day_text)
    if due is None:
        await reply(_not_a_day(day_text))
        return
    try:
        async with context.session_factory.begin() as session:
            activation = await commands.activate_task(
                session, context.plan_id, code, due, context.now()
            )
    except commands.UnknownTaskError:
        await reply(
            _("Không có nhiệm vụ «{code}» trong Kế hoạch.").format(code=html.escape(args[0]))
        )
        return
    except commands.NotOnEventError as exc:
        await reply(
            _(
                "Nhiệm vụ {code} không phải nhiệm vụ thực hiện khi có sự kiện (thời gian: «{timeline}»). Chỉ kích hoạt được các nhiệm vụ «khi có…»."
            ).format(code=html.escape(exc.code), timeline=html.escape(exc.timeline))
        )
        return
    await reply(
        _(
            "Đã kích hoạt nhiệm vụ {code} («{event}»), hạn {due}. Bot sẽ nhắc việc theo hạn này từ giờ nhắc việc tới."
        ).format(
            code=html.escape(activation.code),
            event=html.escape(activation.on_event),
            due=fmt_date(activation.due),
        )
    )


async def _set_day(update: Update, context: BotContext, working: bool) -> None:
    assert update.effective_message is not None
    reply = update.effective_message.reply_html
    args = list(context.args or [])
    if not args:
        await reply(
            _("Cú pháp: /ngaynghi ngày/tháng/năm [ghi chú]\nVí dụ: /ngaynghi 27/11/2026 Nghỉ bù")
            if not working
            else _(
                "Cú pháp: /ngaylamviec ngày/tháng/năm [ghi chú]\nVí dụ: /ngaylamviec 28/11/2026 Làm bù"
            )
        )
        return
    day = parse_day(args[0])
    if day is None:
        await reply(_not_a_day(args[0]))
        return
    note = " ".join(args[1:]).strip()
    async with context.session_factory.begin() as session:
        await commands.set_calendar_day(session, context.plan_id, day, working=working, note=note)
    text = (
        _("Đã đặt {weekday} {day} là ngày làm việc: bot gửi nhắc việc vào ngày này.")
        if working
        else _("Đã đặt {weekday} {day} là ngày nghỉ: bot không gửi nhắc việc vào ngày này.")
    ).format(weekday=_(_WEEKDAYS[day.weekday()]), day=fmt_date(day))
    if note:
        text += "\n" + _("Ghi chú: {note}").format(note=html.escape(note))
    await reply(text)


@requires(roles_for("ngaynghi"))
async def holiday(update: Update, context: BotContext, actor: Actor) -> None:
    """/ngaynghi dd/mm/yyyy [ghi chú]"""
    await _set_day(update, context, working=False)


@requires(roles_for("ngaylamviec"))
async def workday(update: Update, context: BotContext, actor: Actor) -> None:
    """/ngaylamviec dd/mm/yyyy [ghi chú]"""
    await _set_day(update, context, working=True)


@requires(())
async def snooze_button(update: Update, context: BotContext, actor: Actor) -> None:
    """ "Nhắc lại sau": the item comes back at the next working day's sending time."""
    query = update.callback_query
    assert query is not None
    try:
        data = callback_data.parse(query.data or "")
        outbox_id = data.arg_int(0)
    except callback_data.CallbackDataError:
        await query.answer(
            _("Nút này đã cũ, vui lòng dùng tin nhắc việc mới nhất."), show_alert=True
        )
        return
    settings = context.settings
    rules = ReminderRules(send_time=settings.send_time, timezone=str(settings.tz.key))
    async with context.session_factory.begin() as session:
        until = await controls.snooze_to_next_working_day(
            session, context.plan_id, outbox_id, actor.telegram_user_id, context.now(), rules
        )
    if until is None:
        await query.answer(_("Mục nhắc việc này không phải của bạn."), show_alert=True)
        return
    local = until.astimezone(settings.tz)
    await query.answer(
        _("Đã hẹn nhắc lại lúc {time} ngày {day}.").format(
            time=local.strftime("%H:%M"), day=fmt_date(local.date())
        )
    )


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """The handlers of this module, in order."""
    return [
        CommandHandler("hopthu", outbox_view),
        CommandHandler("tamdungnhac", pause),
        CommandHandler("tieptucnhac", resume),
        CommandHandler("dotxuat", adhoc),
        CommandHandler("huydotxuat", cancel_adhoc),
        CommandHandler("kichhoat", activate),
        CommandHandler("ngaynghi", holiday),
        CommandHandler("ngaylamviec", workday),
        CallbackQueryHandler(snooze_button, pattern=callback_data.pattern("rem")),
        CallbackQueryHandler(cancel_adhoc_button, pattern=callback_data.pattern(ADHOC_PREFIX)),
    ]
