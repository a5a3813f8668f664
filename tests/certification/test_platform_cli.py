"""`trust-platform` publishes every fact the rules read, and changing one fact keeps the others (issue 14
item 4): accounts with their status, penalties, tools, permissions, identities and login methods (CERT-9), and
the sister app's certifications (CERT-9), read by the certification service from the real bus."""
from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import timedelta

from trust_common.projections import load_account
from trust_common.testing.platform import new_id
from trust_common.testing.services import eventually

from tests.certification.flows import BRAND, holder


async def cli(kafka_topics, state, *args: str) -> str:
    env = {**os.environ, "TRUST_TOPIC_PREFIX": kafka_topics.topic_prefix,
           "TRUST_KAFKA_BOOTSTRAP": kafka_topics.kafka_bootstrap,
           "TRUST_ENVIRONMENT": os.environ.get("TRUST_ENVIRONMENT", "test")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "trust_common.cli.platform", "--state", str(state), *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


async def projected(service, account_id: str, check):
    async def found():
        async with service.runtime.sessions() as session:
            account = await load_account(session, account_id)
        return account if account is not None and check(account) else None

    return await eventually(found, timeout=60)


async def test_account_set_changes_one_fact_and_keeps_the_others(kafka_topics, certification, tmp_path):
    """Issue 14 item 4: `account set --status banned` keeps the tools, penalties, login methods and the rest."""
    state, account_id = tmp_path / "platform.json", new_id("acc")
    await cli(kafka_topics, state, "account", "register", "--id", account_id, "--username", "mei", "--country", "cn",
              "--tool", "live.general_live_card", "--login-method", "sister_app:tt-1", "--penalty",
              "live_restricted:2027-01-31", "--creator-marketplace-identity", "--real-name-verified")
    await cli(kafka_topics, state, "account", "set", "--id", account_id, "--status", "banned",
              "--ecommerce-permission-revoked")
    account = await projected(certification, account_id, lambda a: a.status == "banned")
    assert account.username == "mei" and account.country == "CN" and account.real_name_verified
    assert account.tools == ["live.general_live_card"] and account.creator_marketplace_identity
    assert [(m.kind, m.reference) for m in account.login_methods] == [("sister_app", "tt-1")]
    assert [(p.kind, str(p.until)) for p in account.penalties] == [("live_restricted", "2027-01-31")]
    assert account.ecommerce_permission_revoked
    await cli(kafka_topics, state, "account", "set", "--id", account_id, "--clear-penalties", "--drop-tool",
              "live.general_live_card", "--no-ecommerce-permission-revoked")
    account = await projected(certification, account_id, lambda a: not a.penalties)
    assert account.status == "banned" and account.tools == [] and not account.ecommerce_permission_revoked
    shown = json.loads(await cli(kafka_topics, state, "account", "show", "--id", account_id))
    assert shown["status"] == "banned" and shown["login_methods"] == [{"kind": "sister_app", "reference": "tt-1"}]


async def test_the_sister_apps_certification_published_with_the_cli_can_be_synced(kafka_topics, certification,
                                                                                    clock, tmp_path):
    """CERT-9: the sister app's facts come from `trust-platform sister-app`; the account's login method from
    `account set --login-method`; then the account syncs, and `sister-app set --status cancelled` ends it."""
    state, account_id, sister, reference = tmp_path / "p.json", new_id("acc"), new_id("tt"), new_id("toutiao")
    await cli(kafka_topics, state, "account", "register", "--id", account_id, "--username", f"{BRAND} Official",
              "--country", "CN")
    await cli(kafka_topics, state, "account", "set", "--id", account_id, "--login-method", f"sister_app:{sister}")
    await projected(certification, account_id, lambda a: bool(a.login_methods))
    until = (clock.now() + timedelta(days=300)).isoformat()
    await cli(kafka_topics, state, "sister-app", "certify", "--reference", reference, "--sister-account", sister,
              "--enterprise-name", "Acme Coffee Co., Ltd.", "--display-name", BRAND, "--valid-until", until,
              "--username", BRAND)

    async def synced():
        async with holder(certification, account_id) as client:
            response = await client.post("/v1/certifications/sync", json={"source_reference": reference})
        return response.json() if response.status_code == 201 else None

    app = await eventually(synced, timeout=60)
    await cli(kafka_topics, state, "sister-app", "set", "--reference", reference, "--status", "cancelled")

    async def ended():
        async with holder(certification, account_id) as client:
            return (await client.get(f"/v1/applications/{app['id']}")).json()["status"] == "expired"

    await eventually(ended, timeout=60)
