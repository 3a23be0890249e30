"""The privacy centre's pages, mounted in the concierge (clients/urls.py) as /concierge/privacy/.

No app_name: the names join the "concierge" namespace (concierge:privacy, ...).
"""

from __future__ import annotations

from django.urls import path

from consent import views

urlpatterns = [
    path("", views.privacy_centre, name="privacy"),
    path("consent/", views.privacy_consent, name="privacy_consent"),
    path("export/", views.privacy_export, name="privacy_export"),
    path("export/<str:token>/", views.privacy_export_file, name="privacy_export_download"),
    path("erase/", views.privacy_erase_view, name="privacy_erase"),
]
