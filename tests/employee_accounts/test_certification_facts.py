"""EMP-18 over the bus: certification events keep the enterprise projection; a lapse suspends grants,
a renewal restores them."""
from __future__ import annotations

from datetime import timedelta

from trust_common.contracts import certification as cert
from trust_common.testing.services import eventually

from tests.employee_accounts.builders import new_id
from tests.employee_accounts.flows import event_types, scalar


def _ids(enterprise, application_id=None):
    return {"application_id": application_id or enterprise.application_id, "account_id": enterprise.id,
            "certification_type": cert.CertificationType.ENTERPRISE}


async def _grants(enterprise, account_id):
    return (await enterprise.admin.get(f"{enterprise.base}/employee-accounts/{account_id}/grants")).json()


async def test_expiry_suspends_grants_and_renewal_restores_them(world, clock):
    """EMP-18: suspended, not deleted; no new accounts meanwhile; restored on renewal."""
    enterprise = await world.enterprise()
    account = await world.active_account(enterprise)
    before = await _grants(enterprise, account["id"])
    assert before["effective_tools"] == ["homepage.business_card", "live.general_live_card"]
    assert before["suspended"] is False

    await world.certification(cert.CertificationExpired(**_ids(enterprise), expired_at=clock.now()), certified=False)
    lapsed = await _grants(enterprise, account["id"])
    assert lapsed["suspended"] is True and lapsed["effective_tools"] == [] and lapsed["effective_modules"] == []
    assert lapsed["granted_tools"] == before["granted_tools"]  # kept
    refused = await world.apply(enterprise)
    assert refused.status_code == 422 and refused.json()["rule"] == "EMP-18"
    async with world.service.client() as app:
        mine = (await app.get("/v1/employee/grants", headers=account["session"])).json()
    assert mine["suspended"] is True

    renewal = new_id("app")
    await world.certification(cert.CertificationRenewed(
        **_ids(enterprise, renewal), renewal_of=enterprise.application_id,
        valid_until=clock.now() + timedelta(days=365)), certified=True)
    restored = await _grants(enterprise, account["id"])
    assert restored["suspended"] is False and restored["effective_tools"] == before["effective_tools"]
    assert await event_types(world.service, enterprise.id) == [
        "employee-accounts.grants.suspended", "employee-accounts.grants.restored"]


async def test_cancellation_suspends_but_a_withdrawn_application_changes_nothing(world, clock):
    """EMP-18: only the certification in force matters."""
    enterprise = await world.enterprise(position=False)
    await world.platform.publish(cert.CertificationCancelled(
        **_ids(enterprise, new_id("app")), cancelled_by=cert.CancelledBy.HOLDER, was_certified=False))
    await world.certification(cert.CertificationCancelled(
        **_ids(enterprise), cancelled_by=cert.CancelledBy.SUPPORT, was_certified=True), certified=False)
    await eventually(lambda: event_types(world.service, enterprise.id))
    assert await event_types(world.service, enterprise.id) == ["employee-accounts.grants.suspended"]


async def test_other_certification_types_do_not_make_an_enterprise(world, clock):
    """EMP-18: a personal certification is not an enterprise certification."""
    account_id = new_id("acc")
    await world.account(account_id, growth_level="gold")
    envelope = await world.platform.publish(cert.ApplicationApproved(
        application_id=new_id("app"), account_id=account_id, certification_type=cert.CertificationType.PERSONAL,
        certified_at=clock.now(), valid_until=None, channel=cert.Channel.MOBILE))
    await eventually(lambda: scalar(world.service, "SELECT count(*) FROM inbox WHERE event_id = :e",
                                    e=envelope.event_id))
    assert await scalar(world.service, "SELECT certified FROM enterprises WHERE id = :i", i=account_id) is None
