"""The platform's real-name directory (EMP-7): a Protocol and the deterministic fake."""
from __future__ import annotations

import hashlib
import hmac
from typing import Protocol

from employee_accounts.domain.values import canonical_national_id


class IdentityDirectory(Protocol):
    """The platform's real-name service: the identity_ref it gives accounts of one person (EMP-7)."""

    def identity_ref_of(self, national_id: str) -> str: ...


class FakeIdentityDirectory:
    """Deterministic stand-in for the platform's keyed identity reference."""

    KEY = b"fake-platform-identity-directory"

    def identity_ref_of(self, national_id: str) -> str:
        normalised = canonical_national_id(national_id)
        return "idref-" + hmac.new(self.KEY, normalised.encode(), hashlib.sha256).hexdigest()[:32]
