"""EMP-5 and EMP-8 end to end over HTTP: apply, review, activate."""
from __future__ import annotations


async def test_an_enterprise_employee_account_goes_from_review_to_active(world):
    """EMP-5: apply → reviewing → approved → EMP-8 activation → active."""
    enterprise = await world.enterprise()
    account = await world.active_account(enterprise)
    assert account["status"] == "active"
    assert account["password_changed"] is True
