"""`trust-dlt`: list or replay a service's dead letters (Kafka dead-letter topic).

    TRUST_SERVICE_NAME=notifier trust-dlt list
    TRUST_SERVICE_NAME=notifier trust-dlt replay --limit 100
"""
from __future__ import annotations

import argparse
import asyncio

from trust_common.deadletters import peek, replay
from trust_common.settings import ENVIRONMENT_HELP, CommonSettings, load_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="trust-dlt", description=__doc__, epilog=ENVIRONMENT_HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["list", "replay"])
    parser.add_argument("--service", help="service whose dead letters to read (default: TRUST_SERVICE_NAME)")
    parser.add_argument("--limit", type=int, default=100)
    args = parser.parse_args(argv)
    settings = load_settings(CommonSettings, **({"service_name": args.service} if args.service else {}))
    if args.action == "list":
        for letter in asyncio.run(peek(settings, limit=args.limit)):
            print(f"{letter.partition}/{letter.offset} key={letter.key} from={letter.original_topic} "
                  f"consumer={letter.consumer} attempts={letter.attempts} error={letter.error}")
    else:
        print(f"replayed {len(asyncio.run(replay(settings, limit=args.limit)))} dead letters "
              f"from {settings.dead_letter_topic}")


if __name__ == "__main__":
    main()
