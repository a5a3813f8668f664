"""Value objects of the employee-account rules: proofs, permissions, the client, sealed personal data."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from employee_accounts.domain.catalogue import Module, Tool
from employee_accounts.domain.errors import (
    ActivationRefused,
    AuthorisationChangeRefused,
    EmployeeInformationInvalid,
    ProofOfEmploymentInvalid,
    ToolNotHeld,
    UnknownPermission,
)

MIN_APP_VERSION = (20, 7)
MOBILE_PLATFORMS = frozenset({"ios", "android"})


class ProofKind(StrEnum):
    """EMP-6: how the proof of employment is authenticated."""

    COMPANY_SEAL = "company_seal"
    LEGAL_REPRESENTATIVE_SIGNATURE = "legal_representative_signature"


@dataclass(frozen=True)
class ProofOfEmployment:
    """EMP-6: sealed, or signed by the legal representative with an explanation."""

    kind: ProofKind
    document_ref: str
    explanation: str | None = None

    def __post_init__(self) -> None:
        if not self.document_ref.strip():
            raise ProofOfEmploymentInvalid("a proof of employment document is required")
        # EMP-6: without a seal, the signature is accepted only with an explanation (e.g. sole proprietor).
        if self.kind is ProofKind.LEGAL_REPRESENTATIVE_SIGNATURE and not (self.explanation or "").strip():
            raise ProofOfEmploymentInvalid(
                "a proof without the company seal needs the legal representative's signature and an explanation")


@dataclass(frozen=True)
class Permissions:
    """EMP-3 tools and EMP-4 modules of a position or an authorisation."""

    tools: frozenset[Tool] = frozenset()
    modules: frozenset[Module] = frozenset()

    @classmethod
    def parse(cls, tools: list[str], modules: list[str]) -> Permissions:
        try:
            return cls(frozenset(Tool(t) for t in tools), frozenset(Module(m) for m in modules))
        except ValueError as error:
            raise UnknownPermission(str(error)) from error

    def require_held_by_main_account(self, main_tools: frozenset[str]) -> Permissions:
        """EMP-3: only tools the main account itself holds can be granted."""
        missing = sorted(t.value for t in self.tools if t.value not in main_tools)
        if missing:
            raise ToolNotHeld(f"the main account does not hold: {', '.join(missing)}", tools=missing)
        return self

    def as_lists(self) -> tuple[list[str], list[str]]:
        return sorted(t.value for t in self.tools), sorted(m.value for m in self.modules)


@dataclass(frozen=True)
class AuthorisationChange:
    """EMP-19: what the main account edits; None leaves a part as it is. `permissions` are already checked
    against the main account's tools (EMP-3); `tools_given` says whether tools were part of the request."""

    position_id: str | None = None
    department_id: str | None = None  # "" leaves the department
    permissions: Permissions | None = None
    tools_given: bool = False
    valid_until: datetime | None = None

    def require_for_enterprise_account(self) -> None:
        """EMP-19: an enterprise employee account takes its tools and modules from its position; no validity."""
        if self.permissions is not None:
            raise AuthorisationChangeRefused("an enterprise employee account takes its tools and modules from its "
                                             "position: change the position instead")
        if self.valid_until is not None:
            raise AuthorisationChangeRefused("only an authorised personal account has a validity period")

    def require_for_personal_account(self) -> None:
        """EMP-19/EMP-20: an authorised personal account has modules, tools and a validity period, no position."""
        if self.position_id is not None or self.department_id is not None:
            raise AuthorisationChangeRefused("an authorised personal account has no position or department")
        if self.permissions is not None and not self.permissions.modules:
            raise AuthorisationChangeRefused("keep at least one module authorised")


VERSION = re.compile(r"[0-9]{1,9}(\.[0-9]{1,9}){0,3}")  # ASCII digits of a size int() reads


@dataclass(frozen=True)
class ClientInfo:
    """What the client declares in `X-Client-Platform` and `X-Client-Version` (EMP-8)."""

    platform: str
    version: tuple[int, ...]

    @classmethod
    def from_headers(cls, platform: str | None, version: str | None) -> ClientInfo:
        parsed: tuple[int, ...] = ()
        if version and VERSION.fullmatch(version.strip()):
            parsed = tuple(int(p) for p in version.strip().split("."))
        return cls((platform or "").strip().lower(), parsed)

    @property
    def is_pc_back_office(self) -> bool:
        return self.platform == "pc"

    def require_activation_capable(self) -> None:
        """EMP-8: only the mobile app at version 20.7 or later; never the web."""
        if self.platform not in MOBILE_PLATFORMS:
            raise ActivationRefused("employee login and activation are only possible in the mobile app, not on the web",
                                    client_platform=self.platform or None)
        if not self.version or self.version < MIN_APP_VERSION:
            raise ActivationRefused("update the mobile app to version 20.7 or later to log in",
                                    minimum_version="20.7")


NATIONAL_ID_SHAPE = re.compile(r"[0-9A-Z]{6,32}")


def canonical_national_id(raw: str) -> str:
    """A national ID as it is hashed, compared and stored: NFKC (full-width forms fold), every decimal digit of any
    script as its ASCII digit, upper case, no whitespace. One person has one form, so a full-width ID is the same
    identity (EMP-7, EMP-17: one enterprise employee account per identity)."""
    folded = unicodedata.normalize("NFKC", raw)
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch.upper()
                   for ch in folded if not ch.isspace())


def normalise_national_id(raw: str) -> str:
    """The canonical form, refused unless it is 6 to 32 ASCII letters and digits."""
    value = canonical_national_id(raw)
    if not NATIONAL_ID_SHAPE.fullmatch(value):
        raise EmployeeInformationInvalid("the national ID number is not valid")
    return value


def mask(value: str, visible: int = 4) -> str:
    """Only the last characters, for display (X-4)."""
    return "*" * max(len(value) - visible, 0) + value[-visible:]


def phone_digits(raw: str) -> str:
    """EMP-8: the auxiliary phone number as stored (digits and `+`), refused when too short to be one."""
    digits = "".join(ch for ch in raw if ch.isdigit() or ch == "+")
    if len(digits.lstrip("+")) < 6:
        raise ActivationRefused("the phone number is not valid")
    return digits


@dataclass(frozen=True)
class SealedValue:
    """Personal data as stored: ciphertext, its key id, the keyed lookup hash, a masked form (X-4)."""

    ciphertext: bytes
    key_id: str
    lookup_hash: str
    masked: str


@dataclass(frozen=True)
class SealedRecord:
    """Personal data sealed without a lookup hash or a masked form (X-4): a face-check result."""

    ciphertext: bytes
    key_id: str


@dataclass(frozen=True)
class EmployeeInformation:
    """EMP-5: who holds the account; the national ID arrives sealed."""

    real_name: str
    national_id: SealedValue
    identity_ref: str
    proof: ProofOfEmployment


@dataclass(frozen=True)
class FaceResult:
    """The face-check provider's answer (EMP-8). X-4: only the outcome and the score are kept, and only sealed
    (never in a plain column, a log, an event or a response); the repr shows neither."""

    matched: bool = field(repr=False)
    score: float = field(repr=False)

    def to_sealable(self) -> str:
        return json.dumps({"matched": self.matched, "score": self.score})

    @classmethod
    def from_sealed(cls, plaintext: str) -> FaceResult:
        data = json.loads(plaintext)
        return cls(matched=bool(data["matched"]), score=float(data["score"]))
