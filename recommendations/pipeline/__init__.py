"""The nightly recommendation pipeline: set-based extraction, training, drafting and bulk writes.

Modules, in the order data flows through them:

- ``extract``: the consented signals as numpy arrays (SIGNALS is the weights and consent table)
- ``catalogue``: products, their sizes and stock by place, as arrays
- ``train``: matrix, hyperparameter choice, the nightly fit, hold-out evaluation, artifacts
- ``audience``: who needs a draft tonight, and why
- ``coldstart``: content features for clients without history and products without signals
- ``draft``: candidates, business rules, MMR diversity and the occasion boost, vectorised
- ``explain``: the sentence a stylist reads next to every drafted piece
- ``write``: drafts to the database in bulk (COPY on PostgreSQL)

The services in ``recommendations.services.training`` and ``.drafting`` compose them;
nothing here decides a business flow on its own or sends anything to a client.
"""
