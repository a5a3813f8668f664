"""EMP-3, EMP-4, EMP-11 over HTTP: positions with grantable permissions, the department tree, listings."""
from __future__ import annotations


async def test_a_position_cannot_grant_a_tool_the_main_account_lacks(world):
    """EMP-3: refused with the rule id and the missing tools."""
    enterprise = await world.enterprise(tools=["live.general_live_card"], position=False)
    refused = await enterprise.admin.post(f"{enterprise.base}/positions", json={
        "name": "Host", "tools": ["live.general_live_card", "short_video.group_buy_products"], "modules": []})
    assert refused.status_code == 422
    assert refused.json()["rule"] == "EMP-3" and refused.json()["tools"] == ["short_video.group_buy_products"]
    created = await enterprise.admin.post(f"{enterprise.base}/positions", json={
        "name": "Host", "tools": ["live.general_live_card"], "modules": ["live_management"]})
    assert created.status_code == 201


async def test_only_the_back_office_modules_can_be_delegated(world):
    """EMP-4."""
    enterprise = await world.enterprise(position=False)
    refused = await enterprise.admin.post(f"{enterprise.base}/positions", json={
        "name": "Payroll", "tools": [], "modules": ["payroll"]})
    assert refused.status_code == 400 and refused.json()["rule"] == "EMP-4"


async def test_positions_can_change_and_are_listed_page_by_page(world):
    """EMP-11: a position is a name plus permissions; listings use cursors."""
    enterprise = await world.enterprise()
    second = (await enterprise.admin.post(f"{enterprise.base}/positions", json={
        "name": "Analyst", "tools": [], "modules": ["data_centre"]})).json()
    changed = await enterprise.admin.put(f"{enterprise.base}/positions/{second['id']}", json={
        "name": "Senior analyst", "tools": ["homepage.business_card"], "modules": ["data_centre"]})
    assert changed.json()["name"] == "Senior analyst" and changed.json()["tools"] == ["homepage.business_card"]
    first_page = (await enterprise.admin.get(f"{enterprise.base}/positions", params={"limit": 1})).json()
    assert len(first_page["items"]) == 1 and first_page["next_cursor"]
    second_page = (await enterprise.admin.get(f"{enterprise.base}/positions",
                                              params={"limit": 1, "cursor": first_page["next_cursor"]})).json()
    assert {first_page["items"][0]["id"], second_page["items"][0]["id"]} == {enterprise.position_id, second["id"]}
    assert second_page["next_cursor"] is None
    bad = await enterprise.admin.get(f"{enterprise.base}/positions", params={"cursor": "not-ours"})
    assert bad.status_code == 400


async def test_departments_form_a_tree_without_cycles(world):
    """EMP-11."""
    enterprise = await world.enterprise(position=False)
    base = f"{enterprise.base}/departments"
    root = (await enterprise.admin.post(base, json={"name": "HQ"})).json()
    sales = (await enterprise.admin.post(base, json={"name": "Sales", "parent_id": root["id"]})).json()
    east = (await enterprise.admin.post(base, json={"name": "East", "parent_id": sales["id"]})).json()
    assert east["parent_id"] == sales["id"]
    cycle = await enterprise.admin.patch(f"{base}/{root['id']}", json={"parent_id": east["id"]})
    assert cycle.status_code == 422 and cycle.json()["rule"] == "EMP-11"
    moved = await enterprise.admin.patch(f"{base}/{east['id']}", json={"parent_id": root["id"]})
    assert moved.json()["parent_id"] == root["id"]
    children = (await enterprise.admin.get(base, params={"parent_id": root["id"]})).json()["items"]
    assert {d["name"] for d in children} == {"Sales", "East"}
    unknown = await enterprise.admin.post(base, json={"name": "Ghost", "parent_id": "dep-missing"})
    assert unknown.status_code == 404


async def test_listings_filter_by_a_known_status_and_refuse_an_unknown_one(world):
    """EMP-5 listing: a bad filter is a problem document, never a 500."""
    enterprise = await world.enterprise()
    account = (await world.apply(enterprise)).json()
    listed = await enterprise.admin.get(f"{enterprise.base}/employee-accounts", params={"status": "reviewing"})
    assert [a["id"] for a in listed.json()["items"]] == [account["id"]]
    assert (await enterprise.admin.get(f"{enterprise.base}/employee-accounts",
                                       params={"status": "active"})).json()["items"] == []
    bogus = await enterprise.admin.get(f"{enterprise.base}/employee-accounts", params={"status": "bogus"})
    assert bogus.status_code == 422 and bogus.headers["content-type"].startswith("application/problem+json")
    bad_id = await enterprise.admin.post(f"{enterprise.base}/employee-accounts", json={
        "login_email": "x@corp.example", "password": "short", "position_id": enterprise.position_id,
        "employee": {"real_name": "A", "national_id": "12-34", "proof_of_employment": {
            "kind": "company_seal", "document_ref": "d"}}})
    assert bad_id.status_code == 400 and bad_id.json()["rule"] == "EMP-5"
