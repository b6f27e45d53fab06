"""The progress a command shows on stderr: a spinner with the stage under way, or a bar of the articles done."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


class ProgressDisplay:
    """A callback taking the stage under way (with counts and time left where known), shown on stderr if that
    is a terminal and the work lasts over a delay: a spinner, or, given a count of `articles`, a bar of the
    articles done (`advance()` after each) with the time left."""

    def __init__(self, console: Console, enabled: bool, articles: int | None) -> None:
        self.console = console
        self.enabled = enabled
        self.articles = articles
        self.message = "working"
        self.done = 0
        self.lock = threading.Lock()
        self.refresh: Callable[[], None] | None = None  # updates what is shown; None until it is
        self.stop: Callable[[], None] = lambda: None
        self.closed = False  # the work is over: nothing is to be shown any more

    def show(self) -> None:
        with self.lock:
            if self.closed or self.refresh is not None or not (self.console.is_terminal and self.enabled):
                return
            if self.articles is None:
                status = self.console.status(self.message)
                self.refresh, self.stop = lambda: status.update(self.message), status.stop
                status.start()
            else:
                self.refresh, self.stop = self._article_bar()

    def _article_bar(self) -> tuple[Callable[[], None], Callable[[], None]]:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(
            MofNCompleteColumn(),
            TextColumn("articles"),
            BarColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.description}"),
            console=self.console,
            transient=True,
            redirect_stdout=False,  # the output lines go to stdout as they come
        )
        task = bar.add_task(self.message, total=self.articles, completed=self.done)
        bar.start()
        return lambda: bar.update(task, description=self.message, completed=self.done), bar.stop

    def __call__(self, message: str) -> None:
        with self.lock:
            self.message = message
            if self.refresh is not None:
                self.refresh()

    def advance(self) -> None:
        """One more article done."""
        with self.lock:
            self.done += 1
            if self.refresh is not None:
                self.refresh()

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.stop()


@contextmanager
def progress_display(
    delay: float = 1.0, enabled: bool = True, articles: int | None = None
) -> Iterator[ProgressDisplay]:
    """Yields a ProgressDisplay, shown once the work has lasted `delay` s."""
    from rich.console import Console

    display = ProgressDisplay(Console(stderr=True), enabled, articles)
    timer = threading.Timer(delay, display.show)
    timer.daemon = True
    timer.start()
    try:
        yield display
    finally:
        timer.cancel()
        display.close()
