"""Signals the clients app sends for what its bulk writes do not announce by themselves.

``bulk_create`` sends no ``post_save``: an order import says once per batch which clients
have new completed purchases, so that an app above (recommendations) can react, e.g. by
refreshing their drafts, without the import knowing who listens.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the import's transaction with ``client_ids`` (a set of Client pks).
purchases_recorded = Signal()
