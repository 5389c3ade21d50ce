"""Sliced waits for kernel messages (pzk_kit.runs.kernel_wakeup): a lost ZMQ wakeup no longer hangs a page or a run.

The fake socket below behaves as pyzmq's asyncio socket does when the edge-triggered wakeup is lost: the message
is in the socket, a poll without a timeout never returns, and a poll with a timeout finds the message when the
timeout ends (pyzmq checks the socket once more then).
"""

from __future__ import annotations

import asyncio
import sys
from queue import Empty

import pytest
from jupyter_client.channels import AsyncZMQSocketChannel

from pzk_kit.runs import kernel_wakeup
from pzk_kit.workshop import servers as app_server

MESSAGE = {"msg_type": "execute_reply", "content": {"status": "ok"}}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


class LostWakeupSocket:
    """A socket holding ``ready`` messages whose wakeup is lost; polls are recorded (milliseconds)."""

    def __init__(self, clock: Clock, ready: bool) -> None:
        self.clock, self.ready, self.polls = clock, ready, []

    async def poll(self, timeout_ms=None):
        self.polls.append(timeout_ms)
        if timeout_ms is None:
            await asyncio.Event().wait()  # the wakeup never comes
        self.clock.now += timeout_ms / 1000
        return 1 if self.ready else 0


class Channel:
    """Just what ``get_msg`` uses of ``AsyncZMQSocketChannel``."""

    def __init__(self, socket: LostWakeupSocket) -> None:
        self.socket = socket

    async def _recv(self):
        return MESSAGE


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(kernel_wakeup, "monotonic", fake.monotonic)
    return fake


def test_a_message_whose_wakeup_was_lost_is_found_at_the_end_of_a_slice(clock):
    socket = LostWakeupSocket(clock, ready=True)
    found = asyncio.run(asyncio.wait_for(kernel_wakeup._sliced_get_msg(Channel(socket), timeout=None), 5))
    assert found == MESSAGE
    assert socket.polls == [500]


def test_jupyter_clients_own_wait_hangs_on_the_same_socket(clock):
    """The failure the module exists for: without slices the same wait never ends."""
    original = getattr(AsyncZMQSocketChannel, "_pzk_original_get_msg", AsyncZMQSocketChannel.get_msg)
    assert not getattr(original, kernel_wakeup._MARK, False)
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(asyncio.wait_for(original(Channel(LostWakeupSocket(clock, ready=True)), timeout=None), 1))


def test_a_deadline_is_kept_exactly_and_ends_in_empty(clock):
    socket = LostWakeupSocket(clock, ready=False)
    with pytest.raises(Empty):
        asyncio.run(kernel_wakeup._sliced_get_msg(Channel(socket), timeout=1.2))
    assert socket.polls == [500, 500, 200]
    assert clock.now == pytest.approx(1001.2)


def test_timeout_zero_is_one_check_without_waiting(clock):
    socket = LostWakeupSocket(clock, ready=False)
    with pytest.raises(Empty):
        asyncio.run(kernel_wakeup._sliced_get_msg(Channel(socket), timeout=0))
    assert socket.polls == [0]


def test_a_real_kernel_answers_through_the_installed_wait():
    """install() patches jupyter_client for the whole process, once; a real kernel's reply comes through it."""
    from jupyter_client.manager import AsyncKernelManager

    kernel_wakeup.install()
    kernel_wakeup.install()
    assert AsyncZMQSocketChannel.get_msg is kernel_wakeup._sliced_get_msg

    async def ask() -> dict:
        manager = AsyncKernelManager(kernel_name="python3")
        await manager.start_kernel()
        client = manager.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            msg_id = client.execute("6 * 7")
            while True:
                reply = await client.shell_channel.get_msg(timeout=60)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            while True:
                output = await client.iopub_channel.get_msg(timeout=60)
                if output["msg_type"] == "execute_result":
                    return output
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(now=True)

    assert asyncio.run(ask())["content"]["data"]["text/plain"] == "42"


def test_the_app_starts_voila_through_the_sliced_waits():
    command = app_server.voila_command(8899)
    assert command[:3] == [sys.executable, "-m", "pzk_kit.runs.kernel_wakeup"]
