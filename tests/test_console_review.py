"""Console forms given what no page of the console sends: a clear page, never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.config.text import load_config
from tests.conftest import config_file_in
from tests.test_console import ORIGIN, TEXT, signed_in

pytestmark = pytest.mark.anyio


@pytest.fixture
def console_app(tmp_path: Path) -> Starlette:
    path = config_file_in(tmp_path, TEXT)
    return create_app(load_config(path), config_path=path)


async def test_a_refused_retry_with_a_long_webhook_filter_is_a_page(
    console_app: Starlette,
) -> None:
    async with signed_in(console_app) as client:
        form = {"status": "failed", "webhook": "w" * 300}
        retry = await client.post("/admin/ui/deliveries/nope/retry", data=form, headers=ORIGIN)
        assert retry.status_code == 404, retry.text[:300]
        assert "Not sent again: there is no such delivery" in retry.text
