"""Pure rules that judge platform facts and permissions; the aggregates and handlers apply them."""
from __future__ import annotations

from datetime import date, datetime

from employee_accounts.domain.catalogue import Tool
from employee_accounts.domain.errors import (
    ActivationRefused,
    AlreadyAuthorised,
    CreatorMarketplaceConflict,
    IdentityPenalised,
    InvitationRefused,
    ValidityRefused,
)
from employee_accounts.domain.values import ClientInfo, Permissions
from trust_common.contracts.platform import AccountSnapshot, AccountStatus

SHOWCASE_DEPOSIT_CNY = 500
SHOWCASE_MIN_PUBLIC_VIDEOS = 10
SHOWCASE_MIN_FOLLOWERS_EXCLUSIVE = 1000


PENALISED_STATUSES = frozenset({AccountStatus.BANNED, AccountStatus.RESTRICTED})


def penalty_in_force(snapshot: AccountSnapshot, today: date) -> bool:
    """EMP-7: penalised = platform status `banned` or `restricted`, or a ban or posting/live restriction that
    has not ended (the two facts travel separately; either one is enough)."""
    if snapshot.status in PENALISED_STATUSES:
        return True
    return any(p.until is None or p.until >= today for p in snapshot.penalties)


def require_identity_unpenalised(same_identity: list[AccountSnapshot], today: date) -> None:
    """EMP-7: no real-name-verified account of the identity may be penalised; accounts of the identity that are
    not real-name verified do not count."""
    if any(a.real_name_verified and penalty_in_force(a, today) for a in same_identity):
        raise IdentityPenalised("an account of this identity is penalised; it cannot be used until the penalty ends")


def require_validity_settable(valid_until: datetime, client: ClientInfo, now: datetime) -> None:
    """EMP-21 (EMP-12): a validity period is set from the PC back office only, and ends in the future."""
    if not client.is_pc_back_office:
        raise ValidityRefused("a validity period can only be set from the PC back office")
    if valid_until <= now:
        raise ValidityRefused("the validity period must end in the future")


def departure_blocked(facts: AccountSnapshot | None) -> bool:
    """EMP-9: unsettled assets hold the departure while the employee's real name is still bound."""
    return facts is not None and facts.has_unsettled_assets and facts.real_name_verified


def require_invitable(invitee: AccountSnapshot | None, *, already_authorised: bool, pending_elsewhere: bool) -> None:
    """EMP-13/EMP-14: a known personal account, of no enterprise yet, without the marketplace identity."""
    if invitee is None:
        raise InvitationRefused("no such personal account")
    if already_authorised:
        raise AlreadyAuthorised("the personal account is already an authorised employee account of an enterprise")
    if pending_elsewhere:
        raise AlreadyAuthorised("the personal account already has an open invitation")
    if invitee.creator_marketplace_identity:
        raise CreatorMarketplaceConflict("an account with the creator-marketplace identity cannot be employed")


def require_new_password(current: str, new: str) -> None:
    """EMP-8: the mandatory change is to a password other than the initial one."""
    if new == current:
        raise ActivationRefused("choose a password different from the initial one")


def showcase_shortfalls(facts: AccountSnapshot | None, deposit_paid: bool) -> list[str]:
    """EMP-15: every unmet condition, judged on the employee account's own facts (never the main account's)."""
    if facts is None:
        return ["real_name_verified", "deposit", "public_videos", "followers"]
    missing = []
    if not facts.real_name_verified:
        missing.append("real_name_verified")
    if not deposit_paid:
        missing.append("deposit")
    if facts.public_video_count < SHOWCASE_MIN_PUBLIC_VIDEOS:
        missing.append("public_videos")
    if facts.followers <= SHOWCASE_MIN_FOLLOWERS_EXCLUSIVE:
        missing.append("followers")
    return missing


def merchant_page_visible(configured: dict[str, str], effective: Permissions) -> bool:
    """EMP-16: at least one module configured and approved whose tool is authorised."""
    return any(state == "approved" and Tool(tool) in effective.tools for tool, state in configured.items())
