"""The species card and the side-by-side compare view."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n, labels
from idtrainer.core.i18n import gettext as _
from idtrainer.core.species import SpeciesCard, SpeciesSummary
from idtrainer.core.texts import LocalText
from idtrainer.gui.context import AppContext
from idtrainer.gui.gallery import Gallery


def esc(text: str | LocalText | None) -> str:
    return html.escape(str(text)) if text else ""


_STEP = re.compile(r"^\s*(?:\d+[.)]|[-•])\s+", re.MULTILINE)


def paragraphs(text: str | LocalText | None) -> str:
    """Paragraphs, and numbered ("1. ") or bulleted ("- ") lines as a list of steps, so
    "What to do" reads as steps rather than one run-on paragraph."""
    out = []
    for block in str(text or "").split("\n\n"):
        if not block.strip():
            continue
        starts = list(_STEP.finditer(block))
        if len(starts) < 2:
            out.append(f"<p>{esc(block)}</p>")
            continue
        lead = block[:starts[0].start()].strip()
        if lead:
            out.append(f"<p>{esc(lead)}</p>")
        numbered = starts[0].group().strip()[0].isdigit()
        items = [" ".join(block[m.end():n.start() if n else None].split())
                 for m, n in zip(starts, [*starts[1:], None], strict=True)]
        tag = "ol" if numbered else "ul"
        out.append(f"<{tag}>" + "".join(f"<li>{esc(i)}</li>" for i in items) + f"</{tag}>")
    return "".join(out)


def fallback_note(fell_back: bool) -> str:
    if not fell_back:
        return ""
    return _("Some text here is not yet translated into {language} and is shown in "
             "another language.").format(language=i18n.language_name(i18n.current_language()))


class SpeciesCardWindow(QWidget):
    """One species: images, names, CITES listing with its date, features, products,
    lookalikes with a compare button, handling, what to do."""

    compare_requested = Signal(str, str)   # this species, the other species
    open_species = Signal(str)

    def __init__(self, ctx: AppContext, species_uuid: str) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.ctx = ctx
        self.species_uuid = species_uuid
        self.card: SpeciesCard | None = None
        self.name = QLabel(wordWrap=True)
        self.name.setObjectName("cardName")
        self.scientific = QLabel(wordWrap=True)
        self.listing = QLabel(wordWrap=True)
        self.listing.setObjectName("cardListing")
        self.note = QLabel(wordWrap=True)
        self.note.setObjectName("fallbackNote")
        self.body = QTextBrowser()
        self.body.setOpenLinks(False)
        self.body.anchorClicked.connect(self._link)
        self.gallery = Gallery()

        right = QWidget()
        column = QVBoxLayout(right)
        for w in (self.name, self.scientific, self.listing, self.note):
            column.addWidget(w)
        column.addWidget(self.body, 1)
        splitter = QSplitter()
        splitter.addWidget(self.gallery)
        splitter.addWidget(right)
        splitter.setSizes([520, 640])
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)
        ctx.language_changed.connect(self.retranslate)
        ctx.when_changed(self, self.retranslate, "species", "taxa", "cites_listings",
                         "species_features", "species_products", "lookalikes", "media",
                         "media_links", "texts")
        self.resize(1200, 720)
        self.retranslate()

    def retranslate(self) -> None:
        lang = i18n.current_language()
        self.card = card = self.ctx.store.species.card(self.species_uuid, lang)
        self.gallery.retranslate()
        if card is None:
            self.name.setText(_("This species is no longer in the library."))
            return
        s = card.summary
        name = s.name.value if s.name else s.scientific_name
        self.setWindowTitle(f"{name} — IDTrainer")
        self.name.setText(f"<h1>{esc(name)}</h1>")
        sci = f"<i>{esc(s.scientific_name)}</i> {esc(card.author)}"
        if card.synonyms:
            sci += "<br>" + esc(_("Synonyms: {names}").format(names=", ".join(card.synonyms)))
        self.scientific.setText(sci)
        listing = card.listing
        if listing is None:
            self.listing.setText(esc(_("CITES listing not recorded")))
        else:
            shown = labels.listing_text(listing.appendix, listing.checked_on, listing.to_verify)
            text = f"<b>{esc(shown)}</b>"
            if listing.annotation:
                text += f"<br>{esc(listing.annotation)}"
            text += "<br><small>" + esc(_("Source: {source}").format(source=listing.source))
            text += "</small>"
            self.listing.setText(text)
        self.note.setText(esc(fallback_note(card.fell_back)))
        self.note.setVisible(card.fell_back)
        self.gallery.set_images(card.images)
        self.body.setHtml(self._body_html(card))

    def _body_html(self, card: SpeciesCard) -> str:
        parts = []

        def section(title: str, content: str) -> None:
            if content:
                parts.append(f"<h3>{esc(title)}</h3>{content}")

        names = []
        for lang in i18n.LANGUAGES:
            if value := card.names.get(lang):
                shown = esc(value)
                others = card.other_names.get(lang)
                if others:
                    shown += " — " + esc(", ".join(others))
                names.append(f"<li><b>{esc(i18n.language_name(lang))}:</b> {shown}</li>")
        section(_("Names"), f"<ul>{''.join(names)}</ul>" if names else "")
        section(_("Summary"), paragraphs(card.texts.get("summary")))
        section(_("Group"), esc(labels.group_name(card.summary.group)))
        section(_("Range in Central Asia"), paragraphs(card.texts.get("range")))
        if card.features:
            items = "".join(f"<li>{esc(f)}</li>" for f in card.features)
            section(_("Diagnostic features"), f"<ol>{items}</ol>")
        if card.products:
            items = "".join(f"<li><b>{esc(labels.product_name(p.product_type))}:</b> "
                            f"{esc(p.text)}</li>" for p in card.products)
            section(_("Products and derivatives, and how they are smuggled"), f"<ul>{items}</ul>")
        if card.lookalikes:
            entries = []
            for lk in card.lookalikes:
                title = esc(lk.label) if lk.label else ""
                if lk.other_species_uuid:
                    other = self.ctx.store.species.summary(lk.other_species_uuid,
                                                           i18n.current_language())
                    if other is not None:
                        title = esc(other.name or other.scientific_name)
                    compare = esc(_("Compare side by side"))
                    title = (f'<a href="species:{lk.other_species_uuid}">{title}</a> '
                             f'[<a href="compare:{lk.other_species_uuid}">{compare}</a>]')
                entries.append(f"<li><b>{title}</b><br>{esc(lk.points)}</li>")
            section(_("Lookalikes and how to tell them apart"), f"<ul>{''.join(entries)}</ul>")
        section(_("Handling and safety"), paragraphs(card.texts.get("handling")))
        section(_("What to do"), paragraphs(card.texts.get("what_to_do")))
        from idtrainer.gui.experts import expert_html

        store = self.ctx.store
        section(_("Whom to call"), expert_html(store.experts.for_species(
            card.summary.slug, store.experts.country())))
        return "".join(parts)

    def _link(self, url: QUrl) -> None:
        scheme, target = url.scheme(), url.path()
        if scheme == "compare":
            self.compare_requested.emit(self.species_uuid, target)
        elif scheme == "species":
            self.open_species.emit(target)


class CompareColumn(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.chooser = QComboBox()
        self.scientific = QLabel(wordWrap=True)
        self.listing = QLabel(wordWrap=True)
        self.gallery = Gallery()
        self.name = ""
        self.features: list[LocalText] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (self.chooser, self.scientific, self.listing):
            layout.addWidget(w)
        layout.addWidget(self.gallery, 1)

    def fill(self, species: list[SpeciesSummary], selected: str) -> None:
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for s in species:
            self.chooser.addItem(f"{s.name or s.scientific_name} ({s.scientific_name})", s.uuid)
        self.chooser.setCurrentIndex(max(0, self.chooser.findData(selected)))
        self.chooser.blockSignals(False)

    def show_species(self, uuid: str) -> None:
        card = self.ctx.store.species.card(uuid, i18n.current_language())
        if card is None:
            self.name, self.features = "", []
            return
        self.name = str(card.summary.name or card.summary.scientific_name)
        self.scientific.setText(f"<i>{esc(card.summary.scientific_name)}</i>")
        listing = card.listing
        self.listing.setText(esc(labels.listing_text(
            listing.appendix if listing else None, listing.checked_on if listing else None,
            listing.to_verify if listing else False)))
        self.gallery.set_images(card.images)
        self.features = list(card.features)


class CompareWindow(QWidget):
    """Two species side by side: pictures above; below, the points that tell them apart
    and their diagnostic features in one table, row by row, so the columns line up."""

    def __init__(self, ctx: AppContext, left: str, right: str) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.ctx = ctx
        self.left = CompareColumn(ctx)
        self.right = CompareColumn(ctx)
        self.details = QTextBrowser()
        self.details.setObjectName("compareDetails")
        columns = QWidget()
        row = QHBoxLayout(columns)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.left)
        row.addWidget(self.right)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(columns)
        splitter.addWidget(self.details)
        splitter.setSizes([420, 340])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.left.chooser.currentIndexChanged.connect(self.refresh)
        self.right.chooser.currentIndexChanged.connect(self.refresh)
        ctx.language_changed.connect(self.retranslate)
        self._selected = (left, right)
        self.resize(1280, 760)
        self.retranslate()

    def species_shown(self) -> tuple[str, str]:
        return self.left.chooser.currentData(), self.right.chooser.currentData()

    def retranslate(self) -> None:
        if self.left.chooser.count():
            self._selected = self.species_shown()
        everyone = self.ctx.store.species.all(i18n.current_language())
        self.left.fill(everyone, self._selected[0])
        self.right.fill(everyone, self._selected[1])
        self.setWindowTitle(_("Compare species — IDTrainer"))
        self.left.gallery.retranslate()
        self.right.gallery.retranslate()
        self.refresh()

    def refresh(self) -> None:
        a, b = self.species_shown()
        self.left.show_species(a)
        self.right.show_species(b)
        points = self.ctx.store.species.distinguishing_points(a, b, i18n.current_language())
        title, features = _("How to tell them apart"), _("Diagnostic features")
        parts = [f"<h3>{esc(title)}</h3>"]
        if points:
            parts.append("<ul>" + "".join(f"<li>{esc(p)}</li>" for p in points) + "</ul>")
        else:
            none = _("The cards give no notes on telling these two apart; compare their "
                     "diagnostic features below.")
            parts.append(f"<p>{esc(none)}</p>")
        parts.append(f"<h3>{esc(features)}</h3>")
        rows = []
        left, right = self.left.features, self.right.features
        for i in range(max(len(left), len(right))):
            cells = [esc(f[i]) if i < len(f) else "" for f in (left, right)]
            rows.append(f'<tr><td width="4%" align="right">{i + 1}.</td>'
                        f'<td width="48%">{cells[0]}</td><td width="48%">{cells[1]}</td></tr>')
        parts.append('<table width="100%" cellspacing="0" cellpadding="6" border="1" '
                     'style="border-collapse: collapse">'
                     f'<tr><th></th><th align="left">{esc(self.left.name)}</th>'
                     f'<th align="left">{esc(self.right.name)}</th></tr>'
                     + "".join(rows) + "</table>")
        self.details.setHtml("".join(parts))
