from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from emulator.client import TgUser
from tests.emulator.helpers import builder, polling


async def test_echo(telegram_emulator):
    app = builder(telegram_emulator).build()

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(update.effective_message.text)

    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with polling(app):
        lan = TgUser(1001, "Lan")
        await telegram_emulator.client.send_text(lan, "xin chào")
        transcript = await telegram_emulator.client.wait_for(1001, 1)
    assert transcript[0]["message"]["text"] == "xin chào"
