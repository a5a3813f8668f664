"""Steps a test takes through the notifier's API."""
from __future__ import annotations

import uuid
from typing import Any

from trust_common.auth import Role


async def register_endpoint(stack: Any, owner: str, *, shop_id: str | None = None,
                            enterprise_id: str | None = None) -> tuple[str, dict[str, Any]]:
    """Register a webhook endpoint on the session's receiver; the receiver keeps the secret shown."""
    path = f"/hooks/{uuid.uuid4().hex[:8]}"
    if shop_id:
        client = stack.client(owner, Role.MERCHANT, shop_ids=[shop_id])
        body = {"url": stack.receiver.url(path), "shop_id": shop_id}
    else:
        client = stack.client(owner, Role.ENTERPRISE_ADMIN, enterprise_ids=[enterprise_id])
        body = {"url": stack.receiver.url(path), "enterprise_id": enterprise_id}
    async with client:
        response = await client.post("/v1/webhook-endpoints", json=body)
    assert response.status_code == 201, response.text
    stack.receiver.secrets[path] = response.json()["secret"]
    return path, response.json()
