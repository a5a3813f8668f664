"""The consumer runner: a Kafka consumer group whose handlers run in a unit of work with an
inbox claim, so each event's effect happens once; offsets are committed only after the
database commit; poison messages are retried, then parked on the dead-letter topic
without stopping the partition.

Records come in batches: a partition's batch is handled in ONE unit of work (one inbox
insert, one commit) and the partitions of a poll run side by side. If anything in a batch
fails, the batch's transaction rolls back whole (no partial effect) and its records are
taken again one by one, so a poison record is retried and parked alone.

Two kinds of failure are told apart. An outage of the database or Kafka says nothing about
the message: it is retried until the outage ends (the partition waits, nothing is parked).
Anything else is the message's own problem: a few retries, then the dead-letter topic.

Rebalances are routine. Before a partition is given up, the batch in hand finishes and
commits (the revocation waits for it); records fetched for a partition this member no
longer owns are dropped, never committed; a commit refused because the group moved on
(`CommitFailedError` and its causes) is logged and the member rejoins: the new owner
re-reads from the last commit and the inbox makes the repeat a no-op.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from aiokafka.errors import (
    CommitFailedError,
    IllegalGenerationError,
    IllegalStateError,
    RebalanceInProgressError,
    UnknownMemberIdError,
)
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from pydantic import ValidationError

from trust_common import metrics
from trust_common.events import EventData, EventEnvelope
from trust_common.kafka import decode_headers, encode_headers
from trust_common.outages import is_outage
from trust_common.telemetry import continued_trace
from trust_common.uow import UnitOfWork

log = logging.getLogger(__name__)

EventHandler = Callable[[Any, EventEnvelope, UnitOfWork], Awaitable[None]]

# The group moved on without this member: what it finished is redelivered to the new owner.
LOST_MEMBERSHIP = (CommitFailedError, IllegalStateError, IllegalGenerationError, UnknownMemberIdError,
                   RebalanceInProgressError)


class PoisonMessage(Exception):
    """A message that can never be processed (unparseable); goes straight to the dead letters."""


class StoppedDuringOutage(Exception):
    """Asked to stop while waiting out an outage: the message stays uncommitted and comes back."""


# Waiting out an outage backs off up to this long between tries.
OUTAGE_BACKOFF_CAP_SECONDS = 30.0

# consumer_lag is read from the broker (committed offset vs end offset) this often.
LAG_OBSERVATION_SECONDS = 10.0

__all__ = ["ConsumerRunner", "EventHandler", "PoisonMessage", "is_outage"]


class ConsumerRunner:
    """Runs handlers keyed by contract class for the topics those contracts live on."""

    def __init__(self, *, name: str, consumer: AIOKafkaConsumer, producer: AIOKafkaProducer,
                 uow_factory: Callable[[], UnitOfWork], handlers: Mapping[type[EventData], EventHandler],
                 dead_letter_topic: str, topics: Sequence[str] = (), max_attempts: int = 3,
                 retry_backoff_seconds: float = 0.2, batch_size: int = 200,
                 tracer_provider: trace.TracerProvider | None = None) -> None:
        self.name = name
        self._consumer = consumer
        self._producer = producer
        self._uow_factory = uow_factory
        self._handlers = {(c.event_type, c.version): (c, h) for c, h in handlers.items()}
        self._subscribed_types = {c.event_type for c in handlers}
        self._topics = list(topics)
        self._stop: asyncio.Event | None = None
        self._dead_letter_topic = dead_letter_topic
        self._max_attempts = max_attempts
        self._retry_backoff = retry_backoff_seconds
        self._batch_size = batch_size
        self._tracer = trace.get_tracer(__name__, tracer_provider=tracer_provider)
        self._lag_labels: set[tuple[str, str]] = set()
        # Held while a poll's batches are handled and committed; a revocation waits for it.
        self._working = asyncio.Lock()

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until `stop` is set; the batch in hand is finished before leaving."""
        self._stop = stop
        if self._topics:
            self._consumer.subscribe(self._topics, listener=_Rebalance(self))
        await self._consumer.start()
        observer = asyncio.create_task(self.observe_lag_until(stop))
        try:
            while not stop.is_set():
                batches = await self._consumer.getmany(timeout_ms=200, max_records=self._batch_size)
                if batches:
                    await self.handle_poll(batches)
        except StoppedDuringOutage:
            log.warning("stopped while waiting out an outage; the message in hand will be redelivered")
        finally:
            observer.cancel()
            self._clear_lag(self._lag_labels)
            await self._consumer.stop()

    async def handle_poll(self, batches: Mapping[TopicPartition, Sequence[ConsumerRecord]]) -> None:
        """Handle one poll: each owned partition's records in order, partitions side by side."""
        async with self._working:
            owned = self._consumer.assignment()
            try:
                async with asyncio.TaskGroup() as group:
                    for partition, records in batches.items():
                        if partition in owned:  # revoked since the fetch: the new owner reads them
                            group.create_task(self._partition(partition, records))
            except* StoppedDuringOutage as stopped:
                raise stopped.exceptions[0] from None

    async def give_up(self, revoked: set[TopicPartition]) -> None:
        """Before partitions move to another member: let the batch in hand finish and commit."""
        async with self._working:
            log.info("giving up %d partition(s) of %s", len(revoked), self.name)
        self._clear_lag({(tp.topic, str(tp.partition)) for tp in revoked})

    async def _partition(self, partition: TopicPartition, records: Sequence[ConsumerRecord]) -> None:
        await self.process_batch(records)
        await self._commit(partition, records[-1].offset + 1)

    async def _commit(self, partition: TopicPartition, offset: int) -> None:
        # Offsets move only past records whose database commit is done.
        if partition not in self._consumer.assignment():
            log.info("not committing %s: the partition moved to another member, which re-reads it", partition)
            return
        try:
            await self._consumer.commit({partition: offset})
        except LOST_MEMBERSHIP as error:
            log.info("offset %d of %s not committed (%s): the group rebalanced; the new owner re-reads "
                     "from the last commit and the inbox drops the repeats", offset, partition, type(error).__name__)

    async def process_batch(self, records: Sequence[ConsumerRecord]) -> list[str]:
        """Handle a partition's records in order; returns each one's outcome."""
        if len(records) > 1:
            try:
                return await self._apply_batch(records)
            except Exception as error:  # no partial effect: the batch rolled back; take them one by one
                if not is_outage(error) and not isinstance(error, PoisonMessage):
                    log.info("a batch of %d from %s failed (%s); handling its records one by one",
                             len(records), records[0].topic, type(error).__name__)
        return [await self.process(record) for record in records]

    async def _apply_batch(self, records: Sequence[ConsumerRecord]) -> list[str]:
        started = time.perf_counter()
        items = []
        for record in records:
            try:
                items.append((record, EventEnvelope.model_validate_json(record.value or b"")))
            except ValidationError as error:
                raise PoisonMessage("unparseable envelope in the batch") from error
        outcomes: list[str] = []
        async with self._uow_factory() as uow:
            handled = [envelope for _, envelope in items if self._entry(envelope) is not None]
            fresh = await uow.claim_inbox_many(self.name, handled)
            for record, envelope in items:
                entry = self._entry(envelope)
                if entry is None:
                    outcomes.append("ignored")
                elif envelope.event_id not in fresh:  # handled before, or twice in this batch
                    outcomes.append("duplicate")
                else:
                    fresh.discard(envelope.event_id)
                    await self._run_handler(record, envelope, entry, uow)
                    outcomes.append("processed")
            await uow.commit()
        elapsed = (time.perf_counter() - started) / len(records)
        for record, outcome in zip(records, outcomes, strict=True):
            metrics.CONSUMER_PROCESSING.labels(topic=record.topic).observe(elapsed)
            metrics.CONSUMER_MESSAGES.labels(topic=record.topic, outcome=outcome).inc()
        return outcomes

    async def _run_handler(self, record: ConsumerRecord, envelope: EventEnvelope,
                           entry: tuple[type[EventData], EventHandler], uow: UnitOfWork) -> None:
        contract, handler = entry
        try:
            event = contract.model_validate(envelope.data)
        except ValidationError as error:
            raise PoisonMessage(f"{envelope.type} v{envelope.version} does not match its contract") from error
        with continued_trace(decode_headers(record.headers)), self._span(record):
            await handler(event, envelope, uow)

    def _entry(self, envelope: EventEnvelope) -> tuple[type[EventData], EventHandler] | None:
        entry = self._handlers.get((envelope.type, envelope.version))
        if entry is None and envelope.type in self._subscribed_types:
            # A version this build does not know yet: parking it keeps it for a replay after the
            # upgrade; ignoring it would lose the fact for good.
            raise PoisonMessage(f"{envelope.type} version {envelope.version} is not known to {self.name}")
        return entry

    def _span(self, record: ConsumerRecord) -> Any:
        return self._tracer.start_as_current_span(
            f"process {record.topic}", kind=SpanKind.CONSUMER,
            attributes={"messaging.system": "kafka", "messaging.destination.name": record.topic,
                        "messaging.consumer.group.name": self.name,
                        "messaging.kafka.message.offset": record.offset,
                        "messaging.destination.partition.id": str(record.partition),
                        "messaging.operation.type": "process"})

    async def process(self, record: ConsumerRecord) -> str:
        """Handle one record in a unit of work of its own; returns its outcome (processed,
        duplicate, ignored, dead_lettered)."""
        headers = decode_headers(record.headers)
        started = time.perf_counter()
        with continued_trace(headers), self._span(record) as span:
            outcome = await self._process_with_retries(record, headers)
            span.set_attribute("trust.outcome", outcome)
            if outcome == "dead_lettered":
                span.set_status(Status(StatusCode.ERROR))
        metrics.CONSUMER_PROCESSING.labels(topic=record.topic).observe(time.perf_counter() - started)
        metrics.CONSUMER_MESSAGES.labels(topic=record.topic, outcome=outcome).inc()
        return outcome

    async def _process_with_retries(self, record: ConsumerRecord, headers: dict[str, str]) -> str:
        try:
            envelope = EventEnvelope.model_validate_json(record.value or b"")
        except ValidationError as error:
            await self._dead_letter(record, headers, error, attempts=1)
            return "dead_lettered"
        attempt = outages = 0
        while True:
            try:
                return await self._apply(envelope)
            except Exception as error:
                if is_outage(error) and not isinstance(error, PoisonMessage):
                    await self._wait_out_outage(envelope, outages)
                    outages += 1
                    continue
                attempt += 1  # the message's own failure: a few retries, then parked
                log.warning("handling %s (%s) failed, attempt %d/%d", envelope.type, envelope.event_id,
                            attempt, self._max_attempts, exc_info=True)
                if attempt >= self._max_attempts or isinstance(error, PoisonMessage):
                    await self._dead_letter(record, headers, error, attempts=attempt)
                    return "dead_lettered"
                metrics.CONSUMER_MESSAGES.labels(topic=record.topic, outcome="retried").inc()
                await asyncio.sleep(self._retry_backoff * 2 ** (attempt - 1))

    async def _wait_out_outage(self, envelope: EventEnvelope, outages: int) -> None:
        if self._stop is not None and self._stop.is_set():
            raise StoppedDuringOutage(str(envelope.event_id))
        log.warning("database or Kafka unavailable while handling %s (%s); retrying", envelope.type,
                    envelope.event_id, exc_info=outages == 0)
        await asyncio.sleep(min(self._retry_backoff * 2 ** min(outages, 10), OUTAGE_BACKOFF_CAP_SECONDS))

    async def _apply(self, envelope: EventEnvelope) -> str:
        entry = self._entry(envelope)
        if entry is None:
            return "ignored"
        contract, handler = entry
        try:
            event = contract.model_validate(envelope.data)
        except ValidationError as error:
            raise PoisonMessage(f"{envelope.type} v{envelope.version} does not match its contract") from error
        async with self._uow_factory() as uow:
            if not await uow.claim_inbox(self.name, envelope):
                return "duplicate"
            await handler(event, envelope, uow)
            await uow.commit()
        return "processed"

    async def _dead_letter(self, record: ConsumerRecord, headers: dict[str, str], error: BaseException,
                           *, attempts: int) -> None:
        parked = dict(headers)
        parked.update({
            "dlt-original-topic": record.topic, "dlt-original-partition": str(record.partition),
            "dlt-original-offset": str(record.offset), "dlt-consumer": self.name,
            "dlt-attempts": str(attempts), "dlt-error": f"{type(error).__name__}: {error}"[:1000],
        })
        await self._producer.send_and_wait(self._dead_letter_topic, value=record.value, key=record.key,
                                           headers=encode_headers(parked))
        log.error("parked message on %s", self._dead_letter_topic,
                  extra={"topic": record.topic, "partition": record.partition, "offset": record.offset})

    async def observe_lag_until(self, stop: asyncio.Event, interval: float = LAG_OBSERVATION_SECONDS) -> None:
        """Refresh consumer_lag every `interval` until stopped (its own schedule: it holds while idle)."""
        while not stop.is_set():
            try:
                await self.observe_lag()
            except Exception:  # Kafka away: the last reading stays until the broker answers again
                log.warning("reading consumer lag from the broker failed", exc_info=True)
            try:
                await asyncio.wait_for(stop.wait(), interval)
            except TimeoutError:
                pass

    async def observe_lag(self) -> None:
        """consumer_lag per assigned partition from the broker: end offset minus the group's committed
        offset (what is really left to do, whatever this process has fetched). Partitions this member
        no longer owns are dropped, so a rebalance never leaves a frozen series behind."""
        assigned = set(self._consumer.assignment())
        readings: dict[tuple[str, str], int] = {}
        if assigned:
            ends = await self._consumer.end_offsets(list(assigned))
            starts = await self._consumer.beginning_offsets(list(assigned))
            for tp in assigned:
                committed = await self._consumer.committed(tp)
                done = starts[tp] if committed is None else max(committed, starts[tp])
                readings[(tp.topic, str(tp.partition))] = max(ends[tp] - done, 0)
        self._clear_lag(self._lag_labels - set(readings))
        for (topic, partition), lag in readings.items():
            metrics.CONSUMER_LAG.labels(topic=topic, partition=partition).set(lag)
        self._lag_labels = set(readings)

    @staticmethod
    def _clear_lag(labels: set[tuple[str, str]]) -> None:
        for topic, partition in labels:
            try:
                metrics.CONSUMER_LAG.remove(topic, partition)
            except KeyError:
                pass


def dump_envelope(envelope: EventEnvelope) -> bytes:
    return json.dumps(envelope.model_dump(mode="json"), separators=(",", ":")).encode()


class _Rebalance(ConsumerRebalanceListener):
    """Gives partitions up cleanly: the batch in hand finishes and commits first."""

    def __init__(self, runner: ConsumerRunner) -> None:
        self._runner = runner

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        if revoked:
            await self._runner.give_up(revoked)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        log.info("%s now owns %d partition(s)", self._runner.name, len(assigned))
