"""sendMessage, edits and deletions through a real PTB ``Bot``, with Telegram's errors.

Expected error texts are Telegram's descriptions as PTB presents them: PTB strips
"Bad Request: " and capitalizes the rest (``str.capitalize``), and keeps "Forbidden: ..." whole.
"""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden

from emulator.client import message_html
from emulator.pytest_plugin import TelegramEmulator
from tests.emulator.conftest import GROUP, LAN, MINH


async def test_get_me(bot: Bot, telegram_emulator: TelegramEmulator) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456789, True, "emulated_bot")


async def test_send_message_result_carries_what_ptb_needs(
    bot: Bot, telegram_emulator: TelegramEmulator
) -> None:
    await telegram_emulator.client.start(LAN)
    sent = await bot.send_message(LAN.id, "<b>Chào</b> anh", parse_mode=ParseMode.HTML)
    assert sent.message_id == 2  # the user's /start was message 1 of this chat
    assert sent.text == "Chào anh"
    transcript = await telegram_emulator.client.transcript(LAN.id)
    assert message_html(transcript[0]["message"]) == "<b>Chào</b> anh"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 4)]
    assert sent.from_user is not None and sent.from_user.is_bot
    assert sent.chat.id == LAN.id and sent.chat.type == "private"
    assert sent.chat.username == "lan_nguyen"
    # The fixture's clock starts at 2026-01-01T00:00:00Z (1767225600).
    assert sent.date.timestamp() == 1_767_225_600
    telegram_emulator.clock.advance(90)
    later = await bot.send_message(LAN.id, "sau")
    assert later.date.timestamp() == 1_767_225_690


async def test_chat_not_found_blocked_and_migrated(
    bot: Bot, telegram_emulator: TelegramEmulator
) -> None:
    client = telegram_emulator.client
    with pytest.raises(BadRequest, match=r"^Chat not found$"):
        await bot.send_message(MINH.id, "never started")
    await client.start(MINH)
    await client.block(MINH.id)
    with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
        await bot.send_message(MINH.id, "blocked")
    await client.unblock(MINH.id)
    assert (await bot.send_message(MINH.id, "back")).text == "back"

    await client.send_text(LAN, "hello group", chat=GROUP)
    new_id = await client.migrate_group(GROUP.id)
    assert new_id == -1004001
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(GROUP.id, "old group")
    assert migrated.value.new_chat_id == -1004001
    assert (await bot.send_message(new_id, "supergroup")).chat.type == "supergroup"


async def test_text_length_is_counted_in_utf16_after_html(
    bot: Bot, telegram_emulator: TelegramEmulator
) -> None:
    await telegram_emulator.client.start(LAN)
    telegram_emulator.settings.rate_limits = False
    assert len((await bot.send_message(LAN.id, "a" * 4096)).text) == 4096
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(LAN.id, "a" * 4097)
    # 2048 stadium emoji are 4096 UTF-16 units; one more is too long.
    await bot.send_message(LAN.id, "🏟" * 2048)
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(LAN.id, "🏟" * 2049)
    # Tags do not count: 4096 letters inside <b> pass.
    await bot.send_message(LAN.id, "<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"^Message text is empty$"):
        await bot.send_message(LAN.id, "<b> \n </b>", parse_mode=ParseMode.HTML)


async def test_html_errors_and_entities(bot: Bot, telegram_emulator: TelegramEmulator) -> None:
    await telegram_emulator.client.start(LAN)
    with pytest.raises(BadRequest) as bad:
        await bot.send_message(LAN.id, "Hạn <foo>", parse_mode=ParseMode.HTML)
    # "Hạn " is 6 bytes in UTF-8: H, ạ (3 bytes: U+1EA1), n, space.
    assert (
        bad.value.message == 'Can\'t parse entities: unsupported start tag "foo" at byte offset 6'
    )
    with pytest.raises(BadRequest, match=r'can.t find end tag corresponding to start tag "b"$'):
        await bot.send_message(LAN.id, "<b>x<i>y</i>", parse_mode=ParseMode.HTML)
    sent = await bot.send_message(
        LAN.id,
        '🏟 <a href="https://example.org/x">link</a> &lt;3 <code>c</code>',
        parse_mode=ParseMode.HTML,
    )
    assert sent.text == "🏟 link <3 c"
    assert [(e.type, e.offset, e.length, e.url) for e in sent.entities] == [
        ("text_link", 3, 4, "https://example.org/x"),
        ("code", 11, 1, None),
    ]


async def test_inline_keyboard_checks(bot: Bot, telegram_emulator: TelegramEmulator) -> None:
    await telegram_emulator.client.start(LAN)
    telegram_emulator.settings.rate_limits = False
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 64)]])
    assert (await bot.send_message(LAN.id, "ok", reply_markup=ok)).reply_markup == ok
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="đ" * 33)]])
    with pytest.raises(BadRequest, match=r"^Button_data_invalid$"):  # 66 bytes
        await bot.send_message(LAN.id, "no", reply_markup=too_long)
    with pytest.raises(
        BadRequest,
        match=r"^Can.t parse inline keyboard button: text buttons are unallowed in the inline keyboard$",
    ):
        await bot.send_message(
            LAN.id, "no", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("only text")]])
        )


async def test_caption_limit(bot: Bot, telegram_emulator: TelegramEmulator) -> None:
    await telegram_emulator.client.start(LAN)
    await bot.send_document(LAN.id, b"x", filename="a.txt", caption="c" * 1024)
    with pytest.raises(BadRequest, match=r"^Message caption is too long$"):
        await bot.send_document(LAN.id, b"x", filename="a.txt", caption="c" * 1025)


async def test_edit_and_delete(bot: Bot, telegram_emulator: TelegramEmulator) -> None:
    await telegram_emulator.client.start(LAN)
    telegram_emulator.settings.rate_limits = False
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Có", callback_data="yes")]])
    sent = await bot.send_message(LAN.id, "Câu hỏi", reply_markup=keyboard)
    telegram_emulator.clock.advance(5)
    edited = await bot.edit_message_text("Câu hỏi (đã sửa)", LAN.id, sent.message_id)
    assert edited is not True and edited.text == "Câu hỏi (đã sửa)"
    assert edited.edit_date is not None and edited.edit_date.timestamp() == 1_767_225_605
    assert edited.reply_markup is None  # editing the text without a markup drops the keyboard
    with pytest.raises(BadRequest, match=r"^Message is not modified: specified new message"):
        await bot.edit_message_text("Câu hỏi (đã sửa)", LAN.id, sent.message_id)
    with_kb = await bot.edit_message_reply_markup(LAN.id, sent.message_id, reply_markup=keyboard)
    assert with_kb is not True and with_kb.reply_markup == keyboard
    with pytest.raises(BadRequest, match=r"^Message is not modified"):
        await bot.edit_message_reply_markup(LAN.id, sent.message_id, reply_markup=keyboard)
    with pytest.raises(BadRequest, match=r"^Message to edit not found$"):
        await bot.edit_message_text("x", LAN.id, 999)
    with pytest.raises(BadRequest, match=r"^Message can't be edited$"):
        await bot.edit_message_text("x", LAN.id, 1)  # the user's own /start
    assert await bot.delete_message(LAN.id, sent.message_id) is True
    with pytest.raises(BadRequest, match=r"^Message to delete not found$"):
        await bot.delete_message(LAN.id, sent.message_id)
    kinds = [entry["kind"] for entry in await telegram_emulator.client.transcript(LAN.id)]
    assert kinds == ["message", "edit", "edit", "delete"]
    assert await telegram_emulator.client.bot_messages(LAN.id) == []


async def test_delete_window_is_48_hours(bot: Bot, telegram_emulator: TelegramEmulator) -> None:
    await telegram_emulator.client.start(LAN)
    old = await bot.send_message(LAN.id, "old")
    telegram_emulator.clock.advance(48 * 3600 + 1)
    with pytest.raises(BadRequest, match=r"^Message can't be deleted for everyone$"):
        await bot.delete_message(LAN.id, old.message_id)


async def test_bot_removed_from_a_group(bot: Bot, telegram_emulator: TelegramEmulator) -> None:
    client = telegram_emulator.client
    await client.send_text(LAN, "hi", chat=GROUP)
    await client.remove_from_group(GROUP.id, LAN)
    with pytest.raises(Forbidden, match=r"^Forbidden: bot was kicked from the group chat$"):
        await bot.send_message(GROUP.id, "still here?")
    await client.add_to_group(GROUP.id, LAN)
    assert (await bot.send_message(GROUP.id, "back")).chat.id == GROUP.id


async def test_reply_keyboards_explicit_entities_mentions_and_captions(
    bot: Bot, telegram_emulator: TelegramEmulator
) -> None:
    from telegram import ForceReply, KeyboardButton, MessageEntity, ReplyKeyboardMarkup

    telegram_emulator.settings.rate_limits = False
    await telegram_emulator.client.start(LAN)
    keyboard = ReplyKeyboardMarkup([[KeyboardButton("Có"), KeyboardButton("Không")]])
    sent = await bot.send_message(LAN.id, "Chọn", reply_markup=keyboard)
    assert sent.reply_markup is None  # Telegram returns inline keyboards only
    await bot.send_message(LAN.id, "Trả lời", reply_markup=ForceReply())
    transcript = await telegram_emulator.client.transcript(LAN.id)
    assert transcript[0]["reply_keyboard"]["keyboard"] == [[{"text": "Có"}, {"text": "Không"}]]
    assert transcript[1]["reply_keyboard"] == {"force_reply": True}

    explicit = await bot.send_message(
        LAN.id, "đậm nghiêng", entities=[MessageEntity("bold", 0, 3), MessageEntity("italic", 4, 7)]
    )
    assert message_html(explicit.to_dict()) == "<b>đậm</b> <i>nghiêng</i>"
    mention = await bot.send_message(
        LAN.id, f'<a href="tg://user?id={LAN.id}">Lan</a>, hạn hôm nay', parse_mode=ParseMode.HTML
    )
    assert mention.entities[0].type == "text_mention"
    assert mention.entities[0].user is not None and mention.entities[0].user.first_name == "Lan"

    document = await bot.send_document(LAN.id, b"x", filename="a.txt", caption="cũ")
    edited = await bot.edit_message_caption(
        LAN.id, document.message_id, caption="<i>mới</i>", parse_mode=ParseMode.HTML
    )
    assert edited is not True and edited.caption == "mới"
    assert message_html(edited.to_dict()) == "<i>mới</i>"
    with pytest.raises(BadRequest, match=r"^There is no text in the message to edit$"):
        await bot.edit_message_text("x", LAN.id, document.message_id)
