"""Load the dashboard's pages under Daphne on PostgreSQL and print ONE JSON object.

    .venv/bin/python benchmarks/page_load.py [--database-url postgres:///atelier_dashboard_bench]
        [--reseed] [--duration 10] [--concurrency 8] [--port 8765] [--tool auto|wrk|python]

What it does, in order:
1. (--reseed, or an empty database) creates the database, migrates, seeds the demo house
   (seed_demo: 600 clients, Élise's 250-client book), trains and drafts lookbooks when
   those commands exist, and generates the day's follow-ups;
2. counts each page's SQL queries in-process (django.test.Client, CaptureQueriesContext);
3. serves the app with Daphne (DEBUG off, one process) and signs in as `stylist`
   (the advisor) and `manager` (Paris boutique director) through the login form;
4. loads each page for --duration seconds with --concurrency connections (wrk with a
   Lua percentile reporter when installed, else threads + requests), the plain view
   /healthz first as the baseline;
5. prints {"pages": {name: {rps, p50_ms, p95_ms, ratio_p50, ratio_rps, queries, ...}}, ...}
   where ratio_p50 = page p50 ÷ baseline p50 and ratio_rps = baseline rps ÷ page rps.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "atelier-demo"  # noqa: S105 - the demo house's documented password

WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), summary.errors.status +
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres:///atelier_dashboard_bench")
    parser.add_argument("--reseed", action="store_true", help="drop, migrate and seed again")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    return parser.parse_args(argv)


def server_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="clienteling.settings.base",
        DJANGO_DEBUG="false",
        LOG_LEVEL="WARNING",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    )
    env.pop("REDIS_URL", None)  # one process: in-memory channel layer and cache
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def ensure_database(url: str, *, reseed: bool) -> bool:
    """Create (or recreate) the database; True when it needs seeding."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reseed:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            return True
    with psycopg.connect(url) as conn:
        try:
            seeded = conn.execute("SELECT count(*) FROM clients_client").fetchone()[0] > 0
        except psycopg.errors.UndefinedTable:
            seeded = False
    return not seeded


def seed(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--reset")
    for command in ("train_recommender", "draft_lookbooks"):
        # Without them the review pages are measured on whatever drafts exist.
        with contextlib.suppress(subprocess.CalledProcessError):
            manage(env, command)
    manage(
        env,
        "shell",
        "-c",
        "from stylists.services import follow_ups_generate; follow_ups_generate()",
    )


# --- Query counts, in-process -----------------------------------------------------------


def count_queries(env: dict[str, str]) -> dict[str, Any]:
    """Queries per page, from a short Django process on the same database (JSON on stdout)."""
    code = r"""
import json, re
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.contrib.auth import get_user_model, user_logged_in
from axes.signals import handle_user_logged_in
# force_login has no client address; django-axes would store "unknown" in an inet column.
user_logged_in.disconnect(handle_user_logged_in)
users = get_user_model().objects
def measure(username, paths):
    http = Client()
    http.force_login(users.get(username=username))
    out = {}
    for name, path in paths.items():
        http.get(path)  # warm
        with CaptureQueriesContext(connection) as q:
            status = http.get(path).status_code
        out[name] = {"path": path, "status": status, "queries": len(q.captured_queries)}
    return out
from clients.models import Client as C
from recommendations.models import Lookbook
story = C.objects.get(user__username="client").public_id
draft = Lookbook.objects.filter(status__in=["draft", "in_review"],
    client__book_assignments__stylist__user__username="stylist",
    client__book_assignments__ended_at__isnull=True).order_by("created_at").first()
pages = {"today": "/stylist/", "client_book": "/stylist/clients/",
         "client_story": f"/stylist/clients/{story}/", "messages": "/stylist/messages/",
         "review_queue": "/stylist/review/"}
if draft is not None:
    pages["lookbook_review"] = f"/stylist/lookbooks/{draft.public_id}/"
result = measure("stylist", pages)
result.update({k + "_manager": v for k, v in measure("manager", {
    "client_book": "/stylist/clients/", "team": "/stylist/team/"}).items()})
# The client's Style Story (issue 11): home, her pieces, appointments, a piece's page.
from catalog.models import Product
piece = Product.objects.filter(active=True).order_by("pk").first()
story_pages = {"story_home": "/concierge/", "story_pieces": "/concierge/pieces/",
               "story_appointments": "/concierge/appointments/"}
if piece is not None:
    story_pages["story_piece"] = f"/concierge/pieces/{piece.public_id}/"
result.update({k + "_client": v for k, v in measure("client", story_pages).items()})
print(json.dumps(result))
"""
    env = {**env, "DJANGO_DEBUG": "false"}
    done = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- The server -----------------------------------------------------------------------------


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    daphne = shutil.which("daphne", path=str(Path(PYTHON).parent)) or "daphne"
    process = subprocess.Popen(
        [daphne, "-b", "127.0.0.1", "-p", str(port), "clienteling.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.2)
    process.kill()
    raise SystemExit("Daphne did not start")


def sign_in(base: str, username: str) -> str:
    """The session cookie header after signing in through the login form."""
    import requests

    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    cookie = session.cookies.get("sessionid")
    assert cookie, f"could not sign in as {username}"
    return f"sessionid={cookie}"


# --- Load generators ------------------------------------------------------------------------


def load_wrk(url: str, cookie: str, duration: int, concurrency: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_LUA)
    command = [
        "wrk",
        f"-t{min(4, concurrency)}",
        f"-c{concurrency}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "-s",
        script.name,
        url,
    ]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    requests_, micros, p50, p95, errors = map(
        int, re.search(r"BENCH (\d+) (\d+) (\d+) (\d+) (\d+)", output).groups()
    )
    return {
        "requests": requests_,
        "rps": requests_ / (micros / 1e6),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "errors": errors,
    }


def load_python(url: str, cookie: str, duration: int, concurrency: int) -> dict[str, float]:
    import requests

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def worker() -> None:
        session = requests.Session()
        headers = {"Cookie": cookie} if cookie else {}
        while time.monotonic() < stop:
            started = time.perf_counter()
            response = session.get(url, headers=headers, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors[0] += response.status_code >= 400

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    spent = time.monotonic() - began
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / spent,
        "p50_ms": cuts[49] * 1000,
        "p95_ms": cuts[94] * 1000,
        "errors": errors[0],
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = server_env(args.database_url)
    if ensure_database(args.database_url, reseed=args.reseed):
        seed(env)
    queries = count_queries(env)
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "python")
    load = load_wrk if tool == "wrk" else load_python
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(env, args.port)
    try:
        cookies = {who: sign_in(base, who) for who in ("stylist", "manager", "client")}
        targets: dict[str, tuple[str, str]] = {"baseline_healthz": ("/healthz", "")}
        for name, info in queries.items():
            if info["status"] == 200:
                who = next((w for w in ("manager", "client") if name.endswith(f"_{w}")), "stylist")
                targets[name] = (info["path"], cookies[who])
        results: dict[str, dict[str, Any]] = {}
        for name, (path, cookie) in targets.items():
            load(base + path, cookie, 2, args.concurrency)  # warm-up
            results[name] = {
                "path": path,
                **load(base + path, cookie, args.duration, args.concurrency),
            }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # still draining the load: stop it
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    baseline = results.pop("baseline_healthz")
    pages = {}
    for name, result in results.items():
        pages[name] = {
            "path": result["path"],
            "rps": round(result["rps"], 1),
            "p50_ms": round(result["p50_ms"], 1),
            "p95_ms": round(result["p95_ms"], 1),
            "ratio_p50": round(result["p50_ms"] / baseline["p50_ms"], 2),
            "ratio_rps": round(baseline["rps"] / result["rps"], 2),
            "queries": queries[name]["queries"],
            "errors": result["errors"],
        }
    print(
        json.dumps(
            {
                "server": "daphne, 1 process, DEBUG off",
                "database": "postgresql",
                "tool": tool,
                "concurrency": args.concurrency,
                "duration_s": args.duration,
                "baseline": {
                    "path": "/healthz",
                    "rps": round(baseline["rps"], 1),
                    "p50_ms": round(baseline["p50_ms"], 1),
                    "p95_ms": round(baseline["p95_ms"], 1),
                },
                "pages": pages,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
