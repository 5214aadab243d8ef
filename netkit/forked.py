"""Work done in a forked child while this process goes on with other work (the second core of a
small machine), its result or exception pickled back."""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, Generic, NoReturn, TypeVar, cast

T = TypeVar("T")


class Job(Generic[T]):
    """``work()``, running in a child process when one could be forked, else run by
    :meth:`result` here."""

    def __init__(self, work: Callable[[], T], fork: bool) -> None:
        self._work = work
        self._pid: int | None = None
        self._fd = -1
        self._outcome: tuple[bool, Any] | None = None
        self._chunks: list[bytes] = []  # what the child sent so far
        self._owner = os.getpid()  # a process forked from this one leaves the child alone
        # Whether the work runs in a child (else result() runs it here).
        self.forked = fork and hasattr(os, "fork") and (os.cpu_count() or 1) > 1
        if self.forked:
            self._start()

    def _start(self) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read)
            _child(self._work, write)
        os.close(write)
        self._pid, self._fd = pid, read

    def result(self) -> T:
        """The work's result (its exception is raised here, each time it is asked for). What
        the child could not send back, such as an exception that does not pickle, is worked
        out again here, as is the work of a child that a process forked from this one asks
        for (the child is not its own to reap)."""
        if self._outcome is None:
            ours = self._pid is not None and os.getpid() == self._owner
            self._outcome = self._received() if ours else None
        if self._outcome is None:
            try:
                self._outcome = (True, self._work())
            except Exception as exc:
                self._outcome = (False, exc)
        ok, value = cast(tuple[bool, Any], self._outcome)
        if not ok:
            raise value
        result: T = value
        return result

    def _received(self) -> tuple[bool, Any] | None:
        """What the child sent: ``(True, result)`` or ``(False, exception)``; None when it
        sent nothing usable (it died, or its exception did not pickle)."""
        while chunk := os.read(self._fd, 1 << 20):
            self._chunks.append(chunk)
        self._reap(wait=False)
        try:
            ok, value = pickle.loads(b"".join(self._chunks))
        except Exception:
            return None
        return None if not ok and value is None else (ok, value)

    def _reap(self, *, wait: bool = True) -> None:
        """Close the pipe and reap the child: here, or (``wait=False``, once it has sent all)
        in a thread, rather than waiting while the kernel frees its memory."""
        os.close(self._fd)
        if wait:
            _wait(self._pid or 0)
        else:
            threading.Thread(target=_wait, args=(self._pid,), daemon=True).start()
        self._pid = None

    def __del__(self) -> None:
        self.cancel()  # a child whose result no one took

    def cancel(self) -> None:
        """Stop the child if it still runs."""
        if self._pid is not None and os.getpid() == self._owner:
            with suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()


def _wait(pid: int) -> None:
    """Reap child ``pid``; gone already when SIGCHLD is ignored (the kernel reaps it then)."""
    with suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _child(work: Callable[[], Any], fd: int) -> NoReturn:
    """Run ``work``, send ``(True, result)`` or ``(False, exception or None)``, and exit
    without running this process's exit handlers or flushing its buffers."""
    try:
        payload: tuple[bool, Any]
        try:
            payload = (True, work())
        except BaseException as exc:  # sent to the parent, which raises it
            payload = (False, exc)
        try:
            data = pickle.dumps(payload)
        except Exception:
            data = pickle.dumps((False, None))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.close(fd)  # the parent reads to the end now, not once this process's memory is freed
    finally:
        os._exit(0)


@contextmanager
def forked(work: Callable[[], T], *, fork: bool = True) -> Iterator[Job[T]]:
    """A :class:`Job` for ``work``, in a child when ``fork`` (and the platform has fork and
    more than one core); leaving the block stops a child whose result was not taken."""
    job = Job(work, fork)
    try:
        yield job
    finally:
        job.cancel()
