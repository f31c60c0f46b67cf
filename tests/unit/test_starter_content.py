"""The shipped course, held to the standard the content issue sets for it."""

from __future__ import annotations

import re

import pytest

from idtrainer.core.content import ContentSet, read_content
from idtrainer.core.content_report import build_report
from idtrainer.core.languages import required_content
from idtrainer.core.schema import QUESTION_TYPES

LOCALES = required_content()  # en, ru, kk, uz: every text; other languages fall back

WRONG_UZ_APOSTROPHE = re.compile(r"[OoGg]['‘’`´]")


@pytest.fixture(scope="module")
def content() -> ContentSet:
    return read_content()


def all_texts(content: ContentSet):
    """(where, texts) for every translatable field of the shipped content."""
    yield "course.title", content.course_title
    for s in content.species:
        yield f"{s.id}.name", s.names
        for key, texts in s.texts.items():
            if texts:
                yield f"{s.id}.{key}", texts
        for i, t in enumerate(s.features, 1):
            yield f"{s.id}.features[{i}]", t
        for i, (_type, t) in enumerate(s.products, 1):
            yield f"{s.id}.products[{i}]", t
        for i, (_o, label, points) in enumerate(s.lookalikes, 1):
            if label:
                yield f"{s.id}.lookalikes[{i}].label", label
            yield f"{s.id}.lookalikes[{i}].points", points
        for img in s.images:
            if img.caption:
                yield f"{img.key}.caption", img.caption
            for key, words in img.labels.items():
                yield f"{img.key}.labels.{key}", words
    for m in content.modules:
        yield f"{m.id}.title", m.title
        for lesson in m.lessons:
            yield f"{m.id}/{lesson.id}.title", lesson.title
            yield f"{m.id}/{lesson.id}.body", lesson.body
    for q in content.questions:
        yield f"{q.id}.stem", q.stem
        yield f"{q.id}.feedback", q.feedback
        for i, opt in enumerate(q.options, 1):
            if opt["text"]:
                yield f"{q.id}.options[{i}]", opt["text"]


def test_every_text_is_in_all_four_languages(content):
    missing = [f"{where}: {sorted(set(LOCALES) - texts.keys())}"
               for where, texts in all_texts(content) if set(LOCALES) - texts.keys()]
    assert not missing, "\n".join(missing)


def test_uzbek_uses_the_turned_comma(content):
    wrong = [where for where, texts in all_texts(content)
             if "uz" in texts and WRONG_UZ_APOSTROPHE.search(texts["uz"].value)]
    assert not wrong, wrong


def test_every_species_has_four_names_and_a_dated_listing(content):
    for s in content.species:
        assert set(s.names) == {*LOCALES, "ky", "tg"}, s.id  # Kyrgyz and Tajik: names only
        assert s.names["ky"].status == s.names["tg"].status == "machine", s.id
        assert s.listing and s.listing["appendix"] and s.listing["checked_on"], s.id
        assert s.listing["source"], s.id
        assert 3 <= len(s.features) <= 8, f"{s.id}: {len(s.features)} features"
        assert s.images, s.id


def test_module_titles_in_kyrgyz_and_tajik(content):
    assert content.course_title["ky"].value and content.course_title["tg"].value
    for m in content.modules:
        assert m.title["ky"].status == m.title["tg"].status == "machine", m.id


def test_every_question_explains_its_answer(content):
    for q in content.questions:
        assert q.feedback, f"{q.id} has no feedback"
        assert q.tags, f"{q.id} has no tags"
        assert q.module, f"{q.id} belongs to no module"


def test_the_course_is_complete(content):
    report = build_report(content)
    assert report.species >= 45
    assert [m for m, _n in report.modules] == [
        "m1-cites-convention", "m2-implementing-cites", "m3-specimens-identification",
        "m4-working-with-specimens"]
    assert all(4 <= n <= 8 for _m, n in report.modules), report.modules
    assert sum(report.questions_by_type.values()) >= 250
    assert all(report.questions_by_type[t] > 0 for t in QUESTION_TYPES)
    assert set(report.questions_by_module) == {m for m, _n in report.modules}
