"""Signing in, for every audience: the login page, two-factor, API tokens.

An interface package (see docs/architecture.md): the stylist dashboard, the
concierge and the API all sit beside it and may ask it whether a session has
done its second factor.
"""
