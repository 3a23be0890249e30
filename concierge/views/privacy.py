"""The privacy centre in the concierge: consent tiers and channels, export, erasure.

Thin: each view checks who may enter, then calls one consent service or
selector. Clients only (client_required: everyone else gets 404, anonymous
visitors the sign-in page).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth import logout
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from concierge.access import ClientRequest, client_required
from consent import policy
from consent.forms import (
    ConsentChoiceForm,
    EraseConfirmForm,
    channel_title,
    erase_word,
    proof_text_for,
)
from consent.models import ConsentSource, ConsentTier, PrivacyRequestStatus
from consent.selectors import (
    access_summary_for_client,
    held_data_summary,
    latest_export_request,
    policy_wording,
)
from consent.services import (
    ConsentError,
    ExportGone,
    consent_record,
    privacy_erase,
    privacy_export_download,
    privacy_export_for_token,
    privacy_export_request,
    privacy_export_token,
)
from core.ratelimit import rate_limit
from stylists.selectors import current_assignments

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _user(request: HttpRequest) -> User:
    """The signed-in user (client_required has made sure there is one)."""
    return cast("User", request.user)


def _tier_options(selected: str) -> list[dict[str, Any]]:
    return [
        {
            "value": tier.value,
            "label": tier.label,
            "description": gettext(policy.TIER_DESCRIPTIONS[tier]),
            "checked": tier.value == selected,
        }
        for tier in ConsentTier
    ]


def _channel_options(selected: frozenset[str]) -> list[dict[str, Any]]:
    return [
        {
            "value": channel.value,
            "label": channel_title(channel),
            "checked": channel.value in selected,
        }
        for channel in policy.CHANNELS
    ]


@never_cache
@require_GET
@client_required
def privacy_centre(request: ClientRequest) -> HttpResponse:
    client = request.client
    state = policy.current_consent(client)
    version = policy.current_policy_version()
    advisor = current_assignments([client.pk]).get(client.pk)
    export = latest_export_request(client)
    download_url = None
    if export is not None and export.status == PrivacyRequestStatus.READY:
        token = privacy_export_token(export)
        download_url = reverse("concierge:privacy_export_download", args=[token])
    context = {
        "client": client,
        "state": state,
        "policy_version": version,
        # Its words in her language where the house has published them
        "policy": policy_wording(version, get_language()) if version else None,
        "reconfirmation_due": policy.needs_reconfirmation(state, version),
        "tiers": _tier_options(state.tier),
        "channels": _channel_options(state.channels),
        "channel_summary": ", ".join(
            channel_title(c) for c in policy.CHANNELS if c in state.channels
        )
        or gettext("None"),
        "held": held_data_summary(client),
        "access": access_summary_for_client(
            client, advisor_user_id=advisor.user_id if advisor else None
        ),
        "export": export,
        "download_url": download_url,
        "advisor": advisor,
    }
    return render(request, "consent/privacy_centre.html", context)


@require_POST
@client_required
def privacy_consent(request: ClientRequest) -> HttpResponse:
    """Record a new choice of tier and channels, with the words the page showed."""
    client = request.client
    form = ConsentChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Please choose one of the three tiers."))
        return redirect("concierge:privacy")
    version = policy.current_policy_version()
    tier, channels = form.cleaned_data["tier"], form.cleaned_data["channels"]
    try:
        consent_record(
            client=client,
            tier=tier,
            channels=channels,
            source=ConsentSource.CONCIERGE,
            proof_text=proof_text_for(tier, channels, version),
            recorded_by=_user(request),
            policy_version=version,
        )
    except ConsentError as exc:
        messages.error(request, str(exc))
        return redirect("concierge:privacy")
    messages.success(
        request,
        gettext("Thank you. Your choice, %(tier)s, applies from now on.")
        % {"tier": ConsentTier(tier).label},
    )
    return redirect("concierge:privacy")


@require_POST
@client_required
@rate_limit("privacy_export")
def privacy_export(request: ClientRequest) -> HttpResponse:
    client = request.client
    privacy_export_request(client=client, requested_by=_user(request))
    messages.success(
        request,
        gettext(
            "We are preparing your archive. It will wait here for you for 48 hours, "
            "and can be downloaded once."
        ),
    )
    return redirect("concierge:privacy")


@never_cache
@require_http_methods(["GET", "POST"])
@client_required
def privacy_export_file(request: ClientRequest, token: str) -> HttpResponseBase:
    """GET: a page with the download button (link scanners cannot use up the link).
    POST: the archive itself, once."""
    client = request.client
    try:
        if request.method == "GET":
            export = privacy_export_for_token(token=token, client=client)
            return render(request, "consent/export_ready.html", {"export": export})
        download = privacy_export_download(token=token, client=client)
    except ExportGone as gone:
        return render(request, "consent/export_gone.html", {"message": str(gone)}, status=410)
    response = FileResponse(
        download.file,
        as_attachment=True,
        filename=download.filename,
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-SHA256"] = download.sha256
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@client_required
def privacy_erase_view(request: ClientRequest) -> HttpResponse:
    client = request.client
    form = EraseConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        privacy_erase(
            client=client,
            requested_by=_user(request),
            reason="Requested by the client in the privacy centre.",
        )
        logout(request)
        return render(request, "consent/erased.html")
    held = held_data_summary(client)
    return render(
        request,
        "consent/erase_confirm.html",
        {"form": form, "erase_word": erase_word(), "held": held, "client": client},
    )
