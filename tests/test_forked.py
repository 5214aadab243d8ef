"""Work in a forked child gives what working here gives: results, exceptions, and a fallback
for what does not pickle."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from netkit import NetkitError, load_blueprints, synth
from netkit.forked import Job, forked

SHOP = Path(__file__).resolve().parent.parent / "blueprints" / "shop.py"


def test_the_result_comes_from_the_child() -> None:
    with forked(os.getpid) as job:
        assert job.result() != os.getpid()


def test_without_fork_the_work_runs_here() -> None:
    with forked(os.getpid, fork=False) as job:
        assert job.result() == os.getpid()


def test_exceptions_are_raised_here() -> None:
    def fail() -> None:
        raise NetkitError("x.yaml:3", "broken", hint="fix it")

    with forked(fail) as job, pytest.raises(NetkitError, match="broken"):
        job.result()


def test_what_does_not_pickle_is_worked_out_here() -> None:
    with forked(threading.Lock) as job:
        assert type(job.result()) is type(threading.Lock())


def test_a_forked_process_works_out_its_parents_jobs_itself() -> None:
    with forked(os.getpid) as job:
        with forked(job.result) as inner:  # not its child: it runs the work, and leaves the pipe
            assert inner.result() not in (job.result(), os.getpid())
        assert job.result() != os.getpid()


def test_a_child_whose_result_is_not_taken_is_stopped() -> None:
    with forked(lambda: threading.Event().wait(60)) as job:
        pid = job._pid
    assert pid is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)


def test_parallel_synthesis_matches_sequential(monkeypatch: pytest.MonkeyPatch) -> None:
    sequential = synth.synthesize(load_blueprints(SHOP, "prod"))
    monkeypatch.setattr(synth, "PARALLEL_OBJECTS", 0)
    parallel = synth.synthesize(load_blueprints(SHOP, "prod"), parallel=True)
    assert parallel.files == sequential.files and parallel.findings == sequential.findings


def test_children_are_reaped() -> None:
    pids = []
    for _ in range(3):  # reaped beside this process once they sent their result
        with forked(os.getpid) as job:
            pids.append(job.result())
    unfinished = Job(lambda: time.sleep(30), fork=True)
    pids.append(unfinished._pid or 0)
    del unfinished  # a job no one took the result of stops its child, and waits for it
    assert not Path(f"/proc/{pids[-1]}").exists()
    assert _reaped(pids)
    for pid in pids:  # no zombie is left: each was waited for
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_the_result_does_not_wait_for_the_child_to_end(monkeypatch: pytest.MonkeyPatch) -> None:
    exit_now = os._exit

    def slow_exit(code: int) -> None:  # the child, its result sent, takes two seconds to end
        time.sleep(2)
        exit_now(code)

    monkeypatch.setattr(os, "_exit", slow_exit)
    start = time.monotonic()
    with forked(os.getpid) as job:
        pid = job.result()
    assert time.monotonic() - start < 1.5
    assert Path(f"/proc/{pid}").exists()  # still ending, and reaped once it has ended
    assert _reaped([pid])


def test_children_ignored_by_sigchld_are_not_waited_for(
        monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    # A blueprint may ignore SIGCHLD: the kernel then reaps the children itself.
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        with forked(os.getpid) as job:
            pid = job.result()
        assert pid != os.getpid() and _reaped([pid])
        unfinished = Job(lambda: time.sleep(30), fork=True)
        unfinished.cancel()
    finally:
        signal.signal(signal.SIGCHLD, previous)
    time.sleep(0.1)  # the reaping thread, had it failed, would have printed by now
    assert capfd.readouterr().err == ""


def _reaped(pids: list[int]) -> bool:
    """Whether the processes ``pids`` end and are reaped within ten seconds."""
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
