"""Background tasks: how they are stopped."""

from __future__ import annotations

import asyncio
from typing import Any


async def cancel_all(tasks: list[asyncio.Task[Any]], grace: float = 5.0) -> None:
    """Cancel ``tasks`` and wait for them, at most ``grace`` seconds: stopping never hangs."""
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=grace)
