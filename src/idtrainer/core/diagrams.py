"""Diagrams in the reader's language, and question variants that do not give the answer.

A diagram is an SVG whose ``<text>`` elements carry an ``id``. The words live in the
species file beside the image (``[images.labels]``, one translated text per id, with a
status like every other text) and in the database as texts of the media row, field
``label:<id>``. :func:`localize` writes the reader's words into the SVG; an element with
no translation keeps the text drawn in the file (the English master).

A label whose text is several lines holds them separated by a newline; each becomes one
``<tspan>`` under the first, so a translation may use more or fewer lines than English.

The *question variant* of a diagram, used wherever the picture is the question (image
questions, picture cards), drops the ``<title>`` and ``<desc>`` and every element marked
``class="naming"`` (a title or a label that names the species). :func:`visible_text`
returns the words a reader can see, which is what the giveaway check reads.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from idtrainer.core.media import MediaItem

SVG_NS = "http://www.w3.org/2000/svg"
LABEL_PREFIX = "label:"
NAMING_CLASS = "naming"
#: on a callout number's <text>: the id of the label it numbers
CALLOUT_LINK = "data-label"
LINE_HEIGHT = 1.2   # in em, between the lines of one label

ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")


def _tag(element: ET.Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _parse(svg: bytes) -> ET.Element:
    if b"<!ENTITY" in svg or b"<!DOCTYPE" in svg:
        raise ValueError("SVG with a DOCTYPE or entities")
    return ET.fromstring(svg)


def label_ids(svg: bytes) -> list[str]:
    """Ids of the text elements of a diagram, in document order."""
    return [e.get("id", "") for e in _parse(svg).iter() if _tag(e) == "text" and e.get("id")]


def _bare_number(element: ET.Element) -> str | None:
    words = "".join(element.itertext()).strip()
    return words if _tag(element) == "text" and not element.get("id") and words.isdigit() \
        else None


def callout_number(svg: bytes, ident: str) -> str | None:
    """The number drawn for text ``ident``, or None if it is not a numbered callout.

    The diagrams draw a callout's number in one of four ways: a bold leading ``<tspan>``
    inside the label ("**3**  slender body"); a circle with the number in the same group as
    the label (``<g class="callout">``); a numbered circle just before the label on the same
    line (a legend); or anywhere, with ``data-label="<id>"`` on the number's ``<text>``."""
    root = _parse(svg)
    for element in root.iter():
        if element.get(CALLOUT_LINK) == ident and (number := _bare_number(element)):
            return number
    for group in root.iter():
        children = list(group)
        at = next((i for i, c in enumerate(children) if c.get("id") == ident), None)
        if at is None:
            continue
        label = children[at]
        if inline := _inline(label):
            words = "".join(inline[0].itertext()).strip()
            return words if words.isdigit() else None
        labelled = [c for c in children if _tag(c) == "text" and c.get("id")]
        numbers = [n for c in children if (n := _bare_number(c))]
        if len(labelled) == 1 and len(numbers) == 1:
            return numbers[0]
        # A legend line: the numbered circle right before the label, on its baseline.
        for before in reversed(children[:at]):
            if _tag(before) == "text":
                number = _bare_number(before)
                if number is None:
                    return None
                dy = abs(_number(before.get("y"), 0) - _number(label.get("y"), 0))
                dx = _number(label.get("x"), 0) - _number(before.get("x"), 0)
                return number if dy <= 3 and 0 < dx <= 40 else None
        return None
    return None


def naming_ids(svg: bytes) -> set[str]:
    """Ids of text elements that the question variant drops (marked as naming)."""
    root = _parse(svg)
    out: set[str] = set()
    for element in root.iter():
        if NAMING_CLASS in (element.get("class") or "").split():
            out.update(e.get("id", "") for e in element.iter() if _tag(e) == "text")
    out.discard("")
    return out


def _inline(element: ET.Element) -> list[ET.Element]:
    """Leading inline spans (a bold number before a label), kept as they are."""
    return [c for c in element if _tag(c) == "tspan" and c.get("dy") is None]


def _set_lines(element: ET.Element, text: str) -> None:
    lines = text.split("\n")
    if inline := _inline(element):
        inline[-1].tail = "  " + " ".join(lines)
        return
    for child in list(element):
        element.remove(child)
    element.text = lines[0]
    x = element.get("x", "0")
    for line in lines[1:]:
        span = ET.SubElement(element, f"{{{SVG_NS}}}tspan", {"x": x, "dy": f"{LINE_HEIGHT}em"})
        span.text = line


#: "A  Markhor: horns from the front": the panel letter a question may refer to
PANEL_LETTER = re.compile(r"^\s*([A-Z]|[0-9]{1,2})\s{2,}\S")


def _drop_naming(root: ET.Element) -> None:
    for parent in list(root.iter()):
        for child in list(parent):
            if _tag(child) in ("title", "desc"):
                parent.remove(child)
            elif NAMING_CLASS in (child.get("class") or "").split():
                words = "".join(child.itertext())
                if _tag(child) == "text" and (letter := PANEL_LETTER.match(words)):
                    # Keep the panel's letter ("marked A in the diagram"), drop its name.
                    for span in list(child):
                        child.remove(span)
                    child.text = letter.group(1)
                else:
                    parent.remove(child)


def _width(root: ET.Element) -> float:
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        return float(box[2])
    try:
        return float((root.get("width") or "800").rstrip("px"))
    except ValueError:
        return 800.0


def _number(value: str | None, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def _wrap(line: str, limit: int) -> list[str]:
    """Greedy word wrap at ``limit`` characters (a word longer than that stays whole)."""
    out: list[str] = []
    for word in line.split(" "):
        if out and len(out[-1]) + 1 + len(word) <= limit:
            out[-1] += " " + word
        else:
            out.append(word)
    return out or [""]


def _lay_out(parent: ET.Element, element: ET.Element, width: float) -> None:
    """Turn a multi-line label into one ``<text>`` per line, wrapping lines that would run
    past the picture's edge (translations are often longer than the English).
    Separate elements draw the same in every SVG renderer (Qt's ignores ``dy``)."""
    if _inline(element):
        return
    spans = [c for c in element if _tag(c) == "tspan"]
    lines = [element.text or ""] + [c.text or "" for c in spans]
    lines = [line.strip() for line in lines]
    size = _number(element.get("font-size"), 16.0)
    x = _number(element.get("x"), 0.0)
    anchor = element.get("text-anchor", "start")
    margin = 8.0
    room = {"start": width - x - margin, "end": x - margin,
            "middle": 2 * min(x, width - x) - margin}.get(anchor, width - x - margin)
    em = 0.66 if element.get("font-weight") == "bold" else 0.6   # average glyph width
    limit = max(8, int(room / (size * em)))
    if len(lines) == 1 and len(lines[0]) > limit:
        # A one-line label (a title, a banner) shrinks to fit rather than grow downwards.
        scale = max(0.65, limit / len(lines[0]))
        size = round(size * scale, 1)
        element.set("font-size", f"{size:g}")
        limit = max(8, int(room / (size * em)))
    wrapped = [part for line in lines for part in _wrap(line, limit)]
    for child in spans:
        element.remove(child)
    element.text = wrapped[0]
    if len(wrapped) == 1:
        return
    y = _number(element.get("y"), 0.0)
    at = list(parent).index(element)
    for i, line in enumerate(wrapped[1:], 1):
        attrs = {k: v for k, v in element.attrib.items() if k != "id"}
        attrs["y"] = f"{y + i * LINE_HEIGHT * size:.1f}"
        extra = ET.Element(element.tag, attrs)
        extra.text = line
        parent.insert(at + i, extra)


def localize(svg: bytes, labels: Mapping[str, str], *, question: bool = False) -> bytes:
    """The diagram with ``labels`` (id -> text) written in and laid out line by line;
    without its naming parts if ``question``."""
    root = _parse(svg)
    width = _width(root)
    for element in root.iter():
        ident = element.get("id")
        if _tag(element) == "text" and ident is not None and ident in labels:
            value = labels[ident]
            if value.strip():
                _set_lines(element, value)
    for parent in list(root.iter()):
        for child in list(parent):
            if _tag(child) == "text" and child.get("id"):
                _lay_out(parent, child, width)
    if question:
        _drop_naming(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def without_text(svg: bytes) -> bytes:
    """The drawing alone, for thumbnails: the same in every language and no answer shown."""
    root = _parse(svg)
    for parent in list(root.iter()):
        for child in list(parent):
            if _tag(child) in ("text", "title", "desc"):
                parent.remove(child)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def visible_text(svg: bytes) -> list[str]:
    """Every piece of text a reader of the SVG can see (titles included), one per element."""
    root = _parse(svg)
    out = []
    for element in root.iter():
        if _tag(element) in ("text", "title", "desc"):
            words = " ".join(" ".join(element.itertext()).split())
            if words:
                out.append(words)
    return out


def english_labels(svg: bytes) -> dict[str, str]:
    """The text drawn in the file for each labelled element (lines joined by newlines)."""
    out = {}
    for element in _parse(svg).iter():
        if _tag(element) == "text" and (ident := element.get("id")):
            if inline := _inline(element):
                out[ident] = (inline[-1].tail or "").strip()
                continue
            lines = [element.text or ""] + [s.text or "" for s in element if _tag(s) == "tspan"]
            out[ident] = "\n".join(line.strip() for line in lines if line.strip())
    return out


def svg_for(item: MediaItem, *, question: bool = False) -> bytes:
    """The bytes to draw for a media item: localized if it is a diagram, with its feature
    markers and their legend in the reader's language if it has any (core/markers.py).
    A photo with markers becomes an SVG that embeds it; one without is returned as is."""
    from idtrainer.core import markers

    if item.mime != "image/svg+xml":
        from idtrainer.core.pictures import check_stored

        check_stored(item.path, item.mime)  # MediaError (a ValueError) when damaged
    data = item.path.read_bytes()
    if item.mime != "image/svg+xml":
        if item.markers and item.width and item.height:
            return markers.annotate_bitmap(data, item.mime, item.width, item.height,
                                           item.markers)
        return data
    labels = {k: v.value for k, v in (item.labels or {}).items()}
    svg = localize(data, labels, question=question)
    return markers.annotate_svg(svg, item.markers) if item.markers else svg
