"""`verify train-nli`: the NLI model rebuilt from its base and the training mix."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from verify.cli.options import run
from verify.runtime.models import NLI_MODEL, NLI_SMALL_MODEL

# Steps after which a run with --max-minutes refits its schedule to its speed (as the default model's run did).
FIT_SCHEDULE_AFTER = 200


class Recipe(str, Enum):
    mpnet = NLI_MODEL
    minilm = NLI_SMALL_MODEL


def train_nli(
    out: Annotated[Path, typer.Option("--out", help="Run directory (outside the repository): mix, checkpoints, log.")],
    recipe: Annotated[
        Recipe,
        typer.Option(
            "--recipe",
            help=f"The shipped model whose recipe to follow (its training.json): {NLI_MODEL}, the default (a LoRA "
            f"adapter of rank 32 on all-mpnet-base-v2; minutes on a GPU, days on 2 CPU cores), or {NLI_SMALL_MODEL} "
            "(all-MiniLM-L6-v2 fine-tuned whole: its first stage).",
        ),
    ] = Recipe.mpnet,
    nli_dir: Annotated[Path, typer.Option(help="NLI train sets (*.jsonl).")] = Path("../shared/data/nli/train"),
    polnear_dir: Annotated[Path | None, typer.Option(help="PolNeAR train split for news-domain pairs.")] = Path(
        "../shared/data/attribution/polnear/train"
    ),
    dev_dir: Annotated[Path | None, typer.Option(help="Dev sets scored after each epoch.")] = Path(
        "../shared/data/nli/dev"
    ),
    epochs: Annotated[
        int | None, typer.Option(min=1, help="Epochs [default: the recipe's].", show_default=False)
    ] = None,
    lr: Annotated[float | None, typer.Option(help="Learning rate [default: the recipe's].", show_default=False)] = None,
    batch_size: Annotated[
        int | None, typer.Option(min=1, help="Pairs a step [default: the recipe's].", show_default=False)
    ] = None,
    max_minutes: Annotated[
        float | None,
        typer.Option(help="Stop after this long, resumable, the schedule fitted to end then [default: every epoch]."),
    ] = None,
    device: str = "cpu",
    resume: Annotated[bool, typer.Option(help="Continue an interrupted run in --out.")] = False,
) -> None:
    """Build the training mix and fine-tune an NLI cross-encoder with a shipped model's recipe; then
    `python -m verify.training.export` ships a checkpoint (the model card says how)."""

    def work(progress) -> str:
        from verify.training.nli_data import MixConfig, write_mix
        from verify.training.nli_trainer import TrainConfig, train
        from verify.training.recipes import recipe as recipe_of
        from verify.training.recipes import recipe_base

        chosen = recipe_of(recipe.value)
        given = {"epochs": epochs, "lr": lr, "batch_size": batch_size}
        chosen |= {name: value for name, value in given.items() if value is not None}
        base = recipe_base(recipe.value)  # before the mix is built: a missing base is one line, found early
        mix_dir = out / "mix"
        if not (mix_dir / "train.jsonl").exists():
            write_mix(
                MixConfig(
                    nli_dir=str(nli_dir), polnear_dir=str(polnear_dir) if polnear_dir else None, seed=chosen["seed"]
                ),
                mix_dir,
            )
        config = TrainConfig(
            mix=str(mix_dir),
            base=str(base),
            out=str(out),
            dev=str(dev_dir) if dev_dir else None,
            device=device,
            max_minutes=max_minutes,
            fit_schedule_after=FIT_SCHEDULE_AFTER if max_minutes else 0,
            **chosen,
        )
        return f"checkpoints in {train(config, resume=resume)}\n"

    run(work, None, False, verbose=False, quiet=True)  # the trainer prints its own log
