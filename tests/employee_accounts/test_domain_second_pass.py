"""Pure rules of the second pass: national IDs in canonical form (issue 13), attempt back-off and the face-check
cap (issue 13), changing an authorisation (EMP-19, EMP-20), its validity period (EMP-21), entitlements (EMP-22)
and the certification state (CERT-11, issue 15)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from employee_accounts.domain.enterprise import CertificationState, Enterprise
from employee_accounts.domain.errors import (
    AuthorisationChangeRefused,
    EmployeeInformationInvalid,
    EnterpriseNotCertified,
    EnterpriseUncertified,
    FaceChecksExhausted,
    SignInThrottled,
    ValidityRefused,
)
from employee_accounts.domain.throttling import (
    ACCOUNT_LIMIT,
    FACE_CHECK_LIMIT,
    FIRST_BLOCK,
    LONGEST_BLOCK,
    WINDOW,
    AttemptCounter,
    admit_face_check,
)
from employee_accounts.domain.values import (
    AuthorisationChange,
    ClientInfo,
    Permissions,
    canonical_national_id,
    normalise_national_id,
)

from tests.employee_accounts.builders import APP, NOW, enterprise_account, event_types, personal_account

PC = ClientInfo.from_headers("pc", "5.1")  # the PC back office (EMP-21)


def test_a_national_id_has_one_canonical_form():
    """Issue 13: NFKC, ASCII digits of any script, upper case, no whitespace."""
    assert canonical_national_id("１１０１０１ １９９００３０７１２３ｘ") == "11010119900307123X"
    assert canonical_national_id("١١٠١٠١١٩٩٠٠٣٠٧١٢٣٤") == "110101199003071234"
    assert normalise_national_id(" 11010119900307123x ") == "11010119900307123X"
    for bad in ("12345", "11010119900307123Ω", "1101-0119", "x" * 33):
        with pytest.raises(EmployeeInformationInvalid):
            normalise_national_id(bad)


def test_attempts_back_off_doubling_and_are_forgotten_after_the_window():
    """Issue 13: the attempt reaching the limit runs; the next wait 30 s, doubling, at most 15 minutes."""
    counter = AttemptCounter()
    for _ in range(ACCOUNT_LIMIT):
        counter.admit(ACCOUNT_LIMIT, NOW)
    assert counter.blocked_until == NOW + FIRST_BLOCK
    with pytest.raises(SignInThrottled) as refused:
        counter.admit(ACCOUNT_LIMIT, NOW + timedelta(seconds=10))
    assert refused.value.status == 429 and refused.value.extensions["retry_after"] == 20
    counter.admit(ACCOUNT_LIMIT, NOW + FIRST_BLOCK)  # one more try after the block
    assert counter.blocked_until == NOW + FIRST_BLOCK + 2 * FIRST_BLOCK
    for _ in range(20):
        at = counter.blocked_until
        counter.admit(ACCOUNT_LIMIT, at)
        assert counter.blocked_until - at <= LONGEST_BLOCK
    quiet = counter.blocked_until + WINDOW + timedelta(seconds=1)
    counter.admit(ACCOUNT_LIMIT, quiet)
    assert counter.attempts == 1


def test_face_checks_are_capped_per_day():
    """Issue 13 / EMP-8."""
    checks, since = 0, None
    for _ in range(FACE_CHECK_LIMIT):
        checks, since = admit_face_check(checks, since, NOW)
    with pytest.raises(FaceChecksExhausted) as refused:
        admit_face_check(checks, since, NOW + timedelta(hours=1))
    assert refused.value.extensions["retry_after"] == 23 * 3600
    assert admit_face_check(checks, since, NOW + timedelta(hours=24)) == (1, NOW + timedelta(hours=24))


def test_an_enterprise_employee_accounts_authorisation_is_its_position_and_department():
    """EMP-19: position and department change at once; tools, modules or a validity period are refused."""
    account = enterprise_account()
    account.pull_events()
    assert account.change_authorisation(AuthorisationChange(position_id="pos-2", department_id="dep-1"),
                                        client=APP, now=NOW) == ["position", "department"]
    [changed] = account.pull_events()
    assert changed.event_type == "employee-accounts.authorisation.changed"
    assert account.change_authorisation(AuthorisationChange(position_id="pos-2"), client=APP, now=NOW) == []
    assert account.pull_events() == []  # nothing changed, nothing told
    for refused in (AuthorisationChange(permissions=Permissions.parse([], ["data_centre"])),
                    AuthorisationChange(valid_until=NOW + timedelta(days=9))):
        with pytest.raises(AuthorisationChangeRefused):
            account.change_authorisation(refused, client=PC, now=NOW)


def test_an_authorised_personal_account_changes_modules_tools_and_validity_from_the_pc():
    """EMP-19, EMP-20 (tools), EMP-21 (the period from the PC back office only, in the future)."""
    account = personal_account(valid_until=NOW + timedelta(days=30))
    permissions = Permissions.parse(["live.online_booking"], ["data_centre", "live_management"])
    assert account.change_authorisation(AuthorisationChange(permissions=permissions, tools_given=True),
                                        client=APP, now=NOW) == ["modules", "tools"]
    assert account.granted_permissions(None) == permissions
    with pytest.raises(ValidityRefused):
        account.change_authorisation(AuthorisationChange(valid_until=NOW + timedelta(days=60)), client=APP, now=NOW)
    with pytest.raises(ValidityRefused):
        account.change_authorisation(AuthorisationChange(valid_until=NOW - timedelta(days=1)), client=PC, now=NOW)
    with pytest.raises(AuthorisationChangeRefused):
        account.change_authorisation(AuthorisationChange(position_id="pos-1"), client=PC, now=NOW)


def test_the_validity_period_ends_the_authorisation_once_and_not_before():
    """EMP-21."""
    account = personal_account(valid_until=NOW + timedelta(days=7))
    account.pull_events()
    assert account.end_validity(NOW + timedelta(days=6)) is False
    assert account.end_validity(NOW + timedelta(days=7)) is True
    assert str(account.status) == "ended"
    assert account.end_validity(NOW + timedelta(days=8)) is False
    assert event_types(account) == ["employee-accounts.authorisation.validity_ended"]
    assert account.validity_reminder_due(NOW + timedelta(days=7)) is False  # ended: no more reminders


def test_entitlements_share_the_exemptions_only_while_a_grant_is_in_force():
    """EMP-22: the enterprise is always shown; exemptions go with the grants."""
    account = personal_account()
    account.review(approved=True, reason=None, now=NOW)
    granted = Permissions.parse(["live.online_booking"], ["data_centre"])
    active = account.entitlements(granted, NOW)
    assert active.enterprise_shown and active.in_force
    assert active.marketing_exemptions == ["short_video_promotion", "live_room_components"]
    none = account.entitlements(Permissions(), NOW)
    assert none.enterprise_shown and not none.in_force and none.marketing_exemptions == []


def test_an_enterprise_never_certified_is_refused_naming_cert_11_and_a_lapsed_one_emp_18():
    """CERT-11 and EMP-18, and the state issue 15 shows."""
    enterprise = Enterprise("ent-1", NOW)
    assert enterprise.open_free_account(NOW, NOW) is True
    assert enterprise.certification_state is CertificationState.UNCERTIFIED
    with pytest.raises(EnterpriseUncertified) as uncertified:
        enterprise.require_certified()
    assert uncertified.value.rule_id == "CERT-11"
    enterprise.certify("app-1", None, NOW, [])
    assert enterprise.certification_state is CertificationState.CERTIFIED
    assert enterprise.open_free_account(NOW, NOW) is False  # opening again changes nothing
    enterprise.lapse("app-1", "expired", NOW, [])
    assert enterprise.certification_state is CertificationState.SUSPENDED
    with pytest.raises(EnterpriseNotCertified) as lapsed:
        enterprise.require_certified()
    assert lapsed.value.rule_id == "EMP-18"
