"""This service's tables, the problems a race lost on one of their constraints becomes, and their
imperative mapping onto the domain classes."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry, relationship

from certification.domain import errors
from certification.domain.application import Application
from certification.domain.enterprise_account import EnterpriseAccount
from certification.domain.records import Document, HistoryEntry
from trust_common.problems import Problem

OPEN_APPLICATION_INDEX = "applications_one_open"
ENTERPRISE_ACCOUNT_KEY = "enterprise_accounts_pkey"

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

applications = Table(
    "applications", metadata,
    Column("id", String(36), primary_key=True),
    Column("account_id", String(100), nullable=False),
    Column("certification_type", String(20), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("fields", JSONB, nullable=False),
    Column("profile_snapshot", JSONB, nullable=False),
    Column("submission_number", Integer, nullable=False),
    Column("rejection_count", Integer, nullable=False),
    Column("false_information_count", Integer, nullable=False),
    Column("errors", JSONB, nullable=False),
    Column("review_due_at", DateTime(timezone=True)),
    Column("correction_deadline", DateTime(timezone=True)),
    Column("reopen_deadline", DateTime(timezone=True)),
    Column("failure_reason", String(40)),
    Column("certified_at", DateTime(timezone=True)),
    Column("valid_until", DateTime(timezone=True)),
    Column("badge_active", Boolean, nullable=False),
    Column("profile_changed", Boolean, nullable=False),
    Column("sla_breached", Boolean, nullable=False),
    Column("badge_grace_until", DateTime(timezone=True)),
    Column("claimed_by", String(100)),
    Column("lease_until", DateTime(timezone=True)),
    Column("renewal_of", String(36)),
    Column("fee_charged_cny", Integer, nullable=False, server_default=text("0")),  # CERT-4 (migration 0003)
    Column("fee_charged_at", DateTime(timezone=True)),
    Column("reopen_count", Integer, nullable=False, server_default=text("0")),  # CERT-7
    Column("source_reference", String(200)),  # CERT-9: the sister-app certification a synced one follows
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    Index("applications_account", "account_id", "created_at", "id"),
    Index("applications_source", "source_reference", postgresql_where=text("source_reference IS NOT NULL")),
    Index("applications_queue", "review_due_at", postgresql_where=text("status IN ('submitted', 'in_review')")),
    # CERT-1/CERT-4: one open application per account and type (and per renewed certification), also when
    # two requests race past the handler's check (migration certification_0002).
    Index(OPEN_APPLICATION_INDEX, "account_id", "certification_type", text("coalesce(renewal_of, '')"), unique=True,
          postgresql_where=text("status NOT IN ('closed', 'expired', 'cancelled', 'renewed', 'failed')")),
)

documents = Table(
    "documents", metadata,
    Column("id", String(36), primary_key=True),
    Column("application_id", String(36), ForeignKey("applications.id"), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("storage_key", String(200), nullable=False),
    Column("media_type", String(40), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("superseded", Boolean, nullable=False),
)

application_history = Table(
    "application_history", metadata,
    Column("id", String(36), primary_key=True),
    Column("application_id", String(36), ForeignKey("applications.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor_id", String(100), nullable=False),
    Column("actor_role", String(30), nullable=False),
    Column("action", String(40), nullable=False),
    Column("from_status", String(20)),
    Column("to_status", String(20), nullable=False),
    Column("reason", JSONB, nullable=False),
    Column("seq", BigInteger, Identity(), nullable=False, unique=True),
    Index("application_history_by_application", "application_id", "seq"),
)

# CERT-4: the primary key makes a second charge of one application impossible, even under a race.
fee_ledger = Table(
    "fee_ledger", metadata,
    Column("application_id", String(36), primary_key=True),
    Column("account_id", String(100), nullable=False),
    Column("amount_cny", Integer, nullable=False),
    Column("payment_reference", String(100)),
    Column("charged_at", DateTime(timezone=True), nullable=False),
)

# CERT-11: the free enterprise account, one per platform account; its status is read from the certifications.
enterprise_accounts = Table(
    "enterprise_accounts", metadata,
    Column("account_id", String(100), primary_key=True),
    Column("channel", String(20), nullable=False),
    Column("opened_by", String(100), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
)

# CERT-9: the sister app's certifications as its events last told them (upserted by sequence).
sister_app_certifications = Table(
    "sister_app_certifications", metadata,
    Column("reference", String(200), primary_key=True),
    Column("sister_account_id", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("valid_until", DateTime(timezone=True), nullable=False),
    Column("enterprise_name", String(200), nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("profile", JSONB, nullable=False),
    Column("sequence", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# The 409s a race lost on a unique index becomes (the bus maps them; version checks are 409 too).
CONSTRAINT_PROBLEMS: dict[str, Callable[[], Problem]] = {
    OPEN_APPLICATION_INDEX: lambda: errors.OpenApplicationExists(  # CERT-1
        "an open application of this type exists already"),
    ENTERPRISE_ACCOUNT_KEY: lambda: errors.EnterpriseAccountExists(  # CERT-11
        "this account has an enterprise account already"),
}


def start_mappers() -> None:
    """Map the domain classes onto the tables (the service calls this once per process)."""
    mapper_registry.map_imperatively(Document, documents)
    mapper_registry.map_imperatively(EnterpriseAccount, enterprise_accounts)
    mapper_registry.map_imperatively(HistoryEntry, application_history, exclude_properties=["seq"])
    mapper_registry.map_imperatively(Application, applications, version_id_col=applications.c.version, properties={
        "documents": relationship(Document, lazy="selectin", order_by=documents.c.uploaded_at),
        # Write-mostly: new lines are inserted on flush; the trail is read with its own query.
        "history": relationship(HistoryEntry, lazy="noload"),
    })
