"""The Identify page: a multi-access key over the curated species, "is it CITES-listed?"
over the imported checklist, and whom to call.

Left: the characters (what the officer can observe), the best next one first, each with
its answer; below them the states of the chosen character (pictures where they help) or
a box for a number or a range. Middle: the remaining candidates with thumbnails, and the
discarded species with the answers that excluded them. Right: the chosen candidate's
result (Appendix with its checked date, what to do, lookalikes to compare, experts to
call), or the checklist's answer for a typed name.

Keyboard: ↑/↓ choose, Enter answers or moves on, Del skips a character as unknown,
Ctrl+Z undoes, Ctrl+R starts again, Ctrl+L focuses the checklist box, Ctrl+K the
candidates, Ctrl+M compares the chosen candidate with a lookalike, Ctrl+O opens its card.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n, idkey, labels
from idtrainer.core.checklist import ACKNOWLEDGEMENT, Listing
from idtrainer.core.i18n import gettext as _
from idtrainer.core.identify import CharacterInfo
from idtrainer.core.species import SpeciesSummary
from idtrainer.gui.context import AppContext
from idtrainer.gui.experts import expert_html
from idtrainer.gui.forms import button_row
from idtrainer.gui.images import ThumbnailCache, render
from idtrainer.gui.start import fill_countries

ID_ROLE = Qt.ItemDataRole.UserRole
THUMB = 56


def esc(text: object) -> str:
    return html.escape(str(text)) if text else ""


def placeholder(size: int = THUMB) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor("#e6e6e0"))
    return QIcon(pixmap)


def checklist_date_text(date: str | None, current: bool) -> str:
    if not date:
        return _("No checklist imported")
    if current:
        return _("Checklist of {date}").format(date=date)
    return _("Checklist of {date}: not current").format(date=date)


def rank_name(rank: str) -> str:
    names = {"species": _("species"), "subspecies": _("subspecies"), "genus": _("genus"),
             "family": _("family"), "order": _("order"), "variety": _("variety")}
    return names.get(rank, rank)


def listing_html(found: Listing | None, name: str, date: str) -> str:
    """The checklist's answer for ``name``, always with the checklist's date."""
    if found is None:
        return ("<p><b>" + esc(_("{name}: not in the checklist, nor any genus, family or "
                                 "order above it.").format(name=name)) + "</b></p>"
                f"<p><small>{esc(date)}</small></p>")
    parts = [f"<h2><i>{esc(found.name)}</i> {esc(found.author)}</h2>"]
    if found.synonym_of:
        parts.append("<p>" + esc(_("Accepted name: {accepted} ({name} is a synonym)").format(
            accepted=found.synonym_of, name=found.query)) + "</p>")
    if found.names_en:
        parts.append(f"<p>{esc(found.names_en)}</p>")
    appendix = " / ".join(_("not listed (NC)") if p == "NC" else p
                          for p in found.listing.split("/"))
    if found.covered_by:
        level = _("covered by {rank} {name}").format(rank=rank_name(found.level),
                                                     name=found.covered_by)
    else:
        level = rank_name(found.level)
    parts.append("<p><b>" + esc(_("Appendix: {listing}").format(listing=appendix)) + "</b><br>"
                 + esc(_("Listed as: {level}").format(level=level)) + "</p>")
    if found.annotation:
        parts.append("<p>" + esc(_("Annotation: {text}").format(text=found.annotation))
                     + "</p>")
    parts.append("<p style='background:#fff3cd'>" + esc(date) + "<br><small>"
                 + esc(_("Checklist entry: no identification material.")) + " "
                 + esc(ACKNOWLEDGEMENT) + "</small></p>")
    return "".join(parts)


class IdentifyPage(QWidget):
    open_species = Signal(str)             # species uuid
    compare_requested = Signal(str, str)   # species uuid, lookalike uuid

    def __init__(self, ctx: AppContext, thumbnails: ThumbnailCache) -> None:
        super().__init__()
        self.ctx = ctx
        self.thumbnails = thumbnails
        self.key = ctx.store.identify.key()
        self.session = idkey.Session(self.key)
        self.infos: dict[str, CharacterInfo] = {}
        self.summaries: dict[str, SpeciesSummary] = {}
        self.evaluation: idkey.Evaluation | None = None
        self.items_by_sha: dict[str, list[QListWidgetItem]] = {}
        self.state_icons: dict[str, QIcon] = {}

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.undo_button = QPushButton()
        self.reset_button = QPushButton()
        self.tolerance = QCheckBox()
        self.country_label = QLabel()
        self.country = QComboBox()
        self.country_label.setBuddy(self.country)
        self.experts_button = QPushButton()
        self.checklist_button = QPushButton()
        self.checklist_note = QLabel(wordWrap=True)
        self.checklist_note.setObjectName("checklistDate")

        self.characters_label = QLabel(wordWrap=True)
        self.characters = QListWidget()
        self.characters.setObjectName("keyCharacters")
        self.characters.setWordWrap(True)
        self.characters_label.setBuddy(self.characters)
        self.states_label = QLabel(wordWrap=True)
        self.states = QListWidget()
        self.states.setObjectName("keyStates")
        self.states.setIconSize(QSize(48, 36))
        self.states.setWordWrap(True)
        self.number = QLineEdit()
        self.number.setObjectName("keyNumber")
        self.skip_button = QPushButton()

        self.candidates_label = QLabel()
        self.candidates = QListWidget()
        self.candidates.setObjectName("keyCandidates")
        self.candidates.setIconSize(QSize(THUMB, THUMB))
        self.candidates.setWordWrap(True)
        self.candidates_label.setBuddy(self.candidates)
        self.discarded_label = QLabel()
        self.discarded = QListWidget()
        self.discarded.setObjectName("keyDiscarded")
        self.discarded.setWordWrap(True)
        self.discarded_label.setBuddy(self.discarded)

        self.lookup_label = QLabel(wordWrap=True)
        self.lookup = QLineEdit()
        self.lookup.setObjectName("checklistLookup")
        self.lookup.setClearButtonEnabled(True)
        self.lookup_label.setBuddy(self.lookup)
        self.result = QTextBrowser()
        self.result.setObjectName("keyResult")
        self.result.setOpenLinks(False)
        self.result.anchorClicked.connect(self._link)
        self.open_button = QPushButton()
        self.compare_button = QPushButton()
        self.lookalike = QComboBox()

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        # Wraps under itself when a long title and a large text size leave no room.
        top.addWidget(button_row(self.country_label, self.country, self.experts_button,
                                 self.checklist_button))
        # Undo and start again act on the answers: they sit under the questions, which
        # also keeps the top row within 1366 px at larger text sizes.
        key_buttons = button_row(self.undo_button, self.reset_button)
        left = QWidget()
        lcol = QVBoxLayout(left)
        lcol.setContentsMargins(0, 0, 0, 0)
        lcol.addWidget(self.characters_label)
        lcol.addWidget(self.characters, 3)
        lcol.addWidget(self.states_label)
        lcol.addWidget(self.states, 2)
        lcol.addWidget(self.number)
        lcol.addWidget(self.skip_button)
        lcol.addWidget(self.tolerance)
        lcol.addWidget(key_buttons)
        middle = QWidget()
        mcol = QVBoxLayout(middle)
        mcol.setContentsMargins(0, 0, 0, 0)
        mcol.addWidget(self.candidates_label)
        mcol.addWidget(self.candidates, 3)
        mcol.addWidget(self.discarded_label)
        mcol.addWidget(self.discarded, 2)
        right = QWidget()
        rcol = QVBoxLayout(right)
        rcol.setContentsMargins(0, 0, 0, 0)
        rcol.addWidget(self.lookup_label)
        rcol.addWidget(self.lookup)
        rcol.addWidget(self.checklist_note)
        rcol.addWidget(self.result, 1)
        # The lookalike to compare with on its own line, the buttons under it (they
        # wrap in a narrow column).
        rcol.addWidget(self.lookalike)
        rcol.addWidget(button_row(self.open_button, self.compare_button))
        splitter = QSplitter()
        for column in (left, middle, right):
            splitter.addWidget(column)
        for i, stretch in enumerate((3, 3, 4)):
            splitter.setStretchFactor(i, stretch)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.characters.currentRowChanged.connect(lambda _row: self._show_states())
        self.characters.itemActivated.connect(lambda _item: self._enter_states())
        self.states.itemActivated.connect(self._answer_state)
        self.number.returnPressed.connect(self._answer_number)
        self.skip_button.clicked.connect(self.skip_current)
        self.undo_button.clicked.connect(self.undo)
        self.reset_button.clicked.connect(self.reset)
        self.tolerance.toggled.connect(self._tolerance_changed)
        self.country.currentIndexChanged.connect(self._country_changed)
        self.candidates.currentRowChanged.connect(lambda _row: self._show_result())
        self.candidates.itemActivated.connect(lambda _item: self.open_card())
        self.lookup.returnPressed.connect(self._lookup)
        self.lookup.textChanged.connect(self._lookup_edited)
        self.open_button.clicked.connect(self.open_card)
        self.compare_button.clicked.connect(self.compare)
        thumbnails.ready.connect(self._thumbnail_ready)
        self.experts_button.clicked.connect(self.edit_experts)
        self.checklist_button.clicked.connect(self.choose_checklist)
        ctx.session_changed.connect(self._session_changed)
        for keys, slot in ((QKeySequence.StandardKey.Undo, self.undo),
                           ("Ctrl+R", self.reset), ("Ctrl+L", self._focus_lookup),
                           ("Ctrl+K", self._focus_candidates), ("Ctrl+M", self.compare),
                           ("Ctrl+O", self.open_card)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        skip = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.characters)
        skip.setContext(Qt.ShortcutContext.WidgetShortcut)
        skip.activated.connect(self.skip_current)
        ctx.language_changed.connect(self.retranslate)
        ctx.when_changed(self, self._data_changed, "key_characters", "key_states",
                         "key_codings", "key_not_separable", "species", "experts")
        self.retranslate()
        self.characters.setFocus()

    # -- texts -------------------------------------------------------------------------

    def retranslate(self) -> None:
        lang = i18n.current_language()
        self.infos = {c.id: c for c in self.ctx.store.identify.characters(lang)}
        self.summaries = {s.slug: s for s in self.ctx.store.species.all(lang)}
        self.state_icons.clear()
        self.title.setText(_("Identify a seized item"))
        self.undo_button.setText(_("&Undo (Ctrl+Z)"))
        self.reset_button.setText(_("Start &again (Ctrl+R)"))
        self.tolerance.setText(_("&Allow one mismatch"))
        self.tolerance.setToolTip(_("Features on worn or processed items are unreliable: "
                                    "keep species that miss one answer."))
        self.country_label.setText(_("C&ountry:"))
        self.characters_label.setText(_("&Questions (best first; Enter to answer, Del if "
                                        "unknown)"))
        self.skip_button.setText(_("&Skip: cannot tell (Del)"))
        self.experts_button.setText(_("&Experts…"))
        self.checklist_button.setText(_("Import c&hecklist…"))
        self._session_changed()
        self.lookup_label.setText(_("Is it CITES-&listed? A scientific name, then Enter"))
        self.lookup.setPlaceholderText(_("e.g. Saiga tatarica, Dendrobium nobile"))
        self.open_button.setText(_("Open &card (Ctrl+O)"))
        self.compare_button.setText(_("Co&mpare (Ctrl+M)"))
        self.number.setPlaceholderText(_("A number or a range such as 90-120, then Enter"))
        fill_countries(self.country, self.ctx.store)
        self.refresh()

    def _session_changed(self) -> None:
        trainer = self.ctx.trainer_unlocked
        self.experts_button.setVisible(trainer)
        self.checklist_button.setVisible(trainer)

    def edit_experts(self) -> None:
        from idtrainer.gui.experts import ExpertsDialog

        ExpertsDialog(self.ctx, self).exec()

    def choose_checklist(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from idtrainer.gui.experts import import_checklist

        name, _filter = QFileDialog.getOpenFileName(
            self, _("Import the CITES checklist"), "",
            _("Index of CITES Species (*.csv *.csv.gz)"))
        if name:
            import_checklist(self, self.ctx, Path(name), lambda _result: self.retranslate())

    def _data_changed(self) -> None:
        self.key = self.ctx.store.identify.key()
        answers = [a for a in self.session.answers.values() if a.character in self.key.characters]
        self.session = idkey.Session(self.key, tolerance=self.session.tolerance)
        for a in answers:
            self.session.answer(a)
        self.retranslate()

    # -- the key -----------------------------------------------------------------------

    def refresh(self) -> None:
        store = self.ctx.store
        count = store.checklist.count()
        date = checklist_date_text(store.checklist.date(), store.checklist.is_current())
        self.checklist_note.setText(date if not count else _("{date} · {n} taxa").format(
            date=date, n=i18n.format_number(count)))
        current = self._current_character()
        self.evaluation = ev = self.session.evaluate()
        self._fill_characters(ev, current)
        self._fill_candidates(ev)
        self._fill_discarded(ev)
        self._show_states()
        self._show_result()
        self.undo_button.setEnabled(bool(self.session.history))

    def _answer_text(self, character: str) -> str:
        answer = self.session.answers.get(character)
        if answer is None:
            return ""
        if answer.low is not None and answer.high is not None:
            if answer.low == answer.high:
                return i18n.format_number(answer.low)
            return f"{i18n.format_number(answer.low)}–{i18n.format_number(answer.high)}"
        info = self.infos.get(character)
        return ", ".join(info.state_text(s) if info else s for s in sorted(answer.states))

    def _ordered(self, ev: idkey.Evaluation) -> list[str]:
        """Best questions first, then answered and skipped ones, then the rest that apply
        to the item in hand (they would not split the candidates now)."""
        best = [q.character for q in ev.best]
        item = self.session.answers.get(idkey.ITEM)
        held = next(iter(item.states)) if item and len(item.states) == 1 else None
        done = [*self.session.answers, *self.session.skipped]
        rest = [c for c in self.infos if c not in best and c not in done and (
            c == idkey.ITEM or (held is not None and (
                not self.infos[c].items or held in self.infos[c].items)))]
        return best + rest + [c for c in done if c in self.infos]

    def _fill_characters(self, ev: idkey.Evaluation, keep: str | None) -> None:
        self.characters.blockSignals(True)
        self.characters.clear()
        best = ev.best[0].character if ev.best else None
        for cid in self._ordered(ev):
            info = self.infos[cid]
            text = str(info.name or cid)
            if cid in self.session.answers:
                text = f"✔ {text}: {self._answer_text(cid)}"
            elif cid in self.session.skipped:
                text = "– " + _("{question}: skipped").format(question=text)
            elif cid == best:
                text = "★ " + _("{question} (best next question)").format(question=text)
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, cid)
            self.characters.addItem(item)
        rows = [self.characters.item(i).data(ID_ROLE) for i in range(self.characters.count())]
        target = best if best in rows else keep if keep in rows else (rows[0] if rows else None)
        self.characters.setCurrentRow(rows.index(target) if target in rows else -1)
        self.characters.blockSignals(False)

    def _current_character(self) -> str | None:
        item = self.characters.currentItem()
        return item.data(ID_ROLE) if item else None

    def _show_states(self) -> None:
        cid = self._current_character()
        info = self.infos.get(cid or "")
        self.states.clear()
        numeric = bool(info and info.kind == "numeric")
        self.states.setVisible(not numeric)
        self.number.setVisible(numeric)
        self.skip_button.setEnabled(info is not None)
        if info is None:
            self.states_label.setText("")
            return
        self.states_label.setText(_("Answers to “{question}”:").format(question=info.name))
        if numeric:
            self.number.setText(self._answer_text(info.id).replace("–", "-"))
            return
        answer = self.session.answers.get(info.id)
        for s in info.states:
            item = QListWidgetItem(str(s.text or s.id))
            item.setData(ID_ROLE, s.id)
            if s.media_uuid:
                item.setIcon(self._state_icon(s.media_uuid))
            self.states.addItem(item)
            if answer is not None and s.id in answer.states:
                self.states.setCurrentItem(item)
        if self.states.currentRow() < 0 and self.states.count():
            self.states.setCurrentRow(0)

    def _state_icon(self, media_uuid: str) -> QIcon:
        if media_uuid not in self.state_icons:
            media = self.ctx.store.media.get(media_uuid, i18n.current_language())
            image = render(media.path, media.mime, QSize(96, 72)) if media else QImage()
            self.state_icons[media_uuid] = (QIcon(QPixmap.fromImage(image))
                                            if not image.isNull() else placeholder())
        return self.state_icons[media_uuid]

    def _enter_states(self) -> None:
        info = self.infos.get(self._current_character() or "")
        if info is None:
            return
        (self.number if info.kind == "numeric" else self.states).setFocus()

    def _answer_state(self, item: QListWidgetItem) -> None:
        cid = self._current_character()
        if cid is None:
            return
        self.session.answer(idkey.Answer.state(cid, item.data(ID_ROLE)))
        self.refresh()
        self.characters.setFocus()

    def _answer_number(self) -> None:
        cid = self._current_character()
        text = self.number.text().strip().replace("–", "-").replace(",", ".")
        low, _sep, high = text.partition("-")
        try:
            answer = idkey.Answer.value(cid or "", float(low), float(high) if high else None)
        except ValueError:
            self.states_label.setText(_("Give a number or a range such as 90-120."))
            return
        self.session.answer(answer)
        self.refresh()
        self.characters.setFocus()

    def skip_current(self) -> None:
        cid = self._current_character()
        if cid is not None:
            self.session.skip(cid)
            self.refresh()
            self.characters.setFocus()

    def answer(self, character: str, state: str) -> None:
        """Answer programmatically (the CLI's ids): for scripts and tests."""
        self.session.answer(idkey.Answer.state(character, state))
        self.refresh()

    def undo(self) -> None:
        if self.session.undo():
            self.refresh()

    def reset(self) -> None:
        self.session.reset()
        self.lookup.clear()
        self.refresh()
        self.characters.setFocus()

    def _tolerance_changed(self, on: bool) -> None:
        self.session.tolerance = 1 if on else 0
        self.refresh()

    def _country_changed(self) -> None:
        code = self.country.currentData()
        if code:
            self.ctx.store.experts.set_country(code)
        self._show_result()

    # -- candidates --------------------------------------------------------------------

    def _name(self, slug: str) -> str:
        s = self.summaries.get(slug)
        if s is None:
            return slug
        return f"{s.name or s.scientific_name} ({s.scientific_name})"

    def _fill_candidates(self, ev: idkey.Evaluation) -> None:
        keep = self.candidate()
        self.candidates.blockSignals(True)
        self.candidates.clear()
        self.items_by_sha.clear()
        for c in ev.candidates:
            s = self.summaries.get(c.taxon)
            text = self._name(c.taxon)
            if s is not None:
                text += "\n" + labels.listing_text(s.appendix, s.checked_on, s.to_verify)
            if c.mismatches:
                text += "\n" + _("Does not fit: {questions}").format(
                    questions=", ".join(str(self.infos[m].name) for m in c.mismatches))
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, c.taxon)
            item.setIcon(self._thumbnail(s))
            self.candidates.addItem(item)
        slugs = [c.taxon for c in ev.candidates]
        self.candidates.setCurrentRow(slugs.index(keep) if keep in slugs else 0)
        self.candidates.blockSignals(False)
        n, total = len(ev.candidates), len(self.key.taxa)
        self.candidates_label.setText(_("&Candidates: {n} of {total}").format(
            n=i18n.format_number(n), total=i18n.format_number(total)))

    def _thumbnail(self, s: SpeciesSummary | None) -> QIcon:
        if s is None or not s.thumbnail:
            return placeholder()
        image = self.thumbnails.get(s.thumbnail, self.ctx.store.media.path_for(s.thumbnail),
                                    s.thumbnail_mime or "")
        if image is None:
            self.items_by_sha.setdefault(s.thumbnail, [])
            return placeholder()
        return QIcon(QPixmap.fromImage(image))

    def _thumbnail_ready(self, sha256: str) -> None:
        if sha256 in self.items_by_sha:
            self._fill_candidates(self.evaluation or self.session.evaluate())

    def _fill_discarded(self, ev: idkey.Evaluation) -> None:
        self.discarded.clear()
        for taxon, missed in sorted(ev.discarded.items(), key=lambda x: self._name(x[0])):
            why = "; ".join(f"{self.infos[m].name}: {self._answer_text(m)}" for m in missed)
            item = QListWidgetItem(_("{species} — excluded by {answers}").format(
                species=self._name(taxon), answers=why))
            item.setData(ID_ROLE, taxon)
            self.discarded.addItem(item)
        self.discarded_label.setText(_("E&xcluded, and why: {n}").format(
            n=i18n.format_number(len(ev.discarded))))

    def candidate(self) -> str | None:
        item = self.candidates.currentItem()
        return item.data(ID_ROLE) if item else None

    def _focus_candidates(self) -> None:
        self.candidates.setFocus()

    def _focus_lookup(self) -> None:
        self.lookup.setFocus()
        self.lookup.selectAll()

    # -- the result --------------------------------------------------------------------

    def _show_result(self) -> None:
        slug = self.candidate()
        s = self.summaries.get(slug or "")
        self.lookalike.clear()
        self.open_button.setEnabled(s is not None)
        if s is None:
            self.result.setHtml("<p>" + esc(_("No candidate is left. Undo an answer, or allow "
                                              "one mismatch.")) + "</p>")
            self.compare_button.setEnabled(False)
            return
        lang = i18n.current_language()
        card = self.ctx.store.species.card(s.uuid, lang)
        parts = [f"<h2>{esc(s.name or s.scientific_name)}</h2><p><i>{esc(s.scientific_name)}"
                 "</i></p>"]
        listing = card.listing if card else None
        shown = labels.listing_text(listing.appendix if listing else None,
                                    listing.checked_on if listing else None,
                                    listing.to_verify if listing else False)
        parts.append(f"<p><b>{esc(shown)}</b>")
        if listing and listing.annotation:
            parts.append(f"<br>{esc(listing.annotation)}")
        parts.append("</p>")
        ev = self.evaluation
        for record in ev.not_separable if ev else []:
            if slug in record.taxa:
                reason = self.ctx.store.identify.reason(record.id, lang)
                others = ", ".join(self._name(t) for t in sorted(record.taxa) if t != slug)
                parts.append("<p style='background:#fff3cd'><b>" + esc(
                    _("The key cannot tell this from: {species}").format(species=others))
                    + "</b><br>" + esc(reason) + "</p>")
        country = self.ctx.store.experts.country()
        parts.append("<h3>" + esc(_("Whom to call")) + "</h3>")
        if country is None:
            parts.append("<p>" + esc(_("Set this laptop's country above to see its "
                                       "authorities.")) + "</p>")
        parts.append(expert_html(self.ctx.store.experts.for_species(s.slug, country)))
        if card and (todo := card.texts.get("what_to_do")):
            parts.append("<h3>" + esc(_("What to do")) + "</h3>")
            parts.extend(f"<p>{esc(p)}</p>" for p in str(todo).split("\n\n") if p.strip())
        for other_uuid in self.ctx.store.identify.lookalikes(s.uuid):
            other = self.ctx.store.species.summary(other_uuid, lang)
            if other is not None:
                self.lookalike.addItem(str(other.name or other.scientific_name), other_uuid)
        if card and card.lookalikes:
            items = []
            for lk in card.lookalikes:
                title = esc(lk.label)
                if lk.other_species_uuid:
                    other = self.ctx.store.species.summary(lk.other_species_uuid, lang)
                    title = esc(other.name or other.scientific_name) if other else title
                    title = f'<a href="compare:{lk.other_species_uuid}">{title}</a>'
                items.append(f"<li><b>{title}</b>: {esc(lk.points)}</li>")
            parts.append("<h3>" + esc(_("Lookalikes")) + f"</h3><ul>{''.join(items)}</ul>")
        store = self.ctx.store
        if store.checklist.count():
            # The curated listing above is checked by people; the imported checklist may
            # be older or newer: show both, each with its date.
            date = checklist_date_text(store.checklist.date(), store.checklist.is_current())
            parts.append("<h3>" + esc(_("In the imported CITES checklist")) + "</h3>"
                         + listing_html(store.checklist.lookup(s.scientific_name),
                                        s.scientific_name, date))
        self.compare_button.setEnabled(self.lookalike.count() > 0)
        self.lookalike.setVisible(self.lookalike.count() > 0)
        self.result.setHtml("".join(parts))

    def _lookup_edited(self, text: str) -> None:
        if not text:
            self._show_result()

    def look_up(self, name: str) -> None:
        self.lookup.setText(name)
        self._lookup()

    def _lookup(self) -> None:
        name = self.lookup.text().strip()
        if not name:
            self._show_result()
            return
        store = self.ctx.store
        date = checklist_date_text(store.checklist.date(), store.checklist.is_current())
        if not store.checklist.count():
            self.result.setHtml("<p>" + esc(_(
                "No checklist imported. A trainer imports the Index of CITES Species from "
                "its CSV file.")) + "</p>")
            return
        found = store.checklist.lookup(name)
        body = listing_html(found, name, date)
        country = store.experts.country()
        body += "<h3>" + esc(_("Whom to call")) + "</h3>" + expert_html(
            store.experts.all(country))
        self.result.setHtml(body)

    def _link(self, url) -> None:
        if url.scheme() == "compare" and (slug := self.candidate()):
            s = self.summaries.get(slug)
            if s is not None:
                self.compare_requested.emit(s.uuid, url.path())

    def open_card(self) -> None:
        s = self.summaries.get(self.candidate() or "")
        if s is not None:
            self.open_species.emit(s.uuid)

    def compare(self) -> None:
        s = self.summaries.get(self.candidate() or "")
        other = self.lookalike.currentData()
        if s is not None and other:
            self.compare_requested.emit(s.uuid, other)
