"""WebSocket routes of every app, composed."""

from __future__ import annotations

from stylists.routing import websocket_urlpatterns as stylist_ws

websocket_urlpatterns = [*stylist_ws]


def websocket_path_known(path: str) -> bool:
    """Does a route serve this path? (URLRouter's own test, without its ValueError.)"""
    relative = path.lstrip("/")
    return any(route.pattern.match(relative) for route in websocket_urlpatterns)
