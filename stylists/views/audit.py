"""Head office's review of staff access to client records (the access log).

Head office advisors and superusers only: 404 for everyone else, the sign-in
page for anonymous visitors.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from consent.forms import AccessLogFilterForm
from consent.selectors import access_log_entries
from stylists.access import current_stylist

AUDIT_PAGE_SIZE = 50


def head_office_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Head office advisors and superusers; 404 for everyone else, login for anonymous."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_superuser and not current_stylist(request).is_head_office:
            raise Http404("Not found")
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@head_office_required
def staff_access_audit(request: HttpRequest) -> HttpResponse:
    form = AccessLogFilterForm(request.GET or None)
    entries = access_log_entries(form.filters())
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "entries": list(page.object_list),
        "page_range": page.paginator.get_elided_page_range(page.number),
    }
    return render(request, "consent/staff_access_audit.html", context)
