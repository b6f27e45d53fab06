"""`verify corpus`: many articles, and the conflicts between them, in this process or on Ray.

`engine` orders the two stages, counts and times them, and runs them in this process; `ray_engine` runs the
per-article stage on Ray actors. `corpus_engine` chooses one by name.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from verify.corpus.engine import Engine, in_process_engine
from verify.errors import VerifyError, install_extra

RAY_WORKERS = 2  # actors of the Ray engine unless told: one per core of a small machine


def require_engine(name: str) -> None:
    """An engine this installation cannot run is a user error, found before any model loads."""
    if name == "ray" and importlib.util.find_spec("ray") is None:
        raise VerifyError(f"--engine ray needs Ray, which is not installed: {install_extra('ray')}")


@contextmanager
def corpus_engine(
    name: str,
    model: str | Path | None,
    batch_size: int,
    workers: int,
    address: str | None,
    progress: Callable[[str], None],
) -> Iterator[Engine]:
    """The engine called `name` ("process" or "ray", see `verify.corpus.ray_engine`), its models loaded, for the
    block."""
    require_engine(name)
    if name == "ray":
        from verify.corpus.ray_engine import ray_engine

        with ray_engine(model, workers, batch_size, address) as engine:
            yield engine
        return
    from verify.pipeline import get_verifier

    yield in_process_engine(get_verifier(model), batch_size, progress)
