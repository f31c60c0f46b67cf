"""Maintain the gettext catalogs in locales/ (Babel).

    python tools/catalogs.py update          extract from src/, update every .po
    python tools/catalogs.py missing LANG    print untranslated messages as JSON
    python tools/catalogs.py fill LANG FILE  apply {msgid: msgstr | [forms]} from JSON

The languages are those of locales/languages.toml (idtrainer.core.languages; run with
PYTHONPATH=src). A language derived from another there (Uzbek Cyrillic from Uzbek Latin)
is never filled by hand: every save of its source regenerates its catalog by the
registry's transliteration, placeholders and markup left as they are.

``update`` is what ``pybabel extract -F babel.cfg`` + ``pybabel update`` + ``pybabel
compile`` do, with two project rules added: the English catalog is filled from the
source text, and obsolete messages are dropped so the catalogs stay readable.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
from idtrainer.core.languages import (  # noqa: E402
    Language,
    Registry,
    read_registry,
    write_registry_cache,
)

LOCALES = ROOT / "locales"
DOMAIN = "idtrainer"


def registry() -> Registry:
    return read_registry(LOCALES)


def language(code: str) -> Language:
    try:
        return registry().get(code)
    except KeyError:
        raise SystemExit(f"unknown language {code!r}; locales/languages.toml lists "
                         + ", ".join(registry().codes)) from None


def extract() -> Catalog:
    """Every message marked in src/ (same result as pybabel extract -F babel.cfg)."""
    catalog = Catalog(project="IDTrainer", domain=DOMAIN, charset="utf-8")
    method_map = [("**.py", "python")]
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT / "src"), method_map=method_map, comment_tags=("TRANSLATORS:",),
            keywords={**DEFAULT_KEYWORDS, "QT_": ((1, "c"), 2)},  # Qt's strings: gui/qt_strings.py
            strip_comment_tags=True):
        catalog.add(message, None, [(f"src/{filename}", lineno)], auto_comments=comments,
                    context=context)
    return catalog


def po_path(lang: str) -> Path:
    return LOCALES / language(lang).catalog / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(lang: str) -> Catalog:
    path = po_path(lang)
    babel = language(lang).babel
    if not path.exists():
        return Catalog(locale=babel, domain=DOMAIN, project="IDTrainer", charset="utf-8")
    with path.open("rb") as fh:
        return read_po(fh, locale=babel, domain=DOMAIN)


def save(lang: str, catalog: Catalog) -> None:
    """Write the .po and its compiled .mo (what the app loads; a test checks they agree)."""
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        # Sorted by message, files without line numbers: two branches that add messages
        # touch different lines, so catalogs merge without conflicts.
        write_po(fh, catalog, width=100, omit_header=False, sort_output=True,
                 include_lineno=False, ignore_obsolete=True, include_previous=False)
    with path.with_suffix(".mo").open("wb") as fh:
        write_mo(fh, load(lang), use_fuzzy=False)
    write_qt_catalog(lang, load(lang))
    for derived in registry().derived():
        if derived.derive_from == lang:
            save(derived.code, derive(derived, catalog))


def derive(target: Language, source: Catalog) -> Catalog:
    """``target``'s catalog generated from its source language's ``source`` catalog."""
    catalog = Catalog(locale=target.babel, domain=DOMAIN, project="IDTrainer",
                      charset="utf-8")
    for message in source:
        if not message.id:
            continue
        string = message.string
        msgid = " ".join(message.id) if isinstance(message.id, (list, tuple)) else message.id
        if isinstance(string, (list, tuple)):
            string = tuple(target.derive(form, msgid) if form else "" for form in string)
        elif string:
            string = target.derive(string, msgid)
        catalog.add(message.id, string, message.locations, flags=message.flags,
                    auto_comments=message.auto_comments, context=message.context)
    return catalog


QT_CATALOG = "idtrainer_qt"  # .qm beside the .po: Qt's own strings (gui/qt_strings.py)


def write_qt_catalog(lang: str, catalog: Catalog) -> None:
    """Compile the catalog's Qt strings (messages with a Qt context) into a Qt .qm file
    with the lrelease that PySide6 ships, so the app answers Qt's own strings with a plain
    QTranslator (no Python translator: see gui/app.py, QtTranslations)."""
    import subprocess
    import tempfile
    import xml.etree.ElementTree as ET

    import PySide6

    root = ET.Element("TS", version="2.1", language=language(lang).babel)
    contexts: dict[str, ET.Element] = {}
    for message in catalog:
        if not message.id or not message.context or not message.context.startswith("Q"):
            continue
        if not isinstance(message.string, str) or not message.string:
            continue
        context = contexts.get(message.context)
        if context is None:
            context = contexts[message.context] = ET.SubElement(root, "context")
            ET.SubElement(context, "name").text = message.context
        entry = ET.SubElement(context, "message")
        ET.SubElement(entry, "source").text = message.id
        ET.SubElement(entry, "translation").text = message.string
    lrelease = Path(PySide6.__file__).parent / ("lrelease.exe" if sys.platform == "win32"
                                                else "lrelease")
    target = po_path(lang).with_name(f"{QT_CATALOG}.qm")
    with tempfile.TemporaryDirectory() as tmp:
        ts = Path(tmp) / f"{QT_CATALOG}_{lang}.ts"
        ET.ElementTree(root).write(ts, encoding="utf-8", xml_declaration=True)
        subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(target)], check=True)


def update() -> None:
    template = extract()
    LOCALES.mkdir(exist_ok=True)
    write_registry_cache(LOCALES)  # what start-up reads instead of parsing the TOML
    with (LOCALES / f"{DOMAIN}.pot").open("wb") as fh:
        write_po(fh, template, width=100, ignore_obsolete=True, sort_output=True,
                 include_lineno=False)
    reg = registry()
    for lang in (lang.code for lang in reg.languages if not lang.derive_from):
        catalog = load(lang)
        # Catalog.update shares the template's Message objects: give each language a copy.
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True,
                       update_header_comment=False)
        catalog.obsolete.clear()
        if lang == reg.source:
            for message in catalog:
                if message.id and not _translated(message):
                    message.string = message.id
                    message.flags.discard("fuzzy")
        save(lang, catalog)
        for each in (lang, *(d.code for d in reg.derived() if d.derive_from == lang)):
            done = load(each)
            left = sum(1 for m in done if m.id and not _translated(m))
            print(f"{each}: {len(done)} messages, {left} untranslated")


def _translated(message) -> bool:
    if "fuzzy" in message.flags:
        return False
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return bool(strings) and all(strings)


def _key(message) -> str:
    """A message's key in the JSON of ``missing`` and ``fill``: its id, or its singular
    form, prefixed by ``context`` + U+0004 when it has a context (as in a .mo file)."""
    key = message.id if isinstance(message.id, str) else message.id[0]
    return f"{message.context}\x04{key}" if message.context else key


def missing(lang: str) -> None:
    catalog = load(lang)
    out = {}
    for message in catalog:
        if message.id and not _translated(message):
            key = _key(message)
            out[key] = {"plural": list(message.id)} if message.pluralizable else ""
    print(json.dumps(out, ensure_ascii=False, indent=1))


def fill(lang: str, source: Path) -> None:
    if language(lang).derive_from:
        raise SystemExit(f"{lang} is generated from {language(lang).derive_from}: "
                         "fill that language instead")
    given = json.loads(source.read_text(encoding="utf-8"))
    catalog = load(lang)
    filled = 0
    for message in catalog:
        key = _key(message)
        if given.get(key):
            value = given[key]
            message.string = tuple(value) if message.pluralizable else value
            message.flags.discard("fuzzy")
            filled += 1
    save(lang, catalog)
    print(f"{lang}: filled {filled} messages")


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
    elif argv[:1] == ["missing"] and len(argv) == 2:
        missing(argv[1])
    elif argv[:1] == ["fill"] and len(argv) == 3:
        fill(argv[1], Path(argv[2]))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
