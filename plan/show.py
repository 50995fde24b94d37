"""A readable terminal table of a stored plan (``python -m bot plan show``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from locales import _
from models.plan import Plan, Section, Task, TaskAssignment, TaskRole
from models.text import fmt_date

_WIDTHS = (5, 34, 28, 40, 44)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


async def render_plan_table(session: AsyncSession, plan: Plan) -> str:
    """The plan as text: a heading, then one line per task (code, timeline, deadlines dd/mm/yyyy,
    lead agencies, leader), grouped by section; archived tasks are marked."""
    sections = (
        await session.scalars(
            select(Section).where(Section.plan_id == plan.id).order_by(Section.number)
        )
    ).all()
    tasks = (
        await session.scalars(
            select(Task)
            .where(Task.plan_id == plan.id)
            .order_by(Task.position)
            .options(
                selectinload(Task.deadlines),
                selectinload(Task.schedule),
                selectinload(Task.assignments).selectinload(TaskAssignment.agency),
                selectinload(Task.assignments).selectinload(TaskAssignment.group),
            )
        )
    ).all()
    header = (_("Mã"), _("Thời gian"), _("Hạn"), _("Chủ trì"), _("Thủ trưởng phụ trách"))
    lines = [
        f"{plan.title}".strip(),
        _("Kế hoạch {key} — {province} — {count} nhiệm vụ").format(
            key=plan.key,
            province=plan.province or "?",
            count=sum(t.archived_at is None for t in tasks),
        ),
        "",
        "  ".join(h.ljust(w) for h, w in zip(header, _WIDTHS, strict=True)).rstrip(),
        "  ".join("-" * w for w in _WIDTHS),
    ]
    for section in sections:
        lines.append(f"{section.number}. {section.title}")
        for task in (t for t in tasks if t.section_id == section.id):
            dues = ", ".join(fmt_date(d.due) for d in task.deadlines)
            schedule = task.schedule
            if schedule is not None and schedule.ongoing:
                dues = f"{dues} + {_('thường xuyên')}" if dues else _("thường xuyên")
            if schedule is not None and schedule.on_event:
                dues = _("khi có sự kiện")
            lead = ", ".join(
                a.agency.name if a.agency else (a.group.name if a.group else "?")
                for a in task.assignments
                if a.role == TaskRole.LEAD
            )
            code = task.code + ("*" if task.archived_at else "")
            cells = (code, task.timeline_text, dues or "—", lead, task.leader_text)
            lines.append(
                "  ".join(_cut(c, w).ljust(w) for c, w in zip(cells, _WIDTHS, strict=True)).rstrip()
            )
    if any(t.archived_at for t in tasks):
        lines.append("")
        lines.append(_("* nhiệm vụ đã lưu trữ (không còn trong kế hoạch)"))
    return "\n".join(lines)
