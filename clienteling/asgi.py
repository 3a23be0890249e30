"""ASGI entry point: HTTP through Django, WebSockets through Channels routes."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clienteling.settings.base")

# Django must be set up before the consumers (and their models) are imported.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from clienteling.routing import websocket_path_known, websocket_urlpatterns  # noqa: E402
from clienteling.websockets import NotFoundRouter, SameOriginValidator  # noqa: E402
from core.heap import WARM_REQUESTS, freeze_again_after, freeze_startup_heap  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(
            NotFoundRouter(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns)), websocket_path_known
            )
        ),
    }
)

# Loaded: start-up's objects leave the collector's scans (core.heap).
freeze_startup_heap()
freeze_again_after(WARM_REQUESTS)
