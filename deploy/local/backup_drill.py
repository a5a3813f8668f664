"""Backup and point-in-time restore drill, on this machine, in one command (`./dev drill`).

What docs/operations.md#restore-a-database tells an operator to do, done for real against a
PostgreSQL cluster of the drill's own (own data directories and ports; the shared development
cluster is never touched) and the local Kafka (topics and group under a fresh prefix):

 1. a primary with WAL archiving (archive_command copies each segment to an "object store"
    directory), the database, owner and runtime role created with the SQL of the production
    manifest (deploy/k8s/base/services/certification/database.yaml), the runtime role proven
    unable to change the schema;
 2. a small service built from libs/common (consumer with inbox -> ledger row + outbox event ->
    relay -> Kafka) runs as the runtime role; inputs arrive on a topic;
 3. a base backup (pg_basebackup); more inputs; some events left unpublished (relay stopped):
    the restore target T is taken here; more inputs after T; then the disaster (every ledger row
    deleted) and the primary is lost;
 4. restore into a fresh cluster from the base backup plus archived WAL, to T
    (recovery_target_time), then the runbook's steps: rewind the consumer group to T minus a
    margin, start the service on the restored database;
 5. more inputs arrive; the drill waits for convergence and checks: every input is in the ledger
    exactly once, every ledger entry reached the downstream topic, and downstream sees each fact
    once per (aggregate id, sequence) however often it was (re)published.

Prints a JSON summary; exits 0 only when every check holds. --keep leaves the data directories
(under .local/drill/) and topics for inspection.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from trust_common.clock import SystemClock
from trust_common.consumer import ConsumerRunner
from trust_common.db import session_factory
from trust_common.events import EventData, EventEnvelope
from trust_common.kafka import delete_topics, ensure_topics
from trust_common.outbox import OutboxRelay
from trust_common.schema import infra_metadata
from trust_common.uow import UnitOfWork

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "deploy/k8s/base/services/certification/database.yaml"
KAFKA = os.environ.get("TRUST_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
DATABASE, OWNER, RUNTIME = "certification", "certification", "certification_app"
# How far before the restore target the consumer group is rewound (the runbook's margin).
REWIND_MARGIN = timedelta(seconds=30)
PARTITIONS = 3


class EntryRequested(EventData):
    event_type = "drill.entry.requested"
    topic = "drill.requests"
    aggregate_type = "entry"
    aggregate_field = "entry_id"

    entry_id: str


class EntryRecorded(EventData):
    event_type = "drill.entry.recorded"
    topic = "drill.ledger"
    aggregate_type = "ledger-entry"
    aggregate_field = "entry_id"

    entry_id: str


LEDGER = "CREATE TABLE ledger (entry_id text PRIMARY KEY, recorded_at timestamptz NOT NULL DEFAULT now())"


async def record_entry(event: EntryRequested, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """The service's effect: one ledger row and one event, in the inbox-claimed transaction."""
    await uow.session.execute(text("INSERT INTO ledger (entry_id) VALUES (:e)"), {"e": event.entry_id})
    uow.emit(EntryRecorded(entry_id=event.entry_id))


# --------------------------------------------------------------------------- PostgreSQL


def pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise SystemExit("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    return found[-1].parent


def as_pg(*args: str) -> subprocess.CompletedProcess[str]:
    """Server tools refuse root: as root run them as the postgres user."""
    cmd = ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)
    return subprocess.run(cmd, check=True, capture_output=True, text=True)


class Instance:
    def __init__(self, data: Path, port: int) -> None:
        self.data, self.port = data, port

    def url(self, user: str, database: str = DATABASE) -> str:
        return f"postgresql+asyncpg://{user}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        as_pg(str(pg_bin() / "pg_ctl"), "-D", str(self.data), "-l", str(self.data.parent / f"{self.data.name}.log"),
              "-w", "-t", "120", "start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            as_pg(str(pg_bin() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")


def chown(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def init_primary(work: Path, port: int, archive: Path) -> Instance:
    data = work / "primary"
    data.mkdir()
    chown(data)
    as_pg(str(pg_bin() / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    with open(data / "postgresql.auto.conf", "a") as conf:
        conf.write(f"""
port = {port}
listen_addresses = '127.0.0.1'
unix_socket_directories = '{work}'
wal_level = replica
archive_mode = on
archive_command = 'test ! -f {archive}/%f && cp %p {archive}/%f'
max_wal_senders = 4
""")
    instance = Instance(data, port)
    instance.start()
    return instance


def restore(work: Path, base: Path, archive: Path, port: int, target: datetime) -> Instance:
    """A fresh cluster from the base backup, replaying archived WAL up to `target`, then promoted."""
    data = work / "restored"
    shutil.copytree(base, data, symlinks=True)
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:postgres", str(data)], check=True)
    os.chmod(data, 0o700)
    with open(data / "postgresql.auto.conf", "a") as conf:
        conf.write(f"""
port = {port}
archive_mode = off
restore_command = 'cp {archive}/%f %p'
recovery_target_time = '{target.isoformat()}'
recovery_target_action = 'promote'
""")
    (data / "recovery.signal").touch()
    chown(data / "recovery.signal")
    instance = Instance(data, port)
    instance.start()
    return instance


# --------------------------------------------------------------------------- the drill


class Drill:
    def __init__(self, work: Path, ports: tuple[int, int], *, rewind: bool = True) -> None:
        self.work = work
        self.rewind = rewind
        self.ports = ports
        self.prefix = f"drill{uuid.uuid4().hex[:8]}."
        self.group = f"{self.prefix}ledger"
        self.sent: list[str] = []
        self.summary: dict[str, Any] = {"checks": {}}
        self.producer = AIOKafkaProducer(bootstrap_servers=KAFKA, acks="all", enable_idempotence=True)

    def topic(self, logical: str) -> str:
        return f"{self.prefix}{logical}"

    def check(self, name: str, ok: bool, detail: Any) -> None:
        self.summary["checks"][name] = {"ok": bool(ok), "detail": detail}
        print(f"drill: {'ok  ' if ok else 'FAIL'} {name}: {detail}", file=sys.stderr)

    async def send(self, count: int) -> None:
        for _ in range(count):
            entry = f"entry-{len(self.sent) + 1:04d}"
            envelope = EventEnvelope.wrap(EntryRequested(entry_id=entry), source="drill-upstream", sequence=1,
                                          occurred_at=datetime.now(UTC))
            await self.producer.send_and_wait(self.topic(EntryRequested.topic), key=entry.encode(),
                                              value=envelope.model_dump_json().encode())
            self.sent.append(entry)

    # ---- the service: consumer (inbox) + relay, as the runtime role
    async def start_service(self, instance: Instance) -> None:
        self.engine = create_async_engine(instance.url(RUNTIME), pool_size=4, max_overflow=0)
        sessions = session_factory(self.engine)

        def uow() -> UnitOfWork:
            return UnitOfWork(sessions, source="drill-ledger", clock=SystemClock(), topic_of=self.topic)

        self.stop = asyncio.Event()
        consumer = AIOKafkaConsumer(self.topic(EntryRequested.topic), bootstrap_servers=KAFKA, group_id=self.group,
                                    enable_auto_commit=False, auto_offset_reset="earliest",
                                    isolation_level="read_committed")
        self.runner = ConsumerRunner(name="ledger", consumer=consumer, producer=self.producer, uow_factory=uow,
                                     handlers={EntryRequested: record_entry},
                                     dead_letter_topic=self.topic("drill.dlt"), retry_backoff_seconds=0.05)
        self.relay = OutboxRelay(sessions, self.producer, batch_size=50, poll_seconds=0.1)
        self.relay_stop = asyncio.Event()
        self.tasks = [asyncio.create_task(self.runner.run(self.stop)),
                      asyncio.create_task(self.relay.run(self.relay_stop))]

    async def stop_relay(self) -> None:
        self.relay_stop.set()
        await self.tasks[1]

    async def start_relay(self) -> None:
        self.relay_stop = asyncio.Event()
        self.tasks[1] = asyncio.create_task(self.relay.run(self.relay_stop))

    async def stop_service(self) -> None:
        self.stop.set()
        self.relay_stop.set()
        await asyncio.gather(*self.tasks)
        await self.engine.dispose()

    async def scalar(self, instance: Instance, sql: str, user: str = OWNER) -> Any:
        engine = create_async_engine(instance.url(user), poolclass=NullPool)
        try:
            async with engine.begin() as connection:
                return (await connection.execute(text(sql))).scalar()
        finally:
            await engine.dispose()

    async def wait_for(self, instance: Instance, sql: str, want: Any, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while (got := await self.scalar(instance, sql)) != want:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{sql!r} is {got!r}, wanted {want!r} after {timeout}s")
            await asyncio.sleep(0.2)

    # ---- steps
    async def set_up_database(self, primary: Instance) -> None:
        """Database, owner and runtime role exactly as the production Cluster creates them."""
        spec = yaml.safe_load(MANIFEST.read_text())["spec"]["bootstrap"]["initdb"]
        admin = create_async_engine(primary.url("postgres", "postgres"), isolation_level="AUTOCOMMIT")
        async with admin.connect() as connection:
            await connection.execute(text(f"CREATE ROLE {OWNER} LOGIN"))
            await connection.execute(text(f"CREATE DATABASE {spec['database']} OWNER {spec['owner']}"))
        await admin.dispose()
        admin = create_async_engine(primary.url("postgres"), isolation_level="AUTOCOMMIT")
        async with admin.connect() as connection:
            for statement in spec["postInitApplicationSQL"]:
                await connection.execute(text(statement))
        await admin.dispose()
        # The schema, as the migration Job would create it: as the owner.
        owner = create_async_engine(primary.url(OWNER))
        async with owner.begin() as connection:
            await connection.run_sync(infra_metadata.create_all)
            await connection.execute(text(LEDGER))
        await owner.dispose()
        runtime = create_async_engine(primary.url(RUNTIME))
        try:
            async with runtime.begin() as connection:
                await connection.execute(text("CREATE TABLE intruder (id int)"))
            denied = False
        except Exception as error:  # noqa: BLE001 - the refusal is the point
            denied = "permission denied" in str(error)
        try:
            async with runtime.begin() as connection:
                await connection.execute(text("ALTER TABLE ledger ADD COLUMN intruder int"))
            denied_alter = False
        except Exception as error:  # noqa: BLE001
            denied_alter = "must be owner" in str(error)
        await runtime.dispose()
        self.check("runtime role cannot change the schema", denied and denied_alter,
                   f"{RUNTIME}: CREATE TABLE and ALTER TABLE refused")

    async def rewind_group(self, to: datetime) -> dict[str, int]:
        """The runbook's step: move the group's committed offsets back to `to` (service stopped)."""
        topic = self.topic(EntryRequested.topic)
        consumer = AIOKafkaConsumer(bootstrap_servers=KAFKA, group_id=self.group, enable_auto_commit=False)
        await consumer.start()
        try:
            partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
            found = await consumer.offsets_for_times({tp: int(to.timestamp() * 1000) for tp in partitions})
            ends = await consumer.end_offsets(partitions)
            offsets = {tp: (found[tp].offset if found[tp] else ends[tp]) for tp in partitions}
            consumer.assign(partitions)
            await consumer.commit(offsets)
            return {f"{tp.partition}": o for tp, o in offsets.items()}
        finally:
            await consumer.stop()

    async def downstream(self) -> list[dict[str, Any]]:
        """Every event that reached the ledger topic, from the beginning."""
        topic = self.topic(EntryRecorded.topic)
        consumer = AIOKafkaConsumer(bootstrap_servers=KAFKA, group_id=None, auto_offset_reset="earliest",
                                    enable_auto_commit=False, isolation_level="read_committed")
        await consumer.start()
        events: list[dict[str, Any]] = []
        try:
            partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(partitions)
            async def behind() -> bool:
                return any([await consumer.position(tp) < ends[tp] for tp in partitions])

            while await behind():
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    events.extend(json.loads(r.value) for r in records)
        finally:
            await consumer.stop()
        return events

    async def run(self) -> bool:
        archive, base = self.work / "archive", self.work / "base"
        archive.mkdir()
        chown(archive)
        chown(self.work)
        await ensure_topics(KAFKA, [self.topic(t) for t in (EntryRequested.topic, EntryRecorded.topic, "drill.dlt")],
                            partitions=PARTITIONS)
        await self.producer.start()
        primary = init_primary(self.work, self.ports[0], archive)
        restored: Instance | None = None
        try:
            await self.set_up_database(primary)
            await self.start_service(primary)
            ledger = "SELECT count(*) FROM ledger"
            unsent = "SELECT count(*) FROM outbox WHERE sent_at IS NULL"

            await self.send(40)
            await self.wait_for(primary, ledger, 40)
            await self.wait_for(primary, unsent, 0)
            as_pg(str(pg_bin() / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                  "-D", str(base), "-X", "stream", "-c", "fast")
            self.summary["base backup"] = "after 40 entries"

            await self.send(40)
            await self.wait_for(primary, ledger, 80)
            await self.wait_for(primary, unsent, 0)
            # Events committed but not yet published when the restore target is taken.
            await self.stop_relay()
            await self.send(20)
            await self.wait_for(primary, ledger, 100)
            target = await self.scalar(primary, "SELECT now()")
            self.summary["restore target"] = target.isoformat()
            self.summary["unsent at target"] = await self.scalar(primary, unsent)
            await asyncio.sleep(1.1)  # later commits are clearly after the target
            await self.start_relay()
            await self.wait_for(primary, unsent, 0)

            await self.send(30)  # after the target: lost by the restore, must come back
            await self.wait_for(primary, ledger, 130)
            await self.wait_for(primary, unsent, 0)
            await self.scalar(primary, "DELETE FROM ledger RETURNING 1")  # the disaster
            await self.scalar(primary, "SELECT pg_switch_wal()", user="postgres")
            await self.stop_service()
            await asyncio.sleep(1)  # let the archiver copy the last segment
            primary.stop()
            self.summary["archived WAL segments"] = len([p for p in archive.iterdir() if len(p.name) == 24])

            restored = restore(self.work, base, archive, self.ports[1], target)
            await self.wait_for(restored, "SELECT pg_is_in_recovery()", False)
            at_target = {
                "ledger": await self.scalar(restored, ledger),
                "unsent": await self.scalar(restored, unsent),
                "inbox": await self.scalar(restored, "SELECT count(*) FROM inbox"),
            }
            self.check("restored to the target", at_target == {"ledger": 100, "unsent": 20, "inbox": 100},
                       at_target)

            if self.rewind:
                self.summary["rewound offsets"] = await self.rewind_group(target - REWIND_MARGIN)
            await self.send(25)  # arriving while and after the database is restored
            await self.start_service(restored)
            try:
                await self.wait_for(restored, ledger, len(self.sent), timeout=60 if self.rewind else 15)
            except RuntimeError as stuck:
                print(f"drill: {stuck}", file=sys.stderr)
            await self.wait_for(restored, unsent, 0)
            await self.stop_service()

            entries = await self.scalar(restored, "SELECT array_agg(entry_id ORDER BY entry_id) FROM ledger")
            self.check("every input in the ledger exactly once", entries == sorted(self.sent),
                       f"{len(entries)} rows for {len(self.sent)} inputs")
            self.summary["missing from the ledger"] = sorted(set(self.sent) - set(entries))[:10]
            events = await self.downstream()
            by_fact: dict[tuple[str, int], set[str]] = defaultdict(set)
            ids_by_fact: dict[tuple[str, int], set[str]] = defaultdict(set)
            for e in events:
                by_fact[(e["aggregate_id"], e["sequence"])].add(e["data"]["entry_id"])
                ids_by_fact[(e["aggregate_id"], e["sequence"])].add(e["event_id"])
            seen = {entry for facts in by_fact.values() for entry in facts}
            self.check("every ledger entry reached downstream", seen == set(self.sent),
                       f"{len(seen)} of {len(self.sent)} entries")
            self.check("downstream sees each fact once per (aggregate, sequence)",
                       len(by_fact) == len(self.sent) and all(len(v) == 1 for v in by_fact.values()),
                       f"{len(by_fact)} facts in {len(events)} messages")
            republished = sum(1 for e in events) - len({e["event_id"] for e in events})
            rederived = sum(1 for ids in ids_by_fact.values() if len(ids) > 1)
            self.summary["downstream"] = {
                "messages": len(events), "facts": len(by_fact),
                "same event published again (relay after restore)": republished,
                "same fact derived again with a new event id (rewound inputs)": rederived,
            }
            # The drill must really have exercised both duplicate paths, or it proves nothing.
            self.check("duplicates were exercised", republished >= 20 and rederived >= 30,
                       {"republished": republished, "rederived": rederived})
        finally:
            await self.producer.stop()
            for instance in (restored, primary):
                if instance is not None:
                    try:
                        instance.stop()
                    except subprocess.CalledProcessError:
                        pass
        return all(c["ok"] for c in self.summary["checks"].values())

    async def clean(self) -> None:
        await delete_topics(KAFKA, [self.topic(t) for t in (EntryRequested.topic, EntryRecorded.topic, "drill.dlt")])
        shutil.rmtree(self.work, ignore_errors=True)


async def main() -> int:
    ap = argparse.ArgumentParser(description="Backup and point-in-time restore drill (docs/operations.md#backup-drill)")
    ap.add_argument("--ports", default=os.environ.get("TRUST_DRILL_PORTS", "54341,54342"),
                    help="ports of the drill's primary and restored clusters (default 54341,54342)")
    ap.add_argument("--keep", action="store_true", help="keep data directories and topics for inspection")
    ap.add_argument("--skip-rewind", action="store_true",
                    help="leave out the runbook's consumer-group rewind (shows what it prevents: lost inputs)")
    args = ap.parse_args()
    ports = tuple(int(p) for p in args.ports.split(","))
    work = ROOT / ".local" / "drill" / datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    work.mkdir(parents=True)
    drill = Drill(work, (ports[0], ports[1]), rewind=not args.skip_rewind)
    ok = False
    try:
        ok = await drill.run()
    finally:
        drill.summary["ok"] = ok
        print(json.dumps(drill.summary, indent=2, default=str))
        if not args.keep:
            await drill.clean()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
