"""NOTE-4 over HTTP: the inbox (cursor pages, unread count, read), preferences, delivery status,
and tenancy (X-3): a recipient sees only their own; endpoints only for one's own shops and enterprises."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from notifier.orm import webhook_endpoints
from trust_common.auth import Role
from trust_common.contracts import certification as cert
from trust_common.contracts import employee_accounts as emp
from trust_common.schema import outbox
from trust_common.testing.services import eventually

from tests.notifier.flows import register_endpoint


def submitted(stack, account_id: str, number: int = 1) -> cert.ApplicationSubmitted:
    return cert.ApplicationSubmitted(application_id=f"app-{uuid.uuid4().hex[:8]}", account_id=account_id,
                                     certification_type=cert.CertificationType.PERSONAL, channel=cert.Channel.PC,
                                     submission_number=number, fee_charged_cny=0,
                                     review_due_at=stack.clock.now() + timedelta(days=2))


async def _count(stack, account_id: str, n: int):
    items = await stack.inbox(account_id)
    return items if len(items) >= n else None


async def test_the_inbox_pages_by_cursor_counts_unread_and_marks_read(stack):
    """NOTE-4: cursor pagination newest first, unread count, mark one read, mark all read."""
    holder = await stack.account(locale="zh-CN")
    for _ in range(3):
        await stack.publish(submitted(stack, holder))
    await eventually(lambda: _count(stack, holder, 3))
    async with stack.client(holder) as client:
        first = (await client.get("/v1/inbox", params={"limit": 2})).json()
        second = (await client.get("/v1/inbox", params={"limit": 2, "cursor": first["next_cursor"]})).json()
        assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next_cursor"] is None
        ids = [i["id"] for i in first["items"] + second["items"]]
        assert len(set(ids)) == 3 and first["items"][0]["title"] == "认证申请已提交"
        assert (await client.get("/v1/inbox/unread-count")).json() == {"unread": 3}
        read = await client.post(f"/v1/inbox/{ids[0]}/read")
        assert read.status_code == 200 and read.json()["read_at"] is not None
        assert (await client.get("/v1/inbox/unread-count")).json() == {"unread": 2}
        assert [i["id"] for i in (await client.get("/v1/inbox", params={"unread": True})).json()["items"]] == ids[1:]
        assert (await client.post("/v1/inbox/read-all")).json() == {"marked": 2}
        assert (await client.get("/v1/inbox/unread-count")).json() == {"unread": 0}
        bad = await client.get("/v1/inbox", params={"cursor": "garbage!"})
        assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"


async def test_one_recipient_cannot_read_or_mark_another_recipients_inbox(stack):
    """X-3, NOTE-4: the inbox is the caller's own; someone else's entry is a 404."""
    alice, bob = await stack.account(), await stack.account()
    await stack.publish(submitted(stack, alice))
    [entry] = await eventually(lambda: stack.inbox(alice))
    assert await stack.inbox(bob) == []
    async with stack.client(bob) as client:
        assert (await client.post(f"/v1/inbox/{entry['id']}/read")).status_code == 404
        assert (await client.get(f"/v1/notifications/{entry['id']}/deliveries")).status_code == 404
        assert (await client.get("/v1/inbox/unread-count")).json() == {"unread": 0}
    async with stack.service.client("no-account", Role.SUPPORT) as client:
        assert (await client.get("/v1/inbox")).status_code == 403


async def test_delivery_status_per_channel_is_readable_by_the_recipient_and_support(stack):
    """NOTE-4: delivery status per notification and channel."""
    holder = await stack.account()
    await stack.publish(submitted(stack, holder))
    [entry] = await eventually(lambda: stack.inbox(holder))

    async def statuses(client):
        response = await client.get(f"/v1/notifications/{entry['id']}/deliveries")
        assert response.status_code == 200
        found = {d["channel"]: d["status"] for d in response.json()}
        return found if found.get("email") == "delivered" else None

    async with stack.client(holder) as client:
        assert await eventually(lambda: statuses(client)) == {"inbox": "delivered", "email": "delivered"}
    async with stack.service.client("ops", Role.SUPPORT) as client:
        assert await statuses(client) == {"inbox": "delivered", "email": "delivered"}


async def test_a_muted_channel_skips_non_critical_kinds_but_never_critical_ones(stack):
    """NOTE-4: mute email for everything non-critical; a deadline still arrives by email."""
    holder = await stack.account()
    async with stack.client(holder) as client:
        refused = await client.put("/v1/preferences/mutes", json={"channel": "email", "kind": "window.reminder"})
        assert refused.status_code == 422 and refused.json()["rule"] == "NOTE-4"
        webhook = await client.put("/v1/preferences/mutes", json={"channel": "webhook"})
        assert webhook.status_code == 422 and webhook.json()["rule"] == "NOTE-4"
        muted = await client.put("/v1/preferences/mutes", json={"channel": "email"})
        assert muted.json() == {"muted": [{"channel": "email", "kind": "*"}]}
        assert (await client.get("/v1/preferences")).json() == muted.json()
    await stack.publish(submitted(stack, holder))  # non-critical: inbox only
    await stack.publish(cert.ApplicationFailed(  # critical: inbox and email
        application_id="app-f", account_id=holder, certification_type=cert.CertificationType.PERSONAL,
        reason=cert.FailureReason.CORRECTION_DEADLINE_MISSED, reopen_deadline=stack.clock.now() + timedelta(days=30)))
    await eventually(lambda: _count(stack, holder, 3))
    await eventually(lambda: _mails(stack, holder, 2))
    assert sorted(str(m["Subject"]) for m in stack.mails_to(holder)) == [
        "Certification review: failed", "You can resubmit within 30 days"]
    statuses = {(d.kind, d.channel): d.status for d in await stack.deliveries(recipient=holder)}
    assert statuses[("certification.submitted", "email")] == "muted"
    async with stack.client(holder) as client:
        unmuted = await client.put("/v1/preferences/mutes", json={"channel": "email", "muted": False})
        assert unmuted.json() == {"muted": []}


async def _mails(stack, account_id: str, n: int):
    mails = stack.mails_to(account_id)
    return mails if len(mails) >= n else None


async def test_endpoints_belong_to_ones_own_shops_and_enterprises(stack):
    """X-3, NOTE-4: wrong role → 403; a foreign shop or endpoint → 404; listing shows only one's own."""
    merchant, other = await stack.account(), await stack.account()
    shop_id = f"shop-{uuid.uuid4().hex[:8]}"
    _, endpoint = await register_endpoint(stack, merchant, shop_id=shop_id)
    async with stack.client(other, Role.CREATOR) as creator:
        assert (await creator.post("/v1/webhook-endpoints", json={"url": "http://x.test", "shop_id": shop_id})
                ).status_code == 403
    async with stack.client(other, Role.MERCHANT, shop_ids=["shop-of-other"]) as foreign:
        register = await foreign.post("/v1/webhook-endpoints", json={"url": "http://x.test", "shop_id": shop_id})
        assert register.status_code == 404
        assert (await foreign.post(f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret")).status_code == 404
        assert (await foreign.delete(f"/v1/webhook-endpoints/{endpoint['id']}")).status_code == 404
        assert (await foreign.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries")).status_code == 404
        assert (await foreign.get("/v1/webhook-endpoints")).json()["items"] == []
        both = await foreign.post("/v1/webhook-endpoints", json={"url": "http://x.test"})
        assert both.status_code == 422
    async with stack.client(merchant, Role.MERCHANT, shop_ids=[shop_id]) as owner:
        listed = (await owner.get("/v1/webhook-endpoints")).json()["items"]
        assert [e["id"] for e in listed] == [endpoint["id"]] and "secret" not in listed[0]
        disabled = await owner.delete(f"/v1/webhook-endpoints/{endpoint['id']}")
        assert disabled.status_code == 200 and disabled.json()["active"] is False
    async with stack.service.runtime.sessions() as session:
        stored = (await session.execute(select(webhook_endpoints.c.secrets).where(
            webhook_endpoints.c.id == endpoint["id"]))).scalar_one()
        published = set((await session.execute(select(outbox.c.event_type).where(
            outbox.c.message_key == endpoint["id"]))).scalars())
    assert endpoint["secret"] not in str(stored)  # sealed at rest
    assert published == {"notifier.webhook_endpoint.registered", "notifier.webhook_endpoint.disabled"}


async def test_an_enterprise_admin_gets_certification_and_invitation_webhooks(stack):
    """NOTE-4: the enterprise's endpoint receives its notices, signed."""
    enterprise, invitee = await stack.account(), await stack.account()
    path, endpoint = await register_endpoint(stack, enterprise, enterprise_id=enterprise)
    await stack.publish(emp.InvitationSent(invitation_id=f"inv-{uuid.uuid4().hex[:6]}", enterprise_id=enterprise,
                                           personal_account_id=invitee, modules=["live"],
                                           expires_at=stack.clock.now() + timedelta(hours=48)))
    [hook] = await eventually(lambda: _received(stack, path))
    assert hook.verified and hook.json["tenant"] == {"kind": "enterprise", "id": enterprise}
    async with stack.client(enterprise, Role.ENTERPRISE_ADMIN, enterprise_ids=[enterprise]) as admin:
        page = await eventually(lambda: _delivered_page(admin, endpoint["id"]))
        assert page[0]["channel"] == "webhook"


async def _received(stack, path):
    return stack.receiver.at(path)


async def _delivered_page(client, endpoint_id):
    items = (await client.get(f"/v1/webhook-endpoints/{endpoint_id}/deliveries")).json()["items"]
    return items if items and items[0]["status"] == "delivered" else None
