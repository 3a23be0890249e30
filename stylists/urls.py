from django.urls import path

from recommendations import views as review
from stylists import views

app_name = "stylists"

urlpatterns = [
    path("", views.today, name="today"),
    # The dashboard (stylists.views): Today, the book, the story, messages, appointments, team.
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("follow-ups/<int:pk>/snooze/", views.follow_up_snooze_view, name="follow_up_snooze"),
    path("follow-ups/<int:pk>/dismiss/", views.follow_up_dismiss_view, name="follow_up_dismiss"),
    path("clients/", views.client_list, name="client_list"),
    path("clients/export.csv", views.client_export, name="client_export"),
    path("clients/<uuid:public_id>/", views.client_detail, name="client_detail"),
    path("clients/<uuid:public_id>/notes/", views.note_add_view, name="note_add"),
    path("clients/<uuid:public_id>/notes/<int:pk>/pin/", views.note_pin_view, name="note_pin"),
    path("clients/<uuid:public_id>/occasions/", views.occasion_add_view, name="occasion_add"),
    path(
        "clients/<uuid:public_id>/occasions/<int:pk>/",
        views.occasion_edit_view,
        name="occasion_edit",
    ),
    path(
        "clients/<uuid:public_id>/occasions/<int:pk>/delete/",
        views.occasion_delete_view,
        name="occasion_delete",
    ),
    path("clients/<uuid:public_id>/sizes/", views.sizes_edit_view, name="sizes_edit"),
    path(
        "clients/<uuid:public_id>/preferences/",
        views.preferences_edit_view,
        name="preferences_edit",
    ),
    path("messages/", views.messages_list, name="messages"),
    path("messages/<uuid:public_id>/", views.conversation, name="conversation"),
    path("messages/<uuid:public_id>/send/", views.message_send_view, name="message_send"),
    path("messages/<uuid:public_id>/template/", views.compose_template, name="compose_template"),
    path("appointments/", views.appointments, name="appointments"),
    path(
        "appointments/<uuid:public_id>/status/",
        views.appointment_status,
        name="appointment_status",
    ),
    path(
        "appointments/<uuid:public_id>/video/",
        views.appointment_video,
        name="appointment_video",
    ),
    path(
        "appointments/<uuid:public_id>/video/guest/",
        views.appointment_video_guest,
        name="appointment_video_guest",
    ),
    path("team/", views.team, name="team"),
    path("team/reassign/", views.team_reassign, name="team_reassign"),
    path("team/quality/", views.data_quality, name="data_quality"),
    path("team/quality/export.csv", views.quality_export, name="quality_export"),
    path("team/export.csv", views.team_export, name="team_export"),
    path("team/kpis/", views.kpis, name="kpis"),
    path("team/kpis/export.csv", views.kpi_export, name="kpi_export"),
    path("team/merges/", views.merge_queue, name="merge_queue"),
    path("team/merges/<uuid:public_id>/merge/", views.merge_accept, name="merge_accept"),
    path("team/merges/<uuid:public_id>/reject/", views.merge_reject, name="merge_reject"),
    path("team/merges/done/<uuid:public_id>/undo/", views.merge_undo, name="merge_undo"),
    path("audit/", views.staff_access_audit, name="audit"),  # head office only
    # Lookbook review (recommendations.views): the queue, the page, its POST-only actions.
    path("review/", review.review_queue, name="review_queue"),
    path("lookbooks/<uuid:public_id>/", review.lookbook_review, name="lookbook_review"),
    path("lookbooks/<uuid:public_id>/search/", review.lookbook_search, name="lookbook_search"),
    path("lookbooks/<uuid:public_id>/add/", review.lookbook_add_view, name="lookbook_add"),
    path(
        "lookbooks/<uuid:public_id>/reorder/", review.lookbook_reorder_view, name="lookbook_reorder"
    ),
    path(
        "lookbooks/<uuid:public_id>/details/", review.lookbook_details_view, name="lookbook_details"
    ),
    path(
        "lookbooks/<uuid:public_id>/publish/", review.lookbook_publish_view, name="lookbook_publish"
    ),
    path(
        "lookbooks/<uuid:public_id>/discard/", review.lookbook_discard_view, name="lookbook_discard"
    ),
    path(
        "lookbooks/<uuid:public_id>/withdraw/",
        review.lookbook_withdraw_view,
        name="lookbook_withdraw",
    ),
    path(
        "lookbooks/<uuid:public_id>/items/<int:item_id>/keep/",
        review.lookbook_item_keep_view,
        name="lookbook_item_keep",
    ),
    path(
        "lookbooks/<uuid:public_id>/items/<int:item_id>/remove/",
        review.lookbook_item_remove_view,
        name="lookbook_item_remove",
    ),
    path(
        "lookbooks/<uuid:public_id>/items/<int:item_id>/restore/",
        review.lookbook_item_restore_view,
        name="lookbook_item_restore",
    ),
    path(
        "lookbooks/<uuid:public_id>/items/<int:item_id>/swap/",
        review.lookbook_item_swap_view,
        name="lookbook_item_swap",
    ),
    path(
        "lookbooks/<uuid:public_id>/items/<int:item_id>/move/",
        review.lookbook_item_move_view,
        name="lookbook_item_move",
    ),
    path(
        "clients/<uuid:client_public_id>/lookbooks/new/", review.lookbook_new, name="lookbook_new"
    ),
]
