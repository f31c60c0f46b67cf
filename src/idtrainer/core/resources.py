"""Where the shipped read-only files (starter content, catalogs, fonts) are.

Three layouts are supported, checked in this order:
- ``IDTRAINER_RESOURCES`` names a folder holding ``assets/`` and ``locales/``;
- an installed wheel carries them in ``idtrainer/_resources/``;
- a source checkout or editable install has them at the repository root.
A frozen build (PyInstaller) puts them in ``_resources`` beside the package too.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


@cache
def resources_root() -> Path:
    candidates: list[Path] = []
    if env := os.environ.get("IDTRAINER_RESOURCES"):
        candidates.append(Path(env))
    candidates.append(_PACKAGE_DIR / "_resources")
    candidates.append(_PACKAGE_DIR.parent.parent)  # src/idtrainer -> repository root
    for root in candidates:
        if (root / "locales").is_dir() and (root / "assets").is_dir():
            return root
    raise FileNotFoundError(
        "IDTrainer's resource files (assets/, locales/) were not found; looked in: "
        + ", ".join(str(c) for c in candidates)
    )


def assets_dir() -> Path:
    return resources_root() / "assets"


def locales_dir() -> Path:
    return resources_root() / "locales"
