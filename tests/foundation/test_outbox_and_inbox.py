"""X-2: no change without its event, no event lost, each effect once."""
from __future__ import annotations

import json
import uuid

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from trust_common.events import EventEnvelope
from trust_common.kafka import create_producer
from trust_common.schema import outbox
from trust_common.testing.services import eventually

from tests.foundation.probe import ProbeRecorded


async def test_an_event_committed_while_the_relay_is_down_arrives_after_restart_and_applies_once(probe):
    await probe.producer_service.kill_worker()  # the relay crashes after the commit, before publishing
    async with probe.client() as client:
        response = await client.post("/probes", json={"note": "while down"})
    assert response.status_code == 201
    probe_id = response.json()["probe_id"]
    async with probe.producer_service.runtime.sessions() as session:
        unsent = (await session.execute(select(outbox.c.sent_at).where(
            outbox.c.message_key == probe_id))).scalars().all()
    assert unsent == [None]
    assert await probe.effects(probe_id) == 0

    await probe.producer_service.start_worker()
    await eventually(lambda: probe.effects(probe_id))
    assert await probe.effects(probe_id) == 1


async def test_a_relay_crash_between_publish_and_marking_sent_republishes_and_the_effect_happens_once(probe):
    crashes = []

    async def crash_once(rows):
        if not crashes:
            crashes.append(rows)
            raise RuntimeError("relay killed after publishing, before marking rows sent")

    topic = probe.producer_service.settings.topic(ProbeRecorded.topic)
    duplicates_before = _duplicates(topic)
    await probe.producer_service.kill_worker()
    await probe.producer_service.start_worker(relay_after_publish=crash_once)
    async with probe.client() as client:
        probe_id = (await client.post("/probes", json={"note": "crash"})).json()["probe_id"]

    async def sent() -> bool:
        async with probe.producer_service.runtime.sessions() as session:
            return (await session.execute(select(outbox.c.sent_at).where(
                outbox.c.message_key == probe_id))).scalar_one() is not None

    await eventually(sent)
    assert crashes, "the relay was expected to crash once after publishing"
    # The event reached Kafka twice; the inbox makes the second delivery a no-op.
    await eventually(lambda: probe.effects(probe_id))
    await eventually(lambda: _duplicates(topic) >= duplicates_before + 1)
    assert await probe.effects(probe_id) == 1


async def test_the_same_event_delivered_twice_has_one_effect(probe, kafka_topics):
    event = ProbeRecorded(probe_id=str(uuid.uuid4()), note="twice")
    envelope = EventEnvelope.wrap(event, source="tests", sequence=1, occurred_at=probe.producer_service.clock.now())
    topic = kafka_topics.topic(event.topic)
    duplicates_before = _duplicates(topic)
    producer = create_producer(kafka_topics)
    await producer.start()
    try:
        for _ in range(2):
            await producer.send_and_wait(kafka_topics.topic(event.topic), key=event.probe_id.encode(),
                                         value=json.dumps(envelope.model_dump(mode="json")).encode())
    finally:
        await producer.stop()
    await eventually(lambda: probe.effects(event.probe_id))
    # Both copies share a key, hence a partition: once the second is seen as a duplicate, both were read.
    await eventually(lambda: _duplicates(topic) >= duplicates_before + 1)
    assert await probe.effects(event.probe_id) == 1


def _duplicates(topic: str) -> float:
    return REGISTRY.get_sample_value("consumer_messages_total", {"topic": topic, "outcome": "duplicate"}) or 0.0


async def test_events_of_one_aggregate_get_increasing_sequence_numbers(certification):
    probe_id = str(uuid.uuid4())
    async with certification.runtime.uow() as uow:
        for note in ("first", "second", "third"):
            uow.emit(ProbeRecorded(probe_id=probe_id, note=note))
        await uow.commit()
    async with certification.runtime.sessions() as session:
        envelopes = (await session.execute(select(outbox.c.envelope).where(
            outbox.c.message_key == probe_id).order_by(outbox.c.id))).scalars().all()
    assert [e["sequence"] for e in envelopes] == [1, 2, 3]
    assert [e["data"]["note"] for e in envelopes] == ["first", "second", "third"]


async def test_a_rolled_back_change_leaves_no_event(certification):
    probe_id = str(uuid.uuid4())
    async with certification.runtime.uow() as uow:
        uow.emit(ProbeRecorded(probe_id=probe_id, note="never"))
        # leaving without commit rolls back
    async with certification.runtime.sessions() as session:
        rows = (await session.execute(select(outbox.c.id).where(outbox.c.message_key == probe_id))).all()
    assert rows == []


async def test_the_backlog_gauges_show_unsent_rows_and_the_age_of_the_oldest(certification):
    from trust_common.outbox import OutboxRelay

    await certification.kill_worker()
    try:
        async with certification.runtime.uow() as uow:
            uow.emit(ProbeRecorded(probe_id=str(uuid.uuid4()), note="waiting"))
            await uow.commit()
        relay = OutboxRelay(certification.runtime.sessions, producer=None)  # type: ignore[arg-type]
        await relay.observe_backlog()
        assert REGISTRY.get_sample_value("outbox_backlog") >= 1
        assert REGISTRY.get_sample_value("outbox_oldest_unsent_age_seconds") >= 0
    finally:
        await certification.start_worker()

    async def drained() -> bool:
        await OutboxRelay(certification.runtime.sessions, producer=None).observe_backlog()  # type: ignore[arg-type]
        return REGISTRY.get_sample_value("outbox_backlog") == 0

    await eventually(drained)


async def test_a_race_lost_on_a_unique_index_is_a_409_problem_and_a_bug_still_surfaces(certification):
    from sqlalchemy import text as sql

    from trust_common.messagebus import ConcurrentChange, MessageBus
    from trust_common.problems import Conflict

    class Claimed(Conflict):
        slug, title, rule = "probe-claimed", "Already claimed", "X-2"

    async with certification.runtime.engine.begin() as connection:
        await connection.execute(sql("CREATE TABLE IF NOT EXISTS probe_claims (id text CONSTRAINT probe_claims_once "
                                     "PRIMARY KEY, note text NOT NULL)"))

    async def claim(command: tuple[str, str | None], uow) -> None:
        await uow.session.execute(sql("INSERT INTO probe_claims VALUES (:i, :n)"), {"i": command[0], "n": command[1]})
        await uow.commit()

    named = MessageBus(certification.runtime.uow, {tuple: claim}, constraint_problems={"probe_claims_once": Claimed})
    plain = MessageBus(certification.runtime.uow, {tuple: claim})
    key = str(uuid.uuid4())
    await named.handle((key, "first"))
    with pytest.raises(Claimed):
        await named.handle((key, "second"))
    with pytest.raises(ConcurrentChange):
        await plain.handle((key, "third"))
    with pytest.raises(IntegrityError):  # NOT NULL: a bug to see, not a race to hide
        await plain.handle((str(uuid.uuid4()), None))
