"""The indicators against their targets over the campaign's months, as a PNG (matplotlib, Agg).

One panel per indicator that has figures or a target: the cumulative total after each monthly
cut-off (owners' figures only), and the target as a horizontal band (min–max) or line (100 % of the
denominator). Labels are Vietnamese, in DejaVu Sans (it has every Vietnamese glyph and ships with
matplotlib). Built on a ``Figure`` object, not ``pyplot``: no global state, safe in a worker thread.
"""

from __future__ import annotations

import io
import math
from datetime import date

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from locales import _
from reports.summary import IndicatorLine, Summary, fmt_number

FONT_FAMILY = "DejaVu Sans"


def _month_label(day: date) -> str:
    return f"{day.month:02d}/{day.year % 100:02d}"


def _panel(ax: Axes, line: IndicatorLine) -> None:
    xs = [_month_label(d) for d, _v in line.by_cutoff]
    ys = [float(v) for _d, v in line.by_cutoff]
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
            label=summary.label, end=summary.period.end.strftime("%d/%m/%Y")
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
        _panel(figure.add_subplot(rows, cols, index), line)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
