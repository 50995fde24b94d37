"""``python -m emulator --host 127.0.0.1 --port 8081 [--token T] [--bot-username U]
[--no-rate-limits] [--log-level L]``: run the
emulator on real time for the offline sandbox (Ctrl-C stops it)."""

from __future__ import annotations

import argparse
import logging

from .server import run
from .settings import DEFAULT_TOKEN, Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the bot token it accepts")
    parser.add_argument("--bot-username", default="emulated_bot")
    parser.add_argument("--no-rate-limits", action="store_true", help="turn flood limits off")
    parser.add_argument(
        "--log-level", default="WARNING", help="Python logging level (default: WARNING, quiet)"
    )
    args = parser.parse_args(argv)
    settings = Settings(token=args.token, bot_username=args.bot_username)
    settings.rate_limits = not args.no_rate_limits
    # Quiet by default: a parent process may keep our stderr in a pipe it never drains.
    logging.basicConfig(level=args.log_level.upper())
    print(f"Telegram emulator on http://{args.host}:{args.port} (token {args.token})", flush=True)
    run(args.host, args.port, settings)


if __name__ == "__main__":
    main()
