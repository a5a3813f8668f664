"""Bearer-token auth: JWT verification with pinned algorithms and checked iss/aud/exp, and the
principal a request acts as (its roles and the ids it owns, X-3)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request

from trust_common.clock import Clock, SystemClock
from trust_common.problems import Forbidden, Unauthorized
from trust_common.settings import CommonSettings


class Role(StrEnum):
    ACCOUNT_HOLDER = "account_holder"
    ENTERPRISE_ADMIN = "enterprise_admin"
    EMPLOYEE = "employee"
    MERCHANT = "merchant"
    CREATOR = "creator"
    AUDITOR = "auditor"
    SUPPORT = "support"
    SERVICE = "internal_service"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a subject, its roles, and what it owns."""

    subject: str
    roles: frozenset[Role]
    account_id: str | None = None  # the platform account this principal acts as
    enterprise_ids: frozenset[str] = field(default_factory=frozenset)
    shop_ids: frozenset[str] = field(default_factory=frozenset)
    employee_account_id: str | None = None

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)

    def require(self, *roles: Role) -> Principal:
        if not self.has(*roles):
            raise Forbidden(f"requires one of the roles: {', '.join(sorted(roles))}")
        return self

    def require_account(self) -> str:
        if not self.account_id:
            raise Forbidden("this token does not act for a platform account")
        return self.account_id


class TokenVerifier:
    """Verifies bearer tokens against the configured key, issuer and audience."""

    def __init__(self, settings: CommonSettings) -> None:
        self._algorithms = list(settings.jwt_algorithms)
        asymmetric = any(a.startswith(("RS", "ES", "PS", "Ed")) for a in self._algorithms)
        self._key: Any = settings.jwt_public_key if asymmetric else settings.jwt_secret.get_secret_value()
        self._keys_by_id = dict(settings.jwt_public_keys) if asymmetric else {}
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._max_lifetime = settings.jwt_max_lifetime_seconds

    def _key_for(self, token: str) -> Any:
        if not self._keys_by_id:
            return self._key
        kid = jwt.get_unverified_header(token).get("kid")
        if kid in self._keys_by_id:
            return self._keys_by_id[kid]
        if self._key is not None:
            return self._key
        raise Unauthorized("the bearer token is signed with an unknown key")

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(token, self._key_for(token), algorithms=self._algorithms, audience=self._audience,
                                issuer=self._issuer, options={"require": ["exp", "iat", "sub", "iss", "aud"]})
        except jwt.PyJWTError as error:
            # One fixed detail per failure class: the library's own messages describe what the
            # verifier expected, which is no business of whoever sent the token.
            raise Unauthorized(_failure_detail(error)) from error
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject.strip():
            raise Unauthorized("the bearer token names no subject")
        # PyJWT has checked that both convert to integers.
        if int(claims["exp"]) - int(claims["iat"]) > self._max_lifetime:
            raise Unauthorized("the bearer token lives longer than this API accepts")
        try:
            roles = frozenset(Role(r) for r in _strings(claims.get("roles", [])))
            return Principal(
                subject=subject, roles=roles, account_id=_optional_string(claims.get("account_id")),
                enterprise_ids=frozenset(_strings(claims.get("enterprise_ids", []))),
                shop_ids=frozenset(_strings(claims.get("shop_ids", []))),
                employee_account_id=_optional_string(claims.get("employee_account_id")),
            )
        except ValueError as error:
            raise Unauthorized("the bearer token carries a claim this API does not understand") from error


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of strings")
    return value


def _optional_string(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError("expected a string")
    return value


# Most specific first: several of PyJWT's errors subclass others.
_FAILURES: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "the bearer token has expired"),
    (jwt.ImmatureSignatureError, "the bearer token is not valid yet"),
    (jwt.InvalidAudienceError, "the bearer token is meant for another audience"),
    (jwt.InvalidIssuerError, "the bearer token comes from another issuer"),
    (jwt.MissingRequiredClaimError, "the bearer token lacks a required claim"),
    (jwt.InvalidSignatureError, "the bearer token's signature does not verify"),
    (jwt.InvalidAlgorithmError, "the bearer token is signed with an algorithm this API does not accept"),
)


def _failure_detail(error: jwt.PyJWTError) -> str:
    for kind, detail in _FAILURES:
        if isinstance(error, kind):
            return detail
    return "the bearer token is not valid"


def mint_token(settings: CommonSettings, subject: str, roles: list[Role] | list[str], *,
               account_id: str | None = None, enterprise_ids: list[str] | None = None,
               shop_ids: list[str] | None = None, employee_account_id: str | None = None,
               ttl: timedelta = timedelta(hours=1), clock: Clock | None = None, private_key: Any = None,
               algorithm: str | None = None, key_id: str | None = None) -> str:
    """Issue a token as the platform's identity provider would; for development and tests."""
    now: datetime = (clock or SystemClock()).now()
    claims: dict[str, Any] = {
        "sub": subject, "iss": settings.jwt_issuer, "aud": settings.jwt_audience,
        "iat": int(now.timestamp()), "exp": int((now + ttl).timestamp()),
        "roles": [str(r) for r in roles],
    }
    for name, value in (("account_id", account_id), ("enterprise_ids", enterprise_ids),
                        ("shop_ids", shop_ids), ("employee_account_id", employee_account_id)):
        if value:
            claims[name] = value
    algorithm = algorithm or settings.jwt_algorithms[0]
    key = private_key or settings.jwt_secret.get_secret_value()
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": key_id} if key_id else None)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_principal(request: Request) -> Principal:
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("send a bearer token in the Authorization header")
    return request.app.state.runtime.verifier.verify(token)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def requires(*roles: Role) -> Any:
    """A dependency that admits only principals holding one of `roles`."""

    def check(principal: CurrentPrincipal) -> Principal:
        return principal.require(*roles)

    return Depends(check)
