"""Builders for pure domain tests: accounts, applications in a given state, a fixed calendar."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from certification.domain.application import Application
from certification.domain.calendar import WorkingCalendar
from certification.domain.records import Document
from certification.domain.states import Actor
from trust_common.contracts.certification import (
    CertificationType,
    Channel,
    DocumentKind,
    ReasonCode,
    RejectionReason,
)
from trust_common.contracts.platform import AccountSnapshot

MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
HOLDER = Actor("acc-holder", "holder")
AUDITOR = Actor("auditor-1", "auditor")
OTHER_AUDITOR = Actor("auditor-2", "auditor")
LEASE = timedelta(minutes=30)
CALENDAR = WorkingCalendar()
ENTERPRISE_FIELDS = {"enterprise_name": "Acme Coffee Co., Ltd.", "display_name": "Acme Coffee"}


def profile(username: str = "Acme Coffee Official", **changes: object) -> AccountSnapshot:
    facts = {"account_id": "acc-holder", "username": username, "avatar_url": "https://img/1.png", "country": "CN"}
    return AccountSnapshot.model_validate({**facts, **changes})


def document(app: Application, kind: DocumentKind, now: datetime = MONDAY) -> Document:
    return Document(str(uuid.uuid4()), app.id, kind, str(uuid.uuid4()), "application/pdf", 100, "0" * 64, now)


def draft(kind: CertificationType = CertificationType.ENTERPRISE, now: datetime = MONDAY) -> Application:
    fields = ENTERPRISE_FIELDS if kind == CertificationType.ENTERPRISE else (
        {"title": "Musician"} if kind == CertificationType.PERSONAL else {})
    return Application.start("acc-holder", kind, Channel.PC, dict(fields), HOLDER, now, profile=profile(),
                             open_exists=False)


def complete(app: Application, now: datetime = MONDAY) -> Application:
    kinds = {CertificationType.ENTERPRISE: [DocumentKind.BUSINESS_LICENCE, DocumentKind.CERTIFICATION_LETTER],
             CertificationType.PERSONAL: [DocumentKind.PROFESSIONAL_PROOF], CertificationType.REAL_NAME: []}
    for kind in kinds[app.certification_type]:
        app.attach_document(document(app, kind, now), HOLDER, now)
    return app


def submitted(kind: CertificationType = CertificationType.ENTERPRISE, now: datetime = MONDAY) -> Application:
    app = complete(draft(kind, now), now)
    app.submit(profile(real_name_verified=True), CALENDAR, HOLDER, now)
    return app


def in_review(kind: CertificationType = CertificationType.ENTERPRISE, now: datetime = MONDAY) -> Application:
    app = submitted(kind, now)
    app.claim(AUDITOR, now, LEASE)
    return app


def certified(kind: CertificationType = CertificationType.ENTERPRISE, now: datetime = MONDAY) -> Application:
    app = in_review(kind, now)
    app.approve(AUDITOR, now)
    return app


def reason(code: ReasonCode = ReasonCode.UNREADABLE, target: str = "business_licence") -> RejectionReason:
    return RejectionReason(target=target, target_kind="document", code=code)


def events_of(app: Application) -> list[str]:
    return [type(e).__name__ for e in app.pull_events()]
