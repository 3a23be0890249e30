"""The stricter-wins rule of consent, on its own: per data kind (tier) and per channel."""

from __future__ import annotations

from consent import policy
from consent.models import ConsentTier


def state(tier: str, *channels: str, has_record: bool = True) -> policy.ConsentState:
    return policy.ConsentState(
        client_id=1, tier=tier, channels=frozenset(channels), has_record=has_record
    )


def test_the_lower_tier_and_the_common_channels_win():
    tier, channels = policy.stricter_of(
        state(ConsentTier.BESPOKE, "email", "sms"), state(ConsentTier.PERSONAL, "sms", "phone")
    )

    assert tier == ConsentTier.PERSONAL
    assert channels == {"sms"}


def test_a_side_without_any_record_made_no_statement():
    tier, channels = policy.stricter_of(
        state(ConsentTier.BESPOKE, "email"), state(ConsentTier.ESSENTIAL, has_record=False)
    )

    assert (tier, channels) == (ConsentTier.BESPOKE, {"email"})


def test_with_no_statement_at_all_the_house_assumes_nothing():
    tier, channels = policy.stricter_of(
        state(ConsentTier.ESSENTIAL, has_record=False),
        state(ConsentTier.ESSENTIAL, has_record=False),
    )

    assert (tier, channels) == (ConsentTier.ESSENTIAL, frozenset())


def test_tiers_are_nested_so_the_lowest_tier_is_the_stricter_per_data_kind():
    # If a tier ever allowed a (data kind, purpose) the tier below refuses, "the lower
    # tier" would stop being "the stricter per data kind" and stricter_of must change.
    assert policy.tiers_are_nested()
    for kind in policy.DataKind:
        for purpose in policy.Purpose:
            allowed = [policy.tier_allows(t, kind, purpose) for t in ConsentTier]
            assert allowed == sorted(allowed)
