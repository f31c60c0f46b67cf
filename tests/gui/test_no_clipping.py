"""Issue 17: no text is cut on any page or in any dialog, at 1366×768, in every
interface language, at the normal and at larger text sizes."""

from __future__ import annotations

import inspect

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QMessageBox

from idtrainer.gui.forms import FormDialog
from idtrainer.tools import dialog_tour

# The real static dialogs: conftest makes them fail so nothing hangs; the tour catches
# them while they run and closes them.
REAL = {name: getattr(QMessageBox, name) for name in ("question", "information", "about",
                                                       "warning")}
REAL_GET_TEXT = QInputDialog.getText

LANGS = ["ru", "kk", "uz", "en"]
SCALES = [1.0, 1.3]


def settle(qtbot) -> None:
    """Let a new language, text size or page lay itself out (a re-applied stylesheet
    posts its layout requests in more than one round)."""
    for _round in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


def real_statics(monkeypatch) -> None:
    for name, fn in REAL.items():
        monkeypatch.setattr(QMessageBox, name, fn)
    monkeypatch.setattr(QInputDialog, "getText", REAL_GET_TEXT)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("lang", LANGS)
def test_no_dialog_cuts_its_text(window, qtbot, monkeypatch, lang, scale):
    real_statics(monkeypatch)
    window.ctx.set_language(lang)
    window.ctx.apply_font_scale(scale)
    settle(qtbot)
    problems: list[str] = []
    seen: list[str] = []

    def visit(name, dialog):
        seen.append(name)
        problems.extend(f"{name}: {p}" for p in dialog_tour.too_big(dialog)
                        + dialog_tour.clipped(dialog))

    dialog_tour.tour(window, visit)
    assert len(seen) >= 25
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("lang", LANGS)
def test_no_page_cuts_its_text(window, qtbot, lang, scale):
    window.ctx.set_language(lang)
    window.ctx.apply_font_scale(scale)
    window.resize(*dialog_tour.SCREEN)
    settle(qtbot)
    problems = [f"start: {p}" for p in dialog_tour.clipped(window)]
    state = dialog_tour.prepare(window)
    window.ctx.unlock_trainer()
    for row in range(window.nav.count()):
        window.resize(*dialog_tour.SCREEN)  # each page judged on its own
        window.go_to(row)
        settle(qtbot)
        problems += [f"page {row}: {p}" for p in dialog_tour.too_big(window)
                     + dialog_tour.clipped(window)]
    card = window.open_species(str(state["saiga"]))
    qtbot.addWidget(card)
    card.resize(*dialog_tour.SCREEN)
    settle(qtbot)
    problems += [f"card: {p}" for p in dialog_tour.clipped(card)]
    assert not problems, "\n".join(problems)


def test_the_tour_opens_every_dialog_class():
    """A new dialog class must join the tour (and so the screenshots and this check)."""
    import importlib
    import pkgutil

    import idtrainer.gui as gui

    source = inspect.getsource(dialog_tour)
    missing = []
    for info in pkgutil.walk_packages(gui.__path__, "idtrainer.gui."):
        module = importlib.import_module(info.name)
        for name, cls in vars(module).items():
            if (inspect.isclass(cls) and issubclass(cls, QDialog) and cls is not FormDialog
                    and cls.__module__ == module.__name__ and f"{name}" not in source):
                missing.append(f"{module.__name__}.{name}")
    assert not missing, missing
