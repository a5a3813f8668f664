"""NOTE-5 through the real bus: authorisation changed (EMP-19), validity ending in 7 days and 1 day and
ended (EMP-21), support case resolved or declined (SHOP-12) — same channels and guarantees as NOTE-4."""
from __future__ import annotations

import uuid
from datetime import timedelta

from trust_common.contracts import employee_accounts as emp
from trust_common.contracts import shop_binding as shop
from trust_common.testing.services import eventually

from tests.notifier.flows import register_endpoint


async def _inbox_of(stack, account_id: str, n: int):
    items = await stack.inbox(account_id)
    return items if len(items) >= n else None


def _authorisation(employee: str, enterprise: str) -> dict[str, object]:
    return dict(employee_account_id=f"emp-{uuid.uuid4().hex[:8]}", enterprise_id=enterprise,
                kind=emp.EmployeeAccountKind.AUTHORISED_PERSONAL, account_id=employee)


async def test_an_authorisation_change_reaches_the_employee_in_their_language(stack):
    """NOTE-5, EMP-19: the employee is told (inbox, email); the enterprise's webhook gets a copy; once."""
    employee, enterprise = await stack.account(locale="vi"), await stack.account()
    path, _ = await register_endpoint(stack, enterprise, enterprise_id=enterprise)
    event = emp.AuthorisationChanged(**_authorisation(employee, enterprise), changed=["position", "tools"],
                                     modules=[], tools=["short_video_promotion"], changed_at=stack.clock.now())
    envelope = await stack.publish(event)
    await stack.publish(event, event_id=envelope.event_id)  # a repeat changes nothing
    [item] = await eventually(lambda: _inbox_of(stack, employee, 1))
    assert item["kind"] == "authorisation.changed" and item["locale"] == "vi"
    assert "vị trí, công cụ" in item["body"]
    [mail] = await eventually(lambda: stack.mails_to(employee))
    assert str(mail["Subject"]) == "Ủy quyền của bạn đã thay đổi"
    [hook] = await eventually(lambda: stack.receiver.at(path))
    assert hook.verified and hook.json["type"] == "authorisation.changed"
    async with stack.client(employee) as client:  # critical: it changes what the account may do
        muted = await client.put("/v1/preferences/mutes",
                                 json={"channel": "email", "kind": "authorisation.changed", "muted": True})
    assert muted.status_code == 422 and muted.json()["rule"] == "NOTE-4"
    await stack.advance(seconds=0)
    assert len(await stack.inbox(employee)) == 1 and len(stack.mails_to(employee)) == 1


async def test_validity_reminders_at_7_and_1_days_and_the_end_reach_employee_and_main_account(stack):
    """NOTE-5, EMP-21: both sides are reminded 7 days and 1 day before and told when it ended; the
    enterprise's webhook receives each fact once (the main account's copy)."""
    employee, enterprise = await stack.account(), await stack.account(locale="zh-CN")
    path, _ = await register_endpoint(stack, enterprise, enterprise_id=enterprise)
    fields = _authorisation(employee, enterprise)
    valid_until = stack.clock.now() + timedelta(days=7)
    for days_left in (7, 1):
        await stack.publish(emp.AuthorisationValidityEnding(**fields, valid_until=valid_until, days_left=days_left))
    await stack.publish(emp.AuthorisationValidityEnded(**fields, valid_until=valid_until, ended_at=valid_until))
    for account in (employee, enterprise):
        items = await eventually(lambda account=account: _inbox_of(stack, account, 3))
        assert sorted(i["kind"] for i in items) == ["authorisation.validity_ended", "authorisation.validity_ending",
                                                    "authorisation.validity_ending"]
        assert {i["data"].get("days_left") for i in items} == {7, 1, None}
    main_titles = {i["title"] for i in await stack.inbox(enterprise)}
    assert {"授权将在7天后到期", "授权将在1天后到期", "授权已到期"} == main_titles
    assert "Authorisation ends in 1 day(s)" in {i["title"] for i in await stack.inbox(employee)}
    hooks = await eventually(lambda: (lambda r: r if len(r) >= 3 else None)(stack.receiver.at(path)))
    await stack.advance(seconds=0)
    assert len(stack.receiver.at(path)) == 3 and all(h.verified for h in hooks)
    await eventually(lambda: (lambda m: m if len(m) == 3 else None)(stack.mails_to(enterprise)))


async def test_the_merchant_learns_how_support_answered_a_case(stack):
    """NOTE-5, SHOP-12: resolved and declined cases reach the shop owner, with the reason, and the shop's webhook."""
    merchant, creator = await stack.account(), await stack.account()
    shop_id = f"shop-{uuid.uuid4().hex[:8]}"
    path, _ = await register_endpoint(stack, merchant, shop_id=shop_id)
    common = dict(shop_id=shop_id, shop_owner_account_id=merchant, creator_account_id=creator,
                  answered_at=stack.clock.now())
    await stack.publish(shop.SupportCaseResolved(case_id=f"case-{uuid.uuid4().hex[:6]}",
                                                 kind=shop.SupportCaseKind.INELIGIBLE_CREATOR,
                                                 note_code=shop.SupportNoteCode.CAUSE_CORRECTED, **common))
    await stack.publish(shop.SupportCaseDeclined(case_id=f"case-{uuid.uuid4().hex[:6]}",
                                                 kind=shop.SupportCaseKind.STUCK_BINDING, binding_id="b-1",
                                                 note_code=shop.SupportNoteCode.VIOLATION_CONFIRMED, **common))
    items = await eventually(lambda: _inbox_of(stack, merchant, 2))
    assert {(i["title"], i["body"]) for i in items} == {
        ("Support case resolved", "Your support case was resolved: the account's record was corrected."),
        ("Support case declined", "Your support case was declined: the violation was confirmed.")}
    hooks = await eventually(lambda: (lambda r: r if len(r) >= 2 else None)(stack.receiver.at(path)))
    assert {h.json["type"] for h in hooks} == {"support_case.outcome"} and all(h.verified for h in hooks)
    assert await stack.inbox(creator) == []  # the merchant opened the case; the creator is not told here
