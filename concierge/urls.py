"""The client concierge, "Your Style Story", under /concierge/ (namespace "concierge")."""

from django.urls import path

from concierge import views
from concierge.views import privacy, purchases, rescheduling

app_name = "concierge"

urlpatterns = [
    path("", views.home, name="home"),
    path("lookbooks/", views.lookbooks, name="lookbooks"),
    path("lookbooks/<uuid:public_id>/", views.lookbook_detail, name="lookbook_detail"),
    path(
        "lookbooks/<uuid:public_id>/pieces/<int:item_id>/reaction/",
        views.lookbook_react,
        name="lookbook_react",
    ),
    # Signed, expiring links from messages and e-mails (recommendations.links).
    path("l/<str:token>/", views.lookbook_link, name="lookbook_link"),
    path("pieces/<uuid:public_id>/", views.product_detail, name="product_detail"),
    path("pieces/<uuid:public_id>/save/", views.wishlist_add, name="wishlist_add"),
    path("pieces/<uuid:public_id>/unsave/", views.wishlist_delete, name="wishlist_remove"),
    path("wishlist/", views.wishlist, name="wishlist"),
    path("pieces/", purchases.purchases, name="purchases"),
    path("wishlist/share/", views.wishlist_share, name="wishlist_share"),
    path("heritage/", views.heritage, name="heritage"),
    path("heritage/<slug:slug>/", views.heritage_detail, name="heritage_detail"),
    path("occasions/", views.occasions, name="occasions"),
    path("occasions/<int:occasion_id>/", views.occasion_edit, name="occasion_edit"),
    path("occasions/<int:occasion_id>/delete/", views.occasion_remove, name="occasion_delete"),
    path("requests/", views.requests, name="requests"),
    path("requests/<uuid:public_id>/", views.request_detail, name="request_detail"),
    path("appointments/", views.appointments, name="appointments"),
    path("appointments/book/", views.appointment_book, name="appointment_book"),
    path("appointments/advisors/", rescheduling.advisors, name="advisors"),
    path(
        "appointments/advisors/<int:pk>/portrait/",
        rescheduling.advisor_portrait,
        name="advisor_portrait",
    ),
    path("appointments/<uuid:public_id>/", views.appointment_detail, name="appointment_detail"),
    path(
        "appointments/<uuid:public_id>/cancel/",
        views.appointment_cancel_view,
        name="appointment_cancel",
    ),
    path(
        "appointments/<uuid:public_id>/reschedule/",
        rescheduling.appointment_reschedule_view,
        name="appointment_reschedule",
    ),
    path("appointments/<uuid:public_id>/video/", views.appointment_video, name="appointment_video"),
    path(
        "appointments/<uuid:public_id>/calendar.ics",
        views.appointment_calendar,
        name="appointment_calendar",
    ),
    path("messages/", views.messages, name="messages"),
    # The privacy centre (views/privacy.py): consent, export, erasure.
    path("privacy/", privacy.privacy_centre, name="privacy"),
    path("privacy/consent/", privacy.privacy_consent, name="privacy_consent"),
    path("privacy/export/", privacy.privacy_export, name="privacy_export"),
    path(
        "privacy/export/<str:token>/",
        privacy.privacy_export_file,
        name="privacy_export_download",
    ),
    path("privacy/erase/", privacy.privacy_erase_view, name="privacy_erase"),
]
