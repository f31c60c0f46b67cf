"""A trainer's photographs: checked at the picture gate, cleaned and stored as media.

A photo of a seizure can carry the customs post's location, so nothing of the file's
metadata is kept. :func:`clean_photo` decodes the picture that passed the gate
(core/pictures.py), turns it upright by its EXIF orientation, scales it to at most
:data:`MAX_EDGE` pixels on its long edge, converts colours to sRGB, and encodes new
pixels only: no EXIF (GPS, camera, time), XMP, IPTC, ICC profile or comment reaches the
stored file. The cleaned bytes pass the gate again and are the bytes kept.

:meth:`PhotoManager.add` stores them as an ordinary media row (licence, author and
source required; caption per language) linked to a species, so the photo travels in
content bundles like every other picture.
"""

from __future__ import annotations

import io
import uuid as _uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.languages import authored
from idtrainer.core.languages import codes as language_codes
from idtrainer.core.media import LICENCES
from idtrainer.core.pictures import (
    BITMAPS,
    JPEG,
    PNG,
    MediaError,
    PictureInfo,
    check_picture,
    read_picture,
)

if TYPE_CHECKING:
    from PIL import Image

    from idtrainer.core.store import Store

#: The long edge of a stored photo, in pixels: sharp on any screen and on an A4 sheet.
MAX_EDGE = 2560
JPEG_QUALITY = 88
_FORMATS = {JPEG: "JPEG", PNG: "PNG", "image/webp": "WEBP"}


class PhotoError(IDTrainerError, ValueError):
    """A photo's details are incomplete; the message says which field."""


@dataclass(frozen=True)
class CleanPhoto:
    """A photo ready to store: the new bytes and what the gate says about them."""

    data: bytes
    info: PictureInfo
    original_name: str
    rotated: bool
    scaled: bool


@dataclass
class PhotoDetails:
    """What a trainer says about a photo; :meth:`problems` lists what is missing."""

    licence: str = ""
    author: str = ""
    source: str = ""
    species_uuid: str | None = None
    captions: dict[str, str] | None = None  # locale -> caption (draft)

    def problems(self) -> dict[str, str]:
        """{field: message} for every field that stops the photo being saved."""
        out: dict[str, str] = {}
        if not self.licence.strip():
            out["licence"] = _("Choose the licence of the photo.")
        elif self.licence not in LICENCES:
            out["licence"] = _("{licence!r} is not an accepted open licence ({values})").format(
                licence=self.licence, values=", ".join(LICENCES))
        if not self.author.strip():
            out["author"] = _("Write who took the photo (the author).")
        if not self.source.strip():
            out["source"] = _("Write where the photo comes from (the source).")
        if not self.species_uuid:
            out["species"] = _("Choose the species the photo shows.")
        return out


def clean_photo(path: Path | str) -> CleanPhoto:
    """Read a JPEG, PNG or WebP photo through the gate and return it upright, at most
    :data:`MAX_EDGE` px on the long edge, with no metadata; raise :class:`MediaError`."""
    path = Path(path)
    data, info = read_picture(path, allowed=BITMAPS)
    return clean_bytes(data, info, path.name)


def clean_bytes(data: bytes, info: PictureInfo, name: str) -> CleanPhoto:
    """:func:`clean_photo` for bytes that already passed the gate as ``info``."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data), formats=[_FORMATS[info.mime]]) as opened:
            orientation = opened.getexif().get(0x0112, 1)
            upright = ImageOps.exif_transpose(opened)  # a copy, even when already upright
            upright.load()
            icc = opened.info.get("icc_profile")
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise MediaError(_("{file}: not a readable {kind} picture: the file is damaged or "
                           "truncated").format(file=name, kind=info.mime.split("/")[-1].upper())
                         ) from exc
    alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info)
    image = upright.convert("RGBA" if alpha else "RGB")
    if icc:
        image = _to_srgb(image, icc)
    scaled = max(image.size) > MAX_EDGE
    if scaled:
        image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    # New pixels in a new image: nothing of the file's info (EXIF, XMP, ICC, comments,
    # text chunks) comes along, whatever a format's encoder would copy by itself.
    bare = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    if alpha or info.mime == PNG:
        bare.save(out, "PNG", optimize=True)
    else:
        bare.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    cleaned = out.getvalue()
    return CleanPhoto(cleaned, check_picture(cleaned, name, allowed={JPEG, PNG}), name,
                      rotated=orientation not in (0, 1), scaled=scaled)


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    """The pixels in sRGB, so that dropping the photo's colour profile keeps its colours."""
    try:
        from PIL import ImageCms
    except ImportError:  # a Pillow built without LittleCMS
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(image, source, target, outputMode=image.mode)
        return converted if converted is not None else image
    except (OSError, ValueError, TypeError, ImageCms.PyCMSError):
        return image  # a broken or unusual profile: the pixels as they are


class PhotoManager:
    """Photos a trainer adds in the authoring workspace."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def import_file(self, path: Path | str, details: PhotoDetails) -> str:
        """Check the details, clean the photo at ``path`` (:func:`clean_photo`) and add it;
        return the media uuid. Any refusal leaves the database and media folder as they
        were. Slow for a large photo: run it off the GUI thread."""
        problems = details.problems()
        if problems:
            raise PhotoError(" ".join(problems.values()))
        return self.add(clean_photo(path), details)

    def add(self, photo: CleanPhoto, details: PhotoDetails) -> str:
        """Keep a cleaned photo and its media row, linked to the species; return the media
        uuid. Incomplete details raise :class:`PhotoError` before anything is written."""
        problems = details.problems()
        if problems:
            raise PhotoError(" ".join(problems.values()))
        species = details.species_uuid
        if not self.store.scalar("SELECT 1 FROM species WHERE uuid = ? AND deleted = 0",
                                 (species,)):
            raise PhotoError(_("The species chosen for the photo no longer exists."))
        store = self.store
        media_uuid = str(_uuid.uuid4())
        with store.transaction():
            store.put("media", {
                "uuid": media_uuid, "sha256": photo.info.sha256, "mime": photo.info.mime,
                "bytes": photo.info.bytes, "width": photo.info.width,
                "height": photo.info.height, "licence": details.licence,
                "author": details.author.strip(), "source": details.source.strip(),
                "original_name": photo.original_name[:200]})
            self._captions(media_uuid, details.captions or {})
            position = int(store.scalar(
                "SELECT coalesce(max(position), 0) FROM media_links WHERE owner_uuid = ? "
                "AND deleted = 0", (species,)) or 0) + 1
            store.put("media_links", {"uuid": str(_uuid.uuid4()), "owner_table": "species",
                                      "owner_uuid": species, "media_uuid": media_uuid,
                                      "position": position, "practice": 1})
            # The file last: a failed transaction leaves at most an unreferenced file.
            store.media.import_bytes(photo.data, photo.original_name)
        return media_uuid

    def update(self, media_uuid: str, details: PhotoDetails) -> None:
        """Change a photo's licence, author, source and captions (one transaction)."""
        problems = {k: v for k, v in details.problems().items() if k != "species"}
        if problems:
            raise PhotoError(" ".join(problems.values()))
        with self.store.transaction():
            self.store.put("media", {"uuid": media_uuid, "licence": details.licence,
                                     "author": details.author.strip(),
                                     "source": details.source.strip()})
            self._captions(media_uuid, details.captions or {})

    def delete(self, media_uuid: str) -> None:
        """Delete a picture: its media row, its links to species, its markers and its texts
        are tombstoned (a deletion travels like an edit). The file stays in the media
        folder, so undoing the deletion (core/authoring.py) shows the picture again. Ask
        first: :meth:`AuthoringSession.references`."""
        store = self.store
        with store.transaction():
            if not store.scalar("SELECT 1 FROM media WHERE uuid = ? AND deleted = 0",
                                (media_uuid,)):
                raise PhotoError(_("The picture no longer exists."))
            for table, column in (("picture_markers", "media_uuid"),
                                  ("media_links", "media_uuid"), ("texts", "owner_uuid")):
                for row in store.query(f"SELECT uuid FROM {table} WHERE {column} = ? AND "
                                       "deleted = 0", (media_uuid,)):
                    store.tombstone(table, row["uuid"])
            store.tombstone("media", media_uuid)

    def rows(self, media_uuid: str) -> list[tuple[str, str]]:
        """(table, uuid) of a picture's media row and its live links, markers and texts:
        what undoing its import deletes."""
        out = [("media", media_uuid)]
        for table, column in (("media_links", "media_uuid"), ("picture_markers", "media_uuid"),
                              ("texts", "owner_uuid")):
            out += [(table, r["uuid"]) for r in self.store.query(
                f"SELECT uuid FROM {table} WHERE {column} = ? AND deleted = 0", (media_uuid,))]
        return out

    def details(self, media_uuid: str) -> PhotoDetails:
        row = self.store.query_one("SELECT licence, author, source FROM media WHERE uuid = ?",
                                   (media_uuid,))
        if row is None:
            return PhotoDetails()
        species = self.store.scalar(
            "SELECT owner_uuid FROM media_links WHERE media_uuid = ? AND owner_table = "
            "'species' AND deleted = 0 ORDER BY position LIMIT 1", (media_uuid,))
        captions = {loc: t.value for loc, t in
                    self.store.texts.variants("media", media_uuid, "caption").items()}
        return PhotoDetails(row["licence"], row["author"], row["source"], species, captions)

    def for_species(self, species_uuid: str) -> list[str]:
        """Media uuids of a species' pictures (photos and diagrams), in order."""
        return [r["media_uuid"] for r in self.store.query(
            "SELECT k.media_uuid FROM media_links k JOIN media m ON m.uuid = k.media_uuid "
            "WHERE k.owner_uuid = ? AND k.deleted = 0 AND m.deleted = 0 ORDER BY k.position",
            (species_uuid,))]

    def _captions(self, media_uuid: str, captions: dict[str, str]) -> None:
        """Write the captions given; a changed or new one is a draft, an unchanged one keeps
        its status, an emptied one is removed. Uzbek Cyrillic not given follows Uzbek Latin
        (``texts.set_all`` derives it); one a person wrote stays."""
        from idtrainer.core.texts import Translation

        current = self.store.texts.variants("media", media_uuid, "caption")
        # Derived texts a person wrote or reviewed stay; generated ones are made anew.
        kept = {loc: t for loc, t in current.items()
                if loc in authored() or t.status != "machine"}
        wanted = dict(kept)
        for locale, text in captions.items():
            if locale not in language_codes():
                continue
            if not text.strip():
                wanted.pop(locale, None)
            elif locale not in wanted or wanted[locale].value != text.strip():
                wanted[locale] = Translation(text.strip(), "draft")
        if wanted != kept:
            self.store.texts.set_all("media", media_uuid, "caption", wanted)
