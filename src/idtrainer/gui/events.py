"""Training events (trainer mode): events and their classes, roster import with a
column-mapping preview, attendance per day, pre/post results, duplicate records,
certificates by outcome, and the event report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.rosters import (
    FIELD_LABELS,
    FIELDS,
    RosterError,
    RosterImport,
    RosterTable,
    guess_mapping,
    import_roster,
    preview,
    read_roster,
)
from idtrainer.gui.context import AppContext
from idtrainer.gui.forms import FormDialog, button_row
from idtrainer.gui.runner import run_in_background

ROLE = Qt.ItemDataRole.UserRole
ENCODINGS = (("", "auto"), ("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 BOM"),
             ("cp1251", "Windows-1251"))


def _qdate(text: str) -> QDate:
    day = dt.date.fromisoformat(text)
    return QDate(day.year, day.month, day.day)


class EventDialog(FormDialog):
    """Create or edit an event: name, dates, place, organiser, agency, languages, tests."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 event_uuid: str | None = None) -> None:
        super().__init__(parent, _("Training event"), self._save)
        self.ctx, self.event_uuid = ctx, event_uuid
        self.saved: str | None = None
        self.name, self.place = QLineEdit(), QLineEdit()
        self.organiser, self.agency = QLineEdit(), QLineEdit()
        today = QDate.currentDate()
        self.starts, self.ends = QDateEdit(today), QDateEdit(today.addDays(1))
        for edit in (self.starts, self.ends):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.languages: dict[str, QCheckBox] = {}
        langs = QWidget()
        row = QHBoxLayout(langs)
        row.setContentsMargins(0, 0, 0, 0)
        for lang in i18n.LANGUAGES:
            box = QCheckBox(i18n.language_name(lang))
            self.languages[lang] = box
            row.addWidget(box)
        self.pre, self.post = QComboBox(), QComboBox()
        for combo in (self.pre, self.post):
            combo.addItem("—", None)
            for uuid, title in ctx.store.events.quiz_choices(i18n.current_language()):
                combo.addItem(title, uuid)
        self.form.addRow(_("&Name:"), self.name)
        self.form.addRow(_("&Starts:"), self.starts)
        self.form.addRow(_("&Ends:"), self.ends)
        self.form.addRow(_("&Place:"), self.place)
        self.form.addRow(_("&Organiser:"), self.organiser)
        self.form.addRow(_("&Agency:"), self.agency)
        self.form.addRow(_("Languages:"), langs)
        self.form.addRow(_("&Pre-test:"), self.pre)
        self.form.addRow(_("P&ost-test:"), self.post)
        found = ctx.store.events.get(event_uuid) if event_uuid else None
        if found is not None:
            self.name.setText(found.name)
            self.starts.setDate(_qdate(found.starts_on))
            self.ends.setDate(_qdate(found.ends_on))
            self.place.setText(found.place)
            self.organiser.setText(found.organiser)
            self.agency.setText(found.agency)
            for lang in found.languages:
                self.languages[lang].setChecked(True)
            self.pre.setCurrentIndex(max(0, self.pre.findData(found.pre_quiz)))
            self.post.setCurrentIndex(max(0, self.post.findData(found.post_quiz)))
        else:
            self.languages[i18n.current_language()].setChecked(True)

    def _save(self) -> None:
        try:
            self.saved = self.ctx.store.events.save(
                self.name.text(), self.starts.date().toString("yyyy-MM-dd"),
                self.ends.date().toString("yyyy-MM-dd"), place=self.place.text(),
                organiser=self.organiser.text(), agency=self.agency.text(),
                languages=[lang for lang, box in self.languages.items() if box.isChecked()],
                pre_quiz=self.pre.currentData(), post_quiz=self.post.currentData(),
                uuid=self.event_uuid)
        except IDTrainerError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class ProgrammeDialog(FormDialog):
    """The period of a programme report."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, _("Programme report"), self.accept)
        today = QDate.currentDate()
        self.since = QDateEdit(QDate(today.year(), 1, 1))
        self.until = QDateEdit(today)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.form.addRow(_("&From:"), self.since)
        self.form.addRow(_("&To:"), self.until)

    def period(self) -> tuple[str, str]:
        return (self.since.date().toString("yyyy-MM-dd"),
                self.until.date().toString("yyyy-MM-dd"))


class RosterDialog(QDialog):
    """A roster file: encoding (detected, can be changed), which column holds which
    field, the first rows as they will be read, and any problem naming row and column."""

    def __init__(self, ctx: AppContext, class_uuid: str, path: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.class_uuid, self.path = ctx, class_uuid, path
        self.table: RosterTable | None = None
        self.imported: RosterImport | None = None
        self.setWindowTitle(_("Import a roster"))
        self.file_label = QLabel(path.name)
        self.encoding = QComboBox()
        for code, label in ENCODINGS:
            self.encoding.addItem(_("detect") if code == "" else label, code)
        self.encoding.currentIndexChanged.connect(self.reload)
        self.columns: dict[str, QComboBox] = {}
        mapping = QFormLayout()
        for name in FIELDS:
            combo = QComboBox()
            combo.currentIndexChanged.connect(self.refresh_preview)
            self.columns[name] = combo
            mapping.addRow(_(FIELD_LABELS[name]) + ":", combo)
        self.preview = QTableWidget(0, len(FIELDS))
        self.preview.setObjectName("rosterPreview")
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.setHorizontalHeaderLabels([_(FIELD_LABELS[f]) for f in FIELDS])
        # Each column as wide as its heading or its text (the table scrolls sideways).
        self.preview.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.preview.horizontalHeader().setStretchLastSection(True)
        self.error = QLabel(wordWrap=True)
        self.error.setObjectName("error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Import"))
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)
        top = QFormLayout()
        top.addRow(_("File:"), self.file_label)
        top.addRow(_("&Encoding:"), self.encoding)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(mapping)
        layout.addWidget(QLabel(_("First rows as they will be imported:")))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(900, 560)
        self.reload()

    def reload(self) -> None:
        self.error.clear()
        try:
            self.table = read_roster(self.path, self.encoding.currentData() or None)
        except RosterError as exc:
            self.table = None
            self.error.setText(str(exc))
        headers = self.table.headers if self.table else []
        self.encoding.setEnabled(self.table is None or self.table.encoding is not None)
        found = dict(ENCODINGS).get(self.table.encoding or "") if self.table else None
        # "detect (Windows-1251)": the trainer sees what was found before overriding it.
        self.encoding.setItemText(0, _("detect") + (f" ({found})" if found else ""))
        guessed = guess_mapping(headers)
        for name, combo in self.columns.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("—", None)
            for header in headers:
                combo.addItem(header, header)
            combo.setCurrentIndex(max(0, combo.findData(guessed.get(name))))
            combo.blockSignals(False)
        self.refresh_preview()

    def mapping(self) -> dict[str, str]:
        return {name: combo.currentData() for name, combo in self.columns.items()
                if combo.currentData()}

    def refresh_preview(self) -> None:
        rows = preview(self.table, self.mapping()) if self.table else []
        self.preview.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.preview.setItem(r, c, QTableWidgetItem(value))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.table is not None)

    def do_import(self) -> None:
        if self.table is None:
            return
        try:
            self.imported = import_roster(self.ctx.store, self.class_uuid, self.table,
                                        self.mapping(), exact=True)
        except RosterError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class EventsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.events = QListWidget()
        self.events.setObjectName("events")
        self.events.setMaximumWidth(300)
        self.events.currentItemChanged.connect(lambda *_a: self.show_event())
        self.new_button, self.edit_button = QPushButton(), QPushButton()
        self.new_button.clicked.connect(self.new_event)
        self.edit_button.clicked.connect(self.edit_event)
        self.details = QLabel(wordWrap=True)
        self.classes = QComboBox()
        self.classes.currentIndexChanged.connect(lambda _i: self.refresh_table())
        self.class_label = QLabel()
        self.class_label.setBuddy(self.classes)
        self.new_class_button, self.roster_button = QPushButton(), QPushButton()
        self.new_class_button.clicked.connect(self.new_class)
        self.roster_button.clicked.connect(self.import_roster)
        self.table = QTableWidget()
        self.table.setObjectName("attendance")
        self.table.itemChanged.connect(self._attendance_changed)
        self.summary = QLabel(wordWrap=True)
        self.duplicates_button = QPushButton()
        self.duplicates_button.clicked.connect(self.merge_duplicates)
        self.attendance_button, self.achievement_button = QPushButton(), QPushButton()
        self.attendance_button.clicked.connect(lambda: self.print_certificates("attendance"))
        self.achievement_button.clicked.connect(lambda: self.print_certificates("achievement"))
        self.report_button = QPushButton()
        self.report_button.clicked.connect(self.save_report)
        self.merge_button = QPushButton()
        self.merge_button.clicked.connect(self.merge_selected)
        self.templates_button = QPushButton()
        self.templates_menu = QMenu(self)
        self.attendance_template = self.templates_menu.addAction("")
        self.attendance_template.triggered.connect(lambda: self.edit_template("attendance"))
        self.achievement_template = self.templates_menu.addAction("")
        self.achievement_template.triggered.connect(lambda: self.edit_template("achievement"))
        self.templates_button.setMenu(self.templates_menu)
        self.programme_button = QPushButton()
        self.programme_button.clicked.connect(self.programme_report)

        left = QVBoxLayout()
        left.addWidget(self.events, 1)
        left.addWidget(button_row(self.new_button, self.edit_button))
        right = QVBoxLayout()
        right.addWidget(self.details)
        class_row = QHBoxLayout()
        class_row.addWidget(self.class_label)
        class_row.addWidget(self.classes, 1)
        class_row.addWidget(self.new_class_button)
        class_row.addWidget(self.roster_button)
        right.addLayout(class_row)
        right.addWidget(self.table, 1)
        right.addWidget(self.summary)
        right.addWidget(button_row(self.duplicates_button, self.merge_button,
                                   self.templates_button, self.programme_button))
        right.addWidget(button_row(self.attendance_button, self.achievement_button,
                                   self.report_button))
        body = QHBoxLayout()
        body.addLayout(left)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(body, 1)
        ctx.language_changed.connect(self.retranslate)
        ctx.when_changed(self, self.refresh,
                         "events", "classes", "class_members", "trainees",
                         "attendance", "attempts", "quizzes", "quiz_assignments", "certificates")
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Training events"))
        self.new_button.setText(_("&New event…"))
        self.edit_button.setText(_("&Edit…"))
        self.class_label.setText(_("&Class:"))
        self.new_class_button.setText(_("New class…"))
        self.roster_button.setText(_("Import &roster…"))
        self.duplicates_button.setText(_("Duplicates…"))
        self.attendance_button.setText(_("Attendance certificates…"))
        self.achievement_button.setText(_("Achievement certificates…"))
        self.report_button.setText(_("Save report…"))
        self.merge_button.setText(_("Merge records…"))
        self.templates_button.setText(_("Certificate templates"))
        self.attendance_template.setText(_("Certificate of attendance") + "…")
        self.achievement_template.setText(_("Certificate of achievement") + "…")
        self.programme_button.setText(_("Programme report…"))
        self.refresh()

    # -- reading -----------------------------------------------------------------------

    def current_event(self) -> str | None:
        item = self.events.currentItem()
        return item.data(ROLE) if item else None

    def current_class(self) -> str | None:
        return self.classes.currentData()

    def refresh(self) -> None:
        selected = self.current_event()
        self.events.blockSignals(True)
        self.events.clear()
        for event in self.ctx.store.events.all():
            item = QListWidgetItem(f"{event.name}\n{event.starts_on} – {event.ends_on}")
            item.setData(ROLE, event.uuid)
            self.events.addItem(item)
            if event.uuid == selected:
                self.events.setCurrentItem(item)
        if self.events.currentItem() is None and self.events.count():
            self.events.setCurrentRow(0)
        self.events.blockSignals(False)
        self.show_event()

    def show_event(self) -> None:
        uuid = self.current_event()
        found = self.ctx.store.events.get(uuid) if uuid else None
        for widget in (self.edit_button, self.classes, self.new_class_button,
                       self.roster_button, self.attendance_button, self.achievement_button,
                       self.report_button):
            widget.setEnabled(found is not None)
        if found is None or uuid is None:
            self.details.setText(_("Create an event to import its roster, take attendance "
                                   "and give the pre- and post-test."))
            self.classes.clear()
            self.table.setRowCount(0)
            self.summary.clear()
            return
        lang = i18n.current_language()
        titles = dict(self.ctx.store.events.quiz_choices(lang))
        parts = [f"<b>{found.name}</b>", f"{found.starts_on} – {found.ends_on}",
                 found.place, found.organiser, found.agency]
        parts.append(_("Pre-test: {quiz}").format(quiz=titles.get(found.pre_quiz or "", "—")))
        parts.append(_("Post-test: {quiz}").format(quiz=titles.get(found.post_quiz or "", "—")))
        self.details.setText(" · ".join(p for p in parts if p))
        chosen = self.current_class()
        self.classes.blockSignals(True)
        self.classes.clear()
        self.classes.addItem(_("All classes"), None)
        for klass in self.ctx.store.classes.all():
            if klass.uuid in self.ctx.store.events.class_uuids(found.uuid):
                self.classes.addItem(klass.name, klass.uuid)
        self.classes.setCurrentIndex(max(0, self.classes.findData(chosen)))
        self.classes.blockSignals(False)
        self.roster_button.setEnabled(self.classes.count() > 1)
        self.refresh_table()

    def refresh_table(self) -> None:
        uuid = self.current_event()
        found = self.ctx.store.events.get(uuid) if uuid else None
        if found is None or uuid is None:
            return
        outcomes = self.ctx.store.events.outcomes(uuid, class_uuid=self.current_class())
        present = self.ctx.store.events.attendance(uuid)
        days = found.days
        heads = [_("Full name"), _("Agency"), *days, _("Pre-test, %"), _("Post-test, %"),
                 _("Gain"), _("Passed")]
        self.table.blockSignals(True)
        self.table.clear()
        self.table.setColumnCount(len(heads))
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setRowCount(len(outcomes))
        for r, o in enumerate(outcomes):
            cells = [o.trainee.name, o.trainee.agency]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setData(ROLE, o.trainee.uuid)
                self.table.setItem(r, c, item)
            for d, day in enumerate(days):
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                item.setCheckState(Qt.CheckState.Checked if day in present.get(
                    o.trainee.uuid, set()) else Qt.CheckState.Unchecked)
                item.setData(ROLE, (o.trainee.uuid, day))
                self.table.setItem(r, 2 + d, item)
            values = ["" if o.pre is None else f"{o.pre:.0f}",
                      "" if o.post is None else f"{o.post:.0f}",
                      "" if o.gain is None else f"{o.gain:.2f}",
                      _("yes") if o.passed else ""]
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, 2 + len(days) + c, item)
        self.table.resizeColumnsToContents()
        self.table.blockSignals(False)
        s = self.ctx.store.events.summary(outcomes)
        self.summary.setText(_(
            "{n} officers, {attended} present; mean gain {gain}; passed {passed}").format(
            n=s.participants, attended=s.attended,
            gain="—" if s.mean_gain is None else f"{s.mean_gain:.2f}", passed=s.passed))

    # -- actions -----------------------------------------------------------------------

    def _attendance_changed(self, item: QTableWidgetItem) -> None:
        data = item.data(ROLE)
        uuid = self.current_event()
        if not isinstance(data, tuple) or uuid is None:
            return
        trainee, day = data
        self.ctx.store.events.set_attendance(uuid, trainee, day,
                                             item.checkState() == Qt.CheckState.Checked)
        self.refresh_table()

    def new_event(self) -> None:
        dialog = EventDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved:
            self.refresh()  # now, to select it; the store's notification comes later
            self.select_event(dialog.saved)

    def edit_event(self) -> None:
        uuid = self.current_event()
        if uuid and EventDialog(self.ctx, self, uuid).exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def select_event(self, uuid: str) -> None:
        for i in range(self.events.count()):
            if self.events.item(i).data(ROLE) == uuid:
                self.events.setCurrentRow(i)

    def new_class(self, name: str | None = None) -> str | None:
        uuid = self.current_event()
        if uuid is None:
            return None
        if name is None:
            name, ok = QInputDialog.getText(self, _("New class"), _("Class name:"))
            if not ok:
                return None
        try:
            klass = self.ctx.store.events.new_class(uuid, name)
        except ValueError as exc:
            QMessageBox.warning(self, _("Training events"), str(exc))
            return None
        self.show_event()  # now, to select the new class
        self.classes.setCurrentIndex(self.classes.findData(klass))
        return klass

    def import_roster(self, path: str | None = None) -> RosterDialog | None:
        klass = self.current_class() or (self.classes.itemData(1) if self.classes.count() > 1
                                         else None)
        if klass is None:
            return None
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self, _("Import a roster"), str(Path.home()),
                _("Rosters (*.csv *.xlsx *.txt)"))
            if not path:
                return None
        dialog = RosterDialog(self.ctx, klass, Path(path), self)
        dialog.finished.connect(lambda _r: self.refresh_table())
        dialog.open()
        return dialog

    def merge_duplicates(self) -> None:
        groups = self.ctx.store.trainees.possible_duplicates()
        if not groups:
            QMessageBox.information(self, _("Duplicates"),
                                    _("No two records share a name and an agency."))
            return
        lines = [f"{g[0].name} ({g[0].agency or '—'}) × {len(g)}" for g in groups]
        answer = QMessageBox.question(self, _("Duplicates"), _(
            "These records look like the same people. Merge each group into one record? "
            "Attempts and attendance follow the merge.") + "\n\n" + "\n".join(lines))
        if answer != QMessageBox.StandardButton.Yes:
            return
        for group in groups:
            for other in group[1:]:
                self.ctx.store.trainees.merge(group[0].uuid, other.uuid)
        self.refresh_table()

    def selected_trainee(self) -> str | None:
        item = self.table.item(self.table.currentRow(), 0) if self.table.currentRow() >= 0 \
            else None
        return item.data(ROLE) if item else None

    def merge_selected(self, into: str | None = None) -> None:
        """Merge the officer selected in the table into another record of the same person
        (e.g. a profile typed on a laptop before the roster arrived)."""
        drop = self.selected_trainee()
        if drop is None:
            QMessageBox.information(self, _("Merge records…"),
                                    _("Select an officer in the table first."))
            return
        others = [p for p in self.ctx.store.trainees.all() if p.uuid != drop]
        if into is None:
            labels = [f"{p.name} ({p.agency or '—'})" for p in others]
            label, ok = QInputDialog.getItem(
                self, _("Merge records…"), _("The same person as:"), labels, 0, False)
            if not ok or label not in labels:
                return
            into = others[labels.index(label)].uuid
        try:
            self.ctx.store.trainees.merge(into, drop)
        except IDTrainerError as exc:
            QMessageBox.warning(self, _("Merge records…"), str(exc))
            return
        self.refresh_table()

    def edit_template(self, kind: str) -> None:
        from idtrainer.gui.certificates import TemplateDialog

        TemplateDialog(self.ctx, self, kind).exec()

    def programme_report(self, path: Path | None = None, since: str | None = None,
                         until: str | None = None) -> None:
        from idtrainer.core import reports

        if since is None or until is None:
            dialog = ProgrammeDialog(self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            since, until = dialog.period()
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Programme report"), str(Path.home() / "programme.pdf"),
                "PDF (*.pdf);;Excel (*.xlsx)")
            if not chosen:
                return
            path = Path(chosen)
        fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "pdf"
        try:
            figures = reports.programme_report(self.ctx.store, since, until)
        except IDTrainerError as exc:
            QMessageBox.warning(self, _("Programme report"), str(exc))
            return
        target = path
        run_in_background(
            parent=self,
            work=lambda _task: reports.write_programme_report(figures, fmt, target),
            on_done=lambda p: self._written_report(_("Programme report"), p),
            on_error=self._failed, label=_("Writing the report…"))

    def print_certificates(self, kind: str, path: Path | None = None) -> None:
        from idtrainer.core.certificate_pdf import render
        from idtrainer.core.certificates import CertificateError

        uuid = self.current_event()
        if uuid is None:
            return
        template = self.ctx.store.certificates.template(kind)
        lang = template.languages[0]
        try:
            certs = self.ctx.store.certificates.for_event(uuid, kind, lang)
        except CertificateError as exc:
            QMessageBox.warning(self, _("Certificates"), str(exc))
            return
        if not certs:
            QMessageBox.information(self, _("Certificates"), _(
                "Nobody qualifies for these certificates yet."))
            return
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Save certificates as PDF"), str(Path.home() / f"{kind}.pdf"),
                "PDF (*.pdf)")
            if not chosen:
                return
            path = Path(chosen)
        target = path

        def work(task):
            render(certs, template, target, progress=task.progress)
            return len(certs)

        run_in_background(parent=self, work=work, on_done=lambda n: self._written(n, target),
                          on_error=self._failed, label=_("Writing certificates…"))

    def save_report(self, path: Path | None = None) -> None:
        from idtrainer.core import reports

        uuid = self.current_event()
        if uuid is None:
            return
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Save report"), str(Path.home() / "event.pdf"),
                "PDF (*.pdf);;Excel (*.xlsx);;CSV (*.csv)")
            if not chosen:
                return
            path = Path(chosen)
        fmt = path.suffix.lower().lstrip(".") or "pdf"
        if fmt not in reports.FORMATS:
            fmt, path = "pdf", path.with_suffix(".pdf")
        # Figures on this thread (it owns the connection); drawing the file on a worker.
        figures = reports.event_report(self.ctx.store, uuid, i18n.current_language(),
                                       self.current_class())
        target = path
        run_in_background(
            parent=self,
            work=lambda _task: reports.write_event_report(figures, fmt, target),
            on_done=lambda p: self._written_report(_("Save report…"), p),
            on_error=self._failed, label=_("Writing the report…"))

    def _written(self, count: int, path: Path) -> None:
        QMessageBox.information(self, _("Certificates"), i18n.ngettext(
            "{n} certificate written to {path}", "{n} certificates written to {path}",
            count).format(n=count, path=path))

    def _written_report(self, title: str, path: object) -> None:
        QMessageBox.information(self, title, _("Report written to {path}").format(path=path))

    def _failed(self, exc: BaseException) -> None:
        QMessageBox.warning(self, _("Training events"), str(exc))
