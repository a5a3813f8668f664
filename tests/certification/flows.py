"""Flows for integration tests: accounts in the projection, clients per role, common journeys."""
from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import func, select

from certification.orm import fee_ledger
from trust_common.auth import Role
from trust_common.contracts.platform import AccountRegistered, AccountSnapshot
from trust_common.events import EventEnvelope
from trust_common.projections import project_account
from trust_common.schema import outbox
from trust_common.testing.platform import account_snapshot, new_id
from trust_common.testing.services import ServiceUnderTest

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BRAND = "Acme Coffee"


async def seed_account(service: ServiceUnderTest, account_id: str | None = None, *,
                       username: str = f"{BRAND} Official", **facts: object) -> AccountSnapshot:
    """Put an account in the service's platform projection as the consumer would."""
    account = account_snapshot(account_id or new_id("acc"), username=username, country="CN",
                               avatar_url="https://img/a.png", **facts)
    envelope = EventEnvelope.wrap(AccountRegistered(account_id=account.account_id, account=account),
                                  source="platform", sequence=1, occurred_at=service.clock.now())
    async with service.runtime.uow() as uow:
        await project_account(envelope.parse(), envelope, uow)  # type: ignore[arg-type]
        await uow.commit()
    return account


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


async def ledger_lines(service: ServiceUnderTest, application_id: str) -> int:
    async with service.runtime.sessions() as session:
        return (await session.execute(select(func.count()).select_from(fee_ledger).where(
            fee_ledger.c.application_id == application_id))).scalar_one()


def stored_files(service: ServiceUnderTest) -> set[str]:
    return {p.name for p in Path(service.settings.document_dir).iterdir()} if Path(
        service.settings.document_dir).exists() else set()
