"""Every URL of the house, composed from the apps."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts import two_factor
from accounts import views as atelier_auth
from clienteling import language, views
from clients.api import ClientViewSet
from concierge.api import views as client_api
from core.ratelimit import rate_limit
from recommendations.api import LookbookViewSet
from stylists import webhooks as stylist_webhooks

router = DefaultRouter()
router.register("clients", ClientViewSet, basename="client")
router.register("lookbooks", LookbookViewSet, basename="lookbook")
# The client API (the house's mobile app): each client her own things only.
router.register("appointments", client_api.AppointmentViewSet, basename="client-appointment")
router.register("occasions", client_api.OccasionViewSet, basename="client-occasion")
router.register(
    "styling-requests", client_api.StylingRequestViewSet, basename="client-styling-request"
)
router.register("messages", client_api.MessageViewSet, basename="client-message")

# One sign-in limit for every way in: the admin's sign-in counts against the same
# per-address "login" limit as /accounts/login/ (spraying passwords there was unlimited).
admin.site.login = rate_limit("login", key_by="ip")(admin.site.login)  # type: ignore[method-assign]

admin.site.site_header = "Maison Verlaine · Atelier administration"
admin.site.site_title = "Atelier admin"
admin.site.index_title = "The house"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", atelier_auth.login_view, name="login"),
    path("accounts/2fa/", two_factor.two_factor_home, name="two_factor"),
    path("accounts/2fa/setup/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("accounts/2fa/verify/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("language/", language.language_set, name="language_set"),
    path("accounts/logout/", atelier_auth.logout_view, name="logout"),
    path("admin/", admin.site.urls),
    path("stylist/", include("stylists.urls")),
    path("concierge/", include("concierge.urls")),
    path("catalog/", include("catalog.urls")),
    # Twilio calls these (signed; CSRF-exempt): delivery status and inbound SMS/WhatsApp.
    path("webhooks/twilio/status/", stylist_webhooks.twilio_status, name="twilio_status"),
    path("webhooks/twilio/inbound/", stylist_webhooks.twilio_inbound, name="twilio_inbound"),
    path("api/v1/auth/token/", atelier_auth.obtain_auth_token, name="api-token"),
    path(
        "api/v1/lookbooks/<str:id>/reactions/",
        client_api.LookbookReactionView.as_view(),
        name="api-lookbook-reactions",
    ),
    path("api/v1/availability/", client_api.AvailabilityView.as_view(), name="api-availability"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler404 = "clienteling.views.page_not_found"
handler500 = "clienteling.views.server_error"

if settings.BENCH_PLAIN_VIEW:  # benchmarks/production_load.py: the baseline page
    urlpatterns += [
        path(
            "bench/plain/",
            TemplateView.as_view(template_name="bench_plain.html"),
            name="bench_plain",
        ),
    ]

if settings.DEBUG:
    urlpatterns += [
        path("styleguide/", TemplateView.as_view(template_name="styleguide.html")),
    ]
