"""Pieces the species and question editors share: a translated field with one input per
content language, a list of rows that can be added and removed, the live problems list,
the Save / Undo / Redo / Delete bar, and the one authoring session per window.

Every input says when it changed (``changed``), so the editor can check the draft the
moment the author types (core/authoring.py applies the rules of ``content load``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n
from idtrainer.core.authoring import (
    AuthoringError,
    AuthoringSession,
    Edit,
    Problem,
    Reference,
    RowEdit,
    Words,
)
from idtrainer.core.i18n import N_
from idtrainer.core.i18n import gettext as _
from idtrainer.core.languages import authored
from idtrainer.gui.context import AppContext

_sessions: weakref.WeakKeyDictionary[AppContext, AuthoringSession] = weakref.WeakKeyDictionary()


def session_for(ctx: AppContext) -> AuthoringSession:
    """The editing session of this window: one per trainer unlock, so undo covers both
    tabs and the sync history gets one "content edited" line. Raises
    :class:`AuthoringError` outside trainer mode."""
    session = _sessions.get(ctx)
    if session is None or not ctx.trainer_unlocked:
        session = AuthoringSession(ctx.store, trainer_unlocked=ctx.trainer_unlocked)
        _sessions[ctx] = session

        def forget() -> None:
            if not ctx.trainer_unlocked:
                _sessions.pop(ctx, None)

        ctx.session_changed.connect(forget)
    return session


def narrow_combo(combo: QComboBox) -> None:
    """A combo box that does not widen the form to its longest entry."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(16)


def choose_species(parent: QWidget, ctx: AppContext, chosen: list[str]) -> list[str] | None:
    """Species picked by name (any language) from a searchable list; their ids, or None
    when the author cancels. Ids typed that are not in the course stay chosen, so the
    check still names them."""
    from PySide6.QtWidgets import QDialog

    from idtrainer.core import i18n
    from idtrainer.gui.quiz_builder import search_dialog

    lang = i18n.current_language()
    dialog, search, listing = search_dialog(parent, _("Linked species"),
                                            _("Search by name in any language"), 560)
    known = ctx.store.species.all(lang)
    for s in known:
        item = QListWidgetItem(f"{s.name.value if s.name else s.scientific_name} "
                               f"({s.scientific_name}) · {s.slug}")
        item.setData(Qt.ItemDataRole.UserRole, s.slug)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if s.slug in chosen
                           else Qt.CheckState.Unchecked)
        listing.addItem(item)

    def search_for(text: str) -> None:
        hits = {h.slug for h in ctx.store.species.search(text, lang)} if text.strip() else None
        for i in range(listing.count()):
            item = listing.item(i)
            item.setHidden(hits is not None and item.data(Qt.ItemDataRole.UserRole) not in hits)

    search.textChanged.connect(search_for)
    parent.species_dialog = dialog  # type: ignore[attr-defined]  # tests drive it
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    picked = [listing.item(i).data(Qt.ItemDataRole.UserRole) for i in range(listing.count())
              if listing.item(i).checkState() == Qt.CheckState.Checked]
    slugs = {s.slug for s in known}
    return [*picked, *(c for c in chosen if c not in slugs)]


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class WordsField(QWidget):
    """One translated field: an input per content language (en, ru, kk, uz)."""

    changed = Signal()

    def __init__(self, multiline: bool = False) -> None:
        super().__init__()
        # As tall as its inputs: a scrolling form must not squeeze the languages.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        self.inputs: dict[str, QLineEdit | QPlainTextEdit] = {}
        for row, loc in enumerate(authored()):
            edit: QLineEdit | QPlainTextEdit
            if multiline:
                edit = QPlainTextEdit()
                edit.setFixedHeight(56)
                edit.setTabChangesFocus(True)
                edit.textChanged.connect(self.changed)
            else:
                edit = QLineEdit()
                edit.textChanged.connect(lambda _t: self.changed.emit())
            tag = QLabel(loc)
            tag.setObjectName("muted")
            tag.setBuddy(edit)
            grid.addWidget(tag, row, 0)
            grid.addWidget(edit, row, 1)
            self.inputs[loc] = edit

    def words(self) -> Words:
        out = {}
        for loc, edit in self.inputs.items():
            text = edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()
            if text.strip():
                out[loc] = text
        return out

    def set_words(self, words: Words) -> None:
        for loc, edit in self.inputs.items():
            edit.blockSignals(True)
            if isinstance(edit, QPlainTextEdit):
                edit.setPlainText(words.get(loc, ""))
            else:
                edit.setText(words.get(loc, ""))
            edit.blockSignals(False)


class RowList(QWidget):
    """Rows the author adds and removes (features, products, options, pairs). ``make``
    builds one row widget with a ``changed`` signal."""

    changed = Signal()

    def __init__(self, make: Callable[[], QWidget], add_label: str) -> None:
        super().__init__()
        self.make = make
        self.add_label = add_label
        self.rows: list[QWidget] = []
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.column = QVBoxLayout()
        self.column.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self._add_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.column)
        layout.addWidget(self.add_button)
        self.retranslate()

    def _add_clicked(self) -> None:
        self.add()
        self.changed.emit()

    def add(self) -> QWidget:
        widget = self.make()
        widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        row = QHBoxLayout(frame)
        number = QLabel()
        remove = QPushButton("✕")
        remove.setFixedWidth(32)
        remove.setToolTip(_("Remove"))
        row.addWidget(number)
        row.addWidget(widget, 1)
        row.addWidget(remove)
        frame.number = number  # type: ignore[attr-defined]
        widget.changed.connect(self.changed)  # type: ignore[attr-defined]
        remove.clicked.connect(lambda: self.remove(widget))
        self.column.addWidget(frame)
        self.rows.append(widget)
        self._number()
        return widget

    def remove(self, widget: QWidget) -> None:
        index = self.rows.index(widget)
        self.rows.pop(index)
        item = self.column.takeAt(index)
        if item is not None and (frame := item.widget()) is not None:
            frame.hide()
            frame.deleteLater()
        self._number()
        self.changed.emit()

    def clear(self) -> None:
        while self.rows:
            self.rows.pop()
            item = self.column.takeAt(len(self.rows))
            if item is not None and (frame := item.widget()) is not None:
                frame.hide()
                frame.deleteLater()

    def _number(self) -> None:
        for i in range(self.column.count()):
            item = self.column.itemAt(i)
            if item is not None and (frame := item.widget()) is not None:
                frame.number.setText(f"{i + 1}.")  # type: ignore[attr-defined]

    def retranslate(self) -> None:
        self.add_button.setText(_(self.add_label))


class SpeciesIdBox(QComboBox):
    """A species chosen by id from the course's species, or typed (checked as typed)."""

    changed = Signal()

    def __init__(self, ids: list[str], optional: bool = True) -> None:
        super().__init__()
        self.setEditable(True)
        narrow_combo(self)
        if optional:
            self.addItem("")
        self.addItems(ids)
        self.editTextChanged.connect(lambda _t: self.changed.emit())

    def value(self) -> str:
        return self.currentText().strip()

    def set_value(self, value: str) -> None:
        self.blockSignals(True)
        self.setEditText(value)
        self.blockSignals(False)


class ProblemList(QListWidget):
    """The draft's problems, updated as the author types; warnings do not stop a save."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("problems")
        self.setMaximumHeight(96)

    def show_problems(self, problems: list[Problem]) -> None:
        self.clear()
        if not problems:
            self.addItem(QListWidgetItem("✓ " + _("No problems: ready to save.")))
        for p in problems:
            mark = "✕" if p.blocking else "⚠"
            self.addItem(QListWidgetItem(f"{mark} {p.field}: {p.reason}"))

    def texts(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]


class EditBar(QWidget):
    """New, Save, Undo, Redo, Delete."""

    LABELS = (("new", N_("New")), ("save", N_("Save")), ("undo", N_("Undo")),
              ("redo", N_("Redo")), ("delete", N_("Delete…")))

    def __init__(self) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        for key, _label in self.LABELS:
            button = QPushButton()
            self.buttons[key] = button
            row.addWidget(button)
            if key == "save":
                button.setDefault(True)
        row.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        for key, label in self.LABELS:
            self.buttons[key].setText(_(label))

    def add_shortcuts(self, tab: QWidget) -> None:
        """Ctrl+S saves while the tab has the focus (nothing while Save is disabled)."""
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), tab)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.buttons["save"].click)


def confirm_delete(parent: QWidget, what: str, references: list[Reference]) -> bool:
    """Ask before deleting; say what points at the item, if anything does."""
    answer = QMessageBox.question(parent, _("Delete"), delete_prompt(what, references))
    return answer == QMessageBox.StandardButton.Yes


def delete_prompt(what: str, references: list[Reference]) -> str:
    """The question :func:`confirm_delete` asks."""
    if references:
        lines = "\n".join(f"• {r.label}" for r in references[:15])
        more = len(references) - 15
        if more > 0:
            lines += "\n" + _("… and {n} more").format(n=more)
        text = _("Delete {what}? These point at it and will lose it:\n{lines}").format(
            what=what, lines=lines)
    else:
        text = _("Delete {what}? Nothing else points at it.").format(what=what)
    return text


def report(parent: QWidget, exc: AuthoringError) -> None:
    QMessageBox.warning(parent, _("Course authoring"), str(exc))


class DraftHandlers:
    """Save, undo, redo and delete for a tab that edits one kind of item (``KIND``) through
    the authoring session; the tab gives ``collect``, ``show_draft``, ``new``, ``refresh``,
    ``_check`` and the session's load and save for its kind."""

    KIND = ""
    ctx: AppContext
    draft: Any

    @property
    def session(self) -> AuthoringSession:
        return session_for(self.ctx)

    def collect(self) -> Any: ...
    def show_draft(self, draft: Any) -> None: ...
    def new(self) -> None: ...
    def refresh(self) -> None: ...
    def _check(self) -> None: ...
    def _load(self, uuid: str) -> Any: ...
    def _save(self, draft: Any) -> None: ...

    def build_frame(self, left: QWidget, form: QWidget) -> None:
        """The editor's frame: the item list (``left``) beside the form in a scroll area,
        above it the state line, below it the live problems and the Save / Undo / Redo /
        Delete bar wired to this tab (``problems``, ``bar``, ``state``)."""
        tab = cast(QWidget, self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form)
        self.problems = ProblemList()
        self.bar = EditBar()
        for key, slot in (("new", self.new), ("save", self.save), ("undo", self.undo),
                          ("redo", self.redo), ("delete", self.delete)):
            self.bar.buttons[key].clicked.connect(slot)
        self.bar.add_shortcuts(tab)
        self.state = QLabel()
        self.state.setObjectName("muted")
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.state)
        column.addWidget(scroll, 1)
        column.addWidget(self.problems)
        column.addWidget(self.bar)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([260, 900])
        QHBoxLayout(tab).addWidget(splitter)

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.open_item(self.KIND, item.data(Qt.ItemDataRole.UserRole))

    def open_item(self, kind: str, uuid: str) -> None:
        """Show one item in the editor (other tabs may send the author here)."""
        try:
            self.show_draft(self._load(uuid))
        except AuthoringError as exc:
            report(cast(QWidget, self), exc)

    def save(self) -> None:
        draft = self.collect()
        try:
            self._save(draft)
        except AuthoringError as exc:
            report(cast(QWidget, self), exc)
            return
        self.show_draft(self._load(draft.uuid or ""))
        self.refresh()

    def undo(self) -> None:
        self._after(self.session.undo())

    def redo(self) -> None:
        self._after(self.session.redo())

    def _after(self, edit: Edit | RowEdit | None) -> None:
        if edit is not None and edit.kind == self.KIND:
            try:  # the item as it is after the step, or a new one if the step removed it
                self.show_draft(self._load(edit.uuid))
            except AuthoringError:
                self.new()
        self.refresh()
        self._check()

    def delete(self) -> None:
        uuid = self.draft.uuid
        if uuid is None:
            return
        refs = self.session.references(self.KIND, uuid, i18n.current_language())
        if not confirm_delete(cast(QWidget, self), self.draft.slug, refs):
            return
        self.session.delete(self.KIND, uuid)
        self.new()
        self.refresh()
