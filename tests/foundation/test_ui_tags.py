"""The avatar and badge tags draw exactly what the partials they replaced drew.

The partials' markup is kept here, as it was, and rendered through Django's engine
beside each tag, for every branch and for awkward values (accents, one name,
blank, markup in a name, an unknown status).
"""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

OLD_AVATAR = '{% with parts=name.split %}<span class="avatar{% if size %} avatar--{{ size }}{% endif %} avatar--tone-{{ name|length|stringformat:\'d\'|slice:\'-1:\' }}"{% if decorative %} aria-hidden="true"{% else %} role="img" aria-label="{{ name }}"{% endif %}>{% if parts|length > 1 %}{{ parts|first|first|upper }}{{ parts|last|first|upper }}{% else %}{{ name|first|upper|default:"·" }}{% endif %}</span>{% endwith %}'  # noqa: E501
OLD_TIER = '{% if tier == "bespoke" %}<span class="badge badge--tier badge--bespoke" title="Bespoke: the richest personalisation the client has chosen">Bespoke</span>{% elif tier == "personal" %}<span class="badge badge--tier badge--personal" title="Personal: purchases, preferences, sizes and occasions">Personal</span>{% elif tier == "essential" %}<span class="badge badge--tier badge--essential" title="Essential: only what serves the client’s own requests">Essential</span>{% else %}<span class="badge badge--tier badge--essential">{{ tier|default:"No tier"|capfirst }}</span>{% endif %}'  # noqa: E501
OLD_STATUS = '{% load i18n %}{% if status == "draft" %}<span class="badge badge--draft">{{ label|default:_("Draft") }}</span>{% elif status == "in_review" %}<span class="badge badge--in-review">{{ label|default:_("In review") }}</span>{% elif status == "published" %}<span class="badge badge--published">{{ label|default:_("Published") }}</span>{% elif status == "withdrawn" %}<span class="badge badge--withdrawn">{{ label|default:_("Withdrawn") }}</span>{% elif status == "discarded" %}<span class="badge badge--discarded">{{ label|default:_("Discarded") }}</span>{% elif status == "overdue" %}<span class="badge badge--overdue">{{ label|default:_("Overdue") }}</span>{% elif status == "open" %}<span class="badge badge--info badge--dot">{{ label|default:_("Open") }}</span>{% elif status == "pending" %}<span class="badge badge--info badge--dot">{{ label|default:_("Pending") }}</span>{% elif status == "requested" %}<span class="badge badge--info badge--dot">{{ label|default:_("Requested") }}</span>{% elif status == "answered" %}<span class="badge badge--success badge--dot">{{ label|default:_("Answered") }}</span>{% elif status == "done" %}<span class="badge badge--success badge--dot">{{ label|default:_("Done") }}</span>{% elif status == "completed" %}<span class="badge badge--success badge--dot">{{ label|default:_("Completed") }}</span>{% elif status == "confirmed" %}<span class="badge badge--success badge--dot">{{ label|default:_("Confirmed") }}</span>{% elif status == "cancelled" or status == "canceled" %}<span class="badge badge--neutral">{{ label|default:_("Cancelled") }}</span>{% elif status == "declined" %}<span class="badge badge--neutral">{{ label|default:_("Declined") }}</span>{% elif status == "no_show" %}<span class="badge badge--neutral">{{ label|default:_("Missed") }}</span>{% elif status == "closed" %}<span class="badge badge--neutral">{{ label|default:_("Closed") }}</span>{% else %}<span class="badge badge--neutral">{{ label|default:status|capfirst }}</span>{% endif %}'  # noqa: E501

NAMES = [
    "Camille Laurent",
    "Amélie Dubois-Marchand",
    "Inès",
    "élodie de la Tour",
    "",
    "  Spaced   Out  ",
    "<b>Eve</b> O'Hara",
    "Jean-Pierre  Marc  Ødegaard",
    "x" * 12,
]
STATUSES = [
    "draft",
    "in_review",
    "published",
    "withdrawn",
    "discarded",
    "overdue",
    "open",
    "pending",
    "requested",
    "answered",
    "done",
    "completed",
    "confirmed",
    "cancelled",
    "canceled",
    "declined",
    "no_show",
    "closed",
    "on_hold",
    "",
    None,
]


def _old(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def _new(tag: str, **context: object) -> str:
    arguments = " ".join(f"{key}={key}" for key in context)
    return Template("{% " + tag + " " + arguments + " %}").render(Context(context))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("size", ["", "xs", "sm", "lg", "xl"])
@pytest.mark.parametrize("decorative", [True, False])
def test_avatar_is_the_partial(name: object, size: str, decorative: bool) -> None:
    values = {"name": name, "size": size, "decorative": decorative}
    assert _new("avatar", **values) == _old(OLD_AVATAR, **values)


def test_avatar_initials_and_tone() -> None:
    html = _new("avatar", name="Amélie Dubois-Marchand", decorative=False)
    assert ">AD</span>" in html
    assert 'aria-label="Amélie Dubois-Marchand"' in html
    assert "avatar--tone-2" in html  # 22 characters
    assert ">·</span>" in _new("avatar", name="")


def test_avatar_without_a_name() -> None:
    """The partial raised a TypeError for None (`first` of None); the tag draws a dot."""
    assert _new("avatar", name=None, decorative=True) == (
        '<span class="avatar avatar--tone-0" aria-hidden="true">·</span>'
    )


@pytest.mark.parametrize("tier", ["bespoke", "personal", "essential", "", None, "gold", "<i>x</i>"])
def test_tier_badge_is_the_partial(tier: object) -> None:
    assert _new("tier_badge", tier=tier) == _old(OLD_TIER, tier=tier)


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("label", ["", None, "Sent to the client", "<em>Held</em>"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_status_badge_is_the_partial(status: object, label: object, language: str) -> None:
    with translation.override(language):
        assert _new("status_badge", status=status, label=label) == _old(
            OLD_STATUS, status=status, label=label
        )


@pytest.mark.parametrize(
    ("language", "label", "title"),
    [
        ("en", "Personal", "Personal: purchases, preferences, sizes and occasions"),
        ("fr", "Personnel", "Personnel : achats, préférences, tailles et occasions"),
        ("ja", "パーソナル", "パーソナル：ご購入、お好み、サイズ、記念日"),
    ],
)
def test_tier_badge_speaks_the_readers_language(language: str, label: str, title: str) -> None:
    # The client's privacy centre shows her tier ("Personal" was English on every page)
    with translation.override(language):
        drawn = _new("tier_badge", tier="personal")
    assert f'title="{title}">{label}</span>' in drawn
