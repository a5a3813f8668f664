"""Enterprise employee accounts: apply within quota (EMP-2, EMP-5), review, resubmit, depart and hand over (EMP-9)."""
from __future__ import annotations

import uuid
from collections.abc import Callable

from trust_common.problems import Problem
from trust_common.projections import load_account
from trust_common.uow import UnitOfWork

from employee_accounts.dependencies import Dependencies
from employee_accounts.domain import commands as c
from employee_accounts.domain.account import EmployeeAccount, departure_blocked
from employee_accounts.domain.errors import (
    AlreadyAuthorised, EmailTaken, EmployeeAccountNotFound, IdentityAlreadyEmployed,
)
from employee_accounts.domain.organisation import Enterprise
from employee_accounts.repository import Repository


async def require_seat(uow: UnitOfWork, enterprise_id: str, *, lock: bool) -> None:
    """EMP-18 then EMP-2: certified, and a seat left (counted under the enterprise row lock when `lock`)."""
    repo = Repository(uow.session)
    now = uow.clock.now()
    enterprise = await repo.lock_enterprise(enterprise_id, now) if lock else await repo.enterprise(enterprise_id)
    if enterprise is None:
        enterprise = Enterprise(enterprise_id, now)
    enterprise.require_certified()
    main = await load_account(uow.session, enterprise_id)
    accounts, pending = await repo.seats_used(enterprise_id)
    enterprise.require_seat(main.growth_level if main else None, accounts + pending)


async def _check_placement(repo: Repository, enterprise_id: str, position_id: str, department_id: str | None) -> None:
    await repo.position(enterprise_id, position_id)
    if department_id:
        await repo.department(enterprise_id, department_id)


async def apply_employee_account(cmd: c.ApplyEmployeeAccount, uow: UnitOfWork, deps: Dependencies) -> EmployeeAccount:
    """EMP-5: within quota, with a hashed password and sealed information; refused for a penalised identity."""
    repo = Repository(uow.session)
    email = cmd.login_email.strip().lower()
    # Cheap refusals first, without the lock, so a burst over quota does not queue on it.
    await _check_placement(repo, cmd.enterprise_id, cmd.position_id, cmd.department_id)
    await require_seat(uow, cmd.enterprise_id, lock=False)
    if await repo.by_login_email(email):
        raise EmailTaken("this login email is already used")
    info = deps.seal_details(cmd.details)
    await deps.require_unpenalised(uow, info.identity_ref)
    # EMP-2: the authoritative count, serialised on the enterprise row until commit.
    await require_seat(uow, cmd.enterprise_id, lock=True)
    if await repo.by_login_email(email):
        raise EmailTaken("this login email is already used")
    if await repo.identity_employed(cmd.enterprise_id, info.national_id.lookup_hash):
        raise IdentityAlreadyEmployed("this person already holds an enterprise employee account of this enterprise")
    # Hashed only once the seat is ours: a burst over quota costs no Argon2 work.
    password_hash = await deps.passwords.hash(cmd.password)
    account = EmployeeAccount.apply_enterprise(
        id=f"emp-{uuid.uuid4().hex}", enterprise_id=cmd.enterprise_id, login_email=email, password_hash=password_hash,
        info=info, position_id=cmd.position_id, department_id=cmd.department_id, now=uow.clock.now())
    uow.session.add(account)
    await uow.commit()
    return account


async def review_employee_account(cmd: c.ReviewEmployeeAccount, uow: UnitOfWork, deps: Dependencies) -> EmployeeAccount:
    account = await Repository(uow.session).employee_account(cmd.employee_account_id)
    account.review(approved=cmd.approved, reason=cmd.reason, now=uow.clock.now())
    await uow.commit()
    return account


async def resubmit_information(cmd: c.ResubmitInformation, uow: UnitOfWork, deps: Dependencies) -> EmployeeAccount:
    """EMP-12: correct and resubmit after a failed review (the enterprise, or the invitee for their own)."""
    repo = Repository(uow.session)
    account = await repo.employee_account(cmd.employee_account_id, enterprise_id=cmd.enterprise_id)
    if cmd.personal_account_id is not None and account.account_id != cmd.personal_account_id:
        raise EmployeeAccountNotFound(f"no employee account {cmd.employee_account_id}")
    info = deps.seal_details(cmd.details)
    await deps.require_unpenalised(uow, info.identity_ref)
    account.resubmit(info, uow.clock.now())
    await uow.commit()
    return account


async def depart_employee(cmd: c.DepartEmployee, uow: UnitOfWork, deps: Dependencies) -> EmployeeAccount:
    """EMP-9: unsettled assets (a platform fact) hold the departure until the real name is unbound."""
    account = await Repository(uow.session).employee_account(cmd.employee_account_id, enterprise_id=cmd.enterprise_id)
    facts = await load_account(uow.session, account.account_id)
    account.depart(agreement_accepted=cmd.agreement_accepted, blocked=departure_blocked(facts), now=uow.clock.now())
    await uow.commit()
    return account


async def hand_over_account(cmd: c.HandOverAccount, uow: UnitOfWork, deps: Dependencies) -> EmployeeAccount:
    """EMP-9: a departed account re-enabled for a new employee, back in review."""
    repo = Repository(uow.session)
    account = await repo.employee_account(cmd.employee_account_id, enterprise_id=cmd.enterprise_id)
    await _check_placement(repo, cmd.enterprise_id, cmd.position_id, cmd.department_id)
    email = cmd.login_email.strip().lower()
    holder = await repo.by_login_email(email)
    if holder is not None and holder.id != account.id:
        raise EmailTaken("this login email is already used")
    info = deps.seal_details(cmd.details)
    await deps.require_unpenalised(uow, info.identity_ref)
    if await repo.identity_employed(cmd.enterprise_id, info.national_id.lookup_hash, besides=account.id):
        raise IdentityAlreadyEmployed("this person already holds an enterprise employee account of this enterprise")
    password_hash = await deps.passwords.hash(cmd.password)
    account.hand_over(login_email=email, password_hash=password_hash, info=info, position_id=cmd.position_id,
                      department_id=cmd.department_id, now=uow.clock.now())
    await uow.commit()
    return account


async def deregister_employee_account(cmd: c.DeregisterEmployeeAccount, uow: UnitOfWork, deps: Dependencies) -> None:
    """EMP-10: the account must exist in the caller's enterprise; then the refusal."""
    account = await Repository(uow.session).employee_account(cmd.employee_account_id, enterprise_id=cmd.enterprise_id)
    account.deregister()


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
