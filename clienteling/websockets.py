"""The WebSocket door: same-origin handshakes only, and a quiet 404 for unknown paths.

Channels' AllowedHostsOriginValidator matches the Origin's host against
ALLOWED_HOSTS but ignores its port unless a pattern names one, so a page
served by something else on another port of the same host (a dev server, an
admin tool) could open the advisor's socket with their cookies. Here the
Origin must name an allowed host *and* the very host and port the handshake
was addressed to (the Host header), scheme's default port included.

URLRouter raises ValueError for a path no route matches, which the server
logs as a 500 with a full traceback on every probe. `NotFoundRouter` answers
those with a 404 where the server supports denial responses (the ASGI
"websocket.http.response" extension, e.g. uvicorn) and otherwise closes the
handshake (Daphne answers 403), without a traceback.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin1"))
    return None


def _split(netloc: str) -> tuple[str, int | None] | None:
    domain, port = split_domain_port(netloc.lower())
    if not domain:
        return None
    try:
        return domain, int(port) if port else None
    except ValueError:
        return None


def origin_allowed(scope: dict[str, Any]) -> bool:
    """The Origin names an allowed host, the host the handshake was addressed to, and its port.

    A Host header without a port says "the scheme's default" (behind a TLS proxy
    the server may not know which scheme the browser used): the Origin must then
    carry no other port than its own scheme's default.
    """
    origin = _header(scope, b"origin")
    host = _header(scope, b"host")
    if not origin or not host:
        return False
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    theirs, ours = _split(parts.netloc), _split(host)
    if theirs is None or ours is None or theirs[0] != ours[0]:
        return False
    origin_port = theirs[1] or DEFAULT_PORTS[parts.scheme]
    if ours[1] is None:
        if origin_port != DEFAULT_PORTS[parts.scheme]:
            return False
    elif origin_port != ours[1]:
        return False
    return validate_host(ours[0], settings.ALLOWED_HOSTS)


class SameOriginValidator:
    """Refuse (close before accept: 403) a WebSocket whose Origin is not this very site."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 4403})
            return None
        return await self.application(scope, receive, send)


class NotFoundRouter:
    """Route WebSockets; a path no route knows gets a quiet 404 (or a closed handshake)."""

    def __init__(self, application: Any, known: Any) -> None:
        self.application = application
        self.known = known  # path -> bool

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not self.known(scope.get("path", "")):
            await receive()  # websocket.connect
            if "websocket.http.response" in (scope.get("extensions") or {}):
                await send(
                    {
                        "type": "websocket.http.response.start",
                        "status": 404,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                    }
                )
                await send({"type": "websocket.http.response.body", "body": b"Not found."})
            else:
                await send({"type": "websocket.close", "code": 4404})
            logger.info("WebSocket to an unknown path refused: %s", scope.get("path", "")[:200])
            return None
        return await self.application(scope, receive, send)
