"""Contracts for integrators: the AsyncAPI document of the bus, generated from the event contracts.

  python -m trust_common.cli.contracts asyncapi            print the document
  python -m trust_common.cli.contracts asyncapi --write    write docs/asyncapi.json
  python -m trust_common.cli.contracts asyncapi --check    exit 1 when a committed event
                                                           version would break a consumer
Run from the repository's root (or pass --file). A breaking change (a field removed or
renamed, a type changed, a field newly required, an enum value removed) needs a new version of
the event: a new contract class with `version = N + 1`, keeping the old one.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from trust_common.asyncapi import asyncapi_document, breaking_changes

DEFAULT_FILE = Path("docs/asyncapi.json")


def render(document: object) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m trust_common.cli.contracts", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    asyncapi = commands.add_parser("asyncapi", help="the AsyncAPI 3 document of the bus")
    mode = asyncapi.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="write it to --file")
    mode.add_argument("--check", action="store_true", help="compare with --file; exit 1 on a breaking change")
    asyncapi.add_argument("--file", type=Path, default=DEFAULT_FILE, help="default: %(default)s")
    args = parser.parse_args(argv)

    document = asyncapi_document()
    if args.write:
        args.file.write_text(render(document))
        print(f"wrote {args.file}")
    elif args.check:
        problems = breaking_changes(json.loads(args.file.read_text()), document)
        for problem in problems:
            print(f"BREAKING {problem}", file=sys.stderr)
        if problems:
            sys.exit(1)
        print(f"compatible with {args.file}")
    else:
        sys.stdout.write(render(document))


if __name__ == "__main__":
    main()
