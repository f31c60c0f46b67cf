"""The application's shared state: the store, who is signed in, trainer mode, text size.

Views hold the context and listen to its signals: ``changed`` after each committed
write, carrying the :class:`~idtrainer.core.changes.Committed` that core emitted
(the one Qt adapter of ``store.changes``; a view subscribes with :meth:`AppContext.
when_changed` naming the tables it shows), ``language_changed`` after a language
switch (each widget retranslates), ``session_changed`` when the trainee or trainer
mode changes, ``exam_changed`` when a closed-book exam attempt begins or ends
(:attr:`AppContext.exam_attempt`). See docs/architecture.md, "Change notifications".
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from idtrainer.core import i18n
from idtrainer.core.changes import Committed
from idtrainer.core.store import Store
from idtrainer.gui import application

LANGUAGE_SETTING = "locale"
FONT_SCALE_SETTING = "font_scale"
IDLE_LOCK_SETTING = "trainer_idle_lock_minutes"
FONT_SCALES = (0.85, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0)


class _CommittedEvent(QEvent):
    """A commit's news, posted to the GUI thread's AppContext from whichever thread
    committed: always queued, as a queued connection is, without naming
    ``Qt.ConnectionType`` at start-up (see ``main_window.set_keys``)."""

    TYPE = QEvent.Type(QEvent.registerEventType())

    def __init__(self, committed: Committed) -> None:
        super().__init__(self.TYPE)
        self.committed = committed


class _TableFilter(QObject):
    """Calls a view's slot for commits that touch the tables it shows; a child of the
    view, so the connection ends when the view is deleted."""

    def __init__(self, view: QObject, slot: Callable[[], object], tables: tuple[str, ...]
                 ) -> None:
        super().__init__(view)
        self.slot, self.tables = slot, tables

    def deliver(self, committed: Committed) -> None:
        if committed.touches(*self.tables):
            self.slot()


class AppContext(QObject):
    #: A committed write (core's ``Committed``), always delivered on the GUI thread.
    changed = Signal(object)
    language_changed = Signal(str)
    session_changed = Signal()
    #: A closed-book exam attempt began (its uuid) or ended (None).
    exam_changed = Signal(object)

    def __init__(self, store: Store, app: QApplication | None = None) -> None:
        super().__init__()
        self.store = store
        # Heard on whichever thread committed; delivered as ``changed`` on this one.
        self._unsubscribe = store.changes.subscribe(
            lambda committed: QCoreApplication.postEvent(self, _CommittedEvent(committed)))
        self._attached = True
        self.app = app or application()
        self.trainee: str | None = None
        self.trainer_unlocked = False
        #: The closed-book exam attempt being taken, if any: while it runs the main
        #: window closes Learn, Library, Identify, Practice and the species cards.
        self.exam_attempt: str | None = None
        self._base_font = QFont(self.app.font())
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self.lock_trainer)
        i18n.add_language_listener(self._on_language)
        self.apply_font_scale(self.font_scale())

    # -- language ----------------------------------------------------------------------

    @property
    def language(self) -> str:
        return i18n.current_language()

    def set_language(self, lang: str) -> None:
        """Switch now; remember it for this laptop and for the signed-in trainee."""
        self.store.set_setting(LANGUAGE_SETTING, lang)
        if self.trainee:
            self.store.trainees.set_locale(self.trainee, lang)
        i18n.set_language(lang)

    def _on_language(self, lang: str) -> None:
        self.language_changed.emit(lang)

    def detach(self) -> None:
        self._attached = False  # news still queued is for views that are closing
        self.idle_timer.stop()  # no trainer lock firing into a closed window later
        self._unsubscribe()
        i18n.remove_language_listener(self._on_language)
        self.app.removeEventFilter(self)

    # -- session -----------------------------------------------------------------------

    def sign_in(self, trainee: str) -> None:
        self.trainee = trainee
        person = self.store.trainees.get(trainee)
        if person and person.locale and person.locale != self.language:
            i18n.set_language(person.locale)
        self.session_changed.emit()

    def sign_out(self) -> None:
        self.end_exam()  # the attempt stays open; it resumes when they sign in again
        self.trainee = None
        self.lock_trainer()
        self.session_changed.emit()

    @property
    def exam_in_progress(self) -> bool:
        return self.exam_attempt is not None

    def begin_exam(self, attempt: str) -> None:
        """A closed-book attempt is being taken: the rest of the app closes."""
        if self.exam_attempt != attempt:
            self.exam_attempt = attempt
            self.exam_changed.emit(attempt)

    def end_exam(self) -> None:
        """The attempt was submitted or left: everything is open again."""
        if self.exam_attempt is not None:
            self.exam_attempt = None
            self.exam_changed.emit(None)

    def unlock_trainer(self) -> None:
        self.trainer_unlocked = True
        # Key presses, clicks and the wheel restart the idle lock; watched only while
        # trainer mode is unlocked: an application-wide filter in Python sees every
        # event of every widget (and made building the start screen cost 30 ms more).
        self.app.installEventFilter(self)
        self._restart_idle()
        self.session_changed.emit()

    def lock_trainer(self) -> None:
        self.store.trainer.lock()  # the publisher key is forgotten with the session
        if self.trainer_unlocked:
            self.trainer_unlocked = False
            self.idle_timer.stop()
            self.app.removeEventFilter(self)
            self.session_changed.emit()

    def idle_minutes(self) -> int:
        return int(self.store.get_setting(IDLE_LOCK_SETTING, "10") or 10)

    def _restart_idle(self) -> None:
        if self.trainer_unlocked:
            self.idle_timer.start(self.idle_minutes() * 60_000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.trainer_unlocked and event.type() in (
                QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel):
            self._restart_idle()
        return False

    # -- data --------------------------------------------------------------------------

    def customEvent(self, event: QEvent) -> None:
        if isinstance(event, _CommittedEvent) and self._attached:
            self.changed.emit(event.committed)

    def when_changed(self, view: QObject, slot: Callable[[], object], *tables: str) -> None:
        """Call ``slot`` (on the GUI thread, after the commit) whenever a write touches
        one of ``tables``, from this window, a background task or another view."""
        relay = _TableFilter(view, slot, tables)
        self.changed.connect(relay.deliver)

    # -- text size ---------------------------------------------------------------------

    def font_scale(self) -> float:
        try:
            return float(self.store.get_setting(FONT_SCALE_SETTING, "1.0") or 1.0)
        except ValueError:
            return 1.0

    def apply_font_scale(self, scale: float) -> None:
        font = QFont(self._base_font)
        font.setPointSizeF(max(6.0, self._base_font.pointSizeF() * scale))
        self.app.setFont(font)
        if self.app.styleSheet():  # titles are sized from the text size: scale them too
            from idtrainer.gui import style

            style.apply(self.app)

    def step_font(self, direction: int) -> None:
        """Larger (+1), smaller (-1) or the default size (0); remembered on this laptop."""
        current = self.font_scale()
        if direction == 0:
            scale = 1.0
        else:
            nearest = min(range(len(FONT_SCALES)), key=lambda i: abs(FONT_SCALES[i] - current))
            index = max(0, min(len(FONT_SCALES) - 1, nearest + direction))
            scale = FONT_SCALES[index]
        self.store.set_setting(FONT_SCALE_SETTING, str(scale))
        self.apply_font_scale(scale)
