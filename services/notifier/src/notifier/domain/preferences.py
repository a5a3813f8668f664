"""A recipient's muted channels; critical kinds reach them regardless (NOTE-4)."""
from __future__ import annotations

from dataclasses import dataclass, field

from notifier.domain.errors import ChannelCannotBeMuted, CriticalKindCannotBeMuted
from notifier.domain.kinds import MUTABLE_CHANNELS, Kind, is_critical
from trust_common.contracts.notifier import Channel

ALL_KINDS = "*"


@dataclass
class Preferences:
    account_id: str
    muted: set[tuple[Channel, str]] = field(default_factory=set)  # (channel, kind or "*")

    def mute(self, channel: Channel, kind: Kind | None = None) -> tuple[Channel, str]:
        """Mute a channel for one kind, or for every non-critical kind (NOTE-4)."""
        if channel not in MUTABLE_CHANNELS:
            raise ChannelCannotBeMuted(f"the {channel} channel belongs to an enterprise or shop, not a person")
        if kind is not None and is_critical(kind):
            raise CriticalKindCannotBeMuted(f"{kind} is critical (a deadline or an outcome) and always delivered")
        entry = (channel, str(kind) if kind else ALL_KINDS)
        self.muted.add(entry)
        return entry

    def unmute(self, channel: Channel, kind: Kind | None = None) -> tuple[Channel, str]:
        entry = (channel, str(kind) if kind else ALL_KINDS)
        self.muted.discard(entry)
        return entry

    def is_muted(self, channel: Channel, kind: Kind) -> bool:
        """Muted only for non-critical kinds: a channel-wide mute never silences a deadline (NOTE-4)."""
        if is_critical(kind):
            return False
        return (channel, ALL_KINDS) in self.muted or (channel, str(kind)) in self.muted
