"""Loads and saves aggregates through the unit of work's session (`uow.employee_accounts`, ...); never commits.
Tenancy is part of every lookup (X-3)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from employee_accounts.domain.account import EmployeeAccount, Status
from employee_accounts.domain.department import Department
from employee_accounts.domain.enterprise import Enterprise
from employee_accounts.domain.errors import (
    DepartmentNotFound,
    EmployeeAccountNotFound,
    InvitationNotFound,
    PositionNotFound,
)
from employee_accounts.domain.invitation import Invitation, InvitationStatus
from employee_accounts.domain.position import Position
from employee_accounts.domain.throttling import AttemptCounter
from employee_accounts.domain.values import Permissions
from employee_accounts.orm import (
    authorisation_changes,
    employee_accounts,
    employee_sessions,
    enterprises,
    invitations,
    sign_in_attempts,
)
from trust_common import uow
from trust_common.contracts.employee_accounts import EmployeeAccountKind
from trust_common.contracts.platform import AccountSnapshot
from trust_common.projections import load_account
from trust_common.schema import platform_accounts

FREED_SEAT = (Status.ENDED,)  # an ended authorisation gives its seat back (EMP-2, EMP-13)


async def seats_used(session: AsyncSession, enterprise_id: str) -> tuple[int, int]:
    """EMP-2: (employee accounts of both kinds, open invitations holding a seat)."""
    accounts = (await session.execute(select(func.count()).select_from(employee_accounts).where(
        employee_accounts.c.enterprise_id == enterprise_id,
        employee_accounts.c.status.not_in([s.value for s in FREED_SEAT])))).scalar_one()
    pending = (await session.execute(select(func.count()).select_from(invitations).where(
        invitations.c.enterprise_id == enterprise_id,
        invitations.c.status == InvitationStatus.PENDING.value))).scalar_one()
    return accounts, pending


@dataclass(frozen=True)
class GrantFacts:
    """What the grants in force of an account depend on (EMP-3, EMP-18)."""

    granted: Permissions
    suspended: bool
    main_tools: frozenset[str]


async def grant_facts(session: AsyncSession, account: EmployeeAccount) -> GrantFacts:
    """The account's grants, its enterprise's suspension and the main account's current tools (as projected)."""
    position = await session.get(Position, account.position_id) if account.position_id else None
    enterprise = await session.get(Enterprise, account.enterprise_id)
    main = await load_account(session, account.enterprise_id)
    return GrantFacts(granted=account.granted_permissions(position.permissions if position else None),
                      suspended=bool(enterprise and enterprise.grants_suspended),
                      main_tools=frozenset(main.tools if main else ()))


async def entitlements_now(session: AsyncSession, account: EmployeeAccount, now: datetime) -> Permissions:
    """The grants in force of the account now (EMP-3, EMP-18, EMP-21)."""
    facts = await grant_facts(session, account)
    return account.effective_permissions(facts.granted, now, enterprise_suspended=facts.suspended,
                                         main_tools=facts.main_tools)


class EnterpriseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, enterprise_id: str, *, for_update: bool = False) -> Enterprise | None:
        stmt = select(Enterprise).where(enterprises.c.id == enterprise_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def lock(self, enterprise_id: str, now: datetime) -> Enterprise:
        """The enterprise row, created if new, locked: seat counting is serialised on it (EMP-2)."""
        await self.session.execute(pg_insert(enterprises).values(
            id=enterprise_id, certified=False, grants_suspended=False, created_at=now, updated_at=now,
        ).on_conflict_do_nothing(index_elements=[enterprises.c.id]))
        enterprise = await self.get(enterprise_id, for_update=True)
        assert enterprise is not None  # inserted above if it was missing
        return enterprise

    async def seats_used(self, enterprise_id: str) -> int:
        """EMP-2: every seat taken, by accounts of both kinds and by open invitations."""
        accounts, pending = await seats_used(self.session, enterprise_id)
        return accounts + pending


class EmployeeAccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, account: EmployeeAccount) -> None:
        self.session.add(account)

    async def get(self, account_id: str, *, enterprise_id: str | None = None) -> EmployeeAccount:
        """The account (of the enterprise, when given: X-3), locked for a change."""
        stmt = select(EmployeeAccount).where(employee_accounts.c.id == account_id).with_for_update()
        if enterprise_id is not None:
            stmt = stmt.where(employee_accounts.c.enterprise_id == enterprise_id)
        account = (await self.session.execute(stmt)).scalar_one_or_none()
        if account is None:
            raise EmployeeAccountNotFound(f"no employee account {account_id}")
        return account

    async def by_login_email(self, login_email: str) -> EmployeeAccount | None:
        stmt = select(EmployeeAccount).where(func.lower(employee_accounts.c.login_email) == login_email.lower())
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def authorised_personal(self, personal_account_id: str) -> EmployeeAccount | None:
        """EMP-13: the one authorisation of a personal account, if any."""
        return await authorised_personal(self.session, personal_account_id)

    async def identity_employed(self, enterprise_id: str, national_id_hash: str, *, besides: str | None = None) -> bool:
        stmt = select(func.count()).select_from(employee_accounts).where(
            employee_accounts.c.enterprise_id == enterprise_id,
            employee_accounts.c.kind == EmployeeAccountKind.ENTERPRISE.value,
            employee_accounts.c.national_id_hash == national_id_hash,
            employee_accounts.c.status.not_in([Status.VACANT.value, Status.DEPARTURE_PENDING.value]))
        if besides:
            stmt = stmt.where(employee_accounts.c.id != besides)
        return (await self.session.execute(stmt)).scalar_one() > 0

    async def ids_of(self, enterprise_id: str) -> list[str]:
        stmt = select(employee_accounts.c.id).where(employee_accounts.c.enterprise_id == enterprise_id,
                                                    employee_accounts.c.status != Status.ENDED.value)
        return list((await self.session.execute(stmt.order_by(employee_accounts.c.id))).scalars())

    async def holding_position(self, enterprise_id: str, position_id: str) -> list[EmployeeAccount]:
        stmt = select(EmployeeAccount).where(employee_accounts.c.enterprise_id == enterprise_id,
                                             employee_accounts.c.position_id == position_id,
                                             employee_accounts.c.status != Status.ENDED.value)
        return list((await self.session.execute(stmt.order_by(employee_accounts.c.id))).scalars())

    async def of_enterprise(self, enterprise_id: str) -> list[EmployeeAccount]:
        stmt = select(EmployeeAccount).where(employee_accounts.c.enterprise_id == enterprise_id,
                                             employee_accounts.c.status != Status.ENDED.value)
        return list((await self.session.execute(stmt.order_by(employee_accounts.c.id))).scalars())

    async def pending_departures(self, platform_account_id: str) -> list[EmployeeAccount]:
        stmt = select(EmployeeAccount).where(employee_accounts.c.account_id == platform_account_id,
                                             employee_accounts.c.status == Status.DEPARTURE_PENDING.value)
        return list((await self.session.execute(stmt.with_for_update())).scalars())

    async def grant_facts(self, account: EmployeeAccount) -> GrantFacts:
        return await grant_facts(self.session, account)

    async def end_sessions(self, account: EmployeeAccount) -> None:
        """Issue 13: every session of the account ends (a password change, a handover)."""
        await self.session.execute(delete(employee_sessions).where(
            employee_sessions.c.employee_account_id == account.id))

    async def open_session(self, token_hash: str, account: EmployeeAccount, now: datetime,
                           lifetime: timedelta) -> None:
        """EMP-8: a session of the account's current holder (a later handover or departure ends it, EMP-9)."""
        await self.session.execute(insert(employee_sessions).values(
            token_hash=token_hash, employee_account_id=account.id, holder_generation=account.holder_generation,
            created_at=now, expires_at=now + lifetime))


async def authorised_personal(session: AsyncSession, personal_account_id: str) -> EmployeeAccount | None:
    """EMP-13: the one authorisation of a personal account, if any."""
    stmt = select(EmployeeAccount).where(
        employee_accounts.c.kind == EmployeeAccountKind.AUTHORISED_PERSONAL.value,
        employee_accounts.c.account_id == personal_account_id,
        employee_accounts.c.status != Status.ENDED.value)
    return (await session.execute(stmt)).scalar_one_or_none()


class PositionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, position: Position) -> None:
        self.session.add(position)

    async def get(self, enterprise_id: str, position_id: str) -> Position:
        found = await self.session.get(Position, position_id)
        if found is None or found.enterprise_id != enterprise_id:
            raise PositionNotFound(f"no position {position_id}")
        return found


class DepartmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, department: Department) -> None:
        self.session.add(department)

    async def get(self, enterprise_id: str, department_id: str) -> Department:
        found = await self.session.get(Department, department_id)
        if found is None or found.enterprise_id != enterprise_id:
            raise DepartmentNotFound(f"no department {department_id}")
        return found

    async def ancestors(self, department: Department) -> list[str]:
        """Ids from the department's parent up to the root (EMP-11 cycle check)."""
        ancestors: list[str] = []
        parent_id = department.parent_id
        while parent_id is not None and parent_id not in ancestors:
            ancestors.append(parent_id)
            parent = await self.session.get(Department, parent_id)
            parent_id = parent.parent_id if parent else None
        return ancestors


class InvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, invitation: Invitation) -> None:
        self.session.add(invitation)

    async def get(self, invitation_id: str, *, enterprise_id: str | None = None,
                  personal_account_id: str | None = None) -> Invitation:
        """The invitation, locked for a change; another enterprise's or invitee's is not found (X-3)."""
        return await invitation(self.session, invitation_id, enterprise_id=enterprise_id,
                                personal_account_id=personal_account_id, lock=True)

    async def has_pending(self, personal_account_id: str) -> bool:
        stmt = select(func.count()).select_from(invitations).where(
            invitations.c.personal_account_id == personal_account_id,
            invitations.c.status == InvitationStatus.PENDING.value)
        return (await self.session.execute(stmt)).scalar_one() > 0


async def invitation(session: AsyncSession, invitation_id: str, *, enterprise_id: str | None = None,
                     personal_account_id: str | None = None, lock: bool) -> Invitation:
    stmt = select(Invitation).where(invitations.c.id == invitation_id)
    if lock:
        stmt = stmt.with_for_update()
    found = (await session.execute(stmt)).scalar_one_or_none()
    if (found is None or (enterprise_id is not None and found.enterprise_id != enterprise_id)
            or (personal_account_id is not None and found.personal_account_id != personal_account_id)):
        raise InvitationNotFound(f"no invitation {invitation_id}")
    return found


class PlatformFacts:
    """The platform accounts as this service projects them (read-only here)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def account(self, account_id: str) -> AccountSnapshot | None:
        return await load_account(self.session, account_id)

    async def accounts_of_identity(self, identity_ref: str) -> list[AccountSnapshot]:
        """EMP-7: every projected platform account of one real-name identity."""
        stmt = select(platform_accounts.c.snapshot).where(
            platform_accounts.c.snapshot["identity_ref"].astext == identity_ref,
            platform_accounts.c.deleted.is_(False))
        return [AccountSnapshot.model_validate(s) for s in (await self.session.execute(stmt)).scalars()]


class SignInAttempts:
    """Issue 13: the attempt counters. Each admission is its own short transaction (the row locked, so concurrent
    attempts queue), committed whatever becomes of the request: a refused or failed sign-in still counts."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def admit(self, key: str, limit: int, now: datetime) -> None:
        async with self.sessions() as session, session.begin():
            await session.execute(pg_insert(sign_in_attempts).values(key=key, attempts=0, last_at=now)
                                  .on_conflict_do_nothing(index_elements=[sign_in_attempts.c.key]))
            row = (await session.execute(select(sign_in_attempts).where(sign_in_attempts.c.key == key)
                                         .with_for_update())).mappings().one()
            counter = AttemptCounter(row["attempts"], row["last_at"], row["blocked_until"])
            try:
                counter.admit(limit, now)
            finally:
                await session.execute(update(sign_in_attempts).where(sign_in_attempts.c.key == key).values(
                    attempts=counter.attempts, last_at=counter.last_at, blocked_until=counter.blocked_until))

    async def succeeded(self, account_key: str, other_keys: list[tuple[str, int]]) -> None:
        """A success clears the account's counter and takes its own attempt off the others (an address shared by
        many employees is limited by its failures, not by their daily sign-ins)."""
        async with self.sessions() as session, session.begin():
            await session.execute(delete(sign_in_attempts).where(sign_in_attempts.c.key == account_key))
            for key, limit in other_keys:
                attempts = func.greatest(sign_in_attempts.c.attempts - 1, 0)
                await session.execute(update(sign_in_attempts).where(sign_in_attempts.c.key == key).values(
                    attempts=attempts, blocked_until=case((attempts < limit, None),
                                                          else_=sign_in_attempts.c.blocked_until)))


class AuditTrail:
    """EMP-19: every change of an authorisation, who made it, before and after (read back by the enterprise)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, account: EmployeeAccount, *, actor: str, action: str, before: dict[str, object],
                     now: datetime) -> None:
        await self.session.execute(insert(authorisation_changes).values(
            id=f"aud-{uuid.uuid4().hex}", employee_account_id=account.id, enterprise_id=account.enterprise_id,
            actor=actor, action=action, before=before, after=account.authorisation(), at=now))


class UnitOfWork(uow.UnitOfWork):
    """The transaction of one command, event or timer, with this service's repositories on its session."""

    enterprises: EnterpriseRepository
    employee_accounts: EmployeeAccountRepository
    positions: PositionRepository
    departments: DepartmentRepository
    invitations: InvitationRepository
    platform: PlatformFacts
    audit: AuditTrail
    sign_in_attempts: SignInAttempts

    def open_repositories(self) -> None:
        self.enterprises = EnterpriseRepository(self.session)
        self.employee_accounts = EmployeeAccountRepository(self.session)
        self.positions = PositionRepository(self.session)
        self.departments = DepartmentRepository(self.session)
        self.invitations = InvitationRepository(self.session)
        self.platform = PlatformFacts(self.session)
        self.audit = AuditTrail(self.session)
        self.sign_in_attempts = SignInAttempts(self._sessions)
