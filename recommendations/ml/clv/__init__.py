"""Client value: BG/NBD + Gamma-Gamma (the baseline) and the house's model that must beat it.

Pure numpy/scipy/scikit-learn: transactions (client-days from CDNOW or Online
Retail), rfm (per-client summaries at a cut-off), bgnbd, model, evaluation.
"""
