"""The client book as CSV (/stylist/clients/export.csv): the visible, filtered clients.

Same filters as the book page (BookFilterForm, client_book), same permission
check; what each column may hold is stylists.book_export's rule. Rate-limited
per advisor ("client_export" in RATE_LIMITS) and logged client by client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from consent.models import AccessAction
from consent.services import access_log_record_bulk
from core.csvsafe import SEPARATORS
from core.ratelimit import rate_limit
from stylists.access import stylist_required
from stylists.book_export import book_export_filename, book_export_lines
from stylists.forms import BookFilterForm
from stylists.selectors.book import default_scope, scopes_for

EXPORT_REASON = "Client book export (CSV)"


@require_GET
@stylist_required  # type: ignore[arg-type]  # it passes any response through, a stream too
@rate_limit("client_export", methods=("GET",), key_by="user")
def client_export(request: HttpRequest) -> StreamingHttpResponse:
    stylist = request.stylist  # type: ignore[attr-defined]
    form = BookFilterForm(request.GET)
    filters = form.filters(
        scopes=scopes_for(request.user, stylist), default_scope=default_scope(request.user, stylist)
    )

    def log(client_ids: list[int]) -> None:
        access_log_record_bulk(
            actor=request.user,
            client_ids=client_ids,
            action=AccessAction.EXPORTED,
            reason=EXPORT_REASON,
        )

    # ?sep=semicolon|comma; otherwise the house's separator (CSV_SEPARATOR).
    delimiter = SEPARATORS.get(request.GET.get("sep", ""), settings.CSV_SEPARATOR)
    lines = book_export_lines(
        user=request.user, stylist=stylist, filters=filters, on_chunk=log, delimiter=delimiter
    )
    content = _async_lines(lines) if isinstance(request, ASGIRequest) else lines
    response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{book_export_filename()}"'
    response["Cache-Control"] = "no-store"
    return response


async def _async_lines(lines: Iterator[str], batch: int = 500) -> AsyncIterator[str]:
    """Under ASGI: pull the sync generator (it queries the database) in its thread, in batches."""

    def take() -> str:
        out = []
        for _ in range(batch):
            try:
                out.append(next(lines))
            except StopIteration:
                break
        return "".join(out)

    while True:
        chunk = await sync_to_async(take)()
        if not chunk:
            return
        yield chunk
