"""Issue 13 over HTTP: sign-in attempt limits per account and per client address with back-off (PostgreSQL-backed,
429 + Retry-After, no Argon2 for a refused attempt), the cap on face checks per activation, every session ended by
a password change, and authentication answers that are never stored."""
from __future__ import annotations

import asyncio
import hashlib
from contextlib import asynccontextmanager
from typing import Any

import httpx

from employee_accounts.domain.throttling import ACCOUNT_LIMIT, ADDRESS_LIMIT, FACE_CHECK_LIMIT

from tests.employee_accounts.builders import MOBILE, face_of, national_id, new_id
from tests.employee_accounts.flows import scalar


class Counting:
    """Wraps an adapter and counts the calls of one method (Argon2 verifications, provider calls)."""

    def __init__(self, inner: Any, method: str) -> None:
        self.inner, self.method, self.calls = inner, method, 0

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.inner, name)
        if name != self.method:
            return attribute

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return await attribute(*args, **kwargs)

        return counted


@asynccontextmanager
async def counting(world, adapter: str, method: str):
    original = getattr(world.service.adapters, adapter)
    counter = Counting(original, method)
    world.service.replace_adapters(**{adapter: counter})
    try:
        yield counter
    finally:
        world.service.replace_adapters(**{adapter: original})


def from_address(world, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=world.service.app, client=(address, 40000)),
                             base_url="http://test")


async def _sign_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/v1/employee/sessions", json={"login_email": email, "password": password},
                             headers=MOBILE)


async def test_wrong_passwords_back_off_per_account_without_argon2_and_the_right_one_works_after(world):
    """Issue 13: 30 wrong passwords in a row: ACCOUNT_LIMIT are verified, the rest are 429 + Retry-After and cost
    no Argon2; after the back-off the right password signs in and clears the count."""
    enterprise = await world.enterprise()
    account = await world.approved_account(enterprise)
    async with counting(world, "passwords", "verify") as argon2, from_address(world, "198.51.100.10") as app:
        answers = [await _sign_in(app, account["email"], f"Wrong-{i}-pass") for i in range(30)]
        codes = [a.status_code for a in answers]
        assert codes == [401] * ACCOUNT_LIMIT + [429] * (30 - ACCOUNT_LIMIT), codes
        assert argon2.calls == ACCOUNT_LIMIT
        throttled = answers[-1]
        assert throttled.json()["type"].endswith("/sign-in-throttled") and throttled.json()["rule"] == "EMP-8"
        wait = int(throttled.headers["Retry-After"])
        assert 1 <= wait <= 15 * 60
        assert throttled.headers["cache-control"] == "no-store"
        still = await _sign_in(app, account["email"], account["password"])  # even the right one waits
        assert still.status_code == 429 and argon2.calls == ACCOUNT_LIMIT
        world.service.clock.advance(seconds=wait)
        signed_in = await _sign_in(app, account["email"], account["password"])
        assert signed_in.status_code == 201, signed_in.text
    key = "account:" + hashlib.sha256(account["email"].encode()).hexdigest()
    assert await scalar(world.service, "SELECT count(*) FROM sign_in_attempts WHERE key = :k", k=key) == 0


async def test_a_parallel_burst_is_limited_too(world):
    """Issue 13: attempts are counted before Argon2 under a row lock, so 20 at once verify at most the limit."""
    enterprise = await world.enterprise()
    account = await world.approved_account(enterprise)
    async with counting(world, "passwords", "verify") as argon2, from_address(world, "198.51.100.11") as app:
        answers = await asyncio.gather(*(_sign_in(app, account["email"], "Wrong-pass-1") for _ in range(20)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [401] * ACCOUNT_LIMIT + [429] * (20 - ACCOUNT_LIMIT), codes
    assert argon2.calls == ACCOUNT_LIMIT


async def test_one_client_address_is_limited_across_accounts(world):
    """Issue 13: guessing over many login emails from one address is limited; another address is not."""
    emails = [f"{new_id('nobody')}@corp.example" for _ in range(ADDRESS_LIMIT + 3)]
    async with from_address(world, "203.0.113.77") as attacker:
        codes = [(await _sign_in(attacker, email, "Guess-pass-1")).status_code for email in emails]
    assert codes == [401] * ADDRESS_LIMIT + [429] * 3, codes
    async with from_address(world, "203.0.113.78") as other:
        assert (await _sign_in(other, emails[-1], "Guess-pass-1")).status_code == 401


async def test_face_checks_are_capped_per_activation(world):
    """Issue 13 / EMP-8: each check is a paid provider call; after the cap, 429 + Retry-After and no call."""
    enterprise = await world.enterprise()
    account = await world.approved_account(enterprise)
    login = await world.log_in(account["email"], account["password"])
    session = {**MOBILE, "X-Employee-Session": login.json()["session_token"]}
    async with counting(world, "face_check", "verify") as provider, world.service.client() as app:
        for _ in range(FACE_CHECK_LIMIT):
            wrong = await app.post("/v1/employee/activation/face-verification",
                                   json={"capture": face_of(national_id())}, headers=session)
            assert wrong.status_code == 422
        capped = await app.post("/v1/employee/activation/face-verification",
                                json={"capture": face_of(account["national_id"])}, headers=session)
        assert capped.status_code == 429 and capped.json()["rule"] == "EMP-8"
        assert int(capped.headers["Retry-After"]) > 0
        assert provider.calls == FACE_CHECK_LIMIT
        world.service.clock.advance(hours=24)
        login = await world.log_in(account["email"], account["password"])  # the session outlived its 12 hours
        session = {**MOBILE, "X-Employee-Session": login.json()["session_token"]}
        passed = await app.post("/v1/employee/activation/face-verification",
                                json={"capture": face_of(account["national_id"])}, headers=session)
        assert passed.status_code == 200, passed.text


async def test_a_password_change_ends_every_session_including_those_of_the_initial_password(world):
    """Issue 13: the enterprise admin knows the initial password; its sessions die with the change."""
    enterprise = await world.enterprise()
    account = await world.approved_account(enterprise)
    sessions = []
    for _ in range(2):
        login = await world.log_in(account["email"], account["password"])
        sessions.append({**MOBILE, "X-Employee-Session": login.json()["session_token"]})
    async with world.service.client() as app:
        for path, body in (("face-verification", {"capture": face_of(account["national_id"])}),
                           ("phone", {"phone": "+86 138 0013 8000"}),
                           ("password", {"current_password": "Initial-Pass-1", "new_password": "New-Pass-22"})):
            assert (await app.post(f"/v1/employee/activation/{path}", json=body,
                                   headers=sessions[0])).status_code == 200
        for session in sessions:
            assert (await app.get("/v1/employee/me", headers=session)).status_code == 401
    assert (await world.log_in(account["email"], "New-Pass-22")).status_code == 201


async def test_a_sign_in_with_an_idempotency_key_keeps_no_token_and_a_replay_does_not_hand_it_out(world):
    """Issue 13: authentication answers are `no-store`, and the idempotency store never keeps them."""
    enterprise = await world.enterprise()
    account = await world.approved_account(enterprise)
    key = new_id("idem")
    headers = {**MOBILE, "Idempotency-Key": key}
    body = {"login_email": account["email"], "password": account["password"]}
    # With a bearer token too: the store keys authenticated callers, so this is the case where it could keep it.
    async with world.service.client("someone", "employee", account_id="someone") as app:
        first = await app.post("/v1/employee/sessions", json=body, headers=headers)
        assert first.status_code == 201 and first.headers["cache-control"] == "no-store"
        token = first.json()["session_token"]
        again = await app.post("/v1/employee/sessions", json=body, headers=headers)
    assert token not in again.text
    assert await scalar(world.service, "SELECT count(*) FROM idempotency_keys WHERE key = :k "
                        "AND position(:t IN convert_from(coalesce(response_body, ''), 'UTF8')) > 0",
                        k=key, t=token) == 0
    async with world.service.client() as app:
        me = await app.get("/v1/employee/me", headers={**MOBILE, "X-Employee-Session": token})
    assert me.status_code == 200 and me.headers["cache-control"] == "no-store"
