"""The client API for the house's mobile app, under /api/v1/ (documented in /api/schema/).

Every endpoint serves the signed-in client her own things only: the client is
the token's user's Client (clients.selectors.client_for_concierge), staff and
anyone else get 404, anonymous callers 401. Writes go through the same
services as the concierge's pages.

- serializers: what goes in and out
- views: reactions, availability, appointments (+ reschedule, cancel),
  occasions, styling requests, messages
"""
