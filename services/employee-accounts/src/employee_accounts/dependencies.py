"""What handlers need besides the unit of work: vault, passwords and the external providers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from trust_common.uow import UnitOfWork

from employee_accounts.adapters import FaceCheck, IdentityDirectory, Payments
from employee_accounts.domain.account import EmployeeInformation
from employee_accounts.domain.commands import EmployeeDetails
from employee_accounts.domain.values import require_identity_unpenalised
from employee_accounts.repository import Repository
from employee_accounts.settings import Settings
from employee_accounts.vault import Passwords, PersonalDataVault

NATIONAL_ID = "national_id"
PHONE = "phone"
FACE_CHECK = "face_check"  # a face-check result (outcome and score), sealed as a whole


@dataclass
class Dependencies:
    settings: Settings
    vault: PersonalDataVault
    passwords: Passwords
    face_check: FaceCheck
    payments: Payments
    identities: IdentityDirectory

    def seal_details(self, details: EmployeeDetails) -> EmployeeInformation:
        """Seal the national ID (X-4) and find its platform identity reference (EMP-7)."""
        return EmployeeInformation(real_name=details.real_name.strip(),
                                   national_id=self.vault.seal(NATIONAL_ID, details.national_id),
                                   identity_ref=self.identities.identity_ref_of(details.national_id),
                                   proof=details.proof)

    async def require_unpenalised(self, uow: UnitOfWork, identity_ref: str) -> None:
        """EMP-7 against every projected account of the identity."""
        today: date = uow.clock.now().date()
        require_identity_unpenalised(await Repository(uow.session).accounts_of_identity(identity_ref), today)
