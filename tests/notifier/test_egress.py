"""Issue 13, webhook egress guard (NOTE-4's webhooks): a tenant's URL reaches only the public internet,
checked at registration and at every delivery, by address literal and by a name resolving to a
blocked address; tenants see outcome classes, recipients only their own channels; endpoints capped."""
from __future__ import annotations

import ipaddress
import uuid

import pytest

from notifier.adapters.egress import EgressGuard, EgressRefused, IPAddress, redact
from notifier.settings import Settings
from trust_common.auth import Role
from trust_common.testing.services import eventually

from tests.notifier.builders import invitation_sent, shop_invitation
from tests.notifier.flows import register_endpoint

# Refused by their form or their literal address, whatever any resolver says.
LITERAL_CORPUS = [
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://metadata/",
    "http://10.0.0.1/hook", "http://10.255.255.255/hook",  # 10.0.0.0/8
    "http://192.168.1.1/hook", "http://172.16.0.1/hook",  # private
    "http://100.64.0.1/hook", "http://100.100.100.200/",  # CGNAT (and a cloud's metadata address in it)
    "http://[fd00::1]/hook", "http://[fd00:ec2::254]/",  # unique-local (and a cloud's IPv6 metadata)
    "http://[fe80::1]/hook",  # IPv6 link-local
    "http://[::ffff:10.0.0.1]/hook", "http://[::ffff:169.254.169.254]/",  # IPv4-mapped
    "http://0x7f000001/hook", "http://2130706433/hook", "http://0177.0.0.1/hook", "http://127.1/hook",  # numeric
    "http://0.0.0.0/hook", "http://[::]/hook",  # unspecified
    "http://224.0.0.1/hook", "http://[ff02::1]/hook",  # multicast
    "http://240.0.0.1/hook", "http://255.255.255.255/hook",  # reserved, broadcast
    "http://192.0.2.10/hook", "http://198.18.0.1/hook",  # documentation, benchmarking
    "http://localhost/hook", "http://LOCALHOST./hook", "http://api.localhost/hook",
    "http://user:pass@hooks.example.com/hook", "http://hooks.example.com@10.0.0.1/",  # user-info
    "ftp://hooks.example.com/", "hooks.example.com/hook", "http:///hook", "http://[::1/hook",
]
LOOPBACK = ["http://127.0.0.1:8080/hook", "http://[::1]/hook", "http://[::ffff:127.0.0.1]/hook"]


class MapResolver:
    def __init__(self, names: dict[str, list[str]]) -> None:
        self.names = names

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        return [ipaddress.ip_address(a) for a in self.names.get(host, [])]


PUBLIC = MapResolver({"hooks.example.com": ["93.184.215.14"], "evil.example.com": ["10.0.0.1"],
                      "split.example.com": ["93.184.215.14", "169.254.169.254"],
                      "v6.example.com": ["fd00::1"], "home.example.com": ["127.0.0.1"]})


@pytest.mark.parametrize("url", LITERAL_CORPUS + LOOPBACK)
async def test_the_guard_refuses_every_local_private_reserved_or_odd_target(url):
    with pytest.raises(EgressRefused):
        await EgressGuard(PUBLIC, allow_http=True).check(url)


@pytest.mark.parametrize("host", ["evil.example.com", "split.example.com", "v6.example.com", "home.example.com",
                                  "nowhere.example.com"])
async def test_the_guard_refuses_a_name_that_resolves_to_a_blocked_address(host):
    """Every address the name resolves to is judged, not only the first."""
    with pytest.raises(EgressRefused):
        await EgressGuard(PUBLIC, allow_http=True).check(f"https://{host}/hook")


async def test_the_guard_connects_to_the_address_it_checked_with_the_name_as_host():
    target = await EgressGuard(PUBLIC).check("https://hooks.example.com/hook?x=1")
    assert target.connect_url() == "https://93.184.215.14:443/hook?x=1"
    assert (target.host, target.host_header) == ("hooks.example.com", "hooks.example.com")


async def test_https_only_unless_allowed_and_loopback_only_when_allowed_explicitly():
    with pytest.raises(EgressRefused):
        await EgressGuard(PUBLIC).check("http://hooks.example.com/hook")
    for url in LOOPBACK:
        assert await EgressGuard(PUBLIC, allow_http=True, allow_loopback=True).check(url)
    with pytest.raises(EgressRefused):  # loopback allowed is not private allowed
        await EgressGuard(PUBLIC, allow_http=True, allow_loopback=True).check("http://10.0.0.1/")


def test_production_refuses_loopback_webhooks():
    with pytest.raises(ValueError, match="TRUST_WEBHOOK_ALLOW_LOOPBACK"):
        Settings(environment="production", jwt_secret="k" * 64, webhook_allow_http=False,
                 webhook_allow_loopback=True)


def test_logged_urls_lose_credentials_and_queries():
    assert redact("https://bot:hunter2@hooks.example.com:8443/x?token=t#f") == "https://hooks.example.com:8443/x?…"


async def _register(stack, url: str):
    merchant, shop_id = await stack.account(), f"shop-{uuid.uuid4().hex[:8]}"
    async with stack.client(merchant, Role.MERCHANT, shop_ids=[shop_id]) as client:
        return await client.post("/v1/webhook-endpoints", json={"url": url, "shop_id": shop_id})


@pytest.mark.parametrize("url", LITERAL_CORPUS[:20] + ["http://rebind.example.test/hook"])
async def test_registration_refuses_the_corpus_with_a_problem(stack, url):
    stack.resolver.names["rebind.example.test"] = ["10.0.0.1"]
    response = await _register(stack, url)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["type"].endswith("invalid-webhook-url") and problem["rule"] == "NOTE-4"


async def test_a_name_that_later_resolves_to_a_private_address_is_refused_at_delivery(stack):
    resolver = stack.resolver
    """DNS rebinding: the name passed at registration (loopback, allowed in tests), then points at
    10.0.0.1; the delivery is refused before any connection, and the tenant sees only the class."""
    name = f"hooks-{uuid.uuid4().hex[:6]}.example.test"
    resolver.names[name] = ["127.0.0.1"]
    creator, merchant = await stack.account(), await stack.account()
    shop_id = f"shop-{uuid.uuid4().hex[:8]}"
    async with stack.client(merchant, Role.MERCHANT, shop_ids=[shop_id]) as client:
        created = await client.post("/v1/webhook-endpoints", json={
            "url": f"http://{name}:{stack.receiver.port}/rebound", "shop_id": shop_id})
        assert created.status_code == 201, created.text
        resolver.names[name] = ["10.0.0.1"]
        await stack.publish(invitation_sent(stack, shop_invitation(stack, creator, merchant, shop_id)))
        path = f"/v1/webhook-endpoints/{created.json()['id']}/deliveries"

        async def refused():
            items = (await client.get(path)).json()["items"]
            return items if items and items[0]["status"] == "retrying" else None
        [delivery] = await eventually(refused)
    assert delivery["last_error"] == "refused_address"
    assert stack.receiver.at("/rebound") == []


async def test_a_tenant_sees_an_outcome_class_never_the_network_error(stack):
    creator, merchant = await stack.account(), await stack.account()
    shop_id = f"shop-{uuid.uuid4().hex[:8]}"
    path, endpoint = await register_endpoint(stack, merchant, shop_id=shop_id)
    stack.receiver.failing.add(path)
    await stack.publish(invitation_sent(stack, shop_invitation(stack, creator, merchant, shop_id)))
    async with stack.client(merchant, Role.MERCHANT, shop_ids=[shop_id]) as client:
        async def failed():
            items = (await client.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries")).json()["items"]
            return items if items and items[0]["last_error"] else None
        [delivery] = await eventually(failed)
    assert delivery["last_error"] == "http_5xx"
    stack.receiver.failing.discard(path)


async def test_a_closed_port_is_connection_failed(stack):
    creator, merchant = await stack.account(), await stack.account()
    shop_id = f"shop-{uuid.uuid4().hex[:8]}"
    async with stack.client(merchant, Role.MERCHANT, shop_ids=[shop_id]) as client:
        created = await client.post("/v1/webhook-endpoints", json={"url": "http://127.0.0.1:9/closed",
                                                                   "shop_id": shop_id})
        assert created.status_code == 201, created.text
        await stack.publish(invitation_sent(stack, shop_invitation(stack, creator, merchant, shop_id)))

        async def failed():
            items = (await client.get(f"/v1/webhook-endpoints/{created.json()['id']}/deliveries")).json()["items"]
            return items if items and items[0]["last_error"] else None
        [delivery] = await eventually(failed)
    assert delivery["last_error"] == "connection_failed"  # not "ConnectError: [Errno 111] …"


async def test_recipients_see_only_their_own_channels_deliveries(stack):
    """X-3: the invitee of a shop invitation does not see the shop's webhook deliveries (nor their URL's fate)."""
    creator, merchant = await stack.account(), await stack.account()
    shop_id = f"shop-{uuid.uuid4().hex[:8]}"
    await register_endpoint(stack, merchant, shop_id=shop_id)
    await stack.publish(invitation_sent(stack, shop_invitation(stack, creator, merchant, shop_id)))
    [item] = await eventually(lambda: stack.inbox(creator))
    async with stack.client(creator) as client:
        mine = (await client.get(f"/v1/notifications/{item['id']}/deliveries")).json()
    assert {d["channel"] for d in mine} == {"inbox", "email"}
    async with stack.client("ops-1", Role.SUPPORT) as operator:
        everything = (await operator.get(f"/v1/notifications/{item['id']}/deliveries")).json()
    assert {d["channel"] for d in everything} == {"inbox", "email", "webhook"}


async def test_endpoints_per_tenant_are_capped_with_a_problem_naming_the_setting(stack):
    merchant, shop_id = await stack.account(), f"shop-{uuid.uuid4().hex[:8]}"
    limit = stack.service.settings.webhook_max_endpoints_per_tenant
    async with stack.client(merchant, Role.MERCHANT, shop_ids=[shop_id]) as client:
        created = []
        for n in range(limit):
            response = await client.post("/v1/webhook-endpoints",
                                         json={"url": stack.receiver.url(f"/cap/{n}"), "shop_id": shop_id})
            assert response.status_code == 201, response.text
            created.append(response.json()["id"])
        over = await client.post("/v1/webhook-endpoints",
                                 json={"url": stack.receiver.url("/cap/x"), "shop_id": shop_id})
        assert over.status_code == 409, over.text
        assert over.json()["type"].endswith("webhook-endpoint-limit-reached")
        assert "TRUST_WEBHOOK_MAX_ENDPOINTS_PER_TENANT" in over.json()["detail"]
        assert (await client.delete(f"/v1/webhook-endpoints/{created[0]}")).status_code == 200
        again = await client.post("/v1/webhook-endpoints",
                                  json={"url": stack.receiver.url("/cap/y"), "shop_id": shop_id})
        assert again.status_code == 201, again.text


async def test_webhook_and_smtp_calls_are_client_spans_and_the_receiver_gets_traceparent(stack, spans):
    """Issue 15: the receiver can join our trace; SMTP and webhook calls are client spans of the delivery."""
    creator, merchant = await stack.account(), await stack.account()
    shop_id = f"shop-{uuid.uuid4().hex[:8]}"
    path, _ = await register_endpoint(stack, merchant, shop_id=shop_id)
    spans.clear()
    await stack.publish(invitation_sent(stack, shop_invitation(stack, creator, merchant, shop_id)))
    [hook] = await eventually(lambda: stack.receiver.at(path))
    await eventually(lambda: stack.mails_to(creator))

    def client_spans():
        found = {s.name: s for s in spans.get_finished_spans() if s.kind.name == "CLIENT"}
        return found if {"webhook POST", "smtp send"} <= set(found) else None
    found = await eventually(client_spans)
    version, trace_id, span_id, _flags = hook.headers["traceparent"].split("-")
    webhook = found["webhook POST"]
    assert (trace_id, span_id) == (format(webhook.context.trace_id, "032x"), format(webhook.context.span_id, "016x"))
    assert webhook.attributes["http.response.status_code"] == 204
    assert "?" not in webhook.attributes["url.full"] and found["smtp send"].parent is not None
