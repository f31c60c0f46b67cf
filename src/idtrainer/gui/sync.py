"""USB sync: one click writes this laptop's results to the stick and offers new content;
in trainer mode, write content and import every laptop's results with a progress bar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import bundles, i18n, usb
from idtrainer.core.i18n import gettext as _
from idtrainer.core.keys import MIN_PASSPHRASE, KeyFileError
from idtrainer.gui.context import AppContext
from idtrainer.gui.forms import FormDialog, button_row, secret_field
from idtrainer.gui.runner import Task, run_in_background

FOLDER_ROLE = Qt.ItemDataRole.UserRole
#: The colour of the page's state line: what is wrong, what is going on, what is done.
STATE_COLOURS = {"nostick": "#a05a00", "problem": "#a01010", "busy": "#1a4f8b",
                 "done": "#1b6e20"}


def no_stick_text() -> str:
    return _("No USB stick found. Insert the class USB stick and press “{again}”, or choose "
             "a folder with “{folder}”.").format(again=_("Look again"),
                                                 folder=_("Other folder…"))


def removable_drives() -> list[tuple[str, str]]:
    """(label, root path) of mounted volumes that look like USB sticks."""
    from PySide6.QtCore import QStorageInfo

    drives = []
    for volume in QStorageInfo.mountedVolumes():
        root = volume.rootPath()
        if volume.isValid() and volume.isReady() and not volume.isReadOnly() \
                and not volume.isRoot() and usb.looks_removable(root):
            free = i18n.format_number(round(volume.bytesAvailable() / 2**30, 1))
            label = _("{name} ({root}), {free} GB free").format(
                name=volume.displayName() or root, root=root, free=free)
            drives.append((label, root))
    return drives


def ask_to_trust(parent: QWidget, manifest: bundles.Manifest) -> bool:
    """The first content from a publisher: show the key's fingerprint and ask."""
    return trust_box(parent, manifest).exec() == QMessageBox.StandardButton.Yes


def trust_box(parent: QWidget | None, manifest: bundles.Manifest) -> QMessageBox:
    if manifest.kind == "results":
        return device_box(parent, manifest)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Trust this trainer?"))
    box.setText(_("The course content on the stick is signed by a key this laptop does not "
                  "trust yet."))
    box.setInformativeText(_(
        "Signed on: {name}\nKey fingerprint:\n{fingerprint}\n\nAsk the trainer to read out the "
        "fingerprint of their key (Trainer mode, USB sync) and trust it only if every group "
        "matches.").format(name=manifest.producer_name or manifest.producer_device,
                           fingerprint=manifest.fingerprint))
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText(_("Trust and import"))
    box.button(QMessageBox.StandardButton.No).setText(_("Do not trust"))
    return box


def device_box(parent: QWidget | None, manifest: bundles.Manifest) -> QMessageBox:
    """The first results from a laptop: its name and key fingerprint, and the question."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Accept results from this laptop?"))
    box.setText(_("These results come from a laptop this laptop has not accepted yet."))
    box.setInformativeText(_(
        "Laptop: {name}\nKey fingerprint:\n{fingerprint}\n\nThe laptop shows its fingerprint "
        "on its USB sync page. Accept it only if every group matches: from then on, only "
        "this key can send results in this laptop's name.").format(
        name=manifest.producer_name or manifest.producer_device,
        fingerprint=manifest.fingerprint))
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText(_("Accept and import"))
    box.button(QMessageBox.StandardButton.No).setText(_("Do not accept"))
    return box


class ContentDialog(FormDialog):
    """What goes into a content bundle: everything, or chosen modules and quizzes."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, _("Write course content"), self._check, _(
            "Laptops that import this bundle get the chosen content with every species, "
            "question and picture it needs."))
        self.ctx = ctx
        self.everything = QRadioButton(_("All content"))
        self.chosen = QRadioButton(_("Only the modules and quizzes ticked below"))
        self.everything.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.everything)
        group.addButton(self.chosen)
        self.items = QListWidget()
        self.items.setMinimumHeight(220)
        self.setMinimumWidth(620)
        lang = i18n.current_language()
        store = ctx.store
        for module in store.lessons.module_uuids():
            title = store.texts.get("modules", module, "title", lang)
            self._add(_("Module: {title}").format(title=title.value if title else "?"),
                      ("modules", module))
        for quiz in store.quizzes.all_uuids():
            self._add(_("Quiz: {title}").format(title=store.quizzes.get(quiz, lang).title),
                      ("quizzes", quiz))
        self.items.setEnabled(False)
        self.chosen.toggled.connect(self.items.setEnabled)
        self.title = QLineEdit()
        self.title.setPlaceholderText(_("e.g. Almaty course, November"))
        self.form.addRow(self.everything)
        self.form.addRow(self.chosen)
        self.form.addRow(self.items)
        self.form.addRow(_("Note for the laptops:"), self.title)

    def _add(self, text: str, data: tuple[str, str]) -> None:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        item.setData(FOLDER_ROLE, data)
        self.items.addItem(item)

    def selection(self) -> tuple[list[str], list[str]]:
        if self.everything.isChecked():
            return [], []
        picked: dict[str, list[str]] = {"modules": [], "quizzes": []}
        for i in range(self.items.count()):
            item = self.items.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                kind, uuid = item.data(FOLDER_ROLE)
                picked[kind].append(uuid)
        return picked["modules"], picked["quizzes"]

    def _check(self) -> None:
        if self.chosen.isChecked() and self.selection() == ([], []):
            self.error.setText(_("Tick at least one module or quiz."))
            return
        self.accept()


class KeyFileDialog(FormDialog):
    """Save the publisher key for the trainer's new laptop, or load it there."""

    def __init__(self, ctx: AppContext, saving: bool, parent: QWidget | None = None) -> None:
        title = _("Save the publisher key") if saving else _("Load a publisher key")
        hint = _("The file lets another laptop sign content and certificates as you. Protect "
                 "it with a passphrase of at least {n} characters and keep the two apart."
                 ).format(n=MIN_PASSPHRASE) if saving else _(
            "Load the key file saved on your old laptop; content and certificates are signed "
            "with it from now on.")
        super().__init__(parent, title, self._ok, hint)
        self.ctx, self.saving = ctx, saving
        self.path = QLineEdit()
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._browse)
        self.passphrase = secret_field()
        self.again = secret_field()
        self.form.addRow(_("File:"), button_row(self.path, browse, wrap=False))
        self.form.addRow(_("Passphrase:"), self.passphrase)
        if saving:
            self.form.addRow(_("The same again:"), self.again)
        self.key_id = ""

    def _browse(self) -> None:
        if self.saving:
            path, _f = QFileDialog.getSaveFileName(self, self.windowTitle(),
                                                   str(Path.home() / "publisher.idtkey"))
        else:
            path, _f = QFileDialog.getOpenFileName(self, self.windowTitle(), str(Path.home()))
        if path:
            self.path.setText(path)

    def _ok(self) -> None:
        path = Path(self.path.text().strip()) if self.path.text().strip() else None
        if path is None:
            self.error.setText(_("Choose a file."))
            return
        if self.saving and self.passphrase.text() != self.again.text():
            self.error.setText(_("The passphrases differ."))
            return
        keys = self.ctx.store.keys
        try:
            self.key_id = (keys.export_publisher if self.saving else keys.import_publisher)(
                path, self.passphrase.text())
        except KeyFileError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class SyncPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.heading = QLabel()
        self.heading.setObjectName("pageTitle")  # styled as every page title (gui/style.py)
        self.intro = QLabel(wordWrap=True)
        self.device_fingerprint = QLabel(wordWrap=True)
        self.device_fingerprint.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name_label = QLabel()
        self.device_name = QLineEdit()
        self.device_name.setMaxLength(bundles.MAX_DEVICE_NAME)
        self.device_name.returnPressed.connect(self.save_device_name)
        self.save_name_button = QPushButton()
        self.save_name_button.clicked.connect(self.save_device_name)
        self.name_hint = QLabel(wordWrap=True)
        self.name_hint.setObjectName("hint")
        self.stick_label = QLabel()
        self.drives = QComboBox()
        self.drives.setMinimumWidth(320)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.refresh_drives)
        self.folder_button = QPushButton()
        self.folder_button.clicked.connect(self._choose_folder)
        self.sync_button = QPushButton()
        self.sync_button.setObjectName("primary")
        self.sync_button.setMinimumHeight(40)
        self.sync_button.clicked.connect(self.sync)
        # What the page is doing: no stick (and what to do), ready, reading, done, not done.
        self.state = QLabel(wordWrap=True)
        self.state.setObjectName("syncState")
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.state_kind = ""
        self.state_text: Callable[[], str] = str

        self.trainer_box = QGroupBox()
        self.write_content_button = QPushButton()
        self.write_content_button.clicked.connect(self.write_content)
        self.import_results_button = QPushButton()
        self.import_results_button.clicked.connect(self.import_results)
        self.fingerprint = QLabel(wordWrap=True)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_key_button = QPushButton()
        self.save_key_button.clicked.connect(lambda: self._key_file(saving=True))
        self.load_key_button = QPushButton()
        self.load_key_button.clicked.connect(lambda: self._key_file(saving=False))
        trainer = QVBoxLayout(self.trainer_box)
        trainer.addWidget(button_row(self.write_content_button, self.import_results_button))
        trainer.addWidget(self.fingerprint)
        trainer.addWidget(button_row(self.save_key_button, self.load_key_button))

        self.log_label = QLabel()
        self.log = QPlainTextEdit(readOnly=True)
        self.log.setMinimumHeight(90)
        # The per-table detail of the last import, behind a button.
        self.details_button = QPushButton()
        self.details_button.setCheckable(True)
        self.details_button.setEnabled(False)
        self.details = QPlainTextEdit(readOnly=True)
        self.details.setMinimumHeight(140)
        self.details.setVisible(False)
        self.details_button.toggled.connect(self.details.setVisible)
        self.last_outcomes: list[bundles.BatchOutcome] = []
        self.history_label = QLabel()
        self.history = QTableWidget(0, 5)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().setVisible(False)
        self.history.horizontalHeader().setStretchLastSection(True)

        name_row = QHBoxLayout()
        name_row.addWidget(self.name_label)
        name_row.addWidget(self.device_name, 1)
        name_row.addWidget(self.save_name_button)
        stick_row = QHBoxLayout()
        stick_row.addWidget(self.stick_label)
        stick_row.addWidget(self.drives, 1)
        stick_row.addWidget(self.refresh_button)
        stick_row.addWidget(self.folder_button)
        log_row = QHBoxLayout()
        log_row.addWidget(self.log_label, 1)
        log_row.addWidget(self.details_button)
        # The page scrolls when it is taller than the window (1366 × 768 at larger text
        # sizes), rather than squeezing its wrapped lines.
        body = QWidget()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(body)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addLayout(name_row)
        layout.addWidget(self.name_hint)
        layout.addWidget(self.device_fingerprint)
        layout.addLayout(stick_row)
        layout.addWidget(self.state)
        layout.addWidget(button_row(self.sync_button))
        layout.addWidget(self.trainer_box)
        layout.addLayout(log_row)
        layout.addWidget(self.log, 1)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.history_label)
        layout.addWidget(self.history, 1)

        self.extra_folders: list[str] = []
        self.log_entries: list[Callable[[], list[str] | str]] = []
        ctx.language_changed.connect(self.retranslate)
        ctx.session_changed.connect(self._session_changed)
        ctx.when_changed(self, self.refresh_history, "sync_log")
        self.device_name.setText(bundles.default_device_name(ctx.store))
        self.retranslate()
        self.refresh_drives()
        self._session_changed()

    # -- labels --------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.heading.setText(_("USB sync"))
        self.intro.setText(_(
            "Insert the class USB stick and press Sync: this laptop's results are written to "
            "the stick, and new course content from the trainer is offered. A stick pulled "
            "out too early never leaves a file that looks complete; just sync again."))
        from idtrainer.core.keys import fingerprint

        device = self.ctx.store.keys.device()[0]
        self.device_fingerprint.setText(_(
            "This laptop's key fingerprint (the trainer compares it the first time your "
            "results arrive): {fingerprint}").format(
            fingerprint=fingerprint(self.ctx.store.keys.public_of(device))))
        self.name_label.setText(_("This laptop's name:"))
        self.save_name_button.setText(_("Save name"))
        self.name_hint.setText(_(
            "The trainer sees this name with this laptop's results and content. Leave it "
            "empty to use the computer's name ({host}).").format(
            host=bundles.hostname_name(self.ctx.store)))
        self.stick_label.setText(_("USB stick:"))
        self.refresh_button.setText(_("Look again"))
        self.folder_button.setText(_("Other folder…"))
        self.sync_button.setText(_("Sync with this stick"))
        self.trainer_box.setTitle(_("Trainer"))
        self.write_content_button.setText(_("Write course content to the stick…"))
        self.import_results_button.setText(_("Import all results from the stick"))
        self.save_key_button.setText(_("Save the publisher key…"))
        self.load_key_button.setText(_("Load a publisher key…"))
        self.log_label.setText(_("What happened:"))
        self.details_button.setText(_("Details"))
        self.details_button.setToolTip(_("What each file changed, table by table"))
        self.history_label.setText(_("Earlier syncs:"))
        self.history.setHorizontalHeaderLabels(
            [_("When"), _("Direction"), _("Kind"), _("From laptop"), _("File and rows")])
        self.drives.setPlaceholderText(_("No USB stick found"))
        self._show_fingerprint()
        self.refresh_history()
        self._render_log()
        self._render_details()
        self._render_state()

    def _session_changed(self) -> None:
        self.trainer_box.setVisible(self.ctx.trainer_unlocked)
        if not self.device_name.hasFocus():  # e.g. named at trainer setup meanwhile
            self.device_name.setText(bundles.default_device_name(self.ctx.store))
        self._show_fingerprint()

    def _show_fingerprint(self) -> None:
        found = self.ctx.store.keys.publisher() if self.ctx.trainer_unlocked else None
        if found is None:
            self.fingerprint.setText(_("This laptop has no publisher key yet: it is made when "
                                       "trainer mode is set up, or loaded from your old "
                                       "laptop."))
            return
        from idtrainer.core.keys import fingerprint

        self.fingerprint.setText(_("Your publisher key's fingerprint (laptops compare it before "
                                   "they trust your content): {fingerprint}").format(
            fingerprint=fingerprint(self.ctx.store.keys.public_of(found[0]))))

    # -- the stick -----------------------------------------------------------------------

    def refresh_drives(self) -> None:
        current = self.stick()
        self.drives.clear()
        for label, root in removable_drives():
            self.drives.addItem(label, root)
        for folder in self.extra_folders:
            self.drives.addItem(folder, folder)
        if current:
            index = self.drives.findData(current)
            if index >= 0:
                self.drives.setCurrentIndex(index)
        if self.stick() is None or self.state_kind in ("", "nostick", "ready"):
            self._stick_state()  # a result stays shown while its stick is there

    def _stick_state(self) -> None:
        root = self.stick()
        if root is None:
            self._set_state("nostick", no_stick_text)
        else:
            self._set_state("ready", lambda: _("Ready: {stick}.").format(stick=root))

    def _set_state(self, kind: str, text: Callable[[], str]) -> None:
        """Show what the page is doing; ``text`` is called again when the language changes."""
        self.state_kind, self.state_text = kind, text
        self._render_state()

    def _render_state(self) -> None:
        colour = STATE_COLOURS.get(self.state_kind, "")
        self.state.setStyleSheet(f"QLabel {{ color: {colour}; font-weight: bold; }}"
                                 if colour else "")
        self.state.setText(self.state_text())

    def _no_stick(self) -> None:
        """Say so, instead of doing nothing, when a button needs a stick and there is none."""
        self._set_state("nostick", no_stick_text)
        QMessageBox.information(self, _("USB sync"), no_stick_text())

    def add_folder(self, folder: str) -> None:
        """Use a folder as the stick (a network share, a memory card reader, tests)."""
        if folder not in self.extra_folders:
            self.extra_folders.append(folder)
        self.refresh_drives()
        self.drives.setCurrentIndex(self.drives.findData(folder))
        self._stick_state()

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Choose the stick or folder"))
        if folder:
            self.add_folder(folder)

    def stick(self) -> Path | None:
        root = self.drives.currentData()
        return Path(root) if root else None

    def _say(self, text: Callable[[], list[str] | str]) -> None:
        """Add to the log; ``text`` is called again when the language changes."""
        self.log_entries.append(text)
        self.log.appendPlainText(_joined(text()))

    def _render_log(self) -> None:
        self.log.setPlainText("\n".join(_joined(text()) for text in self.log_entries))

    def _fail(self, exc: BaseException) -> None:
        # The runner sends bugs to the error dialog; here only errors a person can act on.
        self._say(lambda: _("Not done: {reason}").format(reason=exc))
        self._set_state("problem", lambda: _("Not done: {reason}").format(reason=exc))
        QMessageBox.warning(self, _("USB sync"), str(exc))
        self.refresh_history()

    # -- officer: one click ------------------------------------------------------------

    def sync(self) -> None:
        root = self.stick()
        if root is None:
            self._no_stick()
            return
        self._set_state("busy", lambda: _("Writing this laptop's results to the stick…"))

        def work(task: Task) -> bundles.ExportResult:
            return usb.write_results(task.store, root,
                                     progress=lambda d, t, _n: task.progress(d, t))

        run_in_background(parent=self, store=self.ctx.store, work=work,
                          on_done=lambda r: self._written(r, root),
                          on_error=self._fail, label=_("Writing results to the stick…"))

    def _written(self, result: bundles.ExportResult, root: Path) -> None:
        rows = sum(result.manifest.counts.get(t, 0) for t in ("attempts", "answers"))
        self._say(lambda: _("Results written to {path} ({rows} attempt and answer rows).").format(
            path=result.path, rows=rows))
        self._set_state("busy", lambda: _("Reading the stick…"))
        offer = usb.newest_content(self.ctx.store, root)
        if offer is None:
            self._say(lambda: _("No new course content on the stick."))
            self._set_state("done", lambda: _("Done: results written; no new course content "
                                              "on the stick."))
            self.refresh_history()
            return
        m = offer.manifest
        when = _shown_time(m.created_at)
        if offer.trusted:
            answer = QMessageBox.question(self, _("New course content"), _(
                "The stick holds course content from {name}, made {when}{title}. Import it "
                "now?").format(name=m.producer_name, when=when,
                               title=f" ({m.title})" if m.title else ""))
            if answer != QMessageBox.StandardButton.Yes:
                self._set_state("done", lambda: _("Done: results written; the new course "
                                                  "content was not imported."))
                return
        self.import_files([offer.path])

    # -- trainer -------------------------------------------------------------------------

    def import_results(self) -> None:
        root = self.stick()
        if root is None:
            self._no_stick()
            return
        files = usb.results_on_stick(root)
        if not files:
            self._say(lambda: _("No results on the stick (looked in {folder}).").format(
                folder=usb.results_folder(root)))
            self._set_state("done", lambda: _("No results on the stick (looked in "
                                              "{folder}).").format(
                folder=usb.results_folder(root)))
            return
        self.import_files(files, content=False)

    def import_files(self, files: list[Path], *, content: bool = True) -> None:
        answers: dict[str, bool] = {}

        def trust(manifest: bundles.Manifest) -> bool:
            # Asked on the GUI thread before the work starts (below): never from the worker.
            return answers.get(manifest.signer_key_id, False)

        # New publishers and new laptops are asked about here, on the GUI thread.
        for manifest in bundles.untrusted(self.ctx.store, files):
            answers[manifest.signer_key_id] = ask_to_trust(self, manifest)

        self._set_state("busy", lambda: _("Reading the stick…"))

        def work(task: Task) -> list[bundles.BatchOutcome]:
            return bundles.import_many(task.store, files, trust=trust,
                                       progress=lambda d, t, _n: task.progress(d, t))

        run_in_background(parent=self, store=self.ctx.store, work=work,
                          on_done=self._imported, on_error=self._fail,
                          label=_("Checking and importing {n} files…").format(n=len(files)))

    def _imported(self, outcomes: list[bundles.BatchOutcome]) -> None:
        self.last_outcomes = outcomes
        self._say(lambda: bundles.human_summary(outcomes))
        self._set_state("done", lambda: _("Done. {summary}").format(
            summary=bundles.human_summary(outcomes)))
        self._render_details()
        rejected = [o for o in outcomes if o.error]
        if rejected:
            QMessageBox.warning(self, _("USB sync"), "\n".join(
                [_("These files were not imported; nothing from them was changed:")]
                + [o.error or "" for o in rejected]))
        self.refresh_history()

    def _render_details(self) -> None:
        self.details_button.setEnabled(bool(self.last_outcomes))
        self.details.setPlainText("\n".join(bundles.details(self.last_outcomes)))

    # -- this laptop's name --------------------------------------------------------------

    def save_device_name(self) -> None:
        try:
            name = bundles.set_device_name(self.ctx.store, self.device_name.text())
        except bundles.DeviceNameError as exc:
            message = str(exc)
            self._set_state("problem", lambda: message)
            return
        self.device_name.setText(name)
        self._say(lambda: _("This laptop is now called {name}.").format(name=name))

    def write_content(self) -> None:
        root = self.stick()
        if root is None:
            self._no_stick()
            return
        if self.ctx.store.keys.publisher() is None:
            QMessageBox.warning(self, _("USB sync"), _(
                "This laptop has no publisher key: set up trainer mode, or load your key."))
            return
        dialog = ContentDialog(self.ctx, self)
        if dialog.exec() != ContentDialog.DialogCode.Accepted:
            return
        modules, quizzes = dialog.selection()
        title = dialog.title.text().strip()
        self._set_state("busy", lambda: _("Writing course content to the stick…"))

        def work(task: Task) -> bundles.ExportResult:
            return usb.write_content(task.store, root, modules=modules, quizzes=quizzes,
                                     title=title,
                                     progress=lambda d, t, _n: task.progress(d, t))

        def done(result: bundles.ExportResult) -> None:
            self._say(lambda: _("Course content written to {path} ({size} MB).").format(
                path=result.path, size=i18n.format_number(round(result.bytes / 2**20, 1))))
            self._set_state("done", lambda: _("Done: course content written to {path}.").format(
                path=result.path))
            self.refresh_history()

        run_in_background(parent=self, store=self.ctx.store, work=work, on_done=done,
                          on_error=self._fail,
                          label=_("Writing course content to the stick…"))

    def _key_file(self, saving: bool) -> None:
        dialog = KeyFileDialog(self.ctx, saving, self)
        if dialog.exec() == KeyFileDialog.DialogCode.Accepted:
            self._say(lambda: (_("Publisher key {key} saved.") if saving else
                       _("Publisher key {key} loaded; it signs from now on.")).format(
                key=dialog.key_id))
            self._show_fingerprint()

    # -- history -------------------------------------------------------------------------

    def refresh_history(self) -> None:
        rows = self.ctx.store.sync_log.recent(200)
        self.history.setRowCount(len(rows))
        for i, row in enumerate(rows):
            rows_text = _("{file}: {added} added, {updated} updated").format(
                file=row.file_name, added=row.added, updated=row.updated) \
                if row.direction == "import" else row.file_name
            if row.direction == "edit":  # an authoring session (core/authoring.py)
                rows_text = _("content edited on {laptop}: {added} added, {updated} "
                              "updated").format(
                    laptop=row.summary.get("producer_name") or row.producer_device[:8],
                    added=row.added, updated=row.updated)
            for flag in row.summary.get("flags", []):  # refused rows, re-graded attempts
                rows_text += "\n" + _("FLAGGED: {flag}").format(flag=flag)
            cells = [_shown_time(row.at),
                     {"import": _("import"), "edit": _("edit")}.get(row.direction,
                                                                   _("export")),
                     _("content") if row.kind == "content" else _("results"),
                     _("this laptop") if row.direction in ("export", "edit") else
                     row.summary.get("producer_name") or row.producer_device[:8], rows_text]
            for column, text in enumerate(cells):
                self.history.setItem(i, column, QTableWidgetItem(text))
        for column in range(self.history.columnCount() - 1):  # the last one stretches
            self.history.resizeColumnToContents(column)


def _joined(text: list[str] | str) -> str:
    return "\n".join(text) if isinstance(text, list) else text


def _shown_time(stamp: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return stamp
    return i18n.format_datetime(moment, "short")
