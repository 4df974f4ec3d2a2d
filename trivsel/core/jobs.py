"""What every tracked background job shares: a heartbeat while it works, and recovery when
the heartbeat stops. A worker can be killed at any moment (a deploy, the OOM killer, a
pulled plug); the job's row then says "running" for ever unless someone notices. The clock
(`advance_measurements`) calls `recover_stale_jobs` on every run: each kind of job has
registered how to find its own stale jobs and how to put them back on the queue (every job
is written so that running it again finishes the work without doing any part twice, or
says how much it may have doubled)."""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connections
from django.utils import timezone

logger = logging.getLogger(__name__)

# Recoverers: each returns a line per job it put back on the queue (for the clock's log).
Recoverer = Callable[[], list[str]]
_recoverers: dict[str, Recoverer] = {}


def stale_after() -> timedelta:
    """A job whose heartbeat is older than this has lost its worker."""
    return timedelta(seconds=settings.JOB_STALE_SECONDS)


def heartbeat_every() -> timedelta:
    """How often a working job shows it is alive (well inside `stale_after`)."""
    return stale_after() / 6


def stale_before(now: datetime | None = None) -> datetime:
    """Heartbeats older than this are stale."""
    return (now or timezone.now()) - stale_after()


class Heartbeat:
    """Calls `beat` at most every `heartbeat_every()`, from inside a job's loop."""

    def __init__(self, beat: Callable[[], None]):
        self._beat = beat
        self._last = timezone.now()

    def __call__(self, force: bool = False) -> None:
        now = timezone.now()
        if force or now - self._last >= heartbeat_every():
            self._beat()
            self._last = now


def register_recoverer(name: str, recover: Recoverer) -> None:
    """Called from an app's `ready()`: `recover` finds that app's stale jobs and queues them
    again."""
    _recoverers[name] = recover


def recover_stale_jobs() -> list[str]:
    """Every registered kind of job, each on its own: one that fails is logged and the
    others still run."""
    done: list[str] = []
    for name, recover in sorted(_recoverers.items()):
        try:
            done += recover()
        except Exception:
            logger.exception("Recovering stale %s jobs failed", name)
    return done


class beating:
    """While the `with` block runs, call `beat` every `heartbeat_every()` from a thread: a
    job with long single steps (a results build, one big PDF) keeps its heartbeat without
    calling it from its loop. A failing beat (a locked database, say) is logged and retried
    at the next beat."""

    def __init__(self, beat: Callable[[], object]):
        self._beat = beat
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="heartbeat")

    def _run(self) -> None:
        try:
            while not self._stop.wait(heartbeat_every().total_seconds()):
                try:
                    self._beat()
                except Exception:
                    logger.warning("A heartbeat failed; the next one tries again", exc_info=True)
        finally:
            connections.close_all()  # this thread's own database connection

    def __enter__(self) -> "beating":
        self._beat()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass(frozen=True)
class JobLine:
    """One background job as HR sees it, whatever its kind (the jobs page)."""

    kind: str  # "Import", "Sending", "Results", "PDF bundle" (translated)
    what: str  # which measurement or files
    status: str  # in words
    running: bool
    done: int | None
    total: int | None
    started_at: datetime | None
    heartbeat_at: datetime | None
    restarts: int
    error: str
    started_by: str
    url: str = ""

    @property
    def stale(self) -> bool:
        """Running, but its heartbeat stopped: the clock restarts it within minutes."""
        return self.running and self.heartbeat_at is not None and self.heartbeat_at < stale_before()


Lister = Callable[[int], list[JobLine]]  # the most recent `n` jobs of one kind
_listers: dict[str, Lister] = {}


def register_lister(name: str, lister: Lister) -> None:
    _listers[name] = lister


def recent_jobs(per_kind: int = 10) -> list[JobLine]:
    """Every kind's recent jobs, the running ones first, then the newest."""
    lines = [line for _name, lister in sorted(_listers.items()) for line in lister(per_kind)]
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted(
        lines, key=lambda line: (not line.running, -(line.started_at or epoch).timestamp())
    )


def person(user: object) -> str:
    """Who started a job, in words ("" for the clock)."""
    if user is None:
        return ""
    name = getattr(user, "get_full_name", lambda: "")()
    return str(name or getattr(user, "get_username", lambda: "")())
