"""The payments provider behind a Protocol, and the deterministic fake shipped for dev and tests (CERT-4)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class PaymentFailed(Exception):
    """The provider declined the charge."""


@dataclass(frozen=True)
class Receipt:
    reference: str
    amount_cny: int


class Payments(Protocol):
    async def charge(self, *, idempotency_key: str, account_id: str, amount_cny: int, description: str) -> Receipt:
        """Charge once per idempotency key; a repeat returns the first receipt."""
        ...


class FakePayments:
    """Charges succeed, except for accounts whose id starts with the configured decline prefix."""

    def __init__(self, decline_prefix: str = "declined-") -> None:
        self._decline_prefix = decline_prefix
        self.receipts: dict[str, Receipt] = {}
        self.attempts: list[str] = []  # idempotency keys of every call, to prove how often we asked

    async def charge(self, *, idempotency_key: str, account_id: str, amount_cny: int, description: str) -> Receipt:
        self.attempts.append(idempotency_key)
        if self._decline_prefix and account_id.startswith(self._decline_prefix):
            raise PaymentFailed("card declined")
        if idempotency_key not in self.receipts:
            self.receipts[idempotency_key] = Receipt(f"fake-pay-{len(self.receipts) + 1}", amount_cny)
        return self.receipts[idempotency_key]
