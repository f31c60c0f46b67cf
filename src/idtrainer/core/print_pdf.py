"""Printed materials: an ID sheet per species and three posters, as vector PDF.

Everything comes from the store: names, the Appendix with the date it was checked,
features, products, lookalikes, what to do, and the species' first picture drawn in the
sheet's language (diagrams are converted to reportlab vector drawings with svglib, so a
poster stays sharp at A2). DejaVu Sans is embedded and no other font is used. A sheet or
poster is in one language or in two side by side. Posters list the species that carry a
tag in their species file (``native``, ``exotic``, ``derivatives``), which trainers edit.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color, white
from reportlab.lib.pagesizes import A2, A3, A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from idtrainer.core import diagrams
from idtrainer.core.certificate_pdf import BOLD, FONT, register_fonts
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import N_, format_date, gettext_in
from idtrainer.core.labels import APPENDICES, PRODUCTS
from idtrainer.core.languages import codes as language_codes
from idtrainer.core.paths import atomic_write
from idtrainer.core.resources import assets_dir

if TYPE_CHECKING:
    from idtrainer.core.media import MediaItem
    from idtrainer.core.species import SpeciesCard
    from idtrainer.core.store import Store

Progress = Callable[[int, int], None]

SIZES = {"A3": A3, "A2": A2}
INK = Color(0.12, 0.18, 0.32)
GREY = Color(0.35, 0.35, 0.35)
PALE = Color(0.93, 0.94, 0.96)

#: poster kind -> (species tag, title, subtitle)
POSTERS: dict[str, tuple[str, str, str]] = {
    "natives": ("native", N_("CITES species of Central Asia"),
                N_("Native species protected by CITES: know them at the border")),
    "exotics": ("exotic", N_("Exotic CITES species in transit"),
                N_("Species from other continents smuggled through Central Asia")),
    "derivatives": ("derivatives", N_("CITES products and derivatives"),
                    N_("Parts and products of protected species: what to look for")),
}

FEATURES = N_("Diagnostic features")
PRODUCTS_HEAD = N_("Products and how they are smuggled")
LOOKALIKES = N_("Lookalikes and how to tell them apart")
WHAT_TO_DO = N_("What to do")
CHECKED = N_("{appendix} · checked {date}")
TO_VERIFY = N_("to verify")
NOT_RECORDED = N_("CITES listing not recorded")
SHEET_FOOTER = N_("IDTrainer identification sheet · {date}")
POSTER_FOOTER = N_("IDTrainer · CITES species identification for customs officers · {date}")


class PrintError(IDTrainerError):
    """Nothing to print, or a language or size that does not exist."""


def _t(lang: str, message: str) -> str:
    return gettext_in(lang, message)


def _register() -> None:
    register_fonts()
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    from svglib.fonts import register_font

    fonts = assets_dir() / "fonts"
    for family in ("DejaVu Sans", "Arial", "sans-serif", "Helvetica"):
        register_font(family, str(fonts / "DejaVuSans.ttf"), rlgFontName=FONT)
        register_font(family, str(fonts / "DejaVuSans-Bold.ttf"), weight="bold",
                      rlgFontName=BOLD)


def picture(item: MediaItem | None, *, question: bool = False) -> Drawing | None:
    """A diagram (or a photo with feature markers) as a reportlab drawing in the item's
    language; None for other rasters or unreadable files."""
    if item is None or not item.drawn_as_svg:
        return None
    from svglib.svglib import svg2rlg

    try:
        drawing = svg2rlg(io.BytesIO(diagrams.svg_for(item, question=question)))
    except (OSError, ValueError, SyntaxError):
        return None
    if drawing is not None:
        drawing.initialFontName = FONT   # or reportlab starts every drawing in Helvetica
    return drawing


def _scaled(drawing: Drawing, width: float, height: float) -> Drawing:
    scale = min(width / drawing.width, height / drawing.height)
    out = Drawing(drawing.width * scale, drawing.height * scale)
    out.initialFontName = FONT
    drawing.scale(scale, scale)
    out.add(drawing)
    return out


def listing_line(card: SpeciesCard, lang: str) -> str:
    listing = card.listing
    if listing is None or not listing.checked_on:
        return _t(lang, NOT_RECORDED)
    day = format_date(dt.date.fromisoformat(listing.checked_on), "medium", lang)
    text = _t(lang, CHECKED).format(
        appendix=_t(lang, APPENDICES.get(listing.appendix, listing.appendix)), date=day)
    if listing.to_verify:
        text += " · " + _t(lang, TO_VERIFY)
    return text


def key_feature(card: SpeciesCard, *, product: bool = False) -> str:
    """One line for a poster: the first clause of the first feature (or product)."""
    source = None
    if product and card.products and card.products[0].text:
        source = card.products[0].text.value
    elif card.features:
        source = card.features[0].value
    if not source:
        return ""
    for mark in (";", ". ", ": "):
        head = source.split(mark)[0]
        if 25 <= len(head) < len(source):
            source = head
            break
    return source.rstrip(".")


def _check_languages(*langs: str | None) -> None:
    for lang in langs:
        if lang is not None and lang not in language_codes():
            raise PrintError(gettext_in(langs[0] if langs[0] in language_codes() else "en", N_(
                "Unknown language {lang!r}: use one of {languages}")).format(
                    lang=lang, languages=", ".join(language_codes())))


# -- ID sheets ----------------------------------------------------------------------------


class _Picture(Flowable):
    def __init__(self, drawing: Drawing, width: float, height: float) -> None:
        super().__init__()
        self.drawing = _scaled(drawing, width, height)
        self.width, self.height = self.drawing.width, self.drawing.height

    def draw(self) -> None:
        from reportlab.graphics import renderPDF

        renderPDF.draw(self.drawing, self.canv, 0, 0)


def _styles(two: bool) -> dict[str, ParagraphStyle]:
    size = 8.5 if two else 10
    return {
        "title": ParagraphStyle("title", fontName=BOLD, fontSize=20, leading=24,
                                textColor=INK),
        "sub": ParagraphStyle("sub", fontName=FONT, fontSize=10.5, leading=13, textColor=GREY),
        "head": ParagraphStyle("head", fontName=BOLD, fontSize=size + 2, leading=size + 5,
                               textColor=INK, spaceBefore=6, spaceAfter=2),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=size, leading=size * 1.3),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _section(card: SpeciesCard, lang: str, styles: dict[str, ParagraphStyle]
             ) -> list[list[Paragraph]]:
    """The sections of one sheet in one language: [(heading, paragraphs...)]."""
    body = styles["body"]
    features = [_para(f"{i}. {f.value}", body) for i, f in enumerate(card.features, 1)]
    products = [_para(f"{_t(lang, PRODUCTS.get(p.product_type, p.product_type))}: "
                      f"{p.text.value if p.text else ''}", body) for p in card.products]
    lookalikes = []
    for lk in card.lookalikes:
        label = lk.label.value if lk.label else ""
        lookalikes.append(Paragraph(f"<b>{escape(label)}</b>: " + escape(
            lk.points.value if lk.points else ""), body))
    todo = card.texts.get("what_to_do")
    sections = [(FEATURES, features), (PRODUCTS_HEAD, products), (LOOKALIKES, lookalikes),
                (WHAT_TO_DO, [_para(todo.value, body)] if todo else [])]
    return [[_para(_t(lang, head), styles["head"]), *items] for head, items in sections if items]


def _lookalike_labels(store: Store, card: SpeciesCard, lang: str) -> SpeciesCard:
    """Lookalikes that point at another species read as that species' name."""
    from dataclasses import replace

    fixed = []
    for lk in card.lookalikes:
        if lk.label is None and lk.other_species_uuid:
            other = store.species.summary(lk.other_species_uuid, lang)
            if other and other.name:
                lk = replace(lk, label=other.name)
        fixed.append(lk)
    return replace(card, lookalikes=fixed)


def sheets(store: Store, species: Sequence[str], lang: str, lang2: str | None,
           out: Path, progress: Progress | None = None) -> Path:
    """ID sheets (A4) for ``species`` (uuids) in ``lang``, or ``lang`` and ``lang2`` side by
    side; one species per page or more."""
    _check_languages(lang, lang2)
    if not species:
        raise PrintError(_t(lang, N_("Choose at least one species to print.")))
    _register()
    two = lang2 is not None and lang2 != lang
    styles = _styles(two)
    story: list[Flowable] = []
    page_w, page_h = A4
    margin = 15 * mm
    frame_w = page_w - 2 * margin
    for n, uuid in enumerate(species):
        card = store.species.card(uuid, lang)
        if card is None:
            raise PrintError(_t(lang, N_("No species with id {id!r}.")).format(id=uuid))
        card = _lookalike_labels(store, card, lang)
        cards = [card]
        if two and lang2 is not None:
            other = store.species.card(uuid, lang2)
            if other is not None:
                cards.append(_lookalike_labels(store, other, lang2))
        if n:
            story.append(PageBreak())
        names = " / ".join(dict.fromkeys(
            c.summary.name.value for c in cards if c.summary.name)) or card.summary.scientific_name
        story.append(_para(names, styles["title"]))
        story.append(Paragraph(f"<i>{escape(card.summary.scientific_name)}</i> "
                               f"{escape(card.author)}", styles["sub"]))
        langs = [lang, lang2 or lang][:len(cards)]
        story.append(_para("   |   ".join(dict.fromkeys(
            listing_line(c, c_lang) for c, c_lang in zip(cards, langs, strict=True))),
            styles["sub"]))
        story.append(Spacer(1, 4 * mm))
        if card.images and (drawing := picture(card.images[0])) is not None:
            story.append(_Picture(drawing, frame_w, page_h * 0.36))
        story.append(Spacer(1, 2 * mm))
        blocks = [_section(c, c_lang, styles) for c, c_lang in
                  zip(cards, [lang, lang2 or lang][:len(cards)], strict=True)]
        if two:
            for left, right in zip(blocks[0], blocks[1], strict=False):
                table = Table([[left, right]], colWidths=[frame_w / 2 - 3, frame_w / 2 - 3])
                table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                           ("FONTNAME", (0, 0), (-1, -1), FONT),
                                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                           ("RIGHTPADDING", (0, 0), (-1, -1), 6)]))
                story.append(table)
        else:
            for block in blocks[0]:
                story.append(KeepTogether(block[:2]))
                story.extend(block[2:])
        if progress:
            progress(n + 1, len(species))

    footer = _t(lang, SHEET_FOOTER).format(date=format_date(store.clock().date(), "long", lang))

    def on_page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(margin, 9 * mm, footer)
        canvas.drawRightString(page_w - margin, 9 * mm, str(doc.page))
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=16 * mm, initialFontName=FONT,
                            title=names if len(species) == 1 else _t(lang, FEATURES),
                            author="IDTrainer")
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    with atomic_write(out) as fh:
        fh.write(buffer.getvalue())
    return out


# -- posters ------------------------------------------------------------------------------


@dataclass
class _Cell:
    names: list[str]
    scientific: str
    listing: str
    lines: list[str]
    drawing: Drawing | None


def _fit_lines(text: str, font: str, size: float, width: float, most: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if line and pdfmetrics.stringWidth(candidate, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    if len(lines) > most:
        lines = lines[:most]
        while lines[-1] and pdfmetrics.stringWidth(lines[-1] + "…", font, size) > width:
            lines[-1] = lines[-1][:-1]
        lines[-1] += "…"
    return lines


def poster(store: Store, kind: str, size: str, lang: str, lang2: str | None, out: Path,
           progress: Progress | None = None) -> Path:
    """One poster page: every species tagged for ``kind``, with its picture, names,
    Appendix and one key feature (a product line on the derivatives poster)."""
    _check_languages(lang, lang2)
    if kind not in POSTERS:
        raise PrintError(_t(lang, N_("Unknown poster {kind!r}: use natives, exotics or "
                                     "derivatives")).format(kind=kind))
    if size not in SIZES:
        raise PrintError(_t(lang, N_("Unknown size {size!r}: use A3 or A2")).format(size=size))
    _register()
    tag, title, subtitle = POSTERS[kind]
    langs = [lang] + ([lang2] if lang2 and lang2 != lang else [])
    uuids = store.species.tagged(tag)
    if not uuids:
        raise PrintError(_t(lang, N_("No species carries the tag {tag!r}: add it to the "
                                     "species files.")).format(tag=tag))
    cells = []
    for n, uuid in enumerate(uuids):
        found = [store.species.card(uuid, lg) for lg in langs]
        cards = [c for c in found if c is not None]
        if len(cards) != len(found):
            raise PrintError(_t(langs[0], N_("No species with id {id!r}.")).format(id=uuid))
        first = cards[0]
        names = list(dict.fromkeys(c.summary.name.value if c.summary.name else
                                   c.summary.scientific_name for c in cards))
        lines = [key_feature(c, product=kind == "derivatives") for c in cards]
        cells.append(_Cell(names, first.summary.scientific_name,
                           " | ".join(dict.fromkeys(listing_line(c, lg) for c, lg in
                                                    zip(cards, langs, strict=True))),
                           [x for x in lines if x],
                           picture(first.images[0]) if first.images else None))
        if progress:
            progress(n + 1, len(uuids))

    page_w, page_h = SIZES[size]
    unit = page_w / A3[0]           # everything scales with the paper
    margin = 14 * mm * unit
    cols = 5 if len(cells) > 20 else 4 if len(cells) > 9 else 3
    rows = -(-len(cells) // cols)
    head_h = 40 * mm * unit
    foot_h = 10 * mm * unit
    gap = 4 * mm * unit
    cell_w = (page_w - 2 * margin - (cols - 1) * gap) / cols
    cell_h = (page_h - 2 * margin - head_h - foot_h - (rows - 1) * gap) / rows
    text_size = min(7.2 * unit, cell_h / 22)
    name_size = text_size * 1.45
    text_lines = 2 * len(langs)

    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(page_w, page_h), initialFontName=FONT, pageCompression=1)
    c.setTitle(" / ".join(_t(lg, title) for lg in langs))
    c.setAuthor("IDTrainer")
    c.setFillColor(INK)
    c.rect(0, page_h - margin - head_h + 6 * mm * unit, page_w, head_h + margin, stroke=0,
           fill=1)
    c.setFillColor(white)
    y = page_h - margin - 6 * mm * unit
    for i, lg in enumerate(langs):
        big = 26 * unit if i == 0 else 17 * unit
        c.setFont(BOLD, big)
        c.drawString(margin, y - big, _t(lg, title))
        y -= big * 1.25
    c.setFont(FONT, 10 * unit)
    c.drawString(margin, y - 10 * unit, "   ·   ".join(_t(lg, subtitle) for lg in langs))
    top = page_h - margin - head_h
    from reportlab.graphics import renderPDF

    for i, cell in enumerate(cells):
        col, row = i % cols, i // cols
        x = margin + col * (cell_w + gap)
        y0 = top - row * (cell_h + gap) - cell_h
        c.setFillColor(PALE)
        c.roundRect(x, y0, cell_w, cell_h, 2 * mm * unit, stroke=0, fill=1)
        pad = 2 * mm * unit
        text_h = name_size * 1.25 * len(cell.names) + text_size * 1.3 * (2 + text_lines)
        pic_h = cell_h - text_h - 2 * pad
        if cell.drawing is not None and pic_h > 10:
            drawing = _scaled(cell.drawing, cell_w - 2 * pad, pic_h)
            renderPDF.draw(drawing, c, x + (cell_w - drawing.width) / 2,
                           y0 + cell_h - pad - drawing.height)
        ty = y0 + text_h + pad - name_size
        c.setFillColor(INK)
        for k, name in enumerate(cell.names):
            c.setFont(BOLD, name_size if k == 0 else name_size * 0.85)
            c.drawString(x + pad, ty, _fit_lines(name, BOLD, name_size, cell_w - 2 * pad, 1)[0])
            ty -= name_size * 1.25
        c.setFillColor(GREY)
        c.setFont(FONT, text_size)
        c.drawString(x + pad, ty, cell.scientific)
        ty -= text_size * 1.3
        for line in _fit_lines(cell.listing, FONT, text_size, cell_w - 2 * pad, 1):
            c.drawString(x + pad, ty, line)
            ty -= text_size * 1.3
        c.setFillColor(Color(0, 0, 0))
        for feature in cell.lines:
            for line in _fit_lines(feature, FONT, text_size, cell_w - 2 * pad, 2):
                c.drawString(x + pad, ty, line)
                ty -= text_size * 1.3
    c.setFillColor(GREY)
    c.setFont(FONT, 8 * unit)
    c.drawString(margin, margin * 0.6, _t(lang, POSTER_FOOTER).format(
        date=format_date(store.clock().date(), "long", lang)))
    c.showPage()
    c.save()
    with atomic_write(out) as fh:
        fh.write(buffer.getvalue())
    return out
