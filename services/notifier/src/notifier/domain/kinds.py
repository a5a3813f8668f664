"""Kinds of notification and which of them are critical (cannot be muted, NOTE-4)."""
from __future__ import annotations

from enum import StrEnum

from trust_common.contracts.notifier import Channel


class Kind(StrEnum):
    WINDOW_PROMPT = "window.prompt"  # NOTE-1: a 48-hour window opened
    WINDOW_REMINDER = "window.reminder"  # NOTE-1: the window closes soon
    WINDOW_LAPSED = "window.lapsed"  # NOTE-1: told to the initiator
    CERT_SUBMITTED = "certification.submitted"  # NOTE-2
    CERT_OUTCOME = "certification.outcome"  # NOTE-2: approved / rejected with reasons / failed
    CERT_CORRECTION_DEADLINE = "certification.correction_deadline"  # NOTE-2, CERT-7: 10 days
    CERT_REOPEN_WINDOW = "certification.reopen_window"  # NOTE-2, CERT-7: 30 days
    CERT_EXPIRY_REMINDER = "certification.expiry_reminder"  # NOTE-2, CERT-8
    CERT_RENEWED = "certification.renewed"  # NOTE-2, CERT-8: the renewal passed; new valid_until
    CERT_BADGE_SUSPENDED = "certification.badge_suspended"  # NOTE-2, CERT-2: until the re-review passes
    CERT_EXPIRED = "certification.expired"  # NOTE-2, CERT-8: unrenewed; the badge is gone
    CERT_CANCELLED = "certification.cancelled"  # NOTE-2, CERT-10: the badge is gone
    DEPARTURE_UNBIND = "departure.unbind_real_name"  # NOTE-3, EMP-9
    AUTHORISATION_CHANGED = "authorisation.changed"  # NOTE-5, EMP-19: to the employee
    AUTHORISATION_ENDING = "authorisation.validity_ending"  # NOTE-5, EMP-21: 7 and 1 days before; both sides
    AUTHORISATION_ENDED = "authorisation.validity_ended"  # NOTE-5, EMP-21: both sides
    SUPPORT_CASE_OUTCOME = "support_case.outcome"  # NOTE-5, SHOP-12: resolved or declined, to the merchant


# NOTE-4: deadlines and certification outcomes are critical. Decision: a lapse notice only
# reports what already happened and the submission receipt asks for nothing, so both may be muted.
# A renewal, a suspended badge, an expiry or a cancellation changes whether the holder has a badge,
# so they are critical too. NOTE-5's notices change what an account may do (EMP-19, EMP-21) or answer a
# case the merchant opened (SHOP-12): critical as well.
CRITICAL_KINDS = frozenset(Kind) - {Kind.WINDOW_LAPSED, Kind.CERT_SUBMITTED}

# Channels a recipient (a platform account) may mute; webhooks belong to a tenant, not a person.
MUTABLE_CHANNELS = frozenset({Channel.INBOX, Channel.EMAIL})


def is_critical(kind: Kind) -> bool:
    return kind in CRITICAL_KINDS
