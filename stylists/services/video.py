"""Video consultations: the room's access token (Twilio) and the advisor's invitation to a manager.

Without Twilio credentials the call runs peer to peer in the browsers,
signalled over the app's own WebSocket (stylists.consumers.video); with
TWILIO_API_KEY_SID, TWILIO_API_KEY_SECRET and TWILIO_ACCOUNT_SID it runs in
a Twilio Video room named after the appointment (rooms are created when the
first participant connects), each participant holding a short-lived token
for that one room, valid until the slot ends.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from stylists.models import Appointment, Role, Stylist
from stylists.selectors.live import VideoSeat

MAX_TOKEN_TTL = dt.timedelta(hours=4)


def twilio_video_configured() -> bool:
    return bool(
        settings.TWILIO_ACCOUNT_SID
        and settings.TWILIO_API_KEY_SID
        and settings.TWILIO_API_KEY_SECRET
    )


def video_room_name(appointment: Appointment) -> str:
    return appointment.video_room or f"verlaine-{appointment.public_id.hex[:16]}"


def video_access_token(*, seat: VideoSeat, now: dt.datetime | None = None) -> str:
    """A Twilio access token with a VideoGrant for this appointment's room only.

    Valid from now until the slot ends (never more than MAX_TOKEN_TTL); refused
    when the room is not open for this seat.
    """
    from twilio.jwt.access_token import AccessToken
    from twilio.jwt.access_token.grants import VideoGrant

    if not twilio_video_configured():
        raise ValidationError("Twilio Video is not configured for this house.")
    if not seat.open:
        raise PermissionDenied("The room is not open.")
    now = now or timezone.now()
    ttl = min(seat.appointment.ends_at - now, MAX_TOKEN_TTL)
    token = AccessToken(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_API_KEY_SID,
        settings.TWILIO_API_KEY_SECRET,
        identity=seat.identity,
        ttl=max(60, int(ttl.total_seconds())),
        nbf=int(now.timestamp()),
    )
    token.add_grant(VideoGrant(room=video_room_name(seat.appointment)))
    return str(token.to_jwt())


@transaction.atomic
def appointment_invite_manager(
    *, appointment: Appointment, by: Stylist, manager: Stylist | None
) -> Appointment:
    """The advisor invites one of her boutique's managers into the call (None withdraws it)."""
    if by.pk != appointment.stylist_id:
        raise PermissionDenied("Only the client's advisor invites a guest to the call.")
    if manager is not None and (
        manager.role != Role.MANAGER
        or not manager.active
        or manager.boutique_id != appointment.stylist.boutique_id
    ):
        raise ValidationError("Only a manager of your boutique may be invited.")
    appointment.video_guest = manager
    appointment.full_clean()
    appointment.save(update_fields=["video_guest"])
    return appointment


def video_room_config(*, seat: VideoSeat, now: dt.datetime | None = None) -> dict[str, Any]:
    """What the join page hands its script: Twilio (token + room) or peer to peer (socket + ICE).

    Nothing when the room is not open for this seat: the page then says when it opens.
    """
    if not seat.open:
        return {}
    if twilio_video_configured():
        return {
            "mode": "twilio",
            "token": video_access_token(seat=seat, now=now),
            "room": video_room_name(seat.appointment),
        }
    return {
        "mode": "p2p",
        "ws_path": f"/ws/video/{seat.appointment.public_id}/",
        "ice_servers": list(settings.VIDEO_ICE_SERVERS),
    }
