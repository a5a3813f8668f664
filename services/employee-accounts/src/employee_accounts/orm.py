"""This service's tables, the problems a lost race on their unique indexes becomes, and their imperative mapping
onto the domain classes."""
from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Enum,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry

from employee_accounts.domain.account import EmployeeAccount, Status
from employee_accounts.domain.department import Department
from employee_accounts.domain.enterprise import Enterprise
from employee_accounts.domain.errors import AlreadyAuthorised, EmailTaken, IdentityAlreadyEmployed
from employee_accounts.domain.invitation import Invitation, InvitationStatus
from employee_accounts.domain.position import Position
from trust_common.contracts.employee_accounts import EmployeeAccountKind
from trust_common.problems import Problem

metadata = MetaData()
mapper_registry = registry(metadata=metadata)


def _enum(enum: type[StrEnum], name: str) -> Enum:
    return Enum(enum, name=name, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e],
                validate_strings=True)


def _stamps() -> list[Column]:
    return [Column("created_at", DateTime(timezone=True), nullable=False),
            Column("updated_at", DateTime(timezone=True), nullable=False)]


enterprises = Table(
    "enterprises", metadata,
    Column("id", String(100), primary_key=True),  # the main platform account id
    Column("certified", Boolean, nullable=False),
    Column("certification_id", String(100)),
    Column("valid_until", DateTime(timezone=True)),
    Column("grants_suspended", Boolean, nullable=False),
    Column("free_account_opened_at", DateTime(timezone=True)),  # CERT-11
    # Issue 15: since when the certification state holds and which certification event set it.
    Column("state_since", DateTime(timezone=True)),
    Column("state_event_type", String(200)),
    Column("state_event_id", String(64)),
    *_stamps(),
)

positions = Table(
    "positions", metadata,
    Column("id", String(64), primary_key=True),
    Column("enterprise_id", String(100), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("tools", JSONB, nullable=False),
    Column("modules", JSONB, nullable=False),
    *_stamps(),
)

departments = Table(
    "departments", metadata,
    Column("id", String(64), primary_key=True),
    Column("enterprise_id", String(100), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("parent_id", String(64)),
    *_stamps(),
)

employee_accounts = Table(
    "employee_accounts", metadata,
    Column("id", String(64), primary_key=True),
    Column("enterprise_id", String(100), nullable=False, index=True),
    Column("kind", _enum(EmployeeAccountKind, "employee_account_kind"), nullable=False),
    Column("account_id", String(100), nullable=False, index=True),  # its platform account
    Column("status", _enum(Status, "employee_account_status"), nullable=False),
    Column("login_email", String(320)),
    Column("password_hash", Text),
    Column("real_name", String(200), nullable=False),
    Column("identity_ref", String(200), nullable=False),
    Column("national_id_ciphertext", LargeBinary, nullable=False),
    Column("national_id_key_id", String(50), nullable=False),
    Column("national_id_hash", String(64), nullable=False),
    Column("national_id_masked", String(64), nullable=False),
    Column("proof_kind", String(40), nullable=False),
    Column("proof_document_ref", String(300), nullable=False),
    Column("proof_explanation", Text),
    Column("position_id", String(64)),
    Column("department_id", String(64)),
    Column("modules", JSONB, nullable=False),
    Column("tools", JSONB, nullable=False, server_default=text("'[]'::jsonb")),  # EMP-20, authorised personal
    Column("valid_until", DateTime(timezone=True)),
    Column("invitation_id", String(64)),
    Column("review_reason", Text),
    Column("holder_generation", Integer, nullable=False),
    Column("submission_count", Integer, nullable=False),
    # the latest face-check result (outcome and score) sealed together; only the verified step's time is plain.
    Column("face_result_ciphertext", LargeBinary),
    Column("face_result_key_id", String(50)),
    Column("face_verified_at", DateTime(timezone=True)),
    # Issue 13: face checks (paid provider calls) of this activation in the current window.
    Column("face_checks", Integer, nullable=False, server_default=text("0")),
    Column("face_checks_since", DateTime(timezone=True)),
    Column("phone_ciphertext", LargeBinary),
    Column("phone_key_id", String(50)),
    Column("phone_hash", String(64)),
    Column("phone_masked", String(64)),
    Column("password_changed", Boolean, nullable=False),
    Column("activated_at", DateTime(timezone=True)),
    Column("departed_at", DateTime(timezone=True)),
    Column("merchant_page_modules", JSONB, nullable=False),
    Column("showcase_deposit_paid", Boolean, nullable=False),
    Column("showcase_opened_at", DateTime(timezone=True)),
    *_stamps(),
    Index("employee_accounts_login_email", text("lower(login_email)"), unique=True,
          postgresql_where=text("login_email IS NOT NULL")),
    # EMP-13: a personal account is an authorised employee account of one enterprise only.
    Index("employee_accounts_one_enterprise", "account_id", unique=True,
          postgresql_where=text("kind = 'authorised_personal' AND status <> 'ended'")),
    # EMP-17 allows a person one enterprise account beside a personal one; not two of one enterprise.
    Index("employee_accounts_identity_per_enterprise", "enterprise_id", "national_id_hash", unique=True,
          postgresql_where=text("kind = 'enterprise' AND status NOT IN ('vacant', 'departure_pending')")),
)

invitations = Table(
    "invitations", metadata,
    Column("id", String(64), primary_key=True),
    Column("enterprise_id", String(100), nullable=False, index=True),
    Column("personal_account_id", String(100), nullable=False, index=True),
    Column("modules", JSONB, nullable=False),
    Column("valid_until", DateTime(timezone=True)),
    Column("status", _enum(InvitationStatus, "invitation_status"), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("employee_account_id", String(64)),
    *_stamps(),
    # EMP-13: one open invitation per personal account.
    Index("invitations_one_pending", "personal_account_id", unique=True, postgresql_where=text("status = 'pending'")),
)

# EMP-19 / CERT-12 style audit trail: every change of an authorisation, who made it, before and after.
authorisation_changes = Table(
    "authorisation_changes", metadata,
    Column("id", String(64), primary_key=True),
    Column("employee_account_id", String(64), nullable=False, index=True),
    Column("enterprise_id", String(100), nullable=False),
    Column("actor", String(200), nullable=False),  # the admin's subject, or "system" for the validity end
    Column("action", String(40), nullable=False),  # "changed" | "validity_ended"
    Column("before", JSONB, nullable=False),
    Column("after", JSONB, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

employee_sessions = Table(
    "employee_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("employee_account_id", String(64), nullable=False, index=True),
    Column("holder_generation", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)


# Issue 13: sign-in attempts per key ("account:<sha256 of the login email>", "address:<client address>"), in
# PostgreSQL so every replica sees the same counts.
sign_in_attempts = Table(
    "sign_in_attempts", metadata,
    Column("key", String(200), primary_key=True),
    Column("attempts", Integer, nullable=False),
    Column("last_at", DateTime(timezone=True), nullable=False),
    Column("blocked_until", DateTime(timezone=True)),
)


def constraint_problems() -> dict[str, Callable[[], Problem]]:
    """The conflicts a race lost on a unique index becomes (mapped by the bus, never a 500)."""
    return {
        "login_email": lambda: EmailTaken("this login email is already used"),
        "identity_per_enterprise": lambda: IdentityAlreadyEmployed(
            "this person already holds an enterprise employee account"),
        # EMP-13: the unique indexes settle races between enterprises.
        "one_enterprise": lambda: AlreadyAuthorised(
            "the personal account is already authorised or invited by an enterprise"),
        "one_pending": lambda: AlreadyAuthorised(
            "the personal account is already authorised or invited by an enterprise"),
    }


def start_mappers() -> None:
    """Map the domain classes (the service definition runs this once per process)."""
    mapper_registry.map_imperatively(Enterprise, enterprises)
    mapper_registry.map_imperatively(Position, positions)
    mapper_registry.map_imperatively(Department, departments)
    mapper_registry.map_imperatively(EmployeeAccount, employee_accounts)
    mapper_registry.map_imperatively(Invitation, invitations)
