"""One trace per flow: the HTTP request, the outbox, Kafka, every consumer's handling and the
notifier's deliveries share one trace id; and no personal data rides along in spans."""
from __future__ import annotations

from collections.abc import Iterable

from notifier.handlers.deliveries import ATTEMPT_TIMER
from trust_common.projections import load_account
from trust_common.testing.services import eventually

from tests.certification import flows as certification_flows
from tests.notifier.flows import register_endpoint
from tests.shop_binding import flows


def _trace(span) -> str:
    return format(span.context.trace_id, "032x")


def _server_trace(spans, route: str) -> str:
    server = [s for s in spans.get_finished_spans()
              if s.kind.name == "SERVER" and s.attributes.get("http.route") == route]
    assert len(server) == 1, [s.name for s in server]
    return _trace(server[0])


def _in_trace(spans, trace_id: str) -> list:
    return [s for s in spans.get_finished_spans() if _trace(s) == trace_id]


def _services_processing(spans: Iterable, topic_suffix: str) -> set[str]:
    return {s.resource.attributes["service.name"] for s in spans
            if s.name.startswith("process ") and s.name.endswith(topic_suffix)}


def _attribute_values(spans: Iterable) -> str:
    return " ".join(f"{s.name} {dict(s.attributes)}" for s in spans)


async def test_a_48_hour_shop_invitation_is_one_trace_from_the_merchant_to_every_delivery(world, stack, spans):
    shop = await world.shop(country="GB")
    creator = await world.account(country="GB")
    email = f"{creator.account_id}@example.test"
    await world.change_account(creator.model_copy(update={"email": email, "locale": "en"}))

    async def notifier_knows_the_email() -> bool:
        async with stack.service.runtime.sessions() as session:
            account = await load_account(session, creator.account_id)
        return account is not None and account.email == email

    await eventually(notifier_knows_the_email)
    hook_path, _ = await register_endpoint(stack, shop.owner_account_id, shop_id=shop.shop_id)
    spans.clear()

    invitation = await flows.invite(world, shop, creator)
    trace_id = _server_trace(spans, "/v1/shops/{shop_id}/invitations")
    hooks = await eventually(lambda: stack.receiver.at(hook_path))
    await eventually(lambda: stack.mails_to(creator.account_id))
    assert hooks[0].json["data"]["invitation_id"] == invitation["invitation_id"]

    def deliveries_traced():
        return [s for s in _in_trace(spans, trace_id) if s.name == f"timer {ATTEMPT_TIMER}"]

    assert len(await eventually(lambda: len(deliveries_traced()) >= 2 and deliveries_traced())) >= 2
    in_trace = _in_trace(spans, trace_id)
    publishers = {s.resource.attributes["service.name"] for s in in_trace if s.name.startswith("publish ")}
    assert {"shop-binding"} <= publishers
    assert "notifier" in _services_processing(in_trace, "shop-binding.events")
    # The inbox entry, the email and the webhook were all made under the merchant's request.
    assert {s.resource.attributes["service.name"] for s in deliveries_traced()} == {"notifier"}
    assert email not in _attribute_values(spans.get_finished_spans())


async def test_a_certification_decision_is_one_trace_through_employee_accounts_and_the_notifier(
        certification, employee_accounts, stack, spans):
    account_id, application_id = await certification_flows.submitted_enterprise(certification)
    await certification_flows.claimed(certification, application_id, "auditor-trace")
    spans.clear()
    async with certification_flows.auditor(certification, "auditor-trace") as auditor:
        approved = await auditor.post(f"/v1/reviews/{application_id}/approve")
    assert approved.status_code == 200, approved.text
    trace_id = _server_trace(spans, "/v1/reviews/{application_id}/approve")

    def consumers() -> set[str]:
        return _services_processing(_in_trace(spans, trace_id), "certification.events")

    assert await eventually(lambda: {"employee-accounts", "notifier"} <= consumers() and consumers())
    notice = await eventually(lambda: stack.inbox(account_id))
    assert notice, "the applicant's certification notice reached the inbox"
    publishers = {s.resource.attributes["service.name"]: s.name for s in _in_trace(spans, trace_id)
                  if s.name.startswith("publish ")}
    assert publishers["certification"].endswith("certification.events")
