"""``python -m bot …`` — the command-line interface (see ``bot.cli``)."""

from bot.cli import main

if __name__ == "__main__":
    main()
