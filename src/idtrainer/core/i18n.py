"""The one place where IDTrainer's user-interface text is translated.

Use it everywhere as::

    from idtrainer.core.i18n import gettext as _, ngettext, N_

``_`` translates into the current interface language at call time, so a
message built after a language switch comes out in the new language. ``N_``
only marks a module-level constant for extraction; translate it where it is
shown. Plurals go through ``ngettext`` (Russian has three forms).

The catalogs are Babel-managed gettext ``.po`` files in ``locales/<lang>/LC_MESSAGES``,
each with its compiled ``.mo`` beside it (written by ``tools/catalogs.py``; a test
fails when a ``.mo`` does not match its ``.po``). Start-up reads the ``.mo`` without
importing Babel.

Content text (species names, lessons, questions) is not translated here: it
is stored per locale in the database and read through :func:`content_chain`.
"""

from __future__ import annotations

import gettext as _gettext
import io
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from idtrainer.core import languages
from idtrainer.core.resources import locales_dir

if TYPE_CHECKING:
    import datetime as dt
    from decimal import Decimal

DOMAIN = "idtrainer"

# The languages come from the registry, locales/languages.toml (core/languages.py); these
# names are kept for reading convenience and rebound by reload_languages().

#: Interface and content languages, in the order they are offered.
LANGUAGES: tuple[str, ...] = ()
DEFAULT_LANGUAGE = "ru"
#: Each language named in itself (Uzbek Latin uses ʻ U+02BB).
LANGUAGE_NAMES: dict[str, str] = {}
#: Babel/CLDR locale for each language (also QLocale's name).
BABEL_LOCALES: dict[str, str] = {}
#: Content falls back along requested -> these, in order (ru, then en).
FALLBACK_CHAIN: tuple[str, ...] = ()


def reload_languages(registry: languages.Registry | None = None) -> None:
    """Take the languages from ``registry`` (None: re-read locales/languages.toml) and
    forget loaded catalogs. Tests use it to add a language; the app never needs it."""
    global LANGUAGES, DEFAULT_LANGUAGE, LANGUAGE_NAMES, BABEL_LOCALES, FALLBACK_CHAIN
    languages.use_registry(registry)
    reg = languages.registry()
    LANGUAGES = reg.codes
    DEFAULT_LANGUAGE = reg.default
    LANGUAGE_NAMES = {lang.code: lang.name for lang in reg.languages}
    BABEL_LOCALES = {lang.code: lang.babel for lang in reg.languages}
    FALLBACK_CHAIN = reg.fallback
    with _lock:
        _catalogs.clear()


_lock = threading.Lock()
_catalogs: dict[str, _gettext.NullTranslations] = {}
_current = "en"
_listeners: list[Callable[[str], None]] = []


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message


def normalize_language(code: str | None) -> str | None:
    """Map ``ru_RU.UTF-8``, ``kk-KZ``, ``uz_Latn``, ``uz_Cyrl``, ``uz@cyrillic`` and the like
    to one of LANGUAGES (a script tag picks the language with that script, if offered)."""
    if not code:
        return None
    text = code.replace("-", "_")
    cyrillic = "@cyrillic" in text.lower()  # glibc's uz_UZ.UTF-8@cyrillic
    text = text.split("@")[0].split(".")[0] + ("_Cyrl" if cyrillic else "")
    parts = text.split("_")
    base = parts[0].lower()
    scripts = [p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()]
    for script in scripts:
        if f"{base}-{script}" in LANGUAGES:
            return f"{base}-{script}"
    return base if base in LANGUAGES else None


def system_language() -> str:
    """The operating system's language if IDTrainer has it, else the default."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        if found := normalize_language(os.environ.get(var, "").split(":")[0]):
            return found
    import locale as _locale  # only when the environment does not say

    try:
        found = normalize_language(_locale.getlocale()[0])
    except ValueError:
        found = None
    return found or DEFAULT_LANGUAGE


def _load(lang: str) -> _gettext.NullTranslations:
    folder = locales_dir() / languages.registry().get(lang).catalog / "LC_MESSAGES"
    mo = folder / f"{DOMAIN}.mo"
    if mo.exists():  # compiled by tools/catalogs.py; a test checks it matches the .po
        with mo.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    po = folder / f"{DOMAIN}.po"
    if not po.exists():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo  # a source tree without compiled catalogs
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=BABEL_LOCALES[lang], domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def translations(lang: str) -> _gettext.NullTranslations:
    with _lock:
        if lang not in _catalogs:
            _catalogs[lang] = _load(lang)
        return _catalogs[lang]


def set_language(lang: str) -> None:
    """Switch the interface language and tell every listener (open windows retranslate)."""
    global _current
    norm = normalize_language(lang)
    if norm is None:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    translations(norm)
    _current = norm
    for listener in list(_listeners):
        listener(norm)


def current_language() -> str:
    return _current


def add_language_listener(callback: Callable[[str], None]) -> None:
    _listeners.append(callback)


def remove_language_listener(callback: Callable[[str], None]) -> None:
    if callback in _listeners:
        _listeners.remove(callback)


def gettext(message: str) -> str:
    return translations(_current).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(_current).pgettext(context, message)


def gettext_in(lang: str, message: str) -> str:
    """``message`` in ``lang`` whatever the interface language (certificates, reports)."""
    return translations(lang).gettext(message)


def language_name(lang: str) -> str:
    return LANGUAGE_NAMES[lang]


def content_chain(requested: str) -> tuple[str, ...]:
    """The order in which content locales are tried: requested, then the registry's
    fallbacks (ru, then en)."""
    chain = [requested]
    chain += [lang for lang in FALLBACK_CHAIN if lang != requested]
    return tuple(chain)


def _babel_locale(lang: str | None):
    from babel import Locale

    return Locale.parse(BABEL_LOCALES[lang or _current])


def format_date(value: dt.date, fmt: str = "long", lang: str | None = None) -> str:
    """A date as people write it in ``lang`` (default: the interface language)."""
    from babel.dates import format_date as _format_date

    return _format_date(value, format=fmt, locale=_babel_locale(lang))


def format_datetime(value: dt.datetime, fmt: str = "medium", lang: str | None = None) -> str:
    from babel.dates import format_datetime as _format_datetime

    return _format_datetime(value, format=fmt, locale=_babel_locale(lang))


def format_number(value: int | float | Decimal, lang: str | None = None) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_babel_locale(lang))


def format_percent(fraction: float, lang: str | None = None) -> str:
    """``0.875`` -> ``88 %`` / ``87,5 %`` with the locale's own signs."""
    from babel.numbers import format_percent as _format_percent

    return _format_percent(fraction, format="#,##0.#%", locale=_babel_locale(lang))


reload_languages()
