"""Builders of domain objects for the pure tests (no I/O)."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from employee_accounts.domain.account import EmployeeAccount, EmployeeInformation, SealedRecord, SealedValue
from employee_accounts.domain.values import ClientInfo, ProofKind, ProofOfEmployment

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
APP = ClientInfo.from_headers("ios", "20.7")  # EMP-8: the mobile app at the minimum version
WEB = ClientInfo.from_headers("web", "30.0")
SEALED_FACE = SealedRecord(ciphertext=b"\x01" * 40, key_id="k1")


def sealed(value: str = "110101199003071234") -> SealedValue:
    return SealedValue(ciphertext=b"\x00" * 28, key_id="k1", lookup_hash="h-" + value, masked="*" * 14 + value[-4:])


def info(value: str = "110101199003071234") -> EmployeeInformation:
    return EmployeeInformation(real_name="Li Wei", national_id=sealed(value), identity_ref="idref-" + value,
                               proof=ProofOfEmployment(ProofKind.COMPANY_SEAL, "doc-1"))


def enterprise_account(**overrides: Any) -> EmployeeAccount:
    values: dict[str, Any] = dict(id="emp-1", enterprise_id="ent-1", login_email="a@corp.example",
                                  password_hash="$argon2id$x", info=info(), position_id="pos-1", department_id=None,
                                  now=NOW)
    values.update(overrides)
    return EmployeeAccount.apply_enterprise(**values)


def personal_account(**overrides: Any) -> EmployeeAccount:
    values: dict[str, Any] = dict(id="emp-2", enterprise_id="ent-1", personal_account_id="acc-9", info=info(),
                                  modules=["data_centre"], valid_until=None, invitation_id="inv-1", now=NOW)
    values.update(overrides)
    return EmployeeAccount.authorise_personal(**values)


def event_types(aggregate: Any) -> list[str]:
    return [e.event_type for e in aggregate.pull_events()]
