"""WebSocket routes for the stylist dashboard."""

from __future__ import annotations

from django.urls import path

from stylists import consumers

websocket_urlpatterns = [
    path("ws/stylist/signals/", consumers.LiveSignalsConsumer.as_asgi()),
]
