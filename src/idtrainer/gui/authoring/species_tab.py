"""The Species tab of the authoring page: every species of the course and its editor.

Names in every content language and synonyms, the CITES listing (appendix, source,
checked-on date, "to verify", annotation), group, diagnostic features, products and how
they are smuggled, lookalikes and how to tell them apart, handling, what to do. The
draft is checked as the author types; saving writes the rows ``content load`` writes
(core/authoring.py). Pictures are added on the Pictures tab.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n, labels
from idtrainer.core.authoring import (
    SPECIES_TEXTS,
    AuthoringError,
    Lookalike,
    SpeciesDraft,
    Words,
)
from idtrainer.core.i18n import N_
from idtrainer.core.i18n import gettext as _
from idtrainer.core.schema import APPENDICES, PRODUCT_TYPES, TAXON_GROUPS
from idtrainer.gui.authoring.editing import (
    DraftHandlers,
    RowList,
    SpeciesIdBox,
    WordsField,
    split_list,
)
from idtrainer.gui.context import AppContext

ROLE = Qt.ItemDataRole.UserRole

TEXT_LABELS = {"summary": N_("Summary"), "range": N_("Range"),
               "handling": N_("Handling"), "what_to_do": N_("What to do")}


class FeatureRow(WordsField):
    pass


class ProductRow(QWidget):
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.kind = QComboBox()
        for ptype in PRODUCT_TYPES:
            self.kind.addItem(labels.product_name(ptype), ptype)
        self.words = WordsField(multiline=True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.kind)
        column.addWidget(self.words)
        self.kind.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.words.changed.connect(self.changed)

    def value(self) -> tuple[str, Words]:
        return self.kind.currentData(), self.words.words()

    def set_value(self, ptype: str, words: Words) -> None:
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(max(0, self.kind.findData(ptype)))
        self.kind.blockSignals(False)
        self.words.set_words(words)


class LookalikeRow(QWidget):
    changed = Signal()

    def __init__(self, ids: list[str]) -> None:
        super().__init__()
        self.other = SpeciesIdBox(ids)
        self.label = WordsField()
        self.points = WordsField(multiline=True)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.captions = [QLabel(), QLabel(), QLabel()]
        form.addRow(self.captions[0], self.other)
        form.addRow(self.captions[1], self.label)
        form.addRow(self.captions[2], self.points)
        for w in (self.other, self.label, self.points):
            w.changed.connect(self.changed)
        self.retranslate()

    def retranslate(self) -> None:
        for caption, text in zip(self.captions, (
                _("Species in the course (id)"), _("Or its name, if not in the course"),
                _("How to tell them apart")), strict=True):
            caption.setText(text)

    def value(self) -> Lookalike:
        return Lookalike(self.other.value(), self.label.words(), self.points.words())

    def set_value(self, look: Lookalike) -> None:
        self.other.set_value(look.other)
        self.label.set_words(look.label)
        self.points.set_words(look.points)


class SpeciesTab(DraftHandlers, QWidget):
    KIND = "species"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.draft = SpeciesDraft()
        self._loading = False
        self._captions: list[tuple[QLabel | QGroupBox | QCheckBox, str]] = []

        # -- the list ---------------------------------------------------------------
        self.filter = QLineEdit()
        self.filter.textChanged.connect(self.refresh)
        self.list = QListWidget()
        self.list.currentItemChanged.connect(self._picked)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.filter)
        column.addWidget(self.list, 1)

        # -- the editor -------------------------------------------------------------
        self.slug = QLineEdit()
        self.scientific = QLineEdit()
        self.author = QLineEdit()
        self.family = QLineEdit()
        self.synonyms = QLineEdit()
        self.group = QComboBox()
        for g in TAXON_GROUPS:
            self.group.addItem(labels.group_name(g), g)
        self.tags = QLineEdit()
        self.names = WordsField()
        self.other_names = WordsField()
        self.appendix = QComboBox()
        for a in APPENDICES:
            self.appendix.addItem(labels.appendix_name(a), a)
        self.source = QLineEdit()
        self.checked_on = QLineEdit()
        self.checked_on.setPlaceholderText("2026-11-20")
        self.listed_since = QLineEdit()
        self.listed_since.setPlaceholderText("1979-06-28")
        self.to_verify = QCheckBox()
        self.annotation = WordsField(multiline=True)
        self.texts = {key: WordsField(multiline=True) for key in SPECIES_TEXTS}
        self.features = RowList(lambda: WordsField(multiline=True), N_("Add a feature"))
        self.products = RowList(ProductRow, N_("Add a product"))
        self.lookalikes = RowList(lambda: LookalikeRow(sorted(self.session_ids())),
                                  N_("Add a lookalike"))

        form_widget = QWidget()
        form = QVBoxLayout(form_widget)
        ident = self._group(form, N_("Names and classification"))
        for msgid, widget in ((N_("Id"), self.slug),
                              (N_("Scientific name"), self.scientific),
                              (N_("Author"), self.author), (N_("Family"), self.family),
                              (N_("Synonyms (comma-separated)"), self.synonyms),
                              (N_("Group"), self.group),
                              (N_("Tags (comma-separated)"), self.tags),
                              (N_("Names"), self.names),
                              (N_("Other names (comma-separated)"), self.other_names)):
            ident.addRow(self._caption(msgid), widget)
        cites = self._group(form, N_("CITES listing"))
        for msgid, widget in ((N_("Appendix"), self.appendix), (N_("Source"), self.source),
                              (N_("Checked on"), self.checked_on),
                              (N_("Listed since"), self.listed_since)):
            cites.addRow(self._caption(msgid), widget)
        cites.addRow("", self.to_verify)
        self._captions.append((self.to_verify, N_("To verify")))
        cites.addRow(self._caption(N_("Annotation")), self.annotation)
        for key in ("summary", "range"):
            self._group(form, TEXT_LABELS[key]).addRow(self.texts[key])
        self._group(form, N_("Diagnostic features")).addRow(self.features)
        self._group(form, N_("Products and how they are smuggled")).addRow(self.products)
        self._group(form, N_("Lookalikes")).addRow(self.lookalikes)
        for key in ("handling", "what_to_do"):
            self._group(form, TEXT_LABELS[key]).addRow(self.texts[key])
        self.build_frame(left, form_widget)

        for w in (self.slug, self.scientific, self.author, self.family, self.synonyms,
                  self.tags, self.source, self.checked_on, self.listed_since):
            w.textChanged.connect(self._edited)
        for c in (self.group, self.appendix):
            c.currentIndexChanged.connect(self._edited)
        self.to_verify.toggled.connect(self._edited)
        fields: list[WordsField | RowList] = [
            self.names, self.other_names, self.annotation, *self.texts.values(),
            self.features, self.products, self.lookalikes]
        for f in fields:
            f.changed.connect(self._edited)
        ctx.language_changed.connect(self.retranslate)
        ctx.when_changed(self, self.refresh, "species", "taxa", "texts")
        self.retranslate()
        self.new()

    # -- layout helpers ---------------------------------------------------------------

    def _caption(self, msgid: str) -> QLabel:
        label = QLabel()
        self._captions.append((label, msgid))
        return label

    def _group(self, column: QVBoxLayout, msgid: str) -> QFormLayout:
        box = QGroupBox()
        self._captions.append((box, msgid))
        column.addWidget(box)
        return QFormLayout(box)

    def retranslate(self) -> None:
        for widget, msgid in self._captions:
            if isinstance(widget, QGroupBox):
                widget.setTitle(_(msgid))
            else:
                widget.setText(_(msgid))
        self.filter.setPlaceholderText(_("Search by name in any language"))
        for combo, name in ((self.group, labels.group_name),
                            (self.appendix, labels.appendix_name)):
            for i in range(combo.count()):
                combo.setItemText(i, name(combo.itemData(i)))
        for rows in (self.features, self.products, self.lookalikes):
            rows.retranslate()
        for row in self.products.rows:
            assert isinstance(row, ProductRow)
            for i in range(row.kind.count()):
                row.kind.setItemText(i, labels.product_name(row.kind.itemData(i)))
        for row in self.lookalikes.rows:
            assert isinstance(row, LookalikeRow)
            row.retranslate()
        self.bar.retranslate()
        self.refresh()
        self._check()

    # -- the session ------------------------------------------------------------------

    def session_ids(self) -> set[str]:
        try:
            return self.session.species_ids()
        except AuthoringError:
            return set()

    # -- the list ---------------------------------------------------------------------

    def refresh(self) -> None:
        lang = i18n.current_language()
        current = self.draft.uuid
        self.list.blockSignals(True)
        self.list.clear()
        for s in self.ctx.store.species.search(self.filter.text(), lang):
            item = QListWidgetItem(f"{s.name.value if s.name else s.scientific_name} "
                                   f"({s.scientific_name})")
            item.setToolTip(s.slug)
            item.setData(ROLE, s.uuid)
            self.list.addItem(item)
            if s.uuid == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    # -- the editor -------------------------------------------------------------------

    def new(self) -> None:
        draft = SpeciesDraft()
        draft.listing.checked_on = self.ctx.store.clock().date().isoformat()
        self.list.clearSelection()
        self.show_draft(draft)

    def show_draft(self, draft: SpeciesDraft) -> None:
        self._loading = True
        self.draft = draft
        self.slug.setText(draft.slug)
        self.slug.setReadOnly(draft.uuid is not None)
        self.scientific.setText(draft.scientific_name)
        self.author.setText(draft.author)
        self.family.setText(draft.family)
        self.synonyms.setText(", ".join(draft.synonyms))
        self.group.setCurrentIndex(max(0, self.group.findData(draft.group)))
        self.tags.setText(", ".join(draft.tags))
        self.names.set_words(draft.names)
        self.other_names.set_words({loc: ", ".join(v) for loc, v in draft.other_names.items()})
        lst = draft.listing
        self.appendix.setCurrentIndex(max(0, self.appendix.findData(lst.appendix)))
        self.source.setText(lst.source)
        self.checked_on.setText(lst.checked_on)
        self.listed_since.setText(lst.listed_since)
        self.to_verify.setChecked(lst.to_verify)
        self.annotation.set_words(lst.annotation)
        for key, field in self.texts.items():
            field.set_words(draft.texts.get(key, {}))
        for rows in (self.features, self.products, self.lookalikes):
            rows.clear()
        for words in draft.features:
            row = self.features.add()
            assert isinstance(row, WordsField)
            row.set_words(words)
        for ptype, words in draft.products:
            product = self.products.add()
            assert isinstance(product, ProductRow)
            product.set_value(ptype, words)
        for look in draft.lookalikes:
            lookalike = self.lookalikes.add()
            assert isinstance(lookalike, LookalikeRow)
            lookalike.set_value(look)
        self._loading = False
        self._check()

    def collect(self) -> SpeciesDraft:
        """The draft as the form shows it now."""
        d = SpeciesDraft(uuid=self.draft.uuid)
        d.slug = self.slug.text().strip()
        d.scientific_name = self.scientific.text().strip()
        d.author = self.author.text().strip()
        d.family = self.family.text().strip()
        d.synonyms = split_list(self.synonyms.text())
        d.group = self.group.currentData()
        d.tags = split_list(self.tags.text())
        d.names = self.names.words()
        d.other_names = {loc: split_list(v) for loc, v in self.other_names.words().items()}
        d.listing.appendix = self.appendix.currentData()
        d.listing.source = self.source.text().strip()
        d.listing.checked_on = self.checked_on.text().strip()
        d.listing.listed_since = self.listed_since.text().strip()
        d.listing.to_verify = self.to_verify.isChecked()
        d.listing.annotation = self.annotation.words()
        d.texts = {key: field.words() for key, field in self.texts.items()}
        d.features = [row.words() for row in self.features.rows
                      if isinstance(row, WordsField)]
        d.products = [row.value() for row in self.products.rows if isinstance(row, ProductRow)]
        d.lookalikes = [row.value() for row in self.lookalikes.rows
                        if isinstance(row, LookalikeRow)]
        return d

    def _edited(self) -> None:
        if not self._loading:
            self._check()

    def _check(self) -> None:
        try:
            session = self.session
        except AuthoringError as exc:
            self.state.setText(str(exc))
            for button in self.bar.buttons.values():
                button.setEnabled(False)
            return
        problems = session.species_problems(self.collect())
        self.problems.show_problems(problems)
        self.bar.buttons["save"].setEnabled(not any(p.blocking for p in problems))
        self.bar.buttons["undo"].setEnabled(session.can_undo())
        self.bar.buttons["redo"].setEnabled(session.can_redo())
        self.bar.buttons["delete"].setEnabled(self.draft.uuid is not None)
        self.state.setText(_("New species, not saved yet") if self.draft.uuid is None else
                           _("Editing {id}").format(id=self.draft.slug))

    def _load(self, uuid: str) -> SpeciesDraft:
        return self.session.load_species(uuid)

    def _save(self, draft: SpeciesDraft) -> None:
        self.session.save_species(draft)
