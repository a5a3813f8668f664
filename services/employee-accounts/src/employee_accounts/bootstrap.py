"""The one place that wires things: dependencies, command handlers and the message bus."""
from __future__ import annotations

from functools import partial
from typing import Any

from trust_common.messagebus import MessageBus
from trust_common.providers import provider
from trust_common.runtime import Runtime

from employee_accounts.adapters import FakeFaceCheck, FakeIdentityDirectory, FakePayments
from employee_accounts.dependencies import Dependencies
from employee_accounts.domain import commands as c
from employee_accounts.handlers import accounts, activation, invitations, organisation, storefront
from employee_accounts.orm import start_mappers
from employee_accounts.settings import Settings
from employee_accounts.vault import Passwords, PersonalDataVault

HANDLERS: dict[type, Any] = {
    c.DefinePosition: organisation.define_position,
    c.ChangePosition: organisation.change_position,
    c.CreateDepartment: organisation.create_department,
    c.MoveDepartment: organisation.move_department,
    c.ApplyEmployeeAccount: accounts.apply_employee_account,
    c.ReviewEmployeeAccount: accounts.review_employee_account,
    c.ResubmitInformation: accounts.resubmit_information,
    c.DepartEmployee: accounts.depart_employee,
    c.HandOverAccount: accounts.hand_over_account,
    c.DeregisterEmployeeAccount: accounts.deregister_employee_account,
    c.InvitePersonalAccount: invitations.invite_personal_account,
    c.AcceptInvitation: invitations.accept_invitation,
    c.DeclineInvitation: invitations.decline_invitation,
    c.WithdrawInvitation: invitations.withdraw_invitation,
    c.LogIn: activation.log_in,
    c.VerifyFace: activation.verify_face,
    c.BindPhone: activation.bind_phone,
    c.ChangePassword: activation.change_password,
    c.PayShowcaseDeposit: storefront.pay_showcase_deposit,
    c.OpenShowcase: storefront.open_showcase,
    c.ConfigureMerchantModule: storefront.configure_merchant_module,
    c.ApproveMerchantModule: storefront.approve_merchant_module,
}


def dependencies(runtime: Runtime) -> Dependencies:
    """Built once per runtime; the shipped fakes stand in for providers only outside production."""
    existing = runtime.extras.get("dependencies")
    if existing is not None:
        return existing
    settings = runtime.settings
    assert isinstance(settings, Settings)
    deps = Dependencies(settings=settings, vault=PersonalDataVault.from_settings(settings),
                        passwords=Passwords(settings),
                        face_check=provider(runtime, "face_check", FakeFaceCheck),
                        payments=provider(runtime, "payments", FakePayments),
                        identities=provider(runtime, "identities", FakeIdentityDirectory))
    runtime.extras["dependencies"] = deps
    return deps


def build_bus(runtime: Runtime) -> MessageBus:
    start_mappers()
    deps = dependencies(runtime)
    return MessageBus(runtime.uow, {command: partial(handler, deps=deps) for command, handler in HANDLERS.items()},
                      constraint_problems=accounts.constraint_problems())
