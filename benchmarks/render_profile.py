"""Time the load scenario's pages in-process (no server, no load) and print ONE JSON object.

    .venv/bin/python benchmarks/render_profile.py --database-url postgres://...  [--repeat 20]
        [--redis-url redis://127.0.0.1:6379/N] [--profile review] [--top 40] [--calls]

Runs the requests of benchmarks/locustfile.py through django.test.Client against a
database that already holds the demo house (production_load.py seeds one), signed
in as `stylist` and `client`, POSTs timed on their own (no redirect followed). For
each name: the median and p90 wall time in ms, the median CPU time of this process
(rendering and Python, not the database's own time: steadier on a shared machine)
and the queries of the last request (statements sent, counted by an execute wrapper:
BEGIN and COMMIT are not among them; until 7 Dec 2026 they were, and the debug cursor
that counted them formatted every statement, which production does not). Like the web
process (clienteling.asgi), it freezes the start-up heap and freezes again after the
first requests (core.heap); `--no-freeze` leaves it to the collector.
`--profile NAME` also runs cProfile over that name's requests and writes the top
functions by cumulative time to stderr (a diagnosis aid; the JSON stays on stdout).
`--calls` adds each name's median Python function calls per request (`calls_median`,
counted by cProfile, so the timings of that run are slowed): a count the machine's
load does not move, where a few per cent of CPU time is lost in its noise.
Writes: it keeps, removes, publishes and books like the load run does.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLIENT_LINK = re.compile(r'href="/stylist/clients/([0-9a-f-]{36})/"')
CONVERSATION = re.compile(r'href="/stylist/messages/([0-9a-f-]{36})/"')
REVIEW_LINK = re.compile(r'href="/stylist/lookbooks/([0-9a-f-]{36})/"')
ITEM = re.compile(r"/stylist/lookbooks/[0-9a-f-]{36}/items/(\d+)/keep/")
VERSION = re.compile(r'name="version" value="(\d+)"')
SLOT = re.compile(r'href="/concierge/appointments/book/\?kind=(\w+)&amp;at=([^"&]+)"')
HX = {"HTTP_HX_REQUEST": "true"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", default="", help="a name, or all")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative, tottime")
    parser.add_argument("--seed", type=int, default=None, help="fix the lookbooks chosen")
    parser.add_argument(
        "--no-freeze", action="store_true", help="leave start-up's heap to the collector"
    )
    parser.add_argument(
        "--calls",
        action="store_true",
        help="count each request's Python function calls (cProfile; slows the timings)",
    )
    return parser.parse_args(argv)


def setup(args: argparse.Namespace) -> None:
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="clienteling.settings.base",
        DJANGO_DEBUG="0",
        LOG_LEVEL="ERROR",
        ATELIER_BENCH_PLAIN_VIEW="1",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        RATE_LIMITS_OVERRIDE="lookbook_publish=100000/h,appointment_book=100000/h,"
        "client_message=100000/h",
    )
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from celery import current_app

    current_app.conf.task_always_eager = not args.redis_url
    if not args.no_freeze:  # as clienteling.asgi does once the application is loaded
        from core.heap import WARM_REQUESTS, freeze_again_after, freeze_startup_heap

        freeze_startup_heap()
        freeze_again_after(WARM_REQUESTS)


class Runner:
    def __init__(self, profile: str, *, calls: bool = False) -> None:
        from django.test import Client

        self.counting_calls = calls
        self.calls: dict[str, list[int]] = defaultdict(list)
        self.times: dict[str, list[float]] = defaultdict(list)
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.queries: dict[str, int] = {}
        self.profile_name = profile
        self.profiler = cProfile.Profile()
        self.Client = Client

    def signed(self, username: str) -> Any:
        from django.contrib.auth import get_user_model

        http = self.Client()
        http.force_login(get_user_model().objects.get(username=username))
        return http

    def call(self, name: str, method: Any, *args: Any, **kwargs: Any) -> Any:
        from django.db import connection

        profiling = self.profile_name in (name, "all")
        # Queries counted by a wrapper, as cheap as production's path: Django's
        # CaptureQueriesContext forces the debug cursor, which formats every statement's
        # SQL (about 0.1 ms a query) and so timed something production does not do.
        queries: list[str] = []
        counter = cProfile.Profile() if self.counting_calls else None
        with connection.execute_wrapper(_counting(queries)):
            start, cpu = time.perf_counter(), time.process_time()
            if profiling:
                self.profiler.enable()
            if counter is not None:
                counter.enable()
            response = method(*args, **kwargs)
            if counter is not None:
                counter.disable()
            if profiling:
                self.profiler.disable()
            self.times[name].append((time.perf_counter() - start) * 1000)
            self.cpu[name].append((time.process_time() - cpu) * 1000)
        self.queries[name] = len(queries)
        if counter is not None:
            self.calls[name].append(pstats.Stats(counter).total_calls)  # type: ignore[attr-defined]
        return response

    def report(self) -> dict[str, Any]:
        return {
            name: {
                "median_ms": round(statistics.median(values), 1),
                "p90_ms": round(sorted(values)[int(0.9 * (len(values) - 1))], 1),
                "cpu_median_ms": round(statistics.median(self.cpu[name]), 1),
                "n": len(values),
                "queries": self.queries[name],
                **(
                    {"calls_median": round(statistics.median(self.calls[name]))}
                    if self.calls[name]
                    else {}
                ),
            }
            for name, values in sorted(self.times.items())
        }


def _counting(queries: list[str]) -> Any:
    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def advisor_round(run: Runner, http: Any) -> None:
    run.call("plain", http.get, "/bench/plain/")
    run.call("today", http.get, "/stylist/")
    page = run.call("book", http.get, "/stylist/clients/?q=&tier=personal&sort=spend")
    ids = CLIENT_LINK.findall(page.content.decode())
    if ids:
        run.call("client_story", http.get, f"/stylist/clients/{random.choice(ids)}/")
    queue = run.call("review_queue", http.get, "/stylist/review/")
    drafts = REVIEW_LINK.findall(queue.content.decode())
    if drafts:
        review_round(run, http, random.choice(drafts[:40]))
    page = run.call("advisor_messages", http.get, "/stylist/messages/")
    threads = CONVERSATION.findall(page.content.decode())
    if threads:
        run.call("conversation", http.get, f"/stylist/messages/{random.choice(threads)}/")


def review_round(run: Runner, http: Any, lookbook: str) -> None:
    url = f"/stylist/lookbooks/{lookbook}/"
    page = run.call("review", http.get, url)
    text = page.content.decode()
    # Each piece's keep URL is on its form twice (action and hx-post): one id per piece,
    # or keep and remove hit the same piece, the move is refused and publish is stale (409).
    items, version = list(dict.fromkeys(ITEM.findall(text))), VERSION.search(text)
    if len(items) < 3 or version is None:
        return
    v = int(version[1])
    steps = [
        (f"{url}items/{items[0]}/keep/", {"version": v}, "review_keep"),
        (
            f"{url}items/{items[1]}/remove/",
            {"version": v + 1, "reason": "not_her_style"},
            "review_remove",
        ),
        (f"{url}items/{items[2]}/move/", {"version": v + 2, "direction": "up"}, "review_reorder"),
    ]
    for action, data, name in steps:
        if run.call(name, http.post, action, data, **HX).status_code == 409:
            return
    data = {"version": v + 3, "title": "For the season", "channels": ["concierge"]}
    answer = run.call("review_publish", http.post, f"{url}publish/", data)
    if answer.status_code == 409 and os.environ.get("RENDER_PROFILE_DEBUG"):
        sys.stderr.write(answer.content.decode()[:3000])
    if answer.status_code in (302, 303):
        run.call("review", http.get, answer["Location"])


def client_round(run: Runner, http: Any) -> None:
    from urllib.parse import unquote

    run.call("style_story", http.get, "/concierge/")
    page = run.call("slots", http.get, "/concierge/appointments/book/?kind=boutique")
    slots = SLOT.findall(page.content.decode())
    if slots:
        kind, at = random.choice(slots)
        data = {"kind": kind, "at": unquote(at), "purpose": "season"}
        answer = run.call("book_slot", http.post, "/concierge/appointments/book/", data)
        if answer.status_code in (302, 303):
            run.call("appointment", http.get, answer["Location"])
    run.call("client_message", http.post, "/concierge/messages/", {"body": "Is the cape in navy?"})
    run.call("client_messages", http.get, "/concierge/messages/")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup(args)
    random.seed(args.seed)  # None: other drafts each run (a fixed seed reviews the same ones)
    if args.calls and args.profile:
        raise SystemExit("--calls and --profile each need Python's one profiler: choose one.")
    run = Runner(args.profile, calls=args.calls)
    advisor, client = run.signed("stylist"), run.signed("client")
    advisor_round(run, advisor)  # warm the template cache and connections
    client_round(run, client)
    run.times.clear()
    run.cpu.clear()
    run.calls.clear()
    for _ in range(args.repeat):
        advisor_round(run, advisor)
        client_round(run, client)
    result = run.report()
    plain = result["plain"]["median_ms"]
    for row in result.values():
        row["ratio_median"] = round(row["median_ms"] / plain, 2) if plain else None
    if args.profile:
        out = io.StringIO()
        pstats.Stats(run.profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
        sys.stderr.write(out.getvalue())
    print(json.dumps({"pages": result, "repeat": args.repeat}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
