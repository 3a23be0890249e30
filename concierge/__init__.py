"""The client's web concierge, "Your Style Story": pages, the privacy centre, the client API.

An interface package (see docs/architecture.md): it composes clients, consent,
stylists and recommendations from above and holds no domain rules of its own.
The stylist dashboard never imports it, nor it the dashboard.
"""
