"""Records an application keeps (its uploaded documents, the lines of its audit trail) and the sister
app's certifications it may be synced from."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from certification.domain.states import Actor
from trust_common.contracts.certification import DocumentKind


class Document:
    """One stored upload; its storage key and content never leave the service (X-4)."""

    def __init__(self, id: str, application_id: str, kind: DocumentKind, storage_key: str, media_type: str,
                 size: int, sha256: str, uploaded_at: datetime, superseded: bool = False) -> None:
        self.id, self.application_id, self.kind = id, application_id, DocumentKind(kind)
        self.storage_key, self.media_type, self.size, self.sha256 = storage_key, media_type, size, sha256
        self.uploaded_at, self.superseded = uploaded_at, superseded


class HistoryEntry:
    """One line of the audit trail (CERT-12): who, when, from → to, what and why."""

    def __init__(self, application_id: str, at: datetime, actor: Actor, action: str, from_status: str | None,
                 to_status: str, reason: dict[str, Any] | None = None) -> None:
        self.id = str(uuid.uuid4())
        self.application_id, self.at, self.action = application_id, at, action
        self.actor_id, self.actor_role = actor.id, actor.role
        self.from_status, self.to_status, self.reason = from_status, to_status, reason or {}


@dataclass(frozen=True)
class SisterCertification:
    """An enterprise certification held in the sister app (Toutiao), as its last event told it (CERT-9)."""

    reference: str
    enterprise_name: str
    display_name: str
    valid_until: datetime
    sister_account_id: str = ""
    status: str = "active"  # SisterAppCertificationStatus: active | cancelled | expired
    profile: dict[str, str] = field(default_factory=dict)  # username, avatar_url, signature

    @property
    def active(self) -> bool:
        return self.status == "active"
