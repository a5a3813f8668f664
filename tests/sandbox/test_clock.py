"""Sandbox test clocks across the four services (issue 15 items 1 and 8): one advance moves every
service's time, fires the timers then due and returns only when their consequences settled."""
from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import select

from trust_common.auth import Role
from trust_common.cli import clock as clock_cli
from trust_common.clock import ManualClock
from trust_common.http import create_api
from trust_common.runtime import Runtime
from trust_common.sandbox import ClockNotSettled, SandboxClock, advance, parse_duration
from trust_common.schema import outbox
from trust_common.settings import CommonSettings
from trust_common.testing.platform import ProjectedPlatform, account_snapshot, shop_snapshot
from trust_common.testing.services import ServiceUnderTest, eventually

ADVANCE = "/v1/sandbox/clock/advance"


def admin(service: ServiceUnderTest) -> httpx.AsyncClient:
    return service.client("sandbox-admin", Role.SANDBOX_ADMIN)


async def inbox(notifier: ServiceUnderTest, account_id: str) -> list[dict[str, Any]]:
    async with notifier.client(account_id, Role.ACCOUNT_HOLDER, account_id=account_id) as client:
        response = await client.get("/v1/inbox")
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def event_types(service: ServiceUnderTest, key: str) -> list[str]:
    async with service.runtime.sessions() as session:
        return list((await session.execute(select(outbox.c.event_type).where(
            outbox.c.message_key == key).order_by(outbox.c.id))).scalars())


async def test_advancing_49_hours_lapses_a_shop_invitation_with_its_reminders_and_notice_before_it_returns(sandbox):
    """SHOP-6 and NOTE-1 through the sandbox clock: reminders at 24 h and 2 h before close, the lapse,
    and the merchant's lapse notice have all happened — once — when the operation answers."""
    shop_binding, notifier = sandbox.services["shop_binding"], sandbox.services["notifier"]
    platform = ProjectedPlatform(sandbox.publisher, [shop_binding, notifier])
    shop = await ProjectedPlatform(sandbox.publisher, [shop_binding]).shop(shop_snapshot())  # notifier: no shops
    await platform.account(account_snapshot(shop.owner_account_id, email=f"{shop.owner_account_id}@example.test"))
    creator = await platform.account(account_snapshot(email="creator@example.test"))
    async with shop_binding.client(f"merchant-{shop.owner_account_id}", Role.MERCHANT,
                                   account_id=shop.owner_account_id, shop_ids=[shop.shop_id]) as merchant:
        response = await merchant.post(f"/v1/shops/{shop.shop_id}/invitations",
                                       json={"creator_account_id": creator.account_id, "role": "official"})
    assert response.status_code == 201, response.text
    invitation = response.json()["invitation_id"]
    # The prompt travels through Kafka before we move time: that part is not the clock's.
    await eventually(lambda: inbox(notifier, creator.account_id))
    base_before = sandbox.base.now()

    async with admin(sandbox.services["certification"]) as client:
        moved = await client.post(ADVANCE, json={"by": "49h"})
    assert moved.status_code == 200, moved.text

    # No polling from here on: the answer came only after everything settled.
    body = moved.json()
    assert body["offset_seconds"] == 49 * 3600
    assert sorted(s["service"] for s in body["services"]) == [
        "certification", "employee-accounts", "notifier", "shop-binding"]
    assert sandbox.base.now() == base_before  # the base clock is not touched: the offset is on top
    for service in sandbox.services.values():
        assert service.runtime.clock.now() == base_before + timedelta(hours=49)
    assert await event_types(shop_binding, invitation) == [
        "shop-binding.invitation.sent", "shop-binding.invitation.lapsed"]
    creators = await inbox(notifier, creator.account_id)
    assert [i["kind"] for i in creators] == ["window.reminder", "window.reminder", "window.prompt"]
    assert sorted("24 h" in i["title"] or "2 h" in i["title"] for i in creators[:2]) == [True, True]
    merchants = await inbox(notifier, shop.owner_account_id)
    assert [i["kind"] for i in merchants] == ["window.lapsed"]
    assert merchants[0]["created_at"] >= max(i["created_at"] for i in creators[:2])

    # Once: a further advance fires nothing again, and time never goes back.
    async with admin(sandbox.services["notifier"]) as client:
        again = await client.post(ADVANCE, json={"by": "1h"})
        shown = await client.get("/v1/sandbox/clock")
    assert again.status_code == 200 and again.json()["offset_seconds"] == 50 * 3600
    assert shown.json()["offset_seconds"] == 50 * 3600
    assert [i["kind"] for i in await inbox(notifier, creator.account_id)] == [i["kind"] for i in creators]
    assert [i["kind"] for i in await inbox(notifier, shop.owner_account_id)] == ["window.lapsed"]
    assert await event_types(shop_binding, invitation) == [
        "shop-binding.invitation.sent", "shop-binding.invitation.lapsed"]


async def test_the_cli_shows_and_advances_every_services_time(sandbox, monkeypatch, capsys):
    monkeypatch.setenv("TRUST_KAFKA_BOOTSTRAP", sandbox.settings.kafka_bootstrap)
    monkeypatch.setenv("TRUST_TOPIC_PREFIX", sandbox.settings.topic_prefix)
    await asyncio.to_thread(clock_cli.main, ["show"])
    before = sandbox.services["shop_binding"].runtime.clock.now()
    await asyncio.to_thread(clock_cli.main, ["advance", "10d"])
    out = capsys.readouterr().out
    assert '"service": "notifier"' in out
    for service in sandbox.services.values():
        assert service.runtime.clock.now() == before + timedelta(days=10)


async def test_only_a_sandbox_admin_moves_time_and_bad_durations_are_problems(sandbox):
    service = sandbox.services["employee_accounts"]
    before = service.runtime.clock.now()
    async with service.client() as anonymous:
        assert (await anonymous.post(ADVANCE, json={"by": "1h"})).status_code == 401
        assert (await anonymous.get("/v1/sandbox/clock")).status_code == 401
    async with service.client("support-agent", Role.SUPPORT) as support:
        refused = await support.post(ADVANCE, json={"by": "1h"})
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    async with admin(service) as client:
        for bad in ("-1h", "0h", "49", "soon", "4000d", "1h; drop table"):
            answer = await client.post(ADVANCE, json={"by": bad})
            assert answer.status_code == 400, (bad, answer.text)
            assert answer.json()["rule"] == "SANDBOX-1"
        assert (await client.post(ADVANCE, json={"by": 49})).status_code == 422
    assert service.runtime.clock.now() == before


def test_durations():
    assert parse_duration("49h") == timedelta(hours=49)
    assert parse_duration("1d12h30m5s") == timedelta(days=1, hours=12, minutes=30, seconds=5)
    for bad in ("", "h", "1x", "-2d", "0s", "3651d"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_production_refuses_the_sandbox_clock_setting_and_has_no_route():
    production: dict[str, Any] = {"environment": "production", "jwt_secret": "p" * 64,
                  "database_url": "postgresql+asyncpg://trust:a-real-password@db.internal/trust"}
    with pytest.raises(ValidationError, match="TRUST_SANDBOX_CLOCK"):
        CommonSettings(**production, sandbox_clock=True)
    settings = CommonSettings(**production)
    runtime = Runtime.build(settings)
    app = create_api(runtime, title="t", description="d", routers=[])
    assert not isinstance(runtime.clock, SandboxClock)
    assert not [r for r in app.routes if getattr(r, "path", "").startswith("/v1/sandbox")]


def test_outside_development_the_sandbox_clock_is_off_unless_asked_for():
    assert CommonSettings(environment="development").sandbox_clock_enabled
    assert not CommonSettings(environment="test").sandbox_clock_enabled
    assert CommonSettings(environment="test", sandbox_clock=True).sandbox_clock_enabled


async def test_a_service_that_never_answers_makes_a_clear_timeout_naming_it(sandbox):
    with pytest.raises(ClockNotSettled, match="no answer from ghost") as raised:
        await advance(sandbox.settings, timedelta(minutes=1), services=[*clock_cli_services(), "ghost"], timeout=3)
    assert raised.value.status == 504 and raised.value.extensions["missing"] == ["ghost"]


def clock_cli_services() -> list[str]:
    return list(CommonSettings(environment="test").sandbox_clock_services)


def test_the_clock_never_moves_backward_and_keeps_its_base():
    base = ManualClock()
    clock = SandboxClock(base)
    clock.move_to(timedelta(hours=49))
    clock.move_to(timedelta(hours=1))  # a late or replayed advance
    assert clock.now() == base.now() + timedelta(hours=49)
    base.advance(minutes=5)  # a test's own clock still moves underneath
    assert clock.now() == base.now() + timedelta(hours=49)
