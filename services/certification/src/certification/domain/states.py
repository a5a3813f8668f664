"""Statuses of an application, who acts on it, and the rule constants shared by the aggregate's parts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

REVIEW_WORKING_DAYS = 2  # CERT-5
CORRECTION_PERIOD = timedelta(days=10)  # CERT-7
REOPEN_PERIOD = timedelta(days=30)  # CERT-7
MAX_REOPENINGS = 2  # CERT-7 decision: an application can be reopened at most twice
FALSE_INFORMATION_FAILS_AT = 3  # CERT-7 decision: "repeatedly" = the third time
REMINDER_DAYS = (30, 7, 1)  # CERT-8


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # in the review queue
    IN_REVIEW = "in_review"  # leased to one auditor
    REJECTED = "rejected"  # waiting for corrections (CERT-6)
    FAILED = "failed"  # reopenable for 30 days (CERT-7)
    CLOSED = "closed"  # failed and the reopen window is over
    CERTIFIED = "certified"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    RENEWED = "renewed"  # replaced by its renewal (CERT-8)


EDITABLE = frozenset({Status.DRAFT, Status.REJECTED, Status.FAILED})
IN_AUDIT = frozenset({Status.SUBMITTED, Status.IN_REVIEW})
TERMINAL = frozenset({Status.CLOSED, Status.EXPIRED, Status.CANCELLED, Status.RENEWED})


@dataclass(frozen=True)
class Actor:
    """Who did something (CERT-12): an account, an auditor, support or the system itself."""

    id: str
    role: str


SYSTEM = Actor("system", "system")
