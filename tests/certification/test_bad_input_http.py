"""Bad input is a problem document naming what was wrong, never a 500: field values and ids that
PostgreSQL cannot store (a NUL character), values longer than a name can be, forged cursors."""
from __future__ import annotations

import base64
import json

from tests.certification.flows import holder, seed_account


async def test_a_nul_character_in_a_field_name_or_value_is_a_422_naming_the_field(certification):
    account = await seed_account(certification)
    async with holder(certification, account.account_id) as client:
        in_value = await client.post("/v1/applications", json={
            "certification_type": "personal", "channel": "pc", "fields": {"title": "Chef\u0000"}})
        in_name = await client.post("/v1/applications", json={
            "certification_type": "personal", "channel": "pc", "fields": {"ti\u0000tle": "Chef"}})
        draft = (await client.post("/v1/applications", json={"certification_type": "personal", "channel": "pc"}))
        update = await client.patch(f"/v1/applications/{draft.json()['id']}",
                                    json={"fields": {"title": "Chef\u0000"}})
    for response in (in_value, in_name, update):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
    assert in_value.json()["errors"][0]["pointer"] == "/fields/title"
    assert update.json()["errors"][0]["pointer"] == "/fields/title"


async def test_a_field_value_longer_than_a_name_is_a_422(certification):
    account = await seed_account(certification)
    async with holder(certification, account.account_id) as client:
        response = await client.post("/v1/applications", json={
            "certification_type": "personal", "channel": "pc", "fields": {"title": "x" * 201}})
    assert response.status_code == 422 and response.json()["errors"][0]["pointer"] == "/fields/title"


async def test_a_nul_character_in_an_application_id_is_a_422_not_a_database_error(certification):
    account = await seed_account(certification)
    async with holder(certification, account.account_id) as client:
        response = await client.get("/v1/applications/app%00")
        history = await client.get("/v1/applications/app%00/history")
    for r in (response, history):
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["pointer"] == "/path/application_id"


async def test_a_forged_history_cursor_with_a_huge_number_is_a_400(certification):
    account = await seed_account(certification)
    async with holder(certification, account.account_id) as client:
        app = (await client.post("/v1/applications", json={"certification_type": "personal", "channel": "pc"})).json()
        cursor = base64.urlsafe_b64encode(json.dumps([10**30]).encode()).decode().rstrip("=")
        response = await client.get(f"/v1/applications/{app['id']}/history", params={"cursor": cursor})
    assert response.status_code == 400, response.text
    assert response.json()["parameter"] == "cursor"
