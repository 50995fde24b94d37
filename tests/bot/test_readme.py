"""The README's role × command table says what ``handlers/menu.py`` enforces."""

from __future__ import annotations

from handlers.menu import COMMANDS
from models.people import Role
from tests.conftest import ROOT

COLUMNS = [Role.STANDING_OFFICE, Role.CONTACT, Role.LEADER, Role.ADMIN, None]


def _group_cell(roles: frozenset[Role], in_groups: frozenset[Role] | None) -> str:
    """The README's "in a group" cell: blank (private only), ✓ (as in private), or role names."""
    if in_groups is None:
        return ""
    if in_groups == roles:
        return "✓"
    return ", ".join(sorted(r.value for r in in_groups))


def test_role_table_matches_the_menu() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(
        "| lệnh / command | standing_office | contact | leader | admin | chưa liên kết / unbound "
        "| trong nhóm / in a group |"
    )
    table: dict[str, tuple[list[bool], str]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        name = cells[0].strip("`").split()[0].lstrip("/")
        table[name] = ([c == "✓" for c in cells[1:-1]], cells[-1])
    expected = {
        c.name: (
            [(not c.roles) or (role is not None and role in c.roles) for role in COLUMNS],
            _group_cell(c.roles, c.in_groups),
        )
        for c in COMMANDS
    }
    assert table == expected
