"""The free enterprise account (CERT-11): a record of its own, opened without documents or fee.

It is `uncertified` until an enterprise certification of the same account stands; that certification is the
upgrade (its approval event is what other services read). Its status is read from the certifications, so an
expired or cancelled certification leaves it uncertified again without a second record to keep in step."""
from __future__ import annotations

from datetime import datetime

from certification.domain import errors, policies
from certification.domain.states import Actor
from trust_common.contracts import certification as contract
from trust_common.contracts.certification import Channel, EnterpriseAccountStatus
from trust_common.contracts.platform import AccountSnapshot
from trust_common.domain import Aggregate


class EnterpriseAccount(Aggregate):
    def __init__(self, account_id: str, channel: Channel, opened_by: str, opened_at: datetime) -> None:
        self.account_id, self.channel = account_id, Channel(channel)
        self.opened_by, self.opened_at = opened_by, opened_at

    @classmethod
    def open(cls, account_id: str, channel: Channel, actor: Actor, now: datetime, *,
             profile: AccountSnapshot | None, exists: bool, certified: bool) -> EnterpriseAccount:
        """CERT-11: from the PC site or the mobile app, for a known platform account, once."""
        if profile is None:
            raise errors.AccountUnknown("the platform has not told us about this account yet", rule="CERT-11")
        policies.check_channel(channel)
        if exists:
            raise errors.EnterpriseAccountExists("this account has an enterprise account already")
        account = cls(account_id, channel, actor.id, now)
        status = EnterpriseAccountStatus.CERTIFIED if certified else EnterpriseAccountStatus.UNCERTIFIED
        account.record(contract.EnterpriseAccountOpened(account_id=account_id, status=status, channel=account.channel,
                                                        opened_at=now))
        return account
