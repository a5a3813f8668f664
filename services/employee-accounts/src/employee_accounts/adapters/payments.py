"""The payments provider (EMP-15 showcase deposit): a Protocol and the deterministic fake."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Protocol


class Payments(Protocol):
    """Collects the showcase goods deposit (EMP-15)."""

    async def collect_deposit(self, *, account_id: str, amount_cny: int, reference: str) -> str: ...


@dataclass
class FakePayments:
    """Deterministic: succeeds with a receipt derived from the reference; remembers what it collected."""

    collected: dict[str, int] = field(default_factory=dict)

    async def collect_deposit(self, *, account_id: str, amount_cny: int, reference: str) -> str:
        self.collected[reference] = amount_cny
        return "rcpt-" + hashlib.sha256(reference.encode()).hexdigest()[:16]
