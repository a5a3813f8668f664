"""The sister app's (Toutiao) certification directory behind a Protocol, with an in-memory fake (CERT-9)."""
from __future__ import annotations

from typing import Protocol

from certification.domain.records import SisterCertification


class SisterAppDirectory(Protocol):
    async def certification_of(self, reference: str, account_id: str) -> SisterCertification | None:
        """The sister-app certification `reference`, if the account is associated with it."""
        ...


class FakeSisterAppDirectory:
    """Knows the certifications registered on it; deterministic, for dev and tests."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[str, SisterCertification]] = {}

    def register(self, account_id: str, certification: SisterCertification) -> None:
        self._known[certification.reference] = (account_id, certification)

    async def certification_of(self, reference: str, account_id: str) -> SisterCertification | None:
        entry = self._known.get(reference)
        return entry[1] if entry and entry[0] == account_id else None
