"""Certificates: verify a code (anyone), and in trainer mode issue by hand, print a class,
reprint or revoke, and set the template."""

from __future__ import annotations

import datetime as dt
import html
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n
from idtrainer.core.certificate_pdf import render
from idtrainer.core.certificates import (
    Certificate,
    CertificateError,
    CertificateTemplate,
    Verdict,
)
from idtrainer.core.i18n import N_
from idtrainer.core.i18n import gettext as _
from idtrainer.gui.context import AppContext
from idtrainer.gui.forms import FormDialog
from idtrainer.gui.runner import Task, run_in_background

VERDICTS = {
    "valid": N_("Valid: the signature is genuine and the certificate is not revoked."),
    "invalid": N_("Not valid: the code was changed or forged."),
    "revoked": N_("Revoked: this certificate was withdrawn."),
    "unknown_issuer": N_("Unknown issuer: this laptop does not trust the trainer who signed it."),
    "malformed": N_("This is neither an IDTrainer certificate code nor a certificate serial "
                    "(e.g. KZ-2026-000123)."),
    "registered": N_("Certificate {serial} is in this laptop's register."),
    "registered_revoked": N_("Certificate {serial} was revoked."),
    "unregistered": N_("No certificate {serial} in this laptop's register."),
}
#: Said under every answer found by serial: a serial can be copied onto a fake.
SERIAL_CAUTION = N_("A serial only finds the record: only scanning the QR code proves that a "
                    "printed certificate is genuine.")
UNREGISTERED_HINT = N_("Certificates are registered on the trainer's laptop that issued them. "
                       "Scan the QR code to check the signature here.")
COLOURS = {"valid": "#1b6e20", "revoked": "#a05a00", "registered_revoked": "#a05a00",
           "registered": "#1a4f8b", "unregistered": "#555555"}


def shown_date(iso_date: str) -> str:
    try:
        return i18n.format_date(dt.date.fromisoformat(iso_date), "medium")
    except ValueError:
        return iso_date


def language_combo(with_none: bool = False) -> QComboBox:
    combo = QComboBox()
    if with_none:
        combo.addItem("—", None)
    for lang in i18n.LANGUAGES:
        combo.addItem(i18n.language_name(lang), lang)
    return combo


def ask_pdf_path(parent: QWidget, suggested: str) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("Save certificates as PDF"), str(Path.home() / suggested), "PDF (*.pdf)")
    if not path:
        return None
    return Path(path if path.lower().endswith(".pdf") else path + ".pdf")


class TemplateDialog(FormDialog):
    """The certificate template; ``kind`` attendance or achievement edits an event's own."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 kind: str = "course") -> None:
        from idtrainer.core.certificate_pdf import TITLES

        super().__init__(parent, _(TITLES[kind]) if kind in TITLES
                         else _("Certificate template"), self._save)
        self.ctx, self.kind = ctx, kind
        t = ctx.store.certificates.template(kind)
        self.organisation = QLineEdit(t.organisation)
        self.signatory = QLineEdit(t.signatory)
        self.signatory_title = QLineEdit(t.signatory_title)
        self.course = QLineEdit(t.course_title)
        self.main_lang = language_combo()
        self.main_lang.setCurrentIndex(self.main_lang.findData(t.languages[0]))
        self.second_lang = language_combo(with_none=True)
        self.second_lang.setCurrentIndex(
            self.second_lang.findData(t.languages[1]) if len(t.languages) > 1 else 0)
        self.show_score = QCheckBox(_("Show the score"), checked=t.show_score)
        self.prefix = QLineEdit(t.serial_prefix)
        self.logo = QLineEdit(t.logo_path)
        self.signature = QLineEdit(t.signature_path)
        for label, widget in ((_("&Organisation:"), self.organisation),
                              (_("&Signatory:"), self.signatory),
                              (_("Signatory's &title:"), self.signatory_title),
                              (_("&Course title:"), self.course),
                              (_("&Language:"), self.main_lang),
                              (_("Second l&anguage:"), self.second_lang),
                              ("", self.show_score),
                              (_("Serial &prefix (e.g. KZ):"), self.prefix),
                              (_("Logo image (PNG or JPEG):"), self.logo),
                              (_("Signature image (PNG):"), self.signature)):
            self.form.addRow(label, widget)
        preview = QPushButton(_("&Preview…"))
        preview.clicked.connect(self.preview)
        self.form.addRow("", preview)

    def template(self) -> CertificateTemplate:
        languages = [self.main_lang.currentData()]
        if self.second_lang.currentData() and self.second_lang.currentData() != languages[0]:
            languages.append(self.second_lang.currentData())
        return CertificateTemplate(
            organisation=self.organisation.text().strip(), signatory=self.signatory.text().strip(),
            signatory_title=self.signatory_title.text().strip(),
            course_title=self.course.text().strip(), languages=languages,
            show_score=self.show_score.isChecked(), serial_prefix=self.prefix.text().strip(),
            logo_path=self.logo.text().strip(), signature_path=self.signature.text().strip())

    def preview(self) -> None:
        """A sample certificate (not recorded, not signed) in the system's PDF viewer."""
        template = self.template()
        lang = template.languages[0]
        sample = Certificate("", f"{template.serial_prefix or 'IDT'}-0000-000000", "",
                             _("Sample Name"), template.course_title or _("Course title"),
                             87.5, lang, self.ctx.store.clock().date().isoformat(), "",
                             "IDT1.preview.only", None, None, self.kind)
        path = Path(tempfile.mkdtemp()) / "preview.pdf"
        try:
            render([sample], template, path)
        except (CertificateError, OSError) as exc:  # a logo refused at the picture gate
            self.error.setText(str(exc))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _save(self) -> None:
        try:
            self.ctx.store.certificates.save_template(self.template(), self.kind)
        except CertificateError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class CertificatesPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        # Verify: anyone. A USB QR scanner types the code and presses Enter.
        self.verify_box = QGroupBox()
        self.code = QLineEdit()
        self.code.returnPressed.connect(self.verify)
        self.verify_button = QPushButton()
        self.verify_button.clicked.connect(self.verify)
        self.verdict = QLabel(wordWrap=True)
        self.verdict.setObjectName("verdict")
        self.last_verdict: Verdict | None = None  # kept as data: re-shown in a new language
        row = QHBoxLayout()
        row.addWidget(self.code, 1)
        row.addWidget(self.verify_button)
        column = QVBoxLayout(self.verify_box)
        column.addLayout(row)
        column.addWidget(self.verdict)
        # Trainer: issue, print a class, manage.
        self.issue_box = QGroupBox()
        self.name = QLineEdit()
        self.course = QLineEdit()
        self.lang = language_combo()
        self.lang.activated.connect(lambda _i: self.lang.setProperty("chosen", True))
        self.score = QDoubleSpinBox()
        self.score.setRange(-1, 100)
        self.score.setSpecialValueText("—")
        self.score.setValue(-1)
        self.issue_button = QPushButton()
        self.issue_button.clicked.connect(self.issue)
        self.name_label, self.course_label = QLabel(), QLabel()
        self.score_label = QLabel()
        issue_row = QHBoxLayout(self.issue_box)
        for w in (self.name_label, self.name, self.course_label, self.course, self.lang,
                  self.score_label, self.score, self.issue_button):
            issue_row.addWidget(w)
        self.class_box = QGroupBox()
        self.classes = QComboBox()
        self.class_lang = language_combo()
        self.class_lang.activated.connect(lambda _i: self.class_lang.setProperty("chosen", True))
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_class)
        self.template_button = QPushButton()
        self.template_button.clicked.connect(lambda: TemplateDialog(self.ctx, self).exec())
        self.quiz_choice = QComboBox()
        self.passes_button = QPushButton()
        self.passes_button.clicked.connect(self.print_passes)
        class_row = QHBoxLayout(self.class_box)
        for w in (self.classes, self.class_lang, self.print_button, self.quiz_choice,
                  self.passes_button):
            class_row.addWidget(w)
        class_row.addStretch(1)
        class_row.addWidget(self.template_button)
        self.table = QTableWidget(0, 5)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.reprint_button = QPushButton()
        self.reprint_button.clicked.connect(self.reprint)
        self.revoke_button = QPushButton()
        self.revoke_button.clicked.connect(self.revoke)
        manage = QHBoxLayout()
        manage.addStretch(1)
        manage.addWidget(self.reprint_button)
        manage.addWidget(self.revoke_button)
        self.trainer_part = QWidget()
        trainer_column = QVBoxLayout(self.trainer_part)
        trainer_column.setContentsMargins(0, 0, 0, 0)
        for part in (self.issue_box, self.class_box, self.table):
            trainer_column.addWidget(part)
        trainer_column.addLayout(manage)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.verify_box)
        layout.addWidget(self.trainer_part, 1)
        layout.addStretch(0)
        ctx.language_changed.connect(self.retranslate)
        ctx.session_changed.connect(self.refresh)
        ctx.when_changed(self, self.refresh, "certificates", "certificate_events", "classes",
                         "class_members", "trainees", "quizzes", "attempts")
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Certificates"))
        self.verify_box.setTitle(_("Verify a certificate"))
        self.code.setPlaceholderText(_("Scan the QR code, or type the serial printed on the "
                                       "certificate, then press Enter"))
        self.verify_button.setText(_("&Verify"))
        self.issue_box.setTitle(_("Issue a certificate by hand"))
        self.name_label.setText(_("Name:"))
        self.course_label.setText(_("Course:"))
        self.score_label.setText(_("Score %:"))
        self.issue_button.setText(_("&Issue…"))
        self.class_box.setTitle(_("Print a class"))
        self.print_button.setText(_("&Print class…"))
        self.passes_button.setText(_("Print &passes…"))
        self.passes_button.setToolTip(_("Certificates for everyone who passed the quiz"))
        self.template_button.setText(_("&Template…"))
        self.table.setHorizontalHeaderLabels(
            [_("Serial"), _("Name"), _("Course"), _("Date"), _("Status")])
        self.reprint_button.setText(_("&Reprint…"))
        self.revoke_button.setText(_("Re&voke…"))
        self.show_verdict()
        self.refresh()

    def refresh(self) -> None:
        self.trainer_part.setVisible(self.ctx.trainer_unlocked)
        if not self.ctx.trainer_unlocked:
            return
        current = self.classes.currentData()
        self.classes.clear()
        for klass in self.ctx.store.classes.all():
            self.classes.addItem(klass.name, klass.uuid)
        self.classes.setCurrentIndex(max(0, self.classes.findData(current)))
        self.print_button.setEnabled(self.classes.count() > 0)
        current_quiz = self.quiz_choice.currentData()
        self.quiz_choice.clear()
        for quiz in self.ctx.store.quizzes.awarding():
            title = self.ctx.store.quizzes.get(quiz, i18n.current_language()).title
            self.quiz_choice.addItem(title, quiz)
        self.quiz_choice.setCurrentIndex(max(0, self.quiz_choice.findData(current_quiz)))
        self.quiz_choice.setVisible(self.quiz_choice.count() > 0)
        self.passes_button.setVisible(self.quiz_choice.count() > 0)
        template = self.ctx.store.certificates.template()
        if not self.course.text():
            self.course.setText(template.course_title)
        for combo in (self.lang, self.class_lang):
            if not combo.property("chosen"):  # follow the template until someone picks
                combo.setCurrentIndex(combo.findData(template.languages[0]))
        certs = self.ctx.store.certificates.all()
        self.table.setRowCount(len(certs))
        for row, cert in enumerate(certs):
            status = _("revoked") if cert.revoked_at else _("issued")
            for col, text in enumerate((cert.serial, cert.trainee_name, cert.course_title,
                                        shown_date(cert.issued_on), status)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    # -- actions -----------------------------------------------------------------------

    def verify(self) -> None:
        if not self.code.text().strip():
            return
        self.last_verdict = self.ctx.store.certificates.verify(self.code.text())
        self.show_verdict()

    def show_verdict(self) -> None:
        """The last verification, in the current language."""
        verdict = self.last_verdict
        if verdict is None:
            self.verdict.clear()
            return
        d = verdict.details
        lines = [_(VERDICTS[verdict.status]).format(serial=d.get("serial", ""))]
        if d.get("name"):
            lines.append(_("{name} — {course}, {date}, No. {serial}").format(
                name=d["name"], course=d["course"], date=shown_date(d["date"]),
                serial=d["serial"]))
        if d.get("score") is not None and verdict.by_serial:
            lines.append(_("Score: {score}").format(
                score=i18n.format_percent(d["score"] / 100)))
        if d.get("revoked_at"):  # revoked, on DATE, reason (learned at the last sync)
            lines.append(_("Revoked on {date}").format(date=shown_date(d["revoked_at"][:10])))
        if d.get("reason"):
            lines.append(_("Reason: {reason}").format(reason=d["reason"]))
        colour = COLOURS.get(verdict.status, "#a01010")
        shown = "<br>".join(html.escape(line, quote=False) for line in lines)
        text = f'<b style="color:{colour}">{shown}</b>'
        if verdict.status == "unregistered":
            text += "<br>" + html.escape(_(UNREGISTERED_HINT), quote=False)
        if verdict.by_serial:
            text += "<br><i>" + html.escape(_(SERIAL_CAUTION), quote=False) + "</i>"
        self.verdict.setText(text)

    def _write(self, make: Callable[[], list[Certificate]], path: Path,
               nothing: str = "", then: Callable[[], None] | None = None) -> None:
        """Issue (or reprint) and print on a worker thread, in one transaction: the
        certificates are recorded only if the PDF was written."""
        store = self.ctx.store

        def work(task: Task) -> int:
            return len(store.certificates.write_pdf(make, path, progress=task.progress))

        run_in_background(parent=self, work=work,
                          on_done=lambda n: self._written(n, path, nothing, then),
                          on_error=self._failed, label=_("Writing certificates…"))

    def _written(self, count: int, path: Path, nothing: str = "",
                 then: Callable[[], None] | None = None) -> None:
        if not count:
            QMessageBox.information(self, _("Certificates"), nothing)
            return
        if then is not None:
            then()
        QMessageBox.information(self, _("Certificates"), i18n.ngettext(
            "{n} certificate written to {path}", "{n} certificates written to {path}",
            count).format(n=count, path=path))

    def _failed(self, exc: BaseException) -> None:
        QMessageBox.warning(self, _("Certificates"), str(exc))

    def issue(self) -> None:
        score = self.score.value() if self.score.value() >= 0 else None
        name, course, lang = self.name.text(), self.course.text(), self.lang.currentData()
        manager = self.ctx.store.certificates
        try:  # the limits are checked before a file is asked for
            manager.check_texts(name, course)
        except CertificateError as exc:
            QMessageBox.warning(self, _("Certificates"), str(exc))
            return
        path = ask_pdf_path(self, f"{' '.join(name.split()) or 'certificate'}.pdf")
        if path is None:
            return
        # The name is cleared once the certificate is written; after a failure it stays.
        self._write(lambda: [manager.issue(name, course, lang, score=score)], path,
                    then=self.name.clear)

    def print_class(self) -> None:
        klass, lang = self.classes.currentData(), self.class_lang.currentData()
        manager = self.ctx.store.certificates
        course = self.course.text() or manager.template().course_title
        if not klass or not course:
            QMessageBox.warning(self, _("Certificates"),
                                _("Choose a class and fill in the course title."))
            return
        try:
            manager.check_texts("-", course)
        except CertificateError as exc:
            QMessageBox.warning(self, _("Certificates"), str(exc))
            return
        path = ask_pdf_path(self, f"{self.classes.currentText()}.pdf")
        if path is not None:
            self._write(lambda: manager.for_class(klass, course, lang), path,
                        _("The class has no trainees."))

    def print_passes(self) -> None:
        quiz, lang = self.quiz_choice.currentData(), self.class_lang.currentData()
        if not quiz:
            return
        manager = self.ctx.store.certificates
        course = self.course.text() or None
        if (path := ask_pdf_path(self, f"{self.quiz_choice.currentText()}.pdf")) is not None:
            self._write(lambda: manager.for_quiz(quiz, lang, course), path,
                        _("Nobody has passed this quiz yet."))

    def selected_serial(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.text() if item else None

    def reprint(self) -> None:
        serial = self.selected_serial()
        manager = self.ctx.store.certificates
        if serial and (path := ask_pdf_path(self, f"{serial}.pdf")) is not None:
            self._write(lambda: [manager.reprint(serial)], path)

    def revoke(self) -> None:
        serial = self.selected_serial()
        if not serial:
            return
        reason, ok = QInputDialog.getText(self, _("Revoke certificate"),
                                          _("Why is {serial} revoked?").format(serial=serial))
        if not ok:
            return
        try:
            self.ctx.store.certificates.revoke(serial, reason)
        except CertificateError as exc:
            QMessageBox.warning(self, _("Certificates"), str(exc))
            return
