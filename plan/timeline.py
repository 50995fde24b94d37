"""The Vietnamese timeline grammar: a "Thời gian" phrase → a structured ``Schedule``.

Rules (issue 2): a span (a range of months, a quarter, half a year, a year, consecutive months
of one year, "from … to …", the campaign) has a window from its first day and is due on its last
day; a single month is due on its last day, a part of a month (đầu/giữa/cuối: days 1–10, 11–20,
21–last) on its last day, an exact date on that day, "trước <X>" on the day before X begins — all
without a window. Lists give several deadlines. "thường xuyên" marks the task ongoing, "hằng
tháng/quý/năm" ongoing with that rhythm, "Khi có …" on-event (no date until the standing office
sets one), and a parenthesised "(trọng tâm …)" keeps its dates as focus dates.

The phrase is tokenized after folding (case, NFC/NFD, diacritics), then read by a small
recursive-descent parser; anything it cannot read raises ``TimelineError`` — never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from locales import _
from plan.errors import TimelineError
from plan.schema import Occurrence, Schedule
from plan.spans import Span, list_occurrences
from plan.text import fold_aligned, nfc, squash

_TOKEN = re.compile(r"\d+|[a-z]+|[/,;\-()]|\S")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_RECURRENCE = {"thang": "monthly", "quy": "quarterly", "nam": "yearly"}
_FOCUS_DATE = re.compile(r"(?<!\d)(?P<day>\d{1,2})/(?P<month>\d{1,2})(?:/(?P<year>\d{4}))?")
_PART_OF_MONTH = {"dau": (1, 10), "giua": (11, 20), "cuoi": (21, 31)}


@dataclass
class _Tok:
    text: str
    start: int
    end: int


@dataclass
class _Item:
    """One clause: points (a list or a range), or a flag."""

    points: list[Span]
    mode: str  # list | range | before | campaign


class _Parser:
    """Recursive-descent reader over the folded tokens; collects items and flags."""

    def __init__(self, text: str, campaign_start: date, campaign_end: date) -> None:
        self.original = nfc(text)  # positions below index the NFC text
        folded = fold_aligned(text).replace("–", "-").replace("—", "-")
        self.tokens = [_Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]
        while self.tokens and self.tokens[-1].text == ".":  # a sentence's final full stop
            self.tokens.pop()
        self.pos = 0
        self.campaign = (campaign_start, campaign_end)
        self.items: list[_Item] = []
        self.ongoing = False
        self.recurrence: str | None = None
        self.on_event: str | None = None
        self.focus: list[str] = []

    # -- token helpers -------------------------------------------------------------------------
    def peek(self, offset: int = 0) -> str | None:
        index = self.pos + offset
        return self.tokens[index].text if index < len(self.tokens) else None

    def accept(self, *words: str) -> bool:
        """Consume ``words`` if the next tokens are exactly them."""
        if all(self.peek(i) == word for i, word in enumerate(words)):
            self.pos += len(words)
            return True
        return False

    def error(self, detail: str | None = None) -> TimelineError:
        where = self.tokens[self.pos].start if self.pos < len(self.tokens) else len(self.original)
        rest = self.original[where:].strip() or self.original
        message = _("Không đọc được thời gian “{phrase}” (từ chỗ “{rest}”).").format(
            phrase=self.original, rest=rest
        )
        if detail:
            message = f"{message} {detail}"
        return TimelineError(message)

    def number(self, low: int, high: int) -> int:
        tok = self.peek()
        if tok is None or not tok.isdigit() or not low <= int(tok) <= high:
            raise self.error()
        self.pos += 1
        return int(tok)

    def year(self) -> int:
        tok = self.peek()
        if tok is None or not tok.isdigit() or len(tok) != 4:
            raise self.error()
        self.pos += 1
        return int(tok)

    def year_suffix(self) -> int | None:
        """``/2026`` or ``năm 2026`` after a month or quarter list, if present."""
        if self.peek() == "/" and self.peek(1) is not None and len(self.peek(1) or "") == 4:
            self.pos += 1
            return self.year()
        if self.peek() == "nam" and (self.peek(1) or "").isdigit():
            self.pos += 1
            return self.year()
        return None

    # -- grammar --------------------------------------------------------------------------------
    def parse(self) -> None:
        if not self.tokens:
            raise TimelineError(_("Thời gian trống."))
        self.clause()
        while self.pos < len(self.tokens):
            if self.peek() == "(":
                self.focus_part()
                continue
            if not (self.accept(",") or self.accept(";") or self.accept("va")):
                raise self.error()
            while self.accept("va") or self.accept(",") or self.accept(";"):
                pass
            self.clause()

    def clause(self) -> None:
        if self.peek() == "(":
            self.focus_part()
            return
        if self.accept("thuong", "xuyen") or self.accept("lien", "tuc"):
            self.ongoing = True
            return
        self.accept("dinh", "ky")
        if self.peek() == "hang" and self.peek(1) in _RECURRENCE:
            self.ongoing = True
            self.recurrence = _RECURRENCE[self.peek(1) or ""]
            self.pos += 2
            return
        if self.campaign_clause():
            return
        if self.peek() == "khi" or (self.peek(), self.peek(1)) in (
            ("sau", "khi"),
            ("theo", "yeu"),
            ("dot", "xuat"),
        ):
            self.on_event_clause()
            return
        if self.accept("truoc"):
            self.items.append(_Item([self.point()], "before"))
            return
        self.accept("tu") or self.accept("trong")
        first = self.points()
        if self.peek() in ("den", "toi", "-"):
            self.pos += 1
            self.accept("het")
            last = self.points()
            self.items.append(_Item([first[0], last[-1]], "range"))
            return
        self.items.append(_Item(first, "list"))

    def campaign_clause(self) -> bool:
        start = self.pos
        self.accept("theo") or self.accept("trong") or self.accept("suot")
        self.accept("suot")
        if self.accept("thoi", "gian"):
            self.accept("cua") or self.accept("thuc", "hien")
            if self.accept("chien", "dich"):
                self.items.append(_Item([], "campaign"))
                return True
        self.pos = start
        return False

    def on_event_clause(self) -> None:
        start = self.tokens[self.pos].start
        while self.pos < len(self.tokens) and self.peek() != ";":
            self.pos += 1
        end = self.tokens[self.pos - 1].end
        self.on_event = squash(self.original[start:end])

    def focus_part(self) -> None:
        """``(trọng tâm … dịp 27/7 hằng năm)``: its dates become focus dates (ISO, or ``--MM-DD``
        when yearly); the rest of its words are kept only in the original text."""
        open_at = self.tokens[self.pos].end
        while self.pos < len(self.tokens) and self.peek() != ")":
            self.pos += 1
        if self.pos >= len(self.tokens):
            raise self.error(_("Thiếu dấu “)”."))
        inner = fold_aligned(self.original[open_at : self.tokens[self.pos].start])
        self.pos += 1
        yearly = "hang nam" in inner
        for match in _FOCUS_DATE.finditer(inner):
            day, month = int(match["day"]), int(match["month"])
            try:
                if match["year"]:
                    self.focus.append(date(int(match["year"]), month, day).isoformat())
                elif yearly:
                    date(2024, month, day)  # validates the day (2024 is a leap year)
                    self.focus.append(f"--{month:02d}-{day:02d}")
                else:
                    raise self.error(_("Ngày trọng tâm không có năm."))
            except ValueError:
                raise self.error() from None

    def points(self) -> list[Span]:
        """A point, or a list of months/quarters sharing one year: "Tháng 9, 10/2026",
        "Tháng 4-5/2026", "Quý I, II/2026" (a dash inside the list spans every value between)."""
        if self.peek() not in ("thang", "quy"):
            return [self.point()]
        kind = "month" if self.peek() == "thang" else "quarter"
        self.pos += 1
        values = [self.list_value(kind)]
        while self.peek() in (",", "va", "-") and self._value_follows(kind):
            is_range = self.peek() == "-"
            self.pos += 1
            value = self.list_value(kind)
            if is_range:
                if value <= values[-1]:
                    raise self.error()
                values.extend(range(values[-1] + 1, value + 1))
            else:
                values.append(value)
        year = self.year_suffix()
        return [Span(kind, (v,), year) for v in values]

    def _value_follows(self, kind: str) -> bool:
        nxt = self.peek(1) or ""
        return (
            nxt.isdigit() and len(nxt) <= 2 if kind == "month" else (nxt in _ROMAN or nxt.isdigit())
        )

    def list_value(self, kind: str) -> int:
        if kind == "month":
            return self.number(1, 12)
        tok = self.peek() or ""
        if tok in _ROMAN:
            self.pos += 1
            return _ROMAN[tok]
        return self.number(1, 4)

    def point(self) -> Span:
        tok = self.peek()
        if tok in _PART_OF_MONTH and self.peek(1) == "thang":
            first, last = _PART_OF_MONTH[tok]
            self.pos += 2
            month = self.number(1, 12)
            return Span("part", (month, first, last), self.year_suffix())
        if tok in ("thang", "quy"):
            pts = self.points()
            if len(pts) != 1:
                raise self.error()
            return pts[0]
        if (tok == "6" and self.peek(1) == "thang") or tok == "nua":
            self.pos += 2 if tok == "6" else 1
            half = self.peek()
            if half not in ("dau", "cuoi") or self.peek(1) != "nam":
                raise self.error()
            self.pos += 2
            return Span("half", (1 if half == "dau" else 2,), self.year())
        if tok == "nam":
            self.pos += 1
            return Span("year", (), self.year())
        self.accept("ngay")
        return self.numeric_point()

    def numeric_point(self) -> Span:
        """``15/5/2026``, ``ngày 15 tháng 5 năm 2026`` (a date) or a bare ``7/2027`` (a month)."""
        first = self.peek() or ""
        if not first.isdigit():
            raise self.error()
        if self.peek(1) == "thang":
            day = self.number(1, 31)
            self.pos += 1
            month = self.number(1, 12)
            return self._date(day, month, self.year_suffix())
        if self.peek(1) != "/":
            raise self.error()
        if len(self.peek(2) or "") == 4:
            month = self.number(1, 12)
            self.pos += 1
            return Span("month", (month,), self.year())
        day = self.number(1, 31)
        self.pos += 1
        month = self.number(1, 12)
        year = None
        if self.peek() == "/":
            self.pos += 1
            year = self.year()
        return self._date(day, month, year)

    def _date(self, day: int, month: int, year: int | None) -> Span:
        try:
            date(year or 2024, month, day)
        except ValueError:
            raise self.error() from None
        return Span("date", (day, month), year)

    # -- meaning -------------------------------------------------------------------------------
    def schedule(self) -> Schedule:
        self._fill_years()
        occurrences: list[Occurrence] = []
        for item in self.items:
            if item.mode == "campaign":
                occurrences.append(Occurrence(start=self.campaign[0], due=self.campaign[1]))
            elif item.mode == "before":
                begin = item.points[0].bounds()[0]
                occurrences.append(Occurrence(start=None, due=begin - timedelta(days=1)))
            elif item.mode == "range":
                begin = item.points[0].bounds()[0]
                end = item.points[-1].bounds()[1]
                if end < begin:
                    raise self.error(_("Khoảng thời gian kết thúc trước khi bắt đầu."))
                occurrences.append(Occurrence(start=begin, due=end))
            else:
                occurrences.extend(list_occurrences(item.points))
        occurrences.sort(key=lambda o: (o.due, o.start or o.due))
        starts = [o.start for o in occurrences if o.start is not None]
        return Schedule(
            text=squash(self.original),
            deadlines=sorted({o.due for o in occurrences}),
            window_start=min(starts) if starts else None,
            ongoing=self.ongoing,
            recurrence=self.recurrence,
            on_event=self.on_event,
            focus=self.focus,
            occurrences=occurrences,
        )

    def _fill_years(self) -> None:
        """A point without a year takes the year of the next point that has one
        ("Tháng 5 đến tháng 7/2026"); none at all is an error, not a guess."""
        points = [p for item in self.items for p in item.points]
        following: int | None = None
        for point in reversed(points):
            if point.year is None:
                point.year = following
            else:
                following = point.year
            if point.year is None:
                raise self.error(_("Thiếu năm."))
            if not 1900 <= point.year <= 2200:
                raise self.error()


def parse_timeline(text: str, *, campaign_start: date, campaign_end: date) -> Schedule:
    """Read a timeline phrase into a ``Schedule`` (dates are calendar dates, no time zone).

    ``campaign_start``/``campaign_end`` give the window of "Theo thời gian của Chiến dịch".
    Raises ``TimelineError`` (Vietnamese message quoting the phrase) when it cannot be read.
    """
    parser = _Parser(text, campaign_start, campaign_end)
    parser.parse()
    schedule = parser.schedule()
    if not (schedule.deadlines or schedule.ongoing or schedule.on_event):
        raise parser.error()
    return schedule
