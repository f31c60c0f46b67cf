"""Languages are data: the registry in locales/languages.toml, a dummy language added without
code changes, the generated Uzbek Cyrillic catalog and content."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import tomllib
import zlib
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from idtrainer.core import i18n, languages
from idtrainer.core.languages import LanguageRegistryError, parse_registry, read_registry
from idtrainer.core.resources import locales_dir
from idtrainer.core.texts import Translation
from idtrainer.core.translit import uz_latin_to_cyrillic

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import catalogs  # noqa: E402


def shipped() -> dict:
    with (locales_dir() / "languages.toml").open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture
def dummy_language(tmp_path, monkeypatch):
    """A copy of locales/ with one more language, "xx", registered in languages.toml only,
    with a catalog of two messages; the app's code is untouched."""
    folder = tmp_path / "locales"
    shutil.copytree(locales_dir(), folder)
    with (folder / "languages.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[[language]]\ncode = "xx"\nname = "Dummy"\nbabel = "de"\n')
    catalog = Catalog(locale="de", domain="idtrainer")
    catalog.add("Species", "Xspecies")
    catalog.add(("{n} lesson", "{n} lessons"), ("{n} xlesson", "{n} xlessons"))
    (folder / "xx" / "LC_MESSAGES").mkdir(parents=True)
    with (folder / "xx" / "LC_MESSAGES" / "idtrainer.po").open("wb") as fh:
        write_po(fh, catalog)
    monkeypatch.setattr(i18n, "locales_dir", lambda: folder)
    i18n.reload_languages(read_registry(folder))
    yield "xx"
    i18n.reload_languages(None)
    i18n.set_language("en")


def test_the_registry_lists_every_language_once_in_menu_order():
    reg = languages.registry()
    assert reg.codes == ("ru", "kk", "ky", "tg", "uz", "uz-Cyrl", "en")
    assert reg.codes == i18n.LANGUAGES
    assert reg.fallback == ("ru", "en") and reg.default == "ru" and reg.source == "en"
    assert reg.get("uz-Cyrl").catalog == "uz_Cyrl" and reg.get("uz-Cyrl").derive_from == "uz"
    for lang in reg.languages:
        assert (locales_dir() / lang.catalog / "LC_MESSAGES" / "idtrainer.po").exists()


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["language"].append(dict(d["language"][0])), "listed twice"),
    (lambda d: d["language"][0].update(code="Russian"), "not like"),
    (lambda d: d["language"][0].pop("name"), "no name"),
    (lambda d: d.update(fallback=["ru", "fr"]), "'fr' is not listed"),
    (lambda d: d["language"][5].update(derive={"from": "uz", "by": "rot13"}), "derive"),
    (lambda d: d.pop("language"), "no [[language]]"),
])
def test_a_wrong_registry_is_one_clear_error(change, message):
    data = shipped()
    change(data)
    with pytest.raises(LanguageRegistryError, match=message.replace("[", r"\[")):
        parse_registry(data)


def test_a_missing_registry_is_a_clear_error(tmp_path):
    with pytest.raises(LanguageRegistryError, match="cannot read the language registry"):
        read_registry(tmp_path)


def test_the_shipped_registry_cache_is_the_toml_as_it_is_now():
    """Start-up reads locales/languages.json instead of parsing the TOML; tools/catalogs.py
    update writes it. When this fails, run that (the app meanwhile reads the TOML)."""
    raw = (locales_dir() / "languages.toml").read_bytes()
    cache = json.loads((locales_dir() / languages.REGISTRY_CACHE).read_text(encoding="utf-8"))
    assert cache["toml_crc32"] == zlib.crc32(raw), "run: python tools/catalogs.py update"
    assert cache["data"] == shipped()


def test_a_changed_or_broken_toml_is_read_for_itself_not_from_the_cache(tmp_path):
    folder = tmp_path / "locales"
    folder.mkdir()
    for name in ("languages.toml", languages.REGISTRY_CACHE):
        shutil.copy(locales_dir() / name, folder / name)
    toml = folder / "languages.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('name = "English"',
                                                             'name = "Inglish"'),
                    encoding="utf-8")
    assert read_registry(folder).get("en").name == "Inglish"
    toml.write_text("default = \n", encoding="utf-8")
    with pytest.raises(LanguageRegistryError, match=r"languages\.toml"):
        read_registry(folder)
    (folder / languages.REGISTRY_CACHE).unlink()
    with pytest.raises(LanguageRegistryError, match=r"languages\.toml"):
        read_registry(folder)


def test_a_dummy_language_added_as_data_works_in_the_interface(dummy_language):
    assert dummy_language in i18n.LANGUAGES and i18n.language_name("xx") == "Dummy"
    assert i18n.normalize_language("xx_YY.UTF-8") == "xx"
    i18n.set_language("xx")
    assert i18n.gettext("Species") == "Xspecies"
    assert i18n.ngettext("{n} lesson", "{n} lessons", 2) == "{n} xlessons"
    assert i18n.gettext("Certificates") == "Certificates"  # untranslated: the source text
    assert "März" in i18n.format_date(dt.date(2026, 3, 8))  # Babel's CLDR data for "de"
    from idtrainer.cli import build_parser

    assert build_parser().parse_args(["--lang", "xx"]).lang == "xx"


def test_a_dummy_language_added_as_data_works_in_the_content(dummy_language, tmp_path):
    from idtrainer.core.content import Problem, _File
    from idtrainer.core.store import Store

    problems: list[Problem] = []
    f = _File(tmp_path / "species.toml", problems)
    texts = f.texts({"en": "Saiga antelope", "ru": "Сайгак", "xx": "Xsaiga"}, "name")
    assert not problems and texts["xx"].value == "Xsaiga"
    store = Store.open(tmp_path / "db.sqlite")
    try:
        store.texts.set_all("species", "s1", "name", texts)
        store.texts.set_all("species", "s1", "summary", {"ru": Translation("Степная антилопа")})
        assert store.texts.get("species", "s1", "name", "xx").value == "Xsaiga"
        summary = store.texts.get("species", "s1", "summary", "xx")
        assert summary.value == "Степная антилопа" and summary.fell_back  # falls back to ru
        assert "xx" in store.texts.coverage("species")
    finally:
        store.close()


def test_a_language_not_in_the_registry_is_refused_by_content(tmp_path):
    from idtrainer.core.content import Problem, _File

    problems: list[Problem] = []
    _File(tmp_path / "species.toml", problems).texts({"en": "Saiga", "xx": "X"}, "name")
    assert problems and "unknown locale" in problems[0].reason


def _strings(lang: str) -> dict:
    with catalogs.po_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=languages.registry().get(lang).babel)
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)): m.string
            for m in catalog if m.id}


def test_the_uzbek_cyrillic_catalog_is_the_transliterated_uzbek_one():
    latin, cyrillic = _strings("uz"), _strings("uz-Cyrl")
    assert latin.keys() == cyrillic.keys()
    target = languages.registry().get("uz-Cyrl")
    for (context, msgid), string in latin.items():
        source = " ".join(msgid) if isinstance(msgid, tuple) else msgid
        forms = string if isinstance(string, tuple) else (string,)
        expected = tuple(target.derive(s, source) for s in forms)
        got = cyrillic[(context, msgid)]
        assert (got if isinstance(got, tuple) else (got,)) == expected, msgid


def test_uzbek_cyrillic_keeps_placeholders_markup_and_names():
    target = languages.registry().get("uz-Cyrl")
    text = "<b>{name}</b> faylini {n:,} marta ochish: %s, CITES, Saiga tatarica, I ilova"
    got = target.derive(text, "Open {name} in CITES: Saiga tatarica, Appendix I")
    assert got == ("<b>{name}</b> файлини {n:,} марта очиш: %s, CITES, Saiga tatarica, "
                   "I илова")
    assert target.derive("&Bekor qilish (Ctrl+Z), keyingi (Alt+oʻng)") == \
        "&Бекор қилиш (Ctrl+Z), кейинги (Alt+ўнг)"
    assert target.derive("[Itelgi](species:falco-cherrug)") == \
        "[Ителги](species:falco-cherrug)"
    assert target.derive("Oʻzbekiston") == uz_latin_to_cyrillic("Oʻzbekiston") == "Ўзбекистон"


def _protect_by_words_pattern(text, convert, keep):
    """What protect did before its one compiled pattern: the kept words written into a
    pattern of their own, matched with finditer."""
    out, last = [], 0
    for match in languages._protected_with(keep).finditer(text):
        out += [convert(text[last:match.start()]), match.group(0)]
        last = match.end()
    return "".join([*out, convert(text[last:])])


def test_protect_keeps_exactly_what_a_pattern_of_the_kept_words_keeps():
    texts = [s for forms in _strings("uz").values()
             for s in (forms if isinstance(forms, tuple) else (forms,))]
    texts += ["CITESning CITES_x xCITES CITES2 PDFga PDF. Ctrl+Z WebP I II {n} <b>PDF</b>",
              "Appendix I CITES", "ÄCITES CITESä CITESʻ"]
    keeps = [frozenset(), frozenset({"CITES", "PDF", "I"}), frozenset({"CI", "CITES"}),
             frozenset({"PDF", "2"})]
    for text in texts:
        for keep in keeps:
            assert languages.protect(text, str.upper, keep) == \
                _protect_by_words_pattern(text, str.upper, keep), (text, keep)


def test_uzbek_cyrillic_content_is_generated_and_marked_machine(tmp_path):
    from idtrainer.core.store import Store

    store = Store.open(tmp_path / "db.sqlite")
    try:
        store.texts.set_all("species", "s1", "name", {
            "en": Translation("Saker falcon"), "uz": Translation("Itelgi", "reviewed")})
        made = store.texts.variants("species", "s1", "name")["uz-Cyrl"]
        assert made == Translation("Ителги", "machine")
        # Editing the Latin text regenerates the Cyrillic one, unless a person wrote it.
        store.texts.set("species", "s1", "name", "uz", "Lochin", "draft")
        assert store.texts.variants("species", "s1", "name")["uz-Cyrl"].value == "Лочин"
        store.texts.set("species", "s1", "name", "uz-Cyrl", "Итолғи", "reviewed")
        store.texts.set("species", "s1", "name", "uz", "Itolgʻi", "draft")
        assert store.texts.variants("species", "s1", "name")["uz-Cyrl"] == Translation("Итолғи",
                                                                             "reviewed")
    finally:
        store.close()


def test_names_sort_by_the_alphabet_the_registry_gives():
    from idtrainer.core.collation import sort_key

    def ordered(names: list[str], lang: str) -> list[str]:
        return sorted(names, key=lambda n: sort_key(n, lang))

    assert ordered(["Ҷайрон", "Қуст", "Арқар", "Ҳумо", "Чой"], "tg") == [
        "Арқар", "Қуст", "Ҳумо", "Чой", "Ҷайрон"]
    assert ordered(["Қуш", "Ўрдак", "Ялпиз", "Арслон"], "uz-Cyrl") == [
        "Арслон", "Ялпиз", "Ўрдак", "Қуш"]
    assert ordered(["Үкү", "Уй", "Өрдөк", "Ор"], "ky") == ["Ор", "Өрдөк", "Уй", "Үкү"]
