"""Loads and saves aggregates through the unit of work's session (`uow.employee_accounts`, ...); never commits.
Tenancy is part of every lookup (X-3)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

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
from employee_accounts.domain.values import Permissions
from employee_accounts.orm import employee_accounts, employee_sessions, enterprises, invitations
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

    async def pending_departures(self, platform_account_id: str) -> list[EmployeeAccount]:
        stmt = select(EmployeeAccount).where(employee_accounts.c.account_id == platform_account_id,
                                             employee_accounts.c.status == Status.DEPARTURE_PENDING.value)
        return list((await self.session.execute(stmt.with_for_update())).scalars())

    async def grant_facts(self, account: EmployeeAccount) -> GrantFacts:
        return await grant_facts(self.session, account)

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


class UnitOfWork(uow.UnitOfWork):
    """The transaction of one command, event or timer, with this service's repositories on its session."""

    enterprises: EnterpriseRepository
    employee_accounts: EmployeeAccountRepository
    positions: PositionRepository
    departments: DepartmentRepository
    invitations: InvitationRepository
    platform: PlatformFacts

    def open_repositories(self) -> None:
        self.enterprises = EnterpriseRepository(self.session)
        self.employee_accounts = EmployeeAccountRepository(self.session)
        self.positions = PositionRepository(self.session)
        self.departments = DepartmentRepository(self.session)
        self.invitations = InvitationRepository(self.session)
        self.platform = PlatformFacts(self.session)
