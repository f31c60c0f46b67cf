from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idtrainer.core.content import load_starter_content
from idtrainer.core.store import Store

FIXTURE = Path(__file__).parent.parent / "data" / "content"


@pytest.fixture(scope="module")
def searchable(tmp_path_factory):
    s = Store.open(tmp_path_factory.mktemp("search") / "db.sqlite")
    load_starter_content(s, FIXTURE)
    yield s
    s.close()


def found(store: Store, query: str, locale: str = "ru") -> list[str]:
    return [hit.scientific_name for hit in store.search.find(query, locale)]


@pytest.mark.parametrize("query", [
    # Russian, and another Russian name
    "Снежный барс", "снежн", "ИРБИС", "ирб",
    # Kazakh, with and without its own letters (typed on a Russian keyboard)
    "Ілбіс", "ілб", "илбис", "Илб",
    # Uzbek Latin and Uzbek Cyrillic
    "Qor qoploni", "qor qop", "Қор қоплони", "қор", "кор коплони",
    # English, scientific name, synonym
    "Snow leopard", "snow", "LEOP", "Panthera uncia", "panth", "Uncia uncia", "unci",
])
def test_finds_snow_leopard_by_any_name(searchable: Store, query: str):
    assert found(searchable, query) == ["Panthera uncia"]


@pytest.mark.parametrize("query", ["tiger", "сайгак", "xyz", "барсук"])
def test_unrelated_words_find_nothing(searchable: Store, query: str):
    assert found(searchable, query) == []


def test_empty_query_finds_nothing(searchable: Store):
    assert searchable.search.find("   ", "ru") == []
    assert searchable.search.find("", "ru") == []


def test_hit_carries_the_name_in_the_readers_language(searchable: Store):
    (hit,) = searchable.search.find("ирбис", "kk")
    assert hit.name.value == "Ілбіс" and not hit.name.fell_back
    assert hit.species_uuid == searchable.species.uuid_for("panthera-uncia")


@pytest.mark.parametrize(("query", "locale"), [
    ("Сайгак", "ru"), ("сайг", "ru"),                      # Russian
    ("Ақбөкен", "kk"), ("акбокен", "kk"), ("Ақб", "kk"),    # Kazakh
    ("Saygʻoq", "uz"), ("Sayg'oq", "uz"), ("saygoq", "uz"), ("sayg", "uz"),  # Uzbek Latin
    ("Сайғоқ", "uz"), ("сайгок", "uz"),                     # Uzbek Cyrillic
    ("Saiga antelope", "en"), ("saiga ant", "en"),           # English
    ("Saiga tatarica", "en"), ("tatar", "en"),              # scientific
])
def test_finds_saiga_in_the_starter_content(loaded: Store, query: str, locale: str):
    assert "Saiga tatarica" in found(loaded, query, locale)


def test_exact_name_ranks_first(store: Store):
    for slug, latin, name in [("a-b", "Alpha beta", "Барсук"), ("c-d", "Gamma delta", "Барс")]:
        store.put("taxa", {"uuid": slug, "scientific_name": latin})
        store.texts.set("taxa", slug, "name", "ru", name)
        store.search.reindex(slug)
    assert found(store, "барс") == ["Gamma delta", "Alpha beta"]


def test_renaming_updates_the_index(store: Store):
    store.put("taxa", {"uuid": "t", "scientific_name": "Felis manul"})
    store.texts.set("taxa", "t", "name", "ru", "Степной кот")
    store.search.reindex("t")
    assert found(store, "степн") == ["Felis manul"]
    store.texts.set("taxa", "t", "name", "ru", "Палласов кот")
    store.search.reindex("t")
    assert found(store, "степн") == [] and found(store, "паллас") == ["Felis manul"]
    # A Latin name typed in Cyrillic is found too (манул -> manul).
    assert found(store, "манул") == ["Felis manul"]
    store.tombstone("taxa", "t")
    store.search.reindex("t")
    assert found(store, "felis") == []


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_typed_text_is_a_valid_query(searchable: Store, query: str):
    hits = searchable.search.find(query, "uz")
    assert all(h.scientific_name == "Panthera uncia" for h in hits)


@pytest.mark.parametrize("query", ['"', "snow*", "NEAR(a b)", "a OR b", "^snow", "snow AND",
                                   "(", "-snow", "col:snow"])
def test_fts_syntax_is_not_interpreted(searchable: Store, query: str):
    searchable.search.find(query, "en")  # must not raise


def test_library_list_follows_the_readers_alphabet(loaded: Store):
    from idtrainer.core.collation import sort_key

    for lang in ("ru", "kk", "uz", "en"):
        names = [s.name.value for s in loaded.species.all(lang) if s.name]
        assert names == sorted(names, key=lambda n: sort_key(n, lang)), lang
