"""X-4: national IDs, phones and face-check results encrypted at rest with rotatable keys (IDs and phones found
through a keyed hash), in the format the service has always stored: nonce + AES-256-GCM, the kind as associated
data, beside the key id."""
from __future__ import annotations

import base64
import os

import pytest

from employee_accounts.adapters.vault import FACE_CHECK, NATIONAL_ID, PersonalDataVault
from employee_accounts.domain.values import FaceResult
from trust_common.sealing import Sealer, SealingError

CANARY = "CANARY7731990XQ42"


def _key() -> bytes:
    return os.urandom(32)


def _vault(keys: dict[str, bytes], active: str, hash_key: bytes) -> PersonalDataVault:
    return PersonalDataVault(Sealer(keys, active), hash_key)


def test_keys_rotate_old_ciphertexts_stay_readable_and_new_ones_use_the_active_key():
    """X-4: several keys, one active; re-sealing moves a value to the active key."""
    old_key, new_key, hash_key = _key(), _key(), b"h" * 32
    before = _vault({"k1": old_key}, "k1", hash_key)
    sealed = before.seal("national_id", CANARY)
    assert sealed.key_id == "k1" and CANARY.encode() not in sealed.ciphertext
    after = _vault({"k1": old_key, "k2": new_key}, "k2", hash_key)
    assert after.open("national_id", sealed.ciphertext, "k1") == CANARY
    resealed = after.reseal("national_id", sealed.ciphertext, "k1")
    assert resealed.key_id == "k2" and after.open("national_id", resealed.ciphertext, "k2") == CANARY
    # The lookup hash does not depend on the encryption key, so uniqueness survives rotation.
    assert resealed.lookup_hash == sealed.lookup_hash == after.lookup_hash("national_id", CANARY.lower())
    assert resealed.masked == "*" * (len(CANARY) - 4) + CANARY[-4:]


def test_a_ciphertext_is_bound_to_its_kind_and_key():
    """X-4: AES-GCM authenticates; a phone ciphertext does not open as a national ID."""
    vault = _vault({"k1": _key()}, "k1", b"h" * 32)
    sealed = vault.seal("phone", "13800138000")
    with pytest.raises(SealingError):
        vault.open("national_id", sealed.ciphertext, "k1")
    assert vault.lookup_hash("phone", "13800138000") != _vault(
        {"k1": _key()}, "k1", b"other-key").lookup_hash("phone", "13800138000")


def test_the_vault_refuses_a_missing_active_key():
    with pytest.raises(ValueError):
        _vault({"k1": base64.b64decode(base64.b64encode(_key()))}, "k2", b"h")


# Written by the service's own AES-GCM code before it moved onto the shared Sealer (key bytes 0..31, id "k-2025").
STORED_KEY = bytes(range(32))
STORED_NATIONAL_ID = "IKnl6FaeRNXGMetDLCK3aKxlL/cv9Az2WOV98MoeWZi5M6/tbw4lpdgLo1cwrw=="
STORED_NATIONAL_ID_HASH = "754c9ddd6e6ee14dd87dc49a6f201124277fa5cd0d3e4c5b0ea0c3bc6ac2f42d"
STORED_FACE_CHECK = "BgdS/NcyelzG8BA89ZJN6+E40EbhFlYhKSgPdW+ydqqr1um8sLcNbuZNwrM/P81hVq7XvvrU7gOWGWQj9lE="


def test_values_sealed_before_the_shared_sealer_still_open():
    """X-4: what is stored keeps opening, and the lookup hash still finds it (no re-encryption needed)."""
    vault = _vault({"k-2025": STORED_KEY}, "k-2025", b"h" * 32)
    assert vault.open(NATIONAL_ID, base64.b64decode(STORED_NATIONAL_ID), "k-2025") == "110101199003071234"
    assert vault.lookup_hash(NATIONAL_ID, "110101199003071234") == STORED_NATIONAL_ID_HASH
    opened = vault.open(FACE_CHECK, base64.b64decode(STORED_FACE_CHECK), "k-2025")
    assert FaceResult.from_sealed(opened) == FaceResult(True, 0.9731)
    # And what is sealed now has the same shape: 12-byte nonce + ciphertext + 16-byte tag.
    fresh = vault.seal(NATIONAL_ID, "110101199003071234")
    assert len(fresh.ciphertext) == len(base64.b64decode(STORED_NATIONAL_ID))
    assert fresh.lookup_hash == STORED_NATIONAL_ID_HASH
