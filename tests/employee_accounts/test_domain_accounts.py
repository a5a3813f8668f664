"""Pure rules of the employee account aggregate (EMP-1, EMP-5, EMP-6, EMP-8, EMP-9, EMP-10, EMP-13)."""
from __future__ import annotations

import pytest

from employee_accounts.domain.account import Status
from employee_accounts.domain.errors import (
    ActivationRefused,
    AuthorisationPermanent,
    DepartureRefused,
    DeregistrationNotSupported,
    FaceCheckFailed,
    ProofOfEmploymentInvalid,
    WrongState,
)
from employee_accounts.domain.policies import departure_blocked
from employee_accounts.domain.values import ClientInfo, FaceResult, ProofKind, ProofOfEmployment
from trust_common.contracts.employee_accounts import EmployeeAccountKind

from tests.employee_accounts.builders import (
    APP,
    NOW,
    SEALED_FACE,
    WEB,
    enterprise_account,
    event_types,
    info,
    personal_account,
    sealed,
    snapshot,
)


def activated():
    account = enterprise_account()
    account.review(approved=True, reason=None, now=NOW)
    account.verify_face(FaceResult(True, 0.97), SEALED_FACE, client=APP, now=NOW)
    account.bind_phone(sealed("13800138000"), client=APP, now=NOW)
    account.change_password("$argon2id$new", client=APP, now=NOW)
    account.pull_events()
    return account


def test_two_kinds_enterprise_accounts_are_their_own_platform_account_personal_ones_the_employees():
    """EMP-1: an enterprise account is new; an authorised one is the employee's own account."""
    assert enterprise_account().kind is EmployeeAccountKind.ENTERPRISE
    assert enterprise_account().account_id == "emp-1"
    personal = personal_account()
    assert personal.kind is EmployeeAccountKind.AUTHORISED_PERSONAL and personal.account_id == "acc-9"


def test_applying_puts_the_account_in_review_and_publishes_applied():
    """EMP-5: apply → reviewing."""
    account = enterprise_account()
    assert account.status is Status.REVIEWING
    assert event_types(account) == ["employee-accounts.account.applied"]


def test_approval_awaits_activation_then_the_employee_activates():
    """EMP-5 → EMP-8: reviewing → awaiting_activation → (face, phone, password) → active."""
    account = enterprise_account()
    account.review(approved=True, reason=None, now=NOW)
    assert account.status is Status.AWAITING_ACTIVATION
    account.pull_events()
    assert account.verify_face(FaceResult(True, 0.97), SEALED_FACE, client=APP, now=NOW) is True
    account.bind_phone(sealed("13800138000"), client=APP, now=NOW)
    account.change_password("$argon2id$new", client=APP, now=NOW)
    assert account.status is Status.ACTIVE
    # every step is published, with ids and times only.
    assert event_types(account) == ["employee-accounts.account.face_verified", "employee-accounts.account.phone_bound",
                                    "employee-accounts.account.password_changed", "employee-accounts.account.activated"]


def test_each_activation_step_publishes_an_event_with_ids_and_times_only():
    """X-2 (EMP-8) and X-4: face verified, phone bound, password changed, also a later change; never the phone,
    the score or the outcome."""
    account = enterprise_account()
    account.review(approved=True, reason=None, now=NOW)
    account.pull_events()
    account.verify_face(FaceResult(False, 0.12), SEALED_FACE, client=APP, now=NOW)
    assert account.pull_events() == []  # a mismatch changes no step; its result is only kept sealed
    account.verify_face(FaceResult(True, 0.97), SEALED_FACE, client=APP, now=NOW)
    account.verify_face(FaceResult(False, 0.12), SEALED_FACE, client=APP, now=NOW)
    assert account.face_verified_at == NOW  # a later mismatch does not undo the step (and publishes nothing)
    account.bind_phone(sealed("13800138000"), client=APP, now=NOW)
    account.change_password("$argon2id$new", client=APP, now=NOW)
    account.change_password("$argon2id$later", client=APP, now=NOW)  # an active holder changes it again
    events = account.pull_events()
    assert [e.event_type for e in events] == [
        "employee-accounts.account.face_verified", "employee-accounts.account.phone_bound",
        "employee-accounts.account.password_changed", "employee-accounts.account.activated",
        "employee-accounts.account.password_changed"]
    stamps = {"verified_at", "bound_at", "changed_at"}
    for event in events:
        assert set(event.model_dump()) - stamps == {"employee_account_id", "enterprise_id"}, event
        dumped = event.model_dump_json()
        assert "0.97" not in dumped and "matched" not in dumped and "score" not in dumped
        assert "13800138000" not in dumped and "8000" not in dumped


def test_activation_steps_need_the_mobile_app_in_the_domain():
    """EMP-8: face check, phone and password change refuse the web or an old app, whoever calls the domain."""
    account = enterprise_account()
    account.review(approved=True, reason=None, now=NOW)
    old_app = ClientInfo.from_headers("android", "20.6.9")
    for client in (WEB, old_app, ClientInfo.from_headers(None, None)):
        with pytest.raises(ActivationRefused) as refused:
            account.verify_face(FaceResult(True, 0.97), SEALED_FACE, client=client, now=NOW)
        assert refused.value.rule_id == "EMP-8"
    assert not account.face_verified
    account.verify_face(FaceResult(True, 0.97), SEALED_FACE, client=APP, now=NOW)
    with pytest.raises(ActivationRefused):
        account.bind_phone(sealed("13800138000"), client=WEB, now=NOW)
    account.bind_phone(sealed("13800138000"), client=APP, now=NOW)
    with pytest.raises(ActivationRefused):
        account.change_password("$argon2id$new", client=old_app, now=NOW)
    assert account.status is Status.AWAITING_ACTIVATION
    account.change_password("$argon2id$new", client=APP, now=NOW)
    with pytest.raises(ActivationRefused):
        account.change_password("$argon2id$later", client=WEB, now=NOW)
    assert account.password_hash == "$argon2id$new"


def test_activation_steps_cannot_be_skipped():
    """EMP-8: phone only after the face check; the password change only after both."""
    account = enterprise_account()
    account.review(approved=True, reason=None, now=NOW)
    with pytest.raises(ActivationRefused):
        account.bind_phone(sealed("13800138000"), client=APP, now=NOW)
    with pytest.raises(ActivationRefused):
        account.change_password("$argon2id$new", client=APP, now=NOW)
    assert account.status is Status.AWAITING_ACTIVATION


def test_a_face_of_someone_else_never_passes():
    """EMP-8: the outcome and score are kept, only sealed (X-4); a mismatch is refused and opens nothing."""
    account = enterprise_account()
    account.review(approved=True, reason=None, now=NOW)
    matched = account.verify_face(FaceResult(False, 0.12), SEALED_FACE, client=APP, now=NOW)
    assert matched is False and not account.face_verified and account.face_verified_at is None
    assert (account.face_result_ciphertext, account.face_result_key_id) == (SEALED_FACE.ciphertext, "k1")
    assert not hasattr(account, "face_score") and not hasattr(account, "face_matched")
    with pytest.raises(FaceCheckFailed):
        account.require_face_match(matched)
    with pytest.raises(ActivationRefused):
        account.bind_phone(sealed("13800138000"), client=APP, now=NOW)


def test_activation_is_closed_while_in_review():
    """EMP-8: only an approved account can be activated."""
    with pytest.raises(ActivationRefused):
        enterprise_account().verify_face(FaceResult(True, 0.99), SEALED_FACE, client=APP, now=NOW)


def test_a_failed_review_can_be_corrected_and_resubmitted():
    """EMP-12 (and EMP-5): review_failed → resubmit → reviewing again."""
    account = enterprise_account()
    account.review(approved=False, reason="proof unreadable", now=NOW)
    assert (account.status, account.review_reason) == (Status.REVIEW_FAILED, "proof unreadable")
    account.resubmit(info("220101199003071234"), NOW)
    assert account.status is Status.REVIEWING and account.submission_count == 2
    with pytest.raises(WrongState):
        account.resubmit(info(), NOW)


def test_an_approved_authorised_personal_account_is_active_at_once():
    """EMP-12: the employee's own account needs no activation."""
    account = personal_account()
    account.review(approved=True, reason=None, now=NOW)
    assert account.status is Status.ACTIVE


def test_proof_without_seal_needs_the_legal_representatives_signature_and_an_explanation():
    """EMP-6."""
    ProofOfEmployment(ProofKind.COMPANY_SEAL, "doc-1")
    ProofOfEmployment(ProofKind.LEGAL_REPRESENTATIVE_SIGNATURE, "doc-2", "sole proprietor, no seal")
    with pytest.raises(ProofOfEmploymentInvalid) as refused:
        ProofOfEmployment(ProofKind.LEGAL_REPRESENTATIVE_SIGNATURE, "doc-2", "  ")
    assert refused.value.rule_id == "EMP-6"


def test_departure_completes_at_once_without_unsettled_assets_and_ends_the_holders_credentials():
    """EMP-9."""
    account = activated()
    generation = account.holder_generation
    account.depart(agreement_accepted=True, blocked=False, now=NOW)
    assert account.status is Status.VACANT and account.password_hash is None
    assert account.holder_generation == generation + 1
    assert event_types(account) == ["employee-accounts.account.departed"]


def test_unsettled_assets_hold_the_departure_until_the_real_name_is_unbound():
    """EMP-9 / NOTE-3: waiting, the employee is told; settling completes it."""
    account = activated()
    facts = snapshot("emp-1", has_unsettled_assets=True, real_name_verified=True)
    account.depart(agreement_accepted=True, blocked=departure_blocked(facts), now=NOW)
    assert account.status is Status.DEPARTURE_PENDING
    assert event_types(account) == ["employee-accounts.account.departure_awaiting_unbinding"]
    assert account.settle_departure(blocked=True, now=NOW) is False
    unbound = snapshot("emp-1", has_unsettled_assets=True, real_name_verified=False)
    assert account.settle_departure(blocked=departure_blocked(unbound), now=NOW) is True
    assert account.status is Status.VACANT


def test_departure_needs_the_agreement():
    """EMP-9."""
    with pytest.raises(DepartureRefused):
        activated().depart(agreement_accepted=False, blocked=False, now=NOW)


def test_handover_gives_new_credentials_and_goes_back_to_review_keeping_the_account():
    """EMP-9: same account (followers, content), new holder, new generation."""
    account = activated()
    account.depart(agreement_accepted=True, blocked=False, now=NOW)
    account.pull_events()
    account.hand_over(login_email="b@corp.example", password_hash="$argon2id$b", info=info("330101199003071234"),
                      position_id="pos-2", department_id=None, now=NOW)
    assert (account.id, account.account_id, account.status) == ("emp-1", "emp-1", Status.REVIEWING)
    assert account.holder_generation == 3 and not account.face_verified and account.phone_hash is None
    assert account.face_result_ciphertext is None
    assert event_types(account) == ["employee-accounts.account.handed_over"]


def test_handover_only_of_a_departed_account():
    """EMP-9."""
    with pytest.raises(DepartureRefused):
        activated().hand_over(login_email="b@corp.example", password_hash="x", info=info(), position_id="p",
                              department_id=None, now=NOW)


def test_deregistration_is_never_supported():
    """EMP-10."""
    with pytest.raises(DeregistrationNotSupported) as refused:
        activated().deregister()
    assert refused.value.rule_id == "EMP-10" and refused.value.status == 422


def test_an_authorised_personal_account_cannot_be_unbound_or_converted():
    """EMP-13: no departure (it stays the employee's), no conversion."""
    account = personal_account()
    account.review(approved=True, reason=None, now=NOW)
    with pytest.raises(AuthorisationPermanent):
        account.depart(agreement_accepted=True, blocked=False, now=NOW)
    with pytest.raises(AuthorisationPermanent):
        account.convert()
    with pytest.raises(AuthorisationPermanent):
        enterprise_account().convert()


def test_events_never_carry_the_national_id_or_phone():
    """X-4: the domain events have no personal data fields."""
    account = activated()
    account.depart(agreement_accepted=True, blocked=True, now=NOW)
    for event in [*enterprise_account().pull_events(), *account.pull_events()]:
        dumped = event.model_dump_json()
        assert "110101199003071234" not in dumped and "13800138000" not in dumped
