"""Item-writing and giveaway rules: the starter bank passes, and each rule catches its cue."""

from __future__ import annotations

import copy

import pytest

from idtrainer.core import diagrams, item_rules
from idtrainer.core.content import ContentSet, read_content
from idtrainer.core.languages import required_content
from idtrainer.core.texts import Translation


@pytest.fixture(scope="module")
def starter() -> ContentSet:
    return read_content()


@pytest.fixture
def content(starter: ContentSet) -> ContentSet:
    return copy.deepcopy(starter)


def reasons(content: ContentSet) -> list[str]:
    return [f"{p.field}: {p.reason}" for p in item_rules.check_rules(content)]


def question(content: ContentSet, qid: str):
    return next(q for q in content.questions if q.id == qid)


def test_the_starter_course_breaks_no_rule_in_any_language(starter):
    problems = item_rules.check_rules(starter)
    assert not problems, "\n".join(map(str, problems))


def test_starter_figures_are_within_the_limits(starter):
    fig = item_rules.bank_figures(starter)
    assert 0.40 <= fig.true_share <= 0.60
    for loc in required_content():
        assert fig.long_share(loc) <= item_rules.LONG_SHARE, loc
    positions = {[o["correct"] for o in q.options].index(True)
                 for q in starter.questions if q.qtype in ("single", "image")}
    assert positions == {0, 1, 2, 3}  # the right answer is not always stored first


def test_every_image_question_picture_hides_the_answer_in_every_language(starter):
    species = {s.id: s for s in starter.species}
    images = {img.key: img for s in starter.species for img in s.images}
    checked = 0
    for q in starter.questions:
        if q.qtype != "image":
            continue
        sids = {o["species"] for o in q.options if o["correct"] and o["species"]} or set(
            q.species)
        for loc in required_content():
            words = item_rules.rendered_words(images[q.image], loc, question=True)
            for sid in sids:
                common, scientific = item_rules._terms(species[sid])
                assert not item_rules.naming_hits(words, common, scientific), (q.id, loc)
            checked += 1
    assert checked >= 40 * len(required_content())


def test_a_label_that_names_the_answer_in_kazakh_only_is_caught(content):
    q = next(q for q in content.questions if q.qtype == "image"
             and q.image == "saiga-tatarica/media/saiga-horn.svg")
    img = next(i for s in content.species for i in s.images if i.key == q.image)
    plain = next(k for k in img.labels if k not in diagrams.naming_ids(img.path.read_bytes()))
    img.labels[plain] = {**img.labels[plain], "kk": Translation("Ақбөкен мүйізі", "machine")}
    found = [r for r in reasons(content) if r.startswith(f"question[{q.id}].image.kk")]
    assert found and "ақбөкен" in found[0]
    assert not [r for r in reasons(content) if r.startswith(f"question[{q.id}].image.ru")]


def test_a_title_naming_the_species_is_dropped_from_the_question_variant(starter):
    img = next(i for s in starter.species for i in s.images
               if i.key == "falco-cherrug/media/saker-falcon.svg")
    svg = img.path.read_bytes()
    full = " ".join(diagrams.visible_text(diagrams.localize(svg, {})))
    question = " ".join(diagrams.visible_text(diagrams.localize(svg, {}, question=True)))
    assert "Saker" in full and "Saker" not in question


def test_true_false_balance(content):
    for q in content.questions:
        if q.qtype == "truefalse":
            q.answer = {"value": False}
    assert any("true/false" in r for r in reasons(content))


def test_long_correct_option_cue(content):
    for q in content.questions:
        if q.qtype == "single":
            right = next(o for o in q.options if o["correct"])
            if right["text"]:
                right["text"] = {loc: Translation(t.value * 3, t.status)
                                 for loc, t in right["text"].items()}
    assert any("longer than any distractor" in r for r in reasons(content))


def test_multiple_answer_with_every_option_correct(content):
    q = next(q for q in content.questions if q.qtype == "multiple")
    for opt in q.options:
        opt["correct"] = True
    assert any(r.startswith(f"question[{q.id}].options: every option") for r in reasons(content))


@pytest.mark.parametrize("text", ["None of the above", "Все перечисленное",
                                  "Жоғарыда аталғандардың барлығы", "Yuqoridagilarning barchasi"])
def test_all_or_none_of_the_above(content, text):
    q = next(q for q in content.questions if q.qtype == "single")
    q.options[1]["text"] = {"en": Translation(text), "ru": Translation(text)}
    assert any("all of the above" in r for r in reasons(content))


def test_same_stem_and_answer_twice(content):
    twin = copy.deepcopy(next(q for q in content.questions if q.qtype == "appendix"))
    twin.id = "q-twin"
    content.questions.append(twin)
    assert any(r.startswith("question[q-twin]: same stem and answer") for r in reasons(content))


def test_feedback_must_explain(content):
    q = content.questions[0]
    q.feedback = {**q.feedback, "kk": Translation("Дұрыс.", "machine")}
    assert f"question[{q.id}].feedback.kk" in [r.split(": ")[0] for r in reasons(content)]
