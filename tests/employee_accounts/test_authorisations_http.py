"""EMP-19 changing an authorisation, EMP-20 tools for authorised personal accounts, EMP-21 the validity period
(reminders, the end that frees the seat and the one-enterprise lock), EMP-22 affiliation and entitlements — over
HTTP, the durable timers and the real bus."""
from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta

from aiokafka import AIOKafkaConsumer

from trust_common.auth import Role
from trust_common.contracts.employee_accounts import TOPIC
from trust_common.testing.services import eventually

from tests.employee_accounts.builders import MOBILE, PC, details, national_id, new_id
from tests.employee_accounts.flows import events_of, scalar


async def _authorised(world, enterprise, *, valid_days: int | None = None, modules=("data_centre",)):
    """An authorised personal account, accepted and approved (from the PC with a validity period, if given)."""
    invitee = new_id("acc")
    await world.account(invitee, real_name_verified=True)
    body = {"personal_account_id": invitee, "modules": list(modules), "agreement_accepted": True}
    headers = {}
    if valid_days is not None:
        body["valid_until"] = (world.service.clock.now() + timedelta(days=valid_days)).isoformat()
        headers = PC
    invitation = await enterprise.admin.post(f"{enterprise.base}/invitations", json=body, headers=headers)
    assert invitation.status_code == 201, invitation.text
    async with world.invitee(invitee) as me:
        accepted = await me.post(f"/v1/me/invitations/{invitation.json()['id']}/acceptance",
                                 json={"employee": details()})
        assert accepted.status_code == 201, accepted.text
    async with world.reviewer() as reviewer:
        reviewed = await reviewer.post(f"/v1/reviews/employee-accounts/{accepted.json()['id']}",
                                       json={"approved": True})
    assert reviewed.json()["status"] == "active", reviewed.text
    return invitee, reviewed.json()


async def _types(world, aggregate_id, prefix="employee-accounts.authorisation."):
    return [e for e in await events_of(world.service, aggregate_id) if e["type"].startswith(prefix)]


async def test_the_end_of_the_validity_period_frees_the_seat_that_one_racing_create_then_takes(world):
    """EMP-21 (EMP-2, EMP-13): reminded 7 days and 1 day before; at the end the authorisation ends, its seat goes
    to exactly one of many racing creates, and another enterprise may authorise the personal account."""
    enterprise = await world.enterprise(growth_level="bronze")  # 5 seats
    for _ in range(4):
        assert (await world.apply(enterprise)).status_code == 201
    personal, account = await _authorised(world, enterprise, valid_days=10)
    refused = await world.apply(enterprise)
    assert refused.status_code == 422 and refused.json()["rule"] == "EMP-2"
    timers = world.service.worker.timers

    world.service.clock.advance(days=3, minutes=1)
    await timers.fire_due()
    world.service.clock.advance(days=6)
    await timers.fire_due()

    async def reminded():  # the worker's own poller may be the one firing: wait for the effect
        found = await _types(world, account["id"])
        return found if len(found) >= 2 else None

    reminders = await eventually(reminded)
    assert [(e["type"], e["data"]["days_left"]) for e in reminders] == [
        ("employee-accounts.authorisation.validity_ending", 7), ("employee-accounts.authorisation.validity_ending", 1)]
    assert reminders[0]["data"]["account_id"] == personal and reminders[0]["data"]["enterprise_id"] == enterprise.id
    assert (await world.apply(enterprise)).status_code == 422  # not yet: the seat is held until the end

    world.service.clock.advance(days=1)
    await timers.fire_due()

    async def ended():
        found = await enterprise.admin.get(f"{enterprise.base}/employee-accounts/{account['id']}")
        return found.json()["status"] == "ended"

    await eventually(ended)
    grants = (await enterprise.admin.get(f"{enterprise.base}/employee-accounts/{account['id']}/grants")).json()
    assert grants["effective_modules"] == [] and grants["effective_tools"] == []
    told = await _types(world, account["id"])
    assert [e["type"] for e in told][-1] == "employee-accounts.authorisation.validity_ended"

    racing = await asyncio.gather(*(world.apply(enterprise, national_id()) for _ in range(10)))
    codes = [r.status_code for r in racing]
    assert codes.count(201) == 1 and codes.count(422) == 9, codes
    # EMP-13: the one-enterprise lock is released with it.
    other = await world.enterprise(position=False)
    again = await other.admin.post(f"{other.base}/invitations", json={
        "personal_account_id": personal, "modules": ["data_centre"], "agreement_accepted": True})
    assert again.status_code == 201, again.text
    # Fired once: later polls add nothing.
    await timers.fire_due()
    assert len(await _types(world, account["id"])) == len(told)


async def test_changing_the_validity_period_moves_its_end_and_needs_the_pc_back_office(world):
    """EMP-21 / EMP-19: a new period replaces the timers of the old one; only the PC back office sets it."""
    enterprise = await world.enterprise(position=False)
    _, account = await _authorised(world, enterprise, valid_days=30)
    path = f"{enterprise.base}/employee-accounts/{account['id']}/authorisation"
    later = (world.service.clock.now() + timedelta(days=60)).isoformat()
    mobile = await enterprise.admin.patch(path, json={"valid_until": later}, headers=MOBILE)
    assert mobile.status_code == 422 and mobile.json()["rule"] == "EMP-21"
    past = (world.service.clock.now() - timedelta(days=1)).isoformat()
    assert (await enterprise.admin.patch(path, json={"valid_until": past}, headers=PC)).json()["rule"] == "EMP-21"
    moved = await enterprise.admin.patch(path, json={"valid_until": later}, headers=PC)
    assert moved.status_code == 200, moved.text
    assert datetime.fromisoformat(moved.json()["valid_until"]) == datetime.fromisoformat(later)
    world.service.clock.advance(days=31)
    await world.service.worker.timers.fire_due()
    await asyncio.sleep(1)  # room for the worker's own poller, had it an old timer to fire
    still = await enterprise.admin.get(f"{enterprise.base}/employee-accounts/{account['id']}")
    assert still.json()["status"] == "active"  # the old end no longer applies
    assert not [e for e in await _types(world, account["id"]) if e["type"].endswith("validity_ended")]


async def test_the_main_account_changes_an_enterprise_employee_accounts_position_at_once_audited_and_told(world):
    """EMP-19: position and department; in force at once; in the audit trail; AuthorisationChanged for the notice."""
    enterprise = await world.enterprise()
    account = (await world.approved_account(enterprise))
    base = f"{enterprise.base}/employee-accounts/{account['id']}"
    other = await enterprise.admin.post(f"{enterprise.base}/positions", json={
        "name": "Live host", "tools": ["short_video.online_booking"], "modules": ["short_video_management"]})
    department = await enterprise.admin.post(f"{enterprise.base}/departments", json={"name": "Sales"})
    changed = await enterprise.admin.patch(f"{base}/authorisation", json={
        "position_id": other.json()["id"], "department_id": department.json()["id"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["position_id"] == other.json()["id"]
    grants = (await enterprise.admin.get(f"{base}/grants")).json()
    assert grants["granted_tools"] == ["short_video.online_booking"]
    assert grants["granted_modules"] == ["short_video_management"]
    trail = (await enterprise.admin.get(f"{base}/authorisation-changes")).json()
    assert len(trail) == 1 and trail[0]["actor"] == f"admin-{enterprise.id}" and trail[0]["action"] == "changed"
    assert trail[0]["before"]["position"] == enterprise.position_id
    assert trail[0]["after"]["position"] == other.json()["id"]
    notice = (await _types(world, account["id"]))[-1]
    assert notice["type"] == "employee-accounts.authorisation.changed"
    assert sorted(notice["data"]["changed"]) == ["department", "position"]
    assert notice["data"]["account_id"] == account["id"]  # where the notifier reaches the employee
    # EMP-19: an enterprise employee account takes its tools and modules from its position.
    refused = await enterprise.admin.patch(f"{base}/authorisation", json={"modules": ["data_centre"]})
    assert refused.status_code == 422 and refused.json()["rule"] == "EMP-19"
    # Unknown position: 404; another enterprise's account: 404; a non-admin: 403.
    assert (await enterprise.admin.patch(f"{base}/authorisation", json={"position_id": "pos-nope"})).status_code \
        == 404
    stranger = await world.enterprise()
    foreign = await stranger.admin.patch(f"{stranger.base}/employee-accounts/{account['id']}/authorisation",
                                         json={"department_id": ""})
    assert foreign.status_code == 404
    async with world.service.client("u1", Role.ACCOUNT_HOLDER, account_id="u1") as user:
        assert (await user.patch(f"{base}/authorisation", json={"department_id": ""})).status_code == 403
    assert len((await enterprise.admin.get(f"{base}/authorisation-changes")).json()) == 1


async def test_an_authorised_personal_account_is_granted_tools_and_qualifies_for_a_merchant_page(world):
    """EMP-20 (EMP-3, EMP-16): tools the main account holds, then a merchant-page module of its own."""
    enterprise = await world.enterprise(position=False, tools=["short_video.online_booking", "live.online_booking",
                                                                "homepage.business_card"])
    personal, account = await _authorised(world, enterprise)
    path = f"{enterprise.base}/employee-accounts/{account['id']}/authorisation"
    async with world.invitee(personal) as me:
        early = await me.post("/v1/me/employee-account/merchant-page/modules", json={"tool": "homepage.business_card"})
        assert early.status_code == 422 and early.json()["rule"] == "EMP-16"
    not_held = await enterprise.admin.patch(path, json={"tools": ["live.general_live_card"]})
    assert not_held.status_code == 422 and not_held.json()["rule"] == "EMP-3"
    granted = await enterprise.admin.patch(path, json={
        "tools": ["short_video.online_booking", "live.online_booking", "homepage.business_card"]})
    assert granted.status_code == 200, granted.text
    assert granted.json()["tools"] == ["homepage.business_card", "live.online_booking", "short_video.online_booking"]
    assert granted.json()["modules"] == ["data_centre"]  # the part not sent stays
    async with world.invitee(personal) as me:
        grants = (await me.get("/v1/me/employee-account/grants")).json()
        assert grants["effective_tools"] == ["homepage.business_card", "live.online_booking",
                                             "short_video.online_booking"]
        configured = await me.post("/v1/me/employee-account/merchant-page/modules",
                                   json={"tool": "homepage.business_card"})
        assert configured.status_code == 200, configured.text
        async with world.reviewer() as reviewer:
            approved = await reviewer.post(
                f"/v1/reviews/employee-accounts/{account['id']}/merchant-page-modules/homepage.business_card")
            assert approved.status_code == 200, approved.text
        assert (await me.get("/v1/me/employee-account/grants")).json()["merchant_page_visible"] is True
    refused = await enterprise.admin.patch(path, json={"position_id": "pos-1"})
    assert refused.status_code == 422 and refused.json()["rule"] == "EMP-19"


async def _on_topic(world, key: str, event_type: str) -> list[dict]:
    """Envelopes of one aggregate and type as they arrived on the real topic."""
    consumer = AIOKafkaConsumer(world.service.settings.topic(TOPIC),
                                bootstrap_servers=world.service.settings.kafka_bootstrap,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    found: list[dict] = []
    try:
        async def arrived() -> bool:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    envelope = json.loads(record.value)
                    if record.key == key.encode() and envelope["type"] == event_type:
                        found.append(envelope)
            return bool(found)

        await eventually(arrived)
    finally:
        await consumer.stop()
    return found


async def test_an_employee_account_always_shows_its_enterprise_and_its_entitlements_are_published_and_served(
        world):
    """EMP-22: hiding is refused; affiliation and entitlements (with the shared marketing exemptions) travel on the
    topic and are served to other services (internal role only)."""
    enterprise = await world.enterprise()
    account = await world.active_account(enterprise)
    async with world.service.client() as app:
        hidden = await app.put("/v1/employee/me/affiliation", json={"shown": False}, headers=account["session"])
        assert hidden.status_code == 422 and hidden.json()["rule"] == "EMP-22"
        assert (await app.put("/v1/employee/me/affiliation", json={"shown": True},
                              headers=account["session"])).json() == {"shown": True}
    async with world.service.client("svc-1", Role.SERVICE) as service:
        served = await service.get(f"/v1/internal/affiliations/{account['id']}")
        assert served.status_code == 200, served.text
        [entitlements] = served.json()
        assert entitlements["enterprise_id"] == enterprise.id and entitlements["enterprise_shown"] is True
        assert entitlements["in_force"] is True
        assert entitlements["marketing_exemptions"] == ["short_video_promotion", "live_room_components"]
        assert entitlements["tools"] == ["homepage.business_card", "live.general_live_card"]
        assert (await service.get(f"/v1/internal/affiliations/{new_id('acc')}")).status_code == 404
    assert (await enterprise.admin.get(f"/v1/internal/affiliations/{account['id']}")).status_code == 403
    published = await _on_topic(world, account["id"], "employee-accounts.account.entitlements")
    latest = max(published, key=lambda e: e["sequence"])["data"]
    assert latest["in_force"] and latest["marketing_exemptions"] == ["short_video_promotion", "live_room_components"]

    personal, _ = await _authorised(world, enterprise)
    async with world.invitee(personal) as me:
        refused = await me.put("/v1/me/employee-account/affiliation", json={"shown": False})
        assert refused.status_code == 422 and refused.json()["rule"] == "EMP-22"


async def test_the_enterprises_lapse_withdraws_the_entitlements_it_publishes(world, clock):
    """EMP-22 with EMP-18: suspension publishes every account's entitlements as not in force."""
    from trust_common.contracts import certification as cert

    enterprise = await world.enterprise()
    account = await world.active_account(enterprise)
    await world.certification(cert.CertificationExpired(
        application_id=enterprise.application_id, account_id=enterprise.id,
        certification_type=cert.CertificationType.ENTERPRISE, expired_at=clock.now()), certified=False)
    latest = (await events_of(world.service, account["id"]))[-1]
    assert latest["type"] == "employee-accounts.account.entitlements"
    assert latest["data"]["in_force"] is False and latest["data"]["marketing_exemptions"] == []
    assert await scalar(world.service, "SELECT count(*) FROM authorisation_changes WHERE employee_account_id = :a",
                        a=account["id"]) == 0
