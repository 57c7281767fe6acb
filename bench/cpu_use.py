"""CPU used while a measurement runs, read from /proc (Linux): the whole machine's, PostgreSQL's
processes' and the load client's, so that a bench can say where a request's cost went.

- machine: /proc/stat's busy time (user, nice, system, irq, softirq; not idle, iowait, steal);
- postgres: the run time of every `postgres` process (/proc/PID/task/*/schedstat, exact to the
  nanosecond, not tick-sampled), read every 0.2 s so that backends that end within the run
  (pgbench's) count up to their last reading;
- client: this process and the children it waited for (wrk, pgbench, an in-process reader),
  less the sampling thread's own CPU.

Whatever is left of the machine's (a server's workers, the kernel's network work) is printed
by the caller as the difference.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class CpuUse:
    """Seconds of CPU over a measured block (filled in when the block ends)."""

    machine: float = 0.0
    postgres: float = 0.0
    client: float = 0.0


@contextmanager
def cpu_use() -> Iterator[CpuUse]:
    """The CPU used while the block runs."""
    used = CpuUse()
    machine, client = _machine_busy(), _own_and_children()
    first = _postgres_times()
    last = dict(first)
    stop = threading.Event()
    own = [0.0]  # the sampler's own CPU, not the client's

    def sample() -> None:
        while not stop.wait(0.2):
            last.update(_postgres_times())
        own[0] = time.thread_time()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield used
    finally:
        stop.set()
        sampler.join()
        last.update(_postgres_times())
        used.machine = _machine_busy() - machine
        used.client = _own_and_children() - client - own[0]
        used.postgres = sum(seconds - first.get(pid, 0.0) for pid, seconds in last.items())


def _machine_busy() -> float:
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:8]]
    user, nice, system, _idle, _iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / _TICKS


def _own_and_children() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _postgres_times() -> dict[int, float]:
    """Run time in seconds of each postgres process now."""
    times = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            nanoseconds = sum(
                int((task / "schedstat").read_text().split()[0])
                for task in (entry / "task").iterdir()
            )
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue  # ended while read
        times[int(entry.name)] = nanoseconds / 1e9
    return times
