"""NOTE-4: each notification reaches each recipient on each channel once — also when an event
arrives twice or the worker dies mid-send; failed webhooks back off, dead-letter and replay."""
from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from prometheus_client import REGISTRY
from sqlalchemy import select

from notifier.adapters.email import Email, SmtpTransport
from notifier.handlers import deliveries as deliveries_handler
from notifier.handlers.deliveries import ATTEMPT_TIMER
from trust_common.auth import Role
from trust_common.schema import inbox, outbox
from trust_common.testing.services import eventually

from tests.notifier.builders import invitation_sent, shop_invitation
from tests.notifier.flows import register_endpoint


async def test_the_same_event_delivered_twice_sends_once_per_channel(stack):
    """NOTE-4: a duplicate event (same id, and a re-publication with a new id) changes nothing."""
    creator, merchant = await stack.account(), await stack.account()
    shop_id = f"shop-{uuid.uuid4().hex[:8]}"
    path, _ = await register_endpoint(stack, merchant, shop_id=shop_id)
    fields = shop_invitation(stack, creator, merchant, shop_id)
    envelope = await stack.publish(invitation_sent(stack, fields))
    await stack.publish(invitation_sent(stack, fields), event_id=envelope.event_id)
    last = await stack.publish(invitation_sent(stack, fields))  # the same fact again under a new event id
    await eventually(lambda: stack.receiver.at(path))
    await eventually(lambda: stack.mails_to(creator))
    # One key, one partition: once the last copy is consumed, so are the others; then every send they
    # could have caused is due now, so settle the timers instead of waiting for a wrong delivery.
    await eventually(lambda: _consumed(stack, last.event_id))
    await stack.advance(seconds=0)
    assert len(await stack.inbox(creator)) == 1
    assert len(stack.mails_to(creator)) == 1
    assert len(stack.receiver.at(path)) == 1
    assert len(await stack.deliveries(recipient=creator)) == 2  # inbox + email


class StallingEmail:
    """An SMTP client that stalls (optionally after sending) until the worker is killed."""

    def __init__(self, inner: SmtpTransport, *, send_first: bool) -> None:
        self.inner, self.send_first = inner, send_first
        self.entered = asyncio.Event()

    async def send(self, email: Email) -> None:
        if self.send_first:
            await self.inner.send(email)
        self.entered.set()
        await asyncio.Event().wait()  # the crash happens here


async def _crash_mid_send(stack, *, send_first: bool) -> tuple[str, str]:
    service = stack.service
    real = service.adapters.email
    stalling = StallingEmail(real, send_first=send_first)
    service.replace_adapters(email=stalling)
    await service.kill_worker()
    await service.start_worker()
    try:
        creator, merchant = await stack.account(), await stack.account()
        await stack.publish(invitation_sent(stack, shop_invitation(stack, creator, merchant, "shop-x")))
        await asyncio.wait_for(stalling.entered.wait(), 30)
        await service.kill_worker()  # dies between claim and mark
    finally:
        service.replace_adapters(email=real)
        await service.start_worker()
    [email] = await stack.deliveries(recipient=creator, channel="email")
    assert email.status == "sending" and email.attempts == 1  # the claim was committed before the send
    return creator, email.id


async def test_a_worker_crash_after_the_claim_and_before_the_send_delivers_once(stack):
    """NOTE-4 (issue 12 item 4): the stale claim is taken over once its short lease ends — seconds
    after the worker's return, not after a minute's lease plus the timers' back-off; one mail arrives."""
    creator, delivery_id = await _crash_mid_send(stack, send_first=False)
    [claimed] = await stack.deliveries(id=delivery_id)
    lease = stack.service.settings.delivery_lease_seconds
    assert lease <= 15  # the lease is renewed while a send runs, so it can be this short
    # The attempt timer is still due (the crash rolled its transaction back): fire it now. Whether this
    # call or the worker's own poller takes it, the attempt meets the live claim and looks again at its end.
    await stack.service.worker.timers.fire_due()
    [held] = await eventually(lambda: _attempt_deferred_to_lease_end(stack, delivery_id, claimed.claimed_until))
    assert held.attempts == 0 and held.last_error is None  # not a failure, so no back-off
    assert stack.mails_to(creator) == []  # the lease holds back a second attempt
    await stack.advance(seconds=lease + 1)  # nothing more: no back-off on top of the lease
    [email] = await eventually(lambda: _delivered(stack, delivery_id))
    assert email.attempts == 2
    assert len(stack.mails_to(creator)) == 1


async def test_a_worker_crash_after_the_send_repeats_it_under_the_same_message_id(stack):
    """NOTE-4: when the worker dies after the receiver accepted the mail but before that was recorded,
    we cannot know it was accepted: the SMTP side may see the mail twice, as one Message-ID (the
    delivery id), so the recipient's mail system keeps one."""
    creator, delivery_id = await _crash_mid_send(stack, send_first=True)
    await stack.advance(seconds=stack.service.settings.delivery_lease_seconds + 1)
    await eventually(lambda: _delivered(stack, delivery_id))
    mails = stack.mails_to(creator)
    assert len(mails) == 2
    assert {str(m["Message-ID"]) for m in mails} == {f"<{delivery_id}@notifier.trust.local>"}
    assert {str(m["X-Trust-Delivery-Id"]) for m in mails} == {delivery_id}


async def test_an_accepted_send_is_recorded_at_once_so_a_crash_after_it_sends_nothing_again(stack, monkeypatch):
    """NOTE-4 (issue 12 item 4: 8 mails were sent twice): the outcome commits the moment the send
    returns, not with the timer's batch; a worker that dies after that, before the batch commits,
    leaves a delivered delivery, and the timer's next run sends nothing."""
    service = stack.service
    recorded = asyncio.Event()
    original = deliveries_handler._record

    async def record_then_die(*args, **kwargs):  # type: ignore[no-untyped-def]
        await original(*args, **kwargs)
        recorded.set()
        await asyncio.Event().wait()  # the crash happens here, before the timer's batch commits

    monkeypatch.setattr(deliveries_handler, "_record", record_then_die)
    await service.kill_worker()
    await service.start_worker()
    try:
        creator, merchant = await stack.account(), await stack.account()
        await stack.publish(invitation_sent(stack, shop_invitation(stack, creator, merchant, "shop-y")))
        await asyncio.wait_for(recorded.wait(), 30)
        await service.kill_worker()
    finally:
        monkeypatch.undo()
        await service.start_worker()
    [email] = await stack.deliveries(recipient=creator, channel="email")
    assert (email.status, email.attempts) == ("delivered", 1)
    # The attempt timer's batch was rolled back: it is due again; firing it sends nothing.
    assert await stack.pending_timers(ATTEMPT_TIMER, f"{email.id}:")
    await stack.advance(seconds=stack.service.settings.delivery_lease_seconds + 1)
    assert not await stack.pending_timers(ATTEMPT_TIMER, f"{email.id}:")
    assert len(stack.mails_to(creator)) == 1


async def _consumed(stack, event_id) -> bool:
    async with stack.service.runtime.sessions() as session:
        return (await session.execute(select(inbox.c.event_id).where(inbox.c.event_id == event_id))).first() is not None


async def _attempt_deferred_to_lease_end(stack, delivery_id: str, claimed_until):
    """The attempt timer ran, met the held claim and scheduled the next look for when it ends."""
    rows = await stack.pending_timers(ATTEMPT_TIMER, f"{delivery_id}:held:")
    return [r for r in rows if r.due_at == claimed_until] or None


async def _with_status(stack, status: str, **where: str):
    rows = await stack.deliveries(**where)
    return rows if rows and all(r.status == status for r in rows) else None


async def _delivered(stack, delivery_id: str):
    rows = await stack.deliveries(id=delivery_id)
    return rows if rows and rows[0].status == "delivered" else None


async def test_a_failing_endpoint_backs_off_dead_letters_and_replays_once_fixed(stack):
    """NOTE-4: exponential back-off, the dead-letter list for operators, replay delivers (signed)."""
    creator, merchant = await stack.account(), await stack.account()
    shop_id = f"shop-{uuid.uuid4().hex[:8]}"
    path, endpoint = await register_endpoint(stack, merchant, shop_id=shop_id)
    dead_before = _deliveries_metric("webhook", "dead_lettered")
    stack.receiver.failing.add(path)
    await stack.publish(invitation_sent(stack, shop_invitation(stack, creator, merchant, shop_id)))
    [hook] = await eventually(lambda: _with_status(stack, "retrying", channel="webhook", recipient=endpoint["id"]))
    assert len(stack.receiver.at(path)) == 1 and hook.next_attempt_at - stack.clock.now() == timedelta(seconds=30)

    for _ in range(stack.service.settings.delivery_max_attempts):
        await stack.advance(hours=1)
    [hook] = await stack.deliveries(id=hook.id)
    assert hook.status == "dead_lettered" and hook.attempts == stack.service.settings.delivery_max_attempts
    assert len(stack.receiver.at(path)) == stack.service.settings.delivery_max_attempts
    assert _deliveries_metric("webhook", "dead_lettered") == dead_before + 1

    async with stack.client("ops-1", Role.SUPPORT) as operator:
        listed = await _all_dead_letters(operator)
        assert hook.id in listed
        stack.receiver.failing.discard(path)
        replay = await operator.post(f"/v1/dead-letters/{hook.id}/replay")
        assert replay.status_code == 202, replay.text
        again = await operator.post(f"/v1/dead-letters/{hook.id}/replay")
        assert again.status_code == 409 and again.json()["rule"] == "NOTE-4"
    await eventually(lambda: _delivered(stack, hook.id))
    assert stack.receiver.at(path)[-1].verified
    async with stack.client("ops-1", Role.SUPPORT) as operator:
        assert hook.id not in await _all_dead_letters(operator)
    assert {"notifier.delivery.failed", "notifier.delivery.dead_lettered", "notifier.delivery.replayed",
            "notifier.delivery.delivered"} <= await _published_types(stack, hook.id)


async def test_only_operators_read_and_replay_dead_letters(stack):
    """NOTE-4, X-3: the dead-letter list is for SUPPORT or SERVICE."""
    async with stack.client("merchant-z", Role.MERCHANT, shop_ids=["s"]) as merchant:
        assert (await merchant.get("/v1/dead-letters")).status_code == 403
        assert (await merchant.post(f"/v1/dead-letters/{uuid.uuid4()}/replay")).status_code == 403
    async with stack.client("svc", Role.SERVICE) as service:
        assert (await service.get("/v1/dead-letters")).status_code == 200
        assert (await service.post(f"/v1/dead-letters/{uuid.uuid4()}/replay")).status_code == 404


async def test_after_a_secret_rotation_deliveries_verify_with_the_old_and_the_new_secret(stack):
    """NOTE-4: several signatures during a rotation."""
    creator, merchant = await stack.account(), await stack.account()
    shop_id = f"shop-{uuid.uuid4().hex[:8]}"
    path, endpoint = await register_endpoint(stack, merchant, shop_id=shop_id)
    old = stack.receiver.secrets[path]
    async with stack.client(merchant, Role.MERCHANT, shop_ids=[shop_id]) as client:
        rotated = await client.post(f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret")
    assert rotated.status_code == 200 and rotated.json()["secret"] != old
    stack.receiver.secrets[path] = rotated.json()["secret"]
    await stack.publish(invitation_sent(stack, shop_invitation(stack, creator, merchant, shop_id)))
    [hook] = await eventually(lambda: stack.receiver.at(path))
    assert hook.verified and hook.headers["trust-signature"].count("v1=") == 2
    from notifier.domain.webhooks import verify_signature
    assert verify_signature(hook.headers["trust-signature"], hook.body, old, stack.clock.now())


async def _all_dead_letters(client) -> set[str]:
    ids, cursor = set(), None
    while True:
        response = await client.get("/v1/dead-letters", params={"limit": 50, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.text
        ids |= {d["id"] for d in response.json()["items"]}
        cursor = response.json()["next_cursor"]
        if not cursor:
            return ids


def _deliveries_metric(channel: str, outcome: str) -> float:
    return REGISTRY.get_sample_value("notification_deliveries_total", {"channel": channel, "outcome": outcome}) or 0.0


async def _published_types(stack, delivery_id: str) -> set[str]:
    async with stack.service.runtime.sessions() as session:
        return set((await session.execute(select(outbox.c.event_type).where(
            outbox.c.message_key == delivery_id))).scalars())


async def test_operators_replay_dead_letters_in_bulk_by_selection_or_by_endpoint(stack):
    """NOTE-4 (docs/operations.md, issue 15): a selection by id (what is not a dead letter is skipped and
    named) or all of one endpoint's, in one call, same authorisation as the single replay, same ids."""
    creator, merchant = await stack.account(), await stack.account()
    shop_id = f"shop-{uuid.uuid4().hex[:8]}"
    path_a, endpoint_a = await register_endpoint(stack, merchant, shop_id=shop_id)
    path_b, endpoint_b = await register_endpoint(stack, merchant, shop_id=shop_id)
    stack.receiver.failing |= {path_a, path_b}
    for _ in range(2):
        await stack.publish(invitation_sent(stack, shop_invitation(stack, creator, merchant, shop_id)))
    await eventually(lambda: _counted(stack, 4, channel="webhook", status="retrying"))
    for _ in range(stack.service.settings.delivery_max_attempts):
        await stack.advance(hours=1)
    dead_a = sorted(r.id for r in await stack.deliveries(recipient=endpoint_a["id"], status="dead_lettered"))
    dead_b = sorted(r.id for r in await stack.deliveries(recipient=endpoint_b["id"], status="dead_lettered"))
    assert len(dead_a) == len(dead_b) == 2
    mail, *_ = await eventually(lambda: _counted(stack, 1, recipient=creator, channel="email", status="delivered"))
    stack.receiver.failing -= {path_a, path_b}

    async with stack.client(merchant, Role.MERCHANT, shop_ids=[shop_id]) as tenant:
        refused = await tenant.post("/v1/dead-letters/replay", json={"endpoint_id": endpoint_a["id"]})
        assert refused.status_code == 403
    async with stack.client("ops-1", Role.SUPPORT) as operator:
        for bad in ({}, {"delivery_ids": [dead_a[0]], "endpoint_id": endpoint_a["id"]}, {"delivery_ids": []},
                    {"delivery_ids": ["x"] * 501}):
            invalid = await operator.post("/v1/dead-letters/replay", json=bad)
            assert invalid.status_code in (400, 422) and invalid.headers["content-type"].startswith(
                "application/problem+json"), invalid.text
        selection = await operator.post("/v1/dead-letters/replay", json={
            "delivery_ids": [dead_a[0], mail.id, "no-such-delivery"]})
        assert selection.status_code == 202, selection.text
        assert selection.json()["replayed"] == [dead_a[0]]
        assert {(s["id"], s["reason"]) for s in selection.json()["skipped"]} == {
            (mail.id, "not_dead_lettered"), ("no-such-delivery", "not_found")}
        whole = await operator.post("/v1/dead-letters/replay", json={"endpoint_id": endpoint_b["id"]})
        assert whole.status_code == 202, whole.text
        assert sorted(whole.json()["replayed"]) == dead_b and whole.json()["remaining"] == 0
        again = await operator.post("/v1/dead-letters/replay", json={"endpoint_id": endpoint_b["id"]})
        assert again.json()["replayed"] == []  # replayed once, not twice
    for delivery_id in [dead_a[0], *dead_b]:
        await eventually(lambda delivery_id=delivery_id: _delivered(stack, delivery_id))
    [still_dead] = await stack.deliveries(id=dead_a[1])
    assert still_dead.status == "dead_lettered"  # not selected, not replayed
    delivered_ids = {r.headers["trust-delivery-id"] for r in stack.receiver.at(path_b)}
    assert set(dead_b) <= delivered_ids  # the same delivery ids as the failed attempts


async def _counted(stack, n: int, **where: str):
    rows = await stack.deliveries(**where)
    return rows if len(rows) >= n else None
