from __future__ import annotations

import sys

from idtrainer.cli import main

sys.exit(main())
