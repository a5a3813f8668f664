"""The platform's account facts, published with the CLI, reach every service's projection."""
from __future__ import annotations

import asyncio
import os
import sys
import uuid

from sqlalchemy import func, select

from trust_common.projections import load_account
from trust_common.schema import inbox
from trust_common.testing.services import eventually


async def test_an_account_published_with_the_cli_appears_in_every_service_projection(
        kafka_topics, certification, employee_accounts, shop_binding, notifier):
    account_id = f"acc-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "TRUST_TOPIC_PREFIX": kafka_topics.topic_prefix,
           "TRUST_KAFKA_BOOTSTRAP": kafka_topics.kafka_bootstrap}
    cli = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "trust_common.cli.platform", "account", "register", "--id", account_id,
        "--username", "mei", "--country", "vn", "--dob", "1995-02-03", "--locale", "vi", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await cli.communicate()
    assert cli.returncode == 0, err.decode()
    assert account_id in out.decode()

    for service in (certification, employee_accounts, shop_binding, notifier):
        async def projected(service=service):
            async with service.runtime.sessions() as session:
                return await load_account(session, account_id)

        account = await eventually(projected, timeout=60)
        assert (account.country, account.locale, account.username) == ("VN", "vi", "mei")


async def test_an_older_fact_never_overwrites_a_newer_one(kafka_topics, certification):
    from trust_common.contracts.platform import AccountChanged, AccountSnapshot
    from trust_common.events import EventEnvelope
    from trust_common.kafka import create_producer

    account_id = f"acc-{uuid.uuid4().hex[:8]}"
    newer = AccountChanged(account_id=account_id, account=AccountSnapshot(account_id=account_id, username="new",
                                                                          country="SG"))
    older = AccountChanged(account_id=account_id, account=AccountSnapshot(account_id=account_id, username="old",
                                                                          country="SG"))
    producer = create_producer(kafka_topics)
    await producer.start()
    event_ids = []
    try:
        for event, sequence in ((newer, 20), (older, 10)):
            envelope = EventEnvelope.wrap(event, source="platform", sequence=sequence,
                                          occurred_at=certification.clock.now())
            event_ids.append(envelope.event_id)
            await producer.send_and_wait(kafka_topics.topic(event.topic), key=account_id.encode(),
                                         value=envelope.model_dump_json().encode())
    finally:
        await producer.stop()

    async def both_handled() -> bool:
        async with certification.runtime.sessions() as session:
            return (await session.execute(select(func.count()).select_from(inbox).where(
                inbox.c.event_id.in_(event_ids)))).scalar_one() == 2

    await eventually(both_handled)
    async with certification.runtime.sessions() as session:
        assert (await load_account(session, account_id)).username == "new"
