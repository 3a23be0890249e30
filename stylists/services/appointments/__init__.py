"""Appointments with an advisor, in boutique or by video (contract C4).

Slots come from the advisor's weekly Availability windows, read in the local
time of the advisor's boutique, cut into steps of the appointment's length
(60 minutes in boutique, 45 by video), without the times already taken, from
BOOKING_MIN_NOTICE from now up to BOOKING_HORIZON_DAYS ahead. Times are aware
datetimes; pages show them in the client's own time zone.

Booking locks the advisor's Stylist row (FOR NO KEY UPDATE, primary-key order)
so that two clients reaching for the same slot cannot both have it: the second
gets a clear ValidationError; rows that only point at her are not held up. How
the advisor hears of it: a FollowUp ("appointment:<public_id>", due on the day,
"Prepare for ...") written in the same transaction; a cancellation dismisses it.
Video appointments get an unguessable room name; the video provider (Twilio Video
in production) is only ever called by the page that opens the room, never here.

A package: `slots` (the house's rules and the free times), `booking` (booking
under the lock, and the checks a new time passes), `status` (cancelling and
moving an appointment on). Import from here.
"""

from __future__ import annotations

from stylists.services.appointments.booking import (
    BOOKED_BY_CONSTRUCTION,
    _advisor_follow_up_key,
    _check_slot_free,
    _lock_stylists,
    appointment_book,
    just_taken,
    save_slot,
)
from stylists.services.appointments.slots import (
    ACTIVE_STATUSES,
    BOOKING_HORIZON_DAYS,
    BOOKING_MIN_NOTICE,
    CLIENT_CANCEL_NOTICE,
    DURATIONS,
    FINAL_STATUSES,
    OVERLAP_CONSTRAINT,
    VIDEO_ROOM_OPENS,
    appointment_slots,
    appointment_slots_between,
    bookable_moment,
    duration_of,
    moment_fits,
    stylist_zone,
)
from stylists.services.appointments.status import (
    appointment_cancel,
    appointment_set_status,
    client_may_cancel,
    past_cut_off,
    video_room_open,
)

__all__ = [
    "ACTIVE_STATUSES",
    "BOOKED_BY_CONSTRUCTION",
    "BOOKING_HORIZON_DAYS",
    "BOOKING_MIN_NOTICE",
    "CLIENT_CANCEL_NOTICE",
    "DURATIONS",
    "FINAL_STATUSES",
    "OVERLAP_CONSTRAINT",
    "VIDEO_ROOM_OPENS",
    "_advisor_follow_up_key",
    "_check_slot_free",
    "_lock_stylists",
    "appointment_book",
    "appointment_cancel",
    "appointment_set_status",
    "appointment_slots",
    "appointment_slots_between",
    "bookable_moment",
    "client_may_cancel",
    "duration_of",
    "just_taken",
    "moment_fits",
    "past_cut_off",
    "save_slot",
    "stylist_zone",
    "video_room_open",
]
