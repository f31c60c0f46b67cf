"""The "Course files" tab: the course to files and back, and copies to adapt.

- Export the whole course, or the modules ticked in the list, to a folder in the content
  format (docs/content-format.md), for version control or another country.
- Import such a folder: the same checks as ``idtrainer content load``; a folder with
  problems is refused with them listed and the database is not changed.
- Duplicate a course or a module under a new id and title; the copy records where it
  came from.

Export and import run off the GUI thread with progress (gui/runner.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import adapt, course_files, i18n
from idtrainer.core.content import ContentError, ContentSet, LoadSummary
from idtrainer.core.i18n import gettext as _
from idtrainer.core.i18n import ngettext
from idtrainer.gui.context import AppContext
from idtrainer.gui.forms import button_row
from idtrainer.gui.runner import Task, run_in_background

#: How many problems a refusal shows in its message (all of them go to the log).
SHOWN_PROBLEMS = 12


class FilesTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.choices: list[course_files.Choice] = []
        self.ticked: dict[str, bool] = {}   # module id -> ticked (a new module: ticked)

        self.export_box = QGroupBox()
        self.export_hint = QLabel()
        self.export_hint.setWordWrap(True)
        self.course_label = QLabel()
        self.course_pick = QComboBox()   # shown when the database has more than one course
        self.course_pick.currentIndexChanged.connect(self._fill_modules)
        self.course_label.setBuddy(self.course_pick)
        self.modules = QListWidget()
        self.modules.setMinimumHeight(120)
        self.export_all_button = QPushButton()
        self.export_all_button.clicked.connect(lambda: self.choose_and_export(chosen=False))
        self.export_chosen_button = QPushButton()
        self.export_chosen_button.clicked.connect(lambda: self.choose_and_export(chosen=True))
        box = QVBoxLayout(self.export_box)
        box.addWidget(self.export_hint)
        pick = QHBoxLayout()
        pick.addWidget(self.course_label)
        pick.addWidget(self.course_pick, 1)
        box.addLayout(pick)
        box.addWidget(self.modules, 1)
        box.addWidget(button_row(self.export_all_button, self.export_chosen_button))

        self.import_box = QGroupBox()
        self.import_hint = QLabel()
        self.import_hint.setWordWrap(True)
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.choose_and_import)
        box = QVBoxLayout(self.import_box)
        box.addWidget(self.import_hint)
        box.addWidget(button_row(self.import_button))

        self.adapt_box = QGroupBox()
        self.adapt_hint = QLabel()
        self.adapt_hint.setWordWrap(True)
        self.source = QComboBox()
        self.source.currentIndexChanged.connect(self._show_provenance)
        self.provenance = QLabel()
        self.provenance.setWordWrap(True)
        self.new_id = QLineEdit()
        self.new_id.setMaxLength(adapt.MAX_ID)
        self.new_title = QLineEdit()
        self.new_title.setMaxLength(120)
        self.adapted_by = QLineEdit()
        self.adapted_by.setMaxLength(120)
        self.duplicate_button = QPushButton()
        self.duplicate_button.clicked.connect(self.duplicate)
        self.form = QFormLayout()
        self.form_labels = [QLabel() for _row in range(4)]
        self.form.addRow(self.form_labels[0], self.source)
        self.form.addRow("", self.provenance)
        self.form.addRow(self.form_labels[1], self.new_id)
        self.form.addRow(self.form_labels[2], self.new_title)
        self.form.addRow(self.form_labels[3], self.adapted_by)
        for label, field in zip(self.form_labels, (self.source, self.new_id, self.new_title,
                                                   self.adapted_by), strict=True):
            label.setBuddy(field)
        box = QVBoxLayout(self.adapt_box)
        box.addWidget(self.adapt_hint)
        box.addLayout(self.form)
        box.addWidget(button_row(self.duplicate_button))

        self.log_entries: list[Callable[[], str]] = []   # each says itself in the language shown
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(500)

        left = QVBoxLayout()
        left.addWidget(self.export_box, 1)
        left.addWidget(self.import_box)
        right = QVBoxLayout()
        right.addWidget(self.adapt_box)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        self.log_label = QLabel()
        layout.addWidget(self.log_label)
        layout.addWidget(self.log)

        ctx.language_changed.connect(self.retranslate)
        ctx.when_changed(self, self.refresh, "courses", "modules")
        self.retranslate()

    # -- text and lists ----------------------------------------------------------------

    def retranslate(self) -> None:
        self.export_box.setTitle(_("Export to files"))
        self.export_hint.setText(_(
            "Write the course to a folder in the content format (TOML, Markdown and the "
            "pictures), to keep it in version control or pass it to another country. Tick "
            "modules to export only them with the species they need."))
        self.export_all_button.setText(_("Export the whole course…"))
        self.course_label.setText(_("Course"))
        self.export_chosen_button.setText(_("Export ticked modules…"))
        self.import_box.setTitle(_("Import from files"))
        self.import_hint.setText(_(
            "Load a course folder (an export, or files written by hand). Everything is "
            "checked first, as by “idtrainer content load”; a folder with problems changes "
            "nothing."))
        self.import_button.setText(_("Import a folder…"))
        self.adapt_box.setTitle(_("Adapt: make an independent copy"))
        self.adapt_hint.setText(_(
            "Copy a course or a module under a new id and title, to adapt it for another "
            "country or agency. The copy has its own lessons, questions and texts; "
            "species and pictures are shared. Where it came from is recorded."))
        for label, text in zip(self.form_labels, (_("Copy"), _("New id"), _("New title"),
                                                  _("Adapted by")), strict=True):
            label.setText(text)
        self.new_id.setPlaceholderText(_("for example kg-m1-cites"))
        self.adapted_by.setPlaceholderText(_("a name or an organisation (optional)"))
        self.duplicate_button.setText(_("Make the copy"))
        self.log_label.setText(_("What was done"))
        self.log.setPlainText("\n".join(entry() for entry in self.log_entries))
        self.refresh()

    def refresh(self) -> None:
        current = self.source.currentData()
        course = self.course_pick.currentData()
        self.choices = course_files.choices(self.ctx.store, self.ctx.language)
        self.source.blockSignals(True)
        self.source.clear()
        self.course_pick.blockSignals(True)
        self.course_pick.clear()
        for choice in self.choices:
            if choice.kind == "module":
                self.source.addItem("    " + _("module: {title} ({id})").format(
                    title=choice.title, id=choice.slug), choice.uuid)
            else:
                self.source.addItem(_("course: {title} ({id})").format(
                    title=choice.title, id=choice.slug), choice.uuid)
                self.course_pick.addItem(f"{choice.title}  ({choice.slug})", choice.slug)
        if current is not None and (index := self.source.findData(current)) >= 0:
            self.source.setCurrentIndex(index)
        if course is not None and (index := self.course_pick.findData(course)) >= 0:
            self.course_pick.setCurrentIndex(index)
        self.source.blockSignals(False)
        self.course_pick.blockSignals(False)
        several = self.course_pick.count() > 1
        self.course_label.setVisible(several)
        self.course_pick.setVisible(several)
        self._fill_modules()
        self._show_provenance()

    def _fill_modules(self) -> None:
        """The modules of the course picked for export, ticked as they were (new: ticked)."""
        if self.modules.count():
            self.ticked.update({
                m: self.modules.item(i).checkState() == Qt.CheckState.Checked
                for i in range(self.modules.count())
                if (m := self.modules.item(i).data(Qt.ItemDataRole.UserRole))})
        course = self.course_pick.currentData()
        self.modules.clear()
        for choice in self.choices:
            if choice.kind == "module" and choice.course == course:
                item = QListWidgetItem(f"{choice.title}  ({choice.slug})")
                item.setData(Qt.ItemDataRole.UserRole, choice.slug)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if self.ticked.get(choice.slug, True)
                                   else Qt.CheckState.Unchecked)
                self.modules.addItem(item)

    def ticked_modules(self) -> list[str]:
        return [self.modules.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.modules.count())
                if self.modules.item(i).checkState() == Qt.CheckState.Checked]

    def _choice(self) -> course_files.Choice | None:
        uuid = self.source.currentData()
        return next((c for c in self.choices if c.uuid == uuid), None)

    def _show_provenance(self) -> None:
        choice = self._choice()
        if choice is None or choice.provenance is None:
            self.provenance.setText(_("An original, not a copy.") if choice else "")
            return
        p = choice.provenance
        try:
            when = i18n.format_date(dt.date.fromisoformat((p["copied_at"] or "")[:10]))
        except ValueError:
            when = p["copied_at"] or "?"
        self.provenance.setText(_("Copied from {id} on {when} by {who}.").format(
            id=p["copied_from_slug"] or p["copied_from_uuid"], when=when,
            who=p["copied_by"] or "?"))

    def _say(self, text: Callable[[], str]) -> None:
        """Add to the log; ``text`` is called again when the language changes."""
        self.log_entries.append(text)
        self.log.appendPlainText(text())

    def _refuse(self, title: str, exc: BaseException) -> None:
        """A clear message; the full list of problems goes to the log."""
        self._say(lambda: _("Not done: {reason}").format(reason=exc))
        if isinstance(exc, ContentError) and len(exc.problems) > SHOWN_PROBLEMS:
            more = len(exc.problems) - SHOWN_PROBLEMS
            text = "\n".join([str(exc).split("\n")[0],
                              *(str(p) for p in exc.problems[:SHOWN_PROBLEMS]),
                              ngettext("…and {n} more (listed below the buttons).",
                                       "…and {n} more (listed below the buttons).",
                                       more).format(n=more)])
        else:
            text = str(exc)
        QMessageBox.warning(self, title, text)

    # -- export ------------------------------------------------------------------------

    def choose_and_export(self, *, chosen: bool) -> None:
        modules = self.ticked_modules() if chosen else None
        if chosen and not modules:
            QMessageBox.information(self, _("Export to files"),
                                    _("Tick at least one module to export."))
            return
        folder = QFileDialog.getExistingDirectory(self, _("Choose the folder to export to"))
        if folder:
            self.export_to(Path(folder), modules)

    def export_to(self, folder: Path, modules: list[str] | None = None) -> None:
        course = self.course_pick.currentData()

        def work(task: Task) -> course_files.ExportSummary:
            return course_files.export_content(task.store, folder, modules=modules,
                                               course=course, progress=task.progress)

        run_in_background(parent=self, store=self.ctx.store, work=work,
                          on_done=self._exported,
                          on_error=lambda exc: self._refuse(_("Export to files"), exc),
                          label=_("Writing the course files…"))

    def _exported(self, s: course_files.ExportSummary) -> None:
        self._say(lambda: _("Exported {counts} to {path}.").format(
            counts=_counts(s.species, len(s.modules), s.lessons, s.questions), path=s.folder))

    # -- import ------------------------------------------------------------------------

    def choose_and_import(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Choose a course folder to import"))
        if folder:
            self.import_from(Path(folder))

    def import_from(self, folder: Path) -> None:
        def work(task: Task) -> tuple:
            return course_files.import_folder(task.store, folder, task.progress)

        run_in_background(parent=self, store=self.ctx.store, work=work,
                          on_done=lambda result: self._imported(folder, *result),
                          on_error=lambda exc: self._refuse(_("Import from files"), exc),
                          label=_("Checking and loading the course files…"))

    def _imported(self, folder: Path, content: ContentSet, summary: LoadSummary) -> None:
        counts = _counts(len(content.species), len(content.modules),
                         sum(len(m.lessons) for m in content.modules), len(content.questions))
        self._say(lambda: _("Imported {counts} from {path}: {added} rows added, {updated} updated, "
                    "{unchanged} unchanged.").format(
            counts=counts, path=folder, added=summary.total("added"),
            updated=summary.total("updated"), unchanged=summary.total("unchanged")))
        self.refresh()

    # -- adapt -------------------------------------------------------------------------

    def duplicate(self) -> None:
        choice = self._choice()
        if choice is None:
            return
        new_id, title = self.new_id.text().strip(), self.new_title.text().strip()
        by = self.adapted_by.text()
        copy = adapt.duplicate_module if choice.kind == "module" else adapt.duplicate_course

        def work(task: Task) -> adapt.Copied:
            return copy(task.store, choice.slug, new_id, title, by=by)

        run_in_background(parent=self, store=self.ctx.store, work=work,
                          on_done=lambda copied: self._copied(choice.slug, copied),
                          on_error=lambda exc: self._refuse(_("Adapt"), exc),
                          label=_("Copying…"))

    def _copied(self, source: str, copied: adapt.Copied) -> None:
        self._say(lambda: _("Copied {source} as {id}: {counts}.").format(
            source=source, id=copied.slug,
            counts=_counts(None, copied.modules, copied.lessons, copied.questions)))
        self.new_id.clear()
        self.new_title.clear()
        self.refresh()
        if (index := self.source.findData(copied.uuid)) >= 0:
            self.source.setCurrentIndex(index)


def _counts(species: int | None, modules: int, lessons: int, questions: int) -> str:
    parts = [] if species is None else [
        ngettext("{n} species", "{n} species", species).format(n=species)]
    parts += [ngettext("{n} module", "{n} modules", modules).format(n=modules),
              ngettext("{n} lesson", "{n} lessons", lessons).format(n=lessons),
              ngettext("{n} question", "{n} questions", questions).format(n=questions)]
    return ", ".join(parts)
