"""Change tracking (API.md section 9): what changed, told once, to pollers and webhooks.

- ``fingerprint.py``: a record's snapshot entry (a short hash per canonical field) and
  the canonical fields two entries differ in.
- ``feed.py``: ``ChangeFeed`` records an event (from a write through the gateway, or
  from the poller), queues a delivery per matching webhook, and pages ``/v1/events``.
- ``poller.py``: one poller per connection across instances (a lease in the store)
  compares full scans with the previous snapshot.
- ``webhooks.py``: the delivery worker: Standard Webhooks signatures, retries with
  backoff, deliveries that survive restarts, one attempt of each in flight anywhere.
- ``webhook_client.py``: one POST to a receiver, bounded as a whole by the webhook's
  timeout, its answer read up to 64 KiB, its address passed by the egress policy.

Everything durable is in the state store (gateway/store/), so it holds across restarts
and, on ``redis``, across instances.
"""
