"""The error answers of the API, documented once for the OpenAPI schema (drf-spectacular).

Without them the schema promised only 200, and a caller (or schemathesis)
could not rely on the shape of a 401, a 404 or a refused form. Every
operation lists the codes it can really give with `error_responses(...)`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text="A sentence saying what went wrong.")


# DRF's validation errors: each field (or "non_field_errors", or "detail" for a body that
# could not be parsed) with a sentence or a list of sentences.
VALIDATION_ERRORS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    },
}

_RESPONSES: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(VALIDATION_ERRORS, description="The request could not be accepted."),
    401: OpenApiResponse(ErrorDetailSerializer, description="No valid token or session."),
    403: OpenApiResponse(
        ErrorDetailSerializer,
        description="Signed in, but not allowed (e.g. two-factor not yet confirmed).",
    ),
    404: OpenApiResponse(
        ErrorDetailSerializer,
        description="No such object within the caller's reach (or no such page).",
    ),
    429: OpenApiResponse(
        ErrorDetailSerializer, description="Too many attempts; see the Retry-After header."
    ),
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """The documented error answers for these status codes."""
    return {code: _RESPONSES[code] for code in codes}
