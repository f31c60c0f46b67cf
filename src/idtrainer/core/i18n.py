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

import datetime as dt
import gettext as _gettext
import io
import locale as _locale
import os
import threading
from collections.abc import Callable
from decimal import Decimal

from idtrainer.core.resources import locales_dir

DOMAIN = "idtrainer"

#: Interface and content languages, in the order they are offered.
LANGUAGES: tuple[str, ...] = ("ru", "kk", "uz", "en")
DEFAULT_LANGUAGE = "ru"

#: Each language named in itself. Uzbek uses ʻ (U+02BB), as Uzbek Latin does.
LANGUAGE_NAMES: dict[str, str] = {
    "ru": "Русский",
    "kk": "Қазақша",
    "uz": "Oʻzbekcha",
    "en": "English",
}

#: Babel/CLDR locale for each language (Uzbek in Latin script).
BABEL_LOCALES: dict[str, str] = {"ru": "ru", "kk": "kk", "uz": "uz_Latn", "en": "en"}

#: Content falls back along requested -> ru -> en.
FALLBACK_CHAIN: tuple[str, ...] = ("ru", "en")

_lock = threading.Lock()
_catalogs: dict[str, _gettext.NullTranslations] = {}
_current = "en"
_listeners: list[Callable[[str], None]] = []


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message


def normalize_language(code: str | None) -> str | None:
    """Map ``ru_RU.UTF-8``, ``kk-KZ``, ``uz_Latn`` and the like to one of LANGUAGES."""
    if not code:
        return None
    base = code.replace("-", "_").split(".")[0].split("@")[0].split("_")[0].lower()
    return base if base in LANGUAGES else None


def system_language() -> str:
    """The operating system's language if IDTrainer has it, else the default."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        if found := normalize_language(os.environ.get(var, "").split(":")[0]):
            return found
    try:
        found = normalize_language(_locale.getlocale()[0])
    except ValueError:
        found = None
    return found or DEFAULT_LANGUAGE


def _load(lang: str) -> _gettext.NullTranslations:
    folder = locales_dir() / lang / "LC_MESSAGES"
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
        catalog = read_po(fh, locale=BABEL_LOCALES[lang].split("_")[0], domain=DOMAIN)
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
    """The order in which content locales are tried: requested, then ru, then en."""
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
