"""The rules of the rulebook that need no application: facts in, a value or a typed refusal out.

The `Application` aggregate calls these with its own state; being pure, each is tested and read alone.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from certification.domain import errors
from certification.domain.calendar import one_year_after
from certification.domain.records import SisterCertification
from certification.domain.requirements import (
    ALLOWED_FIELDS,
    FEE_CNY,
    PROFILE_TARGET_FIELDS,
    PROFILE_TARGETS,
    REQUIRED_DOCUMENTS,
    REQUIRED_FIELDS,
    allowed_documents,
    name_check,
)
from certification.domain.states import IN_AUDIT, MAX_REOPENINGS, Status
from trust_common.contracts.certification import (
    CancelledBy,
    CertificationType,
    Channel,
    DocumentKind,
    RejectionReason,
)
from trust_common.contracts.platform import AccountSnapshot

KEPT_PROFILE_FIELDS = {"username", "avatar_url", "signature"}  # CERT-2: what an application compares later
WATCHED_PROFILE_FIELDS = ("username", "avatar_url")  # CERT-2 decision: changes that send it back to review
SISTER_APP_LOGIN = "sister_app"  # CERT-9: the login method kind of a sister-app account
INCONSISTENT_DISPLAY_NAME = [{"target": "display_name", "target_kind": "field", "code": "inconsistent_with_profile"}]


def profile_snapshot(profile: AccountSnapshot) -> dict[str, Any]:
    """CERT-2: the part of the account profile an application keeps."""
    return profile.model_dump(mode="json", include=KEPT_PROFILE_FIELDS)


def changed_profile_fields(snapshot: Mapping[str, Any], profile: AccountSnapshot) -> list[str]:
    """CERT-2 decision: the watched profile fields that differ from the kept snapshot."""
    return [f for f in WATCHED_PROFILE_FIELDS if snapshot.get(f) != getattr(profile, f)]


def known_account(profile: AccountSnapshot | None) -> AccountSnapshot:
    """CERT-2: the profile snapshot comes from the platform-accounts projection; none, no application."""
    if profile is None:
        raise errors.AccountUnknown("the platform has not told us about this account yet")
    return profile


def check_channel(channel: Channel) -> None:
    """CERT-11: applications come from the PC site or the mobile app; synced ones only via CERT-9."""
    if Channel(channel) not in (Channel.PC, Channel.MOBILE):
        raise errors.ChannelNotAllowed(f"channel {channel!r} is not the PC site or the mobile app")


def clean_fields(fields: Mapping[str, str]) -> dict[str, str]:
    """CERT-3: nothing beyond what the certification needs may be asked or kept."""
    unknown = set(fields) - ALLOWED_FIELDS
    if unknown:
        raise errors.FieldNotAllowed(f"unknown fields: {', '.join(sorted(unknown))}")
    return {k: str(v).strip() for k, v in fields.items()}


def check_document_kind(certification_type: CertificationType, kind: DocumentKind) -> None:
    """CERT-3: only documents this certification type asks for."""
    allowed = allowed_documents(certification_type)
    if DocumentKind(kind) not in allowed:
        raise errors.DocumentNotAllowed(f"a {certification_type} certification does not ask for a {kind}",
                                        allowed=sorted(allowed))


def currently_due(certification_type: CertificationType, present: Iterable[DocumentKind],
                  fields: Mapping[str, str], corrections: Iterable[Mapping[str, str]]) -> list[str]:
    """CERT-3, CERT-6: what must still be provided before an application can go (back) to audit."""
    due = [f"documents.{k}" for k in sorted(REQUIRED_DOCUMENTS[certification_type] - set(present))]
    due += [f"fields.{f}" for f in REQUIRED_FIELDS[certification_type] if not fields.get(f)]
    due += [requirement(e) for e in corrections]
    return sorted(set(due))


def requirement(error: Mapping[str, str]) -> str:
    """How a rejection's target is named among what is due: documents.X, fields.X or profile.X (CERT-2)."""
    if error["target_kind"] == "document":
        return f"documents.{error['target']}"
    return f"{'profile' if error['target'] in PROFILE_TARGETS else 'fields'}.{error['target']}"


def check_applicant(certification_type: CertificationType, display_name: str,
                    profile: AccountSnapshot | None) -> dict[str, Any]:
    """CERT-1 (real-name needs the platform's verified identity) and CERT-2 (the name pre-check); returns
    the profile snapshot the auditor is shown: username, avatar, signature and the name check's result."""
    profile = known_account(profile)
    if certification_type == CertificationType.REAL_NAME and not profile.real_name_verified:
        raise errors.RealNameNotVerified("verify your real name on the platform first")
    result = None
    if certification_type == CertificationType.ENTERPRISE:
        result = name_check(display_name, profile.username)
        if result is None:  # CERT-2 decision: a bare substring ("Acme" in "NotAcme") is a mismatch
            raise errors.ProfileInconsistent(
                "the account's username must equal the display name or carry it as a whole word",
                errors=INCONSISTENT_DISPLAY_NAME)
    return {**profile_snapshot(profile), "name_check": result}


def changed_profile_targets(snapshot: Mapping[str, Any], profile: AccountSnapshot,
                            targets: Iterable[str]) -> set[str]:
    """CERT-2, CERT-7: the profile targets of a rejection (avatar, signature, username) the account has
    changed on the platform since the snapshot: corrected where they are corrected, on the platform."""
    return {t for t in targets if t in PROFILE_TARGETS
            and snapshot.get(PROFILE_TARGET_FIELDS[t]) != getattr(profile, PROFILE_TARGET_FIELDS[t])}


def fee_due(certification_type: CertificationType, submission_number: int) -> int:
    """CERT-4 decision: only the first submission of an application is charged; corrections are not."""
    return FEE_CNY[certification_type] if submission_number == 0 else 0


def check_claim(status: Status, claimed_by: str | None, lease_until: datetime | None, auditor_id: str,
                now: datetime) -> None:
    """CERT-5: a review is leased to one auditor; another may take it only when the lease has run out."""
    if status == Status.IN_REVIEW and claimed_by != auditor_id and lease_until and lease_until > now:
        raise errors.ReviewLeasedElsewhere("another auditor is reviewing this application",
                                           lease_until=lease_until.isoformat())
    if status not in IN_AUDIT:
        raise errors.WrongStatus(f"the application is {status}", current_status=str(status))


def check_reviewer(status: Status, claimed_by: str | None, lease_until: datetime | None, auditor_id: str,
                   now: datetime) -> None:
    """CERT-5: only the auditor holding a current lease decides."""
    if status != Status.IN_REVIEW:
        raise errors.WrongStatus("claim the application before deciding", current_status=str(status))
    if claimed_by != auditor_id or (lease_until is not None and lease_until <= now):
        raise errors.ReviewLeasedElsewhere("your lease on this review is not held (or has run out)")


def check_independent(account_id: str, reviewer_identities: Iterable[str], rule: str = "CERT-5") -> None:
    """CERT-5/CERT-6 (issue 13): nobody reviews an application they own or applied for: a principal that is
    also the applicant account (or an admin of that enterprise) may not claim, approve or reject it."""
    if account_id in set(reviewer_identities):
        raise errors.OwnApplication("you own or applied for this application; another auditor must review it",
                                    rule=rule)


def check_rejection(certification_type: CertificationType, reasons: list[RejectionReason]) -> None:
    """CERT-6: a rejection names something the applicant can correct: an asked-for document or a known field."""
    if not reasons:
        raise errors.RejectionWithoutReasons("name at least one document or field and a reason code")
    documents = {str(k) for k in allowed_documents(certification_type)}
    for r in reasons:
        # CERT-2 decision: the auditor may also name the profile's avatar, signature or username.
        known = documents if r.target_kind == "document" else ALLOWED_FIELDS | PROFILE_TARGETS
        if r.target not in known:
            raise errors.UnknownRejectionTarget(f"{r.target_kind} {r.target!r} is not part of this application")


def check_reopen_window(status: Status, reopen_deadline: datetime | None, now: datetime) -> None:
    """CERT-7: a failed application may be reopened within 30 days of failing."""
    if status == Status.CLOSED or (status == Status.FAILED and reopen_deadline and now > reopen_deadline):
        raise errors.ReopenWindowClosed("the 30 days after the failure are over",
                                        reopen_deadline=reopen_deadline and reopen_deadline.isoformat())
    if status != Status.FAILED:
        raise errors.WrongStatus(f"the application is {status}", current_status=str(status))


def check_reopen_count(reopen_count: int) -> None:
    """CERT-7 decision: an application can be reopened at most twice; then only a new, newly charged one."""
    if reopen_count >= MAX_REOPENINGS:
        raise errors.ReopenLimitReached(f"this application was reopened {reopen_count} times already; "
                                        "start a new application", reopen_count=reopen_count)


def check_renewable(certification_type: CertificationType, status: Status, channel: Channel,
                    valid_until: datetime | None, now: datetime) -> None:
    """CERT-8: renewal is a new review before expiry, of a reviewed enterprise certification."""
    if (certification_type != CertificationType.ENTERPRISE or status != Status.CERTIFIED
            or channel == Channel.SISTER_APP_SYNC or valid_until is None or now >= valid_until):
        raise errors.RenewalNotPossible("only a current, reviewed enterprise certification can be renewed")


def renewed_until(valid_until: datetime, now: datetime) -> datetime:
    """CERT-8: a renewal carries on one year from the old end (or from now, when it passed after the end)."""
    return one_year_after(max(valid_until, now))


def check_cancel(certification_type: CertificationType, by: CancelledBy) -> None:
    """CERT-10: enterprise and personal can be cancelled; real-name ends only with the account."""
    if certification_type == CertificationType.REAL_NAME and by != CancelledBy.ACCOUNT_DELETED:
        raise errors.CancelNotAllowed("a real-name certification ends only when the account is deleted")


def associated(source: SisterCertification | None) -> SisterCertification:
    """CERT-9: the sister app has told us about this certification."""
    if source is None:
        raise errors.SyncRefused("no sister-app certification with this reference is known")
    return source


def is_login_method(profile: AccountSnapshot, sister_account_id: str) -> bool:
    """CERT-9 decision: the sister-app account must be a login method of the account."""
    return any(m.kind == SISTER_APP_LOGIN and m.reference == sister_account_id for m in profile.login_methods)


def check_sister_certification(source: SisterCertification, profile: AccountSnapshot | None,
                               now: datetime) -> tuple[AccountSnapshot, str]:
    """CERT-9: a current sister-app certification, held by a sister-app account that is a login method of the
    account, whose name both profiles carry (CERT-2's name check); returns the account and the check's result."""
    profile = known_account(profile)
    if not source.active or source.valid_until <= now:
        raise errors.SyncRefused(f"the sister-app certification has ended ({source.status})")
    if not is_login_method(profile, source.sister_account_id):
        raise errors.SyncRefused("the sister-app account holding this certification is not a login method of "
                                 "this account")
    result = name_check(source.display_name, profile.username)
    if result is None or name_check(source.display_name, source.profile.get("username", "")) is None:
        raise errors.SyncRefused("both accounts' usernames must carry the certified display name",
                                 errors=INCONSISTENT_DISPLAY_NAME)
    return profile, result


def sister_profile(source: SisterCertification) -> dict[str, str]:
    """CERT-9: the part of the sister-app profile a synced certification keeps and watches."""
    return {k: source.profile.get(k, "") for k in ("username", "avatar_url", "signature")}


def changed_sister_profile(kept: Mapping[str, Any], source: SisterCertification) -> list[str]:
    """CERT-9 decision: the watched sister-app profile fields (as CERT-2 watches ours) that changed."""
    current = sister_profile(source)
    return [f"sister_app.{f}" for f in WATCHED_PROFILE_FIELDS if kept.get(f) != current[f]]
