"""`trust-topics`: create every topic of the system (idempotent)."""
from __future__ import annotations

import argparse
import asyncio

from trust_common.kafka import ALL_TOPICS, ensure_topics
from trust_common.settings import ENVIRONMENT_HELP, CommonSettings, load_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="trust-topics", description=__doc__, epilog=ENVIRONMENT_HELP)
    parser.add_argument("--partitions", type=int, default=3)
    args = parser.parse_args(argv)
    settings = load_settings(CommonSettings)
    created = asyncio.run(ensure_topics(settings.kafka_bootstrap, [settings.topic(t) for t in ALL_TOPICS],
                                        partitions=args.partitions))
    print(f"topics created: {', '.join(created) if created else 'none (all exist)'}")


if __name__ == "__main__":
    main()
