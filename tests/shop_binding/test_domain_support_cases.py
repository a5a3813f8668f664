"""Pure domain tests of support cases (SHOP-12): which causes support can take, the outcome and its event."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shop_binding.domain.errors import (
    BindingNotPending,
    NoteCodeNotForOutcome,
    SupportCannotResolve,
    SupportCaseAlreadyOpen,
    SupportCaseNotNeeded,
    SupportCaseNotOpen,
)
from shop_binding.domain.model import BindingStatus, SupportCaseStatus
from shop_binding.domain.shop import Shop
from trust_common.contracts.platform import AccountStatus
from trust_common.contracts.shop_binding import (
    BindingEndReason,
    BindingRole,
    SellingEntitlementGranted,
    ShopBindingCreated,
    ShopBindingEndedV2,
    SupportCaseDeclined,
    SupportCaseKind,
    SupportCaseOpened,
    SupportCaseOutcome,
    SupportCaseResolved,
    SupportNoteCode,
)

from tests.shop_binding.builders import account, new_id, shop

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
RESOLVED, DECLINED = SupportCaseOutcome.RESOLVED, SupportCaseOutcome.DECLINED


def open_for(aggregate: Shop, facts, creator, *, bound=None, now=NOW):
    return aggregate.open_case_for_creator(facts, creator, bound_shop_id=bound, case_id=new_id("case"), now=now)


def stuck(aggregate: Shop, facts, **creator_facts):
    creator = account(**creator_facts)
    invitation = aggregate.invite(facts, creator, BindingRole.OFFICIAL, invitation_id=new_id("inv"),
                                  bound_shop_id=None, now=NOW)
    return aggregate.confirm(invitation.invitation_id, facts, creator, binding_id=new_id("b"), bound_shop_id=None,
                             network_country=facts.country, now=NOW)


def test_a_merchant_takes_an_ineligible_creator_to_support_with_every_cause():
    """SHOP-12: the case names the SHOP-5 causes and is published for the queue."""
    facts = shop(country="GB")
    aggregate = Shop(facts.shop_id)
    creator = account(country="FR", date_of_birth=None)
    case = open_for(aggregate, facts, creator, bound="shop-elsewhere")
    assert case.kind == SupportCaseKind.INELIGIBLE_CREATOR and case.status == SupportCaseStatus.OPEN
    assert case.causes == ["holder_under_18", "country_mismatch", "already_bound"]
    [opened] = aggregate.pull_events()
    assert isinstance(opened, SupportCaseOpened) and opened.shop_owner_account_id == facts.owner_account_id
    with pytest.raises(SupportCaseAlreadyOpen):
        open_for(aggregate, facts, creator)


@pytest.mark.parametrize("creator_facts", [
    {"status": AccountStatus.BANNED},
    {"status": AccountStatus.RESTRICTED, "date_of_birth": None},  # one resolvable cause does not save it
    {"country": "US"},
    {"country": "FR", "registered_country": "US"},
])
def test_a_case_for_a_cause_support_cannot_resolve_is_refused_at_once(creator_facts):
    """SHOP-12 (seed 004): an abnormal account status or an account registered in the United States."""
    facts = shop(country="GB")
    aggregate = Shop(facts.shop_id)
    with pytest.raises(SupportCannotResolve) as refused:
        open_for(aggregate, facts, account(**creator_facts))
    assert refused.value.rule_id == "SHOP-12"
    assert any(f["support_can_resolve"] is False for f in refused.value.extensions["failures"])
    assert aggregate.support_cases == [] and aggregate.pull_events() == []


def test_there_is_no_case_for_an_eligible_creator():
    """SHOP-12: nothing to resolve."""
    facts = shop()
    with pytest.raises(SupportCaseNotNeeded):
        open_for(Shop(facts.shop_id), facts, account())


def test_resolving_a_stuck_binding_case_completes_the_binding_and_tells_the_merchant():
    """SHOP-12 with SHOP-10: support resolves with a note; the binding becomes active (SHOP-13 granted)."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    binding = stuck(aggregate, facts, ecommerce_permission_revoked=True)
    case = aggregate.open_case_for_binding(binding.binding_id, case_id=new_id("case"), now=NOW)
    assert case.causes == ["ecommerce_permission_revoked"] and case.binding_id == binding.binding_id
    aggregate.pull_events()
    later = NOW + timedelta(hours=3)
    aggregate.answer_case(case.case_id, RESOLVED, SupportNoteCode.PERMISSION_RESTORED, "restored after appeal",
                          answered_by="agent-7", now=later)
    assert binding.status == BindingStatus.ACTIVE and binding.bound_at == later
    assert (case.status, case.note, case.answered_by) == (SupportCaseStatus.RESOLVED, "restored after appeal",
                                                          "agent-7")
    created, granted, resolved = aggregate.pull_events()
    assert isinstance(created, ShopBindingCreated) and isinstance(granted, SellingEntitlementGranted)
    assert isinstance(resolved, SupportCaseResolved) and resolved.note_code == SupportNoteCode.PERMISSION_RESTORED
    assert resolved.outcome == "resolved" and "note" not in resolved.model_dump()  # no free text
    with pytest.raises(SupportCaseNotOpen):
        aggregate.answer_case(case.case_id, DECLINED, SupportNoteCode.EVIDENCE_INSUFFICIENT, None,
                              answered_by="agent-7", now=later)


def test_declining_a_stuck_binding_case_rejects_the_binding_and_frees_its_slot():
    """SHOP-12 with SHOP-10: declined; the rejection uses no SHOP-7 unbind."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    binding = stuck(aggregate, facts, registered_country="FR")
    case = aggregate.open_case_for_binding(binding.binding_id, case_id=new_id("case"), now=NOW)
    aggregate.pull_events()
    with pytest.raises(NoteCodeNotForOutcome):
        aggregate.answer_case(case.case_id, DECLINED, SupportNoteCode.CAUSE_CORRECTED, None, answered_by="a",
                              now=NOW)
    aggregate.answer_case(case.case_id, DECLINED, SupportNoteCode.EVIDENCE_INSUFFICIENT, None, answered_by="a",
                          now=NOW)
    assert binding.end_reason == BindingEndReason.REJECTED_BY_SUPPORT
    ended, declined = aggregate.pull_events()
    assert isinstance(ended, ShopBindingEndedV2) and isinstance(declined, SupportCaseDeclined)
    assert aggregate.ledger(facts, NOW).official_used == 0 and aggregate.official_unbinds_used == 0


def test_a_stuck_binding_of_an_account_registered_in_the_united_states_cannot_go_to_support():
    """SHOP-12: refused at once; and a binding that is not stuck has no case."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    binding = stuck(aggregate, facts, registered_country="US")
    with pytest.raises(SupportCannotResolve) as refused:
        aggregate.open_case_for_binding(binding.binding_id, case_id=new_id("case"), now=NOW)
    assert refused.value.extensions["failures"][0]["code"] == "registered_outside_operating_country"
    other = Shop(facts.shop_id)
    active = stuck(other, facts)
    with pytest.raises(BindingNotPending):
        other.open_case_for_binding(active.binding_id, case_id=new_id("case"), now=NOW)


def test_support_resolving_the_binding_directly_answers_its_open_case():
    """SHOP-10 and SHOP-12: the merchant hears the outcome whichever way support works it."""
    facts = shop()
    aggregate = Shop(facts.shop_id)
    binding = stuck(aggregate, facts, registered_country="FR")
    case = aggregate.open_case_for_binding(binding.binding_id, case_id=new_id("case"), now=NOW)
    aggregate.resolve_pending(binding.binding_id, complete=True, now=NOW, answered_by="agent-1")
    assert binding.status == BindingStatus.ACTIVE and case.status == SupportCaseStatus.RESOLVED
    assert case.note_code == SupportNoteCode.CAUSE_CORRECTED and case.answered_by == "agent-1"
