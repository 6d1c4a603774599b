"""Stop signals (SIGTERM, SIGHUP) as SystemExit, held back while a section must not be cut in two.

A command turns a stop signal into ``SystemExit(128 + signal)`` so that ``finally`` blocks remove a half-written
report and stop the worker processes, as Ctrl-C does. Python runs the handler between any two bytecodes of the main
thread, though: inside ``ProcessPoolExecutor.submit`` it left a manager thread created but not started (shutting the
pool down then failed, exit 3 instead of 129), and inside the fork hooks of :mod:`logging` it was printed as
"Exception ignored" and lost, so the run went on after its hangup. Code that starts or stops processes runs under
:func:`held`; a signal arriving there is raised as it ends.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

#: The signals that end a run as SystemExit (SIGHUP: the terminal or the SSH session closed; not on Windows).
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))

# Touched by the main thread only (where Python runs signal handlers), so they need no lock.
_depth = 0
_pending: int | None = None


def on_stop_signal(signum: int, frame: FrameType | None) -> None:
    """The handler a command installs for :data:`STOP_SIGNALS`."""
    global _pending
    if _depth:
        _pending = signum  # raised when the held section ends
        return
    raise SystemExit(128 + signum)


def install() -> None:
    """Make :data:`STOP_SIGNALS` end the run as SystemExit; a signal ignored (a hangup under nohup) stays ignored."""
    for stop_signal in STOP_SIGNALS:
        if signal.getsignal(stop_signal) is not signal.SIG_IGN:
            signal.signal(stop_signal, on_stop_signal)


@contextmanager
def installed() -> Iterator[None]:
    """:func:`install` for the block, then the caller's handlers again.

    A command run in-process (a pipeline calling the entry point, a test suite) must not leave its handler behind: a
    stop signal arriving later would otherwise end the caller's unrelated work as SystemExit. Outside the main thread,
    where Python cannot install handlers, the block runs with the process's handlers.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {stop_signal: signal.getsignal(stop_signal) for stop_signal in STOP_SIGNALS}
    install()
    try:
        yield
    finally:
        for stop_signal, handler in previous.items():
            if handler is not None:  # None: installed from outside Python, cannot be put back
                signal.signal(stop_signal, handler)


@contextmanager
def held() -> Iterator[None]:
    """Hold stop signals back until the block ends, then raise the first that came as SystemExit.

    Outside the main thread this does nothing: the handler never interrupts another thread.
    """
    global _depth, _pending
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth and _pending is not None:
            signum, _pending = _pending, None
            raise SystemExit(128 + signum)


def _reset_in_child() -> None:
    # A process forked inside a held section must not hold its own signals back for ever.
    global _depth, _pending
    _depth, _pending = 0, None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_in_child)
