"""Client advisors, their books, notes, appointments, styling requests, messages and follow-ups."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Boutique
from clients.models import Client, Occasion, Order
from core.choices import fast_choice_displays
from core.fields import EncryptedTextField


class Role(models.TextChoices):
    STYLIST = "stylist", "Client advisor"
    MANAGER = "manager", "Boutique manager"
    HEAD_OFFICE = "head_office", "Head office"


class GrammaticalGender(models.TextChoices):
    """How sentences about an advisor read in languages that mark it ("votre conseillère",
    "votre conseiller"): the house records it per advisor; core.grammar chooses the words."""

    FEMININE = "feminine", "Feminine (votre conseillère, Ihre Beraterin)"
    MASCULINE = "masculine", "Masculine (votre conseiller, Ihr Berater)"


@fast_choice_displays
class Stylist(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stylist"
    )
    boutique = models.ForeignKey(
        Boutique, null=True, blank=True, on_delete=models.PROTECT, related_name="stylists"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.STYLIST)
    title = models.CharField(max_length=80, blank=True, default="Client advisor")
    languages = models.JSONField(default=list, blank=True)
    specialities = models.JSONField(default=list, blank=True)
    bio = models.TextField(blank=True)
    # The advisor's portrait, shown to her clients (the demo draws one, as it draws pieces).
    photo = models.FileField(upload_to="advisors/", blank=True)
    # How clients reach the advisor directly (the boutique's line when empty).
    phone = models.CharField(max_length=32, blank=True)
    active = models.BooleanField(default=True)
    grammatical_gender = models.CharField(
        max_length=10,
        choices=GrammaticalGender.choices,
        default=GrammaticalGender.FEMININE,
        help_text="How her or his clients' pages speak of their advisor in French, German, "
        "Italian, Spanish, Portuguese and Arabic.",
    )

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="head_office") | Q(boutique__isnull=False),
                name="stylist_boutique_unless_head_office",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def first_name(self) -> str:
        return self.user.first_name or self.name

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_head_office(self) -> bool:
        return self.role == Role.HEAD_OFFICE


class BookAssignment(models.Model):
    """A client in a stylist's book. One open assignment per client."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="book_assignments")
    stylist = models.ForeignKey(Stylist, on_delete=models.PROTECT, related_name="assignments")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(ended_at__isnull=True),
                name="book_one_open_assignment_per_client",
            )
        ]
        indexes = [models.Index(fields=["stylist", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.client} → {self.stylist}"


class BookReassignment(models.Model):
    """Audit row: a client moved from one book to another (or into a first book)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="reassignments")
    from_stylist = models.ForeignKey(
        Stylist, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_stylist = models.ForeignKey(Stylist, on_delete=models.PROTECT, related_name="+")
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    performed_at = models.DateTimeField()
    reason = models.CharField(max_length=280, blank=True)
    # What came along with the client, and what stayed with the previous advisor:
    # {"styling_requests": 1, "follow_ups": 2, "appointments": 1, "appointments_kept": ["<uuid>"]}
    carried = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-performed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.from_stylist_id} → {self.to_stylist_id}"


class NoteCategory(models.TextChoices):
    STYLE = "style", "Style"
    SERVICE = "service", "Service"
    PERSONAL = "personal", "Personal"
    LOGISTICS = "logistics", "Logistics"


@fast_choice_displays
class ClientNote(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        Stylist, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes_written"
    )
    category = models.CharField(
        max_length=12, choices=NoteCategory.choices, default=NoteCategory.STYLE
    )
    body = EncryptedTextField()
    pinned = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pinned", "-created_at"]
        indexes = [models.Index(fields=["client", "-pinned", "-created_at"])]

    def __str__(self) -> str:
        return f"Note on {self.client_id} by {self.author_id}"


class Availability(models.Model):
    """A weekly window in which a stylist takes appointments (boutique local time)."""

    stylist = models.ForeignKey(Stylist, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday")
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["stylist_id", "weekday", "starts"]
        verbose_name_plural = "availability"
        constraints = [
            models.CheckConstraint(condition=Q(starts__lt=models.F("ends")), name="avail_ordered"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="avail_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.stylist} {self.weekday} {self.starts}-{self.ends}"


class AppointmentKind(models.TextChoices):
    BOUTIQUE = "boutique", _("In boutique")
    VIDEO = "video", _("Video consultation")


class AppointmentStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("Did not attend")


@fast_choice_displays
class Appointment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="appointments")
    stylist = models.ForeignKey(Stylist, on_delete=models.PROTECT, related_name="appointments")
    boutique = models.ForeignKey(
        Boutique, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    kind = models.CharField(max_length=10, choices=AppointmentKind.choices)
    status = models.CharField(
        max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.CONFIRMED
    )
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    purpose = models.CharField(max_length=200, blank=True)
    occasion = models.ForeignKey(
        Occasion, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    video_room = models.CharField(max_length=80, blank=True)
    # The boutique manager the advisor invited into the video consultation, if any.
    video_guest = models.ForeignKey(
        Stylist, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the current time was chosen (booking or the last reschedule): a reminder is
    # only due for a time chosen before the reminder's moment.
    scheduled_at = models.DateTimeField(null=True, blank=True)
    # The calendar event's SEQUENCE (RFC 5545): one more at each new time or cancellation.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["stylist", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="appt_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(kind="boutique") | Q(boutique__isnull=False),
                name="appt_boutique_kind_has_boutique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.client} {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentNoticeKind(models.TextChoices):
    CONFIRMATION = "confirmation", "Confirmation"
    RESCHEDULED = "rescheduled", "New time confirmed"
    CANCELLED = "cancelled", "Cancellation"
    REMINDER_24H = "reminder_24h", "Reminder a day before"
    REMINDER_1H = "reminder_1h", "Reminder an hour before"


class AppointmentNotice(models.Model):
    """One notice about one appointment at one time, claimed before it is sent.

    The unique constraint is the claim: a reminder task that runs twice, or two
    workers racing, insert the same row and only one of them succeeds. A new
    time (reschedule) is a new slot, so its reminders are due again.
    """

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=14, choices=AppointmentNoticeKind.choices)
    starts_at = models.DateTimeField(help_text="The appointment's start the notice was about")
    channels = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "kind", "starts_at"], name="appt_notice_once_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.appointment_id} {self.starts_at:%Y-%m-%d %H:%M}"


STYLING_REQUEST_SLA = dt.timedelta(hours=4)


class StylingRequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for the advisor"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"


class StylingRequestAnswer(models.TextChoices):
    LOOKBOOK = "lookbook", "A published lookbook"
    MESSAGE = "message", "A message from the advisor"
    ADVISOR = "advisor", "Marked answered by the advisor"


@fast_choice_displays
class StylingRequest(models.Model):
    """A client's request for styling, to be answered within four hours."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="styling_requests")
    stylist = models.ForeignKey(
        Stylist, null=True, blank=True, on_delete=models.SET_NULL, related_name="styling_requests"
    )
    occasion = models.ForeignKey(
        Occasion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = EncryptedTextField()
    budget_max = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=StylingRequestStatus.choices, default=StylingRequestStatus.OPEN
    )
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_via = models.CharField(
        max_length=10, choices=StylingRequestAnswer.choices, blank=True, default=""
    )
    # Set once, when the promise was breached and the boutique manager was told.
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"Styling request {self.public_id} ({self.status})"


class MessageDirection(models.TextChoices):
    INBOUND = "in", "From the client"
    OUTBOUND = "out", "To the client"


class MessageChannel(models.TextChoices):
    CONCIERGE = "concierge", _("Concierge")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    READ = "read", "Read"
    FAILED = "failed", "Failed"
    RECEIVED = "received", "Received"
    BLOCKED = "blocked", "Blocked"


@fast_choice_displays
class Message(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="messages")
    stylist = models.ForeignKey(
        Stylist, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    direction = models.CharField(max_length=3, choices=MessageDirection.choices)
    channel = models.CharField(max_length=10, choices=MessageChannel.choices)
    kind = models.CharField(
        max_length=10, default="service", help_text="service or proactive (see consent.policy)"
    )
    subject = models.CharField(max_length=200, blank=True)
    body = EncryptedTextField()
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    status_detail = models.CharField(max_length=280, blank=True)
    provider_sid = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Who pressed send (an advisor, or a colleague covering the book); None for the house.
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    template = models.ForeignKey(
        "OutreachTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Small, non-personal context, e.g. {"lookbook": "<uuid>"} or {"appointment": "<uuid>"}.
    context = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["client", "-created_at"]),
            # Unread messages from clients, per advisor (Today, Messages).
            models.Index(fields=["stylist", "direction", "read_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.channel} {self.client_id}"


class FollowUpKind(models.TextChoices):
    THANK_YOU = "thank_you", "Thank-you after a purchase"
    OCCASION = "occasion", "Occasion reminder"
    LAPSING = "lapsing", "Lapsing client worth a call"
    REQUEST = "request", "Styling request"
    CUSTOM = "custom", "Personal reminder"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    SNOOZED = "snoozed", "Snoozed"
    DISMISSED = "dismissed", "Dismissed"


@fast_choice_displays
class FollowUp(models.Model):
    stylist = models.ForeignKey(Stylist, on_delete=models.CASCADE, related_name="follow_ups")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=12, choices=FollowUpKind.choices)
    due_on = models.DateField(db_index=True)
    status = models.CharField(
        max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    snoozed_until = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=280, blank=True)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE)
    occasion = models.ForeignKey(Occasion, null=True, blank=True, on_delete=models.CASCADE)
    # Makes generation idempotent: e.g. "thank_you:order:812", "occasion:44:2026-12-12".
    dedupe_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["stylist", "status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.client} · {self.due_on}"


class OutreachTemplate(models.Model):
    """A message template with merge fields, per language."""

    name = models.CharField(max_length=120)
    language = models.CharField(max_length=8, choices=settings.CLIENT_LANGUAGES, default="en")
    kind = models.CharField(max_length=10, default="proactive")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(
        help_text="Merge fields: {first_name}, {client_name}, {stylist}, {piece}, {occasion}"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "language"]
        constraints = [
            models.UniqueConstraint(fields=["name", "language"], name="template_name_language")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class StaffSession(models.Model):
    """A signed-in session of a staff account, so a role change or deactivation can end it.

    Sessions live in the session store keyed by an opaque key; without this
    list the house could not find an advisor's sessions without decoding every
    session of the site. Rows go when the session is ended (or expire with it).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField()

    class Meta:
        ordering = ["-signed_in_at"]

    def __str__(self) -> str:
        return f"Session of {self.user_id} since {self.signed_in_at:%Y-%m-%d %H:%M}"


class StaffAccessChange(models.Model):
    """Audit row: an advisor's role, boutique or active flag changed, and who changed it."""

    stylist = models.ForeignKey(Stylist, on_delete=models.CASCADE, related_name="access_changes")
    from_role = models.CharField(max_length=12, choices=Role.choices)
    to_role = models.CharField(max_length=12, choices=Role.choices)
    from_boutique = models.ForeignKey(
        Boutique, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_boutique = models.ForeignKey(
        Boutique, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_active = models.BooleanField()
    to_active = models.BooleanField()
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    performed_at = models.DateTimeField()
    sessions_ended = models.PositiveIntegerField(default=0)
    tokens_revoked = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-performed_at", "-id"]

    def __str__(self) -> str:
        when = f"{self.performed_at:%Y-%m-%d}"
        return f"{self.stylist_id}: {self.from_role} → {self.to_role} ({when})"


class WebhookReceipt(models.Model):
    """One row per provider message id handled: a replayed webhook (Twilio retries) is a no-op.

    Inbound messages and STOP replies both claim their MessageSid here first,
    in the same transaction as what they write, so a retry or a concurrent
    duplicate writes nothing twice (the unique constraint decides the race).
    """

    provider_sid = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=16)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.provider_sid}"
