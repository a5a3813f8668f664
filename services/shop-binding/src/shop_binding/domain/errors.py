"""Typed domain errors, each naming the rule that refuses the command."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from trust_common.problems import Conflict, Forbidden, NotFound, RuleViolation


@dataclass(frozen=True)
class Failure:
    """One failed check: a stable code, the rule id and a readable message; for SHOP-5 failures and
    SHOP-10 reasons also whether support can resolve it (SHOP-12)."""

    code: str
    rule: str
    detail: str
    support_can_resolve: bool | None = None

    def as_dict(self) -> dict[str, str | bool]:
        return {k: v for k, v in asdict(self).items() if v is not None}


class NotEligible(RuleViolation):
    """SHOP-5: the account cannot be invited; lists every failed condition."""

    slug, title, rule = "creator-not-eligible", "The creator account cannot be invited", "SHOP-5"

    def __init__(self, failures: list[Failure]) -> None:
        super().__init__("; ".join(f.detail for f in failures), failures=[f.as_dict() for f in failures])
        self.failures = failures


class ConfirmationFailed(RuleViolation):
    """SHOP-9: binding failed at confirmation; lists every reason with its own code."""

    slug, title, rule = "binding-failed", "The binding cannot be confirmed", "SHOP-9"

    def __init__(self, failures: list[Failure]) -> None:
        super().__init__("; ".join(f.detail for f in failures), failures=[f.as_dict() for f in failures])
        self.failures = failures


class UnlinkRequestLocationRefused(RuleViolation):
    """SHOP-11 (seed 004, step 2): an unlink request is sent with network location and account region in the
    shop's country; each failure carries its SHOP-9 code."""

    slug, title, rule = ("unlink-request-location-refused",
                         "An unlink request must be sent from the shop's country", "SHOP-11")

    def __init__(self, failures: list[Failure]) -> None:
        super().__init__("; ".join(f.detail for f in failures), failures=[f.as_dict() for f in failures])
        self.failures = failures


class SlotsFull(RuleViolation):
    slug, title, rule = "shop-slots-full", "The shop has no free slot of this kind", "SHOP-1"


class CreatorAlreadyBound(Conflict):
    slug, title, rule = "creator-already-bound", "The creator account is already bound to a shop", "SHOP-2"


class UnbindTooEarly(RuleViolation):
    slug, title, rule = "unbind-too-early", "A binding can be undone only 24 hours after it was made", "SHOP-3"

    def __init__(self, allowed_from: datetime) -> None:
        super().__init__(f"the binding can be undone from {allowed_from.isoformat()}",
                         allowed_from=allowed_from.isoformat())


class InvitationExpired(RuleViolation):
    slug, title, rule = "invitation-expired", "The 48-hour confirmation window has closed", "SHOP-6"


class InvitationNotPending(Conflict):
    slug, title, rule = "invitation-not-pending", "The invitation is no longer open", "SHOP-6"


class DuplicateInvitation(Conflict):
    slug, title, rule = "invitation-already-open", "An invitation to this creator is already open", "SHOP-6"


class OfficialUnbindLimitReached(RuleViolation):
    slug, title, rule = "official-unbind-limit", "The shop has used its 3 official-account unbinds", "SHOP-7"


class ChannelBindingLimitReached(RuleViolation):
    slug, title, rule = "channel-binding-limit", "10 channel bindings within 180 days reached", "SHOP-8"

    def __init__(self, next_frees_at: datetime | None) -> None:
        when = next_frees_at.isoformat() if next_frees_at else None
        super().__init__(f"the next channel binding frees up at {when}", next_frees_at=when)


class BindingNotActive(Conflict):
    slug, title = "binding-not-active", "The binding is not active (not yet completed, or already ended)"


class BindingNotPending(Conflict):
    slug, title, rule = "binding-not-pending", "The binding is not waiting in `binding`", "SHOP-10"


class UnlinkRequestAlreadyOpen(Conflict):
    slug, title, rule = "unlink-request-open", "An unlink request for this binding is already open", "SHOP-11"


class UnlinkRequestAnswered(Conflict):
    slug, title, rule = "unlink-request-answered", "The unlink request was already answered", "SHOP-11"


class SupportCaseNotNeeded(Conflict):
    """SHOP-12: the creator is eligible (nothing for support to resolve)."""

    slug, title, rule = "support-case-not-needed", "There is nothing for support to resolve", "SHOP-12"


class SupportCannotResolve(RuleViolation):
    """SHOP-12: a case whose causes support cannot resolve (an abnormal account status, an account registered
    in the United States) is refused at once; lists every cause with `support_can_resolve`."""

    slug, title, rule = "support-cannot-resolve", "Support cannot resolve this cause", "SHOP-12"

    def __init__(self, failures: list[Failure]) -> None:
        blocking = [f for f in failures if not f.support_can_resolve]
        super().__init__("support cannot resolve: " + "; ".join(f.detail for f in blocking),
                         failures=[f.as_dict() for f in failures])
        self.failures = failures


class SupportCaseAlreadyOpen(Conflict):
    slug, title, rule = "support-case-open", "A support case for this is already open", "SHOP-12"


class SupportCaseNotOpen(Conflict):
    slug, title, rule = "support-case-not-open", "The support case was already answered", "SHOP-12"


class NoteCodeNotForOutcome(RuleViolation):
    slug, title, rule = "support-note-not-for-outcome", "This note code does not fit the outcome", "SHOP-12"


class ConsentMissing(RuleViolation):
    """LINK-2: linking needs the user's acceptance of the business centre's current terms and authorisation of
    its access to the platform account (at least the profile); `reason` says what is missing."""

    slug, title, rule = "link-consent-required", "Accept the business centre's terms and authorise its access", \
        "LINK-2"

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail, reason=reason)


class AlreadyLinked(RuleViolation):
    slug, title, rule = "already-linked", "already linked to another account", "LINK-1"


class BusinessCentreControlNotProven(Forbidden):
    """LINK-1: the business centre's signed assertion that the caller controls the business-centre account is
    missing, stale or forged (`reason`), so the account cannot be linked (no squatting another's account)."""

    slug, title, rule = ("business-centre-control-not-proven", "Control of the business-centre account is not proven",
                         "LINK-1")

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail, reason=reason)


class MarketNotEnabled(RuleViolation):
    slug, title, rule = "link-market-not-enabled", "Business-centre links are not available in this market", "LINK-1"


# Not found (X-3: also what another tenant's resource is), each with its own problem type.
class ShopNotFound(NotFound):
    slug, title = "shop-not-found", "No such shop"


class AccountNotFound(NotFound):
    slug, title = "account-not-found", "No such account"


class InvitationNotFound(NotFound):
    slug, title = "invitation-not-found", "No such invitation"


class BindingNotFound(NotFound):
    slug, title = "binding-not-found", "No such binding"


class UnlinkRequestNotFound(NotFound):
    slug, title = "unlink-request-not-found", "No such unlink request"


class SupportCaseNotFound(NotFound):
    slug, title = "support-case-not-found", "No such support case"


class LinkNotFound(NotFound):
    slug, title = "business-centre-link-not-found", "No business-centre link"
