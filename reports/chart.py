"""The indicators against their targets over the campaign's months, as a PNG (matplotlib, Agg).

One panel per indicator that has figures or a target: the cumulative total after each monthly
cut-off (owners' figures only) up to the report's data end — the period's end, or the compile date
if that is earlier (``plotted``): no point is drawn for a cut-off that has not come yet — and the target as a horizontal band (min–max) or line (100 % of the
denominator). Labels are Vietnamese, in DejaVu Sans (it has every Vietnamese glyph and ships with
matplotlib). Built on a ``Figure`` object, not ``pyplot``: no global state, safe in a worker thread.
"""

from __future__ import annotations

import io
import math
from datetime import date
from decimal import Decimal

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from locales import _
from models.text import fmt_date
from reports.summary import IndicatorLine, Summary, fmt_number

FONT_FAMILY = "DejaVu Sans"


def _month_label(day: date) -> str:
    return f"{day.month:02d}/{day.year % 100:02d}"


def data_end(summary: Summary) -> date:
    """The last day the chart shows: the period's end, or the compile date if that is earlier (a
    milestone or an open period compiled before its end)."""
    return min(summary.period.end, summary.compiled_on)


def plotted(
    line: IndicatorLine, period_end: date, compiled_on: date
) -> list[tuple[date, str, Decimal]]:
    """The points of ``line``'s panel: (day, x label, cumulative value).

    One per monthly cut-off up to ``period_end`` and not after ``compiled_on`` (label "MM/YY").
    When the cumulative total at a cut-off after ``compiled_on`` (still inside the period) is above
    the last point kept — figures already confirmed for the open period — one more point at
    ``compiled_on`` (label "DD/MM/YY") carries it, so the chart ends on the report's total.
    """
    end = min(period_end, compiled_on)
    points = [(day, _month_label(day), value) for day, value in line.by_cutoff if day <= end]
    pending = [value for day, value in line.by_cutoff if end < day <= period_end]
    if pending and pending[-1] != (points[-1][2] if points else Decimal(0)):
        points.append((compiled_on, compiled_on.strftime("%d/%m/%y"), pending[-1]))
    return points


def _panel(ax: Axes, line: IndicatorLine, period_end: date, compiled_on: date) -> None:
    points = plotted(line, period_end, compiled_on)
    xs = [label for _d, label, _v in points]
    ys = [float(v) for _d, _label, v in points]
    ax.set_title(line.name, fontsize=10, family=FONT_FAMILY)
    if xs:
        ax.plot(xs, ys, marker="o", color="#1f4e79", label=_("Lũy kế"))
        previous = None
        for x, y in zip(xs, ys, strict=True):
            if y == previous:  # label only the months where the total moved
                continue
            previous = y
            ax.annotate(
                fmt_number(y),
                (x, y),
                textcoords="offset points",
                xytext=(0, 5),
                ha="center",
                fontsize=7,
                family=FONT_FAMILY,
            )
    if line.denominator:
        ax.axhline(
            line.denominator,
            color="#c00000",
            linestyle="--",
            label=_("Chỉ tiêu 100% ({total})").format(total=fmt_number(line.denominator)),
        )
    elif line.target_min is not None:
        top = line.target_max if line.target_max is not None else line.target_min
        ax.axhspan(
            float(line.target_min),
            float(top),
            color="#c00000",
            alpha=0.2,
            label=_("Chỉ tiêu {low}–{high}").format(
                low=fmt_number(line.target_min), high=fmt_number(top)
            ),
        )
    ax.set_ylabel(line.unit, family=FONT_FAMILY)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_number(round(v, 2))))
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, prop={"family": FONT_FAMILY, "size": 7})


def build_chart(summary: Summary, dpi: int = 110) -> bytes:
    """PNG bytes of the indicators chart (see the module docstring)."""
    buffer = io.BytesIO()
    chart_figure(summary, dpi).savefig(buffer, format="png")
    return buffer.getvalue()


def chart_figure(summary: Summary, dpi: int = 110) -> Figure:
    """The chart as a matplotlib ``Figure`` (an Agg canvas attached), one axes per panel."""
    lines = [
        line
        for line in summary.indicators
        if line.by_cutoff or line.denominator or line.target_min is not None
    ]
    cols = 2 if len(lines) > 1 else 1
    rows = max(1, math.ceil(len(lines) / cols))
    figure = Figure(figsize=(6 * cols, 3.6 * rows + 0.8), dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(
        _("Kết quả chỉ tiêu so với kế hoạch — {label} (số liệu đến {end})").format(
            label=summary.label, end=fmt_date(data_end(summary))
        ),
        fontsize=12,
        family=FONT_FAMILY,
    )
    if not lines:
        ax = figure.add_subplot(1, 1, 1)
        ax.text(
            0.5, 0.5, _("Chưa có số liệu chỉ tiêu"), ha="center", va="center", family=FONT_FAMILY
        )
        ax.set_axis_off()
    for index, line in enumerate(lines, start=1):
        _panel(figure.add_subplot(rows, cols, index), line, summary.period.end, summary.compiled_on)
    return figure
