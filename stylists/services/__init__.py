"""Writes for client advisors, one module per flow; public names re-exported here.

- books: staff accounts and roles, book assignment and reassignment, notes
- styling_requests: the client's request for styling and its four-hour promise (C3)
- appointments: free slots, booking, cancelling and status of appointments (C4)
- rescheduling: moving an appointment to another free time
- appointment_notices: confirmation, new time, cancellation, reminders (each sent once)
- messaging: sending (consent + frequency guard), delivery, status callbacks, inbound (C1)
- outreach: templates with merge fields, per language
- followups: the nightly follow-ups and their one-click actions
- signals: live signals to the advisor's Today over Channels (C2)
"""

from stylists.services.appointment_notices import (
    appointment_notice_send,
    appointment_reminders_due,
)
from stylists.services.appointments import (
    appointment_book,
    appointment_cancel,
    appointment_set_status,
    appointment_slots,
    appointment_slots_between,
)
from stylists.services.books import (
    BOOK_PERMISSIONS,
    HEAD_OFFICE_GROUP,
    book_assign_bulk,
    book_reassign,
    can_reassign,
    current_stylist_of,
    head_office_group,
    note_add,
    note_set_pinned,
    stylist_create,
    stylist_for_user,
    stylist_grant_role_permissions,
)
from stylists.services.followups import (
    follow_up_add,
    follow_up_complete,
    follow_up_dismiss,
    follow_up_snooze,
    follow_ups_generate,
)
from stylists.services.messaging import (
    MessageBlocked,
    channel_decision,
    inbound_sms,
    message_deliver,
    message_from_client,
    message_mark_read,
    message_send,
    message_status_update,
)
from stylists.services.outreach import (
    outreach_render,
    outreach_template_save,
    templates_for_client,
)
from stylists.services.rescheduling import appointment_reschedule
from stylists.services.signals import live_signal_publish
from stylists.services.styling_requests import (
    styling_request_create,
    styling_request_mark_answered,
)

__all__ = [
    "BOOK_PERMISSIONS",
    "HEAD_OFFICE_GROUP",
    "MessageBlocked",
    "appointment_book",
    "appointment_cancel",
    "appointment_notice_send",
    "appointment_reminders_due",
    "appointment_reschedule",
    "appointment_set_status",
    "appointment_slots",
    "appointment_slots_between",
    "book_assign_bulk",
    "book_reassign",
    "can_reassign",
    "channel_decision",
    "current_stylist_of",
    "follow_up_add",
    "follow_up_complete",
    "follow_up_dismiss",
    "follow_up_snooze",
    "follow_ups_generate",
    "head_office_group",
    "inbound_sms",
    "live_signal_publish",
    "message_deliver",
    "message_from_client",
    "message_mark_read",
    "message_send",
    "message_status_update",
    "note_add",
    "note_set_pinned",
    "outreach_render",
    "outreach_template_save",
    "styling_request_create",
    "styling_request_mark_answered",
    "stylist_create",
    "stylist_for_user",
    "stylist_grant_role_permissions",
    "templates_for_client",
]
