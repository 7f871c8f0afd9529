"""What the OpenAPI document says in words: each operation's ID and opening paragraph,
each status and header.

The operation IDs are resource-style, ``resource_verb`` in snake case
(``customers_list``, ``customers_retrieve``, ``contacts_create``, ``admin_config_get``):
SDK generators name their functions after them, where the path-derived names they
replaced (``get_v1_customers_id``) read like URLs. No dots: Swagger UI would turn them
into underscores in its anchors, and some generators into nested namespaces. Each
operation also names the adapter ``Operation`` it needs, so the document can say which
of this deployment's connections can do it (gateway/http/openapi_deployment.py).
docs/api-reference.md lists the scheme.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.operations import Operation as Op


@dataclass(frozen=True, slots=True)
class Words:
    operation_id: str
    text: str  # the opening paragraph: what the operation does
    needs: Op | None = None  # the adapter capability it needs, if any


_CUSTOMER = "/v1/customers/{id}"
_CONTACT = "/v1/customers/{id}/contacts/{contact_id}"
_ITEM = "/v1/items/{id}"
_PASSTHROUGH = "/v1/passthrough/{connection}/{path}"
_RAW = (
    "Sends the request to the connection's upstream as it is, under the upstream's API "
    "root, with the connection's credentials added; the upstream's status, body and "
    "headers come back, with any secret it echoes redacted to `***`. Nothing is cached, "
    "and a passthrough call never opens the connection's circuit breaker."
)

OPERATIONS: dict[tuple[str, str], Words] = {
    ("GET", "/v1/customers"): Words(
        "customers_list",
        "Returns a page of customers of one connection, or of several (`connection=*` or "
        "`a,b`: each connection in config order). Filters narrow the page; `sort` orders "
        "it; `meta.next_cursor` fetches the next page with the same query.",
        Op.LIST_CUSTOMERS,
    ),
    ("POST", "/v1/customers"): Words(
        "customers_create",
        "Creates a customer in the connection's upstream and returns it as the upstream "
        "now holds it, with a `Location` header. Send an `Idempotency-Key` to retry safely.",
        Op.CREATE_CUSTOMER,
    ),
    ("GET", "/v1/customers/by-code/{code}"): Words(
        "customers_retrieve_by_code",
        "Finds the one customer whose code is exactly `code` on the connection.",
        Op.GET_CUSTOMER_BY_CODE,
    ),
    ("GET", _CUSTOMER): Words(
        "customers_retrieve",
        "Returns one customer, with its contacts where the connection has them. The ID "
        "names its connection (`connection:remote_id`).",
        Op.GET_CUSTOMER,
    ),
    ("PATCH", _CUSTOMER): Words(
        "customers_update",
        "Updates a customer as a JSON merge patch: a field left out stays as it is, a "
        "field sent as `null` is cleared. Returns the customer as the upstream now holds it.",
        Op.UPDATE_CUSTOMER,
    ),
    ("DELETE", _CUSTOMER): Words(
        "customers_delete", "Deletes a customer in its upstream.", Op.DELETE_CUSTOMER
    ),
    ("GET", "/v1/customers/{id}/contacts"): Words(
        "contacts_list", "Returns the customer's contacts.", Op.LIST_CONTACTS
    ),
    ("POST", "/v1/customers/{id}/contacts"): Words(
        "contacts_create",
        "Adds a contact to the customer and returns it, with a `Location` header.",
        Op.CREATE_CONTACT,
    ),
    ("GET", _CONTACT): Words(
        "contacts_retrieve",
        "Returns one contact of the customer; a contact of another customer is 404.",
        Op.GET_CONTACT,
    ),
    ("PATCH", _CONTACT): Words(
        "contacts_update",
        "Updates a contact as a JSON merge patch (absent: unchanged, `null`: cleared).",
        Op.UPDATE_CONTACT,
    ),
    ("DELETE", _CONTACT): Words("contacts_delete", "Deletes a contact.", Op.DELETE_CONTACT),
    ("GET", "/v1/customers/{id}/orders"): Words(
        "orders_list", "Returns a page of the customer's orders.", Op.LIST_ORDERS
    ),
    ("GET", "/v1/customers/{id}/analytics"): Words(
        "customers_analytics",
        "Returns the customer's analytics over the chosen period.",
        Op.GET_ANALYTICS,
    ),
    ("POST", "/v1/customers/{id}/credit-check"): Words(
        "customers_credit_check",
        "Runs a credit check on the customer in its upstream and returns the outcome.",
        Op.CREDIT_CHECK,
    ),
    ("GET", "/v1/items"): Words(
        "items_list",
        "Returns a page of items (the item master); filters narrow it, `sort` orders it, "
        "`meta.next_cursor` fetches the next page with the same query.",
        Op.LIST_ITEMS,
    ),
    ("POST", "/v1/items"): Words(
        "items_create",
        "Creates an item and returns it, with a `Location` header. Send an "
        "`Idempotency-Key` to retry safely.",
        Op.CREATE_ITEM,
    ),
    ("GET", "/v1/items/search"): Words(
        "items_search",
        "Type-ahead: at most 20 items whose code or description matches `q`.",
        Op.SEARCH_ITEMS,
    ),
    ("GET", _ITEM): Words(
        "items_retrieve",
        "Returns one item, with its documents and pending changes.",
        Op.GET_ITEM,
    ),
    ("PATCH", _ITEM): Words(
        "items_update",
        "Updates an item as a JSON merge patch (absent: unchanged, `null`: cleared).",
        Op.UPDATE_ITEM,
    ),
    ("DELETE", _ITEM): Words("items_delete", "Deletes an item.", Op.DELETE_ITEM),
    ("POST", "/v1/items/{id}/duplicate"): Words(
        "items_duplicate",
        "Copies the item into a new one and returns the copy, with a `Location` header.",
        Op.DUPLICATE_ITEM,
    ),
    ("POST", "/v1/items/{id}/verify"): Words(
        "items_verify", "Marks the item verified and returns it.", Op.VERIFY_ITEM
    ),
    ("GET", "/v1/items/{id}/pending-changes"): Words(
        "items_pending_changes_list",
        "Returns the item's changes waiting for approval (or those decided).",
        Op.LIST_PENDING_CHANGES,
    ),
    ("GET", "/v1/items/{id}/documents"): Words(
        "items_documents_list", "Returns the item's documents.", Op.LIST_DOCUMENTS
    ),
    ("GET", "/v1/connections"): Words(
        "connections_list",
        "Returns each connection this key may use: its adapter and API version, health, "
        "which operations it can do, and which filters and sorts are native, emulated or "
        "unsupported. Read it to know what a call will do before making it.",
    ),
    ("GET", "/v1/events"): Words(
        "events_list",
        "Returns changes, oldest first: writes made through the gateway and changes found "
        "by polling the upstreams. Keep `meta.next_cursor` and poll with it to receive "
        "only newer events, none lost and none repeated.",
    ),
    ("GET", _PASSTHROUGH): Words("passthrough_get", _RAW),
    ("POST", _PASSTHROUGH): Words("passthrough_post", _RAW),
    ("PUT", _PASSTHROUGH): Words("passthrough_put", _RAW),
    ("PATCH", _PASSTHROUGH): Words("passthrough_patch", _RAW),
    ("DELETE", _PASSTHROUGH): Words("passthrough_delete", _RAW),
    ("GET", "/admin/config"): Words(
        "admin_config_get",
        "Returns the running config with every secret shown as `***` (environment "
        "references as written), and its `ETag` for a later `PUT` or rollback.",
    ),
    ("PUT", "/admin/config"): Words(
        "admin_config_replace",
        "Validates the config (YAML or JSON), writes it atomically (the previous one kept "
        "as `config.yaml.bak`, comments preserved) and applies it live on every instance. "
        "A secret sent as `***` keeps its current value. `If-Match` must be the ETag of "
        "the config you read.",
    ),
    ("POST", "/admin/config/validate"): Words(
        "admin_config_validate",
        "Checks a config without applying it: 200 when valid, 422 with the path of every "
        "problem otherwise.",
    ),
    ("POST", "/admin/reload"): Words(
        "admin_config_reload",
        "Re-reads the config file after a hand edit; an invalid file is refused and the "
        "running config stays.",
    ),
    ("GET", "/admin/connections"): Words(
        "admin_connections_list",
        "Returns each connection's health, circuit state, cache, upstream and rate-limit figures.",
    ),
    ("GET", "/admin/audit"): Words(
        "admin_audit_list",
        "Returns the audit records (every write and admin action), newest first.",
    ),
    ("GET", "/admin/config/versions"): Words(
        "admin_config_versions_list",
        "Returns every accepted config, newest first, including the one loaded at start.",
    ),
    ("GET", "/admin/config/versions/{id}"): Words(
        "admin_config_versions_retrieve", "Returns one accepted config version."
    ),
    ("POST", "/admin/config/rollback"): Words(
        "admin_config_rollback",
        "Applies an earlier config version again, validated and applied live like a `PUT` "
        "(and itself recorded as a new version).",
    ),
    ("GET", "/admin/webhooks"): Words(
        "admin_webhooks_list", "Returns the configured webhooks, secrets masked."
    ),
    ("GET", "/admin/webhooks/deliveries"): Words(
        "admin_webhooks_deliveries_list",
        "Returns webhook deliveries, newest first, with their status and attempts.",
    ),
    ("POST", "/admin/webhooks/deliveries/{id}/retry"): Words(
        "admin_webhooks_deliveries_retry",
        "Sends a delivery again now, with the same `webhook-id`.",
    ),
    ("GET", "/"): Words("root_get", "Where to start: links to this document and the docs."),
    ("GET", "/healthz"): Words("health_get", "Liveness: 200 while the process serves."),
    ("GET", "/readyz"): Words(
        "readiness_get",
        "Readiness: 503 while the process drains, or when every connection's circuit is "
        "open; take the instance out of the balancer then.",
    ),
    ("GET", "/metrics"): Words("metrics_get", "Prometheus metrics, in the text format."),
    ("GET", "/openapi.json"): Words(
        "openapi_get", "This document, for this deployment's connections."
    ),
    ("GET", "/docs"): Words("docs_get", "The API reference page (Swagger UI on this document)."),
    ("GET", "/docs/assets/{name}"): Words(
        "docs_assets_get", "A file of the reference page (Swagger UI, vendored)."
    ),
}

# The config answers as YAML (comments and all) to ``Accept: application/yaml``, else JSON.
YAML_ANSWERS = {
    ("GET", "/admin/config"),
    ("PUT", "/admin/config"),
    ("POST", "/admin/config/rollback"),
}

# Status descriptions: what happened, and for errors what to do next.
STATUS_TEXT = {
    200: "OK",
    201: "Created: the new resource as the upstream now holds it",
    204: "No Content: done",
    304: "Not Modified: the If-None-Match ETag is still current",
    308: "Permanent Redirect: the same request at Location",
    400: "Bad Request: a parameter, filter, cursor or connection choice is wrong; "
    "error.details names it",
    401: "Unauthorized: no valid API key; send Authorization: Bearer <key>",
    403: "Forbidden: the API key lacks the scope, or may not use the connection",
    404: "Not Found: no such resource (an ID is connection:remote_id)",
    405: "Method Not Allowed: the path takes other methods (see Allow)",
    409: "Conflict: the upstream refused it for its data (a duplicate code, linked records), "
    "or a write with this Idempotency-Key is still in flight",
    412: "Precondition Failed: If-Match is not the current config's ETag; read it again",
    413: "Content Too Large: the body is over server.max_body_bytes",
    422: "Unprocessable Content: the body is not valid (error.details names each field), "
    "or the Idempotency-Key was used with another body",
    428: "Precondition Required: send If-Match with the config's ETag",
    429: "Too Many Requests: this API key's rate limit, or the upstream's (the connection's "
    "budget, or the upstream answered 429); retry after Retry-After seconds",
    501: "Not Implemented: the connection cannot do this; error.message names an "
    "alternative where there is one",
    502: "Bad Gateway: the upstream failed or answered something unusable",
    503: "Service Unavailable: the connection's circuit is open (see Retry-After), or the "
    "state store is down",
    504: "Gateway Timeout: the upstream did not answer in time",
}

# What a caller does about each error, for the operation's description.
ADVICE = {
    400: "fix the parameter `error.details` names; a cursor works only with its own query",
    401: "send `Authorization: Bearer <key>` with a configured key",
    403: "use a key with the scope, or name a connection the key may use",
    404: "check the ID: it is `connection:remote_id`, as a list returns it",
    409: "read the resource, resolve the conflict in its data, then retry",
    412: "GET the config again and send its `ETag` as `If-Match`",
    413: "send a smaller body",
    422: "correct each field `error.details` names; a reused `Idempotency-Key` needs the same body",
    428: "send `If-Match` with the config's `ETag`",
    429: "wait `Retry-After` seconds and retry",
    501: "use another connection, or the alternative `error.message` gives",
    502: "retry later; `error.upstream_status` says what the upstream answered",
    503: "retry after `Retry-After`; reads may still be served from the cache",
    504: "retry later; a write may have reached the upstream, so read before writing again",
}


# Response headers, each described once in components/headers and referenced by name.
HEADERS: dict[str, dict[str, object]] = {}


def _header(
    name: str, description: str, schema: dict[str, object] | None = None, component: str = ""
) -> dict[str, object]:
    """``name`` as a response header: a reference to its description in components."""
    component = component or name
    HEADERS[component] = {"description": description, "schema": schema or {"type": "string"}}
    return {name: {"$ref": f"#/components/headers/{component}"}}


_INT = {"type": "integer", "minimum": 0}
REQUEST_ID = _header("X-Request-ID", "This request's ID (the caller's, or made here)")
RATE_LIMIT = {
    **_header("RateLimit-Limit", "Requests the API key may make per window (limited keys)", _INT),
    **_header("RateLimit-Remaining", "Requests left in the current window", _INT),
    **_header("RateLimit-Reset", "Seconds until the window frees a request", _INT),
}
CACHED = {
    **_header("ETag", "The answer's entity tag; send it as If-None-Match to get 304"),
    **_header(
        "X-Cache",
        "HIT, MISS, STALE (served from cache after an upstream failure) or BYPASS",
        {"type": "string", "enum": ["HIT", "MISS", "STALE", "BYPASS"]},
    ),
}
CREATED = _header("Location", "The path of the resource created")
REPLAYED = _header(
    "Idempotent-Replayed",
    "true when this is the stored answer of an earlier request with the same "
    "Idempotency-Key (no second upstream write)",
    {"type": "string", "enum": ["true"]},
)
RETRY_AFTER = _header("Retry-After", "Seconds to wait before retrying", _INT)
CONFIG_ETAG = _header(
    "ETag", "The config's ETag: send it as If-Match to change it", component="ConfigETag"
)

IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "an ETag of an earlier answer: 304 with no body while it is current",
}
CACHE_CONTROL = {
    "name": "Cache-Control",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "no-cache: read from the upstream, not the gateway's cache",
}

TAGS = [
    {"name": "customers", "description": "Customers of every connection, one canonical shape"},
    {"name": "contacts", "description": "A customer's contacts"},
    {"name": "insights", "description": "Orders, analytics and credit checks"},
    {"name": "items", "description": "The item master"},
    {"name": "events", "description": "Changes, to poll or receive as webhooks"},
    {"name": "passthrough", "description": "Raw calls to an upstream, credentials added"},
    {"name": "admin", "description": "Config, audit, webhooks (scope admin)"},
    {"name": "operations", "description": "Health, readiness, metrics, this document"},
]
