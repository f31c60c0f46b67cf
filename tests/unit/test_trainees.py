from __future__ import annotations

import pytest

from idtrainer.core.store import Store
from idtrainer.core.trainees import hash_secret, verify_secret


def test_secret_hash_is_salted_scrypt():
    first, second = hash_secret("1234"), hash_secret("1234")
    assert first != second and first.startswith("scrypt$")
    assert verify_secret("1234", first) and not verify_secret("1235", first)
    assert not verify_secret("1234", "garbage")


def test_profile_with_a_name_in_any_script(store: Store):
    uuid = store.trainees.create("  Әлихан   Сейтқали ", pin="0420", locale="kk")
    (person,) = store.trainees.all()
    assert (person.uuid, person.name, person.locale, person.has_pin) == (
        uuid, "Әлихан Сейтқали", "kk", True)
    assert store.trainees.check_pin(uuid, "0420")
    assert not store.trainees.check_pin(uuid, "0000")
    assert "0420" not in store.scalar("SELECT pin_hash FROM trainees")


@pytest.mark.parametrize("pin", ["123", "12345", "12a4"])
def test_pin_must_be_four_digits(store: Store, pin: str):
    with pytest.raises(ValueError, match="four digits"):
        store.trainees.create("Oʻlmas", pin=pin)
    assert store.trainees.count() == 0


def test_profile_needs_a_name(store: Store):
    with pytest.raises(ValueError, match="name"):
        store.trainees.create("   ")


def test_find_or_create_reuses_an_exact_name(store: Store):
    first = store.trainees.find_or_create(" Ирина   Ким ")
    assert store.trainees.find_or_create("Ирина Ким") == first
    assert store.trainees.find_or_create("Ирина Кимова") != first
    assert store.trainees.count() == 2
