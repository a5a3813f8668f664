"""`trust-clock`: move the sandbox test clock of every service forward, or show it (never in production).

It speaks to the services only through Kafka (the `sandbox.clock` topic), as the HTTP operation
`POST /v1/sandbox/clock/advance` does: it returns once every service's worker applied the new time,
the timers then due fired and what they caused settled — so the next read is deterministic.

examples:
  trust-clock show                 every service's sandbox time and offset
  trust-clock advance 49h          past a 48-hour window: its reminders, the lapse and its notice
  trust-clock advance 10d          ten days after a rejection
  trust-clock advance 1d12h --timeout 120
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys

from trust_common.problems import Problem
from trust_common.sandbox import advance, parse_duration
from trust_common.settings import ENVIRONMENT_HELP, CommonSettings, load_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="trust-clock", description=__doc__, epilog=ENVIRONMENT_HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("show", help="print every service's sandbox time")
    move = commands.add_parser("advance", help="move time forward by a duration (49h, 10d, 1d12h, 90m, 30s)")
    move.add_argument("duration")
    for command in commands.choices.values():
        command.add_argument("--timeout", type=float, default=None,
                             help="seconds to wait for every service (default TRUST_SANDBOX_CLOCK_TIMEOUT_SECONDS)")
    args = parser.parse_args(argv)
    settings = load_settings(CommonSettings, service_name="trust-clock")
    if settings.environment == "production":
        print("refusing: the sandbox clock does not exist in production", file=sys.stderr)
        raise SystemExit(2)
    try:
        by = parse_duration(args.duration) if args.command == "advance" else None
    except ValueError as error:
        parser.error(str(error))
    try:
        result = asyncio.run(advance(settings, by, services=settings.sandbox_clock_services,
                                     timeout=args.timeout or settings.sandbox_clock_timeout_seconds,
                                     max_steps=settings.sandbox_clock_max_steps))
    except Problem as problem:
        print(f"trust-clock: {problem.detail}", file=sys.stderr)
        raise SystemExit(1) from None
    print(json.dumps(result.body(), indent=2))


if __name__ == "__main__":
    main()
