"""Pure recommendation library for Atelier: no Django, no ORM, only numpy/scipy/implicit/sklearn.

Modules: ``matrix`` (interaction containers, CSR building, confidence weighting),
``datasets`` (CSV readers and the Online Retail cleaner), ``splits`` (random and temporal
train/test splits), ``metrics`` (nDCG/precision/recall/MAP/coverage@k), ``ranking``
(batched top-N with filters), ``als`` (implicit ALS fit/recommend/save/load),
``baselines`` (most popular, item-item cosine), ``tuning`` (validation-based
hyperparameter choice), ``content`` (cold start from product content and stated
preferences) and ``evaluation`` (the offline protocol behind ``evaluate_recommendations``).
Import the submodules directly; this package imports nothing heavy on its own.
"""

from __future__ import annotations
