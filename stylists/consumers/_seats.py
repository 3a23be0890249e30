"""What the live consumers share: a refused socket's code, and the two-factor rule for staff."""

from __future__ import annotations

from typing import Any

from accounts.two_factor import session_passes_two_factor

REFUSED = 4403  # not yours, or not now: the page says why, the socket does not


def passes_two_factor(user: Any, session: Any) -> bool:
    """Staff must have given their second factor this session; clients have none to give."""
    if getattr(user, "stylist", None) is None:
        return True
    return bool(session_passes_two_factor(user, session or {}))
