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


def test_during_a_key_rotation_tokens_of_the_old_and_the_new_key_are_both_accepted():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    def pair():
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        return private, public

    (old_private, old_public), (new_private, new_public), (rogue_private, _) = pair(), pair(), pair()
    settings = CommonSettings(environment="test", jwt_algorithms=["RS256"],
                              jwt_public_keys={"2026-01": old_public, "2026-07": new_public})
    verifier = TokenVerifier(settings)
    for kid, private in (("2026-01", old_private), ("2026-07", new_private)):
        token = mint_token(settings, f"u-{kid}", [Role.AUDITOR], private_key=private, algorithm="RS256", key_id=kid)
        assert verifier.verify(token).subject == f"u-{kid}"
    for kid in ("2026-07", "unknown"):
        forged = mint_token(settings, "u", [Role.AUDITOR], private_key=rogue_private, algorithm="RS256", key_id=kid)
        with pytest.raises(Unauthorized):
            verifier.verify(forged)
