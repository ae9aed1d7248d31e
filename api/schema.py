"""The OpenAPI schema: what drf-spectacular finds in the views, plus the error answers
every operation can give, so that a client (and the schemathesis test) knows them."""

ERROR = {
    "type": "object",
    "description": (
        'What went wrong: {"detail": "..."}, or for invalid parameters the messages per '
        'parameter, {"year": ["Enter a whole number."]}.'
    ),
    "additionalProperties": {
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    },
}


def error(description, headers=None):
    response = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if headers:
        response["headers"] = headers
    return response


RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before the next request.",
    }
}


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: 400 for an invalid parameter (lists) or a detail's filter, 404
    for an unknown key, 429 when the client has made too many requests."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if operation.get("parameters"):
                responses.setdefault("400", error("An invalid parameter, with the reason."))
            if "{key}" in path:
                responses.setdefault("404", error("No record with this key."))
            responses.setdefault("429", error("Too many requests.", RETRY_AFTER))
    return result
