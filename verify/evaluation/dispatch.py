"""`verify evaluate`: one entry point over the three labeled-data tasks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from verify import __version__
from verify.check.settings import CheckSettings, for_model
from verify.errors import VerifyError

if TYPE_CHECKING:
    from verify.datamodel import Report
    from verify.pipeline import Verifier

TASKS = ("fixtures", "nli", "attribution", "check", "judged")
Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def is_fnc1_stances(path: Path) -> bool:
    """An FNC-1 `*_stances.jsonl` file (its bodies beside it)."""
    return path.is_file() and path.name.endswith("_stances.jsonl")


def detect_task(path: Path) -> str:
    """fixtures (labeled articles), nli (pairs: .jsonl or a saved dataset), attribution (PolNeAR split),
    check (FNC-1 `*_stances.jsonl`, or SummEdits domain files or their folder: a claim against an article) or
    judged (`*_judged.jsonl`: real news judged pair by pair)."""
    if is_fnc1_stances(path):
        return "check"
    if path.is_file() and path.name.endswith("_judged.jsonl"):
        return "judged"
    from verify.evaluation.claim_check import is_claim_document_file

    if is_claim_document_file(path) or (path.is_dir() and any(map(is_claim_document_file, path.glob("*.jsonl")))):
        return "check"
    if path.is_file():
        return "nli" if path.suffix == ".jsonl" else "fixtures"
    if (path / "attributions").is_dir():
        return "attribution"
    if (path / "dataset_info.json").exists() or (path / "state.json").exists() or any(path.glob("*.jsonl")):
        return "nli"
    return "fixtures"


def _judged_metrics(
    path: Path, articles: Path | None, model: str | Path | None, progress: Progress, parse_rules: bool
) -> dict:
    from verify.evaluation.judged import JudgedNewsEvaluator, load_judged_pairs
    from verify.pipeline import get_verifier

    judged = load_judged_pairs(path)
    texts = sorted(articles.glob("*.txt")) if articles is not None and articles.is_dir() else []
    if not texts:
        raise VerifyError(f"{articles}: no *.txt articles to report")
    verifier = get_verifier(model, _check_settings(model, parse_rules))
    reports = _reported(verifier, [(str(text), text.read_text(encoding="utf-8")) for text in texts], progress)
    return {
        "task": "judged",
        "model": asdict(verifier.model_info),
        "data": str(path),
        "articles": str(articles),
        "settings": verifier.settings.as_record(),
        **JudgedNewsEvaluator(judged)(reports),
    }


def _reported(verifier: Verifier, articles: list[tuple[str, str]], progress: Progress) -> list[Report]:
    """The report of each (name, text), telling `progress` which article of how many it is at."""
    reports = []
    for number, (name, text) in enumerate(articles, 1):
        progress(f"verifying article {number}/{len(articles)}: {Path(name).stem}")
        reports.append(verifier.report(text, name))
    return reports


ATTRIBUTORS = ("hybrid", "rules", "tagger")
DEFAULT_ATTRIBUTOR = "hybrid"


def attribution_extractor(attributor: str = DEFAULT_ATTRIBUTOR):
    """The attribution engine: the product's hybrid (what `verify report` uses), or one of its two parts
    alone for comparison: the dependency-parse rules, or the PolNeAR-trained span tagger."""
    if attributor == "hybrid":
        from verify.attribution.hybrid import HybridAttributor

        return HybridAttributor.load().extract_claims
    if attributor == "rules":
        from verify.attribution.frames import extract_claims

        return extract_claims
    if attributor == "tagger":
        from verify.attribution.tagger import DEFAULT_TAGGER_DIR, AttributionTagger

        return AttributionTagger.load(DEFAULT_TAGGER_DIR).extract_claims
    raise VerifyError(f"unknown attributor '{attributor}' (choose from {', '.join(ATTRIBUTORS)})")


@contextmanager
def _utf8_errors(path: Path) -> Iterator[None]:
    """A labeled file that is not UTF-8 is one line, whichever reader meets it."""
    try:
        yield
    except UnicodeDecodeError as error:
        raise VerifyError(f"{path}: not UTF-8 text (invalid byte at offset {error.start})") from None


def _check_settings(model: str | Path | None, parse_rules: bool) -> CheckSettings | None:
    """None (the model's own settings), or those without the parse rules."""
    if parse_rules:
        return None
    from verify.runtime.models import resolve_nli_model

    return for_model(resolve_nli_model(model), parse_rules=False)


def evaluate(
    path: Path,
    task: str | None = None,
    model: str | Path | None = None,
    progress: Progress = _quiet,
    attributor: str = DEFAULT_ATTRIBUTOR,
    parse_rules: bool = True,
    per_class: int | None = None,
    stories: str | None = None,
    articles: Path | None = None,
) -> dict:
    """Metrics of the project's models on the labeled data at `path`, with verify's version.

    Fixtures and check run with the model's own check settings; `parse_rules` False leaves the
    parse rules out (to measure them); `per_class` samples that many pairs of each stance for
    check (seeded), all of them when None; `stories` keeps the check pairs of one part ("fit" or
    "held") of the FNC-1 dev story split (`verify.evaluation.claim_check`); `articles` is the folder of the
    judged articles (judged task: each of its *.txt is reported and scored against the judgements,
    `verify.evaluation.judged`). A model-based task names its model as `{"name", "sha256"}`
    (`verify.runtime.models.model_info`).
    """
    metrics = _metrics(path, task, model, progress, attributor, parse_rules, per_class, stories, articles)
    return {**metrics, "verify_version": __version__}


def _metrics(
    path: Path,
    task: str | None,
    model: str | Path | None,
    progress: Progress,
    attributor: str,
    parse_rules: bool,
    per_class: int | None,
    stories: str | None,
    articles: Path | None,
) -> dict:
    with _utf8_errors(path):
        if not path.exists():
            raise VerifyError(f"{path}: no such file or directory")
        task = task or detect_task(path)
        if task not in TASKS:
            raise VerifyError(f"unknown task '{task}' (choose from {', '.join(TASKS)})")
        if stories and task != "check":
            raise VerifyError(f"a story part applies to FNC-1 claim checks (the check task), not to the {task} task")
        if (articles is not None) != (task == "judged"):
            raise VerifyError("the judged task needs --articles (the judged articles' folder), and only it takes it")
        if task == "judged":
            return _judged_metrics(path, articles, model, progress, parse_rules)
        if task == "nli":
            from verify.evaluation.nli_pairs import NLIEvaluator, load_nli_examples
            from verify.runtime.nli import load_backend

            examples = load_nli_examples(path)
            backend = load_backend(model)
            progress(f"scoring {len(examples)} NLI pairs with {backend.model_info.name}")
            metrics = NLIEvaluator(examples, path.name)(backend)
            return {"task": "nli", "model": asdict(backend.model_info), "data": str(path), **metrics}
        if task == "attribution":
            from verify.evaluation.attribution import evaluate_attribution

            extract = attribution_extractor(attributor)
            metrics = evaluate_attribution(
                path, extract, lambda done, total: progress(f"attributing article {done}/{total}")
            )
            return {"task": "attribution", "attributor": attributor, "data": str(path), **metrics}
        if task == "check":
            from verify.evaluation.claim_check import ClaimCheckEvaluator, load_fnc1, load_summedits
            from verify.pipeline import get_verifier

            checks = (
                load_fnc1(path, per_class, stories=stories) if is_fnc1_stances(path) else load_summedits(path, stories)
            )
            verifier = get_verifier(model, _check_settings(model, parse_rules))
            metrics = ClaimCheckEvaluator(checks)(
                verifier.check, lambda done, total: progress(f"checking claim {done}/{total}")
            )
            return {
                "task": "check",
                "model": asdict(verifier.model_info),
                "data": str(path),
                "per_class_sample": per_class,
                "stories": stories or "all",
                "parse_rules": verifier.settings.parse_rules,
                "settings": verifier.settings.as_record(),
                **metrics,
            }
        from verify.evaluation.fixtures import ArticleEvaluator, load_labeled_articles
        from verify.pipeline import get_verifier

        labeled = load_labeled_articles(path)
        verifier = get_verifier(model, _check_settings(model, parse_rules))
        reports = _reported(verifier, [(article.name, article.text) for article in labeled], progress)
        evaluator = ArticleEvaluator(labeled)
        return {
            "task": "fixtures",
            "model": asdict(verifier.model_info),
            "data": str(path),
            "parse_rules": verifier.settings.parse_rules,
            "settings": verifier.settings.as_record(),
            **evaluator(reports),
            "per_article": evaluator.per_article(reports),
        }
