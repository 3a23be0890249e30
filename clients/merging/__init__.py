"""One profile per client: merge and unmerge (moves), and merge suggestions (suggestions).

On its own floor above consent and stylists (it records the stricter consent and
moves every row that points at a client, whichever app owns it), below the
interfaces. The public names are re-exported here.
"""

from clients.merging.moves import (
    MergeError,
    client_merge,
    client_relations,
    client_unmerge,
    open_merges_of,
)
from clients.merging.suggestions import (
    find_pairs,
    merge_suggestion_reject,
    merge_suggestions_refresh,
    score_pair,
)

__all__ = [
    "MergeError",
    "client_merge",
    "client_relations",
    "client_unmerge",
    "find_pairs",
    "merge_suggestion_reject",
    "merge_suggestions_refresh",
    "open_merges_of",
    "score_pair",
]
