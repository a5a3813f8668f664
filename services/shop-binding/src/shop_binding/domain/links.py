"""Business-centre links (LINK-1): a platform account and a business-centre account, one-to-one, made with
the user's consent to the centre's terms and access (LINK-2)."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shop_binding.domain.errors import AlreadyLinked, ConsentMissing, LinkNotFound, MarketNotEnabled
from trust_common.contracts.shop_binding import (
    BusinessCentreLinkCreatedV2,
    BusinessCentreLinkRemovedV2,
    LinkAccessScope,
    LinkEntryPoint,
)
from trust_common.domain import Aggregate


@dataclass(frozen=True)
class ControlProof:
    """LINK-1: the business centre's signed assertion that a platform account controls a business-centre
    account, issued when the user signed in there (`issued_at` in unix seconds)."""

    issued_at: int
    signature: str


@dataclass(frozen=True)
class Consent:
    """LINK-2: the business centre's terms the user accepted and the access they authorised ("Ủy quyền")."""

    terms_version: str
    scopes: tuple[LinkAccessScope, ...]

    def require_valid(self, current_terms_version: str) -> None:
        """The current terms, and at least the profile (the centre shows the account's name, LINK-1)."""
        if self.terms_version != current_terms_version:
            raise ConsentMissing("terms_outdated", f"accept the business centre's current terms "
                                                   f"({current_terms_version}), not {self.terms_version}")
        if LinkAccessScope.PROFILE_READ not in self.scopes:
            raise ConsentMissing("profile_scope_required",
                                 f"the authorisation must include {LinkAccessScope.PROFILE_READ.value}")


class LinkStatus(StrEnum):
    LINKED = "linked"
    REMOVED = "removed"


class BusinessCentreLink(Aggregate):
    """One link; at most one live link per platform account and per business-centre account."""

    def __init__(self, link_id: str, platform_account_id: str, business_centre_account_id: str,
                 entry_point: LinkEntryPoint, market: str, consent: Consent, now: datetime) -> None:
        self.link_id = link_id
        self.platform_account_id = platform_account_id
        self.business_centre_account_id = business_centre_account_id
        self.entry_point = LinkEntryPoint(entry_point)
        self.market = market
        self.status = LinkStatus.LINKED
        self.created_at = now
        self.removed_at: datetime | None = None
        # LINK-2: what the user accepted and authorised, and when; unlinking revokes the authorisation.
        self.terms_version: str | None = consent.terms_version
        self.scopes: list[str] | None = sorted({LinkAccessScope(s).value for s in consent.scopes})
        self.consented_at: datetime | None = now
        self.authorisation_revoked_at: datetime | None = None

    @classmethod
    def link(cls, *, link_id: str, platform_account_id: str, business_centre_account_id: str,
             entry_point: LinkEntryPoint, market: str, enabled_markets: Collection[str],
             consent: Consent | None, current_terms_version: str,
             link_of_account: BusinessCentreLink | None, link_of_business_centre: BusinessCentreLink | None,
             now: datetime) -> BusinessCentreLink:
        """LINK-1: link from a recorded entry point, only in enabled markets, never to a second account;
        the same pair again is the live link (nothing new). LINK-2: only with consent to the current terms
        and an authorisation that includes the profile."""
        if consent is None:
            raise ConsentMissing("missing", "accept the business centre's terms and authorise its access (consent)")
        consent.require_valid(current_terms_version)
        if (link_of_account is not None and link_of_account.is_live
                and link_of_account.business_centre_account_id == business_centre_account_id):
            return link_of_account
        if market.upper() not in {m.upper() for m in enabled_markets}:
            raise MarketNotEnabled(f"business-centre links are not enabled in market {market}")
        for existing in (link_of_account, link_of_business_centre):
            if existing is not None and existing.is_live:
                raise AlreadyLinked("already linked to another account")
        link = cls(link_id, platform_account_id, business_centre_account_id, entry_point, market.upper(), consent,
                   now)
        link.record(BusinessCentreLinkCreatedV2(
            **link._fields(), entry_point=link.entry_point, market=link.market, terms_version=consent.terms_version,
            scopes=[LinkAccessScope(s) for s in link.scopes or []], consented_at=now))
        return link

    @property
    def is_live(self) -> bool:
        return self.status == LinkStatus.LINKED

    def remove(self, now: datetime) -> None:
        if not self.is_live:
            raise LinkNotFound("the link was already removed")
        self.status = LinkStatus.REMOVED
        self.removed_at = now
        self.authorisation_revoked_at = now  # LINK-2: unlinking revokes the centre's access
        self.record(BusinessCentreLinkRemovedV2(
            **self._fields(), revoked_scopes=[LinkAccessScope(s) for s in self.scopes or []],
            authorisation_revoked_at=now))

    def _fields(self) -> dict[str, str]:
        return {"link_id": self.link_id, "platform_account_id": self.platform_account_id,
                "business_centre_account_id": self.business_centre_account_id}
