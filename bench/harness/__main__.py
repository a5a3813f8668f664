"""`./dev bench [name…] [--quick]`: start a private copy of the system, run the benchmarks as
interleaved arms, print the table and write the results as JSON. See bench/README.md."""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import traceback
from dataclasses import asdict, fields
from pathlib import Path

import asyncpg
import httpx

from bench.harness import benchmarks as b
from bench.harness.ceilings import clone_schema
from bench.harness.report import Results, render
from bench.harness.seed import World, add_history, seed_ceiling_shops, seed_projections
from bench.harness.stack import KAFKA, ROOT, SERVICES, Stack, database_of, dsn
from trust_common.kafka import ensure_topics

ORDER = list(b.BENCHMARKS)
AGE_VARIANTS = ("_age_empty", "_age_full")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="./dev bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="name", help=f"benchmarks to run (default all): {', '.join(ORDER)}")
    parser.add_argument("--quick", action="store_true", help="the smoke profile: short arms, small sets, 2 rounds")
    for field in fields(b.Profile):
        parser.add_argument(f"--{field.name.replace('_', '-')}", type=type(field.default), default=None,
                            help=f"override the profile (full default: {field.default})")
    parser.add_argument("--shops", type=int, default=1000, help="shops invitations are spread over")
    parser.add_argument("--creators", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / ".local" / "bench" / "results.json",
                        help="where the JSON results go")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in b.BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(ORDER)}")
    return args


def profile_of(args: argparse.Namespace) -> b.Profile:
    profile = b.Profile.quick() if args.quick else b.Profile()
    for field in fields(b.Profile):
        value = getattr(args, field.name)
        if value is not None:
            setattr(profile, field.name, value)
    return profile


async def prepare(stack: Stack, names: list[str], world: World, profile: b.Profile) -> None:
    """Fresh databases (two more shop-binding ones for the age arms), topics, projections, ceiling tables."""
    variants = [("shop-binding", database_of("shop-binding", v)) for v in AGE_VARIANTS] if "age" in names else []
    await stack.prepare(list(SERVICES), variants)
    await ensure_topics(KAFKA, [b.RELAY_TOPIC, b.L2_TOPIC], partitions=3)
    for database in [database_of("shop-binding"), database_of("notifier"), *(d for _, d in variants)]:
        await seed_projections(dsn(database), world)
    connection = await asyncpg.connect(dsn(database_of("shop-binding")))
    try:
        await clone_schema(connection)
        await seed_ceiling_shops(connection, world)
    finally:
        await connection.close()
    if "age" in names:
        print(f"age: writing {profile.history_rows:,} history rows into each infrastructure table", flush=True)
        await add_history(dsn(database_of("shop-binding", "_age_full")), profile.history_rows)


def start(stack: Stack, names: list[str]) -> None:
    for service in SERVICES:
        stack.start_service(service)
    stack.start_python("ceiling", ["-m", "bench.harness.ceiling_app", str(b.CEILING_PORT),
                                   dsn(database_of("shop-binding"))], dict(os.environ), b.CEILING_PORT)
    if "age" in names:
        for variant, port in b.AGE_PORTS.items():
            stack.start(f"shop-binding-api{variant}", "shop-binding-api",
                        stack.env("shop-binding", port, database=database_of("shop-binding", variant)), port)
    if "tracing" in names:
        stack.start_python("otlp-sink", ["-m", "bench.harness.otlp_sink", str(b.SINK_PORT)], dict(os.environ),
                           b.SINK_PORT)
        for name, ratio in (("traced", "1.0"), ("untraced", "0.0")):
            port = b.TRACE_PORTS[name]
            stack.start(f"shop-binding-api-{name}", "shop-binding-api", stack.env(
                "shop-binding", port, TRUST_OTEL_EXPORTER="otlp", TRUST_TRACE_SAMPLE_RATIO=ratio,
                OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{b.SINK_PORT}"), port)
    # Only shop-binding and the notifier carry load; the other two count in the memory soak when they run.
    stack.wait_ready(optional=[f"{s}-{kind}" for s in ("certification", "employee-accounts")
                               for kind in ("api", "worker")])


async def reader_invitations(world: World, stack: Stack) -> None:
    """The reads arms list a creator with 20 invitations, made through the API; then every API the
    harness started answers a few writes and reads, so no arm pays for a cold process."""
    async with httpx.AsyncClient(base_url=b.API, timeout=60) as client:
        for shop in world.shops[:20]:
            response = await client.post(f"/v1/shops/{shop}/invitations",
                                         json={"creator_account_id": b.READER, "role": "channel"},
                                         headers={"Authorization": f"Bearer {world.merchant_tokens[shop]}"})
            if response.status_code != 201:
                raise RuntimeError(f"could not invite the reader: {response.status_code} {response.text}")
    reader = {"Authorization": f"Bearer {world.creator_tokens[b.READER]}"}
    for name, process in stack.processes.items():
        if not name.startswith("shop-binding-api") and name != "ceiling":
            continue
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{process.port}", timeout=60) as client:
            for path, token, body in world.invitations(5, space="ceiling" if name == "ceiling" else "service"):
                await client.post(path, content=body, headers={"Authorization": f"Bearer {token}",
                                                               "Content-Type": "application/json"})
            for _ in range(5):
                await client.get("/v1/me/invitations", headers=reader)


async def main(argv: list[str]) -> int:
    args = parse(argv)
    names = [n for n in ORDER if n in args.names] if args.names else ORDER
    profile = profile_of(args)
    started = time.time()
    results = Results({"profile": "quick" if args.quick else "full", **asdict(profile), "benchmarks": names,
                       "cpus": os.cpu_count(), "started": b.now_iso()}, args.out)
    logs = ROOT / ".local" / "bench" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    stack = Stack(logs)
    world = World.build(args.shops, args.creators, others=[b.READER])
    failed: list[str] = []
    try:
        print(f"preparing databases, topics and data ({', '.join(names)})", flush=True)
        await prepare(stack, names, world, profile)
        start(stack, names)
        await reader_invitations(world, stack)
        context = b.Context(stack, world, profile, results)
        for name in names:
            print(f"== {name}", flush=True)
            try:
                await b.BENCHMARKS[name](context)
            except Exception:
                traceback.print_exc()
                failed.append(name)
    finally:
        stack.close()
        results.profile["seconds_total"] = round(time.time() - started)
        results.profile["failed"] = failed
        results.write()
    print("\n" + render(results.rows))
    print(f"\nresults: {args.out}" + (f"\nFAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
