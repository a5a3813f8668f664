"""The shop aggregate: its slots, invitations, bindings, unlink requests, support cases and limits
(SHOP-1 … SHOP-13).

One shop is one consistency boundary (its row is locked while a command runs); the one rule
across shops, a creator bound to one shop at a time (SHOP-2), is also held by a unique index.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shop_binding.domain import policies
from shop_binding.domain.errors import (
    BindingNotActive,
    BindingNotFound,
    BindingNotPending,
    ChannelBindingLimitReached,
    ConfirmationFailed,
    DuplicateInvitation,
    Failure,
    InvitationNotFound,
    NotEligible,
    OfficialUnbindLimitReached,
    SlotsFull,
    SupportCannotResolve,
    SupportCaseAlreadyOpen,
    SupportCaseNotFound,
    SupportCaseNotNeeded,
    UnlinkRequestAlreadyOpen,
    UnlinkRequestLocationRefused,
    UnlinkRequestNotFound,
)
from shop_binding.domain.model import (
    Binding,
    BindingStatus,
    Invitation,
    InvitationStatus,
    SupportCase,
    UnlinkRequest,
    UnlinkStatus,
)
from trust_common.contracts.platform import AccountSnapshot, ShopSnapshot
from trust_common.contracts.shop_binding import (
    BindingEndReason,
    BindingRole,
    SellingEntitlementGranted,
    SellingEntitlementWithdrawn,
    ShopBindingCreated,
    ShopBindingEndedV2,
    ShopBindingPending,
    ShopInvitationConfirmed,
    ShopInvitationDeclined,
    ShopInvitationLapsed,
    ShopInvitationSent,
    ShopInvitationWithdrawn,
    SupportCaseDeclined,
    SupportCaseKind,
    SupportCaseOpened,
    SupportCaseOutcome,
    SupportCaseResolved,
    SupportNoteCode,
    UnlinkAnswered,
    UnlinkDecision,
    UnlinkRequested,
)
from trust_common.domain import Aggregate

OFFICIAL_UNBIND_LIMIT = 3  # SHOP-7, over the shop's whole history
# SHOP-7 (Decision): the ends of an official binding that count: the shop's own unbind and its agreement to
# the creator's unlink request (seed 004's unbind procedure). The platform's and support's ends do not.
COUNTED_OFFICIAL_ENDS = frozenset({BindingEndReason.UNBOUND_BY_SHOP, BindingEndReason.UNLINK_AGREED})
CHANNEL_BINDING_LIMIT = 10  # SHOP-8, within any rolling window
CHANNEL_WINDOW = timedelta(days=180)


@dataclass(frozen=True)
class Ledger:
    """What the shop has used of its slots and limits (SHOP-1, SHOP-7, SHOP-8)."""

    official_capacity: int
    official_used: int
    channel_capacity: int
    channel_used: int
    official_unbinds_used: int
    channel_bindings_used: int
    next_channel_binding_frees_at: datetime | None


class Shop(Aggregate):
    def __init__(self, shop_id: str) -> None:
        self.shop_id = shop_id
        self.official_unbinds_used = 0
        self.invitations: list[Invitation] = []
        self.bindings: list[Binding] = []
        self.unlink_requests: list[UnlinkRequest] = []
        self.support_cases: list[SupportCase] = []

    # -- reading ---------------------------------------------------------------------------------

    def ledger(self, facts: ShopSnapshot, now: datetime) -> Ledger:
        window = self._channel_bindings_in_window(now)
        return Ledger(
            official_capacity=policies.slot_capacity(facts.onboarding, BindingRole.OFFICIAL),
            official_used=len(self._occupying(BindingRole.OFFICIAL)),
            channel_capacity=policies.slot_capacity(facts.onboarding, BindingRole.CHANNEL),
            channel_used=len(self._occupying(BindingRole.CHANNEL)),
            official_unbinds_used=self.official_unbinds_used,
            channel_bindings_used=len(window),
            next_channel_binding_frees_at=window[0] + CHANNEL_WINDOW if window else None)

    def eligibility(self, facts: ShopSnapshot, account: AccountSnapshot, *, bound_shop_id: str | None,
                    now: datetime) -> list[Failure]:
        """SHOP-5: every failed condition for inviting this account."""
        return policies.eligibility_failures(account, facts, bound_shop_id=bound_shop_id, today=_today(now))

    def binding(self, binding_id: str) -> Binding:
        for binding in self.bindings:
            if binding.binding_id == binding_id:
                return binding
        raise BindingNotFound(f"no binding {binding_id} in this shop")

    def invitation(self, invitation_id: str) -> Invitation:
        for invitation in self.invitations:
            if invitation.invitation_id == invitation_id:
                return invitation
        raise InvitationNotFound(f"no invitation {invitation_id}")

    # -- invitations -----------------------------------------------------------------------------

    def invite(self, facts: ShopSnapshot, account: AccountSnapshot, role: BindingRole, *, invitation_id: str,
               bound_shop_id: str | None, now: datetime) -> Invitation:
        """Invite an eligible account (SHOP-5) into a free slot (SHOP-1) within the limits (SHOP-8)."""
        failures = self.eligibility(facts, account, bound_shop_id=bound_shop_id, now=now)
        if failures:
            raise NotEligible(failures)
        self._require_room(facts, role, now)
        if any(i.is_pending and i.creator_account_id == account.account_id for i in self.invitations):
            raise DuplicateInvitation("this creator already has an open invitation from the shop")
        invitation = Invitation(invitation_id, self.shop_id, facts.owner_account_id, account.account_id, role, now)
        self.invitations.append(invitation)
        self.record(ShopInvitationSent(**_invitation_fields(invitation), sent_at=now,
                                       expires_at=invitation.expires_at))
        return invitation

    def confirm(self, invitation_id: str, facts: ShopSnapshot, account: AccountSnapshot, *, binding_id: str,
                bound_shop_id: str | None, network_country: str | None, now: datetime) -> Binding:
        """The creator confirms within 48 hours (SHOP-6); SHOP-9 failures are all reported at once;
        a SHOP-10 reason leaves the binding in `binding`."""
        invitation = self._creators_invitation(invitation_id, account.account_id)
        invitation.require_answerable(now)
        failures = policies.confirmation_failures(account, facts, bound_shop_id=bound_shop_id,
                                                network_country=network_country, today=_today(now))
        if failures:
            raise ConfirmationFailed(failures)
        self._require_room(facts, invitation.role, now)
        reason = policies.pending_reason(account, facts)
        binding = Binding(binding_id, invitation, reason, now, pending_support_can_resolve=(
            policies.support_can_resolve(reason, account) if reason else None))  # SHOP-12
        self.bindings.append(binding)
        invitation.close(InvitationStatus.CONFIRMED, now)
        invitation.binding_id = binding_id
        self.record(ShopInvitationConfirmed(**_invitation_fields(invitation), binding_id=binding_id))
        if binding.pending_reason is not None:
            self.record(ShopBindingPending(**_binding_fields(binding), invitation_id=invitation_id,
                                           reason=binding.pending_reason))
        else:
            self._record_created(binding)
        return binding

    def decline(self, invitation_id: str, creator_account_id: str, now: datetime) -> Invitation:
        invitation = self._creators_invitation(invitation_id, creator_account_id)
        invitation.require_answerable(now)
        invitation.close(InvitationStatus.DECLINED, now)
        self.record(ShopInvitationDeclined(**_invitation_fields(invitation)))
        return invitation

    def withdraw(self, invitation_id: str, now: datetime) -> Invitation:
        invitation = self.invitation(invitation_id)
        invitation.close(InvitationStatus.WITHDRAWN, now)
        self.record(ShopInvitationWithdrawn(**_invitation_fields(invitation)))
        return invitation

    def lapse(self, invitation_id: str, now: datetime) -> bool:
        """SHOP-6: an invitation still pending when its 48 hours end lapses (once)."""
        invitation = self.invitation(invitation_id)
        if not invitation.is_pending or now < invitation.expires_at:
            return False
        invitation.close(InvitationStatus.LAPSED, now)
        self.record(ShopInvitationLapsed(**_invitation_fields(invitation)))
        return True

    # -- bindings --------------------------------------------------------------------------------

    def unbind(self, binding_id: str, now: datetime) -> Binding:
        """The shop undoes a binding: after 24 hours (SHOP-3), official at most 3 times ever (SHOP-7)."""
        binding = self.binding(binding_id)
        self._end(binding, BindingEndReason.UNBOUND_BY_SHOP, now)
        return binding

    def complete_pending(self, binding_id: str, now: datetime) -> Binding:
        """SHOP-10: support resolved the reason; the binding becomes active."""
        binding = self.binding(binding_id)
        binding.complete(now)
        self._record_created(binding)
        return binding

    def resolve_pending(self, binding_id: str, *, complete: bool, now: datetime,
                        answered_by: str = "support") -> Binding:
        """SHOP-10: support completes a binding waiting in `binding` once its reason is fixed, or rejects it;
        a support case open for it (SHOP-12) is answered with it, so the merchant hears the outcome."""
        case = next((c for c in self.support_cases if c.is_open and c.binding_id == binding_id), None)
        if case is None:
            return self.complete_pending(binding_id, now) if complete else self.reject_pending(binding_id, now)
        if complete:
            self.answer_case(case.case_id, SupportCaseOutcome.RESOLVED, SupportNoteCode.CAUSE_CORRECTED, None,
                             answered_by=answered_by, now=now)
        else:
            self.answer_case(case.case_id, SupportCaseOutcome.DECLINED, SupportNoteCode.CAUSE_NOT_RESOLVABLE, None,
                             answered_by=answered_by, now=now)
        return self.binding(binding_id)

    def reject_pending(self, binding_id: str, now: datetime) -> Binding:
        binding = self.binding(binding_id)
        binding.reject(now)
        self.record(ShopBindingEndedV2(**_binding_fields(binding), reason=BindingEndReason.REJECTED_BY_SUPPORT,
                                       ended_at=now))
        return binding

    def end_by_platform(self, creator_account_id: str, now: datetime) -> list[Binding]:
        """The platform deleted or banned the creator account: its live bindings end (uses no SHOP-7 unbind,
        SHOP-7 Decision) and a started one withdraws the SHOP-13 entitlement."""
        ended = [b for b in self.bindings if b.creator_account_id == creator_account_id and b.occupies_slot]
        for binding in ended:
            binding.end_by_platform(now)
            self._record_ended(binding, now)
        return ended

    # -- unlink requests (SHOP-11) ---------------------------------------------------------------

    def request_unlink(self, binding_id: str, account: AccountSnapshot, facts: ShopSnapshot, *,
                       network_country: str | None, request_id: str, now: datetime) -> UnlinkRequest:
        """The creator asks the shop to end the binding, from the shop's country: network location and
        account region (SHOP-11, seed 004 step 2)."""
        binding = self.binding(binding_id)
        if binding.creator_account_id != account.account_id:
            raise BindingNotFound(f"no binding {binding_id} of this account")
        if binding.status != BindingStatus.ACTIVE:
            raise BindingNotActive(f"the binding is {binding.status}")
        failures = policies.unlink_request_failures(account, facts, network_country)
        if failures:
            raise UnlinkRequestLocationRefused(failures)
        if any(r.binding_id == binding_id and r.status == UnlinkStatus.OPEN for r in self.unlink_requests):
            raise UnlinkRequestAlreadyOpen("an unlink request for this binding is already open")
        request = UnlinkRequest(request_id, binding, now)
        self.unlink_requests.append(request)
        self.record(UnlinkRequested(**_unlink_fields(request)))
        return request

    def answer_unlink(self, request_id: str, decision: UnlinkDecision, now: datetime) -> UnlinkRequest:
        """On agreement the binding ends (after the SHOP-3 hold) and its slot is free. Agreeing to end an
        official binding is one of the shop's 3 official unbinds (SHOP-7 Decision): after the third the
        shop can no longer agree (declining stays open to it)."""
        request = self._unlink_request(request_id)
        if decision == UnlinkDecision.AGREED:
            request.require_open()
            self._end(self.binding(request.binding_id), BindingEndReason.UNLINK_AGREED, now)
        request.answer(UnlinkStatus(decision.value), now)
        self.record(UnlinkAnswered(**_unlink_fields(request), decision=decision))
        return request

    # -- support cases (SHOP-12) -----------------------------------------------------------------

    def support_case(self, case_id: str) -> SupportCase:
        for case in self.support_cases:
            if case.case_id == case_id:
                return case
        raise SupportCaseNotFound(f"no support case {case_id}")

    def open_case_for_creator(self, facts: ShopSnapshot, account: AccountSnapshot, *, bound_shop_id: str | None,
                              case_id: str, now: datetime) -> SupportCase:
        """SHOP-12: the merchant takes an ineligible creator (SHOP-5) to support; refused at once when a
        cause is one support cannot resolve, or when there is nothing to resolve."""
        failures = self.eligibility(facts, account, bound_shop_id=bound_shop_id, now=now)
        if not failures:
            raise SupportCaseNotNeeded("the creator account can be invited")
        if not all(f.support_can_resolve for f in failures):
            raise SupportCannotResolve(failures)
        return self._open_case(SupportCaseKind.INELIGIBLE_CREATOR, facts.owner_account_id, account.account_id,
                               [f.code for f in failures], case_id, now)

    def open_case_for_binding(self, binding_id: str, *, case_id: str, now: datetime) -> SupportCase:
        """SHOP-12: the merchant takes a binding stuck in `binding` (SHOP-10) to support."""
        binding = self.binding(binding_id)
        if binding.status != BindingStatus.BINDING or binding.pending_reason is None:
            raise BindingNotPending(f"the binding is {binding.status}")
        if not binding.pending_support_can_resolve:
            raise SupportCannotResolve([Failure(binding.pending_reason, "SHOP-10", "the account is registered in "
                                                "the United States, which support cannot change", False)])
        return self._open_case(SupportCaseKind.STUCK_BINDING, binding.shop_owner_account_id,
                               binding.creator_account_id, [binding.pending_reason], case_id, now,
                               binding_id=binding_id)

    def answer_case(self, case_id: str, outcome: SupportCaseOutcome, note_code: SupportNoteCode, note: str | None,
                    *, answered_by: str, now: datetime) -> SupportCase:
        """SHOP-12: support resolves or declines with a note; for a stuck binding, resolving completes it
        (SHOP-10) and declining rejects it, freeing its slot. The merchant is told by the event (NOTE-5)."""
        case = self.support_case(case_id)
        case.answer(outcome, note_code, note, answered_by, now)
        if case.binding_id is not None and self.binding(case.binding_id).status == BindingStatus.BINDING:
            if outcome == SupportCaseOutcome.RESOLVED:
                self.complete_pending(case.binding_id, now)
            else:
                self.reject_pending(case.binding_id, now)
        event = SupportCaseResolved if outcome == SupportCaseOutcome.RESOLVED else SupportCaseDeclined
        self.record(event(**_case_fields(case), note_code=note_code, answered_at=now))
        return case

    def _open_case(self, kind: SupportCaseKind, owner: str, creator_account_id: str, causes: list[str],
                   case_id: str, now: datetime, binding_id: str | None = None) -> SupportCase:
        if any(c.is_open and c.kind == kind and c.creator_account_id == creator_account_id
               for c in self.support_cases):
            raise SupportCaseAlreadyOpen("a support case for this creator is already open")
        case = SupportCase(case_id, self.shop_id, owner, kind, creator_account_id, causes, now, binding_id)
        self.support_cases.append(case)
        self.record(SupportCaseOpened(**_case_fields(case), causes=causes, opened_at=now))
        return case

    # -- internals -------------------------------------------------------------------------------

    def _end(self, binding: Binding, reason: BindingEndReason, now: datetime) -> None:
        # SHOP-7 (Decision): the shop's own unbind and its agreement to an unlink request both count.
        counted = binding.role == BindingRole.OFFICIAL and reason in COUNTED_OFFICIAL_ENDS
        if counted and self.official_unbinds_used >= OFFICIAL_UNBIND_LIMIT:
            raise OfficialUnbindLimitReached(
                f"the shop has ended its official binding {self.official_unbinds_used} times")
        binding.end(reason, now)
        if counted:
            self.official_unbinds_used += 1
        self._record_ended(binding, now)

    def _record_ended(self, binding: Binding, now: datetime) -> None:
        assert binding.end_reason is not None
        self.record(ShopBindingEndedV2(**_binding_fields(binding), reason=binding.end_reason, ended_at=now))
        if binding.has_started:  # SHOP-13: the entitlement it granted goes with it
            self.record(SellingEntitlementWithdrawn(
                creator_account_id=binding.creator_account_id, shop_id=binding.shop_id,
                binding_id=binding.binding_id, reason=binding.end_reason, withdrawn_at=now))

    def _require_room(self, facts: ShopSnapshot, role: BindingRole, now: datetime) -> None:
        capacity = policies.slot_capacity(facts.onboarding, role)
        if len(self._occupying(role)) >= capacity:  # SHOP-1
            raise SlotsFull(f"the shop ({facts.onboarding} onboarding) has {capacity} {role} slot(s), none free")
        if role == BindingRole.CHANNEL:  # SHOP-8
            window = self._channel_bindings_in_window(now)
            if len(window) >= CHANNEL_BINDING_LIMIT:
                raise ChannelBindingLimitReached(window[0] + CHANNEL_WINDOW)

    def _occupying(self, role: BindingRole) -> list[Binding]:
        return [b for b in self.bindings if b.role == role and b.occupies_slot]

    def _channel_bindings_in_window(self, now: datetime) -> list[datetime]:
        """When each channel binding counted in the rolling 180 days was made, oldest first."""
        return sorted(b.created_at for b in self.bindings
                      if b.counts_toward_channel_limit and b.created_at > now - CHANNEL_WINDOW)

    def _creators_invitation(self, invitation_id: str, creator_account_id: str) -> Invitation:
        invitation = self.invitation(invitation_id)
        if invitation.creator_account_id != creator_account_id:  # another creator's is not found
            raise InvitationNotFound(f"no invitation {invitation_id}")
        return invitation

    def _unlink_request(self, request_id: str) -> UnlinkRequest:
        for request in self.unlink_requests:
            if request.request_id == request_id:
                return request
        raise UnlinkRequestNotFound(f"no unlink request {request_id} for this shop")

    def _record_created(self, binding: Binding) -> None:
        assert binding.bound_at is not None
        self.record(ShopBindingCreated(
            **_binding_fields(binding), invitation_id=binding.invitation_id, bound_at=binding.bound_at,
            products_synced_to_showcase=binding.capabilities.products_synced_to_showcase))  # SHOP-4
        # SHOP-13: a bound creator may sell without 1,000 followers from the moment the binding starts.
        self.record(SellingEntitlementGranted(creator_account_id=binding.creator_account_id,
                                              shop_id=binding.shop_id, binding_id=binding.binding_id,
                                              role=binding.role, granted_at=binding.bound_at))


def _today(now: datetime) -> date:
    return now.date()


def _invitation_fields(invitation: Invitation) -> dict[str, object]:
    return {"invitation_id": invitation.invitation_id, "shop_id": invitation.shop_id,
            "shop_owner_account_id": invitation.shop_owner_account_id,
            "creator_account_id": invitation.creator_account_id, "role": invitation.role}


def _binding_fields(binding: Binding) -> dict[str, object]:
    return {"binding_id": binding.binding_id, "shop_id": binding.shop_id,
            "shop_owner_account_id": binding.shop_owner_account_id,
            "creator_account_id": binding.creator_account_id, "role": binding.role}


def _unlink_fields(request: UnlinkRequest) -> dict[str, object]:
    return {"request_id": request.request_id, "binding_id": request.binding_id, "shop_id": request.shop_id,
            "shop_owner_account_id": request.shop_owner_account_id,
            "creator_account_id": request.creator_account_id}


def _case_fields(case: SupportCase) -> dict[str, object]:
    return {"case_id": case.case_id, "shop_id": case.shop_id, "shop_owner_account_id": case.shop_owner_account_id,
            "kind": case.kind, "creator_account_id": case.creator_account_id, "binding_id": case.binding_id}
