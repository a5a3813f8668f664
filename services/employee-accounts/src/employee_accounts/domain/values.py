"""Value objects and pure checks shared by the aggregates."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from trust_common.contracts.platform import AccountSnapshot

from employee_accounts.domain.catalogue import Module, Tool
from employee_accounts.domain.errors import (
    ActivationRefused, IdentityPenalised, ProofOfEmploymentInvalid, ToolNotHeld, UnknownPermission,
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
    def parse(cls, tools: list[str], modules: list[str]) -> "Permissions":
        try:
            return cls(frozenset(Tool(t) for t in tools), frozenset(Module(m) for m in modules))
        except ValueError as error:
            raise UnknownPermission(str(error)) from error

    def require_held_by_main_account(self, main_tools: frozenset[str]) -> "Permissions":
        """EMP-3: only tools the main account itself holds can be granted."""
        missing = sorted(t.value for t in self.tools if t.value not in main_tools)
        if missing:
            raise ToolNotHeld(f"the main account does not hold: {', '.join(missing)}", tools=missing)
        return self

    def as_lists(self) -> tuple[list[str], list[str]]:
        return sorted(t.value for t in self.tools), sorted(m.value for m in self.modules)


def penalty_in_force(snapshot: AccountSnapshot, today: date) -> bool:
    """A ban or posting/live restriction that has not ended."""
    return any(p.until is None or p.until >= today for p in snapshot.penalties)


def require_identity_unpenalised(same_identity: list[AccountSnapshot], today: date) -> None:
    """EMP-7: no real-name-verified account of the identity may be under a penalty."""
    if any(a.real_name_verified and penalty_in_force(a, today) for a in same_identity):
        raise IdentityPenalised("an account of this identity is penalised; it cannot be used until the penalty ends")


VERSION = re.compile(r"[0-9]{1,9}(\.[0-9]{1,9}){0,3}")  # ASCII digits of a size int() reads


@dataclass(frozen=True)
class ClientInfo:
    """What the client declares in `X-Client-Platform` and `X-Client-Version` (EMP-8)."""

    platform: str
    version: tuple[int, ...]

    @classmethod
    def from_headers(cls, platform: str | None, version: str | None) -> "ClientInfo":
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


def mask(value: str, visible: int = 4) -> str:
    """Only the last characters, for display (X-4)."""
    return "*" * max(len(value) - visible, 0) + value[-visible:]
