"""Phone numbers sealed at rest: unreadable without the key, and the same number back with it."""
from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag

from store.phones import BadPhoneKey, PhoneCipher, is_sealed, new_key

PHONE = "13812345678"


def test_a_sealed_number_holds_none_of_its_digits_and_opens_to_the_number():
    cipher = PhoneCipher(new_key())
    sealed = cipher.seal(PHONE)
    assert is_sealed(sealed) and PHONE not in sealed and "12345678" not in sealed
    assert cipher.open(sealed) == PHONE
    assert cipher.seal(PHONE) != sealed  # a fresh nonce each time: equal numbers do not look equal


def test_an_empty_number_stays_empty_and_an_old_plain_one_reads_as_it_was():
    cipher = PhoneCipher(new_key())
    assert cipher.seal("") == "" and cipher.open("") == ""
    assert cipher.open(PHONE) == PHONE and not is_sealed(PHONE)


def test_another_key_cannot_open_it():
    sealed = PhoneCipher(new_key()).seal(PHONE)
    with pytest.raises(InvalidTag):
        PhoneCipher(new_key()).open(sealed)


@pytest.mark.parametrize("key", ["", "short", "not base64 at all!!", "QUJD"])
def test_a_key_that_is_not_32_bytes_is_refused(key):
    with pytest.raises(BadPhoneKey):
        PhoneCipher(key)
