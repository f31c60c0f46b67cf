"""One-click USB sync: where bundles live on a stick, and what to do with them.

A stick carries one folder, ``IDTrainer/``::

    IDTrainer/results/<laptop>-<device>.idtb   each laptop's results (replaced each sync)
    IDTrainer/content/content-<when>.idtb      the trainer's content bundles

A laptop's results file always holds all of its results, so the newest one is all
a trainer needs and an older copy on the stick is simply replaced (the merge makes
re-importing harmless). Writing goes through :func:`bundles.export_bundle`:
``NAME.idtb.partial``, fsynced, renamed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from idtrainer.core import bundles
from idtrainer.core.i18n import gettext as _

if TYPE_CHECKING:
    from idtrainer.core.store import Store

FOLDER = "IDTrainer"
MAX_LISTED = 500  # bundle files looked at in one folder


def results_folder(root: Path) -> Path:
    return Path(root) / FOLDER / "results"


def content_folder(root: Path) -> Path:
    return Path(root) / FOLDER / "content"


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE).strip("._")[:40] or "laptop"


def results_file_name(store: Store) -> str:
    return f"{_safe(bundles.default_device_name(store))}-{store.device_id[:8]}{bundles.SUFFIX}"


def write_results(store: Store, root: Path, progress: bundles.Progress | None = None
                  ) -> bundles.ExportResult:
    folder = results_folder(root)
    _make(folder, root)
    return bundles.export_bundle(store, "results", folder / results_file_name(store),
                                 progress=progress)


def write_content(store: Store, root: Path, *, modules: Iterable[str] = (),
                  quizzes: Iterable[str] = (), title: str = "",
                  progress: bundles.Progress | None = None) -> bundles.ExportResult:
    folder = content_folder(root)
    _make(folder, root)
    stamp = store.clock().astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return bundles.export_bundle(store, "content", folder / f"content-{stamp}{bundles.SUFFIX}",
                                 modules=modules, quizzes=quizzes, title=title,
                                 progress=progress)


def _make(folder: Path, root: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise bundles.BundleError(root, _("cannot write to the stick ({reason})").format(
            reason=exc.strerror or exc)) from exc


def _bundle_files(folder: Path) -> list[Path]:
    try:
        found = [p for p in folder.iterdir()
                 if p.name.endswith(bundles.SUFFIX) and p.is_file() and not p.is_symlink()]
    except OSError:
        return []
    return sorted(found)[:MAX_LISTED]


def results_on_stick(root: Path) -> list[Path]:
    return _bundle_files(results_folder(root))


@dataclass(frozen=True)
class Offer:
    """A content bundle found on a stick, with what this laptop thinks of it."""

    path: Path
    manifest: bundles.Manifest
    trusted: bool
    imported: bool


def content_offers(store: Store, root: Path) -> tuple[list[Offer], list[str]]:
    """Correctly signed content bundles on the stick, newest first, and the problems of
    the files that are not (each as ``file: reason``)."""
    offers, problems = [], []
    for path in _bundle_files(content_folder(root)):
        try:
            with bundles.BundleReader.open(path) as reader:
                reader.require_signature()
                m = reader.manifest
                if m.kind != "content":
                    continue
                offers.append(Offer(path, m, bundles.is_trusted(store, m),
                                    bundles.already_imported(store, m)))
        except bundles.BundleError as exc:
            problems.append(str(exc))
    offers.sort(key=lambda o: o.manifest.created_at, reverse=True)
    return offers, problems


def newest_content(store: Store, root: Path) -> Offer | None:
    """The newest content bundle worth offering: not imported yet, and from a trusted
    publisher or one the person may choose to trust."""
    offers, _problems = content_offers(store, root)
    for offer in offers:
        revoked = store.scalar("SELECT 1 FROM trusted_keys WHERE key_id = ? AND revoked_at IS "
                               "NOT NULL", (offer.manifest.signer_key_id,))
        if revoked:
            continue
        return None if offer.imported else offer
    return None


def looks_removable(root_path: str) -> bool:
    """Whether a mounted volume looks like a USB stick (Qt cannot say; ask the OS)."""
    if sys.platform == "win32":
        import ctypes

        try:
            return ctypes.windll.kernel32.GetDriveTypeW(root_path) == 2  # DRIVE_REMOVABLE
        except (AttributeError, OSError):
            return False
    prefixes = ("/Volumes/",) if sys.platform == "darwin" else ("/media/", "/run/media/",
                                                                 "/mnt/")
    return root_path.startswith(prefixes) and os.access(root_path, os.W_OK)
