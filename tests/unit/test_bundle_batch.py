"""A trainer's stick imported as one batch (bundles.import_many): people are asked before
the database is locked, the files share one transaction, and a file that fails after
writing sends the batch back to one transaction per file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from test_bundles import dump, take_quiz

from idtrainer.core import bundles
from idtrainer.core.quizzes import QuizSettings, Rule
from idtrainer.core.store import Store


@pytest.fixture
def course(make_laptop, tmp_path: Path):
    """The trainer, a quiz, and the content bundle that carries it."""
    trainer = make_laptop("A")
    trainer.trainer.set_password("steppe-eagle-7", name="Trainer Aigerim")
    quiz = trainer.quizzes.save("Итоговый тест", QuizSettings(pass_mark=60),
                                [Rule("random", count=3, filter={"types": ["truefalse"]})])
    content = bundles.export_bundle(trainer, "content", tmp_path / "content.idtb").path
    return trainer, quiz, content


def officer_laptop(make_laptop, course, name: str, people: int, stick: Path,
                   edit=None) -> Path:
    """A laptop where ``people`` officers took the quiz; its results bundle."""
    _trainer, quiz, content = course
    laptop = make_laptop(name)
    bundles.import_bundle(laptop, content, trust=lambda m: True)
    for i in range(people):
        take_quiz(laptop, quiz, f"Officer {name}{i}", right=i % 2 == 0)
    if edit is not None:
        edit(laptop)
    stick.mkdir(exist_ok=True)
    return bundles.export_bundle(laptop, "results", stick / f"{name}.idtb").path


def test_people_are_asked_before_the_database_is_locked(course, make_laptop, tmp_path: Path):
    trainer, _quiz, _content = course
    stick = tmp_path / "stick"
    files = [officer_laptop(make_laptop, course, n, 2, stick) for n in ("B", "C")]
    asked = []

    def trust(m: bundles.Manifest) -> bool:
        # Another IDTrainer (a window, a command) can still write while the person reads.
        other = sqlite3.connect(trainer.path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        finally:
            other.close()
        asked.append(m.producer_name)
        return True

    outcomes = bundles.import_many(trainer, files, trust=trust)
    assert [o.error for o in outcomes] == [None, None]
    assert len(asked) == 2  # once per laptop
    assert trainer.scalar("SELECT count(*) FROM attempts") == 4


def test_a_file_that_fails_after_writing_sends_the_batch_back_to_one_file_at_a_time(
        course, make_laptop, tmp_path: Path, caplog):
    trainer, _quiz, _content = course
    stick = tmp_path / "stick"
    first = officer_laptop(make_laptop, course, "B", 1, stick)
    bundles.import_bundle(trainer, first, trust=lambda m: True)
    taken = trainer.scalar("SELECT uuid FROM answers LIMIT 1")
    before = trainer.query_one("SELECT * FROM answers WHERE uuid = ?", (taken,))

    def collide(laptop: Store) -> None:
        # An answer of a new attempt under the uuid of an answer the trainer has already:
        # the checks cannot see it (the attempt is new, so its answers are not looked up);
        # its INSERT fails after the bundle's attempts are written.
        laptop.conn.execute("UPDATE answers SET uuid = ? WHERE rowid = (SELECT min(rowid) "
                            "FROM answers)", (taken,))

    good = officer_laptop(make_laptop, course, "C", 2, stick)
    bad = officer_laptop(make_laptop, course, "D", 1, stick, edit=collide)
    later = officer_laptop(make_laptop, course, "E", 1, stick)
    outcomes = bundles.import_many(trainer, [good, bad, later], trust=lambda m: True)
    assert [o.error is None for o in outcomes] == [True, False, True]
    assert outcomes[1].cause == "damaged"
    assert "one by one" in caplog.text
    names = {r[0] for r in trainer.conn.execute("SELECT name FROM trainees")}
    assert {"Officer C0", "Officer C1", "Officer E0"} <= names
    assert "Officer D0" not in names
    assert trainer.query_one("SELECT * FROM answers WHERE uuid = ?", (taken,)) == before
    assert trainer.scalar("SELECT count(*) FROM sync_log WHERE direction = 'import' AND "
                          "kind = 'results'") == 3  # B before, then C and E


def test_a_colliding_answer_refuses_its_bundle_and_changes_nothing(course, make_laptop,
                                                                     tmp_path: Path):
    trainer, _quiz, _content = course
    stick = tmp_path / "stick"
    bundles.import_bundle(trainer, officer_laptop(make_laptop, course, "B", 1, stick),
                          trust=lambda m: True)
    taken = trainer.scalar("SELECT uuid FROM answers LIMIT 1")
    bad = officer_laptop(make_laptop, course, "D", 1, stick, edit=lambda laptop: (
        laptop.conn.execute("UPDATE answers SET uuid = ? WHERE rowid = (SELECT min(rowid) "
                            "FROM answers)", (taken,))))
    before = dump(trainer)
    with pytest.raises(bundles.BundleError) as refused:
        bundles.import_bundle(trainer, bad, trust=lambda m: True)
    assert refused.value.cause == "damaged"
    assert dump(trainer) == before


def test_a_batch_regrades_new_attempts_from_memory_and_known_ones_from_the_database(
        course, make_laptop, tmp_path: Path):
    """A forged score is flagged whether the attempt arrives new (graded from the rows
    just inserted) or was here before (its answers read back)."""
    trainer, _quiz, _content = course
    stick = tmp_path / "stick"

    def forge(laptop: Store) -> None:
        laptop.conn.execute("UPDATE attempts SET score = max_score, passed = 1")

    forged = officer_laptop(make_laptop, course, "B", 2, stick, edit=forge)
    honest = officer_laptop(make_laptop, course, "C", 1, stick)
    outcomes = bundles.import_many(trainer, [forged, honest], trust=lambda m: True)
    assert [o.error for o in outcomes] == [None, None]
    assert len(outcomes[0].summary.flags) == 1  # the officer who got it wrong
    assert outcomes[1].summary.flags == []
    assert trainer.scalar("SELECT count(*) FROM attempts WHERE passed = 1") == 2


def test_an_attempt_finished_after_an_earlier_sync_is_regraded_from_the_database(
        course, make_laptop, tmp_path: Path):
    """The first sync brings an attempt in progress; the second brings the rest of its
    answers and a forged score: the attempt was here before, so its answers are read back
    (old and new together) and the forgery is flagged."""
    trainer, quiz, content = course
    laptop = make_laptop("B")
    bundles.import_bundle(laptop, content, trust=lambda m: True)
    trainee = laptop.trainees.create("Officer B")
    attempt = laptop.attempts.start(quiz, trainee, "ru")
    for n, item in enumerate(attempt.items):
        if n == 1:  # one answer, then the first sync
            early = bundles.export_bundle(laptop, "results", tmp_path / "early.idtb").path
        truth = json.loads(laptop.scalar("SELECT answer FROM questions WHERE uuid = ?",
                                         (item["q"],)))["value"]
        # The early answer right, the later ones wrong.
        laptop.attempts.answer(attempt.uuid, item["q"], {"value": truth if n == 0 else not truth})
    laptop.attempts.submit(attempt.uuid)
    laptop.conn.execute("UPDATE attempts SET score = max_score, passed = 1")
    late = bundles.export_bundle(laptop, "results", tmp_path / "late.idtb").path
    outcomes = bundles.import_many(trainer, [early, late], trust=lambda m: True)
    assert [o.error for o in outcomes] == [None, None]
    assert outcomes[1].summary.tables["answers"]["added"] == len(attempt.items) - 1
    # One right (from the first sync), whatever the laptop claims now.
    assert trainer.scalar("SELECT score FROM attempts WHERE uuid = ?", (attempt.uuid,)) == 1
    assert len(outcomes[1].summary.flags) == 1


def test_a_bundle_too_large_to_keep_in_memory_merges_the_same(course, make_laptop,
                                                               tmp_path: Path, monkeypatch):
    """Past KEEP_ROWS_BYTES a data file is streamed (zip's own reader), its rows parsed
    again for the merge and its attempts re-graded from the database: the same outcome."""
    from idtrainer.core.bundles import reader

    trainer, _quiz, _content = course
    stick = tmp_path / "stick"
    forge = lambda laptop: laptop.conn.execute(  # noqa: E731
        "UPDATE attempts SET score = max_score, passed = 1")
    files = [officer_laptop(make_laptop, course, n, 2, stick, edit=forge) for n in ("B", "C")]
    kept = bundles.import_many(trainer, files, trust=lambda m: True)

    other = make_laptop("Z")
    other.trainer.set_password("steppe-eagle-7", name="Trainer Aigerim")
    bundles.import_bundle(other, course[2], trust=lambda m: True)
    monkeypatch.setattr(reader, "KEEP_ROWS_BYTES", 1)
    streamed = bundles.import_many(other, files, trust=lambda m: True)
    assert [o.summary.tables for o in streamed] == [o.summary.tables for o in kept]
    assert [o.summary.flags for o in streamed] == [o.summary.flags for o in kept]
    assert len(kept[0].summary.flags) == 1
    assert other.query("SELECT uuid, score, max_score, passed FROM attempts ORDER BY uuid") == \
        trainer.query("SELECT uuid, score, max_score, passed FROM attempts ORDER BY uuid")
    assert other.scalar("SELECT count(*) FROM answers") == trainer.scalar(
        "SELECT count(*) FROM answers") > 0


def test_no_backup_no_batch_and_each_file_says_why(course, make_laptop, tmp_path: Path,
                                                   monkeypatch):
    """A backup that cannot be written (a full disk, a read-only folder) stops the batch;
    each file then tries its own, outside any transaction, and is refused with the reason,
    leaving the database as it was."""
    from idtrainer.core.bundles import apply

    trainer, _quiz, _content = course
    stick = tmp_path / "stick"
    files = [officer_laptop(make_laptop, course, n, 1, stick) for n in ("B", "C")]
    calls = []

    def full(store: Store, keep: int = 5) -> Path:
        calls.append(store.conn.in_transaction)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(apply, "backup_before_import", full)
    before = dump(trainer)
    outcomes = bundles.import_many(trainer, files, trust=lambda m: True)
    assert all(o.error and "disk is full" in o.error for o in outcomes)
    assert calls == [False, False, False]  # the batch's, then each file's, never inside one
    assert dump(trainer) == before
