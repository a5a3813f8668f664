"""Commands: what callers ask the certification service to do."""
from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from certification.domain.states import Actor
from trust_common.contracts.certification import CancelledBy, CertificationType, Channel, DocumentKind, RejectionReason


@dataclass(frozen=True)
class StartApplication:
    actor: Actor
    account_id: str
    certification_type: CertificationType
    channel: Channel
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class UpdateFields:
    actor: Actor
    account_id: str
    application_id: str
    fields: dict[str, str]


@dataclass(frozen=True)
class UploadDocument:
    actor: Actor
    account_id: str
    application_id: str
    kind: DocumentKind
    content: AsyncIterator[bytes]


@dataclass(frozen=True)
class SubmitApplication:
    actor: Actor
    account_id: str
    application_id: str


@dataclass(frozen=True)
class ReopenApplication:
    actor: Actor
    account_id: str
    application_id: str


@dataclass(frozen=True)
class RenewCertification:
    actor: Actor
    account_id: str
    application_id: str
    channel: Channel


@dataclass(frozen=True)
class SyncFromSisterApp:
    actor: Actor
    account_id: str
    source_reference: str


@dataclass(frozen=True)
class CancelCertification:
    actor: Actor
    application_id: str
    by: CancelledBy
    account_id: str | None = None  # None: support acts on any account


@dataclass(frozen=True)
class ClaimReview:
    auditor: Actor
    application_id: str | None = None  # None: the next one by SLA due time
    # CERT-5/6: the accounts the reviewing principal acts for (its own, its enterprises): never reviewed by it
    identities: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ApproveApplication:
    auditor: Actor
    application_id: str
    identities: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RejectApplication:
    auditor: Actor
    application_id: str
    reasons: list[RejectionReason]
    identities: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OpenEnterpriseAccount:
    actor: Actor
    account_id: str
    channel: Channel
