from __future__ import annotations

import pytest

from idtrainer.core.collation import sort_key


@pytest.mark.parametrize(("lang", "words"), [
    ("kk", ["Азия пілі", "Ақ сұңқар", "Арқар", "Африка пілі", "Бүркіт", "Қарақал", "Құлан"]),
    ("ru", ["Енот", "Ёж", "Жако", "Як"]),
    ("ru", ["Ежевика", "Ёж", "Жако"]),
    ("uz", ["Arqar", "Bars", "Ohu", "Zargaldoq", "Oʻrmon mushugi", "Gʻoz", "Shoqol", "Chiya"]),
    ("en", ["argali", "Saiga", "snow leopard", "Tiger"]),
])
def test_names_sort_by_the_alphabet_of_the_language(lang, words):
    assert sorted(reversed(words), key=lambda w: sort_key(w, lang)) == words


def test_uzbek_apostrophe_variants_sort_the_same():
    assert sort_key("Oʻrmon", "uz") == sort_key("O'rmon", "uz") == sort_key("O‘rmon", "uz")
