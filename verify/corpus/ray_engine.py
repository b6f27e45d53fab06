"""The corpus work on a Ray cluster (`verify corpus --engine ray`): one machine's cores, or many machines.

What runs where. The driver, the process that runs `verify corpus`, reads the records, cuts them into
batches, and gathers the outcomes in input order. The per-article stage (segment, attribute, embed,
in-article checks) runs on a pool of Ray actors through Ray Data `map_batches`: each actor loads the models
once and runs `Verifier.analyse_many`, the in-process code path, on the batches it is given. The cross-article
stage runs on the driver (the nearest-neighbour index, the gate, the notes, the stories), except its NLI
scoring, which goes the same way in chunks to a pool of actors holding the NLI model, and, where the model's
settings name a screen model (`CheckSettings.screen_model`), its screening, to a pool of actors holding that.

Same results as in process, by construction: an actor analyses exactly the articles `analyse_many` batches
together, and scores exactly the chunks the in-process scorer (`Verifier.scorer`) scores one after another.
It has to be exact: the models pad a batch to its longest input, and under bf16 another batching moves an NLI
probability by up to about 0.01.

Every node needs verify installed, with the models it ships: an actor loads a shipped NLI model from its own
node's installation, any other model from the folder's path on the driver, which must exist on every node.
"""

from __future__ import annotations

import pickle
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import ray
import ray.data

from verify.check.pairs import Scorer
from verify.check.settings import for_model
from verify.corpus.engine import Engine
from verify.datamodel import BATCH_SIZE, ArticleAnalysis, ArticleFailure, ArticleRecord, NLIScores
from verify.errors import VerifyError
from verify.pipeline import Verifier, in_batches, in_input_order, require_batch_size, scoring_chunks
from verify.runtime.models import model_info, resolve_nli_model, shipped_model
from verify.runtime.nli import load_backend

# One core per actor: Ray gives an actor's torch as many threads as the actor has cores, so `workers` actors
# keep `workers` cores busy without competing for them.
CPUS_PER_ACTOR = 1
RAY_CLIENT_SCHEME = "ray://"  # an address through the Ray Client, from a machine outside the cluster


@contextmanager
def ray_cluster(address: str | None = None) -> Iterator[None]:
    """Connected to Ray inside the block: to the cluster at `address` ("auto": the one this machine joined with
    `ray start`; "HEAD:6379": the cluster of that head node, which this machine is a node of), else to the one
    $RAY_ADDRESS names or a local cluster started here on this machine's cores. A connection opened before (the
    caller's `ray.init`, an enclosing `ray_cluster`) is used as it is and left open: only what this opened is
    shut down."""
    if address and address.startswith(RAY_CLIENT_SCHEME):
        # Ray Data's executor needs the driver to be a node of the cluster (ray-project/ray#42739).
        raise VerifyError(
            f"Ray Data does not run through the Ray Client ('{address}'): run verify on a node of the cluster, "
            "with --address auto"
        )
    if ray.is_initialized():
        yield
        return
    try:
        ray.init(address=address)
    except ConnectionError as error:
        raise VerifyError(f"cannot connect to the Ray cluster at '{address}': {error}") from None
    try:
        yield
    finally:
        ray.shutdown()


@contextmanager
def ray_engine(
    model: str | Path | None, workers: int, batch_size: int = BATCH_SIZE, address: str | None = None
) -> Iterator[Engine]:
    """Both stages of `verify.corpus.engine.analyse_corpus` on Ray (`analyse_on_ray`, `ray_scorer`), over one
    connection to the cluster for the block (`ray_cluster`)."""
    resolved = resolve_nli_model(model)
    settings = for_model(resolved)
    score = ray_scorer(model=model, workers=workers, address=address)  # checks the workers before connecting
    screen = None
    info = model_info(resolved)
    if settings.screen_model:  # the screen model the per-article stage's Verifiers load too
        screen = ray_scorer(model=settings.screen_model, workers=workers, address=address)
        info = replace(info, screen=model_info(resolve_nli_model(settings.screen_model)))
    with ray_cluster(address):
        yield Engine(
            name="ray",
            analyse=lambda records: analyse_on_ray(records, model=model, workers=workers, batch_size=batch_size),
            score=score,
            settings=settings,
            model=info,
            screen=screen,
        )


def analyse_on_ray(
    records: Iterable[ArticleRecord | ArticleFailure],
    *,
    model: str | Path | None = None,
    workers: int,
    batch_size: int = BATCH_SIZE,
    address: str | None = None,
) -> Iterator[ArticleAnalysis | ArticleFailure]:
    """`Verifier(model).analyse_many(records, batch_size)` on up to `workers` Ray actors: the same outcomes in
    the same order, streamed as the batches finish. `address` as for `ray_cluster`."""
    require_batch_size(batch_size)
    actors = StageActors.of(model, workers)
    batches = list(in_batches(records, batch_size))
    if batches:
        with ray_cluster(address):
            yield from _map_on_actors(ArticleAnalyser, actors, batches)


def ray_scorer(*, model: str | Path | None = None, workers: int, address: str | None = None) -> Scorer:
    """A `Scorer` (for `verify.check.across.cross_article_relations`) that scores on up to `workers` Ray actors
    holding the NLI model, started for each call. The pairs go out in the chunks the in-process scorer scores
    one after another (`scoring_chunks`) and come back in order: the same scores. `address` as for `ray_cluster`."""
    actors = StageActors.of(model, workers)

    def score(pairs: list[tuple[str, str]]) -> list[NLIScores]:
        chunks = scoring_chunks(pairs)
        if not chunks:
            return []
        with ray_cluster(address):
            scored = _map_on_actors(NLIScorer, actors, [[pairs[index] for index in chunk] for chunk in chunks])
            return in_input_order(chunks, scored, len(pairs))

    return score


@dataclass(frozen=True)
class StageActors:
    """The actors of a stage: the NLI model each loads, named as the actors on any node find it, and how many
    actors there are at most."""

    model: str
    workers: int

    @classmethod
    def of(cls, model: str | Path | None, workers: int) -> StageActors:
        """A bad model or worker count is a one-line error here, before any actor starts. A shipped model goes by
        its name, which each node resolves in its own installation; any other by what the driver resolved (a
        folder's absolute path, or a hub name)."""
        if workers < 1:
            raise VerifyError(f"the workers must be at least 1, not {workers}")
        resolved = Path(resolve_nli_model(model))
        shipped = shipped_model(resolved.name)
        is_shipped = shipped.exists() and shipped.resolve() == resolved.resolve()
        return cls(resolved.name if is_shipped else str(resolved), workers)


class BatchMapper(ABC):
    """Ray Data's callable class for one stage: the models load once per actor, in `__init__`; `process` does
    one batch. A row in is one pickled batch, a row out one pickled outcome: Arrow columns hold neither the
    records' free-form fields (mixed types, dates) nor dataclasses."""

    @abstractmethod
    def process(self, batch: Sequence[Any]) -> Iterable[Any]: ...

    def __call__(self, rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        outcomes = [outcome for pickled in rows["batch"] for outcome in self.process(pickle.loads(pickled))]
        return {"outcome": np.array([pickle.dumps(outcome) for outcome in outcomes], dtype=object)}


class ArticleAnalyser(BatchMapper):
    """The per-article stage: a batch of records in, an ArticleAnalysis or ArticleFailure per record out."""

    def __init__(self, model: str) -> None:
        self.verifier = Verifier(model)

    def process(self, batch: Sequence[ArticleRecord | ArticleFailure]) -> Iterable[ArticleAnalysis | ArticleFailure]:
        return self.verifier.analyse_many(batch, batch_size=len(batch))


class NLIScorer(BatchMapper):
    """The cross-article stage's NLI scoring: a chunk of (premise, hypothesis) pairs in, NLIScores per pair out."""

    def __init__(self, model: str) -> None:
        self.backend = load_backend(model)

    def process(self, batch: Sequence[tuple[str, str]]) -> Iterable[NLIScores]:
        return self.backend.score(batch)


def _map_on_actors(mapper: type[BatchMapper], actors: StageActors, batches: Sequence[Sequence[Any]]) -> Iterator[Any]:
    """The outcomes of `mapper(actors.model).process` on each batch, in order, from a pool of actors."""
    # A row per batch, and a block per row: each batch goes to an actor whole, and the actors share them out.
    dataset = ray.data.from_items(
        [{"batch": pickle.dumps(batch)} for batch in batches], override_num_blocks=len(batches)
    )
    dataset.context.execution_options.preserve_order = True
    dataset.context.enable_progress_bars = False  # the caller shows its own progress
    mapped = dataset.map_batches(
        mapper,
        fn_constructor_args=(actors.model,),
        batch_size=1,
        compute=ray.data.ActorPoolStrategy(size=min(actors.workers, len(batches))),
        num_cpus=CPUS_PER_ACTOR,
    )
    for row in mapped.iter_rows():
        yield pickle.loads(row["outcome"])
