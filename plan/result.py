"""What an import did (``plan.importer.import_plan`` returns it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from locales import _


@dataclass
class ImportResult:
    """What an import did. ``updated`` maps a task code to the fields that changed."""

    plan_id: int
    key: str
    created: bool = False
    added: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    archived: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    sections_changed: list[int] = field(default_factory=list)
    agencies_added: list[str] = field(default_factory=list)
    indicators_added: list[str] = field(default_factory=list)
    #: "6a · Mộ đã lấy mẫu": owners that no longer lead the task, given back to its first lead.
    owners_reset: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the import wrote anything."""
        return bool(
            self.created
            or self.added
            or self.updated
            or self.archived
            or self.restored
            or self.sections_changed
            or self.agencies_added
            or self.indicators_added
            or self.owners_reset
        )

    def summary_lines(self) -> list[str]:
        """Human-readable lines (Vietnamese) saying what changed."""
        lines = [
            (_("Đã tạo kế hoạch “{key}”.") if self.created else _("Kế hoạch “{key}”.")).format(
                key=self.key
            )
        ]
        if not self.changed:
            lines.append(_("Không có gì thay đổi."))
            return lines
        if self.added:
            lines.append(_("Nhiệm vụ mới: {codes}").format(codes=", ".join(self.added)))
        labels = {  # the column names of the appendix, not the model's attribute names
            "section_id": _("mục"),
            "content": _("nội dung"),
            "measures": _("chỉ tiêu, biện pháp"),
            "timeline_text": _("thời gian"),
            "leader_text": _("thủ trưởng phụ trách"),
            "leader_position_id": _("thủ trưởng phụ trách"),
            "agencies": _("cơ quan chủ trì/phối hợp"),
            "schedule": _("lịch thực hiện"),
            "deadlines": _("hạn"),
        }
        for code, fields in self.updated.items():
            names = list(dict.fromkeys(labels.get(f, f) for f in fields))
            lines.append(
                _("Nhiệm vụ {code} thay đổi: {fields}").format(code=code, fields="; ".join(names))
            )
        if self.archived:
            lines.append(
                _("Nhiệm vụ lưu trữ (không còn trong kế hoạch): {codes}").format(
                    codes=", ".join(self.archived)
                )
            )
        if self.restored:
            lines.append(_("Nhiệm vụ khôi phục: {codes}").format(codes=", ".join(self.restored)))
        if self.sections_changed:
            lines.append(
                _("Mục thay đổi: {numbers}").format(
                    numbers=", ".join(str(n) for n in self.sections_changed)
                )
            )
        if self.agencies_added:
            lines.append(_("Cơ quan mới: {names}").format(names="; ".join(self.agencies_added)))
        if self.indicators_added:
            from plan.indicators import INDICATORS

            titles = {spec.code: spec.name for spec in INDICATORS}
            lines.append(
                _("Chỉ tiêu định lượng mới: {codes}").format(
                    codes="; ".join(titles.get(c, c) for c in self.indicators_added)
                )
            )
        if self.owners_reset:
            lines.append(
                _(
                    "Cơ quan tính số không còn chủ trì nhiệm vụ, trả về cơ quan chủ trì đầu tiên: "
                    "{items}"
                ).format(items="; ".join(self.owners_reset))
            )
        return lines
