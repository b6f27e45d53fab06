"""The gate, the screen and the thresholds of checking, in one place."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from verify.check.fitted import ClaimCheckHead, FittedDecision, claim_check_head, fitted_decision
from verify.errors import VerifyError
from verify.runtime.models import MODEL_SETTINGS_FILE, settings_sections

# A model's own settings, beside its weights, in one file: probabilities mean different things for different
# models, so each shipped model carries the settings chosen for it. {"about": how they were chosen, "check":
# CheckSettings fields, "decision": the fitted decision (`verify.check.fitted`), if the model has one,
# "claim_check": the claim check's fitted head, if it has one}.
SECTIONS = ("about", "check", "decision", "claim_check")
FITTED_FIELDS = ("fitted", "claim_head")


@dataclass(frozen=True)
class CheckSettings:
    """Gate, screen and thresholds, chosen on fixtures/dev only (scripts/sweep_check_settings.py,
    scripts/sweep_screen.py; docs/results.md, "Choosing the settings").

    The gate keeps at least 95% of the dev fixtures' labeled contradictions: a pair is scored when
    its claims are similar enough, or when either claim is among the other's `neighbours` most
    similar (so the work grows linearly with the claims). Precision is left to the model and the
    contradiction threshold, which is high because NLI models give related but compatible news
    sentences high contradiction probabilities (MiniLM up to about 0.75); a model's own
    settings.json overrides these defaults (`for_model`).
    """

    min_similarity: float = 0.40  # cosine of the claims' embeddings, with a shared content word
    min_similarity_alone: float = 0.45  # cosine that admits a pair without a shared content word
    neighbours: int = 5  # every claim is also paired with its this many most similar claims
    # At most this many partners per claim, the most similar first: bounds the work on long
    # articles to linear in the claims (no dev article has a claim with more related claims).
    max_related: int = 20
    contradiction: float = 0.70  # probability of contradiction, either direction
    corroboration: float = 0.50  # probability of entailment, either direction
    # Contradiction probability worth a reader's look in a report, though below `contradiction`.
    possible_conflict: float = 0.30
    # A smaller NLI model (a shipped model's name) that scores the gated pairs first, both ways; a pair whose
    # contradiction and entailment it puts under `screen_threshold` both ways is left unscored (as the gate
    # leaves a pair), unless its figures conflict (the number rule decides whatever the model says). None: no
    # screen. It is what keeps a long article's cost within reach of a large model (docs/results.md, "The screen").
    screen_model: str | None = None
    screen_threshold: float = 0.25
    # The dependency-parse rules (not informed, place states, figures); off only to measure them.
    parse_rules: bool = True
    # Checking one claim against an article (`verify check`) scores evidence → claim only, and an
    # article's sentence rarely states the claim's negation outright: these thresholds replace
    # `contradiction` and `corroboration` there (None: the same) for its evidence claims, and decide its verdict
    # where the model has no fitted claim-check head. Chosen on FNC-1 dev with scripts/sweep_claim_check.py (since
    # replaced by scripts/fit_claim_check.py; in git history before the evidence windows).
    claim_contradiction: float | None = None
    claim_corroboration: float | None = None
    # Across articles (`verify.check.across`) every claim is paired with at most its `cross_candidates`
    # nearest claims of other articles, found by an approximate-nearest-neighbour index, so the work grows
    # linearly with the corpus. None of them is paired by rank alone (a corpus holds many stories, and a
    # claim's nearest claim elsewhere may be about another one): `is_related` admits each.
    # Their similarity floors are higher than inside an article: a corpus is mostly unrelated pairs, and NLI on
    # every loosely related one costs more than it finds. On the 924 PolNeAR articles (their 34,799 sentences
    # as a stand-in for claims), k = 10 with the in-article floors admits about 241,000 pairs; k = 5 admits
    # about 59,000 with floors 0.55 / 0.60 and 14,000 with 0.65 / 0.70. These floors are a cost bound between
    # those, not chosen for precision or recall: the labelled cross-article pairs (benchmarks/data) hold too
    # few contradictions (4 of 199) to choose on.
    cross_candidates: int = 5
    cross_min_similarity: float = 0.60
    cross_min_similarity_alone: float = 0.65
    # The model's fitted decision (its settings.json's "decision", `verify.check.fitted`): where it ships one, a
    # candidate pair's label comes from calibrated probabilities over its signals, not from `contradiction` and
    # `corroboration` on the NLI scores alone. None: the NLI thresholds decide.
    fitted: FittedDecision | None = field(default=None, repr=False)
    # The claim check's fitted head (its settings.json's "claim_check"): where it ships one, `verify check`'s
    # verdict comes from calibrated probabilities over the claim's signals. None: the claim thresholds decide.
    claim_head: ClaimCheckHead | None = field(default=None, repr=False)

    def as_record(self) -> dict:
        """The settings as evaluation outputs name them: the fitted models by whether there are some."""
        record = {field.name: getattr(self, field.name) for field in fields(self) if field.name not in FITTED_FIELDS}
        # The fitted decision reads the parse rules' signals: without them the NLI thresholds decide.
        return {
            **record,
            "fitted_decision": self.fitted is not None and self.parse_rules,
            "claim_check_head": self.claim_head is not None,
        }

    def for_claim_checks(self) -> CheckSettings:
        """The settings a single-claim check decides with."""
        return replace(
            self,
            contradiction=self.contradiction if self.claim_contradiction is None else self.claim_contradiction,
            corroboration=self.corroboration if self.claim_corroboration is None else self.claim_corroboration,
        )

    def across_articles(self) -> CheckSettings:
        """The gate's settings for pairs of claims from different articles (`cross_candidates`)."""
        return replace(
            self,
            neighbours=0,
            max_related=self.cross_candidates,
            min_similarity=self.cross_min_similarity,
            min_similarity_alone=self.cross_min_similarity_alone,
        )


def model_settings_file(model_dir: str | Path) -> dict:
    """A model's settings.json as it is written ({} where the model has none): the one file the product, the
    sweeps and the evaluator read a model's settings from."""
    path = Path(model_dir) / MODEL_SETTINGS_FILE
    return settings_sections(path, SECTIONS) if path.is_file() else {}


def for_model(model_dir: str | Path, **overrides) -> CheckSettings:
    """The defaults, then the model's settings.json (its "check" settings and its fitted "decision", each if it has
    one), then `overrides`."""
    path = Path(model_dir) / MODEL_SETTINGS_FILE
    data = model_settings_file(model_dir)
    chosen = data.get("check", {})
    unknown = sorted(set(chosen) - {field.name for field in fields(CheckSettings) if field.name not in FITTED_FIELDS})
    if unknown:
        raise VerifyError(f"{path}: unknown check settings {', '.join(unknown)}")
    try:
        fitted = fitted_decision(data["decision"]) if "decision" in data else None
    except (KeyError, TypeError, ValueError) as error:
        raise VerifyError(f'{path}: its "decision" is not a fitted decision ({error})') from None
    try:
        head = claim_check_head(data["claim_check"]) if "claim_check" in data else None
    except (KeyError, TypeError, ValueError) as error:
        raise VerifyError(f'{path}: its "claim_check" is not a fitted claim-check head ({error})') from None
    return replace(CheckSettings(**chosen, fitted=fitted, claim_head=head), **overrides)


def write_model_settings(model_dir: str | Path, section: str, value: dict, about: str) -> Path:
    """Set one section of a model's settings.json ("check", "decision" or "claim_check") and say how it was
    chosen, keeping the other sections: how the tools that choose settings ship them."""
    if section not in SECTIONS[1:]:
        raise VerifyError(f"{section}: not a section of a model's settings ({', '.join(SECTIONS[1:])})")
    data = model_settings_file(model_dir)
    earlier = data.get("about", {})
    data["about"] = {**(earlier if isinstance(earlier, dict) else {"check": earlier}), section: about}
    data[section] = value
    path = Path(model_dir) / MODEL_SETTINGS_FILE
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
