"""The kernel both layers stand on: errors, canonical IDs, request context, resilience.

It imports nothing of ``gateway`` or ``adapters``: arrows point one way,
``gateway`` -> ``adapters`` -> ``kernel`` and ``schemas``.
"""
