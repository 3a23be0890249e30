"""The lookbook review pages for advisors: the queue, the review page and its actions.

Modules: pages (GET), actions (POST), responses (how both answer).

Every action is a POST carrying the lookbook version it was drawn from. With
htmx it answers with the pieces fragment, the new version for every form on
the page (out of band) and a toast; without JavaScript it redirects back with
a message. Bad input re-renders the form with its errors and what was typed;
a refused action changes nothing and says why.

Who: the client's own advisor acts; managers and head office read (403 on
actions); everyone else gets 404 (clients included: stylist_required).
"""

from recommendations.views.actions import (
    lookbook_add_view,
    lookbook_details_view,
    lookbook_discard_view,
    lookbook_item_keep_view,
    lookbook_item_move_view,
    lookbook_item_remove_view,
    lookbook_item_restore_view,
    lookbook_item_swap_view,
    lookbook_publish_view,
    lookbook_reorder_view,
    lookbook_withdraw_view,
)
from recommendations.views.pages import lookbook_new, lookbook_review, lookbook_search, review_queue

__all__ = [
    "lookbook_add_view",
    "lookbook_details_view",
    "lookbook_discard_view",
    "lookbook_item_keep_view",
    "lookbook_item_move_view",
    "lookbook_item_remove_view",
    "lookbook_item_restore_view",
    "lookbook_item_swap_view",
    "lookbook_new",
    "lookbook_publish_view",
    "lookbook_reorder_view",
    "lookbook_review",
    "lookbook_search",
    "lookbook_withdraw_view",
    "review_queue",
]
