"""Entry point of the frozen application (PyInstaller)."""

import sys

from idtrainer.cli import main

sys.exit(main())
