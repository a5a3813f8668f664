"""Infrastructure tables every service database has: outbox, inbox, timers, idempotency keys,
and the platform projections. Created by the `common` migration branch."""
from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

infra_metadata = MetaData()

outbox = Table(
    "outbox", infra_metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("topic", String(200), nullable=False),
    Column("message_key", String(200), nullable=False),
    Column("event_type", String(200), nullable=False),
    # Rows of one key land in one shard; one relay at a time owns a shard, so per-key order holds.
    Column("shard", SmallInteger, nullable=False),
    Column("envelope", JSONB, nullable=False),
    Column("headers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("sent_at", DateTime(timezone=True)),
    Index("outbox_unsent", "id", postgresql_where=text("sent_at IS NULL")),
)

aggregate_sequences = Table(
    "aggregate_sequences", infra_metadata,
    Column("aggregate_type", String(100), primary_key=True),
    Column("aggregate_id", String(200), primary_key=True),
    Column("last_sequence", BigInteger, nullable=False),
)

inbox = Table(
    "inbox", infra_metadata,
    Column("consumer", String(200), primary_key=True),
    Column("event_id", UUID(as_uuid=True), primary_key=True),
    Column("event_type", String(200), nullable=False),
    Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_inbox_processed_at", "processed_at"),
)

timers = Table(
    "timers", infra_metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("kind", String(100), nullable=False),
    Column("key", String(300), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("payload", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("status", String(20), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Column("headers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("fired_at", DateTime(timezone=True)),
    # `due_at` is when the poller next tries; a retry moves it on, so the deadline the timer was
    # scheduled for is kept here from its first failure (lateness and age are measured from it).
    Column("first_due_at", DateTime(timezone=True)),
    UniqueConstraint("kind", "key", name="timers_dedupe"),
    # The claim's ORDER BY (due_at, id) walks this index: its cost does not grow with the pending set.
    Index("timers_claim", "due_at", "id", postgresql_where=text("status = 'pending'")),
    Index("timers_finished", "id", postgresql_where=text("status <> 'pending'")),
    # Failing timers (pending after a failed attempt): the gauges and `trust-timers list` read these.
    Index("timers_failing", "first_due_at", postgresql_where=text("status = 'pending' AND attempts > 0")),
)

# What operators did to timers with `trust-timers` (retry, cancel): who, when, why.
timer_audit = Table(
    "timer_audit", infra_metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("timer_id", BigInteger, nullable=False),
    Column("kind", String(100), nullable=False),
    Column("key", String(300), nullable=False),
    Column("action", String(20), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("reason", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_timer_audit_timer_id", "timer_id"),
)

idempotency_keys = Table(
    "idempotency_keys", infra_metadata,
    Column("scope", String(200), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("method", String(10), nullable=False),
    Column("path", String(500), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("response_status", Integer),
    Column("response_headers", JSONB),
    Column("response_body", LargeBinary),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_idempotency_keys_created_at", "created_at"),
)

platform_accounts = Table(
    "platform_accounts", infra_metadata,
    Column("account_id", String(100), primary_key=True),
    Column("snapshot", JSONB, nullable=False),
    Column("deleted", Boolean, nullable=False, server_default=text("false")),
    Column("sequence", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

platform_shops = Table(
    "platform_shops", infra_metadata,
    Column("shop_id", String(100), primary_key=True),
    Column("snapshot", JSONB, nullable=False),
    Column("sequence", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
