"""Feature markers: numbered points on a photo or a diagram, each tied to one diagnostic
feature of a species.

A marker stores where it sits (``x``, ``y`` as fractions of the picture's width and
height, so it stays put whatever size the picture is drawn at) and which feature it
shows; it stores no words. Its number is the feature's number on the species card and
its label is the feature's short form (or, without one, its text) in the reader's
language, through the same fallback as every other text. So the picture, the card's
feature list and a lesson's ``{{features:ID}}`` list are numbered alike, and the same
annotated picture reads in Russian, Kazakh or Uzbek.

:func:`annotate` draws the markers: on a diagram it adds them to the SVG; a photo is
wrapped in an SVG that embeds its pixels (a ``data:`` URL the picture gate checks like
any embedded bitmap). Either way a legend under the picture lists the numbers with their
labels. Everything that shows a picture (Learn, species cards, practice, question
pictures, printed sheets, the giveaway check) goes through ``diagrams.svg_for``, which
calls this.
"""

from __future__ import annotations

import base64
import math
import uuid as _uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.texts import LocalText

if TYPE_CHECKING:
    from idtrainer.core.media import MediaItem
    from idtrainer.core.store import Store

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
MARKER_CLASS = "feature-markers"
MARKER_COLOUR = "#c62828"


class MarkerError(IDTrainerError, ValueError):
    """A marker cannot be placed or changed; the message says why."""


@dataclass(frozen=True)
class Marker:
    """One marker as a reader sees it."""

    uuid: str
    media_uuid: str
    feature_uuid: str
    number: int                 # the feature's number on the species card
    x: float                    # 0..1 of the picture's width, from the left
    y: float                    # 0..1 of the picture's height, from the top
    label: LocalText | None     # the feature's short form (or text) in the reader's language


@dataclass(frozen=True)
class FeatureChoice:
    """A diagnostic feature a marker may show."""

    uuid: str
    number: int
    label: LocalText | None


class MarkerManager:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- reading -----------------------------------------------------------------------

    def for_media(self, media_uuids: Iterable[str], locale: str) -> dict[str, list[Marker]]:
        """{media uuid: its live markers in ``locale``}, ordered by number, in two queries."""
        wanted = list(dict.fromkeys(media_uuids))
        if not wanted:
            return {}
        rows = self.store.query(
            "SELECT m.uuid, m.media_uuid, m.feature_uuid, m.x, m.y, "
            "(SELECT count(*) FROM species_features o WHERE o.species_uuid = f.species_uuid "
            " AND o.deleted = 0 AND (o.position < f.position OR (o.position = f.position "
            " AND o.uuid <= f.uuid))) AS number "
            "FROM picture_markers m JOIN species_features f ON f.uuid = m.feature_uuid "
            "WHERE m.deleted = 0 AND f.deleted = 0 AND m.media_uuid IN (SELECT value FROM "
            "json_each(?)) ORDER BY m.media_uuid, number, m.position, m.uuid",
            (_json(wanted),))
        labels = self._labels({r["feature_uuid"] for r in rows}, locale)
        out: dict[str, list[Marker]] = {}
        for r in rows:
            out.setdefault(r["media_uuid"], []).append(Marker(
                r["uuid"], r["media_uuid"], r["feature_uuid"], int(r["number"]),
                float(r["x"]), float(r["y"]), labels.get(r["feature_uuid"])))
        return out

    def on(self, media_uuid: str, locale: str) -> list[Marker]:
        return self.for_media([media_uuid], locale).get(media_uuid, [])

    def choices(self, media_uuid: str, locale: str) -> list[FeatureChoice]:
        """The features a marker on this picture may show: those of the species the
        picture belongs to, numbered as on the species card."""
        rows = self.store.query(
            "SELECT f.uuid FROM species_features f WHERE f.deleted = 0 AND f.species_uuid IN "
            "(SELECT k.owner_uuid FROM media_links k WHERE k.media_uuid = ? AND k.deleted = 0 "
            " AND k.owner_table = 'species') ORDER BY f.species_uuid, f.position, f.uuid",
            (media_uuid,))
        labels = self._labels({r["uuid"] for r in rows}, locale)
        numbers = self._numbers([r["uuid"] for r in rows])
        return [FeatureChoice(r["uuid"], numbers[r["uuid"]], labels.get(r["uuid"]))
                for r in rows]

    # -- writing -----------------------------------------------------------------------

    def place(self, media_uuid: str, feature_uuid: str, x: float, y: float) -> str:
        """Add a marker; return its uuid. The feature must be one of :meth:`choices`."""
        _check_point(x, y)
        if not self.store.scalar("SELECT 1 FROM media WHERE uuid = ? AND deleted = 0",
                                 (media_uuid,)):
            raise MarkerError(_("The picture no longer exists."))
        self._check_feature(media_uuid, feature_uuid)
        uuid = str(_uuid.uuid4())
        position = int(self.store.scalar(
            "SELECT coalesce(max(position), 0) FROM picture_markers WHERE media_uuid = ?",
            (media_uuid,)) or 0) + 1
        self.store.put("picture_markers", {"uuid": uuid, "media_uuid": media_uuid,
                                           "feature_uuid": feature_uuid, "x": round(x, 4),
                                           "y": round(y, 4), "position": position})
        return uuid

    def move(self, marker_uuid: str, x: float, y: float) -> None:
        _check_point(x, y)
        self._live(marker_uuid)
        self.store.put("picture_markers", {"uuid": marker_uuid, "x": round(x, 4),
                                           "y": round(y, 4)})

    def set_feature(self, marker_uuid: str, feature_uuid: str) -> None:
        row = self._live(marker_uuid)
        self._check_feature(row["media_uuid"], feature_uuid)
        self.store.put("picture_markers", {"uuid": marker_uuid, "feature_uuid": feature_uuid})

    def delete(self, marker_uuid: str) -> None:
        self._live(marker_uuid)
        self.store.tombstone("picture_markers", marker_uuid)

    # -- helpers -----------------------------------------------------------------------

    def _live(self, marker_uuid: str) -> dict:
        row = self.store.query_one(
            "SELECT * FROM picture_markers WHERE uuid = ? AND deleted = 0", (marker_uuid,))
        if row is None:
            raise MarkerError(_("The marker no longer exists."))
        return row

    def _check_feature(self, media_uuid: str, feature_uuid: str) -> None:
        if feature_uuid not in {c.uuid for c in self.choices(media_uuid, "en")}:
            raise MarkerError(_("A marker must show one of the diagnostic features of the "
                                "species the picture belongs to."))

    def _labels(self, feature_uuids: set[str], locale: str) -> dict[str, LocalText]:
        texts = self.store.texts.for_owners("species_features", sorted(feature_uuids), locale,
                                            fields=("short", "text"))
        out: dict[str, LocalText] = {}
        for uuid, fields in texts.items():
            label = fields.get("short") or fields.get("text")
            if label is not None:
                out[uuid] = label
        return out

    def _numbers(self, feature_uuids: Sequence[str]) -> dict[str, int]:
        rows = self.store.query(
            "SELECT f.uuid, (SELECT count(*) FROM species_features o WHERE o.species_uuid = "
            "f.species_uuid AND o.deleted = 0 AND (o.position < f.position OR (o.position = "
            "f.position AND o.uuid <= f.uuid))) AS number FROM species_features f "
            "WHERE f.uuid IN (SELECT value FROM json_each(?))", (_json(list(feature_uuids)),))
        return {r["uuid"]: int(r["number"]) for r in rows}


def _json(values: list[str]) -> str:
    import json

    return json.dumps(values)


def _check_point(x: float, y: float) -> None:
    if not (math.isfinite(x) and math.isfinite(y) and 0 <= x <= 1 and 0 <= y <= 1):
        raise MarkerError(_("A marker must lie on the picture."))


# -- drawing ---------------------------------------------------------------------------


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _legend_lines(markers: Sequence[Marker], width: float, size: float) -> list[str]:
    """"1  short label" per feature shown, wrapped to the picture's width."""
    from idtrainer.core.diagrams import _wrap

    limit = max(12, int((width - 2 * size) / (size * 0.6)))
    lines: list[str] = []
    seen: set[int] = set()
    for marker in markers:
        if marker.number in seen:
            continue
        seen.add(marker.number)
        words = " ".join((marker.label.value if marker.label else "").split())
        wrapped = _wrap(f"{marker.number}  {words}".strip(), limit)
        lines.append(wrapped[0])
        lines.extend("     " + part for part in wrapped[1:])
    return lines


def _draw(root: ET.Element, markers: Sequence[Marker], box: tuple[float, float, float, float]
          ) -> float:
    """Add the markers and the legend to ``root`` over the picture area ``box`` (x, y,
    width, height); return the legend's height."""
    x0, y0, width, height = box
    size = max(12.0, min(width, height * 1.5) / 40)
    radius = size * 0.8
    group = ET.SubElement(root, f"{{{SVG_NS}}}g", {"class": MARKER_CLASS})
    for marker in markers:
        cx, cy = x0 + marker.x * width, y0 + marker.y * height
        ET.SubElement(group, f"{{{SVG_NS}}}circle", {
            "cx": f"{cx:.1f}", "cy": f"{cy:.1f}", "r": f"{radius:.1f}",
            "fill": MARKER_COLOUR, "stroke": "#ffffff", "stroke-width": f"{size / 8:.1f}"})
        number = ET.SubElement(group, f"{{{SVG_NS}}}text", {
            "x": f"{cx:.1f}", "y": f"{cy + size * 0.36:.1f}", "text-anchor": "middle",
            "font-family": "sans-serif", "font-size": f"{size:.1f}", "font-weight": "bold",
            "fill": "#ffffff"})
        number.text = str(marker.number)
    lines = _legend_lines(markers, width, size)
    if not lines:
        return 0.0
    line_height = size * 1.3
    legend = size * 0.6 + line_height * len(lines)
    ET.SubElement(group, f"{{{SVG_NS}}}rect", {
        "x": f"{x0:.1f}", "y": f"{y0 + height:.1f}", "width": f"{width:.1f}",
        "height": f"{legend:.1f}", "fill": "#ffffff"})
    for i, line in enumerate(lines):
        baseline = y0 + height + size * 0.3 + line_height * (i + 0.8)
        text = ET.SubElement(group, f"{{{SVG_NS}}}text", {
            "x": f"{x0 + size * 0.5:.1f}", "y": f"{baseline:.1f}",
            "font-family": "sans-serif", "font-size": f"{size:.1f}", "fill": "#202020"})
        text.text = line
    return legend


def annotate_svg(svg: bytes, markers: Sequence[Marker]) -> bytes:
    """A diagram with ``markers`` drawn on it and their legend added underneath."""
    from idtrainer.core.diagrams import _parse

    root = _parse(svg)
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        x0, y0, width, height = (float(v) for v in box) if len(box) == 4 else (
            0.0, 0.0, float((root.get("width") or "800").rstrip("px")),
            float((root.get("height") or "600").rstrip("px")))
    except ValueError:
        x0, y0, width, height = 0.0, 0.0, 800.0, 600.0
    legend = _draw(root, markers, (x0, y0, width, height))
    root.set("viewBox", f"{x0:g} {y0:g} {width:g} {height + legend:g}")
    if root.get("height") and root.get("width"):
        root.set("width", f"{width:g}")
        root.set("height", f"{height + legend:g}")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def annotate_bitmap(data: bytes, mime: str, width: int, height: int,
                    markers: Sequence[Marker]) -> bytes:
    """A photo (its bytes embedded) with ``markers`` drawn on it, as an SVG."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.Element(f"{{{SVG_NS}}}svg")
    ET.SubElement(root, f"{{{SVG_NS}}}image", {
        "x": "0", "y": "0", "width": str(width), "height": str(height),
        f"{{{XLINK_NS}}}href": f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"})
    legend = _draw(root, markers, (0.0, 0.0, float(width), float(height)))
    total = height + legend
    root.set("width", f"{width}")
    root.set("height", f"{total:g}")
    root.set("viewBox", f"0 0 {width} {total:g}")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def picture_size(item: MediaItem) -> tuple[float, float] | None:
    """Width and height of the picture area (without the legend) in the units of the SVG
    that :func:`idtrainer.core.diagrams.svg_for` draws; None if unknown. Markers are
    placed as fractions of this area."""
    if item.mime != "image/svg+xml":
        return (float(item.width), float(item.height)) if item.width and item.height else None
    from idtrainer.core.diagrams import _parse

    try:
        root = _parse(item.path.read_bytes())
    except (OSError, ValueError, SyntaxError):
        return None
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        if len(box) == 4:
            return float(box[2]), float(box[3])
        return (float((root.get("width") or "").rstrip("px")),
                float((root.get("height") or "").rstrip("px")))
    except ValueError:
        return None
