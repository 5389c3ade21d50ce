"""Waiting for a kernel's message in short slices, so a lost wakeup costs a second instead of a hung page.

The app's page (Voila) and the headless runs (papermill) wait for each cell's ``execute_reply`` with
jupyter_client's ``AsyncZMQSocketChannel.get_msg``: one ``socket.poll`` until the deadline, or forever when
there is none (Voila). pyzmq's asyncio poll is woken by the ZMQ file descriptor, which is edge-triggered; that
wakeup is sometimes lost. The reply then sits in the socket while the wait goes on. It was seen as the app's page
spinning on "krok 2 z 3" forever (CI, and here whenever the disk cache was cold: 3 runs of 3) while the kernel
had long finished; a debug log showed the reply found only by a later poll.

A poll that ends on its timeout checks the socket once more (``zmq_poll`` with no wait), so waiting in slices of
:data:`SLICE_SECONDS` finds such a message at the end of the slice. :func:`install` does this for every wait of
the process; the overall deadline and the answer are the same as before.
"""

from __future__ import annotations

from time import monotonic
from typing import Any

SLICE_SECONDS = 0.5
_MARK = "_pzk_sliced"


def install() -> None:
    """Make every asyncio kernel-message wait of this process poll in slices (idempotent)."""
    from jupyter_client.channels import AsyncZMQSocketChannel

    if getattr(AsyncZMQSocketChannel.get_msg, _MARK, False):
        return
    AsyncZMQSocketChannel._pzk_original_get_msg = AsyncZMQSocketChannel.get_msg  # type: ignore[attr-defined]
    AsyncZMQSocketChannel.get_msg = _sliced_get_msg  # type: ignore[method-assign]


async def _sliced_get_msg(self: Any, timeout: float | None = None) -> dict[str, Any]:
    """``get_msg`` with the same meaning (``timeout`` in seconds, None = no limit; ``Empty`` when it passes)."""
    from queue import Empty

    assert self.socket is not None
    deadline = None if timeout is None else monotonic() + timeout
    while True:
        left = SLICE_SECONDS if deadline is None else min(SLICE_SECONDS, max(0.0, deadline - monotonic()))
        if await self.socket.poll(int(left * 1000)):
            return await self._recv()
        if deadline is not None and monotonic() >= deadline:
            raise Empty


setattr(_sliced_get_msg, _MARK, True)


def run_voila() -> None:
    """Voila's own entry point, with the sliced waits installed first (``python -m pzk_kit.runs.kernel_wakeup``)."""
    install()
    from voila.app import main

    main()


if __name__ == "__main__":
    run_voila()
