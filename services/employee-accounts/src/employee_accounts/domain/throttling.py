"""Sign-in attempt limits (issue 13): per account and per client address, with back-off; and the cap on face checks
of one activation (each is a paid provider call, EMP-8). Pure: the state is stored in PostgreSQL (repository), so
the limits hold across replicas."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from employee_accounts.domain.errors import FaceChecksExhausted, SignInThrottled

WINDOW = timedelta(minutes=15)  # failures older than this are forgotten (unless a block is still running)
ACCOUNT_LIMIT = 5  # attempts on one login email before back-off
ADDRESS_LIMIT = 30  # attempts from one client address before back-off (several employees may share one)
FIRST_BLOCK = timedelta(seconds=30)
LONGEST_BLOCK = timedelta(minutes=15)

FACE_CHECK_LIMIT = 5  # provider calls per activation in FACE_CHECK_WINDOW
FACE_CHECK_WINDOW = timedelta(hours=24)


@dataclass
class AttemptCounter:
    """Recent attempts under one key; an attempt is counted before the password is verified, so a burst in
    parallel is limited too. A success clears the account's counter."""

    attempts: int = 0
    last_at: datetime | None = None
    blocked_until: datetime | None = None

    def admit(self, limit: int, now: datetime) -> None:
        """Count this attempt, or refuse it (429) while a block runs; the attempt that reaches the limit still
        runs, and blocks the next ones for a back-off that doubles with every attempt over the limit."""
        if self.blocked_until is not None and now < self.blocked_until:
            raise SignInThrottled("too many sign-in attempts; try again later",
                                  retry_after=retry_after(self.blocked_until, now))
        if self.last_at is not None and now - self.last_at > WINDOW:
            self.attempts = 0
        self.attempts += 1
        self.last_at = now
        if self.attempts >= limit:
            over = self.attempts - limit
            self.blocked_until = now + min(FIRST_BLOCK * (2 ** min(over, 10)), LONGEST_BLOCK)


def retry_after(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds()))


def admit_face_check(checks: int, window_started_at: datetime | None, now: datetime) -> tuple[int, datetime]:
    """EMP-8 / issue 13: at most FACE_CHECK_LIMIT provider calls per activation in a rolling day; returns the
    counter after this call."""
    if window_started_at is None or now - window_started_at >= FACE_CHECK_WINDOW:
        checks, window_started_at = 0, now
    if checks >= FACE_CHECK_LIMIT:
        raise FaceChecksExhausted(f"at most {FACE_CHECK_LIMIT} face checks a day; try again later",
                                  retry_after=retry_after(window_started_at + FACE_CHECK_WINDOW, now))
    return checks + 1, window_started_at
