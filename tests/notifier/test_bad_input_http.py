"""Bad input is a problem document naming what was wrong, never a 500: urls and ids that
PostgreSQL cannot store (a NUL character) in a body, a path or a query; urls that cannot be parsed."""
from __future__ import annotations

import uuid

import pytest

from notifier.domain.errors import InvalidEndpointUrl
from notifier.domain.webhooks import check_url
from trust_common.auth import Role


async def test_a_nul_character_in_a_webhook_url_or_tenant_is_a_422_naming_the_field(stack):
    shop_id = f"shop-{uuid.uuid4().hex[:8]}"
    async with stack.client("merchant-nul", Role.MERCHANT, shop_ids=[shop_id]) as merchant:
        in_url = await merchant.post("/v1/webhook-endpoints", json={"url": "https://hooks.example/\u0000",
                                                                    "shop_id": shop_id})
        in_tenant = await merchant.post("/v1/webhook-endpoints", json={"url": "https://hooks.example/a",
                                                                       "shop_id": "shop\u0000"})
        in_path = await merchant.post("/v1/webhook-endpoints/ep%00/rotate-secret")
    for response, pointer in ((in_url, "/url"), (in_tenant, "/shop_id"), (in_path, "/path/endpoint_id")):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["pointer"] == pointer


async def test_a_nul_character_in_a_notification_id_or_a_filter_is_a_422(stack):
    account_id = await stack.account()
    async with stack.client(account_id) as me, stack.client("operator-nul", Role.SUPPORT) as operator:
        read = await me.post("/v1/inbox/n%00/read")
        deliveries = await me.get("/v1/notifications/n%00/deliveries")
        dead = await operator.get("/v1/dead-letters", params={"channel": "email\x00"})
    for response, pointer in ((read, "/path/notification_id"), (deliveries, "/path/notification_id"),
                              (dead, "/query/channel")):
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["pointer"] == pointer


@pytest.mark.parametrize("url", ["https://[::1", "https://[not-an-address]/", "https://hooks.example:99999/x"])
def test_a_url_that_cannot_be_parsed_is_an_invalid_webhook_url(url):
    """NOTE-4: refused as the typed domain error, never a ValueError out of urllib."""
    with pytest.raises(InvalidEndpointUrl):
        check_url(url, allow_http=False)


async def test_registering_an_unparseable_webhook_url_is_a_400_problem(stack):
    shop_id = f"shop-{uuid.uuid4().hex[:8]}"
    async with stack.client("merchant-url", Role.MERCHANT, shop_ids=[shop_id]) as merchant:
        response = await merchant.post("/v1/webhook-endpoints", json={"url": "https://[::1", "shop_id": shop_id})
    assert response.status_code == 400, response.text
    assert response.json()["type"].endswith("/invalid-webhook-url") and response.json()["rule"] == "NOTE-4"
