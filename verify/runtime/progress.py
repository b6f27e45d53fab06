"""Progress for long work: what is under way, the count done of the total and the time left, as one line for a
callback (the command line shows it on stderr; the library's default ignores it)."""

from __future__ import annotations

import time
from collections.abc import Callable

Progress = Callable[[str], None]


def ignore(_: str) -> None:
    pass


def counting(progress: Progress, doing: str, unit: str = "") -> Callable[[int, int], None]:
    """A callback for work that reports its count as it goes: it tells `progress` what it is `doing`, the count done
    of the total (in `unit`) and the time left, timed from when the callback was made."""
    started = time.perf_counter()

    def tell(done: int, total: int) -> None:
        progress(f"{doing}: {done:,}/{total:,}{unit}, {time_left(started, done, total)}")

    return tell


def time_left(started: float, done: float, total: float) -> str:
    """ "about N s left" for work begun at `started` (time.perf_counter) with `done` of `total` done, in any unit
    that grows with the time taken."""
    elapsed = time.perf_counter() - started
    return f"about {elapsed / done * (total - done) if done else 0.0:.0f} s left"
