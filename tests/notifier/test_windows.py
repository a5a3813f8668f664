"""NOTE-1 end to end: producer event → inbox, email (real SMTP sink), signed webhook (real receiver)."""
from __future__ import annotations

import uuid
from datetime import timedelta

from notifier.domain.notification import Tenant
from notifier.domain.window import ConfirmationWindow, WindowSource
from notifier.handlers.windows import REMINDER_TIMER
from notifier.settings import Settings
from trust_common.contracts import employee_accounts as emp
from trust_common.contracts import shop_binding as shop
from trust_common.testing.services import eventually

from tests.notifier.builders import shop_invitation
from tests.notifier.flows import register_endpoint


async def test_a_shop_invitation_prompts_by_inbox_email_and_signed_webhook(stack):
    """NOTE-1 (SHOP-6): the prompt reaches the creator's inbox in their locale, their mailbox
    through SMTP, and the shop's endpoint with a signature that verifies."""
    creator, merchant = await stack.account(locale="vi"), await stack.account(locale="zh-CN")
    shop_id = f"shop-{uuid.uuid4().hex[:8]}"
    path, _ = await register_endpoint(stack, merchant, shop_id=shop_id)
    fields = shop_invitation(stack, creator, merchant, shop_id)
    await stack.publish(shop.ShopInvitationSent(**fields, sent_at=stack.clock.now(),
                                                expires_at=stack.clock.now() + timedelta(hours=48)))

    items = await eventually(lambda: stack.inbox(creator))
    assert items[0]["kind"] == "window.prompt" and items[0]["locale"] == "vi"
    assert "lời mời liên kết cửa hàng" in items[0]["title"]
    mails = await eventually(lambda: stack.mails_to(creator))
    assert len(mails) == 1 and "Vui lòng xác nhận" in str(mails[0]["Subject"])
    hooks = await eventually(lambda: stack.receiver.at(path))
    assert len(hooks) == 1 and hooks[0].verified
    assert hooks[0].json["type"] == "window.prompt"
    assert hooks[0].json["data"]["invitation_id"] == fields["invitation_id"]
    assert hooks[0].headers["trust-event-id"] == items[0]["id"]
    assert hooks[0].headers["idempotency-key"] == hooks[0].headers["trust-delivery-id"]


async def test_reminders_fire_24_and_2_hours_before_close_and_the_initiator_hears_of_the_lapse(stack):
    """NOTE-1 (EMP-12): prompt at open, reminders at 24 h and 2 h before close, lapse notice to
    the enterprise that invited."""
    invitee, enterprise = await stack.account(locale="en"), await stack.account(locale="zh-CN")
    fields = dict(invitation_id=f"inv-{uuid.uuid4().hex[:8]}", enterprise_id=enterprise, personal_account_id=invitee)
    await stack.publish(emp.InvitationSent(**fields, modules=["live"],
                                           expires_at=stack.clock.now() + timedelta(hours=48)))
    await eventually(lambda: stack.inbox(invitee))
    window_key = f"employee_invitation:{fields['invitation_id']}:"
    assert len(await stack.pending_timers(REMINDER_TIMER, window_key)) == 2

    await stack.advance(hours=24)
    assert await stack.inbox_kinds(invitee) == ["window.reminder", "window.prompt"]
    await stack.advance(hours=22)
    assert await stack.inbox_kinds(invitee) == ["window.reminder", "window.reminder", "window.prompt"]
    reminder = (await stack.inbox(invitee))[0]
    assert "2 h" in reminder["title"]

    await stack.advance(hours=2)
    await stack.publish(emp.InvitationLapsed(**fields))
    lapse = await eventually(lambda: stack.inbox(enterprise))
    assert lapse[0]["kind"] == "window.lapsed" and "失效" in lapse[0]["title"]
    assert await stack.inbox_kinds(invitee) == ["window.reminder", "window.reminder", "window.prompt"]


async def test_reminders_are_cancelled_when_the_invitation_is_confirmed_early(stack):
    """NOTE-1: a window closed early (SHOP-6 confirmed) cancels its durable reminder timers."""
    creator, merchant = await stack.account(), await stack.account()
    fields = shop_invitation(stack, creator, merchant, f"shop-{uuid.uuid4().hex[:8]}")
    await stack.publish(shop.ShopInvitationSent(**fields, sent_at=stack.clock.now(),
                                                expires_at=stack.clock.now() + timedelta(hours=48)))
    await eventually(lambda: stack.inbox(creator))
    window_key = f"shop_invitation:{fields['invitation_id']}:"
    assert len(await stack.pending_timers(REMINDER_TIMER, window_key)) == 2

    await stack.publish(shop.ShopInvitationConfirmed(**fields, binding_id="b-1"))
    await eventually(lambda: _no_pending(stack, window_key))
    await stack.advance(hours=47)
    assert await stack.inbox_kinds(creator) == ["window.prompt"]
    assert len(stack.mails_to(creator)) == 1


async def test_reminder_offsets_are_configurable(stack):
    """NOTE-1: the offsets come from settings (window_reminder_hours)."""
    settings = Settings(window_reminder_hours=[12, 1])
    window = ConfirmationWindow.open(WindowSource.SHOP_INVITATION, "x", invitee_account_id="a",
                                     initiator_account_id="b",
                                     tenant=Tenant("shop", "s"), closes_at=stack.clock.now() + timedelta(hours=48),
                                     now=stack.clock.now())
    assert [r.offset_seconds for r in window.reminders(settings.reminder_offsets, stack.clock.now())] == [43200, 3600]


async def _no_pending(stack, window_key: str) -> bool:
    return not await stack.pending_timers(REMINDER_TIMER, window_key)
