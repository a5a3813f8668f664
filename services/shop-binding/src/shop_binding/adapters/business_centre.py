"""The business centre (TikTok For Business) behind an adapter: verifying its proofs of control (LINK-1).

When a user signs in to the business centre, it issues a signed assertion that this platform account
controls that business-centre account: HMAC-SHA256 with a key shared with us over the message
"<platform_account_id>.<business_centre_account_id>.<issued_at>" (issued_at in unix seconds), as lowercase
hex. We accept it for 10 minutes (and up to a minute early, for clock skew).

`HmacBusinessCentreVerifier` is the real verifier. No fake verifier is needed: locally and in tests the
business centre's side is `sign_assertion` with the development key, refused outside development and
test (Settings).
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Protocol

from shop_binding.domain.errors import BusinessCentreControlNotProven
from shop_binding.domain.links import ControlProof

MAX_AGE = timedelta(minutes=10)
CLOCK_SKEW = timedelta(minutes=1)


def assertion_message(platform_account_id: str, business_centre_account_id: str, issued_at: int) -> bytes:
    return f"{platform_account_id}.{business_centre_account_id}.{issued_at}".encode()


def sign_assertion(key: bytes, platform_account_id: str, business_centre_account_id: str, issued_at: int) -> str:
    """What the business centre computes (also used by tests and local tools)."""
    return hmac.new(key, assertion_message(platform_account_id, business_centre_account_id, issued_at),
                    hashlib.sha256).hexdigest()


class BusinessCentreVerifier(Protocol):
    """LINK-1: checks a control proof for one pair; raises BusinessCentreControlNotProven when it is missing,
    stale or forged."""

    def verify(self, proof: ControlProof | None, *, platform_account_id: str, business_centre_account_id: str,
               now: datetime) -> None: ...


class HmacBusinessCentreVerifier:
    """The BusinessCentreVerifier of the shared-key HMAC assertion."""

    def __init__(self, key: bytes, *, max_age: timedelta = MAX_AGE, skew: timedelta = CLOCK_SKEW) -> None:
        if not key:
            raise ValueError("the business-centre assertion key is empty")
        self._key = key
        self._max_age = max_age
        self._skew = skew

    def verify(self, proof: ControlProof | None, *, platform_account_id: str, business_centre_account_id: str,
               now: datetime) -> None:
        if proof is None:
            raise BusinessCentreControlNotProven(
                "missing", "a proof of control from the business centre (control_proof) is required")
        expected = sign_assertion(self._key, platform_account_id, business_centre_account_id, proof.issued_at)
        if not hmac.compare_digest(expected.encode(), proof.signature.lower().encode()):
            raise BusinessCentreControlNotProven(
                "forged", "the proof of control does not verify for this platform and business-centre account")
        age = int(now.timestamp()) - proof.issued_at
        if age > self._max_age.total_seconds() or age < -self._skew.total_seconds():
            raise BusinessCentreControlNotProven(
                "stale", f"the proof of control must be issued within {int(self._max_age.total_seconds() // 60)} "
                         "minutes; sign in to the business centre again")
