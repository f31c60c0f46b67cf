"""USB bundles between real Store files: content out, results back, merge rule, keys."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from idtrainer.core import bundles
from idtrainer.core.keys import KeyFileError, PublisherLocked
from idtrainer.core.quizzes import QuizSettings, Rule
from idtrainer.core.store import Store


def dump(store: Store) -> str:
    return "\n".join(store.conn.iterdump())


def take_quiz(store: Store, quiz: str, name: str, *, right: bool) -> str:
    """A trainee answers every question, all right or all wrong (single and true/false)."""
    trainee = store.trainees.create(name)
    attempt = store.attempts.start(quiz, trainee, "ru")
    for item in attempt.items:
        q = store.query_one("SELECT qtype, answer FROM questions WHERE uuid = ?", (item["q"],))
        if q["qtype"] == "truefalse":
            truth = json.loads(q["answer"])["value"]
            response = {"value": truth if right else not truth}
        else:
            response = {"option": store.scalar(
                "SELECT uuid FROM question_options WHERE question_uuid = ? AND correct = ?",
                (item["q"], int(right)))}
        store.attempts.answer(attempt.uuid, item["q"], response)
    store.attempts.submit(attempt.uuid)
    return trainee


@pytest.fixture
def trainer(make_laptop):
    s = make_laptop("A")
    s.trainer.set_password("steppe-eagle-7", name="Trainer Aigerim")
    return s


def test_content_out_results_back_and_everything_twice_changes_nothing(
        trainer: Store, make_laptop, tmp_path: Path):
    stick = tmp_path / "stick"
    stick.mkdir()
    rule = Rule("random", count=5, filter={"types": ["single"]})
    quiz = trainer.quizzes.save("Итоговый тест", QuizSettings(pass_mark=60), [rule])
    trainer.texts.set("species", trainer.scalar("SELECT uuid FROM species LIMIT 1"),
                      "handling", "ru", "Новый текст тренера", "draft")
    content = bundles.export_bundle(trainer, "content", stick / "course.idtb", title="v2")
    assert not (stick / "course.idtb.partial").exists()
    # The built-in self-tests travel too: the same uuids on every laptop, nothing doubles.
    assert content.manifest.counts["quizzes"] == 1 + len(trainer.quizzes.self_tests())

    laptops = [make_laptop(name) for name in ("B", "C")]
    results = []
    for i, other in enumerate(laptops):
        asked = []
        summary = bundles.import_bundle(other, content.path,
                                        trust=lambda m, asked=asked: asked.append(m) or True)
        assert [m.fingerprint for m in asked] == [content.manifest.fingerprint]
        assert summary.tables["quizzes"]["added"] == 1
        assert summary.tables["texts"]["updated"] >= 1  # the trainer's edit
        assert other.texts.variants(
            "species", trainer.scalar("SELECT uuid FROM species LIMIT 1"), "handling")["ru"].value \
            == "Новый текст тренера"
        assert other.search.find("сайгак", "ru")  # the search index follows the import
        take_quiz(other, quiz, f"Officer {'BC'[i]}", right=i == 0)
        results.append(bundles.export_bundle(other, "results", stick / f"{'BC'[i]}.idtb"))

    asked = []  # the first results from each laptop: the trainer compares its fingerprint
    outcomes = bundles.import_many(trainer, [r.path for r in results],
                                   trust=lambda m: asked.append(m.producer_device) or True)
    assert [o.error for o in outcomes] == [None, None]
    assert asked == [o.device_id for o in laptops]
    for outcome, other in zip(outcomes, laptops, strict=True):
        assert outcome.summary.manifest.producer_device == other.device_id
        assert outcome.summary.tables["answers"]["added"] == 5
    report = {r.trainee: r for r in trainer.attempts.report(quiz=quiz)}
    assert set(report) == {"Officer B", "Officer C"}
    assert report["Officer B"].passed and not report["Officer C"].passed
    assert report["Officer B"].devices == (laptops[0].device_id,)
    log = [e for e in trainer.sync_log.recent() if e.direction == "import"]
    assert {e.producer_device for e in log} == {o.device_id for o in laptops}
    assert all(e.kind == "results" and e.added >= 5 for e in log)
    assert list((tmp_path / "A" / "backups").glob("*before-import*"))

    # A fresh export of the same data is a new bundle, but merges to nothing new.
    fresh = bundles.export_bundle(laptops[0], "results", stick / "B2.idtb")
    before = [dump(s) for s in (trainer, *laptops)]
    again = bundles.import_many(trainer, [r.path for r in results])
    assert all(o.summary.already_imported for o in again)
    for other in laptops:
        assert bundles.import_bundle(other, content.path).already_imported
    summary = bundles.import_bundle(trainer, fresh.path)
    assert summary.total("added") == summary.total("updated") == 0
    after = [dump(s) for s in (trainer, *laptops)]
    assert after[1:] == before[1:]
    assert after[0].count("INSERT INTO \"sync_log\"") == before[0].count(
        "INSERT INTO \"sync_log\"") + 1  # only the new bundle's log line


def test_concurrent_edits_converge_on_both_laptops(trainer: Store, make_laptop,
                                                   tmp_path: Path):
    other = make_laptop("B")
    other.trainer.set_password("steppe-eagle-8")
    other.keys.trust(trainer.keys.public_of(trainer.keys.publisher()[0]), "publisher", "A")
    # The second trainer laptop shares the publisher key (exported with a passphrase).
    trainer.keys.export_publisher(tmp_path / "publisher.key", "correct horse")
    other.keys.import_publisher(tmp_path / "publisher.key", "correct horse")
    taxon = trainer.scalar("SELECT uuid FROM taxa WHERE slug = 'saiga-tatarica'")
    trainer.texts.set("taxa", taxon, "name", "ru", "Сайгак (A)")       # rev 2 on A
    other.texts.set("taxa", taxon, "name", "ru", "Сайгак (B)")         # rev 2 on B
    other.texts.set("taxa", taxon, "name", "ru", "Сайгак степной (B)")  # rev 3 on B
    species = trainer.scalar("SELECT uuid FROM species WHERE slug = 'saiga-tatarica'")
    other.put("species", {"uuid": species, "taxon_group": "mammals", "deleted": 1})
    trainer.put("species", {"uuid": species, "deleted": 0, "taxon_group": "mammals"})
    a = bundles.export_bundle(trainer, "content", tmp_path / "a.idtb")
    b = bundles.export_bundle(other, "content", tmp_path / "b.idtb")
    bundles.import_bundle(trainer, b.path)
    bundles.import_bundle(other, a.path)
    for table in ("texts", "species", "taxa"):
        assert trainer.query(f"SELECT * FROM {table} ORDER BY uuid") == \
            other.query(f"SELECT * FROM {table} ORDER BY uuid"), table
    assert trainer.texts.get("taxa", taxon, "name", "ru").value == "Сайгак степной (B)"
    # The tombstone was a normal edit: rev 2 on B vs no edit on A (put changed nothing).
    assert trainer.scalar("SELECT deleted FROM species WHERE uuid = ?", (species,)) == 1


def test_submitted_attempts_never_change(trainer: Store, make_laptop, tmp_path: Path):
    rule = Rule("random", count=3, filter={"types": ["truefalse"]})
    quiz = trainer.quizzes.save("Quiz", QuizSettings(), [rule])
    take_quiz(trainer, quiz, "Officer", right=True)
    bundle = bundles.export_bundle(trainer, "results", tmp_path / "r.idtb")
    attempt = trainer.scalar("SELECT uuid FROM attempts")
    other = make_laptop("B")
    bundles.import_bundle(other, bundles.export_bundle(
        trainer, "content", tmp_path / "c.idtb").path, trust=lambda m: True)
    bundles.import_bundle(other, bundle.path, trust=lambda m: True)
    # Someone edits the submitted attempt on B (a newer revision) and sends it back.
    other.put("attempts", {"uuid": attempt, "score": 0.0, "passed": 0})
    back = bundles.export_bundle(other, "results", tmp_path / "back.idtb")
    summary = bundles.import_bundle(trainer, back.path, trust=lambda m: True)
    # It was the trainer's laptop's attempt: B may not change it at all (docs/security.md).
    assert summary.tables["attempts"]["refused"] == 1, summary.tables
    assert any("another device" in flag for flag in summary.flags)
    assert trainer.scalar("SELECT passed FROM attempts WHERE uuid = ?", (attempt,)) == 1


def test_chosen_modules_and_quizzes_carry_what_they_need(trainer: Store, make_laptop,
                                                         tmp_path: Path):
    module = trainer.scalar("SELECT uuid FROM modules WHERE position = 1")
    question = trainer.scalar("SELECT uuid FROM questions WHERE module_uuid = ? "
                              "ORDER BY slug LIMIT 1", (module,))
    quiz = trainer.quizzes.save("Module 1", QuizSettings(), [Rule("fixed", question)])
    klass = trainer.classes.create("Almaty 2026")
    trainer.classes.add_member(klass, trainer.trainees.create("Askar"))
    trainer.quizzes.assign(quiz, class_uuid=klass)
    bundle = bundles.export_bundle(trainer, "content", tmp_path / "part.idtb",
                                   modules=[module], quizzes=[quiz])
    counts = bundle.manifest.counts
    assert counts["modules"] >= 1 and counts["quizzes"] == 1
    assert 0 < counts["species"] < trainer.count("species")
    assert counts["trainees"] == 1 and counts["class_members"] == 1
    # A fresh laptop without the starter course can use it: every reference resolves.
    empty = Store.open(tmp_path / "E" / "idtrainer.sqlite")
    summary = bundles.import_bundle(empty, bundle.path, trust=lambda m: True)
    assert summary.total("added") == sum(counts.values())
    assert empty.check() == []
    assert empty.quizzes.for_trainee(empty.scalar("SELECT uuid FROM trainees")) == [quiz]
    missing = [m for m in empty.query("SELECT sha256 FROM media")
               if not empty.media.has_file(m["sha256"])]
    assert missing == []
    lesson_links = bundles.export._species_links(empty, {r["uuid"] for r in empty.query(
        "SELECT uuid FROM lessons")})
    assert lesson_links <= {r["slug"] for r in empty.query("SELECT slug FROM species")}
    empty.close()


def test_untrusted_content_names_the_signer_and_nothing_changes(trainer: Store,
                                                                make_laptop,
                                                                tmp_path: Path):
    bundle = bundles.export_bundle(trainer, "content", tmp_path / "c.idtb")
    other = make_laptop("B")
    before = dump(other)
    with pytest.raises(bundles.UntrustedPublisher) as refused:
        bundles.import_bundle(other, bundle.path)
    assert bundle.manifest.fingerprint in str(refused.value)
    with pytest.raises(bundles.UntrustedPublisher):
        bundles.import_bundle(other, bundle.path, trust=lambda m: False)
    assert dump(other) == before


def test_a_results_bundle_cannot_carry_content(trainer: Store, tmp_path: Path):
    bundle = bundles.export_bundle(trainer, "results", tmp_path / "r.idtb")
    names = zipfile.ZipFile(bundle.path).namelist()
    assert not [n for n in names if n.startswith("data/") and n[5:-6] in
                ("species", "questions", "quizzes")]


def test_publisher_key_file_needs_its_passphrase(trainer: Store, store: Store, tmp_path: Path):
    path = tmp_path / "publisher.key"
    with pytest.raises(KeyFileError, match="at least"):
        trainer.keys.export_publisher(path, "short")
    kid = trainer.keys.export_publisher(path, "a long passphrase")
    assert b"ENCRYPTED" in path.read_bytes()
    with pytest.raises(KeyFileError, match="wrong passphrase"):
        store.keys.import_publisher(path, "not the passphrase")
    assert store.keys.publisher() is None
    with pytest.raises(PublisherLocked):  # it is sealed with this laptop's trainer password
        store.keys.import_publisher(path, "a long passphrase")
    store.trainer.set_password("new-laptop-pass")
    assert store.keys.import_publisher(path, "a long passphrase") == kid
    assert store.keys.publisher()[0] == kid and store.keys.trusted(kid) is not None


def test_every_installation_has_a_device_key(loaded: Store):
    kinds = {k.kind for k in loaded.keys.own_keys()}
    assert "device" in kinds


def test_key_and_experts_travel_in_content_bundles(trainer: Store, make_laptop,
                                                   tmp_path: Path):
    from idtrainer.core.experts import Expert

    expert = trainer.experts.save(Expert("", "KG", "birds", "expert", "B. Expert", "Institute",
                                         "+996 000 000 000", "", "ky, ru"))
    other = make_laptop("B")
    bundles.import_bundle(other, bundles.export_bundle(
        trainer, "content", tmp_path / "all.idtb").path, trust=lambda m: True)
    assert other.experts.all("KG", "birds")[0].name == "B. Expert"
    assert other.experts.all("KG")[0].uuid == expert
    # A partial bundle carries the key of the species it sends, and the directory.
    module = trainer.scalar("SELECT uuid FROM modules WHERE position = 1")
    part = bundles.export_bundle(trainer, "content", tmp_path / "part.idtb", modules=[module])
    empty = Store.open(tmp_path / "E" / "idtrainer.sqlite")
    bundles.import_bundle(empty, part.path, trust=lambda m: True)
    assert empty.check() == []
    key = empty.identify.key()
    assert key.taxa and set(key.taxa) == {r["slug"] for r in empty.query(
        "SELECT slug FROM species")}
    assert "item" in key.characters and all(key.codings[t].get("item") for t in key.taxa)
    assert len(empty.experts.all()) == len(trainer.experts.all())
    empty.close()
def test_the_import_of_a_stick_reads_as_one_sentence(trainer: Store, make_laptop,
                                                     tmp_path: Path):
    quiz = trainer.quizzes.save("Итоговый тест", QuizSettings(pass_mark=60),
                                [Rule("random", count=3, filter={"types": ["truefalse"]})])
    content = bundles.export_bundle(trainer, "content", tmp_path / "content.idtb").path
    stick = tmp_path / "stick"
    stick.mkdir()
    files = []
    for name, people in (("B", (True, False)), ("C", (True,))):
        laptop = make_laptop(name)
        laptop.set_setting("device_name", f"Laptop {name}")
        bundles.import_bundle(laptop, content, trust=lambda m: True)
        for i, right in enumerate(people):
            take_quiz(laptop, quiz, f"Officer {name}{i}", right=right)
        files.append(bundles.export_bundle(laptop, "results", stick / f"{name}.idtb").path)
    damaged = stick / "damaged.idtb"
    damaged.write_bytes(files[0].read_bytes()[:-200])  # pulled out too early
    outcomes = bundles.import_many(trainer, [*files, damaged], trust=lambda m: True)
    assert [o.cause for o in outcomes] == ["", "", "damaged"]
    assert bundles.human_summary(outcomes) == (
        "Results from 2 laptops: 3 attempts, 2 passed, 3 new profiles; "
        "1 file refused: damaged")
    detail = "\n".join(bundles.details(outcomes))
    assert "B.idtb: results from Laptop B" in detail and "REJECTED damaged.idtb" in detail
    # The same stick again: nothing new, and the sentence says so.
    again = bundles.import_many(trainer, files, trust=lambda m: True)
    assert bundles.human_summary(again) == "Results from 2 laptops: nothing new"
    # An unknown laptop and a damaged file: each cause counted.
    stranger = make_laptop("D")
    bundles.import_bundle(stranger, content, trust=lambda m: True)
    take_quiz(stranger, quiz, "Officer D", right=False)
    odd = bundles.export_bundle(stranger, "results", stick / "D.idtb").path
    mixed = bundles.import_many(trainer, [odd, damaged], trust=lambda m: False)
    assert bundles.human_summary(mixed) == "2 files refused: 1 not accepted, 1 damaged"
    from idtrainer.core import i18n

    i18n.set_language("ru")
    try:
        russian = bundles.human_summary(outcomes)
    finally:
        i18n.set_language("en")
    assert "Results" not in russian and "2" in russian and "ноутбук" in russian


def test_a_written_bundle_is_signed_with_the_name_people_gave_the_laptop(trainer: Store,
                                                                          tmp_path: Path):
    assert bundles.default_device_name(trainer) == bundles.hostname_name(trainer)  # default
    assert bundles.set_device_name(trainer, "  Алматы   оқу орталығы ") == "Алматы оқу орталығы"
    for kind in ("content", "results"):
        made = bundles.export_bundle(trainer, kind, tmp_path / f"{kind}.idtb")
        with bundles.BundleReader.open(made.path) as reader:
            assert reader.manifest.producer_name == "Алматы оқу орталығы"
    from idtrainer.core import usb

    assert usb.results_file_name(trainer).startswith("Алматы_оқу_орталығы-")
    assert bundles.set_device_name(trainer, "") == bundles.hostname_name(trainer)
    with pytest.raises(bundles.DeviceNameError):
        bundles.set_device_name(trainer, "x" * (bundles.MAX_DEVICE_NAME + 1))
    with pytest.raises(bundles.DeviceNameError):
        bundles.set_device_name(trainer, "tab\x00name")
    assert bundles.default_device_name(trainer) == bundles.hostname_name(trainer)


def test_a_picture_changed_on_the_trainers_disk_is_refused_by_every_laptop(
        trainer: Store, make_laptop, tmp_path: Path):
    # The manifest signs each picture by its name in the media store: the hash of the
    # bytes that passed the gate. Bytes changed on disk since then are refused at import
    # by that hash, not signed as if they had been checked.
    sha = trainer.scalar("SELECT sha256 FROM media WHERE deleted = 0 AND mime = 'image/svg+xml'"
                         " ORDER BY sha256 LIMIT 1")
    path = trainer.media.path_for(sha)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"<svg", b"<svg ", 1))
    bundle = bundles.export_bundle(trainer, "content", tmp_path / "c.idtb")
    assert bundle.manifest.entries[f"media/{sha}"][0] == sha
    laptop = make_laptop("B")
    shutil.rmtree(laptop.media.root)  # so that it needs the bundle's copy
    before = dump(laptop)
    with pytest.raises(bundles.BundleError, match=f"media/{sha}: its hash does not match"):
        bundles.import_bundle(laptop, bundle.path, trust=lambda m: True)
    assert dump(laptop) == before
    path.write_bytes(data)
    again = bundles.export_bundle(trainer, "content", tmp_path / "c2.idtb")
    assert bundles.import_bundle(laptop, again.path, trust=lambda m: True).media_added > 0
