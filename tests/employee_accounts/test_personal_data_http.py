"""X-4 over HTTP: a canary national ID, phone and face-check score that never show in logs, events or responses
(the ID and phone only masked); face-check results only sealed; passwords only as Argon2."""
from __future__ import annotations

import json
import logging

from employee_accounts.adapters.face_check import FakeFaceCheck
from employee_accounts.adapters.vault import FACE_CHECK
from employee_accounts.domain.values import FaceResult

from tests.employee_accounts.builders import MOBILE, face_of
from tests.employee_accounts.flows import scalar

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
        # Issue 13: the password change ended the session; the next one reads the account.
        relogin = await world.log_in(account["email"], "Next-Pass-99")
        session = {**MOBILE, "X-Employee-Session": relogin.json()["session_token"]}
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
    vault = world.service.adapters.vault
    assert FaceResult.from_sealed(vault.open(FACE_CHECK, bytes(sealed), key_id)) == FaceResult(
        True, FakeFaceCheck.MATCH_SCORE)
    assert await scalar(world.service, "SELECT face_verified_at IS NOT NULL FROM employee_accounts WHERE id = :i",
                        i=account["id"])
    row = await scalar(world.service, "SELECT national_id_ciphertext FROM employee_accounts WHERE id = :i",
                       i=account["id"])
    assert CANARY.encode() not in bytes(row)
    stored = await scalar(world.service, "SELECT password_hash FROM employee_accounts WHERE id = :i", i=account["id"])
    assert stored.startswith("$argon2id$") and "Next-Pass-99" not in stored
