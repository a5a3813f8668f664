"""Positions and departments (EMP-11) of an enterprise, and its certification as certification reports it (EMP-18)."""
from __future__ import annotations

import uuid
from datetime import datetime

from employee_accounts.domain import commands as c
from employee_accounts.domain.department import Department
from employee_accounts.domain.position import Position
from employee_accounts.domain.values import Permissions
from employee_accounts.handlers.entitlements import publish_entitlements
from employee_accounts.repository import UnitOfWork
from trust_common.contracts import certification as cert
from trust_common.events import EventEnvelope


async def granted_permissions(uow: UnitOfWork, enterprise_id: str, tools: list[str], modules: list[str]) -> Permissions:
    """EMP-3/EMP-4: known permissions whose tools the main account holds."""
    main = await uow.platform.account(enterprise_id)
    return Permissions.parse(tools, modules).require_held_by_main_account(frozenset(main.tools if main else []))


async def define_position(cmd: c.DefinePosition, uow: UnitOfWork) -> Position:
    permissions = await granted_permissions(uow, cmd.enterprise_id, cmd.tools, cmd.modules)
    position = Position(id=f"pos-{uuid.uuid4().hex}", enterprise_id=cmd.enterprise_id, name=cmd.name,
                        permissions=permissions, now=uow.clock.now())
    uow.positions.add(position)
    await uow.commit()
    return position


async def change_position(cmd: c.ChangePosition, uow: UnitOfWork) -> Position:
    position = await uow.positions.get(cmd.enterprise_id, cmd.position_id)
    permissions = await granted_permissions(uow, cmd.enterprise_id, cmd.tools, cmd.modules)
    position.change(cmd.name, permissions, uow.clock.now())
    await uow.session.flush()
    for account in await uow.employee_accounts.holding_position(cmd.enterprise_id, position.id):
        await publish_entitlements(uow, account)  # EMP-22: the position's holders' entitlements changed
    await uow.commit()
    return position


async def create_department(cmd: c.CreateDepartment, uow: UnitOfWork) -> Department:
    parent = await uow.departments.get(cmd.enterprise_id, cmd.parent_id) if cmd.parent_id else None
    department = Department(id=f"dep-{uuid.uuid4().hex}", enterprise_id=cmd.enterprise_id, name=cmd.name,
                            parent=parent, now=uow.clock.now())
    uow.departments.add(department)
    await uow.commit()
    return department


async def move_department(cmd: c.MoveDepartment, uow: UnitOfWork) -> Department:
    department = await uow.departments.get(cmd.enterprise_id, cmd.department_id)
    parent = await uow.departments.get(cmd.enterprise_id, cmd.parent_id) if cmd.parent_id else None
    ancestors = await uow.departments.ancestors(parent) if parent else []
    department.move(parent, ancestors, uow.clock.now())
    await uow.commit()
    return department


# --- certification facts (EMP-18) ----------------------------------------------------------------
async def _certify(uow: UnitOfWork, envelope: EventEnvelope, enterprise_id: str, application_id: str,
                   valid_until: datetime | None) -> None:
    enterprise = await uow.enterprises.lock(enterprise_id, uow.clock.now())
    was_suspended, was = enterprise.grants_suspended, enterprise.certification_state
    enterprise.certify(application_id, valid_until, uow.clock.now(), await uow.employee_accounts.ids_of(enterprise_id))
    if was is not enterprise.certification_state or enterprise.state_event_id is None:
        enterprise.caused_by(envelope.type, str(envelope.event_id), envelope.occurred_at)
    if was_suspended:
        await _publish_all(uow, enterprise_id)


async def _lapse(uow: UnitOfWork, envelope: EventEnvelope, enterprise_id: str, application_id: str,
                 reason: str) -> None:
    enterprise = await uow.enterprises.lock(enterprise_id, uow.clock.now())
    if enterprise.lapse(application_id, reason, uow.clock.now(), await uow.employee_accounts.ids_of(enterprise_id)):
        enterprise.caused_by(envelope.type, str(envelope.event_id), envelope.occurred_at)
        await _publish_all(uow, enterprise_id)


async def _publish_all(uow: UnitOfWork, enterprise_id: str) -> None:
    """EMP-22: suspension and restoration (EMP-18) change every account's entitlements."""
    await uow.session.flush()
    for account in await uow.employee_accounts.of_enterprise(enterprise_id):
        await publish_entitlements(uow, account)


def _enterprise(event: cert._ApplicationEvent) -> bool:
    return event.certification_type is cert.CertificationType.ENTERPRISE


async def on_approved(event: cert.ApplicationApproved, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """Certified (also a renewal approved, and CERT-11's upgrade of a free account): the enterprise may grant;
    suspended grants come back (EMP-18)."""
    if _enterprise(event):
        await _certify(uow, envelope, event.account_id, event.application_id, event.valid_until)


async def on_renewed(event: cert.CertificationRenewed, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """EMP-18: renewal restores suspended grants."""
    if _enterprise(event):
        await _certify(uow, envelope, event.account_id, event.application_id, event.valid_until)


async def on_expired(event: cert.CertificationExpired, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """EMP-18: expiry suspends grants (kept, not deleted)."""
    if _enterprise(event):
        await _lapse(uow, envelope, event.account_id, event.application_id, "expired")


async def on_cancelled(event: cert.CertificationCancelled, envelope: EventEnvelope, uow: UnitOfWork) -> None:
    """EMP-18: cancellation suspends grants; a withdrawn, never-certified application changes nothing."""
    if _enterprise(event) and event.was_certified:
        await _lapse(uow, envelope, event.account_id, event.application_id, "cancelled")


async def on_free_account_opened(event: cert.EnterpriseAccountOpened, envelope: EventEnvelope,
                                 uow: UnitOfWork) -> None:
    """CERT-11: the free enterprise account is known here as `uncertified`; employee accounts refuse it."""
    enterprise = await uow.enterprises.lock(event.account_id, uow.clock.now())
    if enterprise.open_free_account(event.opened_at, uow.clock.now()):
        enterprise.caused_by(envelope.type, str(envelope.event_id), envelope.occurred_at)
