"""Refusals may be a callback query's alert, which the Bot API caps at 200 characters."""

from __future__ import annotations

from datetime import datetime

from handlers.auth import refusal_agency, refusal_revoked, refusal_role, refusal_unbound


def test_every_refusal_fits_an_alert() -> None:
    texts = [
        refusal_unbound(),
        refusal_revoked(datetime(2026, 12, 31, 23, 59)),
        refusal_role(),
        refusal_agency(),
    ]
    assert [len(t) <= 200 for t in texts] == [True] * 4, [len(t) for t in texts]
    assert refusal_revoked(datetime(2026, 12, 31, 23, 59)) == (
        "Liên kết của tài khoản Telegram này với cơ quan đã bị thu hồi ngày 31/12/2026.\n"
        "Cần liên kết lại: liên hệ Cơ quan Thường trực (Bộ Chỉ huy Quân sự tỉnh) để nhận mã mời "
        "mới, rồi gửi /start kèm mã đó."
    )
