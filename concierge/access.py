"""Who may enter the concierge: clients, for their own story only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation

from clients.models import Client
from clients.selectors import client_for_concierge
from core.grammar import advisor_wording
from stylists.selectors import advisor_grammar

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)


class ClientRequest(HttpRequest):
    """A request client_required has let in: `.client` is the signed-in client's record."""

    client: Client


def client_required(
    view: Callable[Concatenate[ClientRequest, P], R],
) -> Callable[Concatenate[HttpRequest, P], R | HttpResponse]:
    """The view runs for signed-in clients; it gets their Client as request.client.

    Staff and any other signed-in user get 404 (client_for_concierge); anonymous
    visitors the sign-in page. The page speaks the client's preferred language, and
    of her advisor in his or her grammatical gender (core.grammar).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> R | HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        client_request = cast(ClientRequest, request)
        client_request.client = client_for_concierge(
            request.user, advisor_grammar=advisor_grammar()
        )
        # The same record as `user.client`: the navigation (clienteling.context_processors)
        # asks for it on every page; it need not be read a second time.
        request.user.client = client_request.client
        # The client's own language, wherever they sign in (the switcher keeps it).
        translation.activate(client_request.client.preferred_language or "en")
        client_request.LANGUAGE_CODE = translation.get_language()
        with advisor_wording(client_request.client.advisor_grammar):  # type: ignore[attr-defined]
            return view(client_request, *args, **kwargs)

    return wrapper
