"""The Lessons tab: the course's modules and lessons, a Markdown editor with a live preview
rendered as Learn renders it, and pickers that insert pictures and species links.

Every change goes through :class:`~idtrainer.core.authoring_lessons.LessonAuthoring`, as a
step of the window's authoring session (core/authoring.py): Undo and Redo take saved
texts, new, moved and deleted modules and lessons back and forth, like an edit on the
other tabs. The editor's own Ctrl+Z undoes typing that is not saved yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QIcon, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n
from idtrainer.core.authoring import AuthoringSession, Edit, RowEdit
from idtrainer.core.authoring_lessons import Draft, LessonAuthoring, suggest_slug
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.i18n import ngettext
from idtrainer.core.languages import authored
from idtrainer.core.translit import fold
from idtrainer.gui.authoring.editing import session_for
from idtrainer.gui.context import AppContext
from idtrainer.gui.forms import FormDialog
from idtrainer.gui.learn import LessonBrowser

T = TypeVar("T")
ITEM_ROLE = Qt.ItemDataRole.UserRole
PREVIEW_DELAY_MS = 250


def status_name(status: str) -> str:
    return {"draft": _("draft"), "machine": _("machine"), "reviewed": _("reviewed"),
            "missing": _("untranslated")}.get(status, status)


class PickerDialog(QDialog):
    """A searchable list of choices (text, value, optional icon); ``chosen()`` after OK."""

    def __init__(self, parent: QWidget, title: str, choices: list[tuple[str, str, QIcon | None]],
                 icon_size: int = 0) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search"))
        self.search.textChanged.connect(self._filter)
        self.listing = QListWidget()
        if icon_size:
            self.listing.setIconSize(QSize(icon_size, icon_size))
        for text, value, icon in choices:
            item = QListWidgetItem(text)
            item.setData(ITEM_ROLE, value)
            item.setData(ITEM_ROLE + 1, fold(text))
            if icon is not None:
                item.setIcon(icon)
            self.listing.addItem(item)
        self.listing.itemDoubleClicked.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        for w in (self.search, self.listing, buttons):
            column.addWidget(w)
        self.resize(640, 560)

    def _filter(self, text: str) -> None:
        words = fold(text).split()
        for row in range(self.listing.count()):
            item = self.listing.item(row)
            hay = item.data(ITEM_ROLE + 1)
            item.setHidden(not all(w in hay for w in words))

    def chosen(self) -> str | None:
        item = self.listing.currentItem()
        return None if item is None or item.isHidden() else item.data(ITEM_ROLE)

    def choose(self, value: str) -> None:
        for row in range(self.listing.count()):
            if self.listing.item(row).data(ITEM_ROLE) == value:
                self.listing.setCurrentRow(row)


class NewItemDialog(FormDialog):
    """A title and an id (suggested from the title) for a new module or lesson."""

    def __init__(self, parent: QWidget, title: str, create) -> None:
        super().__init__(parent, title, self._ok, hint=_(
            "The id names the item in files and on every laptop and cannot be changed "
            "later; the title can."))
        self.make = create
        self.created: str | None = None
        self.title_field = QLineEdit()
        self.slug_field = QLineEdit()
        self._slug_edited = False
        self.title_field.textChanged.connect(self._suggest)
        self.slug_field.textEdited.connect(lambda _t: setattr(self, "_slug_edited", True))
        self.form.addRow(_("&Title:"), self.title_field)
        self.form.addRow(_("&Id:"), self.slug_field)

    def _suggest(self, title: str) -> None:
        if not self._slug_edited:
            self.slug_field.setText(suggest_slug(title))

    def _ok(self) -> None:
        try:
            self.created = self.make(self.slug_field.text(), self.title_field.text())
        except IDTrainerError as exc:  # a bad id or title; trainer mode locked meanwhile
            self.error.setText(str(exc))
            return
        self.accept()


class LessonsTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.core = LessonAuthoring(ctx.store)
        self.current: tuple[str, str] | None = None   # (kind, uuid) in the editor
        self.saved: tuple[str, str] = ("", "")        # title and body as last loaded/saved
        self.draft: Draft | None = None
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setObjectName("authoringLessons")
        self.tree.currentItemChanged.connect(self._picked)
        self.new_module = QPushButton()
        self.new_module.clicked.connect(self.add_module)
        self.new_lesson = QPushButton()
        self.new_lesson.clicked.connect(self.add_lesson)
        self.up = QPushButton("▲")
        self.down = QPushButton("▼")
        self.up.clicked.connect(lambda: self.move_item(-1))
        self.down.clicked.connect(lambda: self.move_item(1))
        self.delete_button = QPushButton()
        self.delete_button.clicked.connect(self.delete)
        self.undo_button, self.redo_button = QPushButton(), QPushButton()
        self.undo_button.setObjectName("lessonsUndo")
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)

        self.language = QComboBox()
        for loc in authored():
            self.language.addItem(i18n.language_name(loc), loc)
        lang = i18n.current_language()
        self.language.setCurrentIndex(authored().index(lang) if lang in authored() else 0)
        self.language.currentIndexChanged.connect(self._language_picked)
        self.language_label = QLabel()
        self.title_label = QLabel()
        self.title_edit = QLineEdit()
        self.title_edit.textChanged.connect(self._edited)
        self.picture_button = QPushButton()
        self.picture_button.clicked.connect(self.pick_picture)
        self.species_button = QPushButton()
        self.species_button.clicked.connect(self.pick_species)
        self.features_button = QPushButton()
        self.features_button.clicked.connect(self.pick_features)
        self.save_button = QPushButton()
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.problems = QLabel(wordWrap=True)
        self.problems.setObjectName("error")
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("markdownEditor")
        self.editor.textChanged.connect(self._edited)
        self.preview = LessonBrowser(ctx)
        self.preview.setObjectName("lessonPreview")
        self.timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self.update_preview)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.tree, 1)
        row = QHBoxLayout()
        for b in (self.new_module, self.new_lesson):
            row.addWidget(b)
        lv.addLayout(row)
        row = QHBoxLayout()
        for b in (self.up, self.down, self.delete_button):
            row.addWidget(b)
        lv.addLayout(row)
        row = QHBoxLayout()
        for b in (self.undo_button, self.redo_button):
            row.addWidget(b)
        lv.addLayout(row)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.language_label)
        top.addWidget(self.language)
        top.addWidget(self.title_label)
        top.addWidget(self.title_edit, 1)
        rv.addLayout(top)
        tools = QHBoxLayout()
        for b in (self.picture_button, self.species_button, self.features_button):
            tools.addWidget(b)
        tools.addStretch(1)
        tools.addWidget(self.status)
        tools.addWidget(self.save_button)
        rv.addLayout(tools)
        panes = QSplitter()
        panes.addWidget(self.editor)
        panes.addWidget(self.preview)
        panes.setSizes([500, 500])
        rv.addWidget(panes, 1)
        rv.addWidget(self.problems)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([330, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        ctx.when_changed(self, self._changed, "modules", "lessons", "courses", "texts")
        ctx.language_changed.connect(self.retranslate)
        self.retranslate()
        self.refresh()
        self._load()

    # -- text ------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.new_module.setText(_("New module…"))
        self.new_lesson.setText(_("New lesson…"))
        self.up.setToolTip(_("Move up"))
        self.down.setToolTip(_("Move down"))
        self.delete_button.setText(_("Delete…"))
        self.undo_button.setText(_("Undo"))
        self.redo_button.setText(_("Redo"))
        self.undo_button.setToolTip(_("Undo the last saved change of this editing session"))
        self.language_label.setText(_("Language:"))
        self.title_label.setText(_("Title:"))
        self.picture_button.setText(_("Insert picture…"))
        self.species_button.setText(_("Insert species link…"))
        self.features_button.setText(_("Insert feature list…"))
        self.save_button.setText(_("Save"))
        self.editor.setPlaceholderText(_("Write the lesson in Markdown: # heading, **bold**, "
                                         "- list items. The preview shows it as officers "
                                         "will read it."))
        for i, loc in enumerate(authored()):
            self.language.setItemText(i, i18n.language_name(loc))
        self.refresh()
        self._show_status()
        self._check()

    # -- the outline -----------------------------------------------------------------

    def edit_locale(self) -> str:
        return str(self.language.currentData())

    def refresh(self) -> None:
        keep = self.current
        self.tree.blockSignals(True)
        self.tree.clear()
        chosen = None
        for module in self.core.outline(self.edit_locale()):
            top = QTreeWidgetItem([f"{module.position}. {module.title}"])
            top.setData(0, ITEM_ROLE, ("modules", module.uuid))
            self.tree.addTopLevelItem(top)
            if keep == ("modules", module.uuid):
                chosen = top
            for lesson in module.lessons:
                child = QTreeWidgetItem([lesson.title])
                child.setData(0, ITEM_ROLE, ("lessons", lesson.uuid))
                top.addChild(child)
                if keep == ("lessons", lesson.uuid):
                    chosen = child
            top.setExpanded(True)
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        self.tree.blockSignals(False)
        if keep is not None and chosen is None:  # deleted (here or by an import)
            self.current = None
            self._load()
        self._enable()

    def _changed(self) -> None:
        """Something was written, here or elsewhere (an Undo on another tab takes this
        lesson's texts back; an import): the outline again, and the open lesson as it is
        saved now, unless the editor holds unsaved changes, which are not thrown away."""
        self.refresh()
        if self.current is None or self.dirty():
            return
        draft = self.core.draft(*self.current, self.edit_locale())
        if (draft.title, draft.body) != self.saved:
            self._load()

    def _enable(self) -> None:
        has = self.current is not None
        for w in (self.up, self.down, self.delete_button, self.title_edit, self.editor,
                  self.save_button, self.picture_button, self.species_button,
                  self.features_button):
            w.setEnabled(has)
        self.new_lesson.setEnabled(self.tree.topLevelItemCount() > 0)
        try:
            session: AuthoringSession | None = self.session
        except IDTrainerError:  # trainer mode locked
            session = None
        self.undo_button.setEnabled(session is not None and session.can_undo())
        self.redo_button.setEnabled(session is not None and session.can_redo())

    @property
    def session(self) -> AuthoringSession:
        return session_for(self.ctx)

    def _step(self, kind: str, uuid: str, action: Callable[[], T]) -> T:
        """One change through the session, so Undo can take it back."""
        return self.session.record(kind[:-1], uuid, action)   # lessons -> lesson

    def showEvent(self, event: QShowEvent) -> None:
        self._enable()
        super().showEvent(event)

    def undo(self) -> None:
        if self._may_leave():
            self._after_step(lambda: self.session.undo())

    def redo(self) -> None:
        if self._may_leave():
            self._after_step(lambda: self.session.redo())

    def _after_step(self, step: Callable[[], Edit | RowEdit | None]) -> None:
        try:
            edit = step()
        except IDTrainerError as exc:  # trainer mode locked meanwhile
            self.problems.setText(str(exc))
            return
        if edit is not None and edit.kind in ("lesson", "module"):
            self.current = (f"{edit.kind}s", edit.uuid)
        self.refresh()       # forgets the item if the step removed it
        if self.current is not None:
            self.select(*self.current)
        self._load()
        self._enable()

    def select(self, kind: str, uuid: str) -> None:
        """Show a module or lesson in the editor (and in the tree)."""
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top is None:
                continue
            for item in (top, *(top.child(j) for j in range(top.childCount()))):
                if item is not None and tuple(item.data(0, ITEM_ROLE)) == (kind, uuid):
                    self.tree.setCurrentItem(item)
                    return

    def _picked(self, item: QTreeWidgetItem | None, previous: QTreeWidgetItem | None) -> None:
        target = (str(item.data(0, ITEM_ROLE)[0]), str(item.data(0, ITEM_ROLE)[1])) \
            if item is not None else None
        if target == self.current:
            return
        if not self._may_leave():
            if previous is not None:
                self.tree.blockSignals(True)
                self.tree.setCurrentItem(previous)
                self.tree.blockSignals(False)
            return
        self.current = target
        self._load()
        self._enable()

    def _language_picked(self) -> None:
        if not self._may_leave():
            return
        self.refresh()
        self._load()

    def _may_leave(self) -> bool:
        """Unsaved changes: save them, drop them, or stay."""
        if not self.dirty():
            return True
        answer = QMessageBox.question(
            self, _("Unsaved changes"), _("Save the changes to this lesson first?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # -- the editor ------------------------------------------------------------------

    def dirty(self) -> bool:
        return self.current is not None and \
            (self.title_edit.text(), self.editor.toPlainText()) != self.saved

    def _load(self) -> None:
        if self.current is None:
            title = body = ""
            self.draft = None
        else:
            self.draft = self.core.draft(*self.current, self.edit_locale())
            title, body = self.draft.title, self.draft.body
            self.title_edit.setPlaceholderText(self.draft.title_fallback)
        self.saved = (title, body)
        self.title_edit.blockSignals(True)
        self.title_edit.setText(title)
        self.title_edit.blockSignals(False)
        self.editor.blockSignals(True)
        self.editor.setPlainText(body)
        self.editor.blockSignals(False)
        self._show_status()
        self.update_preview()

    def _show_status(self) -> None:
        draft = self.draft
        if draft is None:
            self.status.setText("")
        elif not draft.status:
            self.status.setText(_("Not yet written in this language"))
        else:
            self.status.setText(_("Status: {status}").format(status=status_name(draft.status)))
        if self.dirty():
            self.status.setText(self.status.text() + " · " + _("not saved"))

    def _edited(self) -> None:
        self._show_status()
        self.timer.start()

    def update_preview(self) -> None:
        """Render the editor's Markdown as Learn will, and show what is wrong with it."""
        self.timer.stop()
        body = self.editor.toPlainText()
        self.preview.show_lesson(body, self.edit_locale())
        self._check()

    def _check(self) -> list[str]:
        if self.current is None:
            self.problems.setText("")
            return []
        found = self.core.problems(self.title_edit.text(), self.editor.toPlainText())
        self.problems.setText("\n".join(found))
        self.save_button.setEnabled(not found)
        return found

    def save(self) -> bool:
        if self.current is None:
            return True
        kind, uuid = self.current
        title, body, locale = self.title_edit.text(), self.editor.toPlainText(), \
            self.edit_locale()
        try:
            self._step(kind, uuid, lambda: self.core.save(kind, uuid, locale, title, body))
        except IDTrainerError as exc:
            self.problems.setText(str(exc))
            return False
        self._load()
        self.refresh()
        return True

    # -- inserting -------------------------------------------------------------------

    def insert(self, text: str) -> None:
        cursor = self.editor.textCursor()
        cursor.insertText(text)
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()

    def insert_picture(self, ref: str, alt: str) -> None:
        alt = " ".join(alt.replace("[", "(").replace("]", ")").split())
        cursor = self.editor.textCursor()
        block_start = cursor.positionInBlock() == 0
        self.insert(("" if block_start else "\n\n") + f"![{alt}](species:{ref})\n\n")

    def insert_species_link(self, slug: str, name: str) -> None:
        cursor = self.editor.textCursor()
        words = cursor.selectedText() or name
        words = words.replace("[", "(").replace("]", ")")
        self.insert(f"[{words}](species:{slug})")

    def insert_features(self, slug: str) -> None:
        cursor = self.editor.textCursor()
        block_start = cursor.positionInBlock() == 0
        self.insert(("" if block_start else "\n") + f"{{{{features:{slug}}}}}\n")

    def pick_picture(self) -> None:
        from idtrainer.gui.images import render_item

        choices = self.core.picture_choices(self.edit_locale())
        icons: list[tuple[str, str, QIcon | None]] = []
        for c in choices:
            item = self.ctx.store.media.get(c.media_uuid, self.edit_locale())
            icon = QIcon(QPixmap.fromImage(render_item(item, QSize(72, 72)))) \
                if item is not None else None
            icons.append((f"{c.species_name} — {c.caption}", c.ref, icon))
        dialog = PickerDialog(self, _("Insert picture"), icons, icon_size=72)
        if dialog.exec() == QDialog.DialogCode.Accepted and (ref := dialog.chosen()):
            found = next(c for c in choices if c.ref == ref)
            self.insert_picture(ref, found.species_name)

    def _species_dialog(self, title: str) -> tuple[str, str] | None:
        choices = self.core.species_choices(self.edit_locale())
        dialog = PickerDialog(self, title, [(name, slug, None) for slug, name in choices])
        if dialog.exec() == QDialog.DialogCode.Accepted and (slug := dialog.chosen()):
            return slug, dict(choices)[slug].split(" (")[0]
        return None

    def pick_species(self) -> None:
        if found := self._species_dialog(_("Insert species link")):
            self.insert_species_link(*found)

    def pick_features(self) -> None:
        if found := self._species_dialog(_("Insert the numbered features of a species")):
            self.insert_features(found[0])

    # -- the outline's actions -------------------------------------------------------

    def _module_of_current(self) -> str | None:
        if self.current is None:
            item = self.tree.topLevelItem(0)
            return item.data(0, ITEM_ROLE)[1] if item is not None else None
        kind, uuid = self.current
        return uuid if kind == "modules" else self.core.module_of(uuid)

    def add_module(self) -> str | None:
        if not self._may_leave():
            return None
        dialog = NewItemDialog(self, _("New module"),
                               lambda slug, title: self._step(
                                   "modules", "", lambda: self.core.create_module(
                                       slug, title, self.edit_locale())))
        return self._created(dialog, "modules")

    def add_lesson(self) -> str | None:
        module = self._module_of_current()
        if module is None or not self._may_leave():
            return None
        dialog = NewItemDialog(self, _("New lesson"),
                               lambda slug, title: self._step(
                                   "lessons", "", lambda: self.core.create_lesson(
                                       module, slug, title, self.edit_locale())))
        return self._created(dialog, "lessons")

    def _created(self, dialog: NewItemDialog, kind: str) -> str | None:
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.created is None:
            return None
        self.current = None
        self.refresh()
        self.select(kind, dialog.created)
        return dialog.created

    def move_item(self, step: int) -> None:
        if self.current is not None and self._may_leave():
            kind, uuid = self.current
            try:
                self._step(kind, uuid, lambda: self.core.move(kind, uuid, step))
            except IDTrainerError as exc:
                self.problems.setText(str(exc))
            self.refresh()

    def delete(self) -> None:
        if self.current is None:
            return
        kind, uuid = self.current
        found = self.core.dependents(kind, uuid)
        if found.questions:
            QMessageBox.warning(self, _("Delete"), ngettext(
                "{n} question belongs to this module: move it to another module or delete "
                "it first.", "{n} questions belong to this module: move them to another "
                "module or delete them first.", found.questions).format(n=found.questions))
            return
        lines = [_("Delete “{title}”? Officers' laptops lose it with the next content "
                   "bundle.").format(title=self.title_edit.text() or self.saved[0])]
        if found.lessons:
            lines.append(ngettext("Its {n} lesson is deleted with it.",
                                  "Its {n} lessons are deleted with it.",
                                  found.lessons).format(n=found.lessons))
        if found.readers:
            lines.append(ngettext("{n} trainee has opened it; their progress no longer "
                                  "counts it.", "{n} trainees have opened it; their progress "
                                  "no longer counts it.", found.readers).format(n=found.readers))
        if QMessageBox.question(self, _("Delete"), "\n".join(lines)) != \
                QMessageBox.StandardButton.Yes:
            return
        try:
            self._step(kind, uuid, lambda: self.core.delete(kind, uuid))
        except IDTrainerError as exc:
            QMessageBox.warning(self, _("Delete"), str(exc))
            return
        self.current = None
        self.saved = ("", "")
        self.refresh()
        self._load()
        self._enable()
