"""The USB sync page: one click on an officer's laptop, results import in trainer mode."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from idtrainer.core import usb
from idtrainer.core.keys import fingerprint
from idtrainer.core.quizzes import QuizSettings, Rule


def test_one_click_sync_writes_results_and_offers_new_content(signed_in, make_laptop, qtbot,
                                                              tmp_path: Path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from idtrainer.gui import sync as sync_module

    stick = tmp_path / "stick"
    stick.mkdir()
    trainer = make_laptop("A")
    trainer.trainer.set_password("steppe-eagle-7", name="Trainer A")
    quiz = trainer.quizzes.save("Итоговый тест", QuizSettings(),
                                [Rule("random", count=3, filter={"types": ["truefalse"]})])
    usb.write_content(trainer, stick, title="Almaty")

    asked = []
    monkeypatch.setattr(sync_module, "ask_to_trust", lambda parent, m: asked.append(m) or True)
    page = signed_in.sync
    page.add_folder(str(stick))
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)

    store = signed_in.ctx.store
    publisher = trainer.keys.public_of(trainer.keys.publisher()[0])
    assert [m.fingerprint for m in asked] == [fingerprint(publisher)]
    assert store.scalar("SELECT 1 FROM quizzes WHERE uuid = ?", (quiz,)) == 1
    written = usb.results_on_stick(stick)
    assert [p.name for p in written] == [usb.results_file_name(store)]
    assert not list(stick.rglob("*.partial"))
    log = page.log.toPlainText()
    assert "Results written to" in log and "content from" in log
    assert page.history.rowCount() == 2  # the export and the import
    signed_in.ctx.set_language("kk")  # the log follows a language switch
    assert "Нәтижелер жазылды" in page.log.toPlainText()
    assert "Results written" not in page.log.toPlainText()
    signed_in.ctx.set_language("en")

    # A second sync finds nothing new and asks nothing.
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    assert "No new course content on the stick." in page.log.toPlainText()
    assert len(asked) == 1
    # The offer of newer content from a trusted trainer is a question the officer answers.
    usb.write_content(trainer, stick, title="Second day")
    questions = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a: questions.append(a[2]) or
                        QMessageBox.StandardButton.No)
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    assert questions and "Second day" in questions[0]


def test_trainer_imports_every_laptop_on_the_stick(signed_in, make_laptop, qtbot,
                                                   tmp_path: Path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    stick = tmp_path / "stick"
    for name in ("B", "C"):
        laptop = make_laptop(name)
        laptop.trainees.create(f"Officer {name}")
        laptop.set_setting("device_name", f"laptop-{name}")
        usb.write_results(laptop, stick)
    damaged = usb.results_folder(stick) / "damaged.idtb"
    damaged.write_bytes(b"PK\x03\x04 not really a zip")
    ctx = signed_in.ctx
    page = signed_in.sync
    assert page.trainer_box.isHidden()
    ctx.unlock_trainer()
    assert not page.trainer_box.isHidden()
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    from idtrainer.gui import sync as sync_module

    asked = []  # each new laptop's name and fingerprint, once, before the import
    monkeypatch.setattr(sync_module, "ask_to_trust", lambda parent, m: asked.append(m) or True)
    page.add_folder(str(stick))
    before = ctx.store.count("trainees")
    qtbot.mouseClick(page.import_results_button, Qt.MouseButton.LeftButton)
    assert sorted(m.producer_name for m in asked) == ["laptop-B", "laptop-C"]
    assert ctx.store.count("trainees") == before + 2
    log = page.log.toPlainText()
    summary = "Results from 2 laptops: 0 attempts, 2 new profiles; 1 file refused: damaged"
    assert summary in log and "unchanged" not in log  # a sentence, not a per-table dump
    assert page.state.text() == f"Done. {summary}"
    assert warnings and "damaged.idtb: not a complete bundle" in warnings[0]
    assert not page.details.isVisibleTo(page) and page.details_button.isEnabled()
    qtbot.mouseClick(page.details_button, Qt.MouseButton.LeftButton)  # the per-table detail
    assert page.details.isVisibleTo(page)
    details = page.details.toPlainText()
    assert "results from laptop-B" in details and "results from laptop-C" in details
    assert "REJECTED damaged.idtb: not a complete bundle" in details
    ctx.set_language("ru")  # the summary, the state and the detail follow the language
    assert "ноутбук" in page.log.toPlainText() and "Results from" not in page.log.toPlainText()
    assert "Results from" not in page.state.text()
    assert "laptop-B" in page.details.toPlainText()
    assert "added" not in page.details.toPlainText()
    ctx.set_language("en")
    devices = {page.history.item(r, 3).text() for r in range(page.history.rowCount())}
    assert {"laptop-B", "laptop-C"} <= devices


def test_a_new_laptop_is_shown_by_name_and_fingerprint(signed_in, make_laptop, tmp_path: Path):
    from idtrainer.core import bundles
    from idtrainer.gui.sync import trust_box

    laptop = make_laptop("B")
    laptop.set_setting("device_name", "Кеден-7")
    made = bundles.export_bundle(laptop, "results", tmp_path / "b.idtb")
    page = signed_in.sync
    own = signed_in.ctx.store.keys.device()[0]
    mine = fingerprint(signed_in.ctx.store.keys.public_of(own))
    for lang, word in (("ru", "Отпечаток"), ("kk", "саусақ ізі")):
        signed_in.ctx.set_language(lang)
        assert mine in page.device_fingerprint.text()  # what the trainer compares with
        box = trust_box(page, made.manifest)
        text = box.informativeText()
        assert "Кеден-7" in text and made.manifest.fingerprint in text and word in text
        box.grab().save(str(tmp_path / f"device-box-{lang}.png"))
        page.grab().save(str(tmp_path / f"sync-{lang}.png"))
    signed_in.ctx.set_language("en")


def test_no_stick_says_what_to_do_and_every_button_says_so(signed_in, qtbot, monkeypatch,
                                                          tmp_path: Path):
    from PySide6.QtWidgets import QMessageBox

    from idtrainer.gui import sync as sync_module

    monkeypatch.setattr(sync_module, "removable_drives", lambda: [])
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    ctx = signed_in.ctx
    ctx.store.trainer.set_password("steppe-eagle-7")
    ctx.unlock_trainer()
    page = signed_in.sync
    page.refresh_drives()
    assert page.stick() is None
    assert page.state.text().startswith("No USB stick found. Insert the class USB stick")
    assert "“Other folder…”" in page.state.text()
    before = ctx.store.scalar("SELECT COUNT(*) FROM sync_log")
    for button in (page.write_content_button, page.import_results_button, page.sync_button):
        shown.clear()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert len(shown) == 1 and shown[0].startswith("No USB stick found"), button.text()
    # and nothing was written anywhere
    assert ctx.store.scalar("SELECT COUNT(*) FROM sync_log") == before
    for lang in ("ru", "kk"):
        ctx.set_language(lang)
        assert "No USB stick" not in page.state.text() and page.state.text()
        page.grab().save(str(tmp_path / f"no-stick-{lang}.png"))
    ctx.set_language("en")
    stick = tmp_path / "stick"
    stick.mkdir()
    page.add_folder(str(stick))
    assert page.state.text() == f"Ready: {stick}."


def test_this_laptops_name_is_set_on_the_page_and_signs_its_results(
        signed_in, qtbot, tmp_path: Path):
    from idtrainer.core import bundles

    store = signed_in.ctx.store
    page = signed_in.sync
    assert page.device_name.text() == bundles.hostname_name(store)  # the default
    page.device_name.setText("  Кеден   бекеті 7 ")
    qtbot.mouseClick(page.save_name_button, Qt.MouseButton.LeftButton)
    assert page.device_name.text() == "Кеден бекеті 7"
    assert "This laptop is now called Кеден бекеті 7." in page.log.toPlainText()
    stick = tmp_path / "stick"
    stick.mkdir()
    page.add_folder(str(stick))
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    (written,) = usb.results_on_stick(stick)
    assert written.name.startswith("Кеден_бекеті_7-")
    with bundles.BundleReader.open(written) as reader:
        assert reader.manifest.producer_name == "Кеден бекеті 7"
    page.device_name.setText("x" * 10)
    page.device_name.setText("")  # empty: back to the computer's name
    page.save_device_name()
    assert page.device_name.text() == bundles.hostname_name(store)
