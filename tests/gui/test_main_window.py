from __future__ import annotations

from idtrainer.core import i18n
from idtrainer.gui.app import MainWindow


def test_switching_language_retranslates_the_open_window(qtbot, loaded):
    window = MainWindow(loaded)
    qtbot.addWidget(window)
    window.show()
    assert "Welcome" in window.heading.text()
    english_title = window.windowTitle()

    window.language_actions["kk"].trigger()
    assert i18n.current_language() == "kk"
    assert window.windowTitle() != english_title
    assert "Welcome" not in window.heading.text()
    assert window.language_actions["kk"].isChecked()
    assert loaded.get_setting("locale") == "kk"

    window.language_actions["ru"].trigger()
    assert "IDTrainer" in window.windowTitle()
    assert window.language_menu.title() == i18n.gettext("&Language")
    window.close()


def test_language_menu_names_languages_in_their_own_script(qtbot, loaded):
    window = MainWindow(loaded)
    qtbot.addWidget(window)
    names = [a.text() for a in window.language_menu.actions()]
    assert names == ["Русский", "Қазақша", "Oʻzbekcha", "English"]
    window.close()
