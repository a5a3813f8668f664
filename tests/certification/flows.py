"""Flows for integration tests: accounts in the projection, clients per role, common journeys."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import func, select

from certification.orm import fee_ledger, sister_app_certifications
from trust_common.auth import Role
from trust_common.contracts.platform import (
    AccountRegistered,
    AccountSnapshot,
    SisterAppCertificationChanged,
    SisterAppProfile,
)
from trust_common.events import EventEnvelope
from trust_common.platform import PlatformPublisher
from trust_common.projections import project_account
from trust_common.schema import outbox
from trust_common.testing.platform import account_snapshot, new_id
from trust_common.testing.services import ServiceUnderTest, eventually

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BRAND = "Acme Coffee"


async def seed_account(service: ServiceUnderTest, account_id: str | None = None, *,
                       username: str = f"{BRAND} Official", avatar_url: str = "https://img/a.png",
                       sequence: int = 1, **facts: object) -> AccountSnapshot:
    """Put an account in the service's platform projection as the consumer would (a later `sequence`
    replaces an earlier snapshot of the same account)."""
    account = account_snapshot(account_id or new_id("acc"), username=username, country="CN",
                               avatar_url=avatar_url, **facts)
    envelope = EventEnvelope.wrap(AccountRegistered(account_id=account.account_id, account=account),
                                  source="platform", sequence=sequence, occurred_at=service.clock.now())
    async with service.runtime.uow() as uow:
        await project_account(envelope.parse(), envelope, uow)  # type: ignore[arg-type]
        await uow.commit()
    return account


def sister_login(sister_account_id: str) -> list[dict[str, str]]:
    """CERT-9: the account's login methods include this sister-app account."""
    return [{"kind": "sister_app", "reference": sister_account_id}]


async def sister_certification(platform: PlatformPublisher, service: ServiceUnderTest, reference: str,
                               sister_account_id: str, valid_until: datetime, *, status: str = "active",
                               username: str = f"{BRAND} Toutiao", avatar_url: str = "https://tt/a.png") -> None:
    """Publish the sister app's certification fact on the real bus and wait until the service projected it."""
    envelope = await platform.publish(SisterAppCertificationChanged(
        reference=reference, sister_account_id=sister_account_id, status=status, valid_until=valid_until,
        enterprise_name="Acme Coffee Co., Ltd.", display_name=BRAND,
        profile=SisterAppProfile(username=username, avatar_url=avatar_url)))

    async def projected() -> bool:
        async with service.runtime.sessions() as session:
            sequence = (await session.execute(select(sister_app_certifications.c.sequence).where(
                sister_app_certifications.c.reference == reference))).scalar()
        return sequence is not None and sequence >= envelope.sequence

    await eventually(projected)


def holder(service: ServiceUnderTest, account_id: str) -> httpx.AsyncClient:
    return service.client(f"user-{account_id}", Role.ACCOUNT_HOLDER, account_id=account_id)


def auditor(service: ServiceUnderTest, name: str | None = None) -> httpx.AsyncClient:
    return service.client(name or new_id("auditor"), Role.AUDITOR)


async def enterprise_draft(client: httpx.AsyncClient, *, channel: str = "pc") -> dict:
    """An enterprise application with its two required documents uploaded."""
    response = await client.post("/v1/applications", json={
        "certification_type": "enterprise", "channel": channel,
        "fields": {"enterprise_name": "Acme Coffee Co., Ltd.", "display_name": BRAND}})
    assert response.status_code == 201, response.text
    app = response.json()
    for kind in ("business_licence", "certification_letter"):
        uploaded = await client.put(f"/v1/applications/{app['id']}/documents/{kind}", content=PDF)
        assert uploaded.status_code == 201, uploaded.text
    return app


async def submitted_enterprise(service: ServiceUnderTest, account_id: str | None = None) -> tuple[str, str]:
    """A fresh account with a submitted enterprise application: (account_id, application_id)."""
    account = await seed_account(service, account_id)
    async with holder(service, account.account_id) as client:
        app = await enterprise_draft(client)
        response = await client.post(f"/v1/applications/{app['id']}/submit")
        assert response.status_code == 200, response.text
    return account.account_id, app["id"]


async def claimed(service: ServiceUnderTest, application_id: str, auditor_name: str) -> None:
    async with auditor(service, auditor_name) as client:
        response = await client.post(f"/v1/reviews/{application_id}/claim")
        assert response.status_code == 200, response.text


async def event_types(service: ServiceUnderTest, application_id: str) -> list[str]:
    """The events written for an application, in order (X-2: through the outbox)."""
    async with service.runtime.sessions() as session:
        rows = await session.execute(select(outbox.c.event_type).where(outbox.c.message_key == application_id)
                                     .order_by(outbox.c.id))
        return [r[0] for r in rows]


async def event_data(service: ServiceUnderTest, aggregate_id: str, event_type: str) -> list[dict]:
    """The data of the events of one type written for an aggregate, in order (through the outbox)."""
    async with service.runtime.sessions() as session:
        rows = await session.execute(select(outbox.c.envelope).where(
            outbox.c.message_key == aggregate_id, outbox.c.event_type == event_type).order_by(outbox.c.id))
        return [r[0]["data"] for r in rows]


async def ledger_lines(service: ServiceUnderTest, application_id: str) -> int:
    async with service.runtime.sessions() as session:
        return (await session.execute(select(func.count()).select_from(fee_ledger).where(
            fee_ledger.c.application_id == application_id))).scalar_one()


def stored_files(service: ServiceUnderTest) -> set[str]:
    return {p.name for p in Path(service.settings.document_dir).iterdir()} if Path(
        service.settings.document_dir).exists() else set()
