"""`trust-timers`: see and act on a service's durable timers that are failing or overdue.

A timer whose handler fails is never given up: it is retried with back-off (doubling from
TRUST_TIMER_RETRY_BACKOFF_SECONDS up to TRUST_TIMER_RETRY_MAX_BACKOFF_SECONDS) until it fires.
This command shows those timers (age past their deadline, attempts, next attempt, last error)
and lets an operator retry one now or cancel it; both are written to the `timer_audit` table
in the same transaction as the change.

The service is chosen with --service or TRUST_SERVICE_NAME; its database is the service's own
(TRUST_DATABASE_URL, or the service's local default), as in its worker pod.

examples:
  trust-timers --service shop-binding list
  trust-timers --service notifier list --overdue 300 --kind notifier.delivery.attempt
  trust-timers --service certification show 4711
  trust-timers --service certification retry 4711 --reason "expiry handler fixed in 1.4.2"
  trust-timers --service employee-accounts cancel 815 --reason "invitation deleted by support, ticket 9912"
  kubectl -n trust exec deploy/shop-binding-worker -- trust-timers list
"""
from __future__ import annotations

import argparse
import asyncio
import getpass
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from trust_common.clock import Clock, SystemClock
from trust_common.db import create_engine, session_factory
from trust_common.schema import timer_audit, timers
from trust_common.settings import ENVIRONMENT_HELP, CommonSettings, load_settings


class TimerActionRefused(Exception):
    """The timer is not in a state the action applies to (unknown, already fired or cancelled, not due)."""


@dataclass(frozen=True)
class TimerView:
    id: int
    kind: str
    key: str
    status: str
    deadline: datetime
    next_attempt: datetime
    attempts: int
    last_error: str | None

    def age(self, now: datetime) -> timedelta:
        return now - self.deadline


def _view(row: Any) -> TimerView:
    return TimerView(id=row.id, kind=row.kind, key=row.key, status=row.status,
                     deadline=row.first_due_at or row.due_at, next_attempt=row.due_at, attempts=row.attempts,
                     last_error=row.last_error)


async def troubled(session: AsyncSession, now: datetime, *, overdue: timedelta = timedelta(minutes=1),
                   kind: str | None = None, limit: int = 100) -> list[TimerView]:
    """Pending timers that failed at least once, or are due longer than `overdue` ago; oldest deadline first."""
    deadline = func.coalesce(timers.c.first_due_at, timers.c.due_at)
    query = (select(timers).where(timers.c.status == "pending",
                                  or_(timers.c.attempts > 0, timers.c.due_at <= now - overdue))
             .order_by(deadline, timers.c.id).limit(limit))
    if kind:
        query = query.where(timers.c.kind == kind)
    return [_view(row) for row in (await session.execute(query)).all()]


async def show(session: AsyncSession, timer_id: int) -> TimerView:
    row = (await session.execute(select(timers).where(timers.c.id == timer_id))).first()
    if row is None:
        raise TimerActionRefused(f"no timer {timer_id}")
    return _view(row)


async def _lock_pending(session: AsyncSession, timer_id: int) -> Any:
    # A plain FOR UPDATE: a poller's batch holding the timer is waited for (its transaction is short).
    row = (await session.execute(select(timers).where(timers.c.id == timer_id).with_for_update())).first()
    if row is None:
        raise TimerActionRefused(f"no timer {timer_id}")
    if row.status != "pending":
        raise TimerActionRefused(f"timer {timer_id} is {row.status}, not pending: nothing to do")
    return row


async def _audit(session: AsyncSession, row: Any, action: str, actor: str, reason: str, now: datetime) -> None:
    await session.execute(insert(timer_audit).values(
        timer_id=row.id, kind=row.kind, key=row.key, action=action, actor=actor, reason=reason,
        attempts=row.attempts, last_error=row.last_error, at=now))


async def retry(session: AsyncSession, timer_id: int, *, actor: str, reason: str, now: datetime) -> TimerView:
    """Make a pending timer whose deadline has passed due now (its back-off skipped), with an audit row."""
    row = await _lock_pending(session, timer_id)
    deadline = row.first_due_at or row.due_at
    if deadline > now:
        raise TimerActionRefused(f"timer {timer_id} is not due until {deadline.isoformat()}: it never fires early")
    await session.execute(update(timers).where(timers.c.id == timer_id).values(due_at=now))
    await _audit(session, row, "retry", actor, reason, now)
    await session.commit()
    return await show(session, timer_id)


async def cancel(session: AsyncSession, timer_id: int, *, actor: str, reason: str, now: datetime) -> TimerView:
    """Cancel a pending timer for good (its effect will not happen), with an audit row."""
    row = await _lock_pending(session, timer_id)
    await session.execute(update(timers).where(timers.c.id == timer_id).values(status="cancelled"))
    await _audit(session, row, "cancel", actor, reason, now)
    await session.commit()
    return await show(session, timer_id)


def _short(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    if days:
        return f"{sign}{days}d{hours}h"
    if hours:
        return f"{sign}{hours}h{minutes}m"
    return f"{sign}{minutes}m{seconds}s" if minutes else f"{sign}{seconds}s"


def _print_table(views: Sequence[TimerView], now: datetime, *, errors: int) -> None:
    if not views:
        print("no failing or overdue timers")
        return
    print(f"{'ID':>10}  {'KIND':<36} {'AGE':>8} {'ATTEMPTS':>8}  {'NEXT ATTEMPT':>12}  KEY / LAST ERROR")
    for v in views:
        error = (v.last_error or "-").replace("\n", " ")
        print(f"{v.id:>10}  {v.kind:<36} {_short(v.age(now)):>8} {v.attempts:>8}  "
              f"{_short(v.next_attempt - now):>12}  {v.key}\n{'':>12}{error[:errors]}")


def _print_one(v: TimerView, now: datetime) -> None:
    print(f"id:           {v.id}\nkind:         {v.kind}\nkey:          {v.key}\nstatus:       {v.status}\n"
          f"deadline:     {v.deadline.isoformat()} (age {_short(v.age(now))})\n"
          f"next attempt: {v.next_attempt.isoformat()}\nattempts:     {v.attempts}\n"
          f"last error:   {v.last_error or '-'}")


def _settings(service: str | None) -> CommonSettings:
    """The chosen service's own settings class (its local database by default), else the common one."""
    name = service or os.environ.get("TRUST_SERVICE_NAME")
    if name:
        try:
            definition = importlib.import_module(f"{name.replace('-', '_')}.bootstrap").SERVICE
            settings: CommonSettings = load_settings(definition.settings)
            return settings
        except ModuleNotFoundError:
            return load_settings(CommonSettings, service_name=name)
    return load_settings(CommonSettings)


def _actor(given: str | None) -> str:
    if given:
        return given
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user without a passwd entry
        return "unknown"


async def _run(args: argparse.Namespace, clock: Clock) -> int:
    settings = _settings(args.service)
    engine = create_engine(settings)
    try:
        async with session_factory(engine)() as session:
            now = clock.now()
            try:
                if args.action == "list":
                    views = await troubled(session, now, overdue=timedelta(seconds=args.overdue), kind=args.kind,
                                           limit=args.limit)
                    _print_table(views, now, errors=args.error_chars)
                elif args.action == "show":
                    _print_one(await show(session, args.id), now)
                elif args.action == "retry":
                    view = await retry(session, args.id, actor=_actor(args.actor), reason=args.reason, now=now)
                    print(f"timer {view.id} ({view.kind}) is due now; the next poll fires it (audited)")
                else:
                    view = await cancel(session, args.id, actor=_actor(args.actor), reason=args.reason, now=now)
                    print(f"timer {view.id} ({view.kind}) cancelled (audited)")
            except TimerActionRefused as refused:
                print(f"trust-timers: {refused}", file=sys.stderr)
                return 1
    finally:
        await engine.dispose()
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="trust-timers", description=__doc__, epilog=ENVIRONMENT_HELP,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    root.add_argument("--service", help="service whose timers to read (default: TRUST_SERVICE_NAME)")
    actions = root.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="failing and overdue pending timers, oldest deadline first")
    listing.add_argument("--overdue", type=float, default=60.0, metavar="SECONDS",
                         help="also list timers due longer ago than this that have not failed (default: 60)")
    listing.add_argument("--kind", help="only timers of this kind")
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--error-chars", type=int, default=160, help="characters of the last error shown")
    actions.add_parser("show", help="one timer in full").add_argument("id", type=int)
    for name, text, reason_required in (
            ("retry", "fire a pending timer at the next poll, skipping its back-off (never before its deadline)",
             False),
            ("cancel", "cancel a pending timer for good: the deadline's effect will not happen", True)):
        action = actions.add_parser(name, help=text)
        action.add_argument("id", type=int)
        action.add_argument("--reason", required=reason_required, default="operator retry",
                            help="why, kept in the audit record" + (" (required)" if reason_required else ""))
        action.add_argument("--actor", help="who, kept in the audit record (default: the login name)")
    return root


def main(argv: list[str] | None = None, *, clock: Clock | None = None) -> None:
    args = parser().parse_args(argv)
    code = asyncio.run(_run(args, clock or SystemClock()))
    if code:
        raise SystemExit(code)


if __name__ == "__main__":
    main()
