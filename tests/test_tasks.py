"""Stopping background tasks (gateway/tasks.py): never hangs, even when a task absorbs
its cancellation (Python 3.11's ``asyncio.timeout`` can turn one into a TimeoutError,
which a loop that retries on errors then swallows)."""

from __future__ import annotations

import asyncio

import pytest

from gateway.tasks import cancel_all

pytestmark = pytest.mark.anyio


async def test_a_task_that_absorbs_its_cancellation_is_waited_for_only_the_grace() -> None:
    holding = True

    async def stubborn() -> None:
        while True:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                if not holding:
                    raise
                # swallowed: the task goes on

    task = asyncio.get_running_loop().create_task(stubborn())
    await asyncio.sleep(0)
    async with asyncio.timeout(5):  # a TimeoutError here: cancel_all waited without bound
        await cancel_all([task], grace=0.2)
    assert not task.done()
    holding = False  # the test's own cleanup
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_tasks_that_stop_are_waited_for_until_they_end() -> None:
    ended: list[str] = []

    async def tidy(name: str) -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            await asyncio.sleep(0.05)  # some cleanup, then the cancellation goes on
            ended.append(name)
            raise

    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(tidy(name)) for name in ("a", "b")]
    await asyncio.sleep(0)
    await cancel_all(tasks, grace=5)
    assert sorted(ended) == ["a", "b"]
    assert all(task.cancelled() for task in tasks)
