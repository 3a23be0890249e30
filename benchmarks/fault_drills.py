"""Fault drills on the production layout, on a PostgreSQL and a Redis of their own.

    .venv/bin/python benchmarks/fault_drills.py [--drills worker_kill,redis_blink,db_restart]
        [--source-url postgres://postgres@127.0.0.1:5432/atelier_prod] [--web-port 8202]

Never touches the shared services: it runs its own PostgreSQL cluster on
port 5440 and its own Redis on 6390 (both under /tmp/atelier-drill), copies
the seeded house into it (pg_dump | pg_restore), and runs the Procfile's
processes itself (not under honcho, which would stop everything when one
process dies: the drill kills processes on purpose). Prints ONE JSON object.

- worker_kill: 200 queued messages handed to delivery, and the night's
  drafting of every lookbook in review (deleted first); the worker running
  each is killed with SIGKILL mid-way and restarted. Checks every message
  reached a final state exactly once (the claim in message_deliver), and
  that each client has at most one draft and every draft came back.
- redis_blink: Redis stopped for 30 s while the advisor publishes a lookbook
  (for a client with a Style Story account, her house messages aged a week on the
  drill's copy so that the weekly guard does not hold the notice back, so
  the publish really writes a notice: its task cannot be queued, so the request
  writes it) and the client writes; pages polled each second; after Redis
  returns, the messages still queued go out, the lookbook's notice among them
  (the beat's sweep, run at once here rather than waiting up to five minutes).
- db_restart: PostgreSQL restarted under a request loop: each answer's status
  in the gap (503 expected, never 500) and the seconds from PostgreSQL being
  ready to the first 200.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DRILL = Path("/tmp/atelier-drill")  # noqa: S108 - a scratch cluster, made by this script
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT, REDIS_PORT, WEB_PORT = 5440, 6390, 8202
DB = "atelier_drill"
PASSWORD = "atelier-demo"  # noqa: S105 - the demo house's documented password
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def sh(*cmd: str, check: bool = True, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=check, text=True, capture_output=True, **kwargs)


def as_postgres(*cmd: str) -> None:
    sh("runuser", "-u", "postgres", "--", *cmd)


# --- Services of our own -------------------------------------------------------------


def pg_start() -> None:
    if not (DRILL / "pg").exists():
        DRILL.mkdir(exist_ok=True)
        os.chown(DRILL, int(sh("id", "-u", "postgres").stdout), -1)
        as_postgres(
            str(PG_BIN / "initdb"), "-D", str(DRILL / "pg"), "-A", "trust", "-U", "postgres"
        )
    if sh("pg_isready", "-h", "127.0.0.1", "-p", str(PG_PORT), check=False).returncode != 0:
        as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(DRILL / "pg"), "-l", str(DRILL / "pg.log"),
            "-o", f"-p {PG_PORT} -k {DRILL} -c listen_addresses=127.0.0.1", "-w", "start",
        )  # fmt: skip


def pg_restart() -> float:
    """Restart PostgreSQL (fast shutdown); returns the time it was ready again."""
    as_postgres(
        str(PG_BIN / "pg_ctl"), "-D", str(DRILL / "pg"), "-m", "fast", "-w",
        "-l", str(DRILL / "pg.log"),  # else the server holds our output pipe open
        "-o", f"-p {PG_PORT} -k {DRILL} -c listen_addresses=127.0.0.1", "restart",
    )  # fmt: skip
    return time.monotonic()


def redis_start() -> None:
    sh(
        "redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--daemonize", "yes",
        "--dir", str(DRILL), "--appendonly", "yes", "--save", "",
        "--pidfile", str(DRILL / "redis.pid"),
    )  # fmt: skip
    for _ in range(50):
        if sh("redis-cli", "-p", str(REDIS_PORT), "ping", check=False).stdout.strip() == "PONG":
            return
        time.sleep(0.1)
    raise RuntimeError("drill Redis did not start")


def redis_stop() -> None:
    sh("redis-cli", "-p", str(REDIS_PORT), "shutdown", check=False)


def copy_house(source_url: str) -> None:
    sh("dropdb", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "--if-exists", DB)
    sh("createdb", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", DB)
    dump = DRILL / "house.dump"
    sh("pg_dump", "--format=custom", "--no-owner", "-f", str(dump), "-d", source_url)
    sh("pg_restore", "--no-owner", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres",
       "-d", DB, str(dump))  # fmt: skip


# --- The layout, process by process ----------------------------------------------------


def env() -> dict[str, str]:
    e = dict(os.environ)
    e.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{PG_PORT}/{DB}",
        REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        DJANGO_SETTINGS_MODULE="clienteling.settings.base",
        DJANGO_DEBUG="0",
        DJANGO_STATIC_MANIFEST="1",
        LOG_FORMAT="json",
        WEB_CONCURRENCY="2",
        CELERY_CONCURRENCY="1",
        CELERY_LONG_CONCURRENCY="1",
        CELERY_VISIBILITY_TIMEOUT="20",  # a killed worker's task is handed on after 20 s
        # The drills send notices at any hour: at night quiet hours held every draft's
        # notice back, and redis_blink found no draft to publish (8 Dec 2026, 02:27).
        QUIET_HOURS="off",
        HOST="127.0.0.1",
        PORT=str(WEB_PORT),
        BEAT_SCHEDULE_FILE=str(DRILL / "beat-schedule"),
        RATE_LIMITS_OVERRIDE="login=100000/h,client_message=100000/h,lookbook_publish=100000/h",
        PATH=f"{BIN}:{os.environ['PATH']}",
    )
    return e


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


class Layout:
    def __init__(self) -> None:
        self.commands = {name: cmd.strip() for name, cmd in procfile().items()}
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.logs: dict[str, Path] = {}

    def start(self, name: str) -> None:
        log = DRILL / f"{name}.log"
        self.logs[name] = log
        self.procs[name] = subprocess.Popen(
            # `env` takes the line's leading VAR=value words (web: DATABASE_POOL=...),
            # which `exec` alone would read as the command; the process is still the
            # one killed, not a shell around it.
            ["sh", "-c", f"exec env {self.commands[name]}"],
            cwd=ROOT,
            env=env(),
            stdout=log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill9(self, name: str) -> None:
        """SIGKILL the process and its children (the pool) at once: no warm shutdown."""
        os.killpg(self.procs[name].pid, signal.SIGKILL)
        self.procs[name].wait()

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def manage_shell(code: str) -> str:
    done = sh(
        str(BIN / "python"), "manage.py", "shell", "-c", code, cwd=ROOT, env=env(), check=False
    )
    if done.returncode:
        raise RuntimeError(f"manage.py shell failed:\n{done.stderr[-2000:]}")
    return done.stdout


def wait_http(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} never answered 200")


def sign_in(username: str) -> requests.Session:
    base = f"http://127.0.0.1:{WEB_PORT}"
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    token = CSRF.search(page.text)
    assert token
    session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=20,
    )
    assert session.cookies.get("sessionid"), f"could not sign in as {username}"
    return session


def post(
    session: requests.Session, path: str, data: dict[str, Any], timeout: float = 20
) -> requests.Response:
    base = f"http://127.0.0.1:{WEB_PORT}"
    return session.post(
        f"{base}{path}",
        data={**data, "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")},
        headers={"Referer": f"{base}{path}"},
        timeout=timeout,
        allow_redirects=False,
    )


def wait_for(check: Any, timeout: float, step: float = 1.0) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return round(time.monotonic() - started, 1)
        time.sleep(step)
    return None


# --- Drills ------------------------------------------------------------------------------

QUEUE_MESSAGES = """
import datetime as dt
from django.utils import timezone
from clients.models import Client
from stylists.models import Message, Stylist
from core.tasks import enqueue
stylist = Stylist.objects.get(user__username="stylist")
clients = list(Client.objects.filter(status="active").order_by("pk")[:200])
rows = Message.objects.bulk_create([
    Message(client=c, stylist=stylist, direction="out", channel="concierge", kind="service",
            body=f"Drill notice {n}", status="queued", created_at=timezone.now(),
            context={"drill": "worker_kill"})
    for n, c in enumerate(clients)])
for m in rows:
    enqueue("stylists.tasks.deliver_message", message_id=m.pk)
print(len(rows))
"""

MESSAGE_STATES = """
from collections import Counter
from stylists.models import Message
drill = Message.objects.filter(context__drill="worker_kill")
print(dict(Counter(drill.values_list("status", flat=True))))
"""

DELETE_DRAFTS = """
from recommendations.models import Lookbook
qs = Lookbook.objects.filter(status__in=["draft", "in_review"])
n = qs.count(); qs.delete(); print(n)
"""

DRAFT_STATE = """
from django.db.models import Count
from recommendations.models import Lookbook
qs = Lookbook.objects.filter(status__in=["draft", "in_review"])
worst = qs.values("client_id").annotate(n=Count("pk")).order_by("-n").first()
print(qs.count(), worst["n"] if worst else 0)
"""


def drill_worker_kill(layout: Layout) -> dict[str, Any]:
    result: dict[str, Any] = {}

    # Messages: 200 hand-offs, the default worker killed two seconds in.
    def log_count(name: str, needle: str) -> int:
        return layout.logs[name].read_text().count(needle)

    done_line = '"task": "stylists.tasks.deliver_message", "state": "SUCCESS"'
    baseline = log_count("worker", done_line)
    queuing = subprocess.Popen(
        [str(BIN / "python"), "manage.py", "shell", "-c", QUEUE_MESSAGES],
        cwd=ROOT, env=env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    # Kill as soon as deliveries are under way: mid-run, not after it.
    wait_for(lambda: log_count("worker", done_line) - baseline >= 10, 120, step=0.2)
    layout.kill9("worker")
    delivered_at_kill = log_count("worker", done_line) - baseline
    queued = int((queuing.communicate()[0] or "0").strip().splitlines()[-1])
    before_kill = f"{delivered_at_kill} deliveries logged when the worker was killed"
    layout.start("worker")

    def messages_done() -> bool:
        states = eval(manage_shell(MESSAGE_STATES).strip().splitlines()[-1])  # noqa: S307
        return not states.get("queued") and not states.get("sending")

    took = wait_for(messages_done, 150, step=3)
    states = eval(manage_shell(MESSAGE_STATES).strip().splitlines()[-1])  # noqa: S307
    deliveries = Counter()
    for line in layout.logs["worker"].read_text().splitlines():
        if '"task": "stylists.tasks.deliver_message"' in line and '"state": "SUCCESS"' in line:
            deliveries["task_runs"] += 1
    result["messages"] = {
        "queued": queued,
        "states_at_kill": before_kill,
        "final_states": states,
        "all_final_after_s": took,
        "task_runs_logged": deliveries["task_runs"],
        "sent_twice": "impossible by construction: one conditional UPDATE claims queued->sending",
    }
    # Drafting: every in-review draft deleted, the night's drafting killed four seconds in.
    deleted = int(manage_shell(DELETE_DRAFTS).strip().splitlines()[-1])
    received = "recommendations.tasks.draft_lookbooks["
    baseline = log_count("worker_long", received)
    manage_shell('from core.tasks import enqueue; enqueue("recommendations.tasks.draft_lookbooks")')
    wait_for(lambda: log_count("worker_long", received) > baseline, 120, step=0.2)
    time.sleep(3)  # drafting 457 lookbooks takes ~15 s on an idle machine
    layout.kill9("worker_long")
    drafts_at_kill = manage_shell(DRAFT_STATE).strip().splitlines()[-1]
    layout.start("worker_long")

    def drafts_back() -> bool:
        count, _ = manage_shell(DRAFT_STATE).strip().splitlines()[-1].split()
        return int(count) >= deleted

    took = wait_for(drafts_back, 300, step=5)
    time.sleep(5)
    count, worst = manage_shell(DRAFT_STATE).strip().splitlines()[-1].split()
    result["drafting"] = {
        "drafts_deleted": deleted,
        "drafts_at_kill (count, max per client)": drafts_at_kill,
        "drafts_after": int(count),
        "max_drafts_per_client": int(worst),
        "all_back_after_s": took,
    }
    result["ok"] = (
        not states.get("queued")
        and not states.get("sending")
        and sum(states.values()) == queued
        and int(count) == deleted
        and int(worst) <= 1
    )
    return result


NOTICE_HELD = "no notice goes out yet"
CONCIERGE_CHOSEN = 'id="channel-concierge" checked'
AGE_LAST_CONTACT = (
    "import datetime as dt; from django.db.models import F; from stylists.models import Message; "
    "Message.objects.filter(client__user__isnull=False, direction='out')"
    ".update(created_at=F('created_at') - dt.timedelta(days=8))"
)
# The demo house gives Style Story logins to two clients only, and `make demo` publishes
# the one's lookbook: on the drill's own copy, the clients of the first drafts in review
# in the drill's advisor's book get a login, so that she has a draft to publish whose
# notice goes to the concierge.
GIVE_LOGINS = (
    "from django.contrib.auth import get_user_model; from recommendations.models import Lookbook; "
    "from clients.models import Client; "
    "ids = list(Lookbook.objects.filter(status__in=['draft', 'in_review'], "
    "client__user__isnull=True, client__status='active', "
    "client__book_assignments__ended_at__isnull=True, "
    "client__book_assignments__stylist__user__username='stylist').order_by('pk')"
    ".values_list('client_id', flat=True)[:10]); "
    "[Client.objects.filter(pk=i).update(user=get_user_model().objects.create_user("
    "username=f'drill-client-{i}')) for i in ids]; print(len(ids))"
)
DRAFTS_WITH_ACCOUNT = (
    "from recommendations.models import Lookbook; print(' '.join(str(p) for p in "
    "Lookbook.objects.filter(status__in=['draft', 'in_review'], client__user__isnull=False)"
    ".order_by('pk').values_list('public_id', flat=True)[:40]))"
)
NOTICE_STATES = (
    "from stylists.models import Message; "
    "print(sorted(Message.objects.filter(context__lookbook='{lookbook}')"
    ".values_list('channel', 'status')))"
)


def drill_redis_blink(layout: Layout) -> dict[str, Any]:
    base = f"http://127.0.0.1:{WEB_PORT}"
    advisor, client = sign_in("stylist"), sign_in("client")
    # A draft whose notice really goes out now: its client reads a Style Story (the
    # concierge channel is offered and chosen) and C1's weekly guard does not hold it.
    drafts = []
    manage_shell(GIVE_LOGINS)
    manage_shell(AGE_LAST_CONTACT)  # the drill's own copy: last week's notices, a week older
    for draft in manage_shell(DRAFTS_WITH_ACCOUNT).split():
        page = advisor.get(f"{base}/stylist/lookbooks/{draft}/", timeout=20)
        if page.ok and CONCIERGE_CHOSEN in page.text and NOTICE_HELD not in page.text:
            drafts = [draft]
            break
    redis_stop()
    stopped = time.monotonic()
    polls: Counter[str] = Counter()
    published = wrote = None
    publish_s = None
    while time.monotonic() - stopped < 30:
        for who, session, path in (
            ("advisor", advisor, "/stylist/"),
            ("client", client, "/concierge/"),
        ):
            try:
                status = session.get(f"{base}{path}", timeout=10).status_code
            except requests.RequestException as exc:
                status = exc.__class__.__name__
            polls[f"{who} {path} {status}"] += 1
        if wrote is None and time.monotonic() - stopped > 5:
            wrote = post(client, "/concierge/messages/", {"body": "Written while Redis was down"})
        if published is None and drafts and time.monotonic() - stopped > 8:
            page = advisor.get(f"{base}/stylist/lookbooks/{drafts[0]}/", timeout=20).text
            version = re.search(r'name="version" value="(\d+)"', page)
            started = time.monotonic()
            # Each hand-off to a dead broker waits out Celery's result-backend reconnects
            # (~19 s); publishing makes two (its notices' task, then the notice's delivery).
            published = post(
                advisor,
                f"/stylist/lookbooks/{drafts[0]}/publish/",
                {
                    "version": version[1] if version else "1",
                    "title": "Blink",
                    "channels": "concierge",
                },
                timeout=90,
            )
            publish_s = round(time.monotonic() - started, 1)
        time.sleep(1)
    redis_start()
    back = time.monotonic()
    code = (
        "from stylists.models import Message; from collections import Counter; "
        "print(dict(Counter(Message.objects.filter(created_at__gte="
        f"__import__('django.utils.timezone').utils.timezone.now()-__import__('datetime')"
        f".timedelta(seconds={int(back - stopped) + 60})).values_list('direction','status'))))"
    )
    during = manage_shell(code).strip().splitlines()[-1]
    # The beat's five-minute sweep, run now: messages older than two minutes go out.
    manage_shell(
        "import datetime as dt; from django.utils import timezone; "
        "from stylists.models import Message; "
        "Message.objects.filter(status='queued')"
        ".update(created_at=timezone.now() - dt.timedelta(minutes=3)); "
        "from core.tasks import enqueue; enqueue('stylists.tasks.redeliver_queued_messages')"
    )
    took = wait_for(
        lambda: "'queued'" not in manage_shell(code).strip().splitlines()[-1], 60, step=2
    )
    after = manage_shell(code).strip().splitlines()[-1]
    # The publish's notice: written in the request while the broker was down (its
    # task could not be queued), sent by the sweep once Redis was back.
    notice = (
        manage_shell(NOTICE_STATES.format(lookbook=drafts[0])).strip().splitlines()[-1]
        if drafts
        else "[]"
    )
    return {
        "redis_down_s": round(back - stopped, 1),
        "page_answers_during_gap": dict(polls),
        "client_message_post": wrote.status_code if wrote is not None else None,
        "publish_post": published.status_code if published is not None else None,
        "publish_post_s": publish_s,
        "messages_when_back (direction, status)": during,
        "after_sweep": after,
        "queued_gone_after_s": took,
        "publish_notice (channel, status)": notice,
        "ok": all(k.endswith(" 200") for k in polls)
        and "'concierge'" in notice
        and "'queued'" not in notice
        and wrote is not None
        and wrote.status_code in (302, 303)
        and published is not None
        and published.status_code in (302, 303)
        and took is not None,
    }


def drill_db_restart(layout: Layout) -> dict[str, Any]:
    base = f"http://127.0.0.1:{WEB_PORT}"
    client = sign_in("client")
    statuses: list[tuple[float, Any]] = []
    import threading

    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                response = client.get(f"{base}/concierge/", timeout=10)
                statuses.append((time.monotonic(), response.status_code))
                api = client.get(f"{base}/api/v1/clients/", timeout=10)
                statuses.append((time.monotonic(), f"api {api.status_code}"))
            except requests.RequestException as exc:
                statuses.append((time.monotonic(), exc.__class__.__name__))
            time.sleep(0.1)

    thread = threading.Thread(target=loop)
    thread.start()
    time.sleep(3)
    began = time.monotonic()
    ready = pg_restart()
    time.sleep(10)
    stop.set()
    thread.join()
    gap = [s for t, s in statuses if began <= t <= ready + 0.01]
    after = [(t, s) for t, s in statuses if t > ready]
    first_ok = next((t - ready for t, s in after if s == 200), None)
    return {
        "restart_s": round(ready - began, 2),
        "answers_during_restart": dict(Counter(str(s) for s in gap)),
        "answers_after": dict(Counter(str(s) for _, s in after)),
        "first_200_after_ready_s": round(first_ok, 2) if first_ok is not None else None,
        "ok": not any(str(s) in ("500", "api 500") for s in gap + [s for _, s in after])
        and first_ok is not None
        and first_ok <= 5,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drills", default="worker_kill,redis_blink,db_restart")
    parser.add_argument("--source-url", default="postgres://postgres@127.0.0.1:5432/atelier_prod")
    parser.add_argument("--web-port", type=int, default=WEB_PORT)
    args = parser.parse_args(argv)
    globals()["WEB_PORT"] = args.web_port
    pg_start()
    redis_start()
    copy_house(args.source_url)
    sh(str(BIN / "python"), "manage.py", "migrate", "--noinput", cwd=ROOT, env=env())
    layout = Layout()
    for name in ("web", "worker", "worker_long"):  # beat: its own test (tests/production)
        layout.start(name)
    results: dict[str, Any] = {}
    try:
        wait_http(f"http://127.0.0.1:{WEB_PORT}/healthz")
        for drill in args.drills.split(","):
            results[drill] = globals()[f"drill_{drill}"](layout)
            # Each result as it comes, in case a later drill hangs.
            print(json.dumps({drill: results[drill]}, default=str), file=sys.stderr, flush=True)
    finally:
        layout.stop()
        redis_stop()
    results["logs"] = str(DRILL)
    print(json.dumps(results, indent=1, default=str))
    return 0 if all(r.get("ok") for r in results.values() if isinstance(r, dict)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
