"""Structured logs: one JSON line per request and per task, one request id across both."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
from celery import shared_task
from django.db import OperationalError
from django.test import Client as HttpClient
from django.test import override_settings

from clienteling.celery import REQUEST_ID_HEADER, _stamp_request_id
from core.observability import JsonFormatter, request_id_var


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def captured() -> Any:
    handler = Capture()
    loggers = [logging.getLogger(name) for name in ("atelier.request", "atelier.task")]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


seen: list[str] = []


@shared_task(name="tests.production.record_request_id")
def record_request_id() -> None:
    seen.append(request_id_var.get())


def test_one_json_line_per_request_with_its_id(cast: Any, captured: Capture) -> None:
    response = cast.http("client_user").get("/concierge/")
    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    lines = [line for line in captured.lines if line.get("event") == "request"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == request_id
    assert line["path"] == "/concierge/"
    assert line["status"] == 200
    assert line["user_id"] == cast.client.user.pk
    assert line["view"] == "concierge:home"
    assert 0 < line["cpu_ms"] <= line["duration_ms"] + 1  # clocks of different grain


def test_a_path_no_view_answers_is_logged_without_one(db: Any, captured: Capture) -> None:
    assert HttpClient().get("/no-such-page/").status_code == 404
    (line,) = [line for line in captured.lines if line.get("event") == "request"]
    assert line["view"] is None
    assert line["status"] == 404


@shared_task(name="tests.production.wait_or_work")
def wait_or_work(seconds: float, *, busy: bool) -> None:
    if not busy:
        time.sleep(seconds)
        return
    until = time.thread_time() + seconds
    while time.thread_time() < until:  # as long on the CPU, however busy the machine
        pass


@pytest.mark.parametrize("busy", [False, True])
def test_a_task_says_how_much_of_its_time_was_on_the_cpu(
    db: Any, captured: Capture, busy: bool
) -> None:
    wait_or_work.delay(0.05, busy=busy)  # eager here

    (line,) = [
        line for line in captured.lines if line.get("task") == "tests.production.wait_or_work"
    ]
    assert line["duration_ms"] >= 50
    if busy:
        assert line["cpu_ms"] >= 50
    else:
        assert line["cpu_ms"] < 25


def test_a_sane_caller_id_is_kept_and_a_bad_one_replaced(db: Any, captured: Capture) -> None:
    kept = HttpClient().get("/healthz", HTTP_X_REQUEST_ID="lb-0123456789abcdef")
    assert kept["X-Request-ID"] == "lb-0123456789abcdef"
    replaced = HttpClient().get("/healthz", HTTP_X_REQUEST_ID="<script>\nx")
    assert replaced["X-Request-ID"] != "<script>\nx"
    assert len(replaced["X-Request-ID"]) == 32


def test_the_request_id_follows_into_the_tasks_it_queues(db: Any, captured: Capture) -> None:
    seen.clear()
    token = request_id_var.set("req-follow-me-1")
    try:
        record_request_id.delay()  # eager here: same thread
        headers: dict[str, Any] = {}
        _stamp_request_id(headers=headers)  # what a real publish carries to the worker
    finally:
        request_id_var.reset(token)
    assert seen == ["req-follow-me-1"]
    assert headers[REQUEST_ID_HEADER] == "req-follow-me-1"
    task_lines = [line for line in captured.lines if line.get("event") == "task"]
    assert task_lines[-1]["task"] == "tests.production.record_request_id"
    assert task_lines[-1]["state"] == "SUCCESS"
    assert task_lines[-1]["request_id"] == "req-follow-me-1"


@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    ("path", "json_body"), [("/concierge/", False), ("/api/v1/clients/", True)]
)
def test_a_database_gap_is_a_clean_503(
    cast: Any, monkeypatch: Any, path: str, json_body: bool
) -> None:
    from django.contrib.sessions.backends import db as session_db

    def down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("connection refused")

    http = cast.http("client_user")
    http.raise_request_exception = False
    monkeypatch.setattr(session_db.SessionStore, "load", down)
    response = http.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    if json_body:
        assert "unavailable" in response.json()["detail"]
    else:
        assert "briefly unavailable" in response.content.decode()


def test_rate_limits_degrade_open_when_the_cache_is_down(monkeypatch: Any) -> None:
    from core import ratelimit

    def down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("redis is restarting")

    monkeypatch.setattr(ratelimit.cache, "add", down)
    assert ratelimit.hit("client_message", "user:1").allowed


def test_a_broker_down_after_commit_is_logged_not_raised(monkeypatch: Any, caplog: Any) -> None:
    from celery import current_app

    from core import tasks

    def down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks, "enqueue", down)
    monkeypatch.setitem(current_app.conf, "task_always_eager", False)
    with caplog.at_level(logging.ERROR, logger="core.tasks"):
        tasks._enqueue_or_log("stylists.tasks.deliver_message", (), {"message_id": 1})
    assert "sweep will pick it up" in caplog.text


@pytest.mark.django_db
def test_a_hand_off_with_no_sweep_runs_in_the_request_when_the_broker_is_down(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from celery import current_app

    from core import tasks

    def down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("broker unreachable")

    ran: list[tuple[object, ...]] = []
    monkeypatch.setattr(tasks, "enqueue", down)
    monkeypatch.setitem(current_app.conf, "task_always_eager", False)
    with (
        caplog.at_level(logging.ERROR, logger="core.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.enqueue_on_commit_or_run(
            "recommendations.tasks.notify_lookbook_published",
            lambda *args: ran.append(args),
            7,
            ["concierge"],
            None,
        )
    assert ran == [(7, ["concierge"], None)]
    assert "running it in the request" in caplog.text


@pytest.mark.django_db
def test_a_hand_off_with_no_sweep_goes_to_the_broker_when_it_is_up(
    monkeypatch, django_capture_on_commit_callbacks
):
    from celery import current_app

    from core import tasks

    queued: list[tuple[object, ...]] = []
    monkeypatch.setattr(
        tasks, "enqueue", lambda name, *args, **kwargs: queued.append((name, *args))
    )
    monkeypatch.setitem(current_app.conf, "task_always_eager", False)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue_on_commit_or_run("x.y", lambda *args: pytest.fail("ran inline"), 7)
    assert queued == [("x.y", 7)]


def test_no_task_keeps_a_result_so_a_hand_off_never_waits_on_the_result_backend(monkeypatch):
    """With Redis down, a task that keeps its result first subscribes to the result
    backend, which retried for ~19 s before the broker was tried (the fault drill's
    publish took 38 s). Nothing reads a result: every task of ours ignores it."""
    from celery import current_app

    from core import tasks

    ours = [
        task
        for name, task in current_app.tasks.items()
        if name.split(".")[0] in {"clients", "consent", "stylists", "recommendations", "core"}
    ]
    assert ours
    assert [task.name for task in ours if not task.ignore_result] == []

    def subscribed(*args: object, **kwargs: object) -> None:
        raise AssertionError("the hand-off subscribed to the result backend")

    # The task's own app (an earlier worker test may have made another app current).
    app = current_app.tasks["recommendations.tasks.notify_lookbook_published"].app
    sent: list[str] = []
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(type(app.backend), "on_task_call", subscribed)
    # On the instance: send_task_message is a cached property once anything has sent.
    monkeypatch.setattr(
        app.amqp, "send_task_message", lambda producer, name, *a, **k: sent.append(name)
    )
    tasks.enqueue("recommendations.tasks.notify_lookbook_published", 7, ["concierge"], None)
    assert sent == ["recommendations.tasks.notify_lookbook_published"]
