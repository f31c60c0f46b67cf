"""The one picture gate: every picture from outside passes :func:`check_picture` before it
is stored, drawn into a PDF or rendered on screen.

Content files, bundles, the certificate logo and signature, and any picture a trainer
imports all come through here. A picture is judged by its bytes, never by its name:

* PNG, JPEG and WebP are decoded completely with Pillow (JPEG with its inverse DCT at 1/8
  scale: every block is still entropy-decoded), so a truncated or damaged file
  is refused here, not half-drawn later. The pixel count is checked from the header
  against :data:`MAX_PIXELS` before anything is decoded, and Pillow's own
  decompression-bomb guard stays on: a 30000×30000 PNG costs a header read.
* SVG is parsed with defusedxml, whatever its encoding (UTF-8, UTF-16 with a BOM, or an
  encoding declaration), so a DOCTYPE or an entity is refused by the parser itself
  rather than by a byte pattern that another encoding hides. Scripts, event attributes,
  embedded documents and every reference that is not a ``#fragment`` inside the picture
  are refused: a picture that passed can be rendered without reaching any file or
  address. Bitmaps embedded as ``data:`` URLs go through this gate too.

The GUI renders SVG only from bytes that have just passed the gate (gui/images.py), and
the certificate PDF draws its logo and signature from checked bytes
(core/certificate_pdf.py). What an SVG may hold: docs/content-format.md, under "Species".

Pictures in a signed content bundle passed this gate on the publisher's laptop, and the
signed manifest fixes their bytes; importing one takes the structural check
(:func:`check_structure`: kind, header, pixel count, the whole SVG check) and the full
decode of a bitmap is done once, the first time it is shown (:func:`check_stored`): a
picture that fails then is drawn as a placeholder and logged (docs/security.md,
"Pictures from a content bundle").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import logging
import re
import stat
import xml.etree.ElementTree as ET
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _

MAX_BYTES = 20 * 1024 * 1024
#: Decoded pixels of one picture (and of all bitmaps embedded in one SVG together).
MAX_PIXELS = 40_000_000
#: Elements nested deeper than this are refused: a renderer walks them recursively.
MAX_SVG_DEPTH = 200
#: A diagram has a few thousand elements; each costs memory to parse and to draw.
MAX_SVG_ELEMENTS = 200_000

PNG, JPEG, WEBP, SVG = "image/png", "image/jpeg", "image/webp", "image/svg+xml"
BITMAPS = frozenset({PNG, JPEG, WEBP})
EVERY_KIND = BITMAPS | {SVG}
#: Names shown to people for each kind.
KIND_NAMES = {PNG: "PNG", JPEG: "JPEG", WEBP: "WebP", SVG: "SVG"}
_ORDER = {kind: i for i, kind in enumerate(KIND_NAMES)}
_PILLOW_FORMATS = {PNG: "PNG", JPEG: "JPEG", WEBP: "WEBP"}

#: Elements that run code or embed another document; refused wherever they appear.
_SCRIPT_ELEMENTS = frozenset({"script", "handler", "listener"})
_EMBEDDING_ELEMENTS = frozenset({"foreignobject", "iframe", "embed", "object", "animation",
                                 "video", "audio", "canvas"})
_ANIMATIONS = frozenset({"set", "animate", "animatecolor", "animatemotion",
                         "animatetransform"})
_URL = re.compile(r"url\s*\(\s*(?P<target>[^)]*)\)", re.IGNORECASE)
_DATA_URL = re.compile(r"^data:(?P<mime>[a-z/+.-]+);base64,(?P<data>.*)$",
                       re.IGNORECASE | re.DOTALL)
_LENGTH = re.compile(r"^\s*([0-9]{1,9}(?:\.[0-9]*)?)\s*(px)?\s*$")
_NUMBER = re.compile(r"^([0-9]{1,9}(?:\.[0-9]*)?)$")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")


class MediaError(IDTrainerError, ValueError):
    """A picture cannot be accepted; the message names the file and the reason."""


@dataclass(frozen=True)
class PictureInfo:
    """What the gate found out about a picture that passed it."""

    sha256: str
    mime: str
    bytes: int
    width: int | None
    height: int | None


def check_picture(data: bytes, name: str | Path, *,
                  allowed: Collection[str] = EVERY_KIND) -> PictureInfo:
    """Check the bytes of a picture and describe it, or raise :class:`MediaError`.

    ``name`` is what the message calls the file (a path, a bundle entry); ``allowed``
    limits the kinds accepted here (the certificate takes PNG and JPEG only, a bundle
    entry must be the kind its media row says).
    """
    return _Gate(name, MAX_PIXELS).check(data, allowed)


def check_structure(data: bytes, name: str | Path, *, allowed: Collection[str] = EVERY_KIND,
                    sha256: str | None = None) -> PictureInfo:
    """The gate without decoding a bitmap's pixels: size, kind by signature, the header
    read by Pillow (its format, dimensions and pixel count against :data:`MAX_PIXELS`,
    Pillow's decompression-bomb guard) and, for SVG, the complete check. For pictures
    whose bytes a trusted signature fixes (a content bundle): their full decode is
    :func:`check_stored`'s, at first display. ``sha256``, when the caller already
    hashed the bytes, is not computed again."""
    return _Gate(name, MAX_PIXELS, decode=False).check(data, allowed, sha256=sha256)


#: Verdicts of :func:`check_stored`, by (path, size, mtime): None, or why it failed.
_STORED: dict[tuple[str, int, int], str | None] = {}


def check_stored(path: Path, mime: str) -> None:
    """The full gate, once per file and process, for a stored picture about to be shown
    (or drawn into a PDF) as ``mime``; raises :class:`MediaError` (logged the first time)
    when it does not decode. Pictures imported from a bundle were only checked by
    :func:`check_structure`; the others passed the full gate already and pass it again."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError as exc:
        raise MediaError(_("{file}: cannot read the image ({reason})").format(
            file=path, reason=exc.strerror or exc)) from exc
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _STORED:
        try:
            read_picture(path, allowed={mime})
            _STORED[key] = None
        except MediaError as exc:
            _STORED[key] = str(exc)
            logging.getLogger(__name__).warning("a stored picture cannot be shown: %s", exc)
    if (reason := _STORED[key]) is not None:
        raise MediaError(reason)


def read_picture(path: Path, *, allowed: Collection[str] = EVERY_KIND
                 ) -> tuple[bytes, PictureInfo]:
    """Read a picture file once and check it: the bytes that passed, and their info.

    Use the returned bytes (to store, draw or render), not the file again: the file
    may change after it was checked.
    """
    path = Path(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a pipe or a device would block or not end
            raise MediaError(_("{file}: cannot read the image ({reason})").format(
                file=path, reason=_("not a file")))
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise MediaError(_("{file}: cannot read the image ({reason})").format(
            file=path, reason=exc.strerror or exc)) from exc
    if len(data) > MAX_BYTES:
        size = path.stat().st_size if path.is_file() else len(data)
        raise MediaError(_("{file}: the image is {size} MB; the limit is {limit} MB").format(
            file=path, size=round(size / 2**20, 1), limit=MAX_BYTES // 2**20))
    return data, check_picture(data, path, allowed=allowed)


def kind_of(data: bytes) -> str | None:
    """The kind of picture the bytes look like (by signature), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    head = data[:64]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            break
    # UTF-16 and UTF-32 without a BOM still start with "<" between NUL bytes.
    return SVG if head.lstrip(b" \t\r\n\x00").startswith(b"<") else None


class _TooComplex(Exception):
    """Raised from inside the parser, so that a huge tree is never built."""


class _Builder(ET.TreeBuilder):
    """A tree builder that also notes processing instructions, wherever they are, and
    stops at :data:`MAX_SVG_DEPTH` nesting or :data:`MAX_SVG_ELEMENTS` elements."""

    def __init__(self) -> None:
        super().__init__()
        self.instructions: list[str] = []
        self.depth = self.elements = 0

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        self.depth += 1
        self.elements += 1
        if self.depth > MAX_SVG_DEPTH:
            raise _TooComplex(_("elements are nested more than {limit} deep").format(
                limit=MAX_SVG_DEPTH))
        if self.elements > MAX_SVG_ELEMENTS:
            raise _TooComplex(_("more than {limit} elements").format(limit=MAX_SVG_ELEMENTS))
        return super().start(tag, attrs)

    def end(self, tag: str) -> ET.Element:
        self.depth -= 1
        return super().end(tag)

    def pi(self, target: str, text: str | None = None) -> ET.Element:
        self.instructions.append(f"{target} {text or ''}".strip())
        return super().pi(target, text)


class _Gate:
    """One check, with the pixel budget that embedded pictures share."""

    def __init__(self, name: str | Path, pixels_left: int, *, decode: bool = True) -> None:
        self.name = str(name)
        self.pixels_left = pixels_left
        self.decode = decode

    def check(self, data: bytes, allowed: Collection[str], *,
              sha256: str | None = None) -> PictureInfo:
        if len(data) > MAX_BYTES:
            raise MediaError(_("{file}: the image is {size} MB; the limit is {limit} MB")
                             .format(file=self.name, size=round(len(data) / 2**20, 1),
                                     limit=MAX_BYTES // 2**20))
        kind = kind_of(data)
        if kind is None:
            raise MediaError(_("{file}: not a picture; use PNG, JPEG, WebP or SVG").format(
                file=self.name))
        if kind not in allowed:
            raise MediaError(_("{file}: {kind} pictures are not accepted here; use {allowed}")
                             .format(file=self.name, kind=KIND_NAMES[kind],
                                     allowed=_kinds(allowed)))
        width, height = self._svg(data) if kind == SVG else self._bitmap(data, kind)
        return PictureInfo(sha256 or hashlib.sha256(data).hexdigest(), kind, len(data), width,
                           height)

    # -- bitmaps ---------------------------------------------------------------------------

    def _bitmap(self, data: bytes, kind: str) -> tuple[int, int]:
        from PIL import Image, UnidentifiedImageError

        fmt = _PILLOW_FORMATS[kind]
        try:
            with Image.open(io.BytesIO(data), formats=[fmt]) as img:
                width, height = img.size
                if width * height > self.pixels_left:
                    raise self._too_large()
                if not self.decode:  # the header only: check_structure
                    self.pixels_left -= width * height
                    return width, height
                if kind == JPEG:
                    # libjpeg still reads and entropy-decodes every block of the file (a
                    # truncated or damaged stream fails exactly as at full size); only the
                    # inverse DCT runs at 1/8 scale, which is most of a full decode's time.
                    img.draft(img.mode, (max(1, width // 8), max(1, height // 8)))
                img.load()  # every pixel of the first frame: a truncated file fails here
            if kind == PNG:  # and every chunk's checksum, which load() does not read
                with Image.open(io.BytesIO(data), formats=[fmt]) as img:
                    img.verify()
        except MediaError:
            raise
        except Image.DecompressionBombError as exc:  # Pillow's own guard, before ours
            raise self._too_large() from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
                IndexError, MemoryError) as exc:
            raise MediaError(_("{file}: not a readable {kind} picture: the file is damaged or "
                               "truncated").format(file=self.name, kind=KIND_NAMES[kind])
                             ) from exc
        self.pixels_left -= width * height
        return width, height

    # -- SVG -------------------------------------------------------------------------------

    def _svg(self, data: bytes) -> tuple[int | None, int | None]:
        root = self._parse(data)
        if _local(root.tag) != "svg":
            raise MediaError(_("{file}: not an SVG image").format(file=self.name))
        self._walk(root)
        dims = [_number(_LENGTH.match(root.get(attr, ""))) for attr in ("width", "height")]
        if None in dims and (box := root.get("viewBox")):
            parts = box.replace(",", " ").split()
            if len(parts) == 4:
                dims = [_number(_NUMBER.match(parts[2])), _number(_NUMBER.match(parts[3]))]
        return dims[0], dims[1]

    def _parse(self, data: bytes) -> ET.Element:
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import DefusedXMLParser

        # The parser reads the BOM and the encoding declaration itself.
        builder = _Builder()
        parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True,
                                  forbid_external=True)
        try:
            parser.feed(data)
            root = parser.close()
        except _TooComplex as exc:
            raise self._refuse(str(exc)) from exc
        except DefusedXmlException as exc:
            raise MediaError(_("{file}: SVG files with a DOCTYPE or entities are refused")
                             .format(file=self.name)) from exc
        except (ET.ParseError, LookupError, ValueError, RecursionError) as exc:
            raise MediaError(_("{file}: not a readable SVG ({reason})").format(
                file=self.name, reason=exc)) from exc
        if builder.instructions:
            # Qt reads a local CSS file named by <?xml-stylesheet href=...?>.
            raise self._refuse(_("a processing instruction ({text})").format(
                text=_short(builder.instructions[0])))
        return root

    def _walk(self, root: ET.Element) -> None:
        for element in root.iter():  # bounded in depth and size by the builder
            self._element(element)

    def _element(self, element: ET.Element) -> None:
        if not isinstance(element.tag, str):  # a comment
            return
        tag = _local(element.tag)
        lowered = tag.lower()
        if lowered in _SCRIPT_ELEMENTS:
            raise self._refuse(_("it contains a script (<{element}>)").format(element=tag))
        if lowered in _EMBEDDING_ELEMENTS:
            raise self._refuse(_("<{element}> embeds another document").format(element=tag))
        if lowered == "style":
            self._css(element.text or "", "<style>", tag, stylesheet=True)
        for qualified, value in element.attrib.items():
            attribute = _local(qualified)
            if attribute.lower().startswith("on"):
                raise self._refuse(_("the event attribute {attribute} on <{element}> runs a "
                                     "script").format(attribute=attribute, element=tag))
            if attribute.lower() == "href":
                self._href(tag, attribute, value)
            elif lowered in _ANIMATIONS and attribute == "attributeName" and \
                    _local(value.split(":")[-1]).lower() == "href":
                raise self._refuse(_("<{element}> changes a link").format(element=tag))
            else:
                self._css(value, attribute, tag, stylesheet=attribute.lower() == "style")

    def _href(self, tag: str, attribute: str, value: str) -> None:
        target = value.strip()
        if target.startswith("#"):
            return
        if tag.lower() == "image" and (match := _DATA_URL.match(target)):
            self._embedded(match.group("mime").lower(), match.group("data"))
            return
        raise self._refuse(_("{attribute}={value} on <{element}> is not a link inside the "
                             "picture").format(attribute=attribute, value=_short(value),
                                               element=tag))

    def _embedded(self, mime: str, text: str) -> None:
        where = _("{file}: an embedded picture").format(file=self.name)
        if mime not in BITMAPS:
            raise self._refuse(_("an embedded picture must be PNG, JPEG or WebP, not {mime}")
                               .format(mime=_short(mime)))
        try:
            data = base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise self._refuse(_("an embedded picture is not valid base64")) from exc
        # The declared type must be the real one: Qt decodes embedded data by content.
        inner = _Gate(where, self.pixels_left, decode=self.decode)
        inner.check(data, {mime})
        self.pixels_left = inner.pixels_left

    def _css(self, text: str, attribute: str, tag: str, *, stylesheet: bool) -> None:
        """Refuse url(...) that leaves the picture; in CSS also @import and escapes (which
        could spell url( in another way)."""
        lowered = text.lower()
        if stylesheet and ("@import" in lowered or "\\" in text):
            raise self._refuse(_("{attribute} on <{element}> uses @import or CSS escapes")
                               .format(attribute=attribute, element=tag))
        for match in _URL.finditer(text):
            target = match.group("target").strip().strip("'\"").strip()
            if target.startswith("#"):
                continue
            if attribute == "<style>":
                raise self._refuse(_("<style> refers to {value}, which is not inside the "
                                     "picture").format(value=_short(match.group(0))))
            raise self._refuse(_("{attribute}={value} on <{element}> is not a link inside "
                                 "the picture").format(attribute=attribute,
                                                       value=_short(match.group(0)),
                                                       element=tag))

    def _too_large(self) -> MediaError:
        return MediaError(_("{file}: the image has more than {limit} megapixels").format(
            file=self.name, limit=MAX_PIXELS // 10**6))

    def _refuse(self, reason: str) -> MediaError:
        return MediaError(_("{file}: SVG refused: {reason}").format(file=self.name,
                                                                    reason=reason))


def _kinds(kinds: Collection[str]) -> str:
    """Kinds of picture as people know them, in a fixed order: "PNG, JPEG"."""
    ordered = sorted(kinds, key=lambda k: (_ORDER.get(k, len(_ORDER)), k))
    return ", ".join(KIND_NAMES.get(k, k) for k in ordered)


def _number(match: re.Match[str] | None) -> int | None:
    return int(float(match.group(1))) if match else None


def _local(name: str) -> str:
    """An element or attribute name without its namespace."""
    return name.rsplit("}", 1)[-1]


def _short(value: str, limit: int = 60) -> str:
    """A value quoted for a message, cut so that a data URL cannot flood it."""
    text = " ".join(value.split())
    return repr(text if len(text) <= limit else text[:limit] + "…")
