"""For ASGI servers: ``uvicorn --factory gateway.asgi:create`` (reads $GATEWAY_CONFIG).

Each worker of ``gateway serve --workers N`` is made here, with ``PROMETHEUS_MULTIPROC_DIR``
already set by the supervisor (gateway/serving/workers.py). Under another server with several
workers, set it to an empty directory before the server starts
(gateway/observability/metrics.py)."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette

from gateway.app import create_app
from gateway.config.model import DEFAULT_PATH
from gateway.config.text import load_config
from gateway.observability.logging import configure_logging
from gateway.serving.collector import tune_for_serving
from gateway.serving.server import use_limits


def create() -> Starlette:
    path = Path(os.environ.get("GATEWAY_CONFIG") or DEFAULT_PATH).resolve()
    config = load_config(path)
    configure_logging(config.server.log_level)
    use_limits(config.server.limits)
    tune_for_serving()  # gateway/serving/collector.py
    return create_app(config, config_path=path)
