"""Content-addressed media: image files beside the database, named by their sha256.

Every image comes with its licence, author and source. Files from outside are
hostile until checked: every picture enters through the one gate in
core/pictures.py, and the bytes that passed are the bytes stored.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from idtrainer.core.pictures import (
    MAX_BYTES,
    MAX_PIXELS,
    SVG,
    MediaError,
    PictureInfo,
    check_picture,
    read_picture,
)
from idtrainer.core.texts import LocalText

if TYPE_CHECKING:
    from idtrainer.core.markers import Marker
    from idtrainer.core.store import Store

LICENCES = ("CC0-1.0", "PD", "CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-3.0", "CC-BY-SA-3.0",
            "CC-BY-2.5", "CC-BY-SA-2.5", "CC-BY-2.0", "CC-BY-SA-2.0")
SVG_MIME = SVG
#: What the media store describes a picture with: the gate's findings.
ImageInfo = PictureInfo
# The gate's names that callers of this module have always found here.
__all__ = ["LICENCES", "MAX_BYTES", "MAX_PIXELS", "SVG_MIME", "ImageInfo", "MediaError",
           "MediaItem", "MediaManager", "PictureInfo", "inspect_image", "sha256_file"]


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
    #: a diagram's words in the reader's language: svg text id -> text (see core.diagrams)
    labels: dict[str, LocalText] = field(default_factory=dict)
    #: may this picture be a "which species is this?" card
    practice: bool = True
    #: the question the picture answers instead ("caviar of which group?") and its answer
    ask: LocalText | None = None
    ask_answer: LocalText | None = None
    #: feature markers in the reader's language (core/markers.py)
    markers: tuple[Marker, ...] = ()

    @property
    def drawn_as_svg(self) -> bool:
        """Whether the picture is shown through diagrams.svg_for: a diagram, or a photo
        with markers drawn on it."""
        return self.mime == SVG or bool(self.markers)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def inspect_image(path: Path) -> PictureInfo:
    """Check a picture file at the gate and describe it, or raise :class:`MediaError`."""
    return read_picture(path)[1]


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

    def import_file(self, source: Path) -> PictureInfo:
        """Check a picture file at the gate and copy the bytes that passed into the media
        store (atomically); return its info."""
        data, info = read_picture(source)
        self._keep(data, info)
        return info

    def import_bytes(self, data: bytes, name: str) -> PictureInfo:
        """Check a picture (a photo a trainer picked, a pasted image) at the gate and keep
        it in the media store; ``name`` is what a refusal calls it."""
        info = check_picture(data, name)
        self._keep(data, info)
        return info

    def _keep(self, data: bytes, info: PictureInfo) -> None:
        target = self.path_for(info.sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def for_owner(self, owner_uuid: str, locale: str) -> list[MediaItem]:
        rows = self.store.query(
            "SELECT m.*, k.practice AS practice FROM media_links k "
            "JOIN media m ON m.uuid = k.media_uuid "
            "WHERE k.owner_uuid = ? AND k.deleted = 0 AND m.deleted = 0 ORDER BY k.position",
            (owner_uuid,))
        texts = self.store.texts.for_owners("media", [r["uuid"] for r in rows], locale)
        markers = self.store.markers.for_media([r["uuid"] for r in rows], locale)
        return [self._item(r, texts.get(r["uuid"], {}), markers.get(r["uuid"], []))
                for r in rows]

    def get(self, media_uuid: str, locale: str) -> MediaItem | None:
        row = self.store.query_one("SELECT * FROM media WHERE uuid = ?", (media_uuid,))
        if row is None:
            return None
        return self._item(row, self.store.texts.fields("media", media_uuid, locale),
                          self.store.markers.on(media_uuid, locale))

    def missing_files(self) -> list[str]:
        """sha256 of media rows whose file is not in the media store."""
        return [r[0] for r in self.store.conn.execute(
            "SELECT DISTINCT sha256 FROM media WHERE deleted = 0") if not self.has_file(r[0])]

    def _item(self, row: dict, texts: dict[str, LocalText],
              markers: list[Marker] | None = None) -> MediaItem:
        from idtrainer.core.diagrams import LABEL_PREFIX

        labels = {k[len(LABEL_PREFIX):]: v for k, v in texts.items()
                  if k.startswith(LABEL_PREFIX)}
        return MediaItem(row["uuid"], row["sha256"], row["mime"], row["width"], row["height"],
                         row["licence"], row["author"], row["source"], texts.get("caption"),
                         self.path_for(row["sha256"]), labels,
                         bool(row.get("practice", 1)), texts.get("ask"),
                         texts.get("ask_answer"), tuple(markers or ()))
