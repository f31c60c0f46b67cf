from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from hostile_pictures import HOSTILE_NAMES, hostile
from idtrainer.core.certificate_pdf import render
from idtrainer.core.certificates import CertificateError, parse_payload
from idtrainer.core.keys import b64
from idtrainer.core.store import Store

NAMES = {
    "kk": ("Әлихан Ғабитұлы Қуаңышбеков Өмірзақ Һәкімұлы Үсенов Ірісбек",
           "Кеден қызметкерлеріне арналған СИТЕС түрлерін анықтау"),
    "uz": ("Oʻlmas Gʻulomov", "CITES turlarini aniqlash: bojxona xodimlari uchun oʻquv kursi"),
    "ru": ("Ирина Ёлкина-Щербакова", "Определение видов СИТЕС для сотрудников таможни"),
    "en": ("John O'Neill", "CITES species identification for customs officers"),
    "ky": ("Айгүл Өмүрбекова Ңаасын кызы", "Бажы кызматкерлери үчүн СИТЕС түрлөрүн аныктоо"),
    "tg": ("Ҷамшед Ғафуров Қурбонӣ Ҳусейнзода Ӯлмасов",
           "Муайян кардани намудҳои СИТЕС барои кормандони гумрук"),
    "uz-Cyrl": ("Ўлмас Ғуломов Ҳамроқулов", "CITES турларини аниқлаш: ўқув курси"),
}


@pytest.fixture
def trainer(store: Store) -> Store:
    store.trainer.set_password("steppe-eagle-7")  # also makes the publisher key
    template = store.certificates.template()
    template.serial_prefix = "KZ"
    template.organisation = "Кеден академиясы"
    store.certificates.save_template(template)
    return store


def text_of(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.mark.parametrize("lang", ["kk", "uz", "ru", "en", "ky", "tg", "uz-Cyrl"])
def test_pdf_text_is_real_unicode_in_every_language(trainer: Store, tmp_path, lang):
    name, course = NAMES[lang]
    cert = trainer.certificates.issue(name, course, lang, score=87.5)
    path = render([cert], trainer.certificates.template(), tmp_path / "c.pdf")
    (page,) = text_of(path)
    flat = " ".join(page.split())
    assert name in flat
    assert course in flat or all(word in flat for word in course.split())
    assert cert.serial in flat
    if lang == "uz":
        assert "Oʻlmas Gʻulomov" in flat  # U+02BB survives extraction
    if lang != "en":  # the certificate's own words are in its language, not English
        assert "This certifies that" not in flat
    assert not (tmp_path / "c.pdf.partial").exists()


def test_every_font_is_embedded(trainer: Store, tmp_path):
    cert = trainer.certificates.issue(*NAMES["kk"], "kk")
    reader = PdfReader(render([cert], trainer.certificates.template(), tmp_path / "c.pdf"))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        descendants = font.get("/DescendantFonts")
        descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
        assert any(k in descriptor.get_object() for k in ("/FontFile2", "/FontFile", "/FontFile3"))


def test_genuine_payload_verifies_and_any_change_fails(trainer: Store):
    cert = trainer.certificates.issue(*NAMES["kk"], "kk", score=90)
    verdict = trainer.certificates.verify(cert.payload)
    assert verdict.ok and verdict.details["name"] == NAMES["kk"][0]
    assert verdict.details["serial"] == cert.serial and verdict.details["score"] == 90
    _fields, message, signature = parse_payload(cert.payload)
    forged = message.replace(b'"sc":90', b'"sc":99')
    assert forged != message
    assert trainer.certificates.verify(f"IDT1.{b64(forged)}.{b64(signature)}").status == "invalid"
    for i in (5, len(cert.payload) // 2, len(cert.payload) - 3):
        changed = cert.payload[:i] + ("A" if cert.payload[i] != "A" else "B") + \
            cert.payload[i + 1:]
        assert trainer.certificates.verify(changed).status in ("invalid", "malformed")
    assert trainer.certificates.verify("hello").status == "malformed"


def test_revoked_and_unknown_issuer(trainer: Store, tmp_path):
    cert = trainer.certificates.issue(*NAMES["ru"], "ru")
    trainer.certificates.revoke(cert.serial, "issued to the wrong person")
    verdict = trainer.certificates.verify(cert.payload)
    assert verdict.status == "revoked" and "wrong person" in verdict.details["reason"]
    assert trainer.certificates.events(cert.serial) == ["issued", "revoked"]
    with Store.open(tmp_path / "other.sqlite") as other:
        assert other.certificates.verify(cert.payload).status == "unknown_issuer"
        public = trainer.query_one("SELECT public_key FROM keys WHERE kind = 'publisher'")[
            "public_key"]
        other.keys.trust(public, "publisher", "Almaty trainer")
        assert other.certificates.verify(cert.payload).ok  # revocation is not known there


def test_serials_stay_unique_in_a_loop_and_across_reopening(trainer: Store):
    serials = [trainer.certificates.issue(f"Trainee {i}", "Course", "en").serial
               for i in range(40)]
    path = trainer.path
    trainer.close()
    with Store.open(path) as again:
        assert again.trainer.unlock("steppe-eagle-7").ok  # the publisher key is sealed
        serials += [again.certificates.issue(f"Later {i}", "Course", "en").serial
                    for i in range(5)]
    year = dt.date.today().year
    assert len(set(serials)) == 45
    assert serials[0] == f"KZ-{year}-000001" and serials[-1] == f"KZ-{year}-000045"


def test_reprint_keeps_the_serial_and_is_recorded(trainer: Store):
    cert = trainer.certificates.issue(*NAMES["en"], "en")
    again = trainer.certificates.reprint(cert.serial)
    assert (again.serial, again.payload) == (cert.serial, cert.payload)
    assert trainer.certificates.events(cert.serial) == ["issued", "reprinted"]


def test_a_class_of_60_prints_60_pages(trainer: Store, tmp_path):
    klass = trainer.classes.create("Tashkent, November")
    for i in range(60):
        trainer.classes.add_member(klass, trainer.trainees.create(f"Tinglovchi {i:02d}"))
    certs = trainer.certificates.for_class(klass, "CITES", "uz")
    path = render(certs, trainer.certificates.template(), tmp_path / "class.pdf")
    assert len(PdfReader(path).pages) == 60
    again = trainer.certificates.for_class(klass, "CITES", "uz")
    assert [c.serial for c in again] == [c.serial for c in certs]  # reprinted, not reissued


def test_a_class_is_issued_whole_or_not_at_all_in_one_commit(trainer: Store, monkeypatch):
    klass = trainer.classes.create("Bishkek, March")
    for i in range(5):
        trainer.classes.add_member(klass, trainer.trainees.create(f"Угучу {i}"))
    issue = trainer.certificates.issue
    calls = []

    def fails_on_the_fourth(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise OSError("disk full")
        return issue(*args, **kwargs)

    monkeypatch.setattr(trainer.certificates, "issue", fails_on_the_fourth)
    with pytest.raises(OSError):
        trainer.certificates.for_class(klass, "CITES", "ru")
    assert trainer.scalar("SELECT count(*) FROM certificates") == 0  # the first three too
    monkeypatch.undo()
    commits = []
    trainer.changes.subscribe(commits.append)
    assert len(trainer.certificates.for_class(klass, "CITES", "ru")) == 5
    assert len(commits) == 1


def test_bad_requests_are_refused(trainer: Store, store: Store):
    with pytest.raises(CertificateError):
        trainer.certificates.issue("  ", "Course", "en")
    with pytest.raises(CertificateError):
        trainer.certificates.issue("Name", "Course", "fr")
    with pytest.raises(CertificateError):
        trainer.certificates.issue("Name", "Course", "en", score=120)
    template = trainer.certificates.template()
    template.serial_prefix = "КЗ"  # Cyrillic: not typable by every scanner
    with pytest.raises(CertificateError):
        trainer.certificates.save_template(template)


def test_no_publisher_key_no_certificate(tmp_path):
    with Store.open(tmp_path / "fresh.sqlite") as fresh, pytest.raises(
            CertificateError, match="trainer mode"):
        fresh.certificates.issue("Name", "Course", "en")


def test_template_images_are_checked(trainer: Store, tmp_path):
    from PIL import Image

    template = trainer.certificates.template()
    template.logo_path = str(tmp_path / "missing.png")
    with pytest.raises(CertificateError, match=r"missing\.png"):
        trainer.certificates.save_template(template)
    svg = tmp_path / "logo.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    template.logo_path = str(svg)
    with pytest.raises(CertificateError,
                       match="SVG pictures are not accepted here; use PNG, JPEG"):
        trainer.certificates.save_template(template)
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 120), "navy").save(logo)
    template.logo_path = str(logo)
    trainer.certificates.save_template(template)
    cert = trainer.certificates.issue(*NAMES["ru"], "ru")
    path = render([cert], trainer.certificates.template(), tmp_path / "logo.pdf")
    assert len(PdfReader(path).pages) == 1


def certificate_reason(name: str) -> str:
    """Why a hostile picture is refused as a logo: SVG is refused before it is parsed."""
    case = hostile(name)
    return "SVG pictures are not accepted here; use PNG, JPEG" if case.svg else case.reason


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("field", ["logo_path", "signature_path"])
def test_a_hostile_logo_or_signature_is_refused(trainer: Store, tmp_path: Path, name: str,
                                                field: str):
    # Named .png whatever it is: the gate judges the bytes, not the name.
    path = tmp_path / f"{name}.png"
    path.write_bytes(hostile(name).data)
    before = trainer.certificates.template()
    template = trainer.certificates.template()
    setattr(template, field, str(path))
    with pytest.raises(CertificateError) as caught:
        trainer.certificates.save_template(template)
    assert str(caught.value) == f"{path}: {certificate_reason(name)}"
    assert trainer.certificates.template() == before


@pytest.mark.parametrize("name", ["external.svg", "huge.png", "truncated.jpg"])
def test_a_logo_changed_after_it_was_saved_is_refused_when_printing(trainer: Store,
                                                                    tmp_path: Path, name: str):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (60, 60), "navy").save(logo)
    template = trainer.certificates.template()
    template.logo_path = str(logo)
    trainer.certificates.save_template(template)
    cert = trainer.certificates.issue(*NAMES["en"], "en")
    logo.write_bytes(hostile(name).data)  # replaced on disk after the template was saved
    with pytest.raises(CertificateError) as caught:
        render([cert], trainer.certificates.template(), tmp_path / "c.pdf")
    assert str(caught.value) == f"{logo}: {certificate_reason(name)}"
    assert list(tmp_path.glob("c.pdf*")) == []


def test_a_quiz_awards_certificates_to_those_who_pass(trainer: Store):
    from idtrainer.core.quizzes import QuizSettings, Rule
    from idtrainer.core.scoring import correct_response

    # Questions written by hand: the trainer fixture has no starter content.
    for i in range(4):
        trainer.put("questions", {"uuid": f"tf{i}", "qtype": "truefalse",
                                  "answer": {"value": True}})
    quiz = trainer.quizzes.save("Final test", QuizSettings(pass_mark=75, award_certificate=True),
                                [Rule("random", count=4, filter={"types": ["truefalse"]})])
    good, weak = trainer.trainees.create("Айгүл Сапарова"), trainer.trainees.create("Бакыт")
    attempt = trainer.attempts.start(quiz, good, "kk")
    for item in attempt.items:
        q = trainer.questions.get(item["q"], "kk")
        trainer.attempts.answer(attempt.uuid, item["q"], correct_response(q))
    trainer.attempts.submit(attempt.uuid)  # passes: awarded at once on this laptop
    trainer.attempts.submit(trainer.attempts.start(quiz, weak, "kk").uuid)  # fails
    (cert,) = trainer.certificates.all()
    assert (cert.trainee_name, cert.score, cert.course_title) == ("Айгүл Сапарова", 100.0,
                                                                  "Final test")
    batch = trainer.certificates.for_quiz(quiz, "kk")
    assert [c.serial for c in batch] == [cert.serial]  # the same certificate, not a new one


def test_a_long_name_does_not_stop_an_exam_from_counting(trainer: Store):
    from idtrainer.core.quizzes import QuizSettings, Rule
    from idtrainer.core.scoring import correct_response

    for i in range(2):
        trainer.put("questions", {"uuid": f"tf{i}", "qtype": "truefalse",
                                  "answer": {"value": True}})
    quiz = trainer.quizzes.save("Final test", QuizSettings(pass_mark=50, award_certificate=True),
                                [Rule("random", count=2, filter={"types": ["truefalse"]})])
    person = trainer.trainees.create("Ж" * 200)
    attempt = trainer.attempts.start(quiz, person, "ru")
    for item in attempt.items:
        trainer.attempts.answer(attempt.uuid, item["q"],
                                correct_response(trainer.questions.get(item["q"], "ru")))
    result = trainer.attempts.submit(attempt.uuid)
    assert result.attempt.passed and trainer.certificates.all() == []
    with pytest.raises(CertificateError, match="at most 80 characters, it has 200"):
        trainer.certificates.for_quiz(quiz, "ru")


def test_limits_are_checked_before_anything_is_written(trainer: Store):
    from idtrainer.core.certificates import MAX_COURSE_CHARS, MAX_NAME_CHARS

    before = list(trainer.conn.iterdump())
    for name, course, message in (
            ("И" * (MAX_NAME_CHARS + 1), "CITES", "at most 80 characters"),
            ("Ирина", "К" * (MAX_COURSE_CHARS + 1), "at most 120 characters"),
            ("Ir\udcffina", "CITES", "not text"), ("Ирина", "CI\x07TES", "not text"),
            ("\U0001F600" * MAX_NAME_CHARS, "\U0001F600" * MAX_COURSE_CHARS, "QR code")):
        with pytest.raises(CertificateError, match=message):
            trainer.certificates.issue(name, course, "ru")
    assert list(trainer.conn.iterdump()) == before
    # The longest names print: the QR code and the page take them.
    cert = trainer.certificates.issue("Щ" * MAX_NAME_CHARS, "Ш" * MAX_COURSE_CHARS, "ru",
                                      score=66.66666666666667)
    assert trainer.certificates.verify(cert.payload).ok


def test_a_pdf_that_fails_records_nothing(trainer: Store, tmp_path: Path, monkeypatch):
    from idtrainer.core import certificate_pdf

    before = list(trainer.conn.iterdump())

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(certificate_pdf, "render", full)
    with pytest.raises(CertificateError, match="No space left on device"):
        trainer.certificates.write_pdf(
            lambda: [trainer.certificates.issue("Ирина Ким", "CITES", "ru")],
            tmp_path / "c.pdf")
    assert list(trainer.conn.iterdump()) == before
    monkeypatch.undo()
    (cert,) = trainer.certificates.write_pdf(
        lambda: [trainer.certificates.issue("Ирина Ким", "CITES", "ru")], tmp_path / "c.pdf")
    assert cert.serial.endswith("-000001") and (tmp_path / "c.pdf").exists()


@pytest.mark.parametrize("fields", [
    {"s": {"x": 1}, "n": "A", "c": "C", "d": "2026-01-01", "k": "k"},
    {"s": "S", "n": ["A"], "c": "C", "d": "2026-01-01", "k": "k"},
    {"s": "S", "n": "A", "c": "C", "d": "2026-01-01", "k": "k", "sc": "100"},
    {"s": "S", "n": "A", "c": "C", "d": "2026-01-01", "k": "k", "sc": True},
])
def test_payload_fields_of_the_wrong_type_are_not_a_certificate(trainer: Store, fields):
    import json

    from idtrainer.core.keys import b64

    text = f"IDT1.{b64(json.dumps(fields).encode())}.{b64(bytes(64))}"
    assert trainer.certificates.verify(text).status == "malformed"
    assert trainer.certificates.verify("IDT1." + "A" * 5000 + ".x").status == "malformed"


def test_a_serial_prefix_has_a_limit(trainer: Store):
    template = trainer.certificates.template()
    template.serial_prefix = "KZ" * 7
    with pytest.raises(CertificateError, match="at most 12 characters"):
        trainer.certificates.save_template(template)


def test_the_certificate_font_has_every_letter_of_every_language():
    """DejaVu Sans, bundled, draws Tajik ҳ ӣ ҷ ғ қ ӯ, Kyrgyz ң ө ү and the Uzbek ʻ ʼ ў."""
    from reportlab.pdfbase import pdfmetrics

    from idtrainer.core.certificate_pdf import FONT, register_fonts
    from idtrainer.core.collation import _ranks
    from idtrainer.core.languages import codes

    register_fonts()
    face = pdfmetrics.getFont(FONT).face
    letters = {ch for lang in codes() for letter in _ranks(lang) for ch in letter}
    letters |= {ch.upper() for ch in letters} | set("ʻʼ")
    missing = sorted(ch for ch in letters if ord(ch) not in face.charToGlyph)
    assert not missing
@pytest.mark.parametrize("typed", ["KZ-2026-000123", "kz-2026-000123", " KZ 2026 000123 ",
                                   "kz2026000123", "КZ – 2026 – 000123", "KZ-2026 000123"])
def test_a_typed_serial_is_read_as_issued(typed: str):
    from idtrainer.core.certificates import normalise_serial

    assert normalise_serial(typed) == "KZ-2026-000123"


@pytest.mark.parametrize("typed", ["", "hello", "KZ-26-000123", "KZ-2026-12", "ҚЗ-2026-000123",
                                   "IDT1.abc.def"])
def test_what_is_not_a_serial_stays_malformed(trainer: Store, typed: str):
    from idtrainer.core.certificates import normalise_serial

    assert normalise_serial(typed) is None
    assert trainer.certificates.verify(typed).status == "malformed"


def test_verify_by_serial_known_unknown_and_revoked(trainer: Store):
    cert = trainer.certificates.issue(*NAMES["kk"], "kk", score=87.5)
    typed = cert.serial.lower().replace("-", " ")
    verdict = trainer.certificates.verify(typed)
    assert verdict.status == "registered" and verdict.by_serial and not verdict.ok
    assert (verdict.details["serial"], verdict.details["name"], verdict.details["course"],
            verdict.details["score"]) == (cert.serial, *NAMES["kk"], 87.5)
    unknown = trainer.certificates.verify("KZ-2026-999999")
    assert unknown.status == "unregistered" and unknown.details == {"serial": "KZ-2026-999999"}
    trainer.certificates.revoke(cert.serial, "issued to the wrong person")
    revoked = trainer.certificates.verify(cert.serial)
    assert revoked.status == "registered_revoked"
    assert revoked.details["reason"] == "issued to the wrong person"
    assert revoked.details["name"] == NAMES["kk"][0]


def test_an_officers_laptop_knows_a_revoked_serial_from_the_signed_revocation(
        trainer: Store, tmp_path):
    from idtrainer.core import bundles

    cert = trainer.certificates.issue(*NAMES["ru"], "ru")
    kept = trainer.certificates.issue(*NAMES["en"], "en")
    trainer.certificates.revoke(cert.serial, "exam sat by someone else")
    bundle = bundles.export_bundle(trainer, "content", tmp_path / "c.idtb").path
    with Store.open(tmp_path / "officer.sqlite") as officer:
        assert officer.certificates.verify(cert.serial).status == "unregistered"
        bundles.import_bundle(officer, bundle, trust=lambda m: True)
        verdict = officer.certificates.verify(cert.serial)
        assert verdict.status == "registered_revoked"
        assert verdict.details["reason"] == "exam sat by someone else"
        assert "name" not in verdict.details  # the register of names stays with the trainer
        # Certificates themselves never travel: a serial that was not revoked is unknown.
        assert officer.certificates.verify(kept.serial).status == "unregistered"


@pytest.mark.parametrize("length", [60, 180, 333, 520, 900])
def test_the_qr_version_check_gives_the_version_drawn(length: int):
    """qr_version() fixes the mask to be quick; the version must be the one the full
    code (best mask, as the PDF draws it) takes."""
    import random

    import segno

    from idtrainer.core.certificates import qr_version

    payload = "IDT1." + "".join(random.Random(length).choice(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        for _ in range(length))
    assert qr_version(payload) == segno.make_qr(payload, error="m", boost_error=False).version
