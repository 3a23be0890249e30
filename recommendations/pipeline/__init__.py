"""The nightly recommendation pipeline: set-based extraction, training, drafting and bulk writes.

Modules, in the order data flows through them:

- ``extract``: the consented signals as numpy arrays (SIGNALS is the weights and consent
  table); ``rows`` reads each source query's rows (binary COPY on PostgreSQL)
- ``catalogue``: products, their sizes and stock by place, as arrays
- ``train``: matrix, hyperparameter choice, the nightly fit, judging and promotion;
  ``scoring`` (fold-in, top-k, hold-out metrics) and ``artifacts`` (save, verified load)
- ``audience``: who needs a draft tonight, and why
- ``coldstart``: content features for clients without history and products without signals
- ``draft``: a package of named stages (candidates, rules and price band, occasion boost,
  MMR diversity, explanation hand-off) run in order by ``draft.Drafter``, vectorised
- ``explain``: the sentence a stylist reads next to every drafted piece
- ``write``: drafts to the database in bulk (COPY on PostgreSQL)

The services in ``recommendations.services.training`` and ``.drafting`` compose them;
nothing here decides a business flow on its own or sends anything to a client.
"""

from __future__ import annotations
