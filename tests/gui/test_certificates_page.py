from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtWidgets import QFileDialog, QMessageBox

from idtrainer.gui.main_window import PAGES


def open_page(window):
    window.go_to([key for key, _label in PAGES].index("certificates"))
    return window.certificates


def test_anyone_can_verify_but_only_a_trainer_issues(signed_in, qtbot):
    window = signed_in
    store = window.ctx.store
    store.trainer.set_password("steppe-eagle-7")
    cert = store.certificates.issue("Айгерим Сейітова", "CITES", "kk", score=90)
    page = open_page(window)
    assert not page.trainer_part.isVisible()
    page.code.setText(cert.payload)
    page.code.returnPressed.emit()
    assert "Valid" in page.verdict.text() and cert.serial in page.verdict.text()
    page.code.setText(cert.payload[:-3] + "abc")
    page.verify()
    assert "Not valid" in page.verdict.text()
    window.ctx.unlock_trainer()
    assert page.trainer_part.isVisible()
    assert page.table.rowCount() == 1 and page.table.item(0, 0).text() == cert.serial


def test_trainer_prints_a_class_from_the_page(signed_in, qtbot, tmp_path, monkeypatch):
    window = signed_in
    store = window.ctx.store
    store.trainer.set_password("steppe-eagle-7")
    klass = store.classes.create("Dushanbe 2026")
    for name in ("Фарход Раҳимов", "Oʻlmas Gʻulomov", "Ирина Ким"):
        store.classes.add_member(klass, store.trainees.create(name))
    window.ctx.unlock_trainer()
    page = open_page(window)
    page.refresh()
    target = tmp_path / "class.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    page.course.setText("CITES species identification")
    page.class_lang.setCurrentIndex(page.class_lang.findData("ru"))
    page.print_class()
    assert target.exists() and len(PdfReader(target).pages) == 3
    assert shown and "3" in shown[0]
    # Issuing them notified the page through core's change notifications.
    qtbot.waitUntil(lambda: page.table.rowCount() == 3)


def test_template_dialog_saves_and_refuses_a_bad_prefix(window, qtbot):
    from idtrainer.gui.certificates import TemplateDialog

    dialog = TemplateDialog(window.ctx)
    qtbot.addWidget(dialog)
    dialog.organisation.setText("Bojxona akademiyasi")
    dialog.main_lang.setCurrentIndex(dialog.main_lang.findData("uz"))
    dialog.second_lang.setCurrentIndex(dialog.second_lang.findData("ru"))
    dialog.prefix.setText("ЎЗ")
    dialog._save()
    assert dialog.error.text() and window.ctx.store.certificates.template().organisation == ""
    dialog.prefix.setText("UZ")
    dialog._save()
    saved = window.ctx.store.certificates.template()
    assert (saved.organisation, saved.languages, saved.serial_prefix) == (
        "Bojxona akademiyasi", ["uz", "ru"], "UZ")


def test_trainer_prints_the_passes_of_a_quiz(signed_in, qtbot, tmp_path, monkeypatch):
    from idtrainer.core.quizzes import QuizSettings, Rule
    from idtrainer.core.scoring import correct_response

    window = signed_in
    store = window.ctx.store
    quiz = store.quizzes.save("Итоговый тест", QuizSettings(award_certificate=True),
                              [Rule("random", count=3, filter={"types": ["appendix"]})])
    attempt = store.attempts.start(quiz, window.ctx.trainee, "ru")
    for item in attempt.items:
        store.attempts.answer(attempt.uuid, item["q"],
                              correct_response(store.questions.get(item["q"], "ru")))
    store.attempts.submit(attempt.uuid)  # no publisher key yet: nothing issued here
    assert store.certificates.all() == []
    store.trainer.set_password("steppe-eagle-7")  # results merged on the trainer's laptop
    window.ctx.unlock_trainer()
    page = open_page(window)
    page.refresh()
    assert page.quiz_choice.currentData() == quiz
    target = tmp_path / "passes.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    page.print_passes()
    assert len(PdfReader(target).pages) == 1
    (cert,) = store.certificates.all()
    assert cert.trainee_name == "Айгерим Сейітова" and cert.score == 100.0


def test_template_dialog_refuses_a_hostile_logo_on_save_and_preview(window, qtbot, tmp_path,
                                                                   monkeypatch):
    from hostile_pictures import hostile
    from idtrainer.gui import certificates as page
    from idtrainer.gui.certificates import TemplateDialog

    opened = []
    monkeypatch.setattr(page.QDesktopServices, "openUrl", opened.append)
    logo = tmp_path / "logo.png"
    logo.write_bytes(hostile("truncated.jpg").data)
    dialog = TemplateDialog(window.ctx)
    qtbot.addWidget(dialog)
    dialog.logo.setText(str(logo))
    dialog._save()
    expected = f"{logo}: {hostile('truncated.jpg').reason}"
    assert dialog.error.text() == expected
    assert window.ctx.store.certificates.template().logo_path == ""
    dialog.error.setText("")
    dialog.preview()
    assert dialog.error.text() == expected and opened == []


def test_a_deeply_nested_code_gets_a_verdict(signed_in, qtbot):
    from idtrainer.core.keys import b64

    page = open_page(signed_in)
    nested = b"[" * 1350 + b"]" * 1350  # 2.7 KB: fits in a QR code, too deep for json
    page.code.setText(f"IDT1.{b64(nested)}.{b64(bytes(64))}")
    page.verify()
    assert "neither an IDTrainer certificate code" in page.verdict.text()


def test_a_failed_pdf_records_nothing_and_says_why(signed_in, qtbot, tmp_path, monkeypatch):
    window = signed_in
    store = window.ctx.store
    store.trainer.set_password("steppe-eagle-7")
    window.ctx.unlock_trainer()
    page = open_page(window)
    target = tmp_path / "missing" / "cert.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    page.name.setText("Ирина Ким")
    page.course.setText("CITES")
    page.issue()
    assert warned and "does not exist" in warned[0]
    assert store.certificates.all() == [] and page.name.text() == "Ирина Ким"
    page.name.setText("Ж" * 200)
    page.issue()
    assert "at most 80 characters" in warned[-1] and store.certificates.all() == []
    target = tmp_path / "cert.pdf"
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    page.name.setText("Ирина Ким")
    page.issue()
    (cert,) = store.certificates.all()
    assert cert.serial.endswith("-000001") and target.exists() and page.name.text() == ""
def test_an_officer_sees_a_revocation_after_the_next_sync(signed_in, make_laptop, qtbot,
                                                          tmp_path):
    from idtrainer.core import bundles

    trainer = make_laptop("T")
    trainer.trainer.set_password("steppe-eagle-7", name="Trainer")
    cert = trainer.certificates.issue("Ерлан Оспанов", "CITES", "kk", score=95)
    store = signed_in.ctx.store  # the officer's laptop
    bundles.import_bundle(store, bundles.export_bundle(
        trainer, "content", tmp_path / "1.idtb").path, trust=lambda m: True)
    page = open_page(signed_in)
    page.code.setText(cert.payload)
    page.verify()
    assert "Valid" in page.verdict.text()
    trainer.certificates.revoke(cert.serial, "емтиханды басқа адам тапсырған")
    bundles.import_bundle(store, bundles.export_bundle(trainer, "content",
                                                       tmp_path / "2.idtb").path)
    signed_in.ctx.set_language("kk")
    page.verify()
    text = page.verdict.text()
    assert "емтиханды басқа адам тапсырған" in text and "Revoked" not in text
    assert "2026" in text or str(trainer.clock().year) in text  # the date it was revoked
    qtbot.wait(50)  # the verdict label grows to its lines
    page.grab().save(str(tmp_path / "revoked-kk.png"))
    signed_in.ctx.set_language("en")
    page.verify()
    assert "Revoked on" in page.verdict.text()


def test_verify_by_the_printed_serial_and_the_verdict_follows_the_language(
        signed_in, qtbot, tmp_path):
    from idtrainer.core import i18n

    window = signed_in
    store = window.ctx.store
    store.trainer.set_password("steppe-eagle-7")
    template = store.certificates.template()
    template.serial_prefix = "KZ"
    store.certificates.save_template(template)
    cert = store.certificates.issue("Айгерим Сейітова", "CITES", "kk", score=90)
    page = open_page(window)
    page.code.setText(cert.serial.lower().replace("-", " "))
    page.code.returnPressed.emit()
    english = page.verdict.text()
    assert "in this laptop's register" in english and "Айгерим Сейітова" in english
    assert "only scanning the QR code proves" in english
    window.ctx.set_language("kk")  # no new verification: the same verdict, in Kazakh
    kazakh = page.verdict.text()
    assert kazakh != english and "register" not in kazakh and "Айгерим Сейітова" in kazakh
    assert i18n.gettext("Certificate {serial} is in this laptop's register.").format(
        serial=cert.serial) in kazakh
    qtbot.wait(50)
    page.grab().save(str(tmp_path / "serial-kk.png"))
    window.ctx.set_language("en")
    page.code.setText("KZ-2026-999999")
    page.verify()
    assert "No certificate KZ-2026-999999" in page.verdict.text()
    store.certificates.revoke(cert.serial, "wrong person")
    page.code.setText(cert.serial)
    page.verify()
    assert "was revoked" in page.verdict.text() and "wrong person" in page.verdict.text()
    window.ctx.set_language("ru")
    assert "was revoked" not in page.verdict.text() and "wrong person" in page.verdict.text()
    window.ctx.set_language("en")
