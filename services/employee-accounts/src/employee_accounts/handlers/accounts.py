"""Enterprise employee accounts: apply within quota (EMP-2, EMP-5), review, resubmit, depart and hand over (EMP-9),
and the platform's account facts that settle departures (EMP-9) and end authorisations (EMP-13)."""
from __future__ import annotations

import uuid

from employee_accounts.adapters.identities import IdentityDirectory
from employee_accounts.adapters.passwords import Passwords
from employee_accounts.adapters.vault import NATIONAL_ID, PersonalDataVault
from employee_accounts.domain import commands as c
from employee_accounts.domain.account import EmployeeAccount
from employee_accounts.domain.enterprise import Enterprise
from employee_accounts.domain.errors import EmailTaken, EmployeeAccountNotFound, IdentityAlreadyEmployed
from employee_accounts.domain.policies import departure_blocked, require_identity_unpenalised
from employee_accounts.domain.values import EmployeeInformation
from employee_accounts.handlers.entitlements import publish_entitlements, schedule_validity
from employee_accounts.repository import UnitOfWork
from trust_common.contracts.platform import AccountChanged, AccountDeleted, AccountRegistered


async def require_seat(uow: UnitOfWork, enterprise_id: str, *, lock: bool) -> None:
    """EMP-18 then EMP-2: certified, and a seat left (counted under the enterprise row lock when `lock`)."""
    now = uow.clock.now()
    found = await uow.enterprises.lock(enterprise_id, now) if lock else await uow.enterprises.get(enterprise_id)
    enterprise = found or Enterprise(enterprise_id, now)
    main = await uow.platform.account(enterprise_id)
    enterprise.require_new_seat(main.growth_level if main else None, await uow.enterprises.seats_used(enterprise_id))


async def employee_information(uow: UnitOfWork, details: c.EmployeeDetails, vault: PersonalDataVault,
                               identities: IdentityDirectory) -> EmployeeInformation:
    """The national ID sealed (X-4) with its platform identity reference (EMP-7), refused while that identity
    is penalised."""
    info = EmployeeInformation(real_name=details.real_name.strip(),
                               national_id=vault.seal(NATIONAL_ID, details.national_id),
                               identity_ref=identities.identity_ref_of(details.national_id), proof=details.proof)
    await require_unpenalised(uow, info.identity_ref)
    return info


async def require_unpenalised(uow: UnitOfWork, identity_ref: str) -> None:
    """EMP-7 against every projected account of the identity."""
    require_identity_unpenalised(await uow.platform.accounts_of_identity(identity_ref), uow.clock.now().date())


async def _check_placement(uow: UnitOfWork, enterprise_id: str, position_id: str, department_id: str | None) -> None:
    await uow.positions.get(enterprise_id, position_id)
    if department_id:
        await uow.departments.get(enterprise_id, department_id)


async def apply_employee_account(cmd: c.ApplyEmployeeAccount, uow: UnitOfWork, vault: PersonalDataVault,
                                 identities: IdentityDirectory, passwords: Passwords) -> EmployeeAccount:
    """EMP-5: within quota, with a hashed password and sealed information; refused for a penalised identity."""
    email = cmd.login_email.strip().lower()
    # Cheap refusals first, without the lock, so a burst over quota does not queue on it.
    await _check_placement(uow, cmd.enterprise_id, cmd.position_id, cmd.department_id)
    await require_seat(uow, cmd.enterprise_id, lock=False)
    if await uow.employee_accounts.by_login_email(email):
        raise EmailTaken("this login email is already used")
    info = await employee_information(uow, cmd.details, vault, identities)
    # EMP-2: the authoritative count, serialised on the enterprise row until commit.
    await require_seat(uow, cmd.enterprise_id, lock=True)
    if await uow.employee_accounts.by_login_email(email):
        raise EmailTaken("this login email is already used")
    if await uow.employee_accounts.identity_employed(cmd.enterprise_id, info.national_id.lookup_hash):
        raise IdentityAlreadyEmployed("this person already holds an enterprise employee account of this enterprise")
    # Hashed only once the seat is ours: a burst over quota costs no Argon2 work.
    password_hash = await passwords.hash(cmd.password)
    account = EmployeeAccount.apply_enterprise(
        id=f"emp-{uuid.uuid4().hex}", enterprise_id=cmd.enterprise_id, login_email=email, password_hash=password_hash,
        info=info, position_id=cmd.position_id, department_id=cmd.department_id, now=uow.clock.now())
    uow.employee_accounts.add(account)
    await uow.commit()
    return account


async def review_employee_account(cmd: c.ReviewEmployeeAccount, uow: UnitOfWork) -> EmployeeAccount:
    account = await uow.employee_accounts.get(cmd.employee_account_id)
    account.review(approved=cmd.approved, reason=cmd.reason, now=uow.clock.now())
    await publish_entitlements(uow, account)  # EMP-22
    await uow.commit()
    return account


async def resubmit_information(cmd: c.ResubmitInformation, uow: UnitOfWork, vault: PersonalDataVault,
                               identities: IdentityDirectory) -> EmployeeAccount:
    """EMP-12: the enterprise corrects and resubmits after a failed review."""
    account = await uow.employee_accounts.get(cmd.employee_account_id, enterprise_id=cmd.enterprise_id)
    account.resubmit(await employee_information(uow, cmd.details, vault, identities), uow.clock.now())
    await uow.commit()
    return account


async def resubmit_authorisation(cmd: c.ResubmitAuthorisation, uow: UnitOfWork, vault: PersonalDataVault,
                                 identities: IdentityDirectory) -> EmployeeAccount:
    """EMP-12: the invitee corrects and resubmits their own authorisation after a failed review."""
    found = await uow.employee_accounts.authorised_personal(cmd.personal_account_id)
    if found is None:
        raise EmployeeAccountNotFound("this account is not an authorised employee account")
    account = await uow.employee_accounts.get(found.id)
    account.resubmit(await employee_information(uow, cmd.details, vault, identities), uow.clock.now())
    await uow.commit()
    return account


async def depart_employee(cmd: c.DepartEmployee, uow: UnitOfWork) -> EmployeeAccount:
    """EMP-9: unsettled assets (a platform fact) hold the departure until the real name is unbound."""
    account = await uow.employee_accounts.get(cmd.employee_account_id, enterprise_id=cmd.enterprise_id)
    facts = await uow.platform.account(account.account_id)
    account.depart(agreement_accepted=cmd.agreement_accepted, blocked=departure_blocked(facts), now=uow.clock.now())
    await publish_entitlements(uow, account)  # EMP-22
    await uow.commit()
    return account


async def hand_over_account(cmd: c.HandOverAccount, uow: UnitOfWork, vault: PersonalDataVault,
                            identities: IdentityDirectory, passwords: Passwords) -> EmployeeAccount:
    """EMP-9: a departed account re-enabled for a new employee, back in review."""
    account = await uow.employee_accounts.get(cmd.employee_account_id, enterprise_id=cmd.enterprise_id)
    await _check_placement(uow, cmd.enterprise_id, cmd.position_id, cmd.department_id)
    email = cmd.login_email.strip().lower()
    holder = await uow.employee_accounts.by_login_email(email)
    if holder is not None and holder.id != account.id:
        raise EmailTaken("this login email is already used")
    info = await employee_information(uow, cmd.details, vault, identities)
    if await uow.employee_accounts.identity_employed(cmd.enterprise_id, info.national_id.lookup_hash,
                                                     besides=account.id):
        raise IdentityAlreadyEmployed("this person already holds an enterprise employee account of this enterprise")
    password_hash = await passwords.hash(cmd.password)
    account.hand_over(login_email=email, password_hash=password_hash, info=info, position_id=cmd.position_id,
                      department_id=cmd.department_id, now=uow.clock.now())
    await uow.employee_accounts.end_sessions(account)  # issue 13: no session outlives the handover
    await uow.commit()
    return account


async def deregister_employee_account(cmd: c.DeregisterEmployeeAccount, uow: UnitOfWork) -> None:
    """EMP-10: the account must exist in the caller's enterprise; then the refusal."""
    account = await uow.employee_accounts.get(cmd.employee_account_id, enterprise_id=cmd.enterprise_id)
    account.deregister()


async def convert_employee_account(cmd: c.ConvertEmployeeAccount, uow: UnitOfWork) -> None:
    """EMP-13: the account must exist in the caller's enterprise; then the refusal."""
    account = await uow.employee_accounts.get(cmd.employee_account_id, enterprise_id=cmd.enterprise_id)
    account.convert()


async def unbind_authorisation(cmd: c.UnbindAuthorisation) -> None:
    """EMP-13: refused, whether or not the caller holds an authorisation."""
    EmployeeAccount.refuse_unbinding()


async def on_account_fact(event: AccountRegistered | AccountChanged | AccountDeleted, uow: UnitOfWork) -> None:
    """After the projection: settle held departures (EMP-9) and end deleted authorisations (EMP-13)."""
    now = uow.clock.now()
    if isinstance(event, AccountDeleted):
        authorised = await uow.employee_accounts.authorised_personal(event.account_id)
        if authorised is not None:
            authorised.end_authorisation(now)
            await schedule_validity(uow, authorised, cancel_only=True)
            await publish_entitlements(uow, authorised)  # EMP-22
        return
    facts = await uow.platform.account(event.account_id)
    for account in await uow.employee_accounts.pending_departures(event.account_id):
        if account.settle_departure(blocked=departure_blocked(facts), now=now):
            await publish_entitlements(uow, account)  # EMP-22


async def hide_affiliation(cmd: c.HideAffiliation) -> None:
    """EMP-22: refused, whatever the account."""
    EmployeeAccount.hide_affiliation()
