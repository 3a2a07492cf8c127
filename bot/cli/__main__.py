"""`python -m bot.cli …` is the `linli` command."""
import sys

from bot.cli import main

sys.exit(main())
