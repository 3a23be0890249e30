"""WebSocket chat round trip between a signed-in client and her advisor, through Redis.

    .venv/bin/python benchmarks/chat_round_trip.py [--database-url postgres://postgres@127.0.0.1:5432/atelier_live]
        [--redis-url redis://127.0.0.1:6379/14] [--port 8401] [--messages 400] [--warmup 20]

What it does:
1. migrates the database and makes a small house: a boutique, an advisor (Élise) and
   her client (Camille, with a Style Story login, Personal consent); signs both in
   (database sessions, as after the login form);
2. serves the app with Daphne in a subprocess (DEBUG off, REDIS_URL set, so the channel
   layer is channels_redis and the cache is Redis);
3. opens Camille's socket (/ws/thread/) and Élise's (/ws/thread/<client>/) and plays
   ping-pong: Camille writes message i; when Élise's page receives it, Élise answers
   "re: i"; the round trip is the time from Camille's send until her page shows the
   answer. Each leg is the real path: the consumer, the service (validation, the row
   written with its encrypted body, Élise's live notice), the on-commit group_send
   through Redis, and each page's consumer reading the message back for its party;
4. measures the floor: the same hops over bare channels_redis (no Daphne, no consumer,
   no database), under the same load;
5. prints ONE JSON object: round trip and one-way (Camille → Élise) p50/p90/p99/max in
   ms, messages per second, the baseline and the ratio to it, the load average before
   and after, and the machine.

The target (issue 10) is a round-trip p99 under 50 ms on this machine. The chat rate
limit ("chat") is raised for the run only (ATELIER_CHAT_RATE_LIMIT).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/atelier_live")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--port", type=int, default=8401)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=20)
    return parser.parse_args()


def environment(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        DJANGO_SETTINGS_MODULE="clienteling.settings.base",
        DJANGO_DEBUG="false",
        LOG_LEVEL="WARNING",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        ATELIER_CHAT_RATE_LIMIT="1000000/10m",
    )
    return env


def make_house() -> dict[str, str]:
    """The advisor and her client, signed in; their session cookies and the client's id."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client as HttpClient
    from django.utils import timezone

    from catalog.models import Boutique
    from clients.models import Client
    from consent.models import ConsentRecord, ConsentTier, PolicyVersion
    from stylists.models import Message
    from stylists.services import book_assign_bulk, stylist_create

    call_command("migrate", verbosity=0, interactive=False)
    suffix = uuid.uuid4().hex[:6]
    boutique = Boutique.objects.create(
        code=f"bench-{suffix}", name="Maison Verlaine Paris", city="Paris", timezone="Europe/Paris"
    )
    users = get_user_model()
    advisor = stylist_create(
        username=f"bench-elise-{suffix}",
        password=None,
        first_name="Élise",
        last_name="Marchand",
        boutique=boutique,
    )
    advisor_user = advisor.user
    client_user = users.objects.create_user(username=f"bench-camille-{suffix}")
    client = Client.objects.create(
        user=client_user, first_name="Camille", last_name="Laurent", home_boutique=boutique
    )
    policy = PolicyVersion.objects.order_by("-pk").first() or PolicyVersion.objects.create(
        version="bench", published_at=timezone.now(), summary="Benchmark policy"
    )
    ConsentRecord.objects.create(
        client=client,
        tier=ConsentTier.PERSONAL,
        policy_version=policy,
        source="concierge",
        recorded_at=timezone.now(),
    )
    book_assign_bulk(pairs=[(client.pk, advisor)])
    Message.objects.filter(client=client).delete()
    cookies = {}
    for name, user in (("client", client_user), ("advisor", advisor_user)):
        http = HttpClient()
        http.force_login(user)
        cookies[name] = (
            f"{settings.SESSION_COOKIE_NAME}={http.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return {**cookies, "client_id": str(client.public_id)}


def wait_for_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"Daphne did not listen on {port}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[index], 2)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": percentile(values, 50),
        "p90_ms": percentile(values, 90),
        "p99_ms": percentile(values, 99),
        "max_ms": round(max(values), 2),
        "mean_ms": round(statistics.fmean(values), 2),
    }


async def ping_pong(port: int, house: dict[str, str], count: int, warmup: int) -> dict[str, Any]:
    from websockets.asyncio.client import connect

    origin = f"http://127.0.0.1:{port}"
    base = f"ws://127.0.0.1:{port}"
    async with (
        connect(
            f"{base}/ws/thread/", origin=origin, additional_headers={"Cookie": house["client"]}
        ) as camille,
        connect(
            f"{base}/ws/thread/{house['client_id']}/",
            origin=origin,
            additional_headers={"Cookie": house["advisor"]},
        ) as elise,
    ):

        async def next_message(ws: Any, body: str) -> None:
            while True:
                event = json.loads(await ws.recv())
                if event.get("type") == "error":
                    raise SystemExit(f"refused: {event}")
                if event.get("type") == "message" and event.get("body") == body:
                    return

        round_trips: list[float] = []
        one_way: list[float] = []
        started = time.perf_counter()
        for i in range(warmup + count):
            body = f"Could I see piece {i}?"
            sent = time.perf_counter()
            await camille.send(json.dumps({"type": "send", "body": body, "ref": str(i)}))
            await next_message(elise, body)
            arrived = time.perf_counter()
            answer = f"re: {i}"
            await elise.send(json.dumps({"type": "send", "body": answer}))
            await next_message(camille, answer)
            back = time.perf_counter()
            if i == warmup - 1:
                started = time.perf_counter()
            if i >= warmup:
                one_way.append((arrived - sent) * 1000)
                round_trips.append((back - sent) * 1000)
        elapsed = time.perf_counter() - started
    return {
        "round_trip": summary(round_trips),
        "one_way_client_to_advisor": summary(one_way),
        "messages": count * 2,
        "messages_per_s": round(count * 2 / elapsed, 1),
    }


async def layer_baseline(redis_url: str, count: int) -> dict[str, float]:
    """The floor under the chat: two bare channels_redis round trips (send + receive, twice).

    The same number of layer hops as one chat round trip's group sends, without Daphne,
    the consumers, the services or the database: what this machine's Redis and event
    loop cost now, under the same load.
    """
    from channels_redis.core import RedisChannelLayer

    layer = RedisChannelLayer(hosts=[redis_url])
    a, b = await layer.new_channel(), await layer.new_channel()
    timings = []
    for i in range(count):
        started = time.perf_counter()
        await layer.send(b, {"type": "ping", "i": i})
        await layer.receive(b)
        await layer.send(a, {"type": "pong", "i": i})
        await layer.receive(a)
        timings.append((time.perf_counter() - started) * 1000)
    await layer.flush()
    return summary(timings)


def main() -> None:
    args = parse_args()
    env = environment(args)
    os.environ.update(env)
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    house = make_house()
    load_before = os.getloadavg()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(args.port),
            "clienteling.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(args.port)
        result = asyncio.run(ping_pong(args.port, house, args.messages, args.warmup))
        baseline = asyncio.run(layer_baseline(args.redis_url, args.messages))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        redis.Redis.from_url(args.redis_url).flushdb()
    load_after = os.getloadavg()
    print(
        json.dumps(
            {
                "benchmark": "chat_round_trip",
                "path": "client → Daphne → ThreadConsumer → message service (PostgreSQL) → "
                "on-commit group_send (channels_redis) → advisor's consumer → advisor, and back",
                **result,
                "baseline_bare_channels_redis_round_trip": baseline,
                "ratio_p50_to_baseline": round(
                    result["round_trip"]["p50_ms"] / max(baseline["p50_ms"], 0.01), 1
                ),
                "target_p99_ms": 50,
                "meets_target": result["round_trip"]["p99_ms"] < 50,
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in load_after],
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "database": args.database_url.rsplit("/", 1)[-1],
                "channel_layer": "channels_redis (" + args.redis_url + ")",
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
