"""X-4, NOTE-4: webhook signing secrets stored the old way (Fernet under one key, no key id) are
re-sealed under key ids by migration notifier_0002, and a receiver holding such a secret keeps
verifying deliveries; the migration is idempotent, needs no keys on a database without old
values, and refuses (changing nothing) when the old key does not open them."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from cryptography.fernet import Fernet
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from notifier.bootstrap import SERVICE
from notifier.domain.webhooks import SECRET_PURPOSE, new_secret
from notifier.orm import webhook_endpoints
from notifier.settings import Settings
from trust_common.migrations import alembic_config
from trust_common.sealing import Sealed, Sealer
from trust_common.testing.infrastructure import create_database, drop_database
from trust_common.testing.services import eventually

from tests.notifier.builders import invitation_sent, shop_invitation
from tests.notifier.flows import register_endpoint

OLD_MATERIAL = "dev-only-secret-not-for-production-use"  # the default TRUST_WEBHOOK_SECRET_KEY


def fernet_sealed(key_material: str, secret: str) -> str:
    """A secret as the notifier stored it before key ids (its former secrets_box.FernetBox)."""
    key = base64.urlsafe_b64encode(hashlib.sha256(key_material.encode()).digest())
    return Fernet(key).encrypt(secret.encode()).decode()


def fernet_opened(key_material: str, sealed: str) -> str:
    key = base64.urlsafe_b64encode(hashlib.sha256(key_material.encode()).digest())
    return Fernet(key).decrypt(sealed.encode()).decode()


def endpoint_row(endpoint_id: str, tenant_id: str, url: str, sealed: str) -> dict[str, Any]:
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    return dict(id=endpoint_id, tenant_kind="shop", tenant_id=tenant_id, url=url, active=True, created_by="merchant",
                created_at=now, secrets=[{"sealed": sealed, "created_at": now.isoformat(), "retires_at": None}])


async def migrate(url: str, *, to: str = "heads", rerun_from: str | None = None) -> None:
    """Run the migrations as `<service>-migrate` does; `rerun_from` first stamps the notifier
    branch back so notifier_0002 runs again over what it already converted."""
    def run() -> None:
        config = alembic_config(SERVICE.migrations, url)
        if rerun_from:
            command.stamp(config, rerun_from)
        command.upgrade(config, to)
    await asyncio.to_thread(run)


async def stored_secrets(url: str, endpoint_id: str) -> list[dict[str, Any]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(select(webhook_endpoints.c.secrets).where(
                webhook_endpoints.c.id == endpoint_id))).scalar_one()
    finally:
        await engine.dispose()


async def test_a_secret_sealed_with_fernet_still_verifies_webhooks_after_the_migration(stack):
    """X-4, NOTE-4: the stored Fernet token becomes `<key id>:<AES-GCM>` under the active key; the
    receiver, holding the secret it was shown before, verifies the next delivery's signature."""
    url = stack.service.settings.database_url.get_secret_value()
    creator, merchant = await stack.account(), await stack.account()
    shop_id = f"shop-{uuid.uuid4().hex[:8]}"
    path, secret, endpoint_id = f"/hooks/{uuid.uuid4().hex[:8]}", new_secret(), str(uuid.uuid4())
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(insert(webhook_endpoints).values(endpoint_row(
                endpoint_id, shop_id, stack.receiver.url(path), fernet_sealed(OLD_MATERIAL, secret))))
    finally:
        await engine.dispose()
    _, current = await register_endpoint(stack, merchant, shop_id=f"shop-{uuid.uuid4().hex[:8]}")
    current_before = await stored_secrets(url, current["id"])

    await migrate(url, rerun_from="notifier_0001")
    [entry] = await stored_secrets(url, endpoint_id)
    sealed = Sealed.parse(entry["sealed"])
    settings = stack.service.settings
    assert sealed.key_id == settings.webhook_secret_active_key_id and secret not in entry["sealed"]
    sealer = Sealer.from_settings(settings.webhook_secret_keys, settings.webhook_secret_active_key_id)
    assert sealer.open(SECRET_PURPOSE, sealed) == secret
    assert await stored_secrets(url, current["id"]) == current_before  # values under key ids are left alone
    await migrate(url, rerun_from="notifier_0001")  # again: nothing left to convert
    assert await stored_secrets(url, endpoint_id) == [entry]

    stack.receiver.secrets[path] = secret
    await stack.publish(invitation_sent(stack, shop_invitation(stack, creator, merchant, shop_id)))
    [hook] = await eventually(lambda: stack.receiver.at(path))
    assert hook.verified and hook.headers["trust-delivery-id"]


async def test_the_migration_needs_no_keys_without_old_values_and_refuses_a_key_that_does_not_open_them(
        namespace, monkeypatch):
    """X-4: an empty database migrates whatever the keys; a wrong old key stops the migration with the
    database unchanged; the right one converts, and a downgrade seals the old way again."""
    name = f"notifier_reseal_{namespace}"
    url = await create_database(name)
    try:
        monkeypatch.setenv("TRUST_WEBHOOK_SECRET_ACTIVE_KEY_ID", "no-such-key")  # no Sealer can be built
        await migrate(url)
        await asyncio.to_thread(command.downgrade, alembic_config(SERVICE.migrations, url), "notifier_0001")
        monkeypatch.delenv("TRUST_WEBHOOK_SECRET_ACTIVE_KEY_ID")

        secret, endpoint_id = new_secret(), str(uuid.uuid4())
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.execute(insert(webhook_endpoints).values(endpoint_row(
                    endpoint_id, "shop-1", "https://hooks.example/a", fernet_sealed(OLD_MATERIAL, secret))))
        finally:
            await engine.dispose()
        before = await stored_secrets(url, endpoint_id)

        monkeypatch.setenv("TRUST_WEBHOOK_SECRET_KEY", "some-other-key-material")
        with pytest.raises(RuntimeError, match="does not open with TRUST_WEBHOOK_SECRET_KEY"):
            await migrate(url)
        assert await stored_secrets(url, endpoint_id) == before
        assert await _notifier_revision(url) == "notifier_0001"

        monkeypatch.delenv("TRUST_WEBHOOK_SECRET_KEY")
        await migrate(url)
        [entry] = await stored_secrets(url, endpoint_id)
        settings = Settings()
        sealer = Sealer.from_settings(settings.webhook_secret_keys, settings.webhook_secret_active_key_id)
        assert sealer.open(SECRET_PURPOSE, Sealed.parse(entry["sealed"])) == secret

        await asyncio.to_thread(command.downgrade, alembic_config(SERVICE.migrations, url), "notifier_0001")
        [entry] = await stored_secrets(url, endpoint_id)
        assert fernet_opened(OLD_MATERIAL, entry["sealed"]) == secret
    finally:
        await drop_database(name)


async def _notifier_revision(url: str) -> str:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            versions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars()
            return next(v for v in versions if v.startswith("notifier_"))
    finally:
        await engine.dispose()
