"""Training events: classes, attendance per day, pre/post-test outcomes, normalised gain,
top scorers with ties, and merging two records of one officer."""

from __future__ import annotations

import pytest

from idtrainer.core.events import EventError, normalised_gain
from idtrainer.core.quizzes import QuizSettings, Rule
from idtrainer.core.scoring import correct_response
from idtrainer.core.store import Store
from idtrainer.core.trainees import MergeError


def take(store: Store, quiz: str, trainee: str, right: int) -> float:
    """Answer the first ``right`` questions correctly and the rest not at all."""
    attempt = store.attempts.start(quiz, trainee, "ru", seed=7)
    for item in attempt.items[:right]:
        question = store.questions.get(item["q"], "ru")
        store.attempts.answer(attempt.uuid, item["q"], correct_response(question))
    result = store.attempts.submit(attempt.uuid)
    return result.attempt.percent


@pytest.fixture
def event(loaded: Store):
    questions = loaded.questions.uuids()[:10]
    rules = [Rule("fixed", question=q) for q in questions]
    pre = loaded.quizzes.save("Входной тест", QuizSettings(pass_mark=60), rules)
    post = loaded.quizzes.save("Итоговый тест", QuizSettings(pass_mark=60), rules)
    uuid = loaded.events.save("Хоргос, 2 дня", "2026-11-20", "2026-11-21", place="Хоргос",
                              organiser="UNODC", agency="КГД", languages=["ru", "kk"],
                              pre_quiz=pre, post_quiz=post)
    klass = loaded.events.new_class(uuid, "Группа 1")
    people = {}
    for name, gender in (("Асанов", "m"), ("Бекова", "f"), ("Ветров", "m"), ("Гусев", "m")):
        people[name], _ = loaded.trainees.upsert(name, gender=gender, agency="КГД")
        loaded.classes.add_member(klass, people[name])
    return loaded, uuid, klass, pre, post, people


def test_event_fields_validation_and_test_assignment(event):
    store, uuid, klass, pre, post, _people = event
    found = store.events.get(uuid)
    assert found.days == ["2026-11-20", "2026-11-21"] and found.languages == ["ru", "kk"]
    assert store.events.quizzes(uuid) == [pre, post]
    # The tests are assigned to the event's classes, so officers see them.
    assert set(store.quizzes.for_trainee(store.classes.members(klass)[0].uuid)) >= {pre, post}
    with pytest.raises(EventError, match="ends before"):
        store.events.save("x", "2026-11-21", "2026-11-20")
    with pytest.raises(EventError, match="not a date"):
        store.events.save("x", "21.11.2026", "2026-11-22")
    with pytest.raises(EventError, match="must be different"):
        store.events.save("x", "2026-11-21", "2026-11-22", pre_quiz=pre, post_quiz=pre)
    assert store.events.by_name("хоргос, 2 ДНЯ").uuid == uuid
    assert [e.uuid for e in store.events.all(since="2026-11-21", until="2026-12-01")] == [uuid]
    assert store.events.all(since="2026-11-22") == []


def test_attendance_gain_pass_rate_and_prizes(event):
    store, uuid, _klass, pre, post, p = event
    for day in ("2026-11-20", "2026-11-21"):
        for name in ("Асанов", "Бекова", "Ветров"):
            store.events.set_attendance(uuid, p[name], day, True)
    store.events.set_attendance(uuid, p["Гусев"], "2026-11-20", False)
    with pytest.raises(EventError, match="not a day"):
        store.events.set_attendance(uuid, p["Гусев"], "2026-11-25", True)
    # pre / post (10 questions): Асанов 40 -> 70, Бекова 50 -> 100, Ветров 40 -> 70
    for name, before, after in (("Асанов", 4, 7), ("Бекова", 5, 10), ("Ветров", 4, 7)):
        assert take(store, pre, p[name], before) == pytest.approx(10 * before)
        assert take(store, post, p[name], after) == pytest.approx(10 * after)
    take(store, post, p["Гусев"], 5)  # post only, fails (pass mark 60)
    outcomes = {o.trainee.name: o for o in store.events.outcomes(uuid)}
    assert outcomes["Асанов"].gain == pytest.approx((70 - 40) / (100 - 40))  # 0.5
    assert outcomes["Бекова"].gain == pytest.approx(1.0)
    assert outcomes["Гусев"].gain is None and not outcomes["Гусев"].attended
    assert outcomes["Ветров"].days_present == 2 and outcomes["Ветров"].passed
    s = store.events.summary(list(outcomes.values()))
    assert (s.participants, s.attended, s.with_both_tests, s.passed) == (4, 3, 3, 3)
    assert s.mean_gain == pytest.approx((0.5 + 1.0 + 0.5) / 3)
    assert s.mean_pre == pytest.approx(130 / 3) and s.mean_post == pytest.approx(80)
    assert s.gain_of_means == pytest.approx((80 - 130 / 3) / (100 - 130 / 3))
    assert s.pass_rate == pytest.approx(3 / 4)
    assert s.by_gender == {"m": 3, "f": 1}
    # Prizes: 100, then 70 and 70 share second place; nobody is third.
    top = [(place, o.trainee.name) for place, o in store.events.top_scorers(
        list(outcomes.values()), places=3)]
    assert top == [(1, "Бекова"), (2, "Асанов"), (2, "Ветров")]
    two = store.events.top_scorers(list(outcomes.values()), places=2)
    assert [place for place, _o in two] == [1, 2, 2]


def test_normalised_gain_edges():
    assert normalised_gain(100, 100) is None
    assert normalised_gain(None, 50) is None
    assert normalised_gain(80, 60) == pytest.approx(-1.0)


def test_merge_moves_attempts_attendance_and_classes_and_syncs(event):
    store, uuid, _klass, pre, _post, p = event
    twin = store.trainees.create("Асанов")  # made on a second laptop, no agency
    store.trainees.update(twin, region="Алматинская")
    other = store.events.new_class(uuid, "Группа 2")
    store.classes.add_member(other, twin)
    store.events.set_attendance(uuid, twin, "2026-11-21", True)
    take(store, pre, twin, 6)
    assert [g[0].name for g in store.trainees.possible_duplicates()] == []  # agency differs
    store.trainees.update(twin, agency="кгд")
    assert [len(g) for g in store.trainees.possible_duplicates()] == [2]
    store.trainees.merge(p["Асанов"], twin)
    assert store.trainees.canonical(twin) == p["Асанов"]
    assert store.trainees.possible_duplicates() == []
    assert all(t.uuid != twin for t in store.trainees.all())
    assert store.trainees.get(p["Асанов"]).region == "Алматинская"
    (asanov,) = [o for o in store.events.outcomes(uuid) if o.trainee.name == "Асанов"]
    assert asanov.pre == pytest.approx(60) and asanov.days_present == 1
    assert asanov.classes == ("Группа 1", "Группа 2")
    assert len(store.events.participants(uuid)) == 4
    with pytest.raises(MergeError):
        store.trainees.merge(twin, p["Асанов"])
    # The pointer is an ordinary synced row change.
    row = store.query_one("SELECT merged_into, rev FROM trainees WHERE uuid = ?", (twin,))
    assert row["merged_into"] == p["Асанов"] and row["rev"] > 1


def test_certificates_by_outcome_attendance_and_achievement(event, tmp_path):
    from pypdf import PdfReader

    from idtrainer.core.certificate_pdf import render

    store, uuid, _klass, _pre, post, p = event
    store.trainer.set_password("steppe-eagle-7", name="Trainer")
    store.events.set_attendance(uuid, p["Асанов"], "2026-11-20", True)
    store.events.set_attendance(uuid, p["Бекова"], "2026-11-21", True)
    take(store, post, p["Бекова"], 9)
    take(store, post, p["Ветров"], 8)  # passed without being marked present
    take(store, post, p["Асанов"], 3)
    attendance = store.certificates.for_event(uuid, "attendance", "ru")
    assert sorted(c.trainee_name for c in attendance) == ["Асанов", "Бекова"]
    achievement = store.certificates.for_event(uuid, "achievement", "kk")
    assert [(c.trainee_name, c.score, c.kind) for c in achievement] == [
        ("Бекова", 90.0, "achievement"), ("Ветров", 80.0, "achievement")]
    assert all(c.course_title == "Хоргос, 2 дня" and c.issued_on == "2026-11-21"
               for c in attendance + achievement)
    again = store.certificates.for_event(uuid, "attendance", "ru")
    assert [c.serial for c in again] == [c.serial for c in attendance]  # reprints
    assert store.certificates.issued_between("2026-11-01", "2026-11-30") == 4
    out = render(attendance + achievement, store.certificates.template("attendance"),
                 tmp_path / "c.pdf")
    pages = [page.extract_text() for page in PdfReader(out).pages]
    assert "СЕРТИФИКАТ ОБ УЧАСТИИ" in pages[0] and "принял(а) участие в тренинге" in pages[0]
    assert "Бекова" in pages[2] and "90" in pages[2]


def test_roster_event_and_merge_travel_in_bundles(make_laptop, tmp_path):
    from idtrainer.core import bundles

    trainer = make_laptop("A")
    trainer.trainer.set_password("steppe-eagle-7", name="Trainer")
    questions = trainer.questions.uuids()[:3]
    post = trainer.quizzes.save("Итоговый", QuizSettings(pass_mark=50),
                                [Rule("fixed", question=q) for q in questions])
    event = trainer.events.save("Хоргос", "2026-11-20", "2026-11-20", post_quiz=post)
    klass = trainer.events.new_class(event, "Группа")
    officer, _ = trainer.trainees.upsert("Бекова Айша", gender="f", agency="КГД",
                                         region="Алматы")
    trainer.classes.add_member(klass, officer)
    content = bundles.export_bundle(trainer, "content", tmp_path / "c.idtb")
    laptop = make_laptop("B")
    bundles.import_bundle(laptop, content.path, trust=lambda m: True)
    # The roster arrived: the officer picks her own name, with her fields.
    (mine,) = [p for p in laptop.trainees.all() if p.name == "Бекова Айша"]
    assert (mine.uuid, mine.gender, mine.region) == (officer, "f", "Алматы")
    assert laptop.events.get(event).post_quiz == post
    assert post in laptop.quizzes.for_trainee(officer)
    # A second record made by hand on the laptop, with an attempt under it.
    twin = laptop.trainees.create("Бекова Айша")
    take(laptop, post, twin, 3)
    results = bundles.export_bundle(laptop, "results", tmp_path / "r.idtb")
    bundles.import_bundle(trainer, results.path, trust=lambda m: True)  # laptop B pinned
    trainer.trainees.merge(officer, twin)
    (outcome,) = trainer.events.outcomes(event)
    assert outcome.trainee.uuid == officer and outcome.post == pytest.approx(100)
    # The merge goes back to the laptop with the next content bundle.
    again = bundles.export_bundle(trainer, "content", tmp_path / "c2.idtb")
    bundles.import_bundle(laptop, again.path)
    assert laptop.trainees.canonical(twin) == officer
    assert [p.name for p in laptop.trainees.all()].count("Бекова Айша") == 1


def test_results_table_counts_a_merged_records_attempts_once(event):
    store, _uuid, _klass, pre, _post, p = event
    twin = store.trainees.create("Асанов (ноутбук 2)")
    take(store, pre, twin, 9)
    take(store, pre, p["Асанов"], 2)
    store.trainees.merge(p["Асанов"], twin)
    rows = [r for r in store.attempts.report(quiz=pre)]
    assert [(r.trainee, r.attempts) for r in rows] == [("Асанов", 2)]
    assert rows[0].best_percent == pytest.approx(90)


def test_changing_a_test_takes_the_old_one_back_from_the_classes(event):
    """Issue 14: a replaced pre- or post-test must not stay assigned to the event's
    classes beside the new one."""
    store, uuid, klass, pre, post, p = event
    questions = store.questions.uuids()[10:15]
    other = store.quizzes.save("Новый входной тест", QuizSettings(),
                               [Rule("fixed", question=q) for q in questions])
    officer = p["Бекова"]
    # A trainer gave the old pre-test to one officer by name as well: that stays.
    store.quizzes.assign(pre, trainee_uuid=p["Гусев"])

    def saved(**tests):
        found = store.events.get(uuid)
        return store.events.save(found.name, found.starts_on, found.ends_on, uuid=uuid,
                                 **tests)

    saved(pre_quiz=other, post_quiz=post)
    assert set(store.quizzes.for_trainee(officer)) == {other, post}
    assert store.events.quizzes(uuid) == [other, post]
    assert set(store.quizzes.for_trainee(p["Гусев"])) == {other, post, pre}
    # The old assignment is a tombstone, so the change reaches officers' laptops.
    assert store.scalar("SELECT deleted FROM quiz_assignments WHERE uuid = ?",
                        (f"{pre}-to-{klass}",)) == 1
    # Swapping the two keeps both; clearing the post-test takes it back; a test given
    # back again is assigned again.
    saved(pre_quiz=post, post_quiz=other)
    assert set(store.quizzes.for_trainee(officer)) == {other, post}
    saved(pre_quiz=post, post_quiz=None)
    assert store.quizzes.for_trainee(officer) == [post]
    saved(pre_quiz=pre, post_quiz=other)
    assert set(store.quizzes.for_trainee(officer)) == {pre, other}
    # Saving the event unchanged changes no assignment.
    before = store.query("SELECT uuid, rev, deleted FROM quiz_assignments ORDER BY uuid")
    saved(pre_quiz=pre, post_quiz=other)
    assert store.query("SELECT uuid, rev, deleted FROM quiz_assignments ORDER BY uuid") == before


def test_a_class_moved_or_left_without_an_event_loses_the_events_tests(event):
    store, uuid, klass, pre, _post, p = event
    officer = p["Асанов"]
    questions = store.questions.uuids()[10:15]
    final = store.quizzes.save("Экзамен", QuizSettings(),
                               [Rule("fixed", question=q) for q in questions])
    second = store.events.save("Нур Жолы", "2026-12-01", "2026-12-02", pre_quiz=pre,
                               post_quiz=final)
    store.events.add_class(second, klass)
    assert set(store.quizzes.for_trainee(officer)) == {pre, final}
    store.events.delete(second)
    assert store.quizzes.for_trainee(officer) == []
    assert store.scalar("SELECT event_uuid FROM classes WHERE uuid = ?", (klass,)) is None
    assert store.events.get(uuid).pre_quiz == pre  # the other event is untouched


def test_a_replaced_test_leaves_the_officers_laptop_with_the_next_content(make_laptop,
                                                                          tmp_path):
    from idtrainer.core import bundles

    trainer = make_laptop("A")
    trainer.trainer.set_password("steppe-eagle-7", name="Trainer")
    questions = trainer.questions.uuids()[:6]
    old = trainer.quizzes.save("Старый", QuizSettings(),
                               [Rule("fixed", question=q) for q in questions[:3]])
    new = trainer.quizzes.save("Новый", QuizSettings(),
                               [Rule("fixed", question=q) for q in questions[3:]])
    event = trainer.events.save("Хоргос", "2026-11-20", "2026-11-20", post_quiz=old)
    klass = trainer.events.new_class(event, "Группа")
    officer, _ = trainer.trainees.upsert("Бекова Айша")
    trainer.classes.add_member(klass, officer)
    laptop = make_laptop("B")
    first = bundles.export_bundle(trainer, "content", tmp_path / "c1.idtb")
    bundles.import_bundle(laptop, first.path, trust=lambda m: True)
    assert laptop.quizzes.for_trainee(officer) == [old]
    trainer.events.save("Хоргос", "2026-11-20", "2026-11-20", post_quiz=new, uuid=event)
    second = bundles.export_bundle(trainer, "content", tmp_path / "c2.idtb")
    bundles.import_bundle(laptop, second.path)
    assert laptop.quizzes.for_trainee(officer) == [new]
