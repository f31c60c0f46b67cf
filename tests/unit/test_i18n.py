from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from idtrainer.core import i18n, languages
from idtrainer.core.resources import locales_dir

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import catalogs  # noqa: E402

PLACEHOLDER = re.compile(r"\{([a-zA-Z_0-9]*)(?:![rsa])?(?::[^}]*)?\}|%(?:\([a-z_]+\))?[sd]")


@pytest.fixture(scope="module")
def extracted():
    return catalogs.extract()


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text) + re.findall(r"%(?:\([a-z_]+\))?[sd]", text))


def po_file(lang: str) -> Path:
    return locales_dir() / languages.registry().get(lang).catalog / "LC_MESSAGES" / "idtrainer.po"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_catalog_translates_every_extracted_message(extracted, lang):
    """Every language's catalog is complete (ky, tg and uz-Cyrl too), placeholders kept."""
    with po_file(lang).open("rb") as fh:
        catalog = read_po(fh, locale=languages.registry().get(lang).babel)
    problems = []
    for message in extracted:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        key = message.id if isinstance(message.id, str) else message.id[0]
        if found is None:
            problems.append(f"missing: {key!r} (run tools/catalogs.py update)")
            continue
        if found.fuzzy:
            problems.append(f"fuzzy: {key!r}")
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        if not all(strings):
            problems.append(f"untranslated: {key!r}")
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = {p for s in sources for p in placeholders(s)}
        for s in strings:
            # A plural form may leave out {n} ("one" form) but never invent or drop others.
            if set(placeholders(s)) - wanted or wanted - set(placeholders(s)) - {"n"}:
                problems.append(f"placeholders differ: {key!r} -> {s!r}")
    assert not problems, f"{lang}: " + "\n".join(problems)


def test_russian_has_three_plural_forms():
    i18n.set_language("ru")
    forms = {i18n.ngettext("{n} lesson", "{n} lessons", n).format(n=n) for n in (1, 3, 5)}
    assert len(forms) == 3


def test_uzbek_catalog_uses_modifier_letter_turned_comma():
    text = (locales_dir() / "uz" / "LC_MESSAGES" / "idtrainer.po").read_text(encoding="utf-8")
    body = text.split("\n\n", 1)[1]
    for wrong in ("o'", "g'", "o‘", "g‘", "o’", "g’", "O'", "G'"):
        assert wrong not in body, f"Uzbek catalog uses {wrong!r} instead of U+02BB"


def test_switching_language_changes_gettext_and_tells_listeners():
    heard = []
    i18n.add_language_listener(heard.append)
    try:
        i18n.set_language("kk")
        kazakh = i18n.gettext("Species")
        i18n.set_language("en")
        assert i18n.gettext("Species") == "Species" != kazakh
        assert heard == ["kk", "en"]
    finally:
        i18n.remove_language_listener(heard.append)


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        i18n.set_language("fr")


def test_language_names_in_their_own_language():
    assert [i18n.language_name(code) for code in i18n.LANGUAGES] == [
        "Русский", "Қазақша", "Кыргызча", "Тоҷикӣ", "Oʻzbekcha", "Ўзбекча", "English"]


def test_dates_and_numbers_follow_the_language():
    day = dt.date(2026, 3, 8)
    def spaced(text: str) -> str:  # CLDR uses no-break and narrow no-break spaces
        return text.replace("\u202f", " ").replace("\xa0", " ")

    assert spaced(i18n.format_date(day, lang="ru")) == "8 марта 2026 г."
    assert "наурыз" in i18n.format_date(day, lang="kk")
    assert "mart" in i18n.format_date(day, lang="uz").lower()
    assert i18n.format_date(day, lang="en") == "March 8, 2026"
    for lang in ("ky", "tg", "uz-Cyrl"):  # CLDR has them: Cyrillic month names
        assert "март" in i18n.format_date(day, lang=lang).lower(), lang
        assert spaced(i18n.format_number(12345.5, lang=lang)) == "12 345,5", lang
    assert spaced(i18n.format_number(12345.5, lang="ru")) == "12 345,5"
    assert i18n.format_number(12345.5, lang="en") == "12,345.5"


def test_content_chain():
    assert i18n.content_chain("kk") == ("kk", "ru", "en")
    assert i18n.content_chain("ru") == ("ru", "en")
    assert i18n.content_chain("en") == ("en", "ru")
    assert i18n.content_chain("ky") == ("ky", "ru", "en")
    assert i18n.content_chain("uz-Cyrl") == ("uz-Cyrl", "ru", "en")


@pytest.mark.parametrize(("raw", "expected"), [
    ("ru_RU.UTF-8", "ru"), ("kk-KZ", "kk"), ("uz_Latn_UZ", "uz"), ("en", "en"),
    ("uz_Cyrl_UZ", "uz-Cyrl"), ("uz-Cyrl", "uz-Cyrl"), ("uz_UZ.UTF-8@cyrillic", "uz-Cyrl"),
    ("uz_UZ.UTF-8", "uz"), ("ky_KG.UTF-8", "ky"), ("tg-TJ", "tg"),
    ("fr_FR", None), ("", None), (None, None)])
def test_normalize_language(raw, expected):
    assert i18n.normalize_language(raw) == expected


def test_no_translation_call_hides_inside_an_f_string():
    # Babel's extractor cannot see _() inside an f-string: such a message is never translated.
    pattern = re.compile(r"""\bf(["']).*?\{[^}]*\b(_|ngettext|gettext)\((["'])""")
    offenders = [f"{path.relative_to(ROOT)}:{n}"
                 for path in sorted((ROOT / "src").rglob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line)]
    assert not offenders, offenders


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_compiled_catalog_matches_its_source(lang):
    """The .mo the app loads says what the .po says, message by message.

    Compared by messages, not bytes: each Babel release writes its own version into the
    header (``Generated-By``), and that must not fail a fresh machine.
    """
    from babel.messages.mofile import read_mo

    folder = po_file(lang).parent
    with (folder / "idtrainer.po").open("rb") as fh:
        source = read_po(fh, locale=languages.registry().get(lang).babel)
    with (folder / "idtrainer.mo").open("rb") as fh:
        compiled = read_mo(fh)

    def messages(catalog):
        return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)):
                m.string if isinstance(m.string, str) else tuple(m.string)
                for m in catalog if m.id and not m.fuzzy and (
                    all(m.string) if isinstance(m.string, tuple) else m.string)}

    assert messages(compiled) == messages(source), "run: python tools/catalogs.py update"
