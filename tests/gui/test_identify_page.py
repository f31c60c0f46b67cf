"""The Identify page, driven with the keyboard alone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from idtrainer.core import i18n

SAMPLE = Path(__file__).parents[1] / "data" / "cites" / "Index_of_CITES_Species_2017-04-21.csv"


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:
    """A key press delivered to whatever has the keyboard focus, as a person types."""
    for _ in range(times):
        focus = QApplication.focusWidget()
        assert focus is not None
        qtbot.keyClick(focus, key, modifier)


def choose(qtbot, page, character: str, state: str) -> None:
    """Move to ``character`` in the question list with ↓, Enter, then to ``state``, Enter."""
    assert QApplication.focusWidget() is page.characters
    rows = [page.characters.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(page.characters.count())]
    moves = rows.index(character) - page.characters.currentRow()
    press(qtbot, Qt.Key.Key_Down if moves > 0 else Qt.Key.Key_Up, times=abs(moves))
    press(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is page.states
    states = [page.states.item(i).data(Qt.ItemDataRole.UserRole)
              for i in range(page.states.count())]
    press(qtbot, Qt.Key.Key_Down, times=states.index(state) - page.states.currentRow())
    press(qtbot, Qt.Key.Key_Return)


def test_saiga_horn_in_kazakh_with_the_keyboard_alone(signed_in, qtbot):
    window = signed_in
    store = window.ctx.store
    store.experts.set_country("KZ")           # set at setup on a real laptop
    window.ctx.set_language("kk")
    press(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = window.identify
    assert window.pages.currentWidget() is page
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    page.characters.setFocus()                # the page opens with the questions focused
    assert page.title.text() != "Identify a seized item"   # Kazakh, not English
    assert page.characters.currentItem().data(Qt.ItemDataRole.UserRole) == "item"

    choose(qtbot, page, "item", "hard-parts")
    assert page.candidates.count() == 14
    assert "★" in page.characters.currentItem().text()      # the best next question
    choose(qtbot, page, "horn-colour", "amber")
    assert [page.candidates.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(page.candidates.count())] == ["saiga-tatarica"]
    why = [page.discarded.item(i).text() for i in range(page.discarded.count())]
    gazelle = next(t for t in why if "Gazella subgutturosa" in t)
    assert "Кәріптас" in gazelle or "кәріптас" in gazelle    # names the answer that excluded it

    press(qtbot, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is page.candidates
    result = page.result.toPlainText()
    assert "Ақбөкен" in result
    assert "II қосымша · тексерілді: 2026" in result          # the Appendix with its date
    assert "Не істеу керек" in result                         # what to do
    assert "Кімге хабарласу керек" in result                  # whom to call, in Kazakh:
    assert result.count("☎ толтыру керек: телефон") == 2      # two placeholders, no number
    assert "Қазақстан" in result and "Өзбекстан" not in result

    press(qtbot, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    compare = window.compares[-1]
    saiga = store.species.uuid_for("saiga-tatarica")
    gazelle_uuid = store.species.uuid_for("gazella-subgutturosa")
    assert compare.species_shown() == (saiga, gazelle_uuid)

    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.candidates.count() == 14
    press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert page.candidates.count() == 47


def test_language_switch_keeps_the_answers(signed_in, qtbot):
    window = signed_in
    window.ctx.set_language("ru")
    page = window.identify
    page.answer("item", "meat-eggs-caviar")
    page.answer("food-kind", "caviar")
    assert page.candidates.count() == 4
    assert "ДНК" in page.result.toPlainText()         # not separable: the reason, in Russian
    window.ctx.set_language("uz")
    assert page.candidates.count() == 4
    assert "DNK" in page.result.toPlainText()
    assert any("Ikra" in page.characters.item(i).text() or "ikra" in
               page.characters.item(i).text() for i in range(page.characters.count()))


def test_checklist_answer_is_marked_and_dated(signed_in, qtbot):
    window = signed_in
    store = window.ctx.store
    page = window.identify
    page.lookup.setText("Dendrobium nobile")
    press_target = page.lookup
    press_target.setFocus()
    qtbot.keyClick(press_target, Qt.Key.Key_Return)
    assert "No checklist imported" in page.result.toPlainText()
    store.checklist.import_file(SAMPLE)
    page.lookup.setText("Ophrys sphegodes")
    qtbot.keyClick(page.lookup, Qt.Key.Key_Return)
    text = page.result.toPlainText()
    assert "covered by genus Ophrys" in text
    assert "Checklist of 2017-04-21: not current" in text
    assert "Checklist entry: no identification material." in text


def test_library_lists_checklist_entries_clearly_marked(signed_in, qtbot):
    window = signed_in
    window.ctx.store.checklist.import_file(SAMPLE)
    library = window.library
    library.search.setText("Dendrobium")
    library.refresh()
    entries = library.checklist_entries()
    assert entries and all("checklist entry: no identification material" in e for e in entries)
    assert all("Checklist of 2017-04-21: not current" in e for e in entries)
    library.search.setText("saiga")
    library.refresh()
    assert library.checklist_entries() == []       # the curated species is not listed twice
    assert library.visible_species() == [window.ctx.store.species.uuid_for("saiga-tatarica")]
    library.search.setText("Ophrys")
    library.refresh()
    row = next(i for i in range(library.list.count())
               if "Ophrys apifera" in library.list.item(i).text())
    library.list.setCurrentRow(row)
    library.list.setFocus()
    qtbot.keyClick(library.list, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.identify
    assert "Ophrys apifera" in window.identify.result.toPlainText()


def test_country_set_at_start_filters_the_experts_on_cards(window, qtbot):
    store = window.ctx.store
    start = window.start
    start.country.setCurrentIndex(start.country.findData("UZ"))
    assert store.experts.country() == "UZ"
    card = window.open_species(store.species.uuid_for("falco-cherrug"))
    text = card.body.toPlainText().split("Whom to call")[1]
    assert "Uzbekistan" in text and "Kazakhstan" not in text
    assert text.count("to fill in: phone") == 2          # placeholders, never a number
    card.close()


def test_trainer_edits_experts_and_imports_the_checklist(window, qtbot, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from idtrainer.gui.experts import ExpertsDialog

    ctx = window.ctx
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    dialog = ExpertsDialog(ctx, window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 8
    dialog.table.item(0, 5).setText("call me maybe")          # the phone column
    dialog.save()
    assert warnings and "Row 1: phone: not a phone number" in warnings[-1]
    assert all(not e.phone for e in ctx.store.experts.all())   # nothing written
    dialog.table.item(0, 5).setText("+7 717 000 00 00")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert sorted(e.phone for e in ctx.store.experts.all())[-1] == "+7 717 000 00 00"

    page = window.identify
    ctx.unlock_trainer()
    assert page.checklist_button.isVisibleTo(page)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(SAMPLE), ""))
    page.choose_checklist()
    assert ctx.store.checklist.count() == 25
    assert "Checklist of 2017-04-21: not current" in page.checklist_note.text()


def test_result_also_shows_the_imported_checklist(signed_in):
    window = signed_in
    window.ctx.store.checklist.import_file(SAMPLE)
    page = window.identify
    page.answer("item", "hard-parts")
    page.answer("horn-colour", "amber")
    text = page.result.toPlainText()
    assert "In the imported CITES checklist" in text
    assert "Saiga tatarica" in text and "Checklist of 2017-04-21: not current" in text


def test_page_fits_1366_by_768_in_every_language(signed_in):
    window = signed_in
    page = window.identify
    page.answer("item", "hard-parts")
    for lang in i18n.LANGUAGES:
        window.ctx.set_language(lang)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 768, (lang, hint)
        assert window.nav.width() >= window.nav.sizeHintForColumn(0), lang   # nav not squeezed
