"""Pure domain tests of inviting and confirming (SHOP-1, SHOP-4, SHOP-5, SHOP-6, SHOP-9, SHOP-10)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shop_binding.domain.errors import (
    ConfirmationFailed,
    DuplicateInvitation,
    InvitationExpired,
    InvitationNotFound,
    InvitationNotPending,
    NotEligible,
    SlotsFull,
)
from shop_binding.domain.model import BindingStatus, InvitationStatus
from shop_binding.domain.shop import Shop
from trust_common.contracts.platform import AccountStatus, ShopOnboarding, ShopStatus
from trust_common.contracts.shop_binding import (
    BindingRole,
    PendingReason,
    SellingEntitlementGranted,
    ShopBindingCreated,
    ShopBindingPending,
    ShopInvitationConfirmed,
    ShopInvitationDeclined,
    ShopInvitationLapsed,
    ShopInvitationSent,
)

from tests.shop_binding.builders import account, new_id, shop

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def invite(aggregate: Shop, facts, creator, role=BindingRole.OFFICIAL, *, now=NOW, bound=None):
    return aggregate.invite(facts, creator, role, invitation_id=new_id("inv"), bound_shop_id=bound, now=now)


def confirm(aggregate: Shop, facts, creator, invitation, *, now=NOW, country="GB", bound=None):
    return aggregate.confirm(invitation.invitation_id, facts, creator, binding_id=new_id("b"), bound_shop_id=bound,
                             network_country=country, now=now)


def test_eligibility_reports_every_failed_condition_at_once():
    """SHOP-5: status, age, country and existing binding all come back, each with its rule id."""
    facts = shop(country="GB")
    creator = account(country="VN", date_of_birth=date(2015, 1, 1), status=AccountStatus.BANNED)
    failures = Shop(facts.shop_id).eligibility(facts, creator, bound_shop_id="other-shop", now=NOW)
    assert [f.code for f in failures] == ["account_status_abnormal", "holder_under_18", "country_mismatch",
                                          "already_bound"]
    assert {f.rule for f in failures} == {"SHOP-5"}
    assert all(f.detail for f in failures)
    # SHOP-12: an abnormal status is the one cause here support cannot resolve (the account is not US-registered).
    assert [f.support_can_resolve for f in failures] == [False, True, True, True]


@pytest.mark.parametrize(("facts", "code", "resolvable"), [
    ({"status": AccountStatus.RESTRICTED}, "account_status_abnormal", False),
    ({"country": "US"}, "country_mismatch", False),  # registered (as far as known) in the United States
    ({"country": "FR", "registered_country": "US"}, "country_mismatch", False),
    ({"country": "FR"}, "country_mismatch", True),
    ({"country": "US", "registered_country": "FR"}, "country_mismatch", True),
    ({"date_of_birth": None}, "holder_under_18", True),
])
def test_each_eligibility_failure_says_whether_support_can_resolve_it(facts, code, resolvable):
    """SHOP-5 with SHOP-12 (seed 004): support resolves every cause but an abnormal account status and an
    account registered in the United States; the merchant sees it per failure."""
    shop_facts = shop(country="GB")
    [failure] = Shop(shop_facts.shop_id).eligibility(shop_facts, account(**facts), bound_shop_id=None, now=NOW)
    assert (failure.code, failure.support_can_resolve) == (code, resolvable)
    assert failure.as_dict()["support_can_resolve"] is resolvable


def test_an_eligible_account_has_no_failures_and_an_unknown_birth_date_is_not_adult():
    """SHOP-5: the holder must be shown to be at least 18."""
    facts = shop()
    assert Shop(facts.shop_id).eligibility(facts, account(), bound_shop_id=None, now=NOW) == []
    failures = Shop(facts.shop_id).eligibility(facts, account(date_of_birth=None), bound_shop_id=None, now=NOW)
    assert [f.code for f in failures] == ["holder_under_18"]


def test_an_account_turning_18_tomorrow_is_not_yet_eligible():
    """SHOP-5: age counts whole years up to today."""
    facts = shop()
    minor = account(date_of_birth=date(2008, 3, 2))
    assert [f.code for f in Shop(facts.shop_id).eligibility(facts, minor, bound_shop_id=None, now=NOW)] == [
        "holder_under_18"]
    adult = account(date_of_birth=date(2008, 3, 1))
    assert Shop(facts.shop_id).eligibility(facts, adult, bound_shop_id=None, now=NOW) == []


def test_an_ineligible_account_cannot_be_invited():
    """SHOP-5: the invitation is refused with every failure listed."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    with pytest.raises(NotEligible) as refused:
        invite(aggregate, facts, account(country="US", date_of_birth=date(2012, 1, 1)))
    assert [f.code for f in refused.value.failures] == ["holder_under_18", "country_mismatch"]
    assert refused.value.body()["rule"] == "SHOP-5"
    assert aggregate.invitations == [] and aggregate.pull_events() == []


def test_an_invitation_opens_a_48_hour_window_and_is_announced():
    """SHOP-6: the invitation expires 48 hours after it was sent."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    creator = account()
    invitation = invite(aggregate, facts, creator)
    assert invitation.expires_at == NOW + timedelta(hours=48)
    [event] = aggregate.pull_events()
    assert isinstance(event, ShopInvitationSent)
    assert (event.shop_owner_account_id, event.creator_account_id, event.role, event.expires_at) == (
        facts.owner_account_id, creator.account_id, BindingRole.OFFICIAL, NOW + timedelta(hours=48))


def test_a_second_open_invitation_to_the_same_creator_is_refused():
    facts = shop()
    aggregate = Shop(facts.shop_id)
    creator = account()
    invite(aggregate, facts, creator, BindingRole.CHANNEL)
    with pytest.raises(DuplicateInvitation):
        invite(aggregate, facts, creator, BindingRole.CHANNEL)


def test_an_open_recruitment_shop_binds_one_official_account_and_no_channel_account():
    """SHOP-1: open recruitment → 1 official account only."""
    facts = shop(onboarding=ShopOnboarding.OPEN)
    aggregate = Shop(facts.shop_id)
    with pytest.raises(SlotsFull) as refused:
        invite(aggregate, facts, account(), BindingRole.CHANNEL)
    assert refused.value.rule_id == "SHOP-1"
    first = account()
    confirm(aggregate, facts, first, invite(aggregate, facts, first))
    with pytest.raises(SlotsFull):
        invite(aggregate, facts, account())


def test_an_invited_shop_binds_one_official_and_four_channel_accounts():
    """SHOP-1: invited → 1 official + 4 channel."""
    facts = shop(onboarding=ShopOnboarding.INVITED)
    aggregate = Shop(facts.shop_id)
    official = account()
    confirm(aggregate, facts, official, invite(aggregate, facts, official))
    for _ in range(4):
        channel = account()
        confirm(aggregate, facts, channel, invite(aggregate, facts, channel, BindingRole.CHANNEL))
    with pytest.raises(SlotsFull):
        invite(aggregate, facts, account(), BindingRole.CHANNEL)
    ledger = aggregate.ledger(facts, NOW)
    assert (ledger.official_capacity, ledger.official_used, ledger.channel_capacity, ledger.channel_used) == (
        1, 1, 4, 4)


def test_a_full_slot_is_checked_again_at_confirmation():
    """SHOP-1: two open official invitations cannot both be confirmed."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    first, second = account(), account()
    invitation_1, invitation_2 = invite(aggregate, facts, first), invite(aggregate, facts, second)
    confirm(aggregate, facts, first, invitation_1)
    with pytest.raises(SlotsFull):
        confirm(aggregate, facts, second, invitation_2)


def test_confirming_binds_with_the_capability_of_the_role():
    """SHOP-4: official → products synced to the showcase; channel → add from shop by hand."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    official, channel = account(), account()
    official_binding = confirm(aggregate, facts, official, invite(aggregate, facts, official))
    channel_binding = confirm(aggregate, facts, channel, invite(aggregate, facts, channel, BindingRole.CHANNEL))
    assert official_binding.capabilities.products_synced_to_showcase is True
    assert channel_binding.capabilities.products_synced_to_showcase is False
    assert channel_binding.capabilities.add_from_shop is True
    created = [e for e in aggregate.pull_events() if isinstance(e, ShopBindingCreated)]
    assert [e.products_synced_to_showcase for e in created] == [True, False]


def test_confirmation_records_the_confirmation_and_the_active_binding():
    facts = shop()
    aggregate = Shop(facts.shop_id)
    creator = account()
    invitation = invite(aggregate, facts, creator)
    aggregate.pull_events()
    binding = confirm(aggregate, facts, creator, invitation, now=NOW + timedelta(hours=47, minutes=59))
    assert binding.status == BindingStatus.ACTIVE and invitation.status == InvitationStatus.CONFIRMED
    confirmed, created, granted = aggregate.pull_events()
    assert isinstance(confirmed, ShopInvitationConfirmed) and confirmed.binding_id == binding.binding_id
    assert isinstance(created, ShopBindingCreated) and created.invitation_id == invitation.invitation_id
    # SHOP-13: the binding started, so the creator may sell without 1,000 followers.
    assert isinstance(granted, SellingEntitlementGranted)
    assert (granted.creator_account_id, granted.shop_id, granted.binding_id) == (
        creator.account_id, facts.shop_id, binding.binding_id)


def test_an_invitation_cannot_be_confirmed_after_48_hours_and_lapses_once():
    """SHOP-6: after 48 hours the invitation is closed; the lapse happens once."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    creator = account()
    invitation = invite(aggregate, facts, creator)
    with pytest.raises(InvitationExpired):
        confirm(aggregate, facts, creator, invitation, now=NOW + timedelta(hours=48))
    assert aggregate.lapse(invitation.invitation_id, NOW + timedelta(hours=47)) is False
    assert aggregate.lapse(invitation.invitation_id, NOW + timedelta(hours=48)) is True
    assert aggregate.lapse(invitation.invitation_id, NOW + timedelta(hours=49)) is False
    assert [type(e) for e in aggregate.pull_events()] == [ShopInvitationSent, ShopInvitationLapsed]
    with pytest.raises(InvitationNotPending):
        aggregate.decline(invitation.invitation_id, creator.account_id, NOW + timedelta(hours=50))


def test_a_declined_invitation_cannot_be_confirmed():
    """SHOP-6"""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    creator = account()
    invitation = invite(aggregate, facts, creator)
    aggregate.decline(invitation.invitation_id, creator.account_id, NOW)
    assert isinstance(aggregate.pull_events()[-1], ShopInvitationDeclined)
    with pytest.raises(InvitationNotPending):
        confirm(aggregate, facts, creator, invitation)


def test_another_creators_invitation_is_not_found():
    """X-3: a creator cannot confirm or decline someone else's invitation."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    invitation = invite(aggregate, facts, account())
    with pytest.raises(InvitationNotFound):
        confirm(aggregate, facts, account(), invitation)
    with pytest.raises(InvitationNotFound):
        aggregate.decline(invitation.invitation_id, "someone-else", NOW)


def test_confirmation_reports_every_failure_reason_with_its_own_code():
    """SHOP-9: network location, under 18, shop/account status abnormal, already bound."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    creator = account()
    invitation = invite(aggregate, facts, creator)
    changed_creator = account(account_id=creator.account_id, date_of_birth=date(2010, 1, 1),
                              status=AccountStatus.RESTRICTED)
    abnormal_shop = facts.model_copy(update={"status": ShopStatus.ABNORMAL})
    with pytest.raises(ConfirmationFailed) as failed:
        confirm(aggregate, abnormal_shop, changed_creator, invitation, country="FR", bound="another-shop")
    assert [f.code for f in failed.value.failures] == [
        "network_location_outside_shop_country", "holder_under_18", "shop_status_abnormal",
        "account_status_abnormal", "account_already_bound"]
    body = failed.value.body()
    assert body["rule"] == "SHOP-9" and len(body["failures"]) == 5
    assert all("support_can_resolve" not in f for f in body["failures"])  # said of SHOP-5 and SHOP-10 only
    assert invitation.status == InvitationStatus.PENDING  # the creator may fix the cause and retry in time


def test_an_unknown_network_location_fails_the_confirmation():
    """SHOP-9: without the edge gateway's country the location cannot be in the shop's country."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    creator = account()
    with pytest.raises(ConfirmationFailed) as failed:
        confirm(aggregate, facts, creator, invite(aggregate, facts, creator), country=None)
    assert [f.code for f in failed.value.failures] == ["network_location_outside_shop_country"]


@pytest.mark.parametrize(("creator_facts", "reason", "resolvable"), [
    ({"registered_country": "US"}, PendingReason.REGISTERED_OUTSIDE_OPERATING_COUNTRY, False),
    ({"registered_country": "FR"}, PendingReason.REGISTERED_OUTSIDE_OPERATING_COUNTRY, True),
    ({"ecommerce_permission_revoked": True}, PendingReason.ECOMMERCE_PERMISSION_REVOKED, True),
])
def test_a_binding_stays_in_binding_with_its_reason(creator_facts, reason, resolvable):
    """SHOP-10: registered outside the operating country or e-commerce permission revoked; SHOP-12: the reason
    says whether support can resolve it (not for an account registered in the United States). No SHOP-13
    entitlement while it waits."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    creator = account(**creator_facts)
    invitation = invite(aggregate, facts, creator)
    aggregate.pull_events()
    binding = confirm(aggregate, facts, creator, invitation)
    assert binding.status == BindingStatus.BINDING and binding.pending_reason == reason
    assert binding.bound_at is None and binding.pending_support_can_resolve is resolvable
    _, pending = aggregate.pull_events()
    assert isinstance(pending, ShopBindingPending) and pending.reason == reason
