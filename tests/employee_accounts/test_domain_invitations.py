"""Pure rules of invitations: EMP-12 (48 hours, validity from PC), EMP-13 (one enterprise), EMP-14."""
from __future__ import annotations

from datetime import timedelta

import pytest

from employee_accounts.domain.errors import (
    AlreadyAuthorised,
    CreatorMarketplaceConflict,
    InvitationClosed,
    InvitationRefused,
    ValidityRefused,
)
from employee_accounts.domain.invitation import Invitation, InvitationStatus
from employee_accounts.domain.policies import require_invitable
from employee_accounts.domain.values import ClientInfo, Permissions

from tests.employee_accounts.builders import NOW, event_types, snapshot

APP = ClientInfo.from_headers("ios", "20.7")
PC = ClientInfo.from_headers("pc", "5.0")


def invitation(**overrides):
    values = dict(id="inv-1", enterprise_id="ent-1", personal_account_id="acc-1",
                  permissions=Permissions.parse([], ["data_centre"]), agreement_accepted=True, valid_until=None,
                  client=APP, now=NOW)
    values.update(overrides)
    return Invitation.send(**values)


def test_an_invitation_gives_48_hours_and_announces_them():
    """EMP-12."""
    sent = invitation()
    assert sent.expires_at == NOW + timedelta(hours=48)
    [event] = sent.pull_events()
    assert event.event_type == "employee-accounts.invitation.sent"
    assert (event.expires_at, event.personal_account_id, event.enterprise_id) == (sent.expires_at, "acc-1", "ent-1")


def test_an_invitation_needs_the_agreement_and_modules():
    """EMP-12."""
    with pytest.raises(InvitationRefused):
        invitation(agreement_accepted=False)
    with pytest.raises(InvitationRefused):
        invitation(permissions=Permissions())


def test_a_validity_period_only_from_the_pc_back_office_and_required_there():
    """EMP-12 / EMP-21: none from the mobile app; required from the PC back office."""
    with pytest.raises(ValidityRefused) as refused:
        invitation(valid_until=NOW + timedelta(days=90), client=APP)
    assert refused.value.rule_id == "EMP-21"
    with pytest.raises(ValidityRefused) as missing:
        invitation(valid_until=None, client=PC)
    assert missing.value.rule_id == "EMP-21"
    assert invitation(valid_until=NOW + timedelta(days=90), client=PC).valid_until == NOW + timedelta(days=90)


def test_accepting_within_48_hours_and_never_after():
    """EMP-12: after the deadline the invitation lapses and must be sent again."""
    on_time = invitation()
    on_time.accept("emp-1", NOW + timedelta(hours=47, minutes=59))
    assert on_time.status is InvitationStatus.ACCEPTED
    late = invitation()
    with pytest.raises(InvitationClosed):
        late.accept("emp-1", NOW + timedelta(hours=48))
    assert late.status is InvitationStatus.LAPSED


def test_a_lapse_fires_once_and_never_after_an_answer():
    """EMP-12 / X-1."""
    pending = invitation()
    pending.pull_events()
    assert pending.lapse(NOW + timedelta(hours=48)) is True
    assert pending.lapse(NOW + timedelta(hours=49)) is False
    assert event_types(pending) == ["employee-accounts.invitation.lapsed"]
    declined = invitation()
    declined.decline(NOW)
    assert declined.lapse(NOW + timedelta(hours=48)) is False
    with pytest.raises(InvitationClosed):
        declined.accept("emp-1", NOW)


def test_one_enterprise_per_personal_account():
    """EMP-13."""
    with pytest.raises(AlreadyAuthorised) as refused:
        require_invitable(snapshot("acc-1"), already_authorised=True, pending_elsewhere=False)
    assert refused.value.rule_id == "EMP-13"
    with pytest.raises(AlreadyAuthorised):
        require_invitable(snapshot("acc-1"), already_authorised=False, pending_elsewhere=True)


def test_the_creator_marketplace_identity_excludes_an_employee_account():
    """EMP-14."""
    with pytest.raises(CreatorMarketplaceConflict) as refused:
        require_invitable(snapshot("acc-1", creator_marketplace_identity=True), already_authorised=False,
                          pending_elsewhere=False)
    assert refused.value.rule_id == "EMP-14"
    require_invitable(snapshot("acc-1"), already_authorised=False, pending_elsewhere=False)
