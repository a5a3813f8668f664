"""Builders of the employee-accounts tests: domain objects for the pure tests (no I/O), request bodies and
platform facts for the HTTP ones."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from employee_accounts.adapters.face_check import FakeFaceCheck
from employee_accounts.adapters.identities import FakeIdentityDirectory
from employee_accounts.domain.account import EmployeeAccount
from employee_accounts.domain.values import (
    ClientInfo,
    EmployeeInformation,
    ProofKind,
    ProofOfEmployment,
    SealedRecord,
    SealedValue,
)
from trust_common.contracts.platform import AccountSnapshot
from trust_common.testing.platform import account_snapshot, new_id

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
APP = ClientInfo.from_headers("ios", "20.7")  # EMP-8: the mobile app at the minimum version
WEB = ClientInfo.from_headers("web", "30.0")
SEALED_FACE = SealedRecord(ciphertext=b"\x01" * 40, key_id="k1")

MOBILE = {"X-Client-Platform": "ios", "X-Client-Version": "20.7.0"}
PC = {"X-Client-Platform": "pc", "X-Client-Version": "5.1"}
ALL_TOOLS = ["short_video.online_booking", "live.general_live_card", "homepage.business_card",
             "homepage.store_activities"]


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


def national_id() -> str:
    return "11010119900307" + uuid.uuid4().hex[:4].upper()


def identity_ref(nid: str) -> str:
    return FakeIdentityDirectory().identity_ref_of(nid)


def face_of(nid: str) -> str:
    return FakeFaceCheck.capture_for(nid)


def details(nid: str | None = None, *, name: str = "Li Wei", seal: bool = True) -> dict[str, Any]:
    proof: dict[str, Any] = {"kind": "company_seal", "document_ref": "doc-proof-1"}
    if not seal:
        proof = {"kind": "legal_representative_signature", "document_ref": "doc-proof-2",
                 "explanation": "sole proprietor without a company seal"}
    return {"real_name": name, "national_id": nid or national_id(), "proof_of_employment": proof}


def snapshot(account_id: str, **facts: Any) -> AccountSnapshot:
    """A platform account in China (the employee-account rules' market)."""
    return account_snapshot(account_id, **{"country": "CN", **facts})


__all__ = ["ALL_TOOLS", "APP", "MOBILE", "NOW", "PC", "SEALED_FACE", "WEB", "details", "enterprise_account",
           "event_types", "face_of", "identity_ref", "info", "national_id", "new_id", "personal_account", "sealed",
           "snapshot"]
