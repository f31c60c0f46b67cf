"""Alphabetical order as each language's readers expect it.

Code-point order puts Kazakh қ after ф, Russian ё after я and Uzbek oʻ beside o;
a sorted list of species names must follow the alphabet of the reader's language.
No ICU here (the core stays pure Python): each alphabet is written out.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CYRILLIC_RU = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_CYRILLIC_KK = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_LATIN_EN = "abcdefghijklmnopqrstuvwxyz"
# Uzbek Latin: oʻ, gʻ, sh, ch, ng are letters of their own, after z.
_UZ_LETTERS = [*"abdefghijklmnopqrstuvxyz", "oʻ", "gʻ", "sh", "ch", "ng"]
_UZ_TOKEN = re.compile(r"oʻ|gʻ|sh|ch|ng|.", re.DOTALL)

_ALPHABETS = {
    "ru": [*_CYRILLIC_RU, *_LATIN_EN],
    "kk": [*_CYRILLIC_KK, *_LATIN_EN],
    "uz": [*_UZ_LETTERS, *_CYRILLIC_KK],
    "en": [*_LATIN_EN, *_CYRILLIC_RU],
}
_RANKS = {lang: {letter: i for i, letter in enumerate(letters)}
          for lang, letters in _ALPHABETS.items()}
_APOSTROPHES = str.maketrans({c: "ʻ" for c in "'‘’`"})


def _ranks(lang: str) -> dict[str, int]:
    """The built-in alphabets, else the one the language registry gives (ky, tg, uz-Cyrl)."""
    if lang in _RANKS:
        return _RANKS[lang]
    from idtrainer.core import languages

    try:
        alphabet = languages.registry().get(lang).alphabet
    except KeyError:
        alphabet = ()
    if not alphabet:
        return _RANKS["en"]
    return _registry_ranks(alphabet)


@lru_cache(maxsize=16)
def _registry_ranks(alphabet: tuple[str, ...]) -> dict[str, int]:
    letters = [*alphabet, *(c for c in _LATIN_EN if c not in alphabet)]
    return {letter: i for i, letter in enumerate(letters)}


def sort_key(text: str, lang: str) -> tuple:
    """A key that orders ``text`` by the alphabet of ``lang`` (case-insensitive)."""
    ranks = _ranks(lang)
    lowered = text.casefold().translate(_APOSTROPHES) if lang == "uz" else text.casefold()
    tokens = _UZ_TOKEN.findall(lowered) if lang == "uz" else list(lowered)
    # Letters first, by alphabet; anything else (digits, spaces) by code point before them.
    return tuple((1, ranks[t]) if t in ranks else (0, ord(t[0])) for t in tokens)
