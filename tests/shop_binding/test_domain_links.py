"""Pure domain tests of business-centre links (LINK-1) and their consent (LINK-2)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shop_binding.adapters.business_centre import HmacBusinessCentreVerifier, sign_assertion
from shop_binding.domain.errors import (
    AlreadyLinked,
    BusinessCentreControlNotProven,
    ConsentMissing,
    LinkNotFound,
    MarketNotEnabled,
)
from shop_binding.domain.links import BusinessCentreLink, Consent, ControlProof
from shop_binding.settings import DEV_BUSINESS_CENTRE_ASSERTION_KEY, Settings
from trust_common.contracts.shop_binding import (
    BusinessCentreLinkCreatedV2,
    BusinessCentreLinkRemovedV2,
    LinkAccessScope,
    LinkEntryPoint,
)

NOW = datetime(2026, 3, 1, tzinfo=UTC)
TERMS = "2024-06"
CONSENT = Consent(TERMS, (LinkAccessScope.PROFILE_READ, LinkAccessScope.ADS_IDENTITY))


def link(account="acc-1", centre="bc-1", *, market="SG", of_account=None, of_centre=None,
         entry_point=LinkEntryPoint.LOGIN, consent=CONSENT):
    return BusinessCentreLink.link(link_id="l-" + account + centre, platform_account_id=account,
                                   business_centre_account_id=centre, entry_point=entry_point, market=market,
                                   enabled_markets=["SG", "JP"], consent=consent, current_terms_version=TERMS,
                                   link_of_account=of_account, link_of_business_centre=of_centre, now=NOW)


@pytest.mark.parametrize("entry_point", list(LinkEntryPoint))
def test_a_link_records_its_entry_point(entry_point):
    """LINK-1: sign-up, login, user settings or ad creation."""
    created = link(entry_point=entry_point)
    [event] = created.pull_events()
    assert isinstance(event, BusinessCentreLinkCreatedV2)
    assert event.entry_point == entry_point and event.market == "SG"


def test_a_link_records_the_accepted_terms_and_the_authorised_access():
    """LINK-2: terms version, scope and time are recorded on the link and in its event."""
    created = link()
    assert (created.terms_version, created.scopes, created.consented_at) == (TERMS, ["ads.identity", "profile.read"],
                                                                            NOW)
    [event] = created.pull_events()
    assert (event.terms_version, set(event.scopes), event.consented_at) == (TERMS, set(CONSENT.scopes), NOW)


@pytest.mark.parametrize(("consent", "reason"), [
    (None, "missing"),
    (Consent("2023-01", (LinkAccessScope.PROFILE_READ,)), "terms_outdated"),
    (Consent(TERMS, (LinkAccessScope.VIDEOS_READ,)), "profile_scope_required"),
])
def test_linking_without_consent_to_the_current_terms_and_access_is_refused(consent, reason):
    """LINK-2: no link without acceptance of the current terms and an authorisation that includes the profile
    (also not the same pair again)."""
    with pytest.raises(ConsentMissing) as refused:
        link(consent=consent)
    assert (refused.value.rule_id, refused.value.extensions["reason"]) == ("LINK-2", reason)
    existing = link()
    with pytest.raises(ConsentMissing):
        link(of_account=existing, of_centre=existing, consent=consent)


def test_unlinking_revokes_the_authorisation():
    """LINK-2: the revocation is recorded and in the event, with the scopes it revokes."""
    existing = link()
    existing.pull_events()
    existing.remove(NOW)
    [event] = existing.pull_events()
    assert isinstance(event, BusinessCentreLinkRemovedV2) and existing.authorisation_revoked_at == NOW
    assert (event.authorisation_revoked_at, set(event.revoked_scopes)) == (NOW, set(CONSENT.scopes))


def test_a_platform_account_linked_elsewhere_is_refused_with_already_linked():
    """LINK-1: one-to-one on both sides."""
    existing = link("acc-1", "bc-1")
    with pytest.raises(AlreadyLinked) as refused:
        link("acc-1", "bc-2", of_account=existing)
    assert refused.value.detail == "already linked to another account" and refused.value.rule_id == "LINK-1"
    with pytest.raises(AlreadyLinked):
        link("acc-2", "bc-1", of_centre=existing)


def test_linking_the_same_pair_again_is_the_live_link_and_records_nothing():
    """LINK-1: a repeat (e.g. from another entry point) creates no second link, even if the market has since
    been disabled."""
    existing = link("acc-1", "bc-1")
    existing.pull_events()
    again = link("acc-1", "bc-1", market="US", of_account=existing, of_centre=existing,
                 entry_point=LinkEntryPoint.SIGN_UP)
    assert again is existing and again.entry_point == LinkEntryPoint.LOGIN
    assert existing.pull_events() == []


def test_links_exist_only_in_enabled_markets():
    """LINK-1: the feature is enabled per market (beta: Asia-Pacific)."""
    with pytest.raises(MarketNotEnabled):
        link(market="US")


def test_after_unlinking_both_accounts_may_link_again():
    """LINK-1"""
    existing = link("acc-1", "bc-1")
    existing.pull_events()
    existing.remove(NOW)
    assert isinstance(existing.pull_events()[0], BusinessCentreLinkRemovedV2)
    assert link("acc-1", "bc-2", of_account=existing).is_live
    with pytest.raises(LinkNotFound):
        existing.remove(NOW)


KEY = b"business-centre-key"
ISSUED = int(NOW.timestamp())


def verify(proof, account="acc-1", centre="bc-1", now=NOW):
    HmacBusinessCentreVerifier(KEY).verify(proof, platform_account_id=account, business_centre_account_id=centre,
                                           now=now)


def refusal(proof, **kwargs) -> str:
    with pytest.raises(BusinessCentreControlNotProven) as refused:
        verify(proof, **kwargs)
    assert refused.value.rule_id == "LINK-1" and refused.value.status == 403
    return refused.value.extensions["reason"]


def test_a_fresh_proof_signed_by_the_business_centre_for_this_pair_verifies():
    """LINK-1: HMAC-SHA256 over "platform.business_centre.issued_at", accepted for 10 minutes."""
    proof = ControlProof(ISSUED, sign_assertion(KEY, "acc-1", "bc-1", ISSUED))
    verify(proof)
    verify(proof, now=NOW + timedelta(minutes=10))
    verify(ControlProof(ISSUED, proof.signature.upper()))


def test_a_missing_stale_or_forged_proof_is_refused():
    """LINK-1: nobody links a business-centre account they cannot prove they control."""
    proof = ControlProof(ISSUED, sign_assertion(KEY, "acc-1", "bc-1", ISSUED))
    assert refusal(None) == "missing"
    assert refusal(proof, now=NOW + timedelta(minutes=10, seconds=1)) == "stale"
    assert refusal(proof, now=NOW - timedelta(minutes=2)) == "stale"  # issued in the future
    assert refusal(proof, account="acc-2") == "forged"  # another account's proof
    assert refusal(proof, centre="bc-2") == "forged"
    assert refusal(ControlProof(ISSUED + 1, proof.signature)) == "forged"
    assert refusal(ControlProof(ISSUED, sign_assertion(b"other-key", "acc-1", "bc-1", ISSUED))) == "forged"
    assert refusal(ControlProof(ISSUED, "ü" * 64)) == "forged"


def test_production_refuses_the_development_assertion_key():
    """LINK-1: the shipped key only works on a developer machine."""
    assert Settings().placeholder_problems() == [
        "TRUST_BUSINESS_CENTRE_ASSERTION_KEY is the development key or a placeholder"]
    assert Settings(business_centre_assertion_key="changethis").placeholder_problems() != []
    assert Settings(business_centre_assertion_key="k" * 48).placeholder_problems() == []
    with pytest.raises(ValueError, match="TRUST_BUSINESS_CENTRE_ASSERTION_KEY"):
        Settings(environment="production", business_centre_assertion_key=DEV_BUSINESS_CENTRE_ASSERTION_KEY)
