"""Bearer tokens (issue 13, item 3): a maximum lifetime, a required subject, and 401 bodies that
say which class of failure it was without repeating the JWT library's messages."""
from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from trust_common.auth import Role, TokenVerifier, mint_token
from trust_common.problems import Unauthorized
from trust_common.settings import CommonSettings

SETTINGS = CommonSettings(environment="test")
# What PyJWT says, and 401 bodies must not: it describes what the verifier expected.
LIBRARY_WORDS = ("Signature verification failed", "doesn't match", "Invalid", "Not enough segments",
                 "Expected", "Token is missing", "Audience", "Invalid issuer")


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def signed(claims: dict, secret: str | None = None) -> str:
    return jwt.encode(claims, secret or SETTINGS.jwt_secret.get_secret_value(), algorithm="HS256")


@pytest.mark.parametrize("ttl", [timedelta(hours=24, seconds=1), timedelta(days=365 * 100)])
def test_a_token_living_longer_than_the_maximum_is_refused(ttl):
    with pytest.raises(Unauthorized, match="lives longer"):
        TokenVerifier(SETTINGS).verify(mint_token(SETTINGS, "u", [Role.CREATOR], ttl=ttl))


def test_a_token_of_exactly_the_maximum_lifetime_is_accepted_and_the_maximum_is_a_setting():
    token = mint_token(SETTINGS, "u", [Role.CREATOR], ttl=timedelta(hours=24))
    assert TokenVerifier(SETTINGS).verify(token).subject == "u"
    shorter = CommonSettings(environment="test", jwt_max_lifetime_seconds=600)
    with pytest.raises(Unauthorized):
        TokenVerifier(shorter).verify(token)


@pytest.mark.parametrize("subject", ["", " ", "\t"])
def test_a_token_with_an_empty_subject_is_refused(subject):
    with pytest.raises(Unauthorized, match="no subject"):
        TokenVerifier(SETTINGS).verify(mint_token(SETTINGS, subject, [Role.AUDITOR]))


@pytest.mark.parametrize("claims", [{"roles": "auditor"}, {"roles": [1]}, {"shop_ids": 5},
                                    {"enterprise_ids": [{"a": 1}]}, {"account_id": ["a"]}])
def test_a_signed_token_with_malformed_claims_is_a_401_not_a_500(claims):
    token = signed({**claims_of(mint_token(SETTINGS, "u", [Role.CREATOR])), **claims})
    with pytest.raises(Unauthorized):
        TokenVerifier(SETTINGS).verify(token)


def _forgeries() -> dict[str, str]:
    good = mint_token(SETTINGS, "u", [Role.CREATOR])
    payload = claims_of(good)
    return {
        "another key": signed(payload, "another-secret-of-a-sufficient-length-1234"),
        "another audience": signed({**payload, "aud": "elsewhere"}),
        "another issuer": signed({**payload, "iss": "https://evil.example"}),
        "no expiry": signed({k: v for k, v in payload.items() if k != "exp"}),
        "expired": mint_token(SETTINGS, "u", [Role.CREATOR], ttl=timedelta(seconds=-5)),
        "garbage": "not-a-token",
        "unsigned": jwt.encode(payload, key=None, algorithm="none"),
        "truncated": good[:-10],
    }


async def test_401_bodies_name_the_failure_class_and_never_the_library_message(shop_binding):
    details = {}
    for name, token in _forgeries().items():
        async with shop_binding.client() as client:
            response = await client.get("/v1/support/cases", headers={"authorization": f"Bearer {token}"})
        assert response.status_code == 401, name
        assert response.headers["www-authenticate"] == "Bearer"
        details[name] = response.json()["detail"]
        assert not any(word in details[name] for word in LIBRARY_WORDS), (name, details[name])
    assert details["expired"] == "the bearer token has expired"
    assert details["another audience"] == "the bearer token is meant for another audience"
    assert details["another key"] == "the bearer token's signature does not verify"
    assert details["garbage"] == "the bearer token is not valid"


async def test_a_running_service_refuses_a_century_long_token_and_an_empty_subject(shop_binding):
    century = shop_binding.token("support-1", Role.SUPPORT, ttl=timedelta(days=36500))
    nobody = shop_binding.token("", Role.SUPPORT)
    fine = shop_binding.token("support-1", Role.SUPPORT)
    async with shop_binding.client() as client:
        answers = [(await client.get("/v1/support/cases", headers={"authorization": f"Bearer {t}"})).status_code
                   for t in (century, nobody, fine)]
    assert answers == [401, 401, 200]
