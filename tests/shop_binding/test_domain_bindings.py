"""Pure domain tests of bindings: hold, limits, support resolution, unlink requests
(SHOP-2, SHOP-3, SHOP-7, SHOP-8, SHOP-10, SHOP-11)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shop_binding.domain.errors import (
    BindingNotActive,
    BindingNotFound,
    BindingNotPending,
    ChannelBindingLimitReached,
    ConfirmationFailed,
    OfficialUnbindLimitReached,
    UnbindTooEarly,
    UnlinkRequestAlreadyOpen,
    UnlinkRequestAnswered,
    UnlinkRequestLocationRefused,
)
from shop_binding.domain.model import BindingStatus, UnlinkStatus
from shop_binding.domain.shop import Shop
from trust_common.contracts.shop_binding import (
    BindingEndReason,
    BindingRole,
    SellingEntitlementGranted,
    SellingEntitlementWithdrawn,
    ShopBindingCreated,
    ShopBindingEndedV2,
    UnlinkAnswered,
    UnlinkDecision,
    UnlinkRequested,
)

from tests.shop_binding.builders import account, new_id, shop

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def bind(aggregate: Shop, facts, role=BindingRole.OFFICIAL, *, now=NOW, creator=None, **creator_facts):
    creator = creator or account(**creator_facts)
    invitation = aggregate.invite(facts, creator, role, invitation_id=new_id("inv"), bound_shop_id=None, now=now)
    return aggregate.confirm(invitation.invitation_id, facts, creator, binding_id=new_id("b"), bound_shop_id=None,
                             network_country=facts.country, now=now)


def request_unlink(aggregate: Shop, facts, binding, *, now=NOW, network_country="GB", **creator_facts):
    """The bound creator asks, from the shop's country unless told otherwise (SHOP-11)."""
    creator = account(account_id=binding.creator_account_id, **creator_facts)
    return aggregate.request_unlink(binding.binding_id, creator, facts, network_country=network_country,
                                    request_id=new_id("u"), now=now)


def test_a_creator_bound_to_another_shop_cannot_confirm():
    """SHOP-2: one shop at a time (the database index holds it under races, see the integration test)."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    creator = account()
    invitation = aggregate.invite(facts, creator, BindingRole.OFFICIAL, invitation_id=new_id("inv"),
                                  bound_shop_id=None, now=NOW)
    with pytest.raises(ConfirmationFailed) as failed:
        aggregate.confirm(invitation.invitation_id, facts, creator, binding_id=new_id("b"),
                          bound_shop_id="shop-elsewhere", network_country="GB", now=NOW)
    assert [f.code for f in failed.value.failures] == ["account_already_bound"]


def test_a_binding_can_be_undone_only_24_hours_after_it_was_made():
    """SHOP-3: the 24-hour hold, then the slot is free for another account."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    binding = bind(aggregate, facts)
    with pytest.raises(UnbindTooEarly) as early:
        aggregate.unbind(binding.binding_id, NOW + timedelta(hours=23, minutes=59))
    assert early.value.extensions["allowed_from"] == (NOW + DAY).isoformat()
    aggregate.pull_events()
    aggregate.unbind(binding.binding_id, NOW + DAY)
    assert binding.status == BindingStatus.ENDED and binding.end_reason == BindingEndReason.UNBOUND_BY_SHOP
    ended, withdrawn = aggregate.pull_events()
    assert isinstance(ended, ShopBindingEndedV2) and ended.reason == BindingEndReason.UNBOUND_BY_SHOP
    assert isinstance(withdrawn, SellingEntitlementWithdrawn)  # SHOP-13
    assert bind(aggregate, facts, now=NOW + DAY).status == BindingStatus.ACTIVE  # slot free again


def test_an_ended_binding_cannot_be_unbound_twice_and_counts_once():
    """SHOP-7: a repeated unbind of the same binding is refused and not counted again."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    binding = bind(aggregate, facts)
    aggregate.unbind(binding.binding_id, NOW + DAY)
    with pytest.raises(BindingNotActive):
        aggregate.unbind(binding.binding_id, NOW + DAY)
    assert aggregate.official_unbinds_used == 1


def test_the_official_account_can_be_unbound_at_most_three_times_in_the_shops_history():
    """SHOP-7: the fourth official unbind is refused, however much later."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    now = NOW
    for _ in range(3):
        binding = bind(aggregate, facts, now=now)
        now += DAY
        aggregate.unbind(binding.binding_id, now)
    fourth = bind(aggregate, facts, now=now)
    with pytest.raises(OfficialUnbindLimitReached) as refused:
        aggregate.unbind(fourth.binding_id, now + timedelta(days=3650))
    assert refused.value.rule_id == "SHOP-7"
    assert fourth.status == BindingStatus.ACTIVE
    assert aggregate.ledger(facts, now).official_unbinds_used == 3


def test_channel_unbinds_do_not_count_against_the_official_limit():
    """SHOP-7 counts official unbinds only."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    channel = bind(aggregate, facts, BindingRole.CHANNEL)
    aggregate.unbind(channel.binding_id, NOW + DAY)
    assert aggregate.official_unbinds_used == 0


def test_at_most_ten_channel_bindings_within_any_rolling_180_days():
    """SHOP-8: the 11th channel binding in 180 days is refused until the oldest leaves the window."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    now = NOW
    first_bound = now
    for _ in range(10):
        binding = bind(aggregate, facts, BindingRole.CHANNEL, now=now)
        now += DAY
        aggregate.unbind(binding.binding_id, now)
    ledger = aggregate.ledger(facts, now)
    assert ledger.channel_bindings_used == 10
    assert ledger.next_channel_binding_frees_at == first_bound + timedelta(days=180)
    with pytest.raises(ChannelBindingLimitReached) as refused:
        aggregate.invite(facts, account(), BindingRole.CHANNEL, invitation_id=new_id("inv"), bound_shop_id=None,
                         now=now)
    assert refused.value.extensions["next_frees_at"] == (first_bound + timedelta(days=180)).isoformat()
    later = first_bound + timedelta(days=180)
    assert aggregate.ledger(facts, later).channel_bindings_used == 9
    assert bind(aggregate, facts, BindingRole.CHANNEL, now=later).status == BindingStatus.ACTIVE


def test_a_channel_binding_rejected_by_support_uses_none_of_the_ten():
    """SHOP-8 with SHOP-10: a binding that never completed does not count."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    pending = bind(aggregate, facts, BindingRole.CHANNEL, registered_country="US")
    assert aggregate.ledger(facts, NOW).channel_bindings_used == 1
    aggregate.reject_pending(pending.binding_id, NOW)
    assert aggregate.ledger(facts, NOW).channel_bindings_used == 0


def test_support_completes_a_pending_binding_which_then_becomes_active():
    """SHOP-10: support resolves the reason; the binding is created and the hold starts then."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    pending = bind(aggregate, facts, ecommerce_permission_revoked=True)
    assert aggregate.ledger(facts, NOW).official_used == 1  # the pending binding holds the slot
    with pytest.raises(BindingNotActive):
        aggregate.unbind(pending.binding_id, NOW + DAY)
    aggregate.pull_events()
    aggregate.complete_pending(pending.binding_id, NOW + DAY)
    assert pending.status == BindingStatus.ACTIVE and pending.bound_at == NOW + DAY
    created, granted = aggregate.pull_events()
    assert isinstance(created, ShopBindingCreated)
    assert isinstance(granted, SellingEntitlementGranted) and granted.granted_at == NOW + DAY  # SHOP-13
    with pytest.raises(BindingNotPending):
        aggregate.complete_pending(pending.binding_id, NOW + DAY)


def test_support_rejects_a_pending_binding_and_the_slot_is_free():
    """SHOP-10"""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    pending = bind(aggregate, facts, registered_country="US")
    aggregate.pull_events()
    aggregate.reject_pending(pending.binding_id, NOW)
    [ended] = aggregate.pull_events()  # never started, so no SHOP-13 entitlement to withdraw
    assert isinstance(ended, ShopBindingEndedV2) and ended.reason == BindingEndReason.REJECTED_BY_SUPPORT
    assert aggregate.ledger(facts, NOW).official_used == 0
    assert aggregate.official_unbinds_used == 0  # never bound, so no unbind used (SHOP-7)


def test_a_creator_sends_an_unlink_request_and_the_shop_agrees():
    """SHOP-11: on agreement the binding ends and the slot is free."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    binding = bind(aggregate, facts)
    aggregate.pull_events()
    request = request_unlink(aggregate, facts, binding)
    with pytest.raises(UnlinkRequestAlreadyOpen):
        request_unlink(aggregate, facts, binding)
    aggregate.answer_unlink(request.request_id, UnlinkDecision.AGREED, NOW + DAY)
    assert request.status == UnlinkStatus.AGREED and binding.end_reason == BindingEndReason.UNLINK_AGREED
    assert [type(e) for e in aggregate.pull_events()] == [
        UnlinkRequested, ShopBindingEndedV2, SellingEntitlementWithdrawn, UnlinkAnswered]
    assert aggregate.ledger(facts, NOW + DAY).official_used == 0
    with pytest.raises(UnlinkRequestAnswered):
        aggregate.answer_unlink(request.request_id, UnlinkDecision.DECLINED, NOW + DAY)


def test_after_three_official_unbinds_the_shop_can_no_longer_agree_to_an_unlink_request():
    """SHOP-7 (Decision): agreeing to an official unlink request is the seed's unbind procedure; after the
    third the shop can no longer agree (refused naming SHOP-7), the binding stays, declining is still open."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    now = NOW
    for _ in range(3):
        binding = bind(aggregate, facts, now=now)
        now += DAY
        aggregate.unbind(binding.binding_id, now)
    assert aggregate.official_unbinds_used == 3
    binding = bind(aggregate, facts, now=now)
    request = request_unlink(aggregate, facts, binding, now=now)
    now += DAY
    with pytest.raises(OfficialUnbindLimitReached) as refused:
        aggregate.answer_unlink(request.request_id, UnlinkDecision.AGREED, now)
    assert refused.value.rule_id == "SHOP-7"
    assert binding.status == BindingStatus.ACTIVE and request.status == UnlinkStatus.OPEN
    assert aggregate.official_unbinds_used == 3
    aggregate.answer_unlink(request.request_id, UnlinkDecision.DECLINED, now)
    assert request.status == UnlinkStatus.DECLINED


def test_an_agreed_official_unlink_uses_one_of_the_three_unbinds():
    """SHOP-7 (Decision): each official binding ended by the shop's agreement counts; a channel one does not."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    binding = bind(aggregate, facts)
    channel = bind(aggregate, facts, BindingRole.CHANNEL)
    for each in (binding, channel):
        request = request_unlink(aggregate, facts, each)
        aggregate.answer_unlink(request.request_id, UnlinkDecision.AGREED, NOW + DAY)
    assert aggregate.ledger(facts, NOW + DAY).official_unbinds_used == 1


def test_three_agreed_unlinks_exhaust_the_shops_own_unbinds_too():
    """SHOP-7 (Decision): agreed unlinks and the shop's own unbinds share the 3 of the shop's whole history."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    now = NOW
    for _ in range(3):
        binding = bind(aggregate, facts, now=now)
        request = request_unlink(aggregate, facts, binding, now=now)
        now += DAY
        aggregate.answer_unlink(request.request_id, UnlinkDecision.AGREED, now)
    fourth = bind(aggregate, facts, now=now)
    with pytest.raises(OfficialUnbindLimitReached):
        aggregate.unbind(fourth.binding_id, now + DAY)


def test_bindings_ended_by_the_platform_or_by_support_use_no_official_unbind():
    """SHOP-7 (Decision): a deleted or banned account's binding ends without the 24-hour hold and without
    counting; a binding support rejected does not count either. SHOP-13: the started one withdraws the
    entitlement, the never-started one has nothing to withdraw."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    active = bind(aggregate, facts)
    aggregate.pull_events()
    [ended] = aggregate.end_by_platform(active.creator_account_id, NOW + timedelta(hours=1))
    assert ended is active and active.end_reason == BindingEndReason.ENDED_BY_PLATFORM
    assert [type(e) for e in aggregate.pull_events()] == [ShopBindingEndedV2, SellingEntitlementWithdrawn]
    pending = bind(aggregate, facts, registered_country="FR")
    aggregate.pull_events()
    aggregate.end_by_platform(pending.creator_account_id, NOW)
    assert [type(e) for e in aggregate.pull_events()] == [ShopBindingEndedV2]
    rejected = bind(aggregate, facts, registered_country="FR")
    aggregate.reject_pending(rejected.binding_id, NOW)
    assert aggregate.official_unbinds_used == 0
    assert aggregate.end_by_platform("someone-unbound", NOW) == []


def test_agreeing_to_an_unlink_request_keeps_the_24_hour_hold():
    """SHOP-11 with SHOP-3: agreement cannot end a binding younger than 24 hours."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    binding = bind(aggregate, facts)
    request = request_unlink(aggregate, facts, binding)
    with pytest.raises(UnbindTooEarly):
        aggregate.answer_unlink(request.request_id, UnlinkDecision.AGREED, NOW + timedelta(hours=1))
    assert request.status == UnlinkStatus.OPEN


def test_a_declined_unlink_request_keeps_the_binding():
    """SHOP-11"""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    binding = bind(aggregate, facts)
    request = request_unlink(aggregate, facts, binding)
    aggregate.answer_unlink(request.request_id, UnlinkDecision.DECLINED, NOW)
    assert binding.status == BindingStatus.ACTIVE and request.status == UnlinkStatus.DECLINED
    assert aggregate.pull_events()[-1].decision == UnlinkDecision.DECLINED


def test_only_the_bound_creator_can_request_an_unlink():
    """SHOP-11 with X-3: another account's binding is not found."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    binding = bind(aggregate, facts)
    with pytest.raises(BindingNotFound):
        aggregate.request_unlink(binding.binding_id, account(account_id="someone-else"), facts,
                                 network_country="GB", request_id=new_id("u"), now=NOW)


@pytest.mark.parametrize(("network_country", "region", "codes"), [
    (None, "GB", ["network_location_outside_shop_country"]),
    ("FR", "GB", ["network_location_outside_shop_country"]),
    ("GB", "FR", ["account_region_outside_shop_country"]),
    ("US", "US", ["network_location_outside_shop_country", "account_region_outside_shop_country"]),
])
def test_an_unlink_request_is_sent_from_the_shops_country(network_country, region, codes):
    """SHOP-11 precondition (seed 004, step 2): network location and account region in the shop's country;
    otherwise refused, the network failure with SHOP-9's code."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    binding = bind(aggregate, facts)
    with pytest.raises(UnlinkRequestLocationRefused) as refused:
        request_unlink(aggregate, facts, binding, network_country=network_country, country=region)
    assert refused.value.rule_id == "SHOP-11"
    assert [f.code for f in refused.value.failures] == codes
    assert aggregate.unlink_requests == []
    assert request_unlink(aggregate, facts, binding, network_country="gb").status == UnlinkStatus.OPEN
