"""Setting a stored task from a parsed one, in place: fields, assignments by (role, position),
schedule, deadlines by occurrence. Rows are updated, not deleted and re-inserted; only a slot the
plan no longer has (a third lead agency dropped, a second deadline dropped) is removed."""

from __future__ import annotations

from models.plan import Task, TaskAssignment, TaskDeadline, TaskRole, TaskSchedule
from models.text import match_key
from plan.schema import TaskDoc


def update_task(
    task: Task,
    doc: TaskDoc,
    position: int,
    sections: dict[int, int],
    leaders: dict[str, int],
    agencies: dict[str, int],
    groups: dict[str, int],
) -> list[str]:
    """Set ``task`` from ``doc`` in place; the names of the fields that changed."""
    changes: list[str] = []
    wanted = {
        "section_id": sections[doc.section],
        "position": position,
        "content": doc.content,
        "measures": doc.measures,
        "timeline_text": doc.timeline,
        "leader_text": doc.leader,
        "leader_position_id": leaders.get(doc.leader),
    }
    for attr, value in wanted.items():
        if getattr(task, attr, None) != value:
            setattr(task, attr, value)
            # The order shifts when a task before it disappears: kept, but not news.
            if attr != "position":
                changes.append(attr)
    if _set_assignments(task, doc, agencies, groups):
        changes.append("agencies")
    if _set_schedule(task, doc):
        changes.append("schedule")
    if _set_deadlines(task, doc):
        changes.append("deadlines")
    return changes


def _set_assignments(
    task: Task, doc: TaskDoc, agencies: dict[str, int], groups: dict[str, int]
) -> bool:
    wanted: dict[tuple[TaskRole, int], tuple[int | None, int | None]] = {}
    for role, names in ((TaskRole.LEAD, doc.lead), (TaskRole.SUPPORT, doc.support)):
        for index, name in enumerate(names):
            k = match_key(name)
            wanted[(role, index)] = (None, groups[k]) if k in groups else (agencies[k], None)
    changed = False
    existing = {(a.role, a.position): a for a in task.assignments}
    for slot, row in existing.items():
        if slot not in wanted:
            task.assignments.remove(row)  # delete-orphan: a slot the plan no longer has
            changed = True
        elif (row.agency_id, row.group_id) != wanted[slot]:
            row.agency_id, row.group_id = wanted[slot]
            changed = True
    for (role, index), (agency_id, group_id) in wanted.items():
        if (role, index) not in existing:
            task.assignments.append(
                TaskAssignment(role=role, position=index, agency_id=agency_id, group_id=group_id)
            )
            changed = True
    return changed


def _set_schedule(task: Task, doc: TaskDoc) -> bool:
    wanted = {
        "window_start": doc.window_start,
        "ongoing": doc.ongoing,
        "recurrence": doc.recurrence,
        "on_event": doc.on_event,
        "focus": list(doc.focus),
    }
    schedule = task.schedule if task.id is not None else None
    if schedule is None:
        task.schedule = TaskSchedule(**wanted)
        return True
    changed = False
    for attr, value in wanted.items():
        if getattr(schedule, attr) != value:
            setattr(schedule, attr, value)
            changed = True
    return changed


def _set_deadlines(task: Task, doc: TaskDoc) -> bool:
    changed = False
    existing = {d.occurrence: d for d in task.deadlines}
    for occurrence, due in enumerate(doc.deadlines, start=1):
        row = existing.get(occurrence)
        if row is None:
            task.deadlines.append(TaskDeadline(occurrence=occurrence, due=due))
            changed = True
        elif row.due != due:
            row.due = due
            changed = True
    for occurrence, row in existing.items():
        if occurrence > len(doc.deadlines):
            task.deadlines.remove(row)
            changed = True
    return changed
