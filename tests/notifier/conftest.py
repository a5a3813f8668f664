"""The notifier against the real stack, a real SMTP sink and a real webhook receiver."""
from __future__ import annotations

import ipaddress
import socket
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from notifier.adapters.egress import EgressGuard, IPAddress, SystemResolver
from notifier.adapters.email import SmtpTransport
from notifier.adapters.smtp_sink import MailSink
from notifier.adapters.webhooks import HttpWebhookTransport
from notifier.handlers.deliveries import ATTEMPT_TIMER
from notifier.handlers.windows import REMINDER_TIMER
from notifier.orm import deliveries
from trust_common.auth import Role
from trust_common.clock import ManualClock
from trust_common.events import EventData, EventEnvelope
from trust_common.platform import PlatformPublisher
from trust_common.schema import timers
from trust_common.testing.platform import ProjectedPlatform, account_snapshot, new_id
from trust_common.testing.services import ServiceUnderTest, eventually

from tests.notifier.receiver import WebhookReceiver


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SteeredResolver:
    """The system resolver, except for names a test points at an address of its choice."""

    def __init__(self) -> None:
        self.names: dict[str, list[str]] = {}

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        if host in self.names:
            return [ipaddress.ip_address(a) for a in self.names[host]]
        return await SystemResolver().resolve(host, port)


@dataclass
class Stack:
    service: ServiceUnderTest
    clock: ManualClock
    sink: MailSink
    receiver: WebhookReceiver
    platform: PlatformPublisher
    resolver: SteeredResolver

    async def account(self, *, locale: str = "en", email: bool = True) -> str:
        """A fresh platform account, projected into the notifier."""
        account_id = new_id("acc")
        await ProjectedPlatform(self.platform, [self.service]).account(account_snapshot(
            account_id, locale=locale, country="VN", email=f"{account_id}@example.test" if email else None))
        return account_id

    async def publish(self, event: EventData, *, event_id: uuid.UUID | None = None) -> EventEnvelope:
        return await self.platform.publish(event, event_id=event_id)

    def client(self, account_id: str, *roles: Role, **claims: Any):  # type: ignore[no-untyped-def]
        return self.service.client(account_id, *(roles or (Role.ACCOUNT_HOLDER,)), account_id=account_id, **claims)

    async def inbox(self, account_id: str) -> list[dict[str, Any]]:
        async with self.client(account_id) as client:
            response = await client.get("/v1/inbox")
        assert response.status_code == 200, response.text
        return response.json()["items"]

    async def inbox_kinds(self, account_id: str) -> list[str]:
        return [item["kind"] for item in await self.inbox(account_id)]

    def mails_to(self, account_id: str) -> list[Any]:
        return [m for m in self.sink.messages() if m["To"] == f"{account_id}@example.test"]

    async def deliveries(self, **where: str) -> list[Any]:
        async with self.service.runtime.sessions() as session:
            stmt = select(deliveries).where(*[deliveries.c[k] == v for k, v in where.items()])
            return list((await session.execute(stmt)).all())

    async def pending_timers(self, kind: str, key_prefix: str) -> list[Any]:
        async with self.service.runtime.sessions() as session:
            return list((await session.execute(select(timers).where(
                timers.c.kind == kind, timers.c.key.startswith(key_prefix), timers.c.status == "pending"))).all())

    async def advance(self, **delta: float) -> None:
        """Move the session's clock and wait until everything that fell due has fired
        (by this call or by the worker's own poller, whichever took each timer)."""
        now = self.clock.advance(**delta)
        assert self.service.worker is not None
        while await self.service.worker.timers.fire_due():
            pass

        async def settled() -> bool:
            async with self.service.runtime.sessions() as session:
                return not (await session.execute(select(timers.c.id).where(
                    timers.c.status == "pending", timers.c.due_at <= now,
                    timers.c.kind.in_([ATTEMPT_TIMER, REMINDER_TIMER])).limit(1))).first()
        await eventually(settled)


@pytest.fixture(scope="session")
async def stack(notifier: ServiceUnderTest, clock: ManualClock, kafka_topics, tmp_path_factory):
    sink = MailSink(tmp_path_factory.mktemp("mail"), port=free_port()).start()
    receiver = await WebhookReceiver(now=clock.now).start()
    # The worker sends through a real SMTP client to this session's sink, and posts to this session's
    # receiver on 127.0.0.1: loopback is let through explicitly, as TRUST_WEBHOOK_ALLOW_LOOPBACK does
    # in development (production refuses it); names resolve through a resolver a test can steer.
    resolver = SteeredResolver()
    guard = EgressGuard(resolver, allow_http=True, allow_loopback=True)
    traces = notifier.runtime.tracer_provider
    notifier.replace_adapters(
        email=SmtpTransport(notifier.settings.model_copy(update={"smtp_port": sink.port}), traces),
        egress=guard, webhooks=HttpWebhookTransport(guard, 5.0, traces))
    await notifier.stop_worker()
    await notifier.start_worker()
    async with PlatformPublisher(kafka_topics) as platform:
        yield Stack(notifier, clock, sink, receiver, platform, resolver)
    await receiver.stop()
    sink.stop()
