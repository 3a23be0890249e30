"""Writes on lookbooks and models, one module per flow; the public names are re-exported here.

- consent: withdraw drafts when a client's consent narrows
- training: train a model version, judge it on a hold-out window, promote it
- drafting: draft lookbooks (with reasons) into the stylists' review queues
- review: the human in the loop, every review action with its ReviewEvent (C5)
"""

from recommendations.services.consent import (
    data_basis_allowed,
    lookbooks_withdraw_on_consent_change,
)
from recommendations.services.drafting import DraftReport, lookbooks_draft
from recommendations.services.review import (
    DiscardReason,
    StaleLookbook,
    lookbook_create_by_hand,
    lookbook_discard,
    lookbook_item_add,
    lookbook_item_keep,
    lookbook_item_remove,
    lookbook_item_restore,
    lookbook_item_swap,
    lookbook_open_for_review,
    lookbook_publish,
    lookbook_reorder,
    lookbook_set_note,
    lookbook_set_title,
    lookbook_withdraw,
)
from recommendations.services.training import (
    TrainingInProgress,
    load_model_version,
    model_promote,
    model_train,
)

__all__ = [
    "DiscardReason",
    "DraftReport",
    "StaleLookbook",
    "TrainingInProgress",
    "data_basis_allowed",
    "load_model_version",
    "lookbook_create_by_hand",
    "lookbook_discard",
    "lookbook_item_add",
    "lookbook_item_keep",
    "lookbook_item_remove",
    "lookbook_item_restore",
    "lookbook_item_swap",
    "lookbook_open_for_review",
    "lookbook_publish",
    "lookbook_reorder",
    "lookbook_set_note",
    "lookbook_set_title",
    "lookbook_withdraw",
    "lookbooks_draft",
    "lookbooks_withdraw_on_consent_change",
    "model_promote",
    "model_train",
]
