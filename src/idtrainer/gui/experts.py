"""Trainer tools of the Identify page: the experts directory and the checklist import."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core.experts import (
    COUNTRIES,
    COUNTRY_NAMES,
    FIELDS,
    GROUP_NAMES,
    ROLE_NAMES,
    Expert,
    ExpertsError,
)
from idtrainer.core.i18n import gettext as _
from idtrainer.core.store import Store
from idtrainer.gui.context import AppContext
from idtrainer.gui.runner import Task, run_in_background

COLUMNS = ("country", "group", "role", *FIELDS)
UUID_ROLE = Qt.ItemDataRole.UserRole


def esc(text: object) -> str:
    return html.escape(str(text)) if text else ""


def expert_html(experts: list[Expert]) -> str:
    if not experts:
        return "<p>" + esc(_("No experts recorded for this country and group.")) + "</p>"
    rows = []
    for e in experts:
        def value(field: str, label: str, e: Expert = e) -> str:
            text = getattr(e, field)
            if text:
                return esc(text)
            return "<i>" + esc(_("to fill in: {field}").format(field=label)) + "</i>"
        country = _(COUNTRY_NAMES.get(e.country, e.country))
        role, group = _(ROLE_NAMES[e.role]), _(GROUP_NAMES[e.group])
        name, organisation = value("name", _("name")), value("organisation", _("organisation"))
        phone, email = value("phone", _("phone")), value("email", _("e-mail"))
        rows.append(
            f"<li><b>{esc(role)}</b> ({esc(country)}, {esc(group)}): {name}, {organisation}; "
            f"☎ {phone}; ✉ {email}" + (f"; {esc(e.languages)}" if e.languages else "")
            + "</li>")
    return "<ul>" + "".join(rows) + "</ul>"




def worker_store(store: Store) -> tuple[Store, bool]:
    """A connection of its own for work on another thread (an in-memory store, which
    cannot be opened twice, is shared: tests run work inline)."""
    if store.path is None:
        return store, False
    return Store.open(store.path, media_root=store.media_root), True


class ExpertsDialog(QDialog):
    """Edit who to call: one row per expert or authority; Save checks every row."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Experts and authorities — IDTrainer"))
        self.note = QLabel(_("Enter only numbers and addresses that someone has checked; "
                             "an empty field is shown as “to fill in”."), wordWrap=True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([
            _("Country"), _("Group"), _("Role"), _("Name"), _("Organisation"), _("Phone"),
            _("E-mail"), _("Languages")])
        add = QPushButton(_("&Add a row"))
        remove = QPushButton(_("&Delete the row"))
        load = QPushButton(_("&Import CSV…"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        row = QHBoxLayout()
        for b in (add, remove, load):
            row.addWidget(b)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        add.clicked.connect(lambda: self._add(Expert("", COUNTRIES[0], "all", "expert",
                                                     "", "", "", "", "")))
        remove.clicked.connect(self._remove)
        load.clicked.connect(self._import)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.deleted: list[str] = []
        for e in ctx.store.experts.all():
            self._add(e)
        # The choices are read whole (country, group, role); the text columns share the rest.
        self.table.resizeColumnsToContents()
        self.resize(1200, 520)

    def _combo(self, values: dict[str, str], current: str) -> QComboBox:
        combo = QComboBox()
        for code, label in values.items():
            combo.addItem(_(label), code)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        return combo

    def _add(self, e: Expert) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setCellWidget(r, 0, self._combo(
            {c: COUNTRY_NAMES[c] for c in COUNTRIES}, e.country))
        self.table.setCellWidget(r, 1, self._combo(GROUP_NAMES, e.group))
        self.table.setCellWidget(r, 2, self._combo(ROLE_NAMES, e.role))
        for i, f in enumerate(FIELDS, 3):
            item = QTableWidgetItem(getattr(e, f))
            if i == 3:
                item.setData(UUID_ROLE, e.uuid)
            self.table.setItem(r, i, item)

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def _uuid(self, row: int) -> str:
        item = self.table.item(row, 3)
        return str(item.data(UUID_ROLE) or "") if item is not None else ""

    def _code(self, row: int, column: int) -> str:
        combo = self.table.cellWidget(row, column)
        return str(combo.currentData()) if isinstance(combo, QComboBox) else ""

    def _remove(self) -> None:
        r = self.table.currentRow()
        if r >= 0:
            if uuid := self._uuid(r):
                self.deleted.append(uuid)
            self.table.removeRow(r)

    def rows(self) -> list[Expert]:
        out = []
        for r in range(self.table.rowCount()):
            codes = [self._code(r, c) for c in range(3)]
            values = [self._text(r, c) for c in range(3, len(COLUMNS))]
            out.append(Expert(self._uuid(r), *codes, *values))
        return out

    def save(self) -> None:
        store = self.ctx.store
        try:
            with store.transaction():
                for uuid in self.deleted:
                    store.experts.delete(uuid)
                for i, e in enumerate(self.rows(), 1):
                    try:
                        store.experts.save(e)
                    except ExpertsError as exc:
                        raise ExpertsError(_("Row {row}: {reason}").format(
                            row=i, reason=exc)) from exc
        except ExpertsError as exc:
            QMessageBox.warning(self, _("Experts and authorities"), str(exc))
            return
        self.accept()

    def _import(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, _("Import experts"), "",
                                                    _("CSV files (*.csv)"))
        if not name:
            return
        try:
            n = self.ctx.store.experts.import_csv(Path(name))
        except ExpertsError as exc:
            QMessageBox.warning(self, _("Experts and authorities"), str(exc))
            return
        self.table.setRowCount(0)
        for e in self.ctx.store.experts.all():
            self._add(e)
        self.note.setText(_("{n} rows imported.").format(n=n))


def import_checklist(parent: QWidget, ctx: AppContext, path: Path,
                     on_done) -> None:
    """Import an Index of CITES Species file off the GUI thread, with progress."""
    store = ctx.store

    def work(task: Task):
        own, close = worker_store(store)
        try:
            return own.checklist.import_file(
                path, progress=lambda d, t, _stage: task.progress(d, t))
        finally:
            if close:
                own.close()

    def failed(exc: BaseException) -> None:
        QMessageBox.warning(parent, _("Import the CITES checklist"), str(exc))

    def done(result) -> None:
        on_done(result)

    run_in_background(parent=parent, work=work, on_done=done, on_error=failed,
                      label=_("Importing the CITES checklist…"))
