"""The authoring core: drafts checked by the loader's rules, saved as synced changes,
undone and redone, deleted only after saying what points at them, and travelling in the
next content bundle."""

from __future__ import annotations

import json
import zipfile

import pytest

from idtrainer.core import bundles
from idtrainer.core.authoring import (
    AuthoringError,
    AuthoringSession,
    Lookalike,
    OptionDraft,
    QuestionDraft,
    SpeciesDraft,
)
from idtrainer.core.store import content_uuid


def new_species(slug: str = "felis-manul") -> SpeciesDraft:
    d = SpeciesDraft(slug=slug, scientific_name="Otocolobus manul", group="mammals")
    d.names = {"ru": "Манул", "en": "Pallas's cat", "kk": "Сабаншы"}
    d.other_names = {"ru": ["Палласов кот"]}
    d.synonyms = ["Felis manul"]
    d.texts["summary"] = {"ru": "Небольшая дикая кошка.", "en": "A small wild cat."}
    d.texts["what_to_do"] = {"ru": "Задержать груз.", "en": "Detain the shipment."}
    d.texts["handling"] = {"ru": "Перчатки."}
    d.listing.appendix = "II"
    d.listing.source = "CITES Appendices 2025"
    d.listing.checked_on = "2026-11-20"
    d.listing.to_verify = True
    d.listing.annotation = {"en": "Annotation text"}
    d.features = [{"ru": "Уши низко посаженные", "en": "Low-set ears"}]
    d.products = [("skin", {"ru": "Шкуры в багаже", "en": "Skins in luggage"})]
    d.lookalikes = [Lookalike("saiga-tatarica", {}, {"ru": "Не похож", "en": "Not alike"})]
    return d


def choice_question(slug: str = "manul-q1") -> QuestionDraft:
    return QuestionDraft(slug=slug, qtype="single", stem={"ru": "Кто это?", "en": "Who?"},
                         species=["felis-manul"],
                         options=[OptionDraft({"ru": "Манул", "en": "Manul"}, correct=True),
                                  OptionDraft({"ru": "Рысь", "en": "Lynx"})])


@pytest.fixture
def session(loaded):
    return AuthoringSession(loaded, trainer_unlocked=True)


def reasons(problems) -> list[str]:
    return [p.reason for p in problems]


def test_only_in_trainer_mode(loaded):
    with pytest.raises(AuthoringError):
        AuthoringSession(loaded, trainer_unlocked=False)


def test_species_saved_into_the_loaders_rows_and_read_back(session, loaded):
    draft = new_species()
    problems = session.species_problems(draft)
    assert [p.field for p in problems if p.blocking] == []
    assert "every species needs at least one image" in reasons(problems)  # a warning only
    uuid = session.save_species(draft)
    assert uuid == content_uuid("species", "felis-manul")
    card = loaded.species.card(uuid, "kk")
    assert card is not None and card.summary.name and card.summary.name.value == "Сабаншы"
    assert card.listing and card.listing.appendix == "II" and card.listing.to_verify
    assert card.synonyms == ["Felis manul"] and card.other_names == {"ru": ["Палласов кот"]}
    assert [f.value for f in loaded.species.card(uuid, "en").features] == ["Low-set ears"]
    row = loaded.query_one("SELECT rev, updated_by FROM species WHERE uuid = ?", (uuid,))
    assert row == {"rev": 1, "updated_by": loaded.device_id}
    assert session.load_species(uuid) == draft
    # a change of one word is one new revision of one text; the rest is unchanged
    draft.names["kk"] = "Манул"
    session.save_species(draft)
    assert loaded.query_one("SELECT rev FROM species WHERE uuid = ?", (uuid,))["rev"] == 1
    text = loaded.query_one("SELECT rev, status FROM texts WHERE owner_uuid = ? AND "
                            "field = 'name' AND locale = 'kk'",
                            (content_uuid("taxon", "felis-manul"),))
    assert text == {"rev": 2, "status": "draft"}
    assert loaded.search.find("манул", "ru")


def test_species_problems_as_the_loader_words_them(session):
    draft = new_species()
    draft.slug = "Bad Id"
    draft.names = {"kk": "Сабаншы"}
    draft.features = []
    draft.listing.checked_on = "20.11.2026"
    draft.lookalikes = [Lookalike("no-such-species", {}, {"en": "x"})]
    got = {(p.field, p.reason) for p in session.species_problems(draft)}
    assert ("id", "ids use lowercase letters, digits and '-' only: 'Bad Id'") in got
    assert ("name", "needs at least the ru or en text (the fallback languages)") in got
    assert ("features", "list at least one diagnostic feature") in got
    assert ("cites.checked_on", "must be a date such as 2026-11-20") in got
    assert ("lookalikes[1].species", "no species with id 'no-such-species'") in got
    with pytest.raises(AuthoringError):
        session.save_species(draft)
    taken = new_species("saiga-tatarica")  # a new species may not overwrite one that exists
    assert ("id", "id 'saiga-tatarica' is used 2 times") in {
        (p.field, p.reason) for p in session.species_problems(taken)}
    saiga = session.load_species(content_uuid("species", "saiga-tatarica"))
    assert [p for p in session.species_problems(saiga) if p.field == "id"] == []


def test_question_problems(session):
    q = choice_question()
    q.options[0].correct = False
    assert "mark exactly one option correct = true" in reasons(session.question_problems(q))
    q.options[0].correct = True
    q.options[1].text = {"ru": "манул ", "en": "Lynx"}
    assert "options 1 and 2 are the same" in reasons(session.question_problems(q))
    q.options[1].text = {"ru": "Рысь"}
    q.species = ["nobody-knows"]
    assert "no species with id 'nobody-knows'" in reasons(session.question_problems(q))
    q.species = []
    q.qtype = "image"
    assert "an image question needs an image" in reasons(session.question_problems(q))


def test_the_loader_uses_the_same_rules():
    from idtrainer.core import content_rules

    assert content_rules.licence_problem("all rights reserved") is not None
    assert content_rules.licence_problem("CC-BY-4.0") is None
    import inspect

    from idtrainer.core import content

    assert "rules.option_problems" in inspect.getsource(content._read_answer)


def all_six(session, loaded) -> list[QuestionDraft]:
    media = session.media_choices()[0][0]
    return [
        choice_question("manul-single"),
        QuestionDraft(slug="manul-multiple", qtype="multiple", stem={"en": "Cats?"},
                      options=[OptionDraft({"en": "Manul"}, correct=True),
                               OptionDraft(species="saiga-tatarica"),
                               OptionDraft({"en": "Lynx"}, correct=True)]),
        QuestionDraft(slug="manul-tf", qtype="truefalse", stem={"en": "Manul is a cat."},
                      answer_value=True),
        QuestionDraft(slug="manul-image", qtype="image", stem={"en": "Which?"},
                      media_uuid=media,
                      options=[OptionDraft(species="felis-manul", correct=True),
                               OptionDraft(species="saiga-tatarica")]),
        QuestionDraft(slug="manul-match", qtype="matching", stem={"en": "Match"},
                      options=[OptionDraft({"en": "Manul"}, side="left", pair=1),
                               OptionDraft({"en": "II"}, side="right", pair=1),
                               OptionDraft({"en": "Saiga"}, side="left", pair=2),
                               OptionDraft({"en": "II (annotated)"}, side="right", pair=2)]),
        QuestionDraft(slug="manul-appendix", qtype="appendix", stem={"en": "Appendix?"},
                      answer_appendix="II", species=["felis-manul"]),
    ]


def test_every_question_type_saves_and_scores(session, loaded):
    from idtrainer.core.scoring import correct_response, score

    session.save_species(new_species())
    for draft in all_six(session, loaded):
        assert [p for p in session.question_problems(draft) if p.blocking] == []
        uuid = session.save_question(draft)
        question = loaded.questions.get(uuid, "en")
        assert question is not None and question.qtype == draft.qtype
        assert score(question, correct_response(question)) == 1.0
        assert session.load_question(uuid).used_options() == draft.used_options()
        preview = session.preview(draft, "en")
        assert [o.text.value if o.text else None for o in preview.options] == \
            [o.text.value if o.text else None for o in question.options]


def test_undo_redo_and_delete(session, loaded):
    uuid = session.save_species(new_species())
    draft = session.load_species(uuid)
    draft.features.append({"en": "Round pupils"})
    session.save_species(draft)
    assert len(loaded.species.card(uuid, "en").features) == 2
    session.undo()
    assert len(loaded.species.card(uuid, "en").features) == 1
    session.redo()
    assert len(loaded.species.card(uuid, "en").features) == 2
    session.undo()
    session.undo()  # the creation
    assert loaded.species.uuid_for("felis-manul") is None
    session.redo()
    assert loaded.species.uuid_for("felis-manul") == uuid
    q = session.save_question(choice_question())
    refs = session.references("species", uuid, "en")
    assert [r.table for r in refs] == ["questions"] and "manul-q1" in refs[0].label
    session.delete("species", uuid)
    assert loaded.species.uuid_for("felis-manul") is None
    assert loaded.query_one("SELECT deleted FROM species WHERE uuid = ?", (uuid,)) == \
        {"deleted": 1}
    session.undo()
    assert loaded.species.uuid_for("felis-manul") == uuid
    assert [f.value for f in loaded.species.card(uuid, "en").features] == ["Low-set ears"]
    assert loaded.questions.get(q, "en") is not None


def test_edits_travel_in_the_next_content_bundle_and_show_in_the_history(
        session, loaded, tmp_path):
    loaded.trainer.set_password("steppe-eagle-7", name="Trainer")
    uuid = session.save_species(new_species())
    q = session.save_question(choice_question())
    entry = loaded.sync_log.recent()[0]
    assert entry.direction == "edit" and entry.kind == "content"
    assert entry.summary["tables"]["species"] == {"added": 1}
    assert entry.added > 10
    result = bundles.export_bundle(loaded, "content", tmp_path / "course.idtb")
    with zipfile.ZipFile(result.path) as z:
        species = [json.loads(line) for line in z.read("data/species.jsonl").splitlines()]
        questions = [json.loads(line) for line in z.read("data/questions.jsonl").splitlines()]
    assert uuid in {r["uuid"] for r in species}
    assert q in {r["uuid"] for r in questions}


def test_undo_gives_a_reviewed_text_back_its_status(session, loaded):
    saiga = loaded.species.uuid_for("saiga-tatarica")
    taxon = loaded.scalar("SELECT taxon_uuid FROM species WHERE uuid = ?", (saiga,))
    loaded.texts.set("taxa", taxon, "name", "kk", "Ақбөкен", "reviewed")
    draft = session.load_species(saiga)
    draft.names["kk"] = "Ақбөкен (сайғақ)"
    session.save_species(draft)
    status = "SELECT status, value FROM texts WHERE owner_uuid = ? AND field = 'name' " \
             "AND locale = 'kk'"
    assert loaded.query_one(status, (taxon,)) == {"status": "draft",
                                                  "value": "Ақбөкен (сайғақ)"}
    session.undo()
    assert loaded.query_one(status, (taxon,)) == {"status": "reviewed", "value": "Ақбөкен"}
    session.redo()
    assert loaded.query_one(status, (taxon,))["status"] == "draft"


def test_a_starter_species_lists_what_points_at_it(session, loaded):
    saiga = loaded.species.uuid_for("saiga-tatarica")
    refs = session.references("species", saiga, "en")
    tables = {r.table for r in refs}
    assert {"questions", "lessons", "species"} <= tables, refs
    question = loaded.questions.uuids()[0]
    fixed = [r for r in loaded.query("SELECT question_uuid FROM quiz_rules WHERE "
                                     "kind = 'fixed' AND deleted = 0")]
    if fixed:
        assert session.references("question", fixed[0]["question_uuid"], "en")
    assert isinstance(session.references("question", question, "en"), list)
