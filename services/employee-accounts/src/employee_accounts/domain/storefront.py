"""What an employee account may use and show: grants (EMP-18), showcase (EMP-15), merchant page (EMP-16)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from trust_common.contracts import employee_accounts as ev
from trust_common.contracts.platform import AccountSnapshot
from trust_common.events import EventData

from employee_accounts.domain.catalogue import MERCHANT_PAGE_TOOLS, Tool
from employee_accounts.domain.errors import ShowcaseNotEligible, ToolNotHeld, WrongState
from employee_accounts.domain.values import Permissions

if TYPE_CHECKING:
    from employee_accounts.domain.account import EmployeeAccount

SHOWCASE_DEPOSIT_CNY = 500
SHOWCASE_MIN_PUBLIC_VIDEOS = 10
SHOWCASE_MIN_FOLLOWERS_EXCLUSIVE = 1000


def effective_permissions(account: "EmployeeAccount", granted: Permissions, now: datetime, *,
                          enterprise_suspended: bool, main_tools: Iterable[str]) -> Permissions:
    """The grants in force: none while suspended (EMP-18), outside the validity period (EMP-12) or not active;
    of the tools, only those the main account holds now (EMP-3: a tool it loses stops being in force)."""
    from employee_accounts.domain.account import Status

    if enterprise_suspended or account.status is not Status.ACTIVE:
        return Permissions()
    if account.valid_until is not None and now >= account.valid_until:
        return Permissions()
    held = frozenset(main_tools)
    return Permissions(frozenset(t for t in granted.tools if t.value in held), granted.modules)


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


class Storefront:
    """Showcase and merchant-page behaviour of the employee account aggregate (mixed in before Aggregate)."""

    id: str
    enterprise_id: str
    showcase_deposit_paid: bool
    showcase_opened_at: datetime | None
    merchant_page_modules: dict[str, str]
    updated_at: datetime
    record: Callable[[EventData], None]  # provided by Aggregate

    def record_deposit_paid(self, now: datetime) -> None:
        """EMP-15: the 500 CNY goods deposit is paid (by the employee account itself)."""
        self.showcase_deposit_paid, self.updated_at = True, now
        self.record(ev.ShowcaseDepositPaid(**self._account_ids(), amount_cny=SHOWCASE_DEPOSIT_CNY))

    def open_showcase(self, facts: AccountSnapshot | None, now: datetime) -> None:
        """EMP-15: only when every condition holds; the main account's showcase never counts."""
        if self.showcase_opened_at is not None:
            return
        missing = showcase_shortfalls(facts, self.showcase_deposit_paid)
        if missing:
            raise ShowcaseNotEligible(f"showcase conditions not met: {', '.join(missing)}", missing=missing)
        self.showcase_opened_at = self.updated_at = now
        self.record(ev.ShowcaseOpened(**self._account_ids()))

    def configure_merchant_module(self, tool: str, effective: Permissions, now: datetime) -> None:
        """EMP-16: a merchant-page module needs its tool authorised; it then waits for approval."""
        if tool not in {t.value for t in MERCHANT_PAGE_TOOLS}:
            raise ToolNotHeld(f"{tool} is not a merchant-page module", rule="EMP-16")
        if Tool(tool) not in effective.tools:
            raise ToolNotHeld(f"the tool {tool} is not authorised for this employee account", rule="EMP-16")
        self.merchant_page_modules = {**self.merchant_page_modules, tool: "configured"}
        self.updated_at = now
        self.record(ev.MerchantPageModuleChanged(**self._account_ids(), tool=tool, state="configured"))

    def approve_merchant_module(self, tool: str, now: datetime) -> None:
        """EMP-16: the platform approves a configured module."""
        if self.merchant_page_modules.get(tool) is None:
            raise WrongState(f"the module {tool} is not configured", rule="EMP-16")
        self.merchant_page_modules = {**self.merchant_page_modules, tool: "approved"}
        self.updated_at = now
        self.record(ev.MerchantPageModuleChanged(**self._account_ids(), tool=tool, state="approved"))

    def _account_ids(self) -> dict[str, str]:
        return {"employee_account_id": self.id, "enterprise_id": self.enterprise_id}
