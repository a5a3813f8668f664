"""Pure rules: quota (EMP-2), tools and modules (EMP-3, EMP-4), penalties (EMP-7), client (EMP-8),
positions and departments (EMP-11), showcase (EMP-15), merchant page (EMP-16), lapsed enterprise (EMP-18)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from employee_accounts.domain.catalogue import quota_for
from employee_accounts.domain.department import Department
from employee_accounts.domain.enterprise import Enterprise
from employee_accounts.domain.errors import (
    ActivationRefused,
    DepartmentInvalid,
    EnterpriseNotCertified,
    IdentityPenalised,
    QuotaExhausted,
    ShowcaseNotEligible,
    ToolNotHeld,
    UnknownPermission,
    WrongState,
)
from employee_accounts.domain.policies import merchant_page_visible, require_identity_unpenalised, showcase_shortfalls
from employee_accounts.domain.position import Position
from employee_accounts.domain.values import ClientInfo, FaceResult, Permissions, mask
from trust_common.contracts.platform import Penalty, PenaltyKind

from tests.employee_accounts.builders import (
    APP,
    NOW,
    SEALED_FACE,
    enterprise_account,
    event_types,
    personal_account,
    sealed,
    snapshot,
)


@pytest.mark.parametrize(("level", "seats"), [
    ("black_diamond_lv2", 1000), ("black_diamond_lv1", 100), ("gold", 50), ("platinum_lv1", 50),
    ("platinum_lv2", 50), ("diamond_lv1", 50), ("diamond_lv2", 50), ("diamond_lv3", 50), ("bronze", 5),
    ("silver", 5), ("Black Diamond Lv1", 100), (None, 0), ("unknown", 0)])
def test_quota_by_growth_level(level, seats):
    """EMP-2."""
    assert quota_for(level) == seats


def test_the_last_seat_is_given_and_the_next_refused():
    """EMP-2: both kinds and open invitations count together."""
    enterprise = Enterprise("ent-1", NOW)
    enterprise.require_seat("bronze", 4)
    with pytest.raises(QuotaExhausted) as refused:
        enterprise.require_seat("bronze", 5)
    assert refused.value.rule_id == "EMP-2" and refused.value.extensions["limit"] == 5


def test_only_tools_the_main_account_holds_can_be_granted():
    """EMP-3."""
    permissions = Permissions.parse(["live.general_live_card"], ["data_centre"])
    permissions.require_held_by_main_account(frozenset({"live.general_live_card"}))
    with pytest.raises(ToolNotHeld) as refused:
        permissions.require_held_by_main_account(frozenset({"short_video.online_booking"}))
    assert refused.value.rule_id == "EMP-3"


def test_only_known_modules_and_tools_can_be_granted():
    """EMP-4: the seven back-office modules; nothing else."""
    Permissions.parse([], ["short_video_management", "live_management", "homepage_management",
                           "direct_message_management", "user_management", "business_tool_centre", "data_centre"])
    with pytest.raises(UnknownPermission):
        Permissions.parse([], ["payroll"])
    with pytest.raises(UnknownPermission):
        Permissions.parse(["live.teleport"], [])


def test_a_position_is_a_name_plus_permissions():
    """EMP-11."""
    position = Position(id="pos-1", enterprise_id="ent-1", name="Host",
                        permissions=Permissions.parse(["live.general_live_card"], ["live_management"]), now=NOW)
    assert (position.tools, position.modules) == (["live.general_live_card"], ["live_management"])
    assert event_types(position) == ["employee-accounts.position.saved"]


def test_departments_form_a_tree_within_one_enterprise_without_cycles():
    """EMP-11."""
    root = Department(id="d1", enterprise_id="ent-1", name="HQ", parent=None, now=NOW)
    child = Department(id="d2", enterprise_id="ent-1", name="Sales", parent=root, now=NOW)
    grandchild = Department(id="d3", enterprise_id="ent-1", name="East", parent=child, now=NOW)
    assert grandchild.parent_id == "d2"
    with pytest.raises(DepartmentInvalid):
        root.move(grandchild, ["d2", "d1"], NOW)
    with pytest.raises(DepartmentInvalid):
        root.move(root, [], NOW)
    other = Department(id="x1", enterprise_id="ent-2", name="Other", parent=None, now=NOW)
    with pytest.raises(DepartmentInvalid):
        Department(id="d4", enterprise_id="ent-1", name="Bad", parent=other, now=NOW)


def test_a_penalised_identity_cannot_be_used_until_the_penalty_ends():
    """EMP-7: any real-name-verified account of the identity under a ban or restriction."""
    today = date(2026, 3, 2)
    clean = snapshot("a1", real_name_verified=True)
    restricted = snapshot("a2", real_name_verified=True,
                          penalties=[Penalty(kind=PenaltyKind.LIVE_RESTRICTED, until=today + timedelta(days=3))])
    require_identity_unpenalised([clean], today)
    with pytest.raises(IdentityPenalised) as refused:
        require_identity_unpenalised([clean, restricted], today)
    assert refused.value.rule_id == "EMP-7"
    require_identity_unpenalised([clean, restricted], today + timedelta(days=4))  # the penalty ended
    banned = snapshot("a3", real_name_verified=True, penalties=[Penalty(kind=PenaltyKind.BANNED)])
    with pytest.raises(IdentityPenalised):
        require_identity_unpenalised([banned], today + timedelta(days=999))


@pytest.mark.parametrize(("platform", "version", "allowed"), [
    ("ios", "20.7", True), ("android", "20.7.1", True), ("ios", "21.0", True), ("ios", "20.6.9", False),
    ("android", "9.99", False), ("web", "99.0", False), ("pc", "20.7", False), (None, None, False),
    ("ios", "garbage", False)])
def test_login_only_from_the_mobile_app_at_20_7_or_later(platform, version, allowed):
    """EMP-8."""
    client = ClientInfo.from_headers(platform, version)
    if allowed:
        client.require_activation_capable()
    else:
        with pytest.raises(ActivationRefused):
            client.require_activation_capable()


def test_showcase_needs_real_name_deposit_ten_videos_and_more_than_a_thousand_followers():
    """EMP-15: judged on the employee account's own facts."""
    ready = snapshot("emp-1", real_name_verified=True, public_video_count=10, followers=1001)
    assert showcase_shortfalls(ready, deposit_paid=True) == []
    assert showcase_shortfalls(ready, deposit_paid=False) == ["deposit"]
    exactly = snapshot("emp-1", real_name_verified=False, public_video_count=9, followers=1000)
    assert showcase_shortfalls(exactly, deposit_paid=True) == ["real_name_verified", "public_videos", "followers"]
    account = personal_account()
    account.review(approved=True, reason=None, now=NOW)
    with pytest.raises(ShowcaseNotEligible) as refused:
        account.open_showcase(ready, NOW)  # deposit not paid
    assert refused.value.rule_id == "EMP-15"
    account.record_deposit_paid(NOW)
    account.open_showcase(ready, NOW)
    assert account.showcase_opened_at == NOW


MAIN_TOOLS = ["homepage.business_card", "live.general_live_card", "short_video.online_booking"]


def _active_enterprise_account():
    account = enterprise_account()
    account.review(approved=True, reason=None, now=NOW)
    account.verify_face(FaceResult(True, 0.9), SEALED_FACE, client=APP, now=NOW)
    account.bind_phone(sealed("13800138000"), client=APP, now=NOW)
    account.change_password("$argon2id$n", client=APP, now=NOW)
    return account


def test_merchant_page_shows_only_with_an_approved_module_whose_tool_is_authorised():
    """EMP-16."""
    account = _active_enterprise_account()
    granted = Permissions.parse(["homepage.business_card"], [])
    effective = account.effective_permissions(granted, NOW, enterprise_suspended=False, main_tools=MAIN_TOOLS)
    with pytest.raises(ToolNotHeld) as refused:
        account.configure_merchant_module("homepage.store_activities", effective, NOW)
    assert refused.value.rule_id == "EMP-16"
    with pytest.raises(WrongState):
        account.approve_merchant_module("homepage.business_card", NOW)
    account.configure_merchant_module("homepage.business_card", effective, NOW)
    assert not merchant_page_visible(account.merchant_page_modules, effective)  # configured, not approved
    account.approve_merchant_module("homepage.business_card", NOW)
    assert merchant_page_visible(account.merchant_page_modules, effective)
    assert not merchant_page_visible(account.merchant_page_modules, Permissions())  # tool no longer authorised


def test_a_tool_the_main_account_loses_stops_being_in_force_and_hides_the_merchant_page():
    """EMP-3 (and EMP-16): effective tools are the granted ones the main account holds now; modules stay."""
    account = _active_enterprise_account()
    granted = Permissions.parse(["homepage.business_card", "live.general_live_card"], ["data_centre"])
    assert account.effective_permissions(granted, NOW, enterprise_suspended=False, main_tools=MAIN_TOOLS) == granted
    account.configure_merchant_module("homepage.business_card", granted, NOW)
    account.approve_merchant_module("homepage.business_card", NOW)
    lost = account.effective_permissions(granted, NOW, enterprise_suspended=False,
                                 main_tools=["live.general_live_card"])
    assert lost == Permissions.parse(["live.general_live_card"], ["data_centre"])
    assert not merchant_page_visible(account.merchant_page_modules, lost)
    with pytest.raises(ToolNotHeld):
        account.configure_merchant_module("homepage.business_card", lost, NOW)
    nothing = account.effective_permissions(granted, NOW, enterprise_suspended=False, main_tools=[])
    assert nothing == Permissions.parse([], ["data_centre"])


def test_grants_are_suspended_while_the_enterprise_lapses_and_restored_on_renewal():
    """EMP-18: suspended, not deleted; restored on renewal."""
    enterprise = Enterprise("ent-1", NOW)
    enterprise.certify("app-1", None, NOW, [])
    enterprise.pull_events()
    assert enterprise.lapse("app-other", "expired", NOW, ["emp-1"]) is False  # not the certification in force
    assert enterprise.lapse("app-1", "expired", NOW, ["emp-1"]) is True
    assert enterprise.grants_suspended and not enterprise.certified
    with pytest.raises(EnterpriseNotCertified) as refused:
        enterprise.require_certified()
    assert refused.value.rule_id == "EMP-18"
    account = _active_enterprise_account()
    granted = Permissions.parse(["homepage.business_card"], ["data_centre"])
    assert account.effective_permissions(granted, NOW, enterprise_suspended=True,
                                 main_tools=MAIN_TOOLS) == Permissions()
    enterprise.certify("app-2", None, NOW, ["emp-1"])
    assert event_types(enterprise) == ["employee-accounts.grants.suspended", "employee-accounts.grants.restored"]
    assert account.effective_permissions(granted, NOW, enterprise_suspended=enterprise.grants_suspended,
                                 main_tools=MAIN_TOOLS) == granted


def test_authorisation_ends_with_its_validity_period():
    """EMP-12: the PC back office's validity period bounds the grants."""
    account = personal_account(valid_until=NOW + timedelta(days=30))
    account.review(approved=True, reason=None, now=NOW)
    granted = Permissions.parse([], ["data_centre"])
    assert account.effective_permissions(granted, NOW, enterprise_suspended=False, main_tools=MAIN_TOOLS) == granted
    assert account.effective_permissions(granted, NOW + timedelta(days=30), enterprise_suspended=False,
                                 main_tools=MAIN_TOOLS) == Permissions()


def test_masking_keeps_only_the_last_four():
    """X-4."""
    assert mask("110101199003071234") == "**************1234"
