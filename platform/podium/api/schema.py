"""What the OpenAPI schema says once for every operation, because PodiumAPIView does it for all.

drf-spectacular describes each view from its annotations; this hook (SPECTACULAR_SETTINGS'
POSTPROCESSING_HOOKS) adds what every API view shares: the X-RateLimit-* headers on every answer,
the rate-limit 429 with `Retry-After`, the 400 of invalid input wherever there is input, and the
401 wherever a token is accepted, all with the shared `Error` body.
"""

from __future__ import annotations

from .throttling import LIMIT, REMAINING, RESET

HEADERS = {
    LIMIT: "Requests allowed in the rate-limit window.",
    REMAINING: "Requests left in the window.",
    RESET: "Seconds until the oldest counted request leaves the window.",
}
RETRY_AFTER = "Retry-After"
ERROR_REF = {"$ref": "#/components/schemas/Error"}
METHODS = ("get", "put", "post", "patch", "delete")


def document_common_answers(result, generator, request, public):
    components = result.setdefault("components", {})
    headers = components.setdefault("headers", {})
    for name, description in HEADERS.items():
        headers[name] = {"schema": {"type": "integer", "minimum": 0}, "description": description}
    headers[RETRY_AFTER] = {
        "schema": {"type": "integer", "minimum": 0},
        "description": "Seconds to wait before the next request.",
    }
    shared = {name: {"$ref": f"#/components/headers/{name}"} for name in HEADERS}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            shared_errors = {"429": "Too many requests: wait `Retry-After` seconds"}
            if "requestBody" in operation or any(
                p["in"] == "query" for p in operation.get("parameters", [])
            ):
                shared_errors["400"] = "Invalid input; `detail` names the field and the problem"
            # Where a token may be sent at all, an invalid one is refused, even on views that
            # anonymous callers may read.
            if any(operation.get("security", [])):
                shared_errors["401"] = "Not authenticated, or the token is invalid"
            for code, description in shared_errors.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
            for code, response in responses.items():
                response.setdefault("headers", {}).update(shared)
                if code == "429":
                    response["headers"][RETRY_AFTER] = {
                        "$ref": f"#/components/headers/{RETRY_AFTER}"
                    }
    return result
