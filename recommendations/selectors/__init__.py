"""Reads of lookbooks and models, with the permission-checked getters; public names re-exported.

- access: who sees which lookbook (lookbooks_visible_to, lookbook_for_user,
  lookbook_for_review), the review queue, model versions
- stock: pieces and their stock in the client's size, search candidates
- channels: the publish channels and what consent allows on each, C1's guard
- wording: the data basis, metrics and price band in plain words
- review_page: the review page in a constant number of queries

A client never sees a draft: every client-facing read goes through
lookbooks_visible_to / lookbook_for_user, which for a client user return
only their own published lookbooks, and lookbook_items_for(for_client=True)
which leaves out removed pieces. Selectors never call a service: C1's rules
come from stylists.selectors.messaging.
"""

from __future__ import annotations

from recommendations.selectors.access import (
    REVIEWABLE,
    active_model_version,
    clients_due_a_draft,
    latest_model_version,
    lookbook_for_action,
    lookbook_for_review,
    lookbook_for_user,
    lookbook_item_asked_about,
    lookbook_items_for,
    lookbooks_visible_to,
    next_occasions,
    published_lookbooks_for_client,
    review_queue_for,
    review_queue_rows,
)
from recommendations.selectors.channels import (
    CONCIERGE,
    PUBLISH_CHANNELS,
    ChannelOption,
    channel_decisions,
    channel_label,
    channel_options,
    lookbook_notices_sent,
    message_kind_for,
    notice_held_reason,
)
from recommendations.selectors.review_page import (
    ALTERNATES_SHOWN,
    ClientSnapshot,
    ReviewPage,
    client_snapshot,
    lookbook_review_page,
)
from recommendations.selectors.stock import (
    LOW_STOCK,
    SIZE_LABELS,
    Candidate,
    StockInSize,
    lookbook_search_candidates,
    size_key_for,
    stock_in_size,
)
from recommendations.selectors.wording import DataBasisView, describe_data_basis

__all__ = [
    "ALTERNATES_SHOWN",
    "CONCIERGE",
    "LOW_STOCK",
    "PUBLISH_CHANNELS",
    "REVIEWABLE",
    "SIZE_LABELS",
    "Candidate",
    "ChannelOption",
    "ClientSnapshot",
    "DataBasisView",
    "ReviewPage",
    "StockInSize",
    "active_model_version",
    "channel_decisions",
    "channel_label",
    "channel_options",
    "client_snapshot",
    "clients_due_a_draft",
    "describe_data_basis",
    "latest_model_version",
    "lookbook_for_action",
    "lookbook_for_review",
    "lookbook_for_user",
    "lookbook_item_asked_about",
    "lookbook_items_for",
    "lookbook_notices_sent",
    "lookbook_review_page",
    "lookbook_search_candidates",
    "lookbooks_visible_to",
    "message_kind_for",
    "next_occasions",
    "notice_held_reason",
    "published_lookbooks_for_client",
    "review_queue_for",
    "review_queue_rows",
    "size_key_for",
    "stock_in_size",
]
