"""Business-centre links (LINK-1): a platform account and a business-centre account, one-to-one."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shop_binding.domain.errors import AlreadyLinked, LinkNotFound, MarketNotEnabled
from trust_common.contracts.shop_binding import BusinessCentreLinkCreated, BusinessCentreLinkRemoved, LinkEntryPoint
from trust_common.domain import Aggregate


@dataclass(frozen=True)
class ControlProof:
    """LINK-1: the business centre's signed assertion that a platform account controls a business-centre
    account, issued when the user signed in there (`issued_at` in unix seconds)."""

    issued_at: int
    signature: str


class LinkStatus(StrEnum):
    LINKED = "linked"
    REMOVED = "removed"


class BusinessCentreLink(Aggregate):
    """One link; at most one live link per platform account and per business-centre account."""

    def __init__(self, link_id: str, platform_account_id: str, business_centre_account_id: str,
                 entry_point: LinkEntryPoint, market: str, now: datetime) -> None:
        self.link_id = link_id
        self.platform_account_id = platform_account_id
        self.business_centre_account_id = business_centre_account_id
        self.entry_point = LinkEntryPoint(entry_point)
        self.market = market
        self.status = LinkStatus.LINKED
        self.created_at = now
        self.removed_at: datetime | None = None

    @classmethod
    def link(cls, *, link_id: str, platform_account_id: str, business_centre_account_id: str,
             entry_point: LinkEntryPoint, market: str, enabled_markets: Collection[str],
             link_of_account: BusinessCentreLink | None, link_of_business_centre: BusinessCentreLink | None,
             now: datetime) -> BusinessCentreLink:
        """LINK-1: link from a recorded entry point, only in enabled markets, never to a second account;
        the same pair again is the live link (nothing new)."""
        if (link_of_account is not None and link_of_account.is_live
                and link_of_account.business_centre_account_id == business_centre_account_id):
            return link_of_account
        if market.upper() not in {m.upper() for m in enabled_markets}:
            raise MarketNotEnabled(f"business-centre links are not enabled in market {market}")
        for existing in (link_of_account, link_of_business_centre):
            if existing is not None and existing.is_live:
                raise AlreadyLinked("already linked to another account")
        link = cls(link_id, platform_account_id, business_centre_account_id, entry_point, market.upper(), now)
        link.record(BusinessCentreLinkCreated(**link._fields(), entry_point=link.entry_point, market=link.market))
        return link

    @property
    def is_live(self) -> bool:
        return self.status == LinkStatus.LINKED

    def remove(self, now: datetime) -> None:
        if not self.is_live:
            raise LinkNotFound("the link was already removed")
        self.status = LinkStatus.REMOVED
        self.removed_at = now
        self.record(BusinessCentreLinkRemoved(**self._fields()))

    def _fields(self) -> dict[str, str]:
        return {"link_id": self.link_id, "platform_account_id": self.platform_account_id,
                "business_centre_account_id": self.business_centre_account_id}
