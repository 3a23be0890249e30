"""The production load scenario (benchmarks/production_load.py runs it headless).

Advisors: Today, the 250-client book with a filter, a client's story, the
review page with keep / remove / reorder / publish, messages. Clients: Style
Story, a lookbook with reactions, booking a slot, a message. Everyone also
loads the plain view (/bench/plain/: a small template, the same middleware),
the baseline each page's p50 is compared with. Loopback only.

Every request is timed under its own name. A POST that answers with a redirect
(publish, booking a slot, a client's message) is sent with allow_redirects=False
and timed alone ("review_publish", "book_slot", "client_message"); the page it
redirects to is then fetched and timed under that page's own name ("review",
"appointment", "client_messages"), as a browser would. (Until issue 14 the
POST's time included the GET it was redirected to.)
"""

from __future__ import annotations

import random
import re
from typing import Any

from locust import HttpUser, between, task

PASSWORD = "atelier-demo"  # noqa: S105 - the demo house's documented password
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CLIENT_LINK = re.compile(r'href="/stylist/clients/([0-9a-f-]{36})/"')
CONVERSATION = re.compile(r'href="/stylist/messages/([0-9a-f-]{36})/"')
REVIEW_LINK = re.compile(r'href="/stylist/lookbooks/([0-9a-f-]{36})/"')
ITEM = re.compile(r"/stylist/lookbooks/[0-9a-f-]{36}/items/(\d+)/keep/")
VERSION = re.compile(r'name="version" value="(\d+)"')
CONCIERGE_LOOKBOOK = re.compile(r'href="/concierge/lookbooks/([0-9a-f-]{36})/"')
REACTION = re.compile(r'action="(/concierge/lookbooks/[0-9a-f-]{36}/pieces/\d+/reaction/)"')
SLOT = re.compile(r'href="/concierge/appointments/book/\?kind=(\w+)&amp;at=([^"&]+)"')


class Signed(HttpUser):
    abstract = True
    username = ""
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="login")
        token = CSRF.search(page.text)
        assert token, "no CSRF token on the login page"
        self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
        )

    def post(self, url: str, data: dict[str, Any], name: str, **kwargs: Any) -> Any:
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        headers = {"Referer": f"{self.host}{url}", **kwargs.pop("headers", {})}
        return self.client.post(
            url, data, headers=headers, name=name, allow_redirects=False, **kwargs
        )

    def follow(self, response: Any, name: str) -> None:
        """The page a POST redirected to, timed under that page's own name."""
        if response.status_code in (301, 302, 303) and response.headers.get("Location"):
            self.client.get(response.headers["Location"], name=name)

    @task(2)
    def plain(self) -> None:
        self.client.get("/bench/plain/", name="plain")


class Advisor(Signed):
    username = "stylist"
    weight = 1

    @task(3)
    def today(self) -> None:
        self.client.get("/stylist/", name="today")

    @task(3)
    def book(self) -> None:
        page = self.client.get("/stylist/clients/?q=&tier=personal&sort=spend", name="book")
        ids = CLIENT_LINK.findall(page.text)
        if ids:
            self.client.get(f"/stylist/clients/{random.choice(ids)}/", name="client_story")

    @task(2)
    def review(self) -> None:
        queue = self.client.get("/stylist/review/", name="review_queue")
        drafts = REVIEW_LINK.findall(queue.text)
        if not drafts:
            return
        lookbook = random.choice(drafts[:40])
        url = f"/stylist/lookbooks/{lookbook}/"
        page = self.client.get(url, name="review")
        # Each piece's keep URL is on its form twice (action and hx-post): one id per piece,
        # or keep and remove hit the same piece, the move is refused and publish is stale (409).
        items, version = list(dict.fromkeys(ITEM.findall(page.text))), VERSION.search(page.text)
        if len(items) < 3 or version is None:
            return
        v = int(version[1])
        hx = {"HX-Request": "true"}
        item = f"{url}items/"
        steps = [
            (f"{item}{items[0]}/keep/", {"version": v}, "review_keep"),
            (
                f"{item}{items[1]}/remove/",
                {"version": v + 1, "reason": "not_her_style"},
                "review_remove",
            ),
            (f"{item}{items[2]}/move/", {"version": v + 2, "direction": "up"}, "review_reorder"),
        ]
        for action, data, name in steps:
            with self.post(action, data, name, headers=hx, catch_response=True) as response:
                if response.status_code == 409:  # another advisor user edited it first
                    response.success()
                    return
        if random.random() < 0.3:
            with self.post(
                f"{url}publish/",
                {"version": v + 3, "title": "For the season", "channels": ["concierge"]},
                "review_publish",
                catch_response=True,
            ) as response:
                if response.status_code in (409, 400, 303):
                    response.success()
            self.follow(response, "review")

    @task(2)
    def messages(self) -> None:
        page = self.client.get("/stylist/messages/", name="advisor_messages")
        threads = CONVERSATION.findall(page.text)
        if threads:
            self.client.get(f"/stylist/messages/{random.choice(threads)}/", name="conversation")


class Client(Signed):
    username = "client"
    weight = 1

    @task(3)
    def style_story(self) -> None:
        self.client.get("/concierge/", name="style_story")

    @task(2)
    def lookbook(self) -> None:
        page = self.client.get("/concierge/lookbooks/", name="lookbooks")
        books = CONCIERGE_LOOKBOOK.findall(page.text)
        if not books:
            return
        detail = self.client.get(f"/concierge/lookbooks/{books[0]}/", name="lookbook")
        reactions = REACTION.findall(detail.text)
        if reactions:
            self.post(
                random.choice(reactions),
                {"reaction": random.choice(["love", "not_for_me"])},
                "react",
                headers={"HX-Request": "true"},
            )

    @task(1)
    def book_a_slot(self) -> None:
        page = self.client.get("/concierge/appointments/book/?kind=boutique", name="slots")
        slots = SLOT.findall(page.text)
        if not slots:
            return
        kind, at = random.choice(slots)
        from urllib.parse import unquote

        with self.post(
            "/concierge/appointments/book/",
            {"kind": kind, "at": unquote(at), "purpose": "season"},
            "book_slot",
            catch_response=True,
        ) as response:
            if response.status_code in (200, 302):  # 200: the slot was just taken, the form again
                response.success()
        self.follow(response, "appointment")

    @task(1)
    def message(self) -> None:
        sent = self.post("/concierge/messages/", {"body": "Is the cape in navy?"}, "client_message")
        self.follow(sent, "client_messages")
