"""X-4: national IDs, phones and face-check results encrypted at rest with rotatable keys (IDs and phones found
through a keyed hash), and a canary national ID, phone and face-check score that never show in logs, events or
responses (the ID and phone only masked); passwords only as Argon2."""
from __future__ import annotations

import base64
import json
import logging
import os

import pytest
from cryptography.exceptions import InvalidTag

from employee_accounts.adapters import FakeFaceCheck
from employee_accounts.dependencies import FACE_CHECK
from employee_accounts.domain.account import FaceResult
from employee_accounts.vault import PersonalDataVault

from tests.employee_accounts.conftest import MOBILE, face_of
from tests.employee_accounts.helpers import scalar

CANARY = "CANARY7731990XQ42"
CANARY_PHONE = "+86 139 7777 4242"


async def test_a_canary_national_id_never_leaks(world, caplog, spans):
    """X-4 (EMP-5, EMP-8): logs, traces, outbox events and responses see at most the masked form; a face-check
    score or outcome (a mismatch, then a match) is in no plain column, log, trace, event or response."""
    caplog.set_level(logging.DEBUG)
    enterprise = await world.enterprise()
    responses = []
    account = await world.approved_account(enterprise, CANARY)
    responses.append(str(account.pop("national_id")))
    login = await world.log_in(account["email"], account["password"])
    responses.append(login.text)
    session = {**MOBILE, "X-Employee-Session": login.json()["session_token"]}
    async with world.service.client() as app:
        for path, body in (("face-verification", {"capture": "face-of-someone-else"}),
                           ("face-verification", {"capture": face_of(CANARY)}),
                           ("phone", {"phone": CANARY_PHONE}),
                           ("password", {"current_password": "Initial-Pass-1", "new_password": "Next-Pass-99"})):
            responses.append((await app.post(f"/v1/employee/activation/{path}", json=body, headers=session)).text)
        responses.append((await app.get("/v1/employee/me", headers=session)).text)
    responses.append((await enterprise.admin.get(f"{enterprise.base}/employee-accounts/{account['id']}")).text)
    responses.append((await enterprise.admin.get(f"{enterprise.base}/employee-accounts")).text)
    # A refused duplicate also echoes nothing.
    responses.append((await world.apply(enterprise, CANARY)).text)

    me = responses[-4]
    assert f'"national_id_masked":"{"*" * (len(CANARY) - 4)}{CANARY[-4:]}"' in me
    assert json.loads(me)["phone_masked"] == "**********4242"
    phone_digits = "".join(ch for ch in CANARY_PHONE if ch.isdigit())
    outbox = await scalar(world.service, "SELECT string_agg(envelope::text, ' ') FROM outbox")
    timers = await scalar(world.service, "SELECT string_agg(payload::text, ' ') FROM timers") or ""
    traces = " ".join(f"{span.name} {dict(span.attributes or {})} {[e.attributes for e in span.events]}"
                      for span in spans.get_finished_spans())
    assert "employee-accounts" in traces or "POST" in traces  # the traces were recorded
    scores = [str(FakeFaceCheck.MATCH_SCORE), str(FakeFaceCheck.MISMATCH_SCORE)]
    for place, text in [("logs", caplog.text), ("traces", traces), ("outbox", outbox), ("timers", timers),
                        *[(f"response {i}", r) for i, r in enumerate(responses[1:])]]:
        assert CANARY not in text, place
        assert phone_digits not in text.replace(" ", ""), place
        for leak in (*scores, "face_score", "face_matched", '"matched"', '"score"'):
            assert leak not in text, (place, leak)
    # Face checks: no plain column holds an outcome or a score; the latest result is kept, sealed.
    columns = set((await scalar(world.service, "SELECT string_agg(column_name, ' ') FROM information_schema.columns "
                                               "WHERE table_name = 'employee_accounts'")).split())
    assert {"face_matched", "face_score", "face_checked_at"}.isdisjoint(columns)
    assert {"face_result_ciphertext", "face_result_key_id", "face_verified_at"} <= columns
    plain = await scalar(world.service, "SELECT (to_jsonb(e) - 'face_result_ciphertext')::text "
                                        "FROM employee_accounts e WHERE id = :i", i=account["id"])
    assert not any(score in plain for score in scores) and "matched" not in plain
    sealed = await scalar(world.service, "SELECT face_result_ciphertext FROM employee_accounts WHERE id = :i",
                          i=account["id"])
    key_id = await scalar(world.service, "SELECT face_result_key_id FROM employee_accounts WHERE id = :i",
                          i=account["id"])
    assert not any(score.encode() in bytes(sealed) for score in scores) and b"matched" not in bytes(sealed)
    vault = world.service.runtime.extras["dependencies"].vault
    assert FaceResult.from_sealed(vault.open(FACE_CHECK, bytes(sealed), key_id)) == FaceResult(
        True, FakeFaceCheck.MATCH_SCORE)
    assert await scalar(world.service, "SELECT face_verified_at IS NOT NULL FROM employee_accounts WHERE id = :i",
                        i=account["id"])
    row = await scalar(world.service, "SELECT national_id_ciphertext FROM employee_accounts WHERE id = :i",
                       i=account["id"])
    assert CANARY.encode() not in bytes(row)
    stored = await scalar(world.service, "SELECT password_hash FROM employee_accounts WHERE id = :i", i=account["id"])
    assert stored.startswith("$argon2id$") and "Next-Pass-99" not in stored


def _key() -> bytes:
    return os.urandom(32)


def test_keys_rotate_old_ciphertexts_stay_readable_and_new_ones_use_the_active_key():
    """X-4: several keys, one active; re-sealing moves a value to the active key."""
    old_key, new_key, hash_key = _key(), _key(), b"h" * 32
    before = PersonalDataVault({"k1": old_key}, "k1", hash_key)
    sealed = before.seal("national_id", CANARY)
    assert sealed.key_id == "k1" and CANARY.encode() not in sealed.ciphertext
    after = PersonalDataVault({"k1": old_key, "k2": new_key}, "k2", hash_key)
    assert after.open("national_id", sealed.ciphertext, "k1") == CANARY
    resealed = after.reseal("national_id", sealed.ciphertext, "k1")
    assert resealed.key_id == "k2" and after.open("national_id", resealed.ciphertext, "k2") == CANARY
    # The lookup hash does not depend on the encryption key, so uniqueness survives rotation.
    assert resealed.lookup_hash == sealed.lookup_hash == after.lookup_hash("national_id", CANARY.lower())
    assert resealed.masked == "*" * (len(CANARY) - 4) + CANARY[-4:]


def test_a_ciphertext_is_bound_to_its_kind_and_key():
    """X-4: AES-GCM authenticates; a phone ciphertext does not open as a national ID."""
    vault = PersonalDataVault({"k1": _key()}, "k1", b"h" * 32)
    sealed = vault.seal("phone", "13800138000")
    with pytest.raises(InvalidTag):
        vault.open("national_id", sealed.ciphertext, "k1")
    assert vault.lookup_hash("phone", "13800138000") != PersonalDataVault(
        {"k1": _key()}, "k1", b"other-key").lookup_hash("phone", "13800138000")


def test_the_vault_refuses_a_missing_active_key():
    with pytest.raises(ValueError):
        PersonalDataVault({"k1": base64.b64decode(base64.b64encode(_key()))}, "k2", b"h")
