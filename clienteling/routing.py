"""WebSocket routes of every app, composed."""

from __future__ import annotations

from stylists.routing import websocket_urlpatterns as stylist_ws

websocket_urlpatterns = [*stylist_ws]
