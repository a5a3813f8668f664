"""The one place that wires the employee-accounts service: `SERVICE`, from which libs/common builds its API,
worker, migrations and test harness."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from employee_accounts.adapters.face_check import FaceCheck, FakeFaceCheck
from employee_accounts.adapters.identities import FakeIdentityDirectory, IdentityDirectory
from employee_accounts.adapters.passwords import Passwords
from employee_accounts.adapters.payments import FakePayments, Payments
from employee_accounts.adapters.vault import PersonalDataVault
from employee_accounts.domain import commands as c
from employee_accounts.handlers import (
    accounts,
    activation,
    authorisations,
    entitlements,
    invitations,
    organisation,
    storefront,
)
from employee_accounts.orm import constraint_problems, metadata, start_mappers
from employee_accounts.repository import UnitOfWork
from employee_accounts.routes import accounts as account_routes
from employee_accounts.routes import employee, internal
from employee_accounts.routes import invitations as invitation_routes
from employee_accounts.routes import organisation as organisation_routes
from employee_accounts.settings import Settings
from trust_common.contracts import certification as cert
from trust_common.contracts.platform import AccountChanged, AccountDeleted, AccountRegistered
from trust_common.projections import ACCOUNT_PROJECTION
from trust_common.providers import fake
from trust_common.runtime import Runtime
from trust_common.service import Service, handlers

DESCRIPTION = """`employee-accounts-api`: the HTTP API of the employee-accounts service.

Client headers: `X-Client-Platform` (`ios`, `android`: the mobile app; `pc`: the PC back office;
`web`) and `X-Client-Version` (e.g. `20.7.0`). Employee login and activation need the mobile app at
20.7 or later (EMP-8); a validity period on an invitation needs the PC back office (EMP-12).
Employee sessions travel in `X-Employee-Session`.
"""


@dataclass(frozen=True)
class Adapters:
    vault: PersonalDataVault  # national IDs, phones and face-check results at rest
    passwords: Passwords  # EMP-5: Argon2id
    face_check: FaceCheck  # EMP-8
    payments: Payments  # EMP-15: the showcase deposit
    identities: IdentityDirectory  # EMP-7: the platform's real-name directory


def adapters(runtime: Runtime[Settings]) -> Adapters:
    """No real providers are integrated yet: the shipped fakes, which production refuses."""
    settings = runtime.settings
    return Adapters(vault=PersonalDataVault.from_settings(settings), passwords=Passwords(settings),
                    face_check=fake(settings, "face_check", FakeFaceCheck),
                    payments=fake(settings, "payments", FakePayments),
                    identities=fake(settings, "identities", FakeIdentityDirectory))


SERVICE = Service(
    name="employee-accounts",
    title="Employee accounts",
    description=DESCRIPTION,
    settings=Settings,
    migrations=Path(__file__).parent / "migrations",
    routers=[organisation_routes.router, account_routes.router, invitation_routes.router, employee.router,
             internal.router],
    commands={
        c.DefinePosition: organisation.define_position,
        c.ChangePosition: organisation.change_position,
        c.CreateDepartment: organisation.create_department,
        c.MoveDepartment: organisation.move_department,
        c.ApplyEmployeeAccount: accounts.apply_employee_account,
        c.ReviewEmployeeAccount: accounts.review_employee_account,
        c.ResubmitInformation: accounts.resubmit_information,
        c.ResubmitAuthorisation: accounts.resubmit_authorisation,
        c.DepartEmployee: accounts.depart_employee,
        c.HandOverAccount: accounts.hand_over_account,
        c.DeregisterEmployeeAccount: accounts.deregister_employee_account,
        c.ConvertEmployeeAccount: accounts.convert_employee_account,
        c.UnbindAuthorisation: accounts.unbind_authorisation,
        c.InvitePersonalAccount: invitations.invite_personal_account,
        c.AcceptInvitation: invitations.accept_invitation,
        c.DeclineInvitation: invitations.decline_invitation,
        c.WithdrawInvitation: invitations.withdraw_invitation,
        c.LogIn: activation.log_in,
        c.VerifyFace: activation.verify_face,
        c.BindPhone: activation.bind_phone,
        c.ChangePassword: activation.change_password,
        c.ChangeAuthorisation: authorisations.change_authorisation,
        c.HideAffiliation: accounts.hide_affiliation,
        c.PayShowcaseDeposit: storefront.pay_showcase_deposit,
        c.OpenShowcase: storefront.open_showcase,
        c.ConfigureMerchantModule: storefront.configure_merchant_module,
        c.ApproveMerchantModule: storefront.approve_merchant_module,
    },
    # Platform accounts: projected first, then held departures settle (EMP-9) and deleted authorisations end
    # (EMP-13); certification decisions certify or suspend the enterprise (EMP-18); a free enterprise account is
    # known as uncertified (CERT-11).
    events=handlers(
        ACCOUNT_PROJECTION,
        {AccountRegistered: accounts.on_account_fact, AccountChanged: accounts.on_account_fact,
         AccountDeleted: accounts.on_account_fact},
        {cert.ApplicationApproved: organisation.on_approved, cert.CertificationRenewed: organisation.on_renewed,
         cert.CertificationExpired: organisation.on_expired, cert.CertificationCancelled: organisation.on_cancelled,
         cert.EnterpriseAccountOpened: organisation.on_free_account_opened},
    ),
    # EMP-12's 48-hour lapse; EMP-21's reminders 7 days and 1 day before the validity ends, and its end.
    timers={invitations.LAPSE_TIMER: invitations.lapse_invitation,
            entitlements.REMINDER_TIMER: authorisations.remind_validity_ending,
            entitlements.END_TIMER: authorisations.end_validity},
    adapters=adapters,
    unit_of_work=UnitOfWork,
    mappers=start_mappers,
    metadata=metadata,
    constraint_problems=constraint_problems(),
)
