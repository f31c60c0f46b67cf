"""The Species and Questions tabs of the authoring page, driven as a trainer would:
type a species, then a question of each of the six types; see the problems appear as
one types; undo and redo; delete with the prompt that says what points at it; the edits
go out in the next content bundle and the sync history says "content edited"."""

from __future__ import annotations

import json
import zipfile

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from idtrainer.core import bundles
from idtrainer.core.store import content_uuid
from idtrainer.gui.authoring.questions_tab import OptionRow, PairRow, QuestionsTab
from idtrainer.gui.authoring.species_tab import LookalikeRow, ProductRow, SpeciesTab


@pytest.fixture
def page(window):
    window.ctx.unlock_trainer()
    yield window.page("author")
    window.ctx.lock_trainer()  # stops the idle timer, which would outlive the test


def type_species(tab: SpeciesTab) -> None:
    tab.bar.buttons["new"].click()
    tab.slug.setText("otocolobus-manul")  # the starter course has it already
    assert "id: id 'otocolobus-manul' is used 2 times" in problems(tab)
    tab.slug.setText("felis-chaus")
    tab.scientific.setText("Felis chaus")
    tab.synonyms.setText("Felis catolynx")
    tab.group.setCurrentIndex(tab.group.findData("mammals"))
    tab.names.inputs["ru"].setText("Манул")
    tab.names.inputs["en"].setText("Pallas's cat")
    tab.names.inputs["kk"].setText("Сабаншы")
    tab.other_names.inputs["ru"].setText("Палласов кот, степной кот")
    tab.appendix.setCurrentIndex(tab.appendix.findData("II"))
    tab.source.setText("CITES Appendices, valid from 2025-02-07")
    tab.checked_on.setText("2026-11-20")
    tab.to_verify.setChecked(True)
    tab.annotation.inputs["en"].setPlainText("Annotation")
    tab.texts["summary"].inputs["ru"].setPlainText("Небольшая дикая кошка.")
    tab.texts["handling"].inputs["ru"].setPlainText("Только в перчатках.")
    tab.texts["what_to_do"].inputs["ru"].setPlainText("Задержать и сообщить.")
    tab.features.add_button.click()
    tab.features.rows[0].inputs["ru"].setPlainText("Низко посаженные округлые уши")
    tab.products.add_button.click()
    product = tab.products.rows[0]
    assert isinstance(product, ProductRow)
    product.kind.setCurrentIndex(product.kind.findData("skin"))
    product.words.inputs["ru"].setPlainText("Шкуры в багаже, под видом домашней кошки")
    tab.lookalikes.add_button.click()
    look = tab.lookalikes.rows[0]
    assert isinstance(look, LookalikeRow)
    look.other.set_value("saiga-tatarica")
    look.points.inputs["ru"].setPlainText("Совсем не похож — проверка ссылок")


def problems(tab) -> str:
    return "\n".join(tab.problems.texts())


def test_species_then_six_questions_from_the_gui(page, window, tmp_path, monkeypatch):
    store = window.ctx.store
    species = page.show_tab("species")
    assert isinstance(species, SpeciesTab)
    species.bar.buttons["new"].click()
    assert "name: is required" in problems(species)
    assert not species.bar.buttons["save"].isEnabled()
    type_species(species)
    # a warning (the picture comes on the Pictures tab), nothing that blocks
    assert "⚠ images: every species needs at least one image" in problems(species)
    assert "✕" not in problems(species)
    species.bar.buttons["save"].click()
    uuid = content_uuid("species", "felis-chaus")
    card = store.species.card(uuid, "kk")
    assert card and card.summary.name and card.summary.name.value == "Сабаншы"
    assert card.listing and card.listing.to_verify and card.listing.checked_on == "2026-11-20"
    assert card.other_names == {"ru": ["Палласов кот", "степной кот"]}
    assert card.synonyms == ["Felis catolynx"]
    assert [lk.other_slug for lk in card.lookalikes] == ["saiga-tatarica"]
    assert "felis-chaus" in [species.list.item(i).toolTip()
                                  for i in range(species.list.count())]

    questions = page.show_tab("questions")
    assert isinstance(questions, QuestionsTab)

    def start(slug: str, qtype: str) -> None:
        questions.bar.buttons["new"].click()
        questions.slug.setText(slug)
        questions.qtype.setCurrentIndex(questions.qtype.findData(qtype))
        questions.stem.inputs["ru"].setPlainText(f"Вопрос {slug}")
        questions.feedback.inputs["ru"].setPlainText("Пояснение")
        questions.species.setText("felis-chaus")

    def option(text: str = "", species: str = "", correct: bool = False) -> None:
        questions.options.add_button.click()
        row = questions.options.rows[-1]
        assert isinstance(row, OptionRow)
        if species:
            row.species.set_value(species)
            row._species_changed()
        else:
            row.words.inputs["ru"].setText(text)
        row.correct.setChecked(correct)

    def save() -> None:
        assert "✕" not in problems(questions), problems(questions)
        questions.bar.buttons["save"].click()

    start("manul-single", "single")
    option("Манул")
    option("манул ")
    assert "options 1 and 2 are the same" in problems(questions)
    assert "mark exactly one option correct = true" in problems(questions)
    questions.options.rows[1].words.inputs["ru"].setText("Рысь")
    questions.options.rows[0].correct.setChecked(True)
    questions.species.setText("felis-chaus, no-such-cat")
    assert "no species with id 'no-such-cat'" in problems(questions)
    questions.species.setText("felis-chaus")
    save()

    start("manul-multiple", "multiple")
    option("Кошка", correct=True)
    option(species="felis-chaus", correct=True)
    option("Антилопа")
    save()

    start("manul-truefalse", "truefalse")
    questions.truth.setCurrentIndex(questions.truth.findData(False))
    save()

    start("manul-image", "image")
    option(species="felis-chaus", correct=True)
    option(species="saiga-tatarica")
    assert "an image question needs an image" in problems(questions)
    questions.picture.setCurrentIndex(1)
    save()

    start("manul-matching", "matching")
    for left, right in (("Манул", "Приложение II"), ("Сайгак", "Приложение II, аннотация")):
        questions.pairs.add_button.click()
        pair = questions.pairs.rows[-1]
        assert isinstance(pair, PairRow)
        pair.left.inputs["ru"].setText(left)
        pair.right.inputs["ru"].setText(right)
    save()

    start("manul-appendix", "appendix")
    questions.appendix.setCurrentIndex(questions.appendix.findData("II"))
    save()

    from idtrainer.core.scoring import correct_response, score

    saved = {q.qtype: q for q in (store.questions.get(u, "ru") for u in store.questions.uuids())
             if q and q.slug and q.slug.startswith("manul-")}
    assert sorted(saved) == sorted(["single", "multiple", "truefalse", "image", "matching",
                                    "appendix"])
    for q in saved.values():
        assert score(q, correct_response(q)) == 1.0
        assert q.species == [uuid]
    assert saved["truefalse"].answer == {"value": False}

    # "Try it": the exam's own question widget, with a verdict
    questions.open_item("questions", saved["single"].uuid)
    questions.try_button.click()
    dialog = questions.try_dialog
    assert dialog is not None
    assert [b.text() for b in dialog.view.buttons] == ["1. Манул", "2. Рысь"]
    dialog.view.choose(1)
    assert "Right." in dialog.verdict.text()
    dialog.close()

    # the sync history: one line for this editing session
    entry = store.sync_log.recent()[0]
    assert entry.direction == "edit" and entry.added > 0
    sync = window.page("sync")
    QApplication.processEvents()
    assert "content edited on" in sync.history.item(0, 4).text()

    # the edits go out in the next content bundle
    store.trainer.set_password("steppe-eagle-7", name="Trainer")
    result = bundles.export_bundle(store, "content", tmp_path / "course.idtb")
    with zipfile.ZipFile(result.path) as z:
        rows = {t: {json.loads(line)["uuid"] for line in z.read(f"data/{t}.jsonl").splitlines()}
                for t in ("species", "questions", "texts")}
    assert uuid in rows["species"]
    assert {q.uuid for q in saved.values()} <= rows["questions"]
    assert content_uuid("text", f"{content_uuid('taxon', 'felis-chaus')}/name/kk") \
        in rows["texts"]


def test_undo_redo_and_delete_with_references(page, window, monkeypatch):
    store = window.ctx.store
    species = page.show_tab("species")
    assert isinstance(species, SpeciesTab)
    type_species(species)
    from PySide6.QtGui import QKeySequence, QShortcut

    shortcut = species.findChild(QShortcut)
    assert shortcut.key() == QKeySequence(QKeySequence.StandardKey.Save)
    shortcut.activated.emit()  # Ctrl+S while the tab has the focus
    uuid = content_uuid("species", "felis-chaus")
    assert store.species.uuid_for("felis-chaus") == uuid  # Ctrl+S saved it
    species.features.add_button.click()
    species.features.rows[1].inputs["en"].setPlainText("Round pupils")
    species.bar.buttons["save"].click()
    assert len(store.species.card(uuid, "en").features) == 2
    species.bar.buttons["undo"].click()
    assert len(store.species.card(uuid, "en").features) == 1
    assert len(species.features.rows) == 1  # the editor shows the restored species
    species.bar.buttons["redo"].click()
    assert len(store.species.card(uuid, "en").features) == 2

    questions = page.show_tab("questions")
    questions.bar.buttons["new"].click()
    questions.slug.setText("points-at-manul")
    questions.qtype.setCurrentIndex(questions.qtype.findData("appendix"))
    questions.stem.inputs["en"].setPlainText("Which Appendix?")
    questions.species.setText("felis-chaus")
    questions.bar.buttons["save"].click()
    assert store.questions.get(content_uuid("question", "points-at-manul"), "en")

    asked: list[str] = []

    def answer(reply):
        def question(parent, title, text, *args):
            asked.append(text)
            return reply
        return question

    species.open_item("species", uuid)
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    species.bar.buttons["delete"].click()
    assert "points-at-manul" in asked[0]
    assert store.species.uuid_for("felis-chaus") == uuid  # "No" keeps it
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    species.bar.buttons["delete"].click()
    assert store.species.uuid_for("felis-chaus") is None
    # the question now links to a species that is gone: the editor says so
    questions.open_item("questions", content_uuid("question", "points-at-manul"))
    assert "no species with id 'felis-chaus'" in problems(questions)
    species.bar.buttons["undo"].click()
    assert store.species.uuid_for("felis-chaus") == uuid


def test_not_in_trainer_mode(window):
    from idtrainer.core.authoring import AuthoringError
    from idtrainer.gui.authoring.editing import session_for

    with pytest.raises(AuthoringError):
        session_for(window.ctx)


def test_linked_species_chosen_by_name(page, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialog

    questions = page.show_tab("questions")
    assert isinstance(questions, QuestionsTab)
    questions.species.setText("typed-id")

    def pick_saiga(dialog):
        listing = dialog.findChild(type(questions.list))
        search = dialog.findChild(type(questions.slug))
        search.setText("сайгак")  # by its Russian name
        shown = [listing.item(i) for i in range(listing.count())
                 if not listing.item(i).isHidden()]
        assert [i.data(Qt.ItemDataRole.UserRole) for i in shown] == ["saiga-tatarica"]
        shown[0].setCheckState(Qt.CheckState.Checked)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QDialog, "exec", pick_saiga)
    questions.species_button.click()
    assert questions.species.text() == "saiga-tatarica, typed-id"
    assert "no species with id 'typed-id'" in problems(questions)


def test_a_detached_context_stops_its_trainer_idle_timer(window):
    window.ctx.unlock_trainer()
    assert window.ctx.idle_timer.isActive()
    window.ctx.detach()
    assert not window.ctx.idle_timer.isActive()
