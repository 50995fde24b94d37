"""The compiled summary (Báo cáo tổng hợp) as plain data, and the report's header settings.

A ``Summary`` is what ``reports.compile.compile_summary`` returns and what every renderer (chat HTML,
DOCX, XLSX, chart) reads. Texts in it are NFC-normalized but *not* escaped: each renderer escapes
for its own format. Dates are calendar dates in Asia/Ho_Chi_Minh; figures are ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from locales import _
from models.progress import ProgressStatus
from models.text import fmt_date
from models.text import nfc as text_nfc
from scheduler.periods import PeriodKind, ReportingPeriod, quarter_numeral

#: Plan-setting keys read by the reports (table ``plan_settings``).
SETTING_HEADER = "report_header"
SETTING_UNIDENTIFIED_GRAVES = "unidentified_graves"
SETTING_DUE_WORKING_DAYS = "report_due_working_days"

#: About 12,000 unidentified graves in Hà Tĩnh's cemeteries (a press figure, DOMAIN.md); the
#: standing office enters the real number as the plan setting ``unidentified_graves``.
DEFAULT_UNIDENTIFIED_GRAVES = 12_000


@dataclass(frozen=True)
class ReportHeader:
    """Header and signature texts of the official document (Nghị định 30/2020/NĐ-CP, Appendix I).

    Every field is overridable per plan through the JSON plan setting ``report_header``; the
    defaults are Hà Tĩnh's (the signer as in the plan document itself).
    """

    parent_body: str = "UBND TỈNH HÀ TĨNH"
    committee: str = "BAN CHỈ ĐẠO TÌM KIẾM, QUY TẬP VÀ XÁC ĐỊNH DANH TÍNH HÀI CỐT LIỆT SĨ"
    committee_short: str = "Ban Chỉ đạo tỉnh"
    place: str = "Hà Tĩnh"
    number_prefix: str = "BC-BCĐ"
    subject: str = (
        "Kết quả thực hiện “Chiến dịch 500 ngày đêm đẩy mạnh thực hiện tìm kiếm, quy tập và "
        "xác định danh tính hài cốt liệt sĩ”"
    )
    signer_on_behalf: str = "TM. BAN CHỈ ĐẠO"
    signer_title: str = "TRƯỞNG BAN"
    signer_position: str = "PHÓ CHỦ TỊCH UBND TỈNH"
    signer_name: str = "Nguyễn Thị Nguyệt"
    recipients: tuple[str, ...] = (
        "Ban Chỉ đạo Quân khu 4;",
        "Chủ tịch, các PCT UBND tỉnh;",
        "Các thành viên Ban Chỉ đạo tỉnh;",
        "Lưu: VT, BCHQS.",
    )

    @classmethod
    def from_setting(cls, value: Any) -> ReportHeader:
        """Defaults overridden by the known keys of a JSON object (unknown keys are ignored)."""
        if not isinstance(value, dict):
            return cls()
        known = {k: v for k, v in value.items() if k in cls.__dataclass_fields__}
        if "recipients" in known:
            known["recipients"] = tuple(str(r) for r in known["recipients"])
        return cls(**known)


STATUS_LABELS: dict[ProgressStatus | None, str] = {
    **{status: status.label for status in ProgressStatus},
    None: _("Chưa báo cáo"),
}


def period_label(period: ReportingPeriod) -> str:
    """The period as the report's subject names it: "tháng 11/2026", "quý IV/2026"…"""
    year = period.end.year
    if period.kind is PeriodKind.MONTHLY:
        return _("tháng {month}/{year}").format(month=period.end.month, year=year)
    if period.kind is PeriodKind.QUARTERLY:
        return _("quý {quarter}/{year}").format(quarter=quarter_numeral(period), year=year)
    if period.kind is PeriodKind.HALF_YEARLY:
        if period.end.month == 6:
            return _("6 tháng đầu năm {year}").format(year=year)
        return _("6 tháng cuối năm {year}").format(year=year)
    if period.kind is PeriodKind.YEARLY:
        return _("năm {year}").format(year=year)
    if period.id == "soket":
        return _("sơ kết 250 ngày thực hiện Chiến dịch")
    if period.id == "tongket":
        return _("tổng kết Chiến dịch")
    return _("đột xuất từ ngày {start} đến ngày {end}").format(
        start=fmt_date(period.start), end=fmt_date(period.end)
    )


def nfc(text: str | None) -> str:
    """``text`` stripped and NFC-normalized ("" for None): keyboards send NFD too (DOMAIN.md)."""
    return text_nfc(text).strip() if text else ""


def fmt_number(value: Decimal | int | float | None) -> str:
    """Vietnamese number: dot groups thousands, comma marks decimals ("1.234", "12,5"); "—" if None."""
    if value is None:
        return "—"
    dec = value if isinstance(value, Decimal) else Decimal(str(value))
    dec = dec.quantize(Decimal(1)) if dec == dec.to_integral_value() else dec.normalize()
    text = f"{dec:,f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@dataclass(frozen=True)
class LeadReply:
    """One lead agency's standing on a task in the period: its latest confirmed reply, if any.

    ``confirmed_on`` is the first confirmation's local date; ``late`` when that is after the
    due date of the period the reply answers.
    """

    agency: str
    status: ProgressStatus | None
    result: str = ""
    confirmed_on: date | None = None
    late: bool = False
    reply_period: str | None = None
    days_late: int = 0


@dataclass(frozen=True)
class TaskLine:
    """A task of section I: code, content, its lead agencies' replies in document order."""

    code: str
    content: str
    timeline: str
    leads: list[LeadReply]
    #: The first deadline on or after the period's start (else the last one); None when none.
    due: date | None = None


@dataclass(frozen=True)
class SectionBlock:
    """A section of the appendix with its tasks active in (or replied to for) the period."""

    number: int
    title: str
    tasks: list[TaskLine]


@dataclass(frozen=True)
class Attributed:
    """A free text of a reply (difficulty, next step, proposal) with whom and which task it is from."""

    agency: str
    task_code: str
    text: str


@dataclass(frozen=True)
class FigureNote:
    """A co-lead's figure, shown as its note and never added to the totals (DOMAIN.md)."""

    agency: str
    task_code: str
    value: Decimal


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator's period and cumulative totals (owner agencies' figures only) against target.

    ``target_min``/``target_max`` are absolute; when ``denominator`` is set the target is 100 % of
    it (graves sampled of the unidentified graves) and ``percent`` is cumulative / denominator.
    ``by_cutoff`` is the cumulative total after each monthly cut-off (for the chart).
    """

    code: str
    name: str
    unit: str
    period_total: Decimal
    cumulative: Decimal
    target_min: Decimal | None
    target_max: Decimal | None
    denominator: int | None = None
    denominator_is_default: bool = False
    percent: Decimal | None = None
    notes: list[FigureNote] = field(default_factory=list)
    #: (task code, agency, value) of the owners' figures in the period: what the totals add up.
    owner_figures: list[tuple[str, str, Decimal]] = field(default_factory=list)
    by_cutoff: list[tuple[date, Decimal]] = field(default_factory=list)


@dataclass(frozen=True)
class AgencyStanding:
    """How one agency reported in the period: replied tasks, late ones, missing ones."""

    agency: str
    replied: list[str]
    late: list[str]
    missing: list[str]
    last_confirmed_on: date | None
    days_late: int = 0


@dataclass(frozen=True)
class UnreachableContact:
    """A contact Telegram refused delivery to (blocked the bot, chat not found)."""

    name: str
    agency: str
    since: date
    reason: str


@dataclass(frozen=True)
class OverdueTask:
    """A deadline passed (before the cut-off) and not reported done by these lead agencies."""

    code: str
    content: str
    due: date
    days_overdue: int
    agencies: list[str]


@dataclass(frozen=True)
class Deliverable:
    """A file attached to a reply in the period: ``kind`` "document" or "photo"; ``version_id``
    the ``progress_report_versions`` row holding its Telegram file_id (0: not stored)."""

    task_code: str
    agency: str
    name: str
    kind: str
    version_id: int = 0


@dataclass(frozen=True)
class Summary:
    """Báo cáo tổng hợp — everything a period's report shows (see the module docstring)."""

    plan_key: str
    header: ReportHeader
    period: ReportingPeriod
    due: date
    compiled_on: date
    sections: list[SectionBlock]
    difficulties: list[Attributed]
    next_steps: list[Attributed]
    proposals: list[Attributed]
    indicators: list[IndicatorLine]
    on_time: list[AgencyStanding]
    late: list[AgencyStanding]
    missing: list[AgencyStanding]
    unreachable: list[UnreachableContact]
    overdue: list[OverdueTask]
    not_activated: list[tuple[str, str]]
    deliverables: list[Deliverable]
    #: The subject of the ad hoc request the report is about ("" for every other period).
    subject: str = ""
    #: The local day that ad hoc request was cancelled (None: not cancelled, or not a request).
    cancelled_on: date | None = None

    @property
    def label(self) -> str:
        """The period's label ("tháng 11/2026"; an ad hoc request's names its subject)."""
        if self.subject:
            return _("báo cáo đột xuất “{subject}”").format(subject=self.subject)
        return period_label(self.period)

    @property
    def unreported(self) -> list[tuple[str, str]]:
        """(agency, task code) pairs with no reply in the period, agencies in order; the code is
        "" for an agency asked for a report rather than for tasks (an ad hoc request)."""
        return [
            (standing.agency, code)
            for standing in (*self.on_time, *self.late, *self.missing)
            for code in (standing.missing or ([""] if standing in self.missing else []))
        ]
