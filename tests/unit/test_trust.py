"""The probes of issue 12, rebuilt with real laptops, real bundles and real keys.

Each attack is made the way an attacker with a laptop (or a copy of the database file)
would make it: through the app's own code on that laptop, then a bundle signed by that
laptop's own key. Each ends refused, or neutralised and flagged, and the test says what
the database holds afterwards. docs/security.md is the model these tests hold the code to.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from idtrainer.core import bundles
from idtrainer.core.app_data import open_store
from idtrainer.core.certificates import CertificateError
from idtrainer.core.keys import PublisherLocked
from idtrainer.core.quizzes import QuizSettings, Rule
from idtrainer.core.regrade import NOT_THE_QUIZ, OUTSIDE_QUIZ, SCORE_DIFFERS
from idtrainer.core.scoring import correct_response
from idtrainer.core.store import Store, new_uuid
from idtrainer.core.trainees import hash_secret, verify_secret

PASSWORD = "steppe-eagle-7"


def dump(store: Store) -> str:
    return "\n".join(store.conn.iterdump())


def yes(_manifest: bundles.Manifest) -> bool:
    return True


@dataclass
class World:
    """A trainer's laptop with a quiz, and officers' laptops that have its content."""

    make_laptop: Callable[[str], Store]
    folder: Path
    trainer: Store = field(init=False)
    quiz: str = field(init=False)
    n: int = 0

    def __post_init__(self) -> None:
        self.trainer = self.make_laptop("T")
        self.trainer.set_setting("device_name", "Trainer")
        self.trainer.trainer.set_password(PASSWORD, name="Trainer Aigerim")
        self.quiz = self.trainer.quizzes.save(
            "Итоговый тест", QuizSettings(pass_mark=60),
            [Rule("random", count=3, filter={"types": ["single"]})])

    def bundle(self, store: Store, kind: str) -> Path:
        self.n += 1
        return bundles.export_bundle(store, kind, self.folder / f"{self.n}.idtb").path

    def laptop(self, name: str) -> Store:
        s = self.make_laptop(name)
        s.set_setting("device_name", f"Laptop {name}")
        self.content_to(s)
        return s

    def in_class(self, trainee: str) -> None:
        """Put a trainee on a class roster: rosters travel to every laptop with content."""
        klass = self.trainer.classes.create("Almaty 2026")
        self.trainer.classes.add_member(klass, trainee)

    def content_to(self, laptop: Store) -> bundles.ImportSummary:
        return bundles.import_bundle(laptop, self.bundle(self.trainer, "content"), trust=yes)

    def results_from(self, laptop: Store, trust: Callable = yes) -> bundles.ImportSummary:
        return bundles.import_bundle(self.trainer, self.bundle(laptop, "results"), trust=trust)


def take(store: Store, quiz: str, trainee: str, *, right: bool) -> str:
    attempt = store.attempts.start(quiz, trainee, "ru")
    for item in attempt.items:
        question = store.questions.get(item["q"], "ru")
        response = correct_response(question) if right else {"option": None}
        store.attempts.answer(attempt.uuid, item["q"], response)
    store.attempts.submit(attempt.uuid)
    return attempt.uuid


@pytest.fixture
def world(make_laptop, tmp_path: Path) -> World:
    stick = tmp_path / "stick"
    stick.mkdir()
    return World(make_laptop, stick)


# -- laptops are pinned -------------------------------------------------------------------


def test_the_first_results_of_a_laptop_are_asked_about_then_pinned(world: World):
    b = world.laptop("B")
    take(b, world.quiz, b.trainees.create("Ерлан"), right=True)
    path = world.bundle(b, "results")
    before = dump(world.trainer)
    with pytest.raises(bundles.UntrustedDevice) as refused:
        bundles.import_bundle(world.trainer, path)
    assert "Laptop B" in str(refused.value) and refused.value.manifest.fingerprint in str(
        refused.value)
    assert dump(world.trainer) == before
    asked = []
    bundles.import_bundle(world.trainer, path, trust=lambda m: asked.append(m) or True)
    assert [m.producer_device for m in asked] == [b.device_id]
    assert b.device_id == b.keys.device()[0]  # a new laptop's id is its key's id
    pin = world.trainer.query_one("SELECT * FROM device_pins")
    assert (pin["device_id"], pin["key_id"], pin["name"]) == (b.device_id, b.device_id,
                                                              "Laptop B")
    take(b, world.quiz, b.trainees.create("Асель"), right=False)
    asked.clear()
    assert world.results_from(b, trust=lambda m: asked.append(m) or True).total("added")
    assert asked == []  # pinned: not asked again


def test_impersonating_a_pinned_laptop_is_refused(world: World):
    b = world.laptop("B")
    take(b, world.quiz, b.trainees.create("Ерлан"), right=False)
    world.results_from(b)
    # Mallory copies B's device id and name into her own laptop and sends a pass as B.
    m = world.laptop("M")
    with m.transaction():
        m.set_setting("device_id", b.device_id)
        m.set_setting("device_name", "Laptop B")
    m.close()
    m = open_store(Path(str(m.path)).parent)
    try:
        assert m.device_id == b.device_id
        take(m, world.quiz, m.trainees.create("Mallory"), right=True)
        path = world.bundle(m, "results")
    finally:
        m.close()
    before = dump(world.trainer)
    with pytest.raises(bundles.BundleError, match="pinned to another key"):
        bundles.import_bundle(world.trainer, path, trust=yes)  # even if a person says yes
    assert dump(world.trainer) == before
    assert world.trainer.scalar("SELECT count(*) FROM trainees WHERE name = 'Mallory'") == 0


def test_a_new_laptop_cannot_claim_an_id_derived_from_another_key(world: World):
    b, m = world.laptop("B"), world.laptop("M")
    m.set_setting("device_id", b.device_id)
    m.device_id = b.device_id  # what reopening would read
    take(m, world.quiz, m.trainees.create("Mallory"), right=True)
    path = world.bundle(m, "results")
    before = dump(world.trainer)
    with pytest.raises(bundles.BundleError, match="not the key of the laptop"):
        bundles.import_bundle(world.trainer, path, trust=yes)
    assert dump(world.trainer) == before


# -- who may change what ------------------------------------------------------------------


def test_a_laptop_cannot_overwrite_another_laptops_pin(world: World):
    b = world.laptop("B")
    aigerim = b.trainees.create("Айгерим", pin="1234")
    world.results_from(b)
    world.in_class(aigerim)
    m = world.laptop("M")  # gets Aigerim's profile with the roster in the content bundle
    assert m.trainees.get(aigerim) is not None
    m.put("trainees", {"uuid": aigerim, "pin_hash": hash_secret("0000")})
    summary = world.results_from(m)
    assert summary.tables["trainees"]["refused"] == 1
    assert any("Laptop M" in flag and "another device" in flag for flag in summary.flags)
    assert world.trainer.trainees.check_pin(aigerim, "1234")
    assert not world.trainer.trainees.check_pin(aigerim, "0000")
    world.content_to(b)  # and nothing spreads back to the laptop it belongs to
    assert b.trainees.check_pin(aigerim, "1234")
    log = world.trainer.query_one("SELECT summary FROM sync_log WHERE direction = 'import' "
                                  "ORDER BY at DESC LIMIT 1")
    assert "another device" in log["summary"]  # the sync history keeps the flag
    # What follows the person (their language) may change wherever they sign in.
    m.trainees.set_locale(aigerim, "kk")
    m.put("trainees", {"uuid": aigerim, "pin_hash": world.trainer.scalar(
        "SELECT pin_hash FROM trainees WHERE uuid = ?", (aigerim,))})
    summary = world.results_from(m)
    assert summary.total("refused") == 0, summary.flags
    assert world.trainer.scalar("SELECT locale FROM trainees WHERE uuid = ?", (aigerim,)) == "kk"
    assert world.trainer.trainees.check_pin(aigerim, "1234")


def test_a_laptop_cannot_add_answers_to_another_laptops_attempt(world: World):
    b = world.laptop("B")
    attempt = b.attempts.start(world.quiz, b.trainees.create("Ерлан"), "ru")
    world.results_from(b)  # an attempt not submitted yet, on the trainer's laptop
    m = world.laptop("M")
    # Attempts never travel to other laptops: Mallory copies B's attempt row by hand...
    row = b.query_one("SELECT * FROM attempts WHERE uuid = ?", (attempt.uuid,))
    m.put("trainees", {k: v for k, v in b.query_one(
        "SELECT * FROM trainees WHERE uuid = ?", (row["trainee_uuid"],)).items()
        if k not in ("rev", "updated_at", "updated_by", "origin")})
    m.put("attempts", {k: v for k, v in row.items()
                       if k not in ("rev", "updated_at", "updated_by", "origin")})
    question = attempt.items[0]["q"]
    m.put("answers", {"uuid": new_uuid(), "attempt_uuid": attempt.uuid,
                      "question_uuid": question,
                      "response": correct_response(m.questions.get(question, "ru"))})
    # ...and submits it with the right answer, as if it were hers.
    m.put("attempts", {"uuid": attempt.uuid, "submitted_at": m.now(), "score": 1.0,
                       "max_score": 3.0})
    summary = world.results_from(m)
    assert summary.tables["answers"]["refused"] == 1
    assert summary.tables["attempts"]["refused"] == 1
    assert world.trainer.scalar("SELECT count(*) FROM answers WHERE attempt_uuid = ?",
                                (attempt.uuid,)) == 0
    assert world.trainer.attempts.get(attempt.uuid).submitted_at is None


def test_huge_hash_settings_are_refused_before_the_hash_runs(world: World):
    # N=2^20 needs 1 GiB: run, it would fail with "memory limit exceeded" (or stall).
    planted = "scrypt$1048576$8$1$" + hash_secret("1234").split("$", 4)[4]
    assert verify_secret("1234", planted) is False  # no exception: refused before running
    m = world.laptop("M")
    victim = m.trainees.create("Жертва")
    m.put("trainees", {"uuid": victim, "pin_hash": planted})
    summary = world.results_from(m)
    assert summary.tables["trainees"]["refused"] == 1
    assert any("PIN or password hash" in flag for flag in summary.flags)
    assert world.trainer.trainees.get(victim) is None
    world.trainer.set_setting("trainer_password_hash", planted)  # a planted trainer hash
    assert not world.trainer.trainer.unlock(PASSWORD).ok


def test_translation_injection_through_a_foreign_owner_table_is_refused(world: World):
    m = world.laptop("M")
    m.trainees.create("Mallory")
    # The quiz has a Russian title; the text row for it is rewritten to name trainees,
    # and a Kazakh one (which the quiz lacks) is added under trainees with the quiz's uuid.
    m.texts.set("trainees", world.quiz, "title", "ru", "Взлом")
    m.texts.set("trainees", world.quiz, "title", "kk", "Бұзу")
    summary = world.results_from(m)
    assert summary.tables["texts"]["refused"] == 2, summary.tables
    assert any("not in the table they name" in flag for flag in summary.flags)
    assert world.trainer.quizzes.get(world.quiz, "ru").title == "Итоговый тест"
    assert world.trainer.quizzes.get(world.quiz, "kk").title == "Итоговый тест"
    assert world.trainer.scalar("SELECT count(*) FROM texts WHERE value IN ('Взлом', 'Бұзу')"
                                ) == 0


def test_a_results_bundle_never_changes_content(world: World):
    m = world.laptop("M")
    species = m.scalar("SELECT uuid FROM species LIMIT 1")
    m.texts.set("species", species, "summary", "ru", "Теперь дракон", "reviewed")
    path = world.bundle(m, "results")
    # The exporter does not even put content texts in a results bundle...
    summary = bundles.import_bundle(world.trainer, path, trust=yes)
    assert world.trainer.scalar("SELECT count(*) FROM texts WHERE value = 'Теперь дракон'") == 0
    assert summary.total("refused") == 0  # ...so there was nothing to refuse


# -- the trainer re-grades ----------------------------------------------------------------


def forged(world: World, *, with_answers: bool) -> tuple[Store, str]:
    m = world.laptop("M")
    mallory = m.trainees.create("Mallory")
    if with_answers:
        attempt = take(m, world.quiz, mallory, right=False)
    else:
        attempt = m.attempts.start(world.quiz, mallory, "ru").uuid
        m.put("attempts", {"uuid": attempt, "submitted_at": m.now()})
    assert not m.attempts.get(attempt).passed or with_answers
    m.put("attempts", {"uuid": attempt, "score": 3.0, "max_score": 3.0, "passed": True,
                       "submitted_at": m.now()})
    return m, attempt


@pytest.mark.parametrize("with_answers", [False, True])
def test_a_forged_pass_is_regraded_and_flagged(world: World, with_answers: bool):
    m, attempt = forged(world, with_answers=with_answers)
    summary = world.results_from(m)
    stored = world.trainer.attempts.get(attempt)
    assert (stored.score, stored.max_score, stored.passed) == (0.0, 3.0, False)
    assert any("Mallory" in flag and "Laptop M" in flag and "recomputed 0 of 3" in flag
               for flag in summary.flags), summary.flags
    # The forged pass is not counted as one, and the sentence sends the trainer to Details.
    sentence = bundles.human_summary([bundles.BatchOutcome(summary.file, summary, None,
                                                           kind="results")])
    assert summary.passed == 0 and "passed" not in sentence
    assert sentence.startswith("Results from 1 laptop: 1 attempt")
    assert sentence.endswith(f"{len(summary.flags)} warning, see Details") or \
        sentence.endswith(f"{len(summary.flags)} warnings, see Details")
    flags = world.trainer.query("SELECT * FROM grading_flags WHERE attempt_uuid = ?",
                                (attempt,))
    assert [f["reason"] for f in flags] == [SCORE_DIFFERS]
    assert flags[0]["device_id"] == m.device_id and flags[0]["stored_score"] == 3.0
    report = world.trainer.attempts.report(quiz=world.quiz)
    assert len(report) == 1 and not report[0].passed and report[0].best_percent == 0
    assert any("Laptop M" in flag for flag in report[0].flags)
    # "Print passes" issues nothing, and the results table names the flag.
    assert world.trainer.certificates.for_quiz(world.quiz, "ru") == []
    import csv

    out = world.folder / "results.csv"
    world.trainer.attempts.export_csv(out)
    with out.open(encoding="utf-8-sig") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["score_percent"] == "0.0" and row["passed"] == "no"
    assert "Laptop M" in row["flags"] and "recomputed here" in row["flags"]


def test_an_honest_pass_is_not_flagged_and_prints(world: World):
    b = world.laptop("B")
    attempt = take(b, world.quiz, b.trainees.create("Ерлан"), right=True)
    summary = world.results_from(b)
    assert summary.flags == [] and summary.passed == 1
    assert world.trainer.attempts.get(attempt).passed
    certificates = world.trainer.certificates.for_quiz(world.quiz, "ru")
    assert [c.trainee_name for c in certificates] == ["Ерлан"]
    assert certificates[0].score == 100.0


def test_answers_outside_the_quiz_and_a_shortened_quiz_are_flagged(world: World):
    m = world.laptop("M")
    attempt = m.attempts.start(world.quiz, m.trainees.create("Mallory"), "ru")
    first = attempt.items[0]["q"]
    m.attempts.answer(attempt.uuid, first, correct_response(m.questions.get(first, "ru")))
    # A one-question "quiz" answered right, and an answer to a question it does not have.
    m.put("attempts", {"uuid": attempt.uuid, "question_order": [attempt.items[0]]})
    other = m.scalar("SELECT uuid FROM questions WHERE qtype = 'truefalse' LIMIT 1")
    m.put("answers", {"uuid": new_uuid(), "attempt_uuid": attempt.uuid,
                      "question_uuid": other,
                      "response": correct_response(m.questions.get(other, "ru"))})
    m.put("attempts", {"uuid": attempt.uuid, "submitted_at": m.now(), "score": 2.0,
                       "max_score": 2.0, "passed": True})
    world.results_from(m)
    stored = world.trainer.attempts.get(attempt.uuid)
    assert (stored.score, stored.max_score, stored.passed) == (1.0, 3.0, False)
    reasons = {r[0] for r in world.trainer.conn.execute(
        "SELECT reason FROM grading_flags WHERE attempt_uuid = ?", (attempt.uuid,))}
    assert reasons == {SCORE_DIFFERS, OUTSIDE_QUIZ, NOT_THE_QUIZ}


# -- certificates: identity, issuing, revocations that travel ----------------------------


def test_only_the_unlocked_publisher_key_issues(world: World):
    b = world.laptop("B")
    with pytest.raises(CertificateError, match="unlock trainer mode"):
        b.certificates.issue("Mallory", "CITES", "ru", score=100)
    assert b.keys.has_publisher() is False  # nothing made a key on the officer's laptop
    world.trainer.trainer.lock()
    with pytest.raises(CertificateError, match="unlock trainer mode"):
        world.trainer.certificates.issue("Mallory", "CITES", "ru", score=100)
    with pytest.raises(bundles.BundleError, match="publisher key"):
        world.bundle(world.trainer, "content")
    assert world.trainer.trainer.unlock(PASSWORD).ok
    assert world.trainer.certificates.issue("Ерлан", "CITES", "ru").serial


def test_a_serial_collision_between_two_publishers(world: World, make_laptop):
    t1 = world.trainer
    t2 = make_laptop("T2")
    t2.set_setting("device_name", "Second trainer")
    t2.trainer.set_password("other-trainer-9", name="Trainer Bakyt")
    one = t1.certificates.issue("Айгерим", "CITES", "ru", score=90)
    two = t2.certificates.issue("Бахыт", "CITES", "ru", score=80)
    assert one.serial == two.serial and one.issuer_key_id != two.issuer_key_id
    officer = world.laptop("O")
    bundles.import_bundle(officer, world.bundle(t2, "content"), trust=yes)
    assert officer.certificates.verify(one.payload).ok
    assert officer.certificates.verify(two.payload).ok
    t1.certificates.revoke(one.serial, "issued by mistake")
    world.content_to(officer)
    assert officer.certificates.verify(one.payload).status == "revoked"
    assert officer.certificates.verify(two.payload).ok  # the other publisher's is not
    # A laptop holding a publisher key sends results: its certificates do not block them.
    world.content_to(t2)
    take(t2, world.quiz, t2.trainees.create("Асель"), right=True)
    summary = world.results_from(t2)
    assert summary.tables["certificates"]["refused"] >= 1
    assert summary.tables["attempts"]["added"] == 1
    assert t1.certificates.get(one.serial).issuer_key_id == one.issuer_key_id
    assert t1.certificates.verify(two.payload).status == "unknown_issuer"


def test_a_revocation_reaches_an_officers_laptop(world: World):
    cert = world.trainer.certificates.issue("Ерлан Оспанов", "CITES", "ru", score=95)
    officer = world.laptop("O")
    assert officer.certificates.verify(cert.payload).ok
    world.trainer.certificates.revoke(cert.serial, "exam taken by someone else")
    # Even a content bundle of one module carries every revocation.
    module = world.trainer.scalar("SELECT uuid FROM modules LIMIT 1")
    part = bundles.export_bundle(world.trainer, "content", world.folder / "part.idtb",
                                 modules=[module])
    assert part.manifest.counts["revocations"] == 1
    bundles.import_bundle(officer, part.path)
    verdict = officer.certificates.verify(cert.payload)
    assert verdict.status == "revoked"
    assert verdict.details["reason"] == "exam taken by someone else"
    assert verdict.details["revoked_at"] == world.trainer.certificates.get(
        cert.serial).revoked_at


def test_a_revocation_not_signed_by_the_issuer_is_refused(world: World, make_laptop):
    cert = world.trainer.certificates.issue("Ерлан", "CITES", "ru")
    officer = world.laptop("O")
    # A second trainer, trusted by the officer, "revokes" the first trainer's certificate.
    t2 = make_laptop("T2")
    t2.trainer.set_password("other-trainer-9", name="Trainer Bakyt")
    t2.put("revocations", {"uuid": new_uuid(), "issuer_key_id": cert.issuer_key_id,
                           "serial": cert.serial, "revoked_on": t2.now(), "reason": "spite",
                           "signature": "AAAA"})
    summary = bundles.import_bundle(officer, world.bundle(t2, "content"), trust=yes)
    assert summary.tables["revocations"]["refused"] == 1
    assert officer.scalar("SELECT count(*) FROM revocations") == 0
    assert officer.certificates.verify(cert.payload).ok


# -- the publisher key and the trainer password -------------------------------------------


def test_a_copied_database_file_cannot_sign_anything(world: World, tmp_path: Path):
    _kid, private = world.trainer.keys.publisher()
    from cryptography.hazmat.primitives import serialization

    secret = private.private_bytes(serialization.Encoding.Raw,
                                   serialization.PrivateFormat.Raw,
                                   serialization.NoEncryption())
    world.trainer.close()
    folder = Path(str(world.trainer.path)).parent
    for file in folder.rglob("*.sqlite*"):
        assert secret not in file.read_bytes(), file
    copy = tmp_path / "stolen"
    shutil.copytree(folder, copy)
    thief = open_store(copy)
    try:
        assert thief.keys.has_publisher() and thief.keys.publisher() is None
        with pytest.raises(PublisherLocked):
            thief.keys.sign(b"Mallory, 100 %")
        with pytest.raises(CertificateError):
            thief.certificates.issue("Mallory", "CITES", "ru", score=100)
        with pytest.raises(bundles.BundleError):
            bundles.export_bundle(thief, "content", tmp_path / "evil.idtb")
        with pytest.raises(PublisherLocked):
            thief.keys.unlock("a guess at the password")
        assert not thief.trainer.unlock("a guess at the password").ok
        assert thief.keys.publisher() is None
    finally:
        thief.close()


def test_changing_the_password_seals_the_key_again(world: World):
    kid = world.trainer.keys.publisher()[0]
    world.trainer.trainer.set_password("new-password-8", current=PASSWORD)
    world.trainer.trainer.lock()
    assert world.trainer.keys.publisher() is None
    with pytest.raises(PublisherLocked):
        world.trainer.keys.unlock(PASSWORD)  # the old password opens nothing
    assert world.trainer.trainer.unlock("new-password-8").ok
    assert world.trainer.keys.publisher()[0] == kid


def test_a_quiz_changed_after_the_exam_is_graded_as_it_is_now_and_flagged(world: World):
    # A laptop controls its attempt's start time, so an attempt is never graded against
    # "the quiz as it was": one whose length no longer fits is scored against today's
    # rules and flagged, with the reason, for the trainer to look at.
    b = world.laptop("B")
    attempt = take(b, world.quiz, b.trainees.create("Ерлан"), right=True)
    rule = Rule("random", count=5, filter={"types": ["single"]})
    world.trainer.quizzes.save("Итоговый тест", QuizSettings(pass_mark=60), [rule],
                               uuid=world.quiz)
    summary = world.results_from(b)
    stored = world.trainer.attempts.get(attempt)
    assert (stored.score, stored.max_score, stored.passed) == (3.0, 5.0, True)
    assert any("changed after the attempt began" in flag for flag in summary.flags)


def test_a_planted_sealed_key_with_huge_settings_is_refused_before_scrypt(world: World):
    import json as _json

    kid = world.trainer.keys.publisher()[0]
    sealed = _json.loads(world.trainer.scalar("SELECT sealed_key FROM keys WHERE key_id = ?",
                                              (kid,)))
    for planted in ({**sealed, "n": 2**22}, {"not": "a sealed key"}):
        with world.trainer.transaction():
            world.trainer.conn.execute("UPDATE keys SET sealed_key = ? WHERE key_id = ?",
                                       (_json.dumps(planted), kid))
        world.trainer.trainer.lock()
        with pytest.raises(PublisherLocked):
            world.trainer.keys.unlock(PASSWORD)
        assert world.trainer.keys.publisher() is None


def test_a_laptop_cannot_even_restamp_another_laptops_row(world: World):
    b = world.laptop("B")
    aigerim = b.trainees.create("Айгерим", pin="1234")
    world.results_from(b)
    world.in_class(aigerim)
    m = world.laptop("M")
    before = world.trainer.query_one("SELECT * FROM trainees WHERE uuid = ?", (aigerim,))
    with m.transaction():  # the same data under a much newer revision, by hand
        m.conn.execute("UPDATE trainees SET rev = rev + 5, updated_by = ? WHERE uuid = ?",
                       (m.device_id, aigerim))
    summary = world.results_from(m)
    assert summary.tables["trainees"]["unchanged"] >= 1
    assert world.trainer.query_one("SELECT * FROM trainees WHERE uuid = ?", (aigerim,)) == before


def test_a_content_bundle_carries_the_roster_but_no_pin_hash_and_no_trainers_profile(
        world: World):
    import json
    import zipfile

    trainer = world.trainer
    own = trainer.trainees.create("Тренер Айгерим", pin="4321")  # the trainer's own profile
    paper = trainer.trainees.find_or_create("Certified On Paper")  # not on any roster
    b = world.laptop("B")
    officer = b.trainees.create("Ерлан Оспанов", pin="1234")
    world.results_from(b)
    listed = trainer.trainees.create("Фарход Раҳимов", pin="5555")  # made here, on a roster
    world.in_class(officer)
    klass = trainer.classes.all()[0].uuid
    trainer.classes.add_member(klass, listed)
    trainer.put("trainees", {"uuid": officer, "name": "Ерлан Оспанов (Алматы)"})  # newer here
    path = world.bundle(trainer, "content")
    with zipfile.ZipFile(path) as zf:
        rows = [json.loads(line) for line in zf.read("data/trainees.jsonl").splitlines()]
    assert {r["uuid"] for r in rows} == {officer, listed}
    assert all("pin_hash" not in r for r in rows)
    assert own not in {r["uuid"] for r in rows} and paper not in {r["uuid"] for r in rows}
    bundles.import_bundle(b, path, trust=yes)
    assert b.trainees.get(officer).name == "Ерлан Оспанов (Алматы)"  # the roster's change
    assert b.trainees.check_pin(officer, "1234") and not b.trainees.check_pin(officer, "0000")
    assert b.trainees.get(own) is None and b.trainees.get(paper) is None
    assert b.trainees.get(listed) is not None and not b.trainees.get(listed).has_pin
    assert b.scalar("SELECT COUNT(*) FROM trainees WHERE pin_hash IS NOT NULL AND origin <> ?",
                    (b.device_id,)) == 0
    # The officer's laptop sends the roster row back unchanged: nothing refused, PINs kept.
    b.trainees.set_locale(listed, "uz")
    summary = world.results_from(b)
    assert summary.total("refused") == 0, summary.flags
    assert trainer.trainees.check_pin(listed, "5555")
    assert trainer.scalar("SELECT locale FROM trainees WHERE uuid = ?", (listed,)) == "uz"
