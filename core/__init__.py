"""Plumbing that knows no domain: encrypted fields, crypto and lookup hashes, CSV
safety, rate limits, API error shapes, webhook signatures, task hand-off.

The bottom floor (see docs/architecture.md): it imports Django and libraries,
never an Atelier app, and importing it builds no Celery app.
"""
