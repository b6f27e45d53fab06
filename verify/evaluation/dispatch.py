"""`verify evaluate`: one entry point over the three labeled-data tasks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from verify.errors import VerifyError

TASKS = ("fixtures", "nli", "attribution")
Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def detect_task(path: Path) -> str:
    """fixtures (labeled articles), nli (pairs: .jsonl or a saved dataset) or attribution (PolNeAR split)."""
    if path.is_file():
        return "nli" if path.suffix == ".jsonl" else "fixtures"
    if (path / "attributions").is_dir():
        return "attribution"
    if (path / "dataset_info.json").exists() or (path / "state.json").exists() or any(path.glob("*.jsonl")):
        return "nli"
    return "fixtures"


ATTRIBUTORS = ("rules", "tagger")


def attribution_extractor(attributor: str):
    """The attribution engine: the pipeline's rules, or the PolNeAR-trained span tagger."""
    if attributor == "rules":
        from verify.attribution.frames import extract_claims

        return extract_claims
    if attributor == "tagger":
        from verify.attribution.tagger import DEFAULT_TAGGER_DIR, AttributionTagger

        return AttributionTagger.load(DEFAULT_TAGGER_DIR).extract_claims
    raise VerifyError(f"unknown attributor '{attributor}' (choose from {', '.join(ATTRIBUTORS)})")


def evaluate(path: Path, task: str | None = None, model: str | Path | None = None,
             progress: Progress = _quiet, attributor: str = "rules") -> dict:
    """Metrics of the project's models on the labeled data at `path`."""
    if not path.exists():
        raise VerifyError(f"{path}: no such file or directory")
    task = task or detect_task(path)
    if task not in TASKS:
        raise VerifyError(f"unknown task '{task}' (choose from {', '.join(TASKS)})")
    if task == "nli":
        from verify.evaluation.nli_pairs import NLIEvaluator, load_nli_examples
        from verify.nli import load_backend

        examples = load_nli_examples(path)
        backend = load_backend(model)
        progress(f"scoring {len(examples)} NLI pairs with {backend.name}")
        return {"task": "nli", "model": backend.name, "data": str(path), **NLIEvaluator(examples, path.name)(backend)}
    if task == "attribution":
        from verify.evaluation.attribution import evaluate_attribution

        extract = attribution_extractor(attributor)
        metrics = evaluate_attribution(path, extract, lambda done, total: progress(f"attributing article {done}/{total}"))
        return {"task": "attribution", "attributor": attributor, "data": str(path), **metrics}
    from verify.evaluation.fixtures import ArticleEvaluator, load_labeled_articles
    from verify.pipeline import get_verifier

    articles = load_labeled_articles(path)
    verifier = get_verifier(model)
    reports = []
    for number, article in enumerate(articles, 1):
        progress(f"verifying article {number}/{len(articles)}: {article.name}")
        reports.append(verifier.report(article.text, article.name))
    evaluator = ArticleEvaluator(articles)
    return {"task": "fixtures", "model": verifier.model_name, "data": str(path), **evaluator(reports),
            "per_article": evaluator.per_article(reports)}
