"""Fixtures of what the gateway tells operators: its log lines and its spans (tests/conftest.py
imports them so every test can ask for them)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gateway.observability import tracing
from gateway.observability.logging import configure_logging


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Every log line the test writes, JSON as in production (test_logging, test_access_log)."""
    stream = io.StringIO()
    configure_logging("debug", stream)
    yield stream
    configure_logging("debug")


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """The spans tracing makes while the test runs (the SDK's in-memory exporter)."""
    exporter = InMemorySpanExporter()
    tracing.export_to(SimpleSpanProcessor(exporter))
    yield exporter
    tracing.export_to(None)
