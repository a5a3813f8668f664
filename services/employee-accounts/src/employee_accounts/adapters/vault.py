"""Personal data at rest (X-4): sealed by the shared `Sealer` (AES-256-GCM under rotatable key ids, the kind bound
as associated data), beside a keyed HMAC for lookups and a masked form for display."""
from __future__ import annotations

import hashlib
import hmac

from employee_accounts.domain.values import SealedRecord, SealedValue, canonical_national_id, mask
from employee_accounts.settings import Settings
from trust_common.sealing import Sealed, Sealer

# The kinds of personal data, bound to their ciphertexts: one does not open as another.
NATIONAL_ID = "national_id"
PHONE = "phone"
FACE_CHECK = "face_check"  # a face-check result (outcome and score), sealed as a whole


class PersonalDataVault:
    """Seals and opens personal data; several keys may open, only the active one seals."""

    def __init__(self, sealer: Sealer, hash_key: bytes) -> None:
        self._sealer = sealer
        self._hash_key = hash_key

    @classmethod
    def from_settings(cls, settings: Settings) -> PersonalDataVault:
        return cls(Sealer.from_settings(settings.pii_keys, settings.pii_active_key_id),
                   settings.pii_hash_key.get_secret_value().encode())

    def lookup_hash(self, kind: str, value: str) -> str:
        """Keyed hash of a normalised value; `kind` keeps IDs and phones in separate spaces."""
        normalised = canonical_national_id(value) if kind == NATIONAL_ID else "".join(value.split()).upper()
        return hmac.new(self._hash_key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()

    def seal(self, kind: str, value: str) -> SealedValue:
        """Encrypt with the active key, with the lookup hash and the masked form beside it."""
        record = self.seal_record(kind, value)
        return SealedValue(ciphertext=record.ciphertext, key_id=record.key_id,
                           lookup_hash=self.lookup_hash(kind, value), masked=mask("".join(value.split())))

    def seal_record(self, kind: str, value: str) -> SealedRecord:
        """Encrypt only: no lookup hash, no masked form (e.g. a face-check result, X-4, whose few possible
        values a hash or a mask would give away)."""
        sealed = self._sealer.seal(kind, value)
        return SealedRecord(ciphertext=sealed.ciphertext, key_id=sealed.key_id)

    def open(self, kind: str, ciphertext: bytes, key_id: str) -> str:
        """Decrypt with the key the value was sealed with (rotation keeps old keys readable)."""
        return self._sealer.open(kind, Sealed(ciphertext=ciphertext, key_id=key_id))

    def reseal(self, kind: str, ciphertext: bytes, key_id: str) -> SealedValue:
        """Re-encrypt under the active key (key rotation)."""
        return self.seal(kind, self.open(kind, ciphertext, key_id))
