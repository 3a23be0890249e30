"""The stylist dashboard's pages, one module per area; the names urls.py uses are re-exported.

- today: Today and the follow-ups' one-click actions
- book: the client book and the client story with its inline edits
- conversations: messages, one thread, sending, templates
- appointments: the advisor's appointments and their status
- team: the manager's team board and book reassignment
- quality: data quality of a boutique, each book, the records to fix
- kpis: KPI dashboards for managers (charts, CSV)
- merges: the manager's merge queue (suggested duplicates, merge, reject, undo)
- audit: head office's review of staff access to client records
- export: the client book as CSV (consent-aware, logged, rate-limited)
"""

from stylists.views.appointments import (
    appointment_status,
    appointment_video,
    appointment_video_guest,
    appointments,
)
from stylists.views.audit import staff_access_audit
from stylists.views.book import (
    client_detail,
    client_list,
    note_add_view,
    note_pin_view,
    occasion_add_view,
    occasion_delete_view,
    occasion_edit_view,
    preferences_edit_view,
    sizes_edit_view,
)
from stylists.views.conversations import (
    compose_template,
    conversation,
    message_send_view,
    messages_list,
)
from stylists.views.export import client_export
from stylists.views.kpis import kpi_export, kpis
from stylists.views.merges import merge_accept, merge_queue, merge_reject, merge_undo
from stylists.views.quality import data_quality
from stylists.views.team import team, team_reassign
from stylists.views.team_exports import quality_export, team_export
from stylists.views.today import (
    follow_up_dismiss_view,
    follow_up_done,
    follow_up_snooze_view,
    today,
)

__all__ = [
    "appointment_status",
    "appointment_video",
    "appointment_video_guest",
    "appointments",
    "client_detail",
    "client_export",
    "client_list",
    "compose_template",
    "conversation",
    "data_quality",
    "follow_up_dismiss_view",
    "follow_up_done",
    "follow_up_snooze_view",
    "kpi_export",
    "kpis",
    "merge_accept",
    "merge_queue",
    "merge_reject",
    "merge_undo",
    "message_send_view",
    "messages_list",
    "note_add_view",
    "note_pin_view",
    "occasion_add_view",
    "occasion_delete_view",
    "occasion_edit_view",
    "preferences_edit_view",
    "quality_export",
    "sizes_edit_view",
    "staff_access_audit",
    "team",
    "team_export",
    "team_reassign",
    "today",
]
