"""Text helpers for multilingual name search: Uzbek transliteration and search folding.

IDTrainer shows species names in Russian, Kazakh (Cyrillic), Uzbek (Latin) and
English. Officers search from whatever keyboard they have, so a name is indexed
under a few *folded* forms (:func:`search_forms`) and a query is expanded into a
few folded variants (:func:`query_forms`); a hit is any query form that equals,
or is a prefix of, an index form.

Uzbek transliteration follows the 1995 Latin alphabet as amended (``oʻ gʻ sh ch
ng`` and the tutuq belgisi ``ʼ``). Decisions where the two scripts are not a
clean bijection:

* Every apostrophe people type for ``oʻ``/``gʻ`` is accepted: ʻ U+02BB, ' U+0027,
  ‘ U+2018, ’ U+2019, ` U+0060, ʼ U+02BC and ´ U+00B4. After ``o``/``g`` any of
  them means ``ў``/``ғ`` (so a tutuq written right after ``o``/``g`` is read as
  ``oʻ``/``gʻ``). After any other letter and before a letter it is the tutuq and
  becomes ``ъ``; anywhere else (quotes) it is left alone. Between ``s`` and
  ``h`` it is the separator that stops ``sh`` being read as ``ш``: ``Isʼhoq`` ->
  ``Исҳоқ`` and back.
* ``ts`` -> ``тс``, never ``ц``: Latin ``ts`` is mostly the native т+с of verb
  forms (``ketsa`` -> ``кетса``, ``aytsa`` -> ``айтса``); ``ц`` only occurs in
  Russian loans, which the official Latin spells with ``s``/``ts`` anyway, so it
  cannot be recovered. ``ц`` -> ``ts`` in the other direction.
* ``e`` -> ``э`` at the start of a word or after a vowel or ``ʼ``, else ``е``;
  ``ye`` -> ``е`` in those same places and ``йе`` after a consonant. Backwards,
  ``е`` -> ``ye`` at a word start or after a vowel, ``ъ`` or ``ь``, else ``e``;
  ``э`` -> ``e``. ``yo yu ya`` are always ``ё ю я`` (``yoʻ`` is ``йў``).
* ``ь`` is dropped; ``ъ`` -> ``ʼ`` U+02BC; Latin output uses ʻ U+02BB in ``oʻ gʻ``.
* Letters outside each alphabet (Latin ``c``/``w``, accented letters, Kazakh or
  Russian-only Cyrillic such as ``щ ы``) are left untouched.

Latin -> Cyrillic -> Latin round-trips for lower, Title and UPPER words written
with ʻ/ʼ, except an all-caps word that is a single digraph (``SH`` -> ``Ш`` ->
``Sh``) and a tutuq written after ``o``/``g``. Cyrillic -> Latin -> Cyrillic does
not round-trip ``ц``, ``ь``, ``йо/йу/йа`` (``район`` -> ``rayon`` -> ``раён``), ``йе``
after a vowel or ``э`` after a consonant.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "APOSTROPHES",
    "fold",
    "has_cyrillic",
    "query_forms",
    "search_forms",
    "uz_cyrillic_to_latin",
    "uz_latin_to_cyrillic",
]

#: Characters typed for the ʻ of oʻ/gʻ and for the tutuq belgisi ʼ.
APOSTROPHES: frozenset[str] = frozenset("\u02bb\u0027\u2018\u2019\u0060\u02bc\u00b4")

_OKINA = "\u02bb"  # ʻ, used in Latin output for oʻ gʻ
_TUTUQ = "\u02bc"  # ʼ, used in Latin output for ъ

# Kinds of the previous transliterated unit, for the context rules of e/ye.
_BOUNDARY = 0
_VOWEL = 1
_CONSONANT = 2
_SIGN = 3

_LAT_SINGLE: dict[str, str] = {
    "a": "а", "b": "б", "d": "д", "f": "ф", "g": "г", "h": "ҳ", "i": "и", "j": "ж",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ", "r": "р",
    "s": "с", "t": "т", "u": "у", "v": "в", "x": "х", "y": "й", "z": "з",
}  # fmt: skip
_LAT_VOWELS = frozenset("aeiou")
_Y_DIGRAPHS: dict[str, str] = {"o": "ё", "u": "ю", "a": "я"}

_CYR_TO_LAT: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ё": "yo", "ж": "j", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "ts", "ч": "ch",
    "ш": "sh", "ъ": _TUTUQ, "ь": "", "э": "e", "ю": "yu", "я": "ya", "ў": "o" + _OKINA,
    "қ": "q", "ғ": "g" + _OKINA, "ҳ": "h",
}  # fmt: skip
_CYR_VOWELS = frozenset("аеёиоуўэюя")
_CYR_YE_AFTER = _CYR_VOWELS | {"ъ", "ь"}

# Kazakh/Uzbek letters folded to the nearest letter on a Russian keyboard.
_FOLD_LETTERS = str.maketrans({
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х",
    "і": "и", "ў": "у", "ҳ": "х", "ё": "е", "й": "и",
})  # fmt: skip
_DROP_APOSTROPHES = str.maketrans(dict.fromkeys(APOSTROPHES, None))
# Hyphens, dashes and slashes separate words; other punctuation is removed.
_SEPARATORS = str.maketrans(dict.fromkeys("-/\\\u2010\u2011\u2012\u2013\u2014\u2015\u2212", " "))

_CYRILLIC_RANGES: tuple[tuple[int, int], ...] = (
    (0x0400, 0x052F),  # Cyrillic, Cyrillic Supplement
    (0x1C80, 0x1C8F),  # Cyrillic Extended-C
    (0x2DE0, 0x2DFF),  # Cyrillic Extended-A
    (0xA640, 0xA69F),  # Cyrillic Extended-B
)


def has_cyrillic(text: str) -> bool:
    """True when ``text`` contains at least one Cyrillic character."""
    return any(lo <= ord(ch) <= hi for ch in text for lo, hi in _CYRILLIC_RANGES)


def _has_latin(text: str) -> bool:
    return any(ch.isalpha() and "LATIN" in unicodedata.name(ch, "") for ch in text)


def _is_letter(ch: str) -> bool:
    # ʻ and ʼ are modifier letters to Unicode, but apostrophes here.
    return ch.isalpha() and ch not in APOSTROPHES


def _cased(cyr: str, upper: bool) -> str:
    return cyr.upper() if upper else cyr


# What separates the runs :func:`uz_latin_to_cyrillic` transliterates one by one: anything
# but a letter or an apostrophe. Such a character is copied as it is and ends every context
# (the previous unit becomes a boundary; nothing looks past it), so a run transliterates
# alone exactly as within the text, and runs (words) recur enough to be remembered.
_NOT_IN_A_RUN = re.compile("((?:(?![" + "".join(sorted(APOSTROPHES)) + r"])[\W\d_])+)")


def uz_latin_to_cyrillic(text: str) -> str:
    """Transliterate Uzbek Latin to Uzbek Cyrillic, keeping case and non-Latin characters.

    >>> uz_latin_to_cyrillic("Qoraqalpogʻiston")
    'Қорақалпоғистон'
    >>> uz_latin_to_cyrillic("SHOQOL")
    'ШОҚОЛ'
    """
    parts = _NOT_IN_A_RUN.split(text)  # run, separators, run, ..., run
    parts[::2] = [_run_to_cyrillic(run) for run in parts[::2]]
    return "".join(parts)


@lru_cache(maxsize=8192)
def _run_to_cyrillic(text: str) -> str:
    """:func:`uz_latin_to_cyrillic` of any text, one character at a time."""
    out: list[str] = []
    prev = _BOUNDARY
    prev_low = ""
    prev_upper = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        low = ch.lower()
        nxt_raw = text[i + 1] if i + 1 < n else ""
        nxt = nxt_raw.lower()
        upper = ch.isupper()
        step = 1
        if low in ("o", "g") and nxt_raw in APOSTROPHES:
            out.append(_cased("ў" if low == "o" else "ғ", upper))
            kind, step = (_VOWEL if low == "o" else _CONSONANT), 2
        elif low == "s" and nxt == "h":
            out.append(_cased("ш", upper))
            kind, step = _CONSONANT, 2
        elif low == "c" and nxt == "h":
            out.append(_cased("ч", upper))
            kind, step = _CONSONANT, 2
        elif (
            low == "y"
            and nxt in _Y_DIGRAPHS
            and not (nxt == "o" and i + 2 < n and text[i + 2] in APOSTROPHES)
        ):
            out.append(_cased(_Y_DIGRAPHS[nxt], upper))
            kind, step = _VOWEL, 2
        elif low == "y" and nxt == "e":
            if prev == _CONSONANT:
                out.append(_cased("й", upper) + _cased("е", nxt_raw.isupper()))
            else:
                out.append(_cased("е", upper))
            kind, step = _VOWEL, 2
        elif low == "e":
            out.append(_cased("е" if prev == _CONSONANT else "э", upper))
            kind = _VOWEL
        elif low in _LAT_SINGLE:
            out.append(_cased(_LAT_SINGLE[low], upper))
            kind = _VOWEL if low in _LAT_VOWELS else _CONSONANT
        elif ch in APOSTROPHES and prev != _BOUNDARY and _is_letter(nxt_raw):
            if prev_low == "s" and nxt == "h":
                # Separator in s'h (Isʼhoq): the Cyrillic с+ҳ needs no sign.
                i += 1
                continue
            out.append(_cased("ъ", prev_upper and nxt_raw.isupper()))
            kind = _SIGN
        else:
            out.append(ch)
            if not _is_letter(ch):
                kind = _BOUNDARY
            else:
                kind = _VOWEL if low in _LAT_VOWELS or low in _CYR_VOWELS else _CONSONANT
        prev = kind
        prev_low = low if step == 1 else ""
        prev_upper = upper
        i += step
    return "".join(out)


def _all_caps_context(text: str, i: int) -> bool:
    """Whether the uppercase letter at ``text[i]`` sits in an all-caps word."""
    if i + 1 < len(text) and text[i + 1].isalpha():
        return text[i + 1].isupper()
    if i > 0 and text[i - 1].isalpha():
        return text[i - 1].isupper()
    return False


def uz_cyrillic_to_latin(text: str) -> str:
    """Transliterate Uzbek Cyrillic to Uzbek Latin (ʻ U+02BB, ʼ U+02BC), keeping case.

    Characters outside the Uzbek Cyrillic alphabet are left untouched.

    >>> uz_cyrillic_to_latin("Ўзбекистон")
    'Oʻzbekiston'
    """
    out: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        low = ch.lower()
        if low == "е":
            before = text[i - 1].lower() if i > 0 else ""
            lat = "ye" if not before.isalpha() or before in _CYR_YE_AFTER else "e"
        elif low in _CYR_TO_LAT:
            lat = _CYR_TO_LAT[low]
            if low == "с" and i + 1 < n and text[i + 1].lower() == "ҳ":
                lat += _TUTUQ  # keep с+ҳ from reading as sh
        else:
            out.append(ch)
            continue
        if ch.isupper() and lat:
            if len(lat) > 1 and not _all_caps_context(text, i):
                lat = lat[0].upper() + lat[1:]
            else:
                lat = lat.upper()
        out.append(lat)
    return "".join(out)


def _decompose(text: str) -> str:
    """NFKD without combining marks."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))


def fold(text: str) -> str:
    """Normalise a name or query for search: case-, diacritic- and apostrophe-insensitive.

    Kazakh and Uzbek Cyrillic letters become their nearest Russian-keyboard letter
    (``қ`` -> ``к``, ``ө`` -> ``о``, ``ў`` -> ``у`` ...), ``ё``/``й`` become
    ``е``/``и``, hyphens and slashes become spaces, other punctuation is removed
    and whitespace is collapsed. Idempotent.

    >>> fold("Ақбөкен")
    'акбокен'
    >>> fold("Pére David's deer")
    'pere davids deer'
    """
    # Apostrophes go first: NFKD would turn the acute accent ´ into a space.
    text = _decompose(text.translate(_DROP_APOSTROPHES)).casefold()
    text = _decompose(text).translate(_DROP_APOSTROPHES).translate(_SEPARATORS)
    text = text.translate(_FOLD_LETTERS)
    kept = "".join(ch for ch in text if ch.isalnum() or ch.isspace())
    return " ".join(kept.split())


def _unique(forms: list[str]) -> list[str]:
    return [form for form in dict.fromkeys(forms) if form]


def search_forms(text: str, locale: str) -> list[str]:
    """The folded strings to index for one name given in ``locale``.

    Always ``fold(text)``; for Uzbek (``"uz"``, also ``"uz-Latn"``/``"uz_UZ"``) also
    the folded transliteration into the other script. Duplicates and empty forms
    are dropped, order is kept.
    """
    forms = [fold(text)]
    if locale.replace("_", "-").split("-")[0].lower() == "uz":
        if has_cyrillic(text):
            forms.append(fold(uz_cyrillic_to_latin(text)))
        if _has_latin(text):
            forms.append(fold(uz_latin_to_cyrillic(text)))
    return _unique(forms)


def query_forms(query: str) -> list[str]:
    """Folded variants of a user query: as typed, and transliterated to the other script.

    Duplicates and empty forms are dropped (a query of only punctuation gives
    ``[]``), order is kept.
    """
    forms = [fold(query)]
    if has_cyrillic(query):
        forms.append(fold(uz_cyrillic_to_latin(query)))
    if _has_latin(query):
        forms.append(fold(uz_latin_to_cyrillic(query)))
    return _unique(forms)
