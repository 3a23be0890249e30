"""WebSocket routes: the advisor's live signals, the conversation (both sides), the video call."""

from __future__ import annotations

from django.urls import path

from stylists import consumers

websocket_urlpatterns = [
    path("ws/stylist/signals/", consumers.LiveSignalsConsumer.as_asgi()),
    path("ws/thread/", consumers.ThreadConsumer.as_asgi()),
    path("ws/thread/<uuid:client_id>/", consumers.ThreadConsumer.as_asgi()),
    path("ws/video/<uuid:public_id>/", consumers.VideoRoomConsumer.as_asgi()),
]
