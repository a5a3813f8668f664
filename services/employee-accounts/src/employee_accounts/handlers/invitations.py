"""Authorised personal accounts (EMP-12, EMP-13, EMP-14): invite, accept, decline, withdraw, and the 48-hour lapse."""
from __future__ import annotations

import uuid

from employee_accounts.adapters.identities import IdentityDirectory
from employee_accounts.adapters.vault import PersonalDataVault
from employee_accounts.domain import commands as c
from employee_accounts.domain.account import EmployeeAccount
from employee_accounts.domain.errors import AlreadyAuthorised
from employee_accounts.domain.invitation import Invitation
from employee_accounts.domain.policies import require_invitable
from employee_accounts.domain.values import Permissions
from employee_accounts.handlers.accounts import employee_information, require_seat, require_unpenalised
from employee_accounts.handlers.entitlements import schedule_validity
from employee_accounts.repository import UnitOfWork
from trust_common.metrics import INVITATION_OUTCOMES
from trust_common.timers import Timer

LAPSE_TIMER = "employee_accounts.invitation_lapse"
OUTCOME_KIND = "employee_authorisation"


async def invite_personal_account(cmd: c.InvitePersonalAccount, uow: UnitOfWork) -> Invitation:
    """EMP-12: an open invitation holds a seat (EMP-2) and lapses after 48 hours on a durable timer (X-1)."""
    permissions = Permissions.parse([], cmd.modules)
    await require_seat(uow, cmd.enterprise_id, lock=True)
    invitee = await uow.platform.account(cmd.personal_account_id)
    require_invitable(invitee,
                      already_authorised=await uow.employee_accounts.authorised_personal(cmd.personal_account_id)
                      is not None,
                      pending_elsewhere=await uow.invitations.has_pending(cmd.personal_account_id))
    if invitee is not None and invitee.identity_ref:
        await require_unpenalised(uow, invitee.identity_ref)  # EMP-7: checked at invitation too
    invitation = Invitation.send(
        id=f"inv-{uuid.uuid4().hex}", enterprise_id=cmd.enterprise_id, personal_account_id=cmd.personal_account_id,
        permissions=permissions, agreement_accepted=cmd.agreement_accepted, valid_until=cmd.valid_until,
        client=cmd.client, now=uow.clock.now())
    uow.invitations.add(invitation)
    await uow.timers.schedule(LAPSE_TIMER, invitation.id, due_at=invitation.expires_at,
                              payload={"invitation_id": invitation.id})
    await uow.commit()
    return invitation


async def accept_invitation(cmd: c.AcceptInvitation, uow: UnitOfWork, vault: PersonalDataVault,
                            identities: IdentityDirectory) -> EmployeeAccount:
    """EMP-12 within 48 hours; EMP-7 penalties, EMP-13 one enterprise, EMP-14 creator marketplace."""
    invitation = await uow.invitations.get(cmd.invitation_id, personal_account_id=cmd.personal_account_id)
    if await uow.employee_accounts.authorised_personal(cmd.personal_account_id) is not None:
        raise AlreadyAuthorised("the personal account is already an authorised employee account of an enterprise")
    invitee = await uow.platform.account(cmd.personal_account_id)
    require_invitable(invitee, already_authorised=False, pending_elsewhere=False)
    info = await employee_information(uow, cmd.details, vault, identities)
    if invitee is not None and invitee.identity_ref:
        await require_unpenalised(uow, invitee.identity_ref)
    now = uow.clock.now()
    account = EmployeeAccount.authorise_personal(
        id=f"emp-{uuid.uuid4().hex}", enterprise_id=invitation.enterprise_id,
        personal_account_id=cmd.personal_account_id, info=info, modules=list(invitation.modules),
        valid_until=invitation.valid_until, invitation_id=invitation.id, now=now)
    invitation.accept(account.id, now)
    uow.employee_accounts.add(account)
    await uow.timers.cancel(LAPSE_TIMER, invitation.id)
    await schedule_validity(uow, account)  # EMP-21: its reminders and its end
    await uow.commit()
    INVITATION_OUTCOMES.labels(kind=OUTCOME_KIND, outcome="confirmed").inc()
    return account


async def decline_invitation(cmd: c.DeclineInvitation, uow: UnitOfWork) -> Invitation:
    invitation = await uow.invitations.get(cmd.invitation_id, personal_account_id=cmd.personal_account_id)
    invitation.decline(uow.clock.now())
    await uow.timers.cancel(LAPSE_TIMER, invitation.id)
    await uow.commit()
    INVITATION_OUTCOMES.labels(kind=OUTCOME_KIND, outcome="declined").inc()
    return invitation


async def withdraw_invitation(cmd: c.WithdrawInvitation, uow: UnitOfWork) -> Invitation:
    invitation = await uow.invitations.get(cmd.invitation_id, enterprise_id=cmd.enterprise_id)
    invitation.withdraw(uow.clock.now())
    await uow.timers.cancel(LAPSE_TIMER, invitation.id)
    await uow.commit()
    return invitation


async def lapse_invitation(timer: Timer, uow: UnitOfWork) -> None:
    """EMP-12 / X-1: the 48-hour timer; the poller commits, and lapse() acts once."""
    invitation = await uow.invitations.get(timer.payload["invitation_id"])
    if invitation.lapse(uow.clock.now()):
        INVITATION_OUTCOMES.labels(kind=OUTCOME_KIND, outcome="lapsed").inc()
