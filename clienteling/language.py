"""Which language a page speaks: the client's own on the client side, English on the dashboard.

The client side (the concierge, sign-in, error pages) speaks the language the
visitor chose with the switcher (a cookie) or, failing that, their browser's;
once a client is signed in, `concierge.access.client_required` activates the
language on their record (Client.preferred_language), which the switcher also
updates, so the choice follows them to every device and to their e-mails.
The stylist dashboard, the admin and the API stay in the house language, except the
client API (concierge.api), which answers a signed-in client in her own.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clients.models import Client
from clients.services import client_update_profile

# Paths that always speak the house language, whatever the visitor's browser says.
HOUSE_LANGUAGE_PREFIXES = ("/stylist/", "/admin/", "/api/", "/webhooks/", "/catalog/")


class AudienceLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware for the client side; the house language elsewhere."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith(HOUSE_LANGUAGE_PREFIXES):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return
        super().process_request(request)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The switcher: remember the language on this browser and, for a client, on their record."""
    language = request.POST.get("language", "")
    response: HttpResponse = HttpResponseRedirect(_safe_next(request))
    if language not in dict(settings.LANGUAGES):
        return response
    client = _signed_in_client(request)
    if client is not None and client.preferred_language != language:
        client_update_profile(client=client, preferred_language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


def _signed_in_client(request: HttpRequest) -> Client | None:
    user = request.user
    if not user.is_authenticated:
        return None
    return Client.objects.filter(user=user).first()
