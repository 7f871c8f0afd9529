"""``make chaos``: the adversarial scenarios of issue 28 replayed against real processes,
with the duplicates and losses of each counted from the upstream itself.

    .venv/bin/python -m tests.chaos [--only crash,burst] [--report FILE]

Each scenario (one module here) starts its own BorderBolt simulator process, Redis when
it needs one, and gateway processes (tests/servers.py), does the fault for real and
returns one ``Row`` (tests/chaos/report.py): requests sent, duplicates (extra upstream
writes for one ``Idempotency-Key``, or a webhook delivery with two attempts in flight at
once), lost (a write answered 2xx that the upstream does not hold, or an event of an
acknowledged write missing where the scenario says it must not be) and what it
measured. The run exits 1 when any scenario counts a duplicate or a loss, or breaks
another promise it checks (a 503 in a burst, memory growth past 50 MB...).
"""
