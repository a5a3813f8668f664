"""The benchmarks of issue 11, item 2. Each runs its arms interleaved over the rounds (the order
rotates every round) and adds rows comparing a figure with a ceiling measured in the same run."""
from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import asyncpg

from bench.harness import ceilings
from bench.harness.load import Sent, WrkResult, open_loop, write_requests_file, wrk
from bench.harness.report import Results, Row
from bench.harness.seed import World
from bench.harness.stack import PORT_BASE, SERVICES, TOPIC_PREFIX, Stack, database_of, dsn

API = f"http://127.0.0.1:{SERVICES['shop-binding'][1]}"
CEILING_PORT = PORT_BASE + 20
CEILING = f"http://127.0.0.1:{CEILING_PORT}"
READER = "bench-reader"
RELAY_TOPIC = f"{TOPIC_PREFIX}bench.relay-drain"  # nobody consumes it
L2_TOPIC = f"{TOPIC_PREFIX}bench.round-trip"


@dataclass
class Profile:
    rounds: int = 3
    seconds: float = 10.0  # each wrk / open-loop arm
    relay_rows: int = 20_000
    pipeline_seconds: float = 60.0
    pause_seconds: float = 60.0  # consumers stopped (catch-up)
    due_timers: int = 20_000
    pending_timers: int = 1_000_000
    history_rows: int = 5_000_000
    soak_seconds: float = 300.0

    @classmethod
    def quick(cls) -> Profile:
        return cls(rounds=2, seconds=3, relay_rows=3_000, pipeline_seconds=8, pause_seconds=5, due_timers=2_000,
                   pending_timers=20_000, history_rows=20_000, soak_seconds=20)


@dataclass
class Context:
    stack: Stack
    world: World
    profile: Profile
    results: Results
    api_write_rates: list[float] = field(default_factory=list)
    e2e: list[tuple[float, float]] = field(default_factory=list)  # (p50, p99) ms per round
    backlog: list[int] = field(default_factory=list)  # invitations without a prompt at the end of a load window

    @property
    def sb(self) -> str:
        return dsn(database_of("shop-binding"))

    @property
    def nt(self) -> str:
        return dsn(database_of("notifier"))

    async def api_max_write(self) -> float:
        if not self.api_write_rates:
            self.api_write_rates.append(await asyncio.to_thread(self.wrk_writes, API, "service"))
        return statistics.median(self.api_write_rates)

    def wrk_writes(self, base: str, space: str, *, idempotent: bool = True) -> float:
        return self.wrk_writes_result(base, space, idempotent=idempotent).rate

    def wrk_writes_result(self, base: str, space: str, *, idempotent: bool = True,
                          seconds: float | None = None) -> WrkResult:
        seconds = seconds or self.profile.seconds
        # More lines than the arm can use (a wrap-around would repeat a pair: a 409, counted as an error).
        lines = self.world.invitations(int((3000 if space == "ceiling" else 1500) * seconds), space=space)
        path = write_requests_file(lines)
        try:
            prefix = f"k{uuid.uuid4().hex[:12]}" if idempotent else "-"
            return wrk(base, seconds, script="post.lua", args=[str(path), prefix])
        finally:
            path.unlink()

    def wrk_bare(self) -> float:
        return wrk(f"{CEILING}/c3", self.profile.seconds, script="get.lua").rate

    def wrk_reads(self, base: str) -> float:
        token = self.world.creator_tokens[READER]
        return wrk(f"{base}/v1/me/invitations", self.profile.seconds, script="get.lua",
                   headers=[f"Authorization: Bearer {token}"]).rate


Arm = Callable[[], Awaitable[float]]


async def interleave(ctx: Context, arms: dict[str, Arm], rounds: int | None = None) -> dict[str, list[float]]:
    names = list(arms)
    values: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds or ctx.profile.rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            values[name].append(await arms[name]())
    return values


def thread(fn: Callable[..., float], *args: object, **kwargs: object) -> Arm:
    async def arm() -> float:
        return await asyncio.to_thread(fn, *args, **kwargs)
    return arm


# -- reads and writes -------------------------------------------------------------------------------

async def reads(ctx: Context) -> None:
    v = await interleave(ctx, {"service": thread(ctx.wrk_reads, API), "c2r": thread(ctx.wrk_reads, CEILING),
                               "c3": thread(ctx.wrk_bare)})
    ctx.results.add(Row("reads", "GET /v1/me/invitations (20 rows)", "req/s", v["service"], "C2r raw asyncpg",
                        v["c2r"], ">= 0.6"))
    ctx.results.add(Row("reads", "GET /v1/me/invitations", "req/s", v["service"], "C3 bare FastAPI", v["c3"],
                        note="share of the bare server's rate"))


async def writes(ctx: Context) -> None:
    v = await interleave(ctx, {
        "service": thread(ctx.wrk_writes, API, "service"),
        "service_no_key": thread(ctx.wrk_writes, API, "service", idempotent=False),
        "c2w": thread(ctx.wrk_writes, CEILING, "ceiling", idempotent=False)})
    ctx.api_write_rates.extend(v["service"])
    ctx.results.add(Row("writes", "POST /v1/shops/{id}/invitations with Idempotency-Key", "req/s", v["service"],
                        "C2w raw asyncpg", v["c2w"], ">= 0.4"))
    ctx.results.add(Row("writes", "the same POST without a key", "req/s", v["service_no_key"], "C2w raw asyncpg",
                        v["c2w"]))


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def rated(ctx: Context, rate: float, seconds: float) -> list[Sent]:
    rate = max(rate, 0.2)  # a max rate measured as 0 (a stalled API) still gets a trickle, not a crash
    requests = ctx.world.invitations(max(1, int(rate * seconds)))
    return await open_loop(API, requests, rate, idempotency_prefix=f"r{uuid.uuid4().hex[:12]}")


async def write_latency(ctx: Context) -> None:
    top = await ctx.api_max_write()
    seconds = ctx.profile.seconds
    # Low load is 5/s, or a tenth of the max on a machine too slow for 5/s to be low; long enough for 20.
    slow = max(0.2, min(5.0, 0.1 * top))

    async def low() -> float:
        sent = await rated(ctx, slow, max(seconds, 20 / slow))
        return quantile([s.latency_ms for s in sent if s.status == 201], 0.5)

    async def high() -> float:
        sent = await rated(ctx, 0.7 * top, seconds)
        return quantile([s.latency_ms for s in sent if s.status == 201], 0.99)

    v = await interleave(ctx, {"low": low, "high": high})
    ctx.results.add(Row("write-latency", f"p99 at 70% of max ({0.7 * top:.0f}/s)", "ms", v["high"],
                        f"p50 at {slow:.2g}/s", v["low"], "<= 5"))


# -- outbox relay -----------------------------------------------------------------------------------

async def template_envelope(ctx: Context) -> dict[str, object]:
    """A real ShopInvitationSent envelope from the service's outbox (made through the API if none)."""
    connection = await asyncpg.connect(ctx.sb)
    try:
        row = await connection.fetchrow(
            "SELECT envelope FROM outbox WHERE event_type LIKE '%invitation%sent%' ORDER BY id DESC LIMIT 1")
        if row is None:
            await rated(ctx, 5.0, 0.4)
            row = await connection.fetchrow(
                "SELECT envelope FROM outbox WHERE event_type LIKE '%invitation%sent%' ORDER BY id DESC LIMIT 1")
        return dict(json.loads(row["envelope"]))
    finally:
        await connection.close()


async def relay(ctx: Context) -> None:
    envelope = await template_envelope(ctx)
    value = json.dumps(envelope, separators=(",", ":")).encode()
    rows = ctx.profile.relay_rows

    async def service() -> float:
        connection = await asyncpg.connect(ctx.sb)
        try:
            async with connection.transaction():
                await connection.execute("""
                    INSERT INTO outbox (event_id, topic, message_key, event_type, shard, envelope, headers)
                    SELECT gen_random_uuid(), $1, 'relay-' || (g % 997), 'bench.relay', g % 64,
                           $2::jsonb, '{}' FROM generate_series(1, $3) g""", RELAY_TOPIC, json.dumps(envelope), rows)
                await connection.execute("NOTIFY outbox")
            committed = time.time()
            while await connection.fetchval(
                    "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND topic = $1", RELAY_TOPIC):
                await asyncio.sleep(0.2)
            last = await connection.fetchval(
                "SELECT extract(epoch FROM max(sent_at)) FROM outbox WHERE topic = $1 AND sent_at > to_timestamp($2)",
                RELAY_TOPIC, committed - 1)
            return rows / max(float(last) - committed, 1e-3)
        finally:
            await connection.close()

    async def c4() -> float:
        return await ceilings.c4_producer(RELAY_TOPIC, value, b"relay", rows)

    v = await interleave(ctx, {"service": service, "c4": c4})
    ctx.results.add(Row("relay", f"outbox drain ({len(value)} B messages)", "rows/s", v["service"],
                        "C4 raw aiokafka producer", v["c4"], ">= 0.5"))


# -- pipeline: invitation → creator's inbox prompt --------------------------------------------------

async def prompt_latencies(ctx: Context, since: float, until: float, *, wait: float) -> list[tuple[float, float]]:
    """(invitation created, prompt opened) epochs of invitations made in [since, until], once every prompt
    exists or `wait` seconds passed (missing prompts count as not there yet: +inf)."""
    sb, nt = await asyncpg.connect(ctx.sb), await asyncpg.connect(ctx.nt)
    try:
        made = await sb.fetch("SELECT invitation_id, extract(epoch FROM created_at) AS t FROM invitations "
                              "WHERE created_at BETWEEN to_timestamp($1) AND to_timestamp($2)", since, until)
        ids = [r["invitation_id"] for r in made]
        deadline = time.monotonic() + wait
        opened: dict[str, float] = {}
        while True:
            rows = await nt.fetch("SELECT invitation_id, extract(epoch FROM opened_at) AS t FROM confirmation_windows "
                                  "WHERE invitation_id = ANY($1)", ids)
            opened = {r["invitation_id"]: float(r["t"]) for r in rows}
            if len(opened) >= len(ids) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        return [(float(r["t"]), opened.get(r["invitation_id"], float("inf"))) for r in made]
    finally:
        await sb.close()
        await nt.close()


async def pipeline(ctx: Context) -> None:
    seconds = ctx.profile.pipeline_seconds
    drain_wait = max(seconds * 3 + 60, 240.0)  # a loaded machine may take minutes to drain a short window
    l1l2: list[float] = []
    api_rates: list[float] = []

    async def latency_floor() -> float:
        database = ctx.sb
        value = await ceilings.l1_commit_ms(database) + await ceilings.l2_round_trip_ms(L2_TOPIC)
        l1l2.append(value)
        return value

    async def sustained() -> float:
        started = time.time()
        result = await asyncio.to_thread(ctx.wrk_writes_result, API, "service", seconds=seconds)
        ended = time.time()
        api_rates.append(result.rate)
        pairs = await prompt_latencies(ctx, started, ended, wait=drain_wait)
        # Steady state: the load window without its first fifth (connections, caches, group warm-up).
        window_start = started + (ended - started) * 0.2
        made = sum(1 for c, _ in pairs if c >= window_start)
        prompted = sum(1 for _, o in pairs if window_start <= o <= ended)
        ctx.backlog.append(made - prompted)
        return prompted / (ended - window_start)

    half: list[float] = []

    async def e2e() -> float:
        rate = 0.5 * await ctx.api_max_write()
        half.append(rate)
        started = time.time()
        await rated(ctx, rate, seconds)
        pairs = await prompt_latencies(ctx, started, time.time(), wait=drain_wait)
        lat = sorted((o - c) * 1000 for c, o in pairs)
        ctx.e2e.append((quantile(lat, 0.5), quantile(lat, 0.99)))
        return quantile(lat, 0.5)

    v = await interleave(ctx, {"floor": latency_floor, "sustained": sustained, "e2e": e2e})
    ctx.results.add(Row("pipeline", "invitation → inbox prompts, steady state", "prompts/s", v["sustained"],
                        "API max write rate (same arm)", api_rates, ">= 0.95",
                        note="prompts trail invitations by the e2e latency, so keeping up reads ≈ 1; backlog at "
                             f"the end of each window: {ctx.backlog}"))
    p50s = [p for p, _ in ctx.e2e]
    p99s = [p for _, p in ctx.e2e]
    rate_label = f"{statistics.median(half):.0f}/s"
    ctx.results.add(Row("pipeline", f"e2e p50 at half the API max ({rate_label})", "ms", p50s, "L1 + L2", l1l2,
                        "<= 3"))
    ctx.results.add(Row("pipeline", f"e2e p99 at half the API max ({rate_label})", "ms", p99s, "L1 + L2", l1l2,
                        "<= 10"))
    await catch_up(ctx, 0.5 * await ctx.api_max_write())


async def catch_up(ctx: Context, rate: float) -> None:
    """The notifier's worker is stopped (SIGSTOP) for `pause_seconds` under load, then resumed."""
    warm, pause = 5.0, ctx.profile.pause_seconds
    after = max(pause, 10.0)
    started = time.time()
    load = asyncio.create_task(rated(ctx, rate, warm + pause + after))
    await asyncio.sleep(warm)
    ctx.stack.pause("notifier-worker")
    await asyncio.sleep(pause)
    ctx.stack.resume("notifier-worker")
    resumed = time.time()
    await load
    pairs = await prompt_latencies(ctx, started, time.time(), wait=max(pause * 3 + 120, 240.0))
    # Nothing left to do at the resume (the pause caught no backlog) is a catch-up of 0 s.
    caught = max(max(o for c, o in pairs if c <= resumed) - resumed, 0.0)
    ctx.results.add(Row("pipeline", f"catch-up after consumers stopped {pause:.0f}s at {rate:.0f}/s", "s",
                        [caught], "limit", [60.0], "<= 1"))


# -- timers -----------------------------------------------------------------------------------------

async def pending_invitations(connection: asyncpg.Connection, limit: int = 500) -> tuple[list[str], list[str]]:
    rows = await connection.fetch("SELECT DISTINCT ON (shop_id) shop_id, invitation_id FROM invitations "
                                  "WHERE status = 'pending' ORDER BY shop_id, created_at LIMIT $1", limit)
    return [r["shop_id"] for r in rows], [r["invitation_id"] for r in rows]


async def insert_service_timers(connection: asyncpg.Connection, *, count: int, prefix: str, due_in: float,
                                shops: list[str], invitations: list[str]) -> tuple[int, int]:
    """Timers of the service's own kind, each pointing at a live pending invitation whose window is still
    open: firing one locks and loads its shop and finds nothing to lapse (the cost of a fire, no event)."""
    row = await connection.fetchrow("""
        WITH ins AS (
            INSERT INTO timers (kind, key, due_at, payload, headers, status)
            SELECT $1, $2 || g, now() + make_interval(secs => $3),
                   jsonb_build_object('shop_id', ($4::text[])[1 + g % cardinality($4::text[])],
                                      'invitation_id', ($5::text[])[1 + g % cardinality($5::text[])]),
                   '{}', 'pending'
            FROM generate_series(1, $6) g RETURNING id)
        SELECT min(id) AS lo, max(id) AS hi FROM ins""", ceilings.TIMER_KIND, prefix, due_in, shops, invitations,
                                    count)
    return row["lo"], row["hi"]


async def wait_fired(connection: asyncpg.Connection, lo: int, hi: int, timeout: float) -> list[float]:
    """Lateness (s) of every timer with id in [lo, hi] once all fired (or the timeout passed)."""
    deadline = time.monotonic() + timeout
    total = hi - lo + 1
    while time.monotonic() < deadline:
        done = await connection.fetchval(
            "SELECT count(*) FROM timers WHERE id BETWEEN $1 AND $2 AND status <> 'pending'", lo, hi)
        if done >= total:
            break
        await asyncio.sleep(0.25)
    rows = await connection.fetch("SELECT extract(epoch FROM fired_at - due_at) AS late FROM timers "
                                  "WHERE id BETWEEN $1 AND $2 AND fired_at IS NOT NULL", lo, hi)
    return [float(r["late"]) for r in rows]


async def timers(ctx: Context) -> None:
    p = ctx.profile
    connection = await asyncpg.connect(ctx.sb)
    shops, invitations = await pending_invitations(connection)
    if not invitations:
        await rated(ctx, 10.0, 2.0)
        shops, invitations = await pending_invitations(connection)
    print(f"timers: inserting {p.pending_timers:,} pending into the service and the ceiling tables", flush=True)
    await ceilings.fill_timers(connection, "timers", pending=p.pending_timers, due=0, payload="{}",
                               key_prefix="bench-pending")
    await ceilings.fill_timers(connection, "bench_ceiling.timers", pending=p.pending_timers, due=0, payload="{}",
                               key_prefix="c-pending")
    await connection.execute("CREATE TABLE IF NOT EXISTS bench_ceiling.timers_small "
                             "(LIKE public.timers INCLUDING ALL)")
    await connection.execute("TRUNCATE bench_ceiling.timers_small")
    await ceilings.fill_timers(connection, "bench_ceiling.timers_small", pending=10_000, due=0, payload="{}",
                               key_prefix="s-pending")
    await connection.execute("ANALYZE timers; ANALYZE bench_ceiling.timers; ANALYZE bench_ceiling.timers_small")
    lateness: list[list[float]] = []

    async def service() -> float:
        lo, hi = await insert_service_timers(connection, count=p.due_timers, prefix=f"due-{uuid.uuid4().hex[:8]}-",
                                             due_in=1.0, shops=shops, invitations=invitations)
        late = await wait_fired(connection, lo, hi, timeout=max(120.0, p.due_timers / 10))
        lateness.append(late)
        # All were due at one moment: the rate is how many fired per second until the last one did.
        return len(late) / max(max(late), 1e-3)

    async def c5() -> float:
        return await raw_claim(connection, "bench_ceiling.timers", p.due_timers)

    async def claim_large() -> float:
        return await claim_cost(connection, "bench_ceiling.timers", p.due_timers)

    async def claim_small() -> float:
        return await claim_cost(connection, "bench_ceiling.timers_small", p.due_timers)

    async def lone() -> float:
        lo, hi = await insert_service_timers(connection, count=1, prefix=f"lone-{uuid.uuid4().hex[:8]}-", due_in=2.0,
                                             shops=shops, invitations=invitations)
        late = await wait_fired(connection, lo, hi, timeout=60)
        return late[0] if late else float("nan")

    try:
        v = await interleave(ctx, {"service": service, "c5": c5, "claim_large": claim_large,
                                   "claim_small": claim_small, "lone": lone})
    finally:
        await connection.execute("DELETE FROM timers WHERE key LIKE 'bench-pending%'")
        await connection.execute("DROP TABLE IF EXISTS bench_ceiling.timers_small")
        await connection.execute("TRUNCATE bench_ceiling.timers")
        await connection.close()
    pending = f"{p.pending_timers:,}"
    ctx.results.add(Row("timers", f"{p.due_timers:,} due at once, {pending} pending", "fires/s", v["service"],
                        "C5 raw SKIP LOCKED claim loop", v["c5"], ">= 0.3"))
    ctx.results.add(Row("timers", f"p99 lateness of those {p.due_timers:,}", "s",
                        [quantile(late, 0.99) for late in lateness], "limit", [1.0] * len(lateness),
                        note="no target in the issue; shown for the pile-up"))
    ctx.results.add(Row("timers", f"service claim statement at {pending} pending", "ms", v["claim_large"],
                        "the same at 10,000 pending", v["claim_small"], "<= 1.2"))
    ctx.results.add(Row("timers", "lone timer lateness", "s", v["lone"], "limit", [1.0] * len(v["lone"]), "<= 1"))


async def raw_claim(connection: asyncpg.Connection, table: str, due: int) -> float:
    await ceilings.fill_timers(connection, table, pending=0, due=due, payload="{}", key_prefix=f"d{uuid.uuid4().hex}")
    started, claimed = time.perf_counter(), 0
    while True:
        taken = int((await connection.execute(ceilings.RAW_CLAIM.replace("bench_ceiling.timers", table))).split()[-1])
        if not taken:
            break
        claimed += taken
    rate = claimed / (time.perf_counter() - started)
    await connection.execute(f"DELETE FROM {table} WHERE status = 'fired'")
    return rate


async def claim_cost(connection: asyncpg.Connection, table: str, due: int) -> float:
    """Median ms of the service's claim statement on `table` with `due` timers due (rolled back each time)."""
    have = await connection.fetchval(f"SELECT count(*) FROM {table} WHERE status = 'pending' AND due_at <= now()")
    if have < due:
        await ceilings.fill_timers(connection, table, pending=0, due=due - have, payload="{}",
                                   key_prefix=f"cc{uuid.uuid4().hex}")
    statement = await connection.prepare(ceilings.SERVICE_CLAIM.replace("bench_ceiling.timers", table))
    samples = []
    for _ in range(100):
        transaction = connection.transaction()
        await transaction.start()
        started = time.perf_counter()
        await statement.fetch([ceilings.TIMER_KIND])  # every row: the batch is locked, as the poller does
        samples.append((time.perf_counter() - started) * 1000)
        await transaction.rollback()
    return statistics.median(samples)


# -- flat with age, tracing, memory -----------------------------------------------------------------

AGE_PORTS = {"_age_empty": PORT_BASE + 21, "_age_full": PORT_BASE + 22}
TRACE_PORTS = {"traced": PORT_BASE + 23, "untraced": PORT_BASE + 24}
SINK_PORT = PORT_BASE + 25
NOT_SERVICES = ("ceiling", "otlp-sink")  # the harness's own helpers: not counted in the memory soak


async def age(ctx: Context) -> None:
    def arm(port: int) -> Arm:
        return thread(ctx.wrk_writes, f"http://127.0.0.1:{port}", "service")

    v = await interleave(ctx, {"empty": arm(AGE_PORTS["_age_empty"]), "full": arm(AGE_PORTS["_age_full"])})
    ctx.results.add(Row("age", f"writes with {ctx.profile.history_rows:,} old rows in outbox, inbox, timers, "
                               "idempotency keys", "req/s", v["full"], "the same on empty tables", v["empty"],
                        ">= 0.9"))


async def tracing(ctx: Context) -> None:
    def base(name: str) -> str:
        return f"http://127.0.0.1:{TRACE_PORTS[name]}"

    v = await interleave(ctx, {
        "reads_traced": thread(ctx.wrk_reads, base("traced")),
        "reads_untraced": thread(ctx.wrk_reads, base("untraced")),
        "writes_traced": thread(ctx.wrk_writes, base("traced"), "service"),
        "writes_untraced": thread(ctx.wrk_writes, base("untraced"), "service")})
    ctx.results.add(Row("tracing", "reads, every trace sampled and exported", "req/s", v["reads_traced"],
                        "the same, none sampled", v["reads_untraced"], ">= 0.85"))
    ctx.results.add(Row("tracing", "writes, every trace sampled and exported", "req/s", v["writes_traced"],
                        "the same, none sampled", v["writes_untraced"], ">= 0.85"))


async def memory(ctx: Context) -> None:
    rate = 0.7 * await ctx.api_max_write()
    seconds = ctx.profile.soak_seconds
    ours = {n: p for n, p in ctx.stack.processes.items() if n not in NOT_SERVICES}
    samples: dict[str, list[float]] = {name: [] for name in ours}
    load = asyncio.create_task(rated(ctx, rate, seconds))
    while not load.done():
        for name, process in ours.items():
            samples[name].append(process.rss_mib())
        await asyncio.sleep(min(5.0, seconds / 10))
    await load
    peaks = {n: max(s) for n, s in samples.items() if s}
    growth = {n: _growth(s) for n, s in samples.items() if len(s) >= 4}
    worst = max(peaks, key=peaks.__getitem__)
    ctx.results.add(Row("memory", f"peak RSS over a {seconds:.0f}s soak at {rate:.0f} writes/s (worst: {worst})",
                        "MiB", [peaks[worst]], "limit", [150.0], "<= 1",
                        note=json.dumps({n: round(v, 1) for n, v in sorted(peaks.items())})))
    grower = max(growth, key=growth.__getitem__)
    ctx.results.add(Row("memory", f"RSS growth, last quarter vs first quarter (worst: {grower})", "ratio",
                        [growth[grower]], "no growth", [1.0], "<= 1.1",
                        note=json.dumps({n: round(v, 3) for n, v in sorted(growth.items())})))


def _growth(series: list[float]) -> float:
    quarter = max(1, len(series) // 4)
    return statistics.mean(series[-quarter:]) / statistics.mean(series[:quarter])


BENCHMARKS: dict[str, Callable[[Context], Awaitable[None]]] = {
    "reads": reads, "writes": writes, "write-latency": write_latency, "relay": relay, "pipeline": pipeline,
    "timers": timers, "age": age, "tracing": tracing, "memory": memory,
}


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
