"""The human in the loop: every stylist decision on a lookbook, each one a ReviewEvent.

Contract (C5), for every action (modules: pieces, lookbooks, publishing; shared steps in base):
- keyword-only arguments, one transaction (`@transaction.atomic`);
- the lookbook row is locked first (`select_for_update`), so two requests on
  the same lookbook queue up instead of interleaving;
- `expected_version` must equal `Lookbook.version`, or `StaleLookbook` is
  raised ("This lookbook changed in another tab — reload to see the latest")
  and nothing changes; a change bumps the version;
- exactly one ReviewEvent (actor, action, reason, reason_text, item, product,
  payload) is written in the same transaction; it is training signal for the
  next model. An action that would change nothing (saving the same note,
  posting the same order) writes nothing and keeps the version;
- only drafts and lookbooks in review are edited; a published lookbook can
  only be withdrawn; withdrawn and discarded ones are closed;
- positions stay dense: the pieces that will be published are 1..n in their
  order, removed pieces follow them (they are never shown to the client).

Refusals are `django.core.exceptions.ValidationError` with one sentence for
the screen (`StaleLookbook` is one too). Permission checks belong to the
caller (views use `clients.selectors.client_for_user(..., for_change=True)`).
"""

from recommendations.services.review.base import (
    EDITABLE,
    STALE_MESSAGE,
    DiscardReason,
    StaleLookbook,
)
from recommendations.services.review.lookbooks import (
    lookbook_create_by_hand,
    lookbook_discard,
    lookbook_open_for_review,
    lookbook_set_note,
    lookbook_set_title,
    lookbook_withdraw,
)
from recommendations.services.review.pieces import (
    lookbook_item_add,
    lookbook_item_keep,
    lookbook_item_remove,
    lookbook_item_restore,
    lookbook_item_swap,
    lookbook_reorder,
)
from recommendations.services.review.publishing import (
    lookbook_link,
    lookbook_notice,
    lookbook_publish,
    notify_client_of_lookbook,
)

__all__ = [
    "EDITABLE",
    "STALE_MESSAGE",
    "DiscardReason",
    "StaleLookbook",
    "lookbook_create_by_hand",
    "lookbook_discard",
    "lookbook_item_add",
    "lookbook_item_keep",
    "lookbook_item_remove",
    "lookbook_item_restore",
    "lookbook_item_swap",
    "lookbook_link",
    "lookbook_notice",
    "lookbook_open_for_review",
    "lookbook_publish",
    "lookbook_reorder",
    "lookbook_set_note",
    "lookbook_set_title",
    "lookbook_withdraw",
    "notify_client_of_lookbook",
]
