"""Content-addressed media: image files beside the database, named by their sha256.

Every image comes with its licence, author and source. Files from outside are
hostile until checked: size and pixel limits, Pillow's decompression-bomb
guard left on, SVG parsed without entity expansion.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.texts import LocalText

if TYPE_CHECKING:
    from idtrainer.core.store import Store

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
RASTER_MIMES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp",
                "GIF": "image/gif"}
SVG_MIME = "image/svg+xml"
LICENCES = ("CC0-1.0", "PD", "CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-3.0", "CC-BY-SA-3.0",
            "CC-BY-2.5", "CC-BY-SA-2.5", "CC-BY-2.0", "CC-BY-SA-2.0")


class MediaError(IDTrainerError, ValueError):
    """An image cannot be accepted; the message names the file and the reason."""


@dataclass(frozen=True)
class ImageInfo:
    sha256: str
    mime: str
    bytes: int
    width: int | None
    height: int | None


@dataclass(frozen=True)
class MediaItem:
    uuid: str
    sha256: str
    mime: str
    width: int | None
    height: int | None
    licence: str
    author: str
    source: str
    caption: LocalText | None
    path: Path


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def inspect_image(path: Path) -> ImageInfo:
    """Check an image file and describe it, or raise :class:`MediaError`."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise MediaError(_("{file}: cannot read the image ({reason})").format(
            file=path, reason=exc.strerror or exc)) from exc
    if size > MAX_BYTES:
        raise MediaError(_("{file}: the image is {size} MB; the limit is {limit} MB").format(
            file=path, size=round(size / 2**20, 1), limit=MAX_BYTES // 2**20))
    if path.suffix.lower() == ".svg":
        width, height = _svg_size(path)
        return ImageInfo(sha256_file(path), SVG_MIME, size, width, height)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            fmt, (width, height) = img.format, img.size
            if width * height > MAX_PIXELS:
                raise MediaError(_("{file}: the image has {pixels} megapixels; the limit is "
                                   "{limit}").format(file=path, pixels=width * height // 10**6,
                                                     limit=MAX_PIXELS // 10**6))
            img.verify()
    except MediaError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError) as exc:
        raise MediaError(_("{file}: not a readable image ({reason})").format(
            file=path, reason=exc)) from exc
    if fmt not in RASTER_MIMES:
        raise MediaError(_("{file}: image format {format} is not supported; use PNG, JPEG, "
                           "WebP or SVG").format(file=path, format=fmt))
    return ImageInfo(sha256_file(path), RASTER_MIMES[fmt], size, width, height)


_LENGTH = re.compile(r"^\s*([0-9.]+)\s*(px)?\s*$")


def _svg_size(path: Path) -> tuple[int | None, int | None]:
    import xml.etree.ElementTree as ET

    text = path.read_bytes()
    if b"<!ENTITY" in text or b"<!DOCTYPE" in text:
        raise MediaError(_("{file}: SVG files with a DOCTYPE or entities are refused").format(
            file=path))
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise MediaError(_("{file}: not a readable SVG ({reason})").format(
            file=path, reason=exc)) from exc
    if not root.tag.endswith("svg"):
        raise MediaError(_("{file}: not an SVG image").format(file=path))
    dims = []
    for attr in ("width", "height"):
        match = _LENGTH.match(root.get(attr, ""))
        dims.append(int(float(match.group(1))) if match else None)
    if None in dims and (box := root.get("viewBox")):
        parts = box.replace(",", " ").split()
        if len(parts) == 4:
            dims = [int(float(parts[2])), int(float(parts[3]))]
    return dims[0], dims[1]


class MediaManager:
    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def root(self) -> Path:
        return self.store.media_root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has_file(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def import_file(self, source: Path) -> ImageInfo:
        """Check an image and copy it into the media store (atomically); return its info."""
        info = inspect_image(source)
        target = self.path_for(info.sha256)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            try:
                with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return info

    def for_owner(self, owner_uuid: str, locale: str) -> list[MediaItem]:
        rows = self.store.query(
            "SELECT m.* FROM media_links k JOIN media m ON m.uuid = k.media_uuid "
            "WHERE k.owner_uuid = ? AND k.deleted = 0 AND m.deleted = 0 ORDER BY k.position",
            (owner_uuid,))
        captions = self.store.texts.for_owners("media", [r["uuid"] for r in rows], locale,
                                               fields=["caption"])
        return [self._item(r, captions.get(r["uuid"], {}).get("caption")) for r in rows]

    def get(self, media_uuid: str, locale: str) -> MediaItem | None:
        row = self.store.query_one("SELECT * FROM media WHERE uuid = ?", (media_uuid,))
        if row is None:
            return None
        return self._item(row, self.store.texts.get("media", media_uuid, "caption", locale))

    def missing_files(self) -> list[str]:
        """sha256 of media rows whose file is not in the media store."""
        return [r[0] for r in self.store.conn.execute(
            "SELECT DISTINCT sha256 FROM media WHERE deleted = 0") if not self.has_file(r[0])]

    def _item(self, row: dict, caption: LocalText | None) -> MediaItem:
        return MediaItem(row["uuid"], row["sha256"], row["mime"], row["width"], row["height"],
                         row["licence"], row["author"], row["source"], caption,
                         self.path_for(row["sha256"]))
