"""Worker processes forked from a supervisor that built the app once (issue 10 goal 7).

uvicorn's own `--workers` starts each worker as a fresh interpreter (multiprocessing's spawn)
that imports FastAPI, SQLAlchemy and every route again, all workers at once on the same
cores: on the 2-core machine the first /healthz came 3 s after the start. Here the
supervisor imports and builds the app, binds the socket, then forks the workers, which
inherit the built app (the pages shared copy-on-write) and only run its lifespan, where
each opens its own engine: nothing connects before the fork. The supervisor restarts a
worker that dies, and stops them all on SIGINT or SIGTERM.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import threading
from multiprocessing.process import BaseProcess
from typing import Final

from uvicorn import Config, Server
from uvicorn.config import STARTUP_FAILURE

logger = logging.getLogger("uvicorn.error")

# fork, not spawn: forking is what lets the workers skip the imports (the point of this module).
FORK: Final = multiprocessing.get_context("fork")
STOP_SIGNALS: Final = (signal.SIGINT, signal.SIGTERM)
CHECK_SECONDS: Final = 0.5


def run_forked(config: Config, workers: int) -> None:
    """Build the app of `config` here, then serve it from `workers` forked processes."""
    sock = config.bind_socket()
    config.load()  # imports and builds the app in this process, before any fork
    ForkedWorkers(config, sock, workers).run()


class ForkedWorkers:
    """Keeps `count` forked workers serving one socket until told to stop."""

    def __init__(self, config: Config, sock: socket.socket, count: int) -> None:
        self.config = config
        self.sock = sock
        self.count = count
        self.stop = threading.Event()
        self.processes: list[BaseProcess] = []

    def run(self) -> None:
        """Fork the workers, replace those that die until a stop signal; then stop them all."""
        for number in STOP_SIGNALS:  # before the forks: a signal meanwhile is not lost
            signal.signal(number, lambda *_: self.stop.set())
        self.processes = [self._start() for _ in range(self.count)]
        logger.info("Supervising %d forked workers", self.count)
        while not self.stop.wait(CHECK_SECONDS):
            self._replace_dead()
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.join()

    def _replace_dead(self) -> None:
        """Start a new worker for each that ended; stop all when one could not start at all."""
        for index, process in enumerate(self.processes):
            if process.is_alive():
                continue
            if process.exitcode == STARTUP_FAILURE:  # the app or its lifespan is broken
                logger.error("Worker %s failed to start; stopping.", process.pid)
                self.stop.set()
                return
            logger.info("Worker %s ended (%s); starting another", process.pid, process.exitcode)
            self.processes[index] = self._start()

    def _start(self) -> BaseProcess:
        """Fork one worker serving the shared socket."""
        process = FORK.Process(target=_serve, args=(self.config, self.sock))
        process.start()
        return process


def _serve(config: Config, sock: socket.socket) -> None:
    """In a worker: default signal handling until uvicorn installs its own, then serve."""
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_DFL)
    Server(config).run(sockets=[sock])
