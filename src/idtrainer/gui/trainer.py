"""Trainer mode: setting the password, unlocking, and the trainer's overview page."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import bundles, i18n
from idtrainer.core.i18n import N_, ngettext
from idtrainer.core.i18n import gettext as _
from idtrainer.core.trainer_auth import MIN_PASSWORD_LENGTH, PasswordRejected
from idtrainer.gui.context import AppContext
from idtrainer.gui.forms import FormDialog, secret_field

CONTENT_KINDS = {
    "taxa": N_("Species names"),
    "species": N_("Species cards"),
    "species_features": N_("Diagnostic features"),
    "lookalikes": N_("Lookalikes"),
    "lessons": N_("Lessons"),
    "questions": N_("Questions"),
    "question_options": N_("Answer options"),
}
STATUSES = {"missing": N_("untranslated"), "reviewed": N_("reviewed"),
            "machine": N_("machine"), "draft": N_("draft")}
GAP_ROLE = Qt.ItemDataRole.UserRole


class SetPasswordDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.ctx = ctx
        self.changing = ctx.store.trainer.has_password()
        super().__init__(
            parent, _("Change the trainer password") if self.changing
            else _("Set up trainer mode"), self._save,
            hint=_("At least {n} characters. Trainees must not know it.").format(
                n=MIN_PASSWORD_LENGTH))
        self.current, self.new, self.repeat = secret_field(), secret_field(), secret_field()
        if self.changing:
            self.form.addRow(_("&Current password:"), self.current)
        self.form.addRow(_("&New password:"), self.new)
        self.form.addRow(_("&Repeat it:"), self.repeat)
        # At setup, the name laptops see on this laptop's content (the computer's by default).
        self.laptop_name = QLineEdit(bundles.default_device_name(ctx.store))
        self.laptop_name.setMaxLength(bundles.MAX_DEVICE_NAME)
        if not self.changing:
            self.form.addRow(_("This laptop's name:"), self.laptop_name)

    def _save(self) -> None:
        if self.new.text() != self.repeat.text():
            self.error.setText(_("The two passwords are not the same."))
            return
        store = self.ctx.store
        try:
            name = bundles.check_device_name(self.laptop_name.text())  # before anything
            store.trainer.set_password(
                self.new.text(), current=self.current.text() if self.changing else None,
                name=name or bundles.hostname_name(store))
        except (PasswordRejected, bundles.DeviceNameError) as exc:
            self.error.setText(str(exc))
            return
        if not self.changing:
            bundles.set_device_name(store, name)
        self.accept()


class UnlockDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, _("Unlock trainer mode"), self.try_unlock)
        self.ctx = ctx
        self.password = secret_field()
        self.form.addRow(_("Trainer &password:"), self.password)

    def try_unlock(self) -> None:
        result = self.ctx.store.trainer.unlock(self.password.text())
        self.password.clear()
        if result.ok:
            self.ctx.unlock_trainer()
            self.accept()
        elif result.wait_seconds:
            self.error.setText(ngettext(
                "Too many wrong passwords. Try again in {n} second.",
                "Too many wrong passwords. Try again in {n} seconds.",
                result.wait_seconds).format(n=result.wait_seconds))
        else:
            self.error.setText(_("That password is not right."))


class TrainerPage(QWidget):
    """What a trainer checks first: how much content there is and how well it is translated.
    Each cell leads to its texts on the authoring page's Translations tab (``open_gap``)."""

    #: (table, language, status or "missing") of a cell that was clicked
    open_gap = Signal(str, str, str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.explain = QLabel(wordWrap=True)
        self.table = QTableWidget()
        self.table.setObjectName("coverage")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.cellClicked.connect(self._clicked)
        self.table.cellActivated.connect(self._clicked)
        self.change_password = QPushButton()
        self.change_password.clicked.connect(
            lambda: SetPasswordDialog(self.ctx, self).exec())
        self.lock = QPushButton()
        self.lock.clicked.connect(ctx.lock_trainer)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.explain)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.change_password)
        layout.addWidget(self.lock)
        ctx.language_changed.connect(self.retranslate)
        ctx.when_changed(self, self.refresh, "texts")
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Trainer"))
        self.explain.setText(_(
            "Translation status of the content on this laptop: how many texts in each "
            "language are reviewed by a person, machine-translated, or drafts. Trainer mode "
            "locks itself after {n} minutes without use.").format(n=self.ctx.idle_minutes())
            + " " + _("Click a number to open those texts for translation or review."))
        self.change_password.setText(_("Change the trainer password…"))
        self.lock.setText(_("Lock trainer mode"))
        self.refresh()

    def refresh(self) -> None:
        from idtrainer.core.authoring_texts import TranslationDesk

        desk = TranslationDesk(self.ctx.store)
        columns = [(lang, status) for lang in i18n.LANGUAGES for status in STATUSES]
        self.table.setColumnCount(len(columns))
        self.table.setRowCount(len(CONTENT_KINDS))
        self.table.setHorizontalHeaderLabels(
            [f"{i18n.language_name(lang)}\n{_(STATUSES[status])}" for lang, status in columns])
        self.table.setVerticalHeaderLabels([_(label) for label in CONTENT_KINDS.values()])
        for row, table in enumerate(CONTENT_KINDS):
            coverage = self.ctx.store.texts.coverage(table)
            missing = desk.missing(table)
            for col, (lang, status) in enumerate(columns):
                n = missing[lang] if status == "missing" else coverage[lang][status]
                cell = QTableWidgetItem(i18n.format_number(n))
                cell.setData(GAP_ROLE, (table, lang, status))
                cell.setToolTip(_("Open these texts on the Translations tab"))
                self.table.setItem(row, col, cell)
        self.table.resizeColumnsToContents()

    def _clicked(self, row: int, column: int) -> None:
        cell = self.table.item(row, column)
        if cell is not None and (gap := cell.data(GAP_ROLE)):
            self.open_gap.emit(*gap)
