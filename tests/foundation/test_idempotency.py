"""Idempotency-Key: replay for a retry, 409 while in flight, 422 for a different body, and
one transaction for the claim, the effect and the stored answer (a crash leaves nothing)."""
from __future__ import annotations

import asyncio
import uuid
from contextlib import suppress

from sqlalchemy import text

from tests.foundation import probe as probe_module


async def test_a_retry_with_the_same_key_replays_the_stored_response(probe):
    key = str(uuid.uuid4())
    async with probe.client() as client:
        first = await client.post("/probes", json={"note": "once"}, headers={"Idempotency-Key": key})
        retry = await client.post("/probes", json={"note": "once"}, headers={"Idempotency-Key": key})
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers


async def test_the_same_key_with_a_different_body_is_refused_with_422(probe):
    key = str(uuid.uuid4())
    async with probe.client() as client:
        await client.post("/probes", json={"note": "a"}, headers={"Idempotency-Key": key})
        other = await client.post("/probes", json={"note": "b"}, headers={"Idempotency-Key": key})
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["type"].endswith("/idempotency-key-reused")


async def test_a_retry_while_the_first_request_is_in_flight_gets_409(probe):
    key = str(uuid.uuid4())
    probe_module.release_slow.clear()
    probe_module.entered_slow.clear()
    async with probe.client() as client:
        first = asyncio.create_task(client.post("/probes/slow", json={"note": "s"}, headers={"Idempotency-Key": key}))
        await asyncio.wait_for(probe_module.entered_slow.wait(), 10)  # the first holds the key now
        concurrent = await client.post("/probes/slow", json={"note": "s"}, headers={"Idempotency-Key": key})
        probe_module.release_slow.set()
        finished = await first
    assert concurrent.status_code == 409
    assert concurrent.json()["type"].endswith("/idempotency-request-in-flight")
    assert finished.status_code == 201


async def test_keys_are_scoped_to_the_caller(probe):
    key = str(uuid.uuid4())
    async with probe.client("alice") as alice, probe.client("bob") as bob:
        a = await alice.post("/probes", json={"note": "x"}, headers={"Idempotency-Key": key})
        b = await bob.post("/probes", json={"note": "x"}, headers={"Idempotency-Key": key})
    assert a.status_code == b.status_code == 201
    assert a.json()["probe_id"] != b.json()["probe_id"]
    assert "idempotent-replayed" not in b.headers


async def test_an_overlong_key_is_a_clear_problem(probe):
    async with probe.client() as client:
        response = await client.post("/probes", json={"note": "x"}, headers={"Idempotency-Key": "k" * 300})
    assert response.status_code == 400
    assert response.json()["type"].endswith("/invalid-idempotency-key")


async def test_a_response_showing_a_secret_once_is_not_kept_for_replays(probe):
    key = str(uuid.uuid4())
    async with probe.client() as client:
        first = await client.post("/probes/secret", json={"note": "s"}, headers={"Idempotency-Key": key})
        retry = await client.post("/probes/secret", json={"note": "s"}, headers={"Idempotency-Key": key})
    assert first.status_code == 201
    assert retry.status_code == 409
    assert retry.json()["type"].endswith("/idempotency-response-not-kept")
    assert first.json()["secret"] not in retry.text
    async with probe.producer_service.runtime.sessions() as session:
        from sqlalchemy import select

        from trust_common.schema import idempotency_keys
        stored = (await session.execute(select(idempotency_keys.c.response_body).where(
            idempotency_keys.c.key == key))).scalar_one()
    assert stored is None


async def test_a_key_that_is_not_visible_ascii_is_a_clear_problem_not_a_500(probe):
    """Header bytes are Latin-1 on the wire: a key of other bytes is refused, never decoded into a crash."""
    async with probe.client() as client:
        latin = await client.post("/probes", json={"note": "x"}, headers=[(b"Idempotency-Key", b"\xff\xfe")])
        spaced = await client.post("/probes", json={"note": "x"}, headers={"Idempotency-Key": "two words"})
    for response in (latin, spaced):
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith("/invalid-idempotency-key")


async def test_a_body_too_large_to_keep_for_replays_is_refused_with_413(probe):
    limit = probe.producer_service.settings.idempotency_max_body_bytes
    async with probe.client() as client:
        response = await client.post("/probes", content=b"x" * (limit + 1),
                                     headers={"Idempotency-Key": str(uuid.uuid4()), "content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["type"].endswith("/request-too-large")


async def _outbox_rows_with_note(probe, note: str) -> int:
    async with probe.producer_service.runtime.sessions() as session:
        return (await session.execute(text(
            "SELECT count(*) FROM outbox WHERE envelope->'data'->>'note' = :note"), {"note": note})).scalar_one()


async def _stored_keys(probe, key: str) -> int:
    async with probe.producer_service.runtime.sessions() as session:
        return (await session.execute(text("SELECT count(*) FROM idempotency_keys WHERE key = :key"),
                                      {"key": key})).scalar_one()


async def test_a_request_that_dies_after_its_command_leaves_nothing_and_its_retry_runs_once(probe):
    """Claim, effect and stored answer commit together: a request killed after its unit of work
    committed leaves neither the effect nor a held key, so the retry runs at once, exactly once."""
    key, note = str(uuid.uuid4()), f"dies-{uuid.uuid4()}"
    probe_module.died.clear()
    probe_module.die_after_commit.add(note)
    async with probe.client() as client:
        first = asyncio.create_task(client.post("/probes/then-die", json={"note": note},
                                                headers={"Idempotency-Key": key}))
        await asyncio.wait_for(probe_module.died.wait(), 10)
        first.cancel()  # the process dies: its connection, transaction and lock go with it
        with suppress(asyncio.CancelledError):
            await first
        assert await _outbox_rows_with_note(probe, note) == 0
        retry = await client.post("/probes/then-die", json={"note": note}, headers={"Idempotency-Key": key})
        replay = await client.post("/probes/then-die", json={"note": note}, headers={"Idempotency-Key": key})
    assert retry.status_code == 201
    assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == retry.json()
    assert await _outbox_rows_with_note(probe, note) == 1


async def test_nothing_is_kept_for_anonymous_callers_or_routes_that_do_not_exist(probe):
    key = str(uuid.uuid4())
    async with probe.client() as client:
        unknown = await client.post("/no-such-route", json={}, headers={"Idempotency-Key": key})
        anonymous = await client.post("/probes", json={"note": "x"},
                                      headers={"Idempotency-Key": key, "authorization": ""})
    assert unknown.status_code == 404
    assert anonymous.status_code == 401
    assert await _stored_keys(probe, key) == 0
