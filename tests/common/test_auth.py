"""Bearer tokens: pinned algorithms, issuer, audience and expiry are all checked."""
from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from trust_common.auth import Role, TokenVerifier, mint_token
from trust_common.problems import Forbidden, Unauthorized
from trust_common.settings import CommonSettings

SETTINGS = CommonSettings(environment="test")


def test_a_valid_token_yields_the_principal_with_roles_and_owned_ids():
    token = mint_token(SETTINGS, "m-1", [Role.MERCHANT], account_id="acc-1", shop_ids=["s-1", "s-2"])
    principal = TokenVerifier(SETTINGS).verify(token)
    assert principal.subject == "m-1"
    assert principal.roles == {Role.MERCHANT}
    assert principal.account_id == "acc-1"
    assert principal.shop_ids == {"s-1", "s-2"}
    assert principal.has(Role.MERCHANT) and not principal.has(Role.AUDITOR)


@pytest.mark.parametrize("claims, message", [
    ({"aud": "someone-else"}, "(?i)audience"),
    ({"iss": "https://evil.example"}, "(?i)issuer"),
])
def test_tokens_for_another_audience_or_issuer_are_refused(claims, message):
    payload = jwt.decode(mint_token(SETTINGS, "u", [Role.CREATOR]), options={"verify_signature": False})
    payload.update(claims)
    token = jwt.encode(payload, SETTINGS.jwt_secret.get_secret_value(), algorithm="HS256")
    with pytest.raises(Unauthorized, match=message):
        TokenVerifier(SETTINGS).verify(token)


def test_an_expired_token_is_refused():
    token = mint_token(SETTINGS, "u", [Role.CREATOR], ttl=timedelta(seconds=-5))
    with pytest.raises(Unauthorized, match="expired"):
        TokenVerifier(SETTINGS).verify(token)


def test_unsigned_tokens_and_unpinned_algorithms_are_refused():
    payload = jwt.decode(mint_token(SETTINGS, "u", [Role.AUDITOR]), options={"verify_signature": False})
    unsigned = jwt.encode(payload, key=None, algorithm="none")
    other_algorithm = jwt.encode(payload, SETTINGS.jwt_secret.get_secret_value(), algorithm="HS512")
    for token in (unsigned, other_algorithm):
        with pytest.raises(Unauthorized):
            TokenVerifier(SETTINGS).verify(token)


def test_a_token_signed_with_another_key_is_refused():
    token = mint_token(CommonSettings(environment="test", jwt_secret="another-secret-of-sufficient-length!!"),
                       "u", [Role.AUDITOR])
    with pytest.raises(Unauthorized):
        TokenVerifier(SETTINGS).verify(token)


def test_a_principal_without_the_role_is_forbidden():
    principal = TokenVerifier(SETTINGS).verify(mint_token(SETTINGS, "u", [Role.CREATOR]))
    with pytest.raises(Forbidden):
        principal.require(Role.AUDITOR)
