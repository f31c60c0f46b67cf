"""The identification key: engine (information gain, why, tolerance, ranges, undo) and
the real key data of the starter course (walk every species, separability)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from idtrainer.core import idkey
from idtrainer.core.content import ContentError, read_content
from idtrainer.core.idkey import ITEM, Answer, Character, Coding, Key, NotSeparable, Session
from idtrainer.core.resources import assets_dir


def _key() -> Key:
    """Four taxa: "size" halves them, "colour" splits one from three, "legs" never splits."""
    chars = {
        "size": Character("size", states=("big", "small")),
        "colour": Character("colour", states=("red", "blue")),
        "legs": Character("legs", states=("four", "two")),
        "length": Character("length", kind="numeric", unit="cm"),
    }
    def s(*v: str) -> Coding:
        return Coding(frozenset(v))

    def row(size: str, colour: str, length: Coding) -> dict[str, Coding]:
        return {"size": s(size), "colour": s(colour), "legs": s("four"), "length": length}

    codings = {
        "a": row("big", "red", Coding(None, 10, 20)),
        "b": row("big", "blue", Coding(None, 15, 30)),
        "c": row("small", "blue", Coding(None, 40, 50)),
        "d": row("small", "blue", Coding()),
    }
    return Key(chars, ["a", "b", "c", "d"], codings)


def test_best_question_is_the_one_that_halves_the_set():
    key = _key()
    gains = {q.character: q.gain for q in idkey.best_questions(key, key.taxa)}
    assert idkey.evaluate(key, []).best[0].character == "size"
    assert gains["size"] == pytest.approx(1.0)
    assert gains["colour"] < gains["size"]
    assert "legs" not in gains            # cannot change the outcome: never suggested


def test_why_discarded_names_the_answer():
    key = _key()
    ev = idkey.evaluate(key, [Answer.state("size", "big"), Answer.state("colour", "red")])
    assert [c.taxon for c in ev.candidates] == ["a"]
    assert ev.discarded["b"] == ("colour",)
    assert ev.discarded["c"] == ("size", "colour")


def test_tolerance_keeps_one_mismatch_and_ranks_it_lower():
    key = _key()
    answers = [Answer.state("size", "big"), Answer.state("colour", "red")]
    ev = idkey.evaluate(key, answers, tolerance=1)
    assert [(c.taxon, c.rank) for c in ev.candidates] == [("a", 1), ("b", 2)]
    assert ev.candidates[1].mismatches == ("colour",)
    assert "c" in ev.discarded


def test_numeric_value_and_range_and_unknown_coding():
    key = _key()
    assert [c.taxon for c in idkey.evaluate(key, [Answer.value("length", 18)]).candidates] == [
        "a", "b", "d"]                    # d's length is "*": never discarded by it
    assert [c.taxon for c in idkey.evaluate(key, [Answer.value("length", 32, 45)]).candidates] == [
        "c", "d"]
    gains = {q.character: q.gain for q in idkey.best_questions(key, ["a", "c"])}
    assert gains["length"] == pytest.approx(1.0)


def test_session_undo_skip_and_reset():
    session = Session(_key())
    session.answer(Answer.state("size", "big"))
    session.answer(Answer.state("size", "small"))
    assert [c.taxon for c in session.evaluate().candidates] == ["c", "d"]
    session.undo()
    assert [c.taxon for c in session.evaluate().candidates] == ["a", "b"]
    session.skip("colour")
    assert "colour" not in {q.character for q in session.evaluate().best}
    session.undo()
    assert "colour" in {q.character for q in session.evaluate().best}
    session.reset()
    assert len(session.evaluate().candidates) == 4 and not session.undo()


def test_separation_problems_and_records():
    key = _key()
    key.codings["d"] = dict(key.codings["c"])
    assert idkey.separation_problems(key) == [("c", "d", None)]
    key.not_separable.append(NotSeparable("cd", frozenset({"c", "d"})))
    assert idkey.separation_problems(key) == []


# -- the real key data ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_key() -> Key:
    content = read_content()
    assert content.key is not None
    return content.key.key()


def test_every_starter_species_is_coded(real_key: Key):
    species = {p.name for p in (assets_dir() / "species").iterdir() if p.is_dir()}
    assert len(species) == 47
    assert set(real_key.taxa) == species
    assert idkey.separation_problems(real_key) == []


def _own_answer(key: Key, taxon: str, character: str) -> Answer | None:
    coding = key.coding(taxon, character)
    if coding is None:
        return None
    if coding.low is not None:
        return Answer.value(character, (coding.low + coding.high) / 2)  # type: ignore[operator]
    if coding.states is None:
        return None
    return Answer.state(character, sorted(coding.states)[0])


def test_walk_every_species(real_key: Key):
    """For every species and every kind of item it is found as: answer the item, then
    keep answering the best question with the species' own state (skipping questions
    that do not apply to it). It stays a candidate, ranked first or tied first, and
    ends alone or with only the species recorded as not separable from it."""
    walked = 0
    for taxon in real_key.taxa:
        for item in idkey.items_of(real_key, taxon):
            session = Session(real_key)
            session.answer(Answer.state(ITEM, item))
            for _step in range(len(real_key.characters)):
                ev = session.evaluate()
                ranks = {c.taxon: c.rank for c in ev.candidates}
                assert ranks.get(taxon) == 1, (taxon, item, session.answers)
                if not ev.best:
                    break
                character = ev.best[0].character
                answer = _own_answer(real_key, taxon, character)
                if answer is None:
                    session.skip(character)
                else:
                    session.answer(answer)
            ev = session.evaluate()
            others = {c.taxon for c in ev.candidates} - {taxon}
            covered = set().union(*(r.taxa for r in ev.not_separable))
            assert others <= covered, (taxon, item, others)
            walked += 1
    assert walked > 150


def test_answering_every_own_state_keeps_the_species_first(real_key: Key):
    for taxon in real_key.taxa:
        answers = [a for c in real_key.characters
                   if (a := _own_answer(real_key, taxon, c)) is not None]
        ev = idkey.evaluate(real_key, answers)
        assert ev.candidates[0].rank == 1
        assert taxon in {c.taxon for c in ev.candidates if c.rank == 1}


def test_unseparated_pair_is_refused_by_content_check(tmp_path: Path):
    root = tmp_path / "assets"
    shutil.copytree(assets_dir(), root)
    records = root / "key" / "not-separable.toml"
    text = records.read_text(encoding="utf-8")
    start = text.index('[[not_separable]]\nid = "big-cat-parts"')
    records.write_text(text[:start], encoding="utf-8")
    with pytest.raises(ContentError) as info:
        read_content(root)
    assert "panthera-pardus / panthera-tigris" in str(info.value)
    assert "hard-parts" in str(info.value)


def test_a_state_text_missing_a_language_is_refused(tmp_path: Path):
    root = tmp_path / "assets"
    shutil.copytree(assets_dir(), root)
    chars = root / "key" / "characters.toml"
    text = chars.read_text(encoding="utf-8")
    chars.write_text(text.replace(', uz = "Tirik hayvon"', "", 1), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        read_content(root)
    assert "character[1].states[1].text" in str(info.value) and "uz" in str(info.value)


def test_key_round_trips_through_the_database(loaded):
    key = loaded.identify.key()
    files = read_content().key.key()
    assert sorted(key.taxa) == sorted(files.taxa)
    assert key.characters == files.characters
    assert key.codings == files.codings
    chars = {c.id: c for c in loaded.identify.characters("kk")}
    assert str(chars[ITEM].name) == "Қолыңызда не бар?"
    assert all(s.text is not None and s.text.locale == "kk" for c in chars.values()
               for s in c.states)
    assert chars["horn-colour"].states[0].media_uuid is not None
    ev = idkey.evaluate(key, [Answer.state(ITEM, "meat-eggs-caviar"),
                              Answer.state("food-kind", "caviar")])
    assert len(ev.not_separable) == 1
    assert "DNA" in str(loaded.identify.reason(ev.not_separable[0].id, "en"))


def test_key_texts_use_the_uzbek_okina():
    """Uzbek Latin writes oʻ and gʻ with ʻ (U+02BB), never ' ‘ ’ (STYLE and content rules)."""
    import tomllib

    bad = []
    for path in sorted((assets_dir() / "key").glob("*.toml")):
        def walk(value, where: str, path: Path = path) -> None:
            if isinstance(value, dict):
                for k, v in value.items():
                    if k == "uz" and isinstance(v, str) and any(c in v for c in "'‘’`"):
                        bad.append(f"{path.name}: {where}")
                    walk(v, f"{where}.{k}")
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    walk(v, f"{where}[{i}]")
        walk(tomllib.loads(path.read_text(encoding="utf-8")), "")
    assert bad == []


def test_a_database_from_before_the_key_gets_it_once(loaded, tmp_path: Path):
    from idtrainer.core.app_data import open_store
    from idtrainer.core.identify import KEY_LOADED

    folder = Path(loaded.path).parent
    with loaded.transaction():
        for table in ("key_codings", "key_states", "key_not_separable", "key_characters",
                      "experts"):
            loaded.conn.execute(f"DELETE FROM {table}")
        loaded.conn.execute("DELETE FROM settings WHERE key = ?", (KEY_LOADED,))
    assert not loaded.identify.has_key()
    loaded.close()
    store = open_store(folder)
    assert len(store.identify.key().taxa) == 47 and len(store.experts.all()) == 8
    assert store.check() == []
    with store.transaction():                       # a trainer's choice is kept after that
        store.conn.execute("DELETE FROM experts")
    store.close()
    store = open_store(folder)
    assert store.experts.all() == []
    store.close()
