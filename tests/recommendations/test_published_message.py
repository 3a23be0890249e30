"""The message after publishing says what happened to each channel's notice.

Notices go out on commit through a worker, so at the time the message is written a
channel may be sent, queued, or held back by C1 (with its reason)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from recommendations.views import responses


def lookbook(channels: list[str]) -> SimpleNamespace:
    return SimpleNamespace(
        client=SimpleNamespace(display_name="Mme Laurent"), published_channels=channels
    )


@pytest.fixture
def notices(monkeypatch: pytest.MonkeyPatch):
    state = {"sent": [], "held": ""}
    monkeypatch.setattr(responses, "lookbook_notices_sent", lambda _lb: state["sent"])
    monkeypatch.setattr(responses, "notice_held_reason", lambda _lb: state["held"])
    return state


def test_a_queued_notice_is_on_its_way(notices) -> None:
    text = responses.published_message(lookbook(["concierge"]))
    assert text == "Published for Mme Laurent. A notice is on its way by the Style Story."


def test_a_sent_notice_is_told(notices) -> None:
    notices["sent"] = ["concierge"]
    text = responses.published_message(lookbook(["concierge"]))
    assert text == "Published for Mme Laurent. Told by the Style Story."


def test_a_held_notice_gives_its_reason(notices) -> None:
    notices["held"] = "she was contacted two days ago."
    text = responses.published_message(lookbook(["concierge"]))
    assert "No notice by the Style Story: she was contacted two days ago." in text
    assert "on its way" not in text
