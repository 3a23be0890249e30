"""Messages (/stylist/messages/): conversations, one thread with its composer, sending, templates.

The composer offers only the channels consent allows now and says why the
others are not; a refused send (MessageBlocked) comes back as a calm note
above the form, with the text kept. Sending is rate-limited ("advisor_message").
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from clients.models import Client
from clients.selectors import can_change_client, client_for_user
from core.paging import page_of
from core.ratelimit import rate_limit
from stylists.access import stylist_required
from stylists.forms import ComposeForm, TemplatePickForm
from stylists.models import OutreachTemplate
from stylists.pages.conversations import (
    ComposeOptions,
    attach_last_messages,
    badges_forget,
    compose_options,
    conversations_for,
    thread_of,
)
from stylists.selectors.live import thread_seat
from stylists.services import MessageBlocked, message_mark_read, message_send
from stylists.services.outreach import MERGE_FIELDS, outreach_render
from stylists.views._common import is_htmx, log_access

PAGE_SIZE = 30


@require_GET
@stylist_required
def messages_list(request: HttpRequest) -> HttpResponse:
    stylist = request.stylist  # type: ignore[attr-defined]
    page_obj = page_of(conversations_for(stylist), request.GET.get("page"), PAGE_SIZE)
    rows = attach_last_messages(list(page_obj.object_list))
    return render(
        request,
        "stylists/messages.html",
        {"page_obj": page_obj, "rows": rows, "unread_total": sum(r.unread for r in rows)},  # type: ignore[attr-defined]
    )


def _allowed_choices(options: ComposeOptions) -> list[tuple[str, str]]:
    return [(o.channel, o.label) for o in options.allowed_channels]


def _compose_context(
    client: Client,
    options: ComposeOptions,
    form: ComposeForm | None = None,
    blocked: str = "",
) -> dict[str, Any]:
    if form is None:
        first = options.allowed_channels[0].channel if options.allowed_channels else ""
        form = ComposeForm(allowed_channels=_allowed_choices(options), initial={"channel": first})
    return {"client": client, "options": options, "form": form, "blocked": blocked}


@require_GET
@stylist_required
def conversation(request: HttpRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(request.user, public_id)
    can_write = can_change_client(request.user, client)
    # The advisor read them (her unread badge drops at once); a manager looking in does not.
    if can_write and message_mark_read(client=client):
        badges_forget(request.user)
    log_access(request.user, client, "viewed_messages")
    options = compose_options(client)
    context = {
        "thread": thread_of(client),
        "can_write": can_write,
        # New messages and read receipts arrive live (stylists.consumers.thread) where the
        # server speaks WebSockets and the user has a seat in the room (advisor, manager).
        "live_path": f"/ws/thread/{client.public_id}/"
        if isinstance(request, ASGIRequest) and thread_seat(request.user, client.public_id)
        else "",
        **_compose_context(client, options),
    }
    return render(request, "stylists/conversation.html", context)


@require_POST
@rate_limit("advisor_message")
@stylist_required
def message_send_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    client = client_for_user(request.user, public_id, for_change=True)
    options = compose_options(client)
    form = ComposeForm(request.POST, allowed_channels=_allowed_choices(options))
    blocked = ""
    if form.is_valid() and _placeholders_left(form.cleaned_data["body"]):
        left = ", ".join(_placeholders_left(form.cleaned_data["body"]))
        form.add_error("body", f"Replace {left} before sending: the client would see it.")
    if form.is_valid():
        data = form.cleaned_data
        template = (
            OutreachTemplate.objects.filter(pk=data["template"]).first()
            if data.get("template")
            else None
        )
        try:
            message_send(
                client=client,
                stylist=request.stylist,  # type: ignore[attr-defined]
                channel=data["channel"],
                kind=data["kind"],
                body=data["body"],
                subject=data.get("subject") or "",
                sent_by=request.user,
                template=template,
            )
        except MessageBlocked as exc:
            blocked = exc.reason
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            text = f"Sent to {client.full_name}."
            if is_htmx(request):
                context = {
                    "thread": thread_of(client),
                    "can_write": True,
                    "sent": text,
                    **_compose_context(client, options),
                }
                return render(request, "stylists/_conversation_body.html", context)
            flash.success(request, text)
            return redirect("stylists:conversation", public_id=client.public_id)
    status = 409 if blocked else 422
    context = {
        "thread": thread_of(client),
        "can_write": True,
        **_compose_context(client, options, form, blocked),
    }
    if is_htmx(request):  # htmx swaps only 2xx: the refusal is shown, not an error
        return render(request, "stylists/_conversation_body.html", context)
    return render(request, "stylists/conversation.html", context, status=status)


def _placeholders_left(body: str) -> list[str]:
    """Merge-field placeholders a template preview left in the text ("[piece]")."""
    return [p for p in (f"[{name.replace('_', ' ')}]" for name in MERGE_FIELDS) if p in body]


@require_GET
@stylist_required
def compose_template(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The composer filled from a template, merge fields previewed (htmx; a page without JS)."""
    client = client_for_user(request.user, public_id, for_change=True)
    options = compose_options(client)
    pick = TemplatePickForm(request.GET)
    if not pick.is_valid():
        return HttpResponse("Choose a template.", status=400)
    template = next((t for t in options.templates if t.pk == pick.cleaned_data["template"]), None)
    if template is None:
        return HttpResponse("That template is not available for this client.", status=400)
    piece_id = pick.cleaned_data.get("piece")
    piece = next((p for p in options.pieces if p.public_id == piece_id), None) if piece_id else None
    occasion_id = pick.cleaned_data.get("occasion")
    occasion = next((o for o in options.occasions if o.pk == occasion_id), None)
    rendered = outreach_render(
        template=template,
        client=client,
        stylist=request.stylist,  # type: ignore[attr-defined]
        piece=piece,
        occasion=occasion,
        strict=False,
    )
    allowed = _allowed_choices(options)
    current = request.GET.get("channel") or (allowed[0][0] if allowed else "")
    form = ComposeForm(
        allowed_channels=allowed,
        initial={
            "channel": current,
            "kind": rendered.kind,
            "subject": rendered.subject,
            "body": rendered.body,
            "template": template.pk,
        },
    )
    context = {
        **_compose_context(client, options, form),
        "rendered": rendered,
        "picked": {"template": template, "piece": piece, "occasion": occasion},
        "can_write": True,
    }
    if is_htmx(request):
        return render(request, "stylists/_compose.html", context)
    return render(request, "stylists/conversation.html", {"thread": thread_of(client), **context})
