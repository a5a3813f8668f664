"""A held certification: CERT-2 (profile re-review), CERT-8 (validity, renewal), CERT-9 (sync), CERT-10 (cancel)."""
from datetime import UTC, datetime, timedelta

import pytest

from certification.domain import errors
from certification.domain.application import Application
from certification.domain.records import SisterCertification
from certification.domain.states import SYSTEM, Status
from trust_common.contracts.certification import (
    BadgeSuspended,
    CancelledBy,
    CertificationCancelled,
    CertificationExpired,
    CertificationRenewed,
    CertificationType,
    Channel,
    ExpiryReminderDue,
    ReasonCode,
    RejectionReason,
    ReReviewOpened,
    ReReviewPassed,
)

from tests.certification.builders import (
    AUDITOR,
    CALENDAR,
    HOLDER,
    LEASE,
    MONDAY,
    certified,
    events_of,
    in_review,
    profile,
)

YEAR_END = datetime(2027, 3, 2, 10, 0, tzinfo=UTC)


def test_a_changed_username_sends_a_certified_enterprise_back_to_review_keeping_the_badge():
    """CERT-2 decision: flagged profile_changed, badge stays while the re-review is open."""
    app = certified()
    events_of(app)
    assert app.open_rereview(profile(username="Acme Coffee Global"), CALENDAR, SYSTEM, MONDAY + timedelta(days=3))
    event = app.pull_events()[-1]
    assert isinstance(event, ReReviewOpened) and event.profile_changed and event.changed_fields == ["username"]
    assert app.status == Status.SUBMITTED and app.profile_changed and app.badge_active
    assert app.badge_grace_until == datetime(2026, 3, 9, 10, 0, tzinfo=UTC)  # Thu + 2 working days


def test_an_unchanged_username_or_a_signature_change_opens_nothing():
    """CERT-2 decision: only username and avatar count."""
    app = certified()
    assert not app.open_rereview(profile(signature="new motto"), CALENDAR, SYSTEM, MONDAY)


def test_the_badge_is_suspended_when_the_rereview_is_not_passed_in_two_working_days():
    """CERT-2 decision: suspended until it passes."""
    app = certified()
    app.open_rereview(profile(avatar_url="https://img/2.png"), CALENDAR, SYSTEM, MONDAY)
    events_of(app)
    assert app.end_badge_grace(app.submission_number, SYSTEM, MONDAY + timedelta(days=2))
    assert not app.badge_active and isinstance(app.pull_events()[-1], BadgeSuspended)
    app.claim(AUDITOR, MONDAY + timedelta(days=3), LEASE)
    app.approve(AUDITOR, MONDAY + timedelta(days=3))
    assert app.badge_active and not app.profile_changed and app.valid_until == YEAR_END
    assert isinstance(app.pull_events()[-1], ReReviewPassed)


def test_a_rejected_rereview_suspends_the_badge_at_once_and_keeps_the_certification():
    """CERT-2 decision: the badge is kept only while the review is open, then suspended until it passes;
    the certification itself stays (not the CERT-7 failure path) and still expires after its year (CERT-8)."""
    app = certified()
    app.open_rereview(profile(username="Other brand"), CALENDAR, SYSTEM, MONDAY)
    app.claim(AUDITOR, MONDAY, LEASE)
    events_of(app)
    app.reject(AUDITOR, [RejectionReason(target="display_name", target_kind="field",
                                         code=ReasonCode.INCONSISTENT_WITH_PROFILE)], MONDAY)
    assert app.status == Status.CERTIFIED and not app.badge_active and app.profile_changed
    assert app.holds_certification and app.correction_deadline is None and app.valid_until == YEAR_END
    suspended = app.pull_events()
    assert [type(e).__name__ for e in suspended] == ["BadgeSuspended"]
    assert isinstance(suspended[0], BadgeSuspended) and suspended[0].reason == "rereview_rejected"
    assert not app.miss_correction_deadline(app.rejection_count, SYSTEM, MONDAY + timedelta(days=11))
    assert app.expire(YEAR_END, SYSTEM, YEAR_END) and app.status == Status.EXPIRED


def test_repeated_false_information_in_a_rereview_never_fails_the_certification():
    """CERT-2 decision vs CERT-7: a re-review is not an application's audit; it suspends the badge only."""
    app = certified()
    app.open_rereview(profile(username="Other brand"), CALENDAR, SYSTEM, MONDAY)
    false_name = [RejectionReason(target="display_name", target_kind="field", code=ReasonCode.FALSE_INFORMATION)]
    for round_ in range(3):
        now = MONDAY + timedelta(days=round_)
        app.claim(AUDITOR, now, LEASE)
        app.reject(AUDITOR, false_name, now)
        assert app.status == Status.CERTIFIED and not app.badge_active
        app.open_rereview(profile(username=f"Acme Coffee {round_}"), CALENDAR, SYSTEM, now)
    assert app.status == Status.SUBMITTED and app.failure_reason is None


def test_after_a_rejected_rereview_a_profile_change_goes_back_to_review_and_passing_restores_the_badge():
    """CERT-2 decision: suspended until it passes; the validity is unchanged (CERT-8)."""
    app = certified()
    app.open_rereview(profile(username="Other brand"), CALENDAR, SYSTEM, MONDAY)
    app.claim(AUDITOR, MONDAY, LEASE)
    app.reject(AUDITOR, [RejectionReason(target="display_name", target_kind="field",
                                         code=ReasonCode.INCONSISTENT_WITH_PROFILE)], MONDAY)
    later = MONDAY + timedelta(days=3)
    events_of(app)
    assert app.open_rereview(profile(username="Acme Coffee Official"), CALENDAR, SYSTEM, later)
    opened = app.pull_events()[-1]
    assert isinstance(opened, ReReviewOpened) and opened.badge_grace_until == later  # no new grace
    assert app.status == Status.SUBMITTED and not app.badge_active and not app.errors
    app.claim(AUDITOR, later, LEASE)
    app.approve(AUDITOR, later)
    assert app.status == Status.CERTIFIED and app.badge_active and not app.profile_changed
    assert app.valid_until == YEAR_END and isinstance(app.pull_events()[-1], ReReviewPassed)


def test_reminders_come_while_the_certification_is_held_and_expiry_removes_the_badge():
    """CERT-8: reminders before the end; unrenewed certification expires by itself."""
    app = certified()
    events_of(app)
    assert app.remind_expiry(30, YEAR_END, SYSTEM, YEAR_END - timedelta(days=30))
    reminder = app.pull_events()[-1]
    assert isinstance(reminder, ExpiryReminderDue) and reminder.days_left == 30
    assert not app.expire(YEAR_END, SYSTEM, YEAR_END - timedelta(seconds=1))
    assert app.expire(YEAR_END, SYSTEM, YEAR_END)
    assert app.status == Status.EXPIRED and not app.badge_active
    assert not app.remind_expiry(1, YEAR_END, SYSTEM, YEAR_END)


def test_renewal_before_expiry_extends_by_a_year_from_the_old_end():
    """CERT-8: renewal is a new review before expiry."""
    current = certified()
    before_end = YEAR_END - timedelta(days=20)
    renewal = current.start_renewal(Channel.PC, HOLDER, before_end, renewal_open=False)
    assert renewal.renewal_of == current.id and len(renewal.current_documents()) == 2
    renewal.submit(profile(), CALENDAR, HOLDER, before_end)
    renewal.claim(AUDITOR, before_end, LEASE)
    current.renew(renewal, AUDITOR, before_end)
    assert renewal.valid_until == datetime(2028, 3, 2, 10, 0, tzinfo=UTC)
    assert current.status == Status.RENEWED and renewal.status == Status.CERTIFIED
    assert isinstance(renewal.pull_events()[-1], CertificationRenewed)
    assert not current.expire(YEAR_END, SYSTEM, YEAR_END)  # the old expiry timer is now a no-op


def test_a_cancelled_certification_is_not_brought_back_by_approving_its_renewal():
    """CERT-8/CERT-10 (EMP-18 would restore the grants): a renewal renews only a certification that stands."""
    current = certified()
    before_end = YEAR_END - timedelta(days=20)
    renewal = current.start_renewal(Channel.PC, HOLDER, before_end, renewal_open=False)
    renewal.submit(profile(), CALENDAR, HOLDER, before_end)
    renewal.claim(AUDITOR, before_end, LEASE)
    current.cancel(CancelledBy.HOLDER, HOLDER, before_end)  # (without its open renewals: the guard alone)
    events_of(renewal)
    with pytest.raises(errors.RenewalNotPossible) as refused:
        current.renew(renewal, AUDITOR, before_end)
    assert refused.value.rule == "CERT-8"
    assert current.status == Status.CANCELLED and renewal.status == Status.IN_REVIEW and not renewal.badge_active
    assert events_of(renewal) == []


def test_cancelling_a_certification_withdraws_its_open_renewal():
    """CERT-10 with CERT-8: the open renewal goes with the cancelled certification, in the same change."""
    current = certified()
    before_end = YEAR_END - timedelta(days=20)
    renewal = current.start_renewal(Channel.PC, HOLDER, before_end, renewal_open=False)
    renewal.submit(profile(), CALENDAR, HOLDER, before_end)
    events_of(renewal)
    current.cancel(CancelledBy.HOLDER, HOLDER, before_end, [renewal])
    assert current.status == renewal.status == Status.CANCELLED
    withdrawn = renewal.pull_events()[-1]
    assert isinstance(withdrawn, CertificationCancelled) and not withdrawn.was_certified
    with pytest.raises(errors.WrongStatus):
        renewal.claim(AUDITOR, before_end, LEASE)


def test_a_renewal_started_before_expiry_and_passed_after_it_renews_from_the_approval():
    """CERT-8: the review started before expiry; the new year starts when it passes (EMP-18: grants restored)."""
    current = certified()
    renewal = current.start_renewal(Channel.PC, HOLDER, YEAR_END - timedelta(days=3), renewal_open=False)
    renewal.submit(profile(), CALENDAR, HOLDER, YEAR_END - timedelta(days=3))
    assert current.expire(YEAR_END, SYSTEM, YEAR_END)
    late = YEAR_END + timedelta(days=1)
    renewal.claim(AUDITOR, late, LEASE)
    current.renew(renewal, AUDITOR, late)
    assert current.status == Status.RENEWED and renewal.valid_until == datetime(2028, 3, 3, 10, 0, tzinfo=UTC)


def test_renewal_is_refused_after_expiry_and_for_personal_certifications():
    """CERT-8."""
    with pytest.raises(errors.RenewalNotPossible):
        certified().start_renewal(Channel.PC, HOLDER, YEAR_END, renewal_open=False)
    with pytest.raises(errors.RenewalNotPossible):
        certified(CertificationType.PERSONAL).start_renewal(Channel.PC, HOLDER, MONDAY, renewal_open=False)


def test_a_second_open_renewal_is_refused():
    """CERT-8: one renewal of a certification at a time."""
    with pytest.raises(errors.RenewalNotPossible):
        certified().start_renewal(Channel.PC, HOLDER, YEAR_END - timedelta(days=20), renewal_open=True)


def test_approving_a_renewal_renews_the_certification_it_replaces():
    """CERT-8: the approval of a renewal's review replaces its predecessor, one year on from the old end."""
    current = certified()
    before_end = YEAR_END - timedelta(days=20)
    renewal = current.start_renewal(Channel.PC, HOLDER, before_end, renewal_open=False)
    renewal.submit(profile(), CALENDAR, HOLDER, before_end)
    renewal.claim(AUDITOR, before_end, LEASE)
    assert renewal.renews == current.id and current.renews is None
    renewal.approve(AUDITOR, before_end, renewed=current)
    assert current.status == Status.RENEWED and renewal.valid_until == datetime(2028, 3, 2, 10, 0, tzinfo=UTC)


SISTER_LOGIN = [{"kind": "sister_app", "reference": "tt-acc-1"}]


def source(valid_until: datetime = datetime(2026, 9, 1, tzinfo=UTC), status: str = "active",
           **profile_facts: str) -> SisterCertification:
    """The sister app's certification "toutiao-1", held by its account tt-acc-1 (CERT-9)."""
    sister_profile = {"username": "Acme Coffee", "avatar_url": "https://tt/a.png", "signature": "", **profile_facts}
    return SisterCertification("toutiao-1", "Acme Coffee Co., Ltd.", "Acme Coffee", valid_until, "tt-acc-1",
                               status, sister_profile)


def synced(valid_until: datetime = datetime(2026, 9, 1, tzinfo=UTC)) -> Application:
    app = Application.sync_from_sister_app("acc-holder", source(valid_until), profile(login_methods=SISTER_LOGIN),
                                           HOLDER, MONDAY, open_exists=False)
    events_of(app)
    return app


def test_a_sister_app_certification_syncs_without_fee_or_review_and_lasts_as_long_as_its_source():
    """CERT-9."""
    app = Application.sync_from_sister_app("acc-holder", source(), profile(login_methods=SISTER_LOGIN), HOLDER,
                                           MONDAY, open_exists=False)
    assert app.status == Status.CERTIFIED and app.channel == Channel.SISTER_APP_SYNC
    assert app.valid_until == datetime(2026, 9, 1, tzinfo=UTC) and app.badge_active
    assert app.source_reference == "toutiao-1" and app.fee_charged_cny == 0
    assert events_of(app) == ["ApplicationStarted", "ApplicationApproved"]


def test_sync_needs_consistent_profiles_and_a_current_source():
    """CERT-9: both usernames carry the certified name (CERT-2's check); the source is active and current."""
    linked = profile(login_methods=SISTER_LOGIN)
    with pytest.raises(errors.SyncRefused):
        Application.sync_from_sister_app("acc-holder", source(), profile(username="someone else",
                                                                         login_methods=SISTER_LOGIN),
                                         HOLDER, MONDAY, open_exists=False)
    with pytest.raises(errors.SyncRefused):
        Application.sync_from_sister_app("acc-holder", source(username="NotAcme Coffee"), linked, HOLDER, MONDAY,
                                         open_exists=False)
    with pytest.raises(errors.SyncRefused):
        Application.sync_from_sister_app("acc-holder", source(MONDAY), linked, HOLDER, MONDAY, open_exists=False)
    with pytest.raises(errors.SyncRefused):
        Application.sync_from_sister_app("acc-holder", source(status="cancelled"), linked, HOLDER, MONDAY,
                                         open_exists=False)


def test_sync_needs_the_sister_app_account_to_be_a_login_method_of_the_account():
    """CERT-9 decision: without the sister-app account among the account's login methods, no sync."""
    with pytest.raises(errors.SyncRefused) as refused:
        Application.sync_from_sister_app("acc-holder", source(), profile(), HOLDER, MONDAY, open_exists=False)
    assert "login method" in refused.value.detail
    other = [{"kind": "sister_app", "reference": "tt-someone-else"}]
    with pytest.raises(errors.SyncRefused):
        Application.sync_from_sister_app("acc-holder", source(), profile(login_methods=other), HOLDER, MONDAY,
                                         open_exists=False)


def test_sync_needs_a_known_source_and_no_open_enterprise_application():
    """CERT-9 (the sister app told us about the certification), with CERT-1."""
    with pytest.raises(errors.SyncRefused):
        Application.sync_from_sister_app("acc-holder", None, profile(login_methods=SISTER_LOGIN), HOLDER, MONDAY,
                                         open_exists=False)
    with pytest.raises(errors.OpenApplicationExists) as refused:
        Application.sync_from_sister_app("acc-holder", source(), profile(login_methods=SISTER_LOGIN), HOLDER,
                                         MONDAY, open_exists=True)
    assert refused.value.rule_id == "CERT-9"


def test_the_sources_renewal_extends_the_synced_certification():
    """CERT-9 decision: renewed in the sister app → the same certification, a later end (CertificationRenewed
    with renewal_of = itself); an unchanged fact changes nothing."""
    app = synced()
    assert not app.follow_source(source(), CALENDAR, SYSTEM, MONDAY)
    assert app.follow_source(source(datetime(2027, 9, 1, tzinfo=UTC)), CALENDAR, SYSTEM, MONDAY)
    assert app.valid_until == datetime(2027, 9, 1, tzinfo=UTC) and app.status == Status.CERTIFIED
    renewed = app.pull_events()
    assert [type(e).__name__ for e in renewed] == ["CertificationRenewed"]
    assert renewed[0].renewal_of == app.id  # type: ignore[attr-defined]


@pytest.mark.parametrize("ended", ["cancelled", "expired"])
def test_the_sources_cancellation_or_expiry_ends_the_synced_certification(ended):
    """CERT-9 decision: its cancellation or expiry in the sister app ends ours; the badge goes."""
    app = synced()
    assert app.follow_source(source(status=ended), CALENDAR, SYSTEM, MONDAY)
    assert app.status == Status.EXPIRED and not app.badge_active
    [expired] = app.pull_events()
    assert isinstance(expired, CertificationExpired) and expired.ended_with_source == f"source_{ended}"
    assert not app.follow_source(source(datetime(2027, 9, 1, tzinfo=UTC)), CALENDAR, SYSTEM, MONDAY)  # ended


def test_a_divergent_sister_app_profile_sends_the_synced_certification_to_re_review():
    """CERT-9 decision: the two profiles diverge (the sister-app avatar or username changed) → re-review as
    CERT-2: in audit, the badge kept for 2 working days."""
    app = synced()
    assert app.follow_source(source(avatar_url="https://tt/other.png"), CALENDAR, SYSTEM, MONDAY)
    assert app.status == Status.SUBMITTED and app.profile_changed and app.badge_active
    [opened] = app.pull_events()
    assert isinstance(opened, ReReviewOpened) and opened.changed_fields == ["sister_app.avatar_url"]
    assert app.profile_snapshot["sister_app"]["avatar_url"] == "https://tt/other.png"


def test_a_synced_certification_follows_only_its_own_source():
    """CERT-9: another sister-app certification's facts change nothing."""
    app = synced()
    other = SisterCertification("toutiao-2", "X", "X", MONDAY, "tt-acc-9", "cancelled", {})
    assert not app.follow_source(other, CALENDAR, SYSTEM, MONDAY) and app.status == Status.CERTIFIED


def test_an_enterprise_certification_can_be_cancelled_and_its_data_is_kept():
    """CERT-10: badge removed, data kept (fee never refunded: cancelling touches no fee)."""
    app = certified()
    events_of(app)
    app.cancel(CancelledBy.HOLDER, HOLDER, MONDAY + timedelta(days=5))
    event = app.pull_events()[-1]
    assert isinstance(event, CertificationCancelled) and event.was_certified
    assert app.status == Status.CANCELLED and not app.badge_active and app.documents and app.fields


def test_personal_certification_is_cancellable_by_support():
    """CERT-10."""
    app = certified(CertificationType.PERSONAL)
    app.cancel(CancelledBy.SUPPORT, SYSTEM, MONDAY)
    assert app.status == Status.CANCELLED


def test_real_name_certification_ends_only_with_the_account():
    """CERT-10: real-name cannot be cancelled; deleting the account ends it."""
    app = certified(CertificationType.REAL_NAME)
    with pytest.raises(errors.CancelNotAllowed):
        app.cancel(CancelledBy.HOLDER, HOLDER, MONDAY)
    with pytest.raises(errors.CancelNotAllowed):
        app.cancel(CancelledBy.SUPPORT, SYSTEM, MONDAY)
    app.cancel(CancelledBy.ACCOUNT_DELETED, SYSTEM, MONDAY)
    assert app.status == Status.CANCELLED


def test_a_cancelled_application_cannot_be_cancelled_again():
    """CERT-10."""
    app = in_review()
    app.cancel(CancelledBy.HOLDER, HOLDER, MONDAY)
    with pytest.raises(errors.WrongStatus):
        app.cancel(CancelledBy.HOLDER, HOLDER, MONDAY)
