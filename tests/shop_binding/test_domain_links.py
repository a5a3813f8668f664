"""Pure domain tests of business-centre links (LINK-1)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from trust_common.contracts.shop_binding import BusinessCentreLinkCreated, BusinessCentreLinkRemoved, LinkEntryPoint

from shop_binding.domain.errors import AlreadyLinked, LinkNotFound, MarketNotEnabled
from shop_binding.domain.links import BusinessCentreLink

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def link(account="acc-1", centre="bc-1", *, market="SG", of_account=None, of_centre=None,
         entry_point=LinkEntryPoint.LOGIN):
    return BusinessCentreLink.link(link_id="l-" + account + centre, platform_account_id=account,
                                   business_centre_account_id=centre, entry_point=entry_point, market=market,
                                   enabled_markets=["SG", "JP"], link_of_account=of_account,
                                   link_of_business_centre=of_centre, now=NOW)


@pytest.mark.parametrize("entry_point", list(LinkEntryPoint))
def test_a_link_records_its_entry_point(entry_point):
    """LINK-1: sign-up, login, user settings or ad creation."""
    created = link(entry_point=entry_point)
    [event] = created.pull_events()
    assert isinstance(event, BusinessCentreLinkCreated)
    assert event.entry_point == entry_point and event.market == "SG"


def test_a_platform_account_linked_elsewhere_is_refused_with_already_linked():
    """LINK-1: one-to-one on both sides."""
    existing = link("acc-1", "bc-1")
    with pytest.raises(AlreadyLinked) as refused:
        link("acc-1", "bc-2", of_account=existing)
    assert refused.value.detail == "already linked to another account" and refused.value.rule_id == "LINK-1"
    with pytest.raises(AlreadyLinked):
        link("acc-2", "bc-1", of_centre=existing)


def test_links_exist_only_in_enabled_markets():
    """LINK-1: the feature is enabled per market (beta: Asia-Pacific)."""
    with pytest.raises(MarketNotEnabled):
        link(market="US")


def test_after_unlinking_both_accounts_may_link_again():
    """LINK-1"""
    existing = link("acc-1", "bc-1")
    existing.pull_events()
    existing.remove(NOW)
    assert isinstance(existing.pull_events()[0], BusinessCentreLinkRemoved)
    assert link("acc-1", "bc-2", of_account=existing).is_live
    with pytest.raises(LinkNotFound):
        existing.remove(NOW)
