"""Checking claims against each other and a claim against evidence.

- `settings`: the gate and the thresholds (`CheckSettings`);
- `gate`: which pairs are related enough to score;
- `notes`: what the rules beside the model say of a pair (`Note`, `RuleNotes`): different times or
  periods (or dates of two articles), different places or groups, a source that was not informed, a place
  disrupted in one claim and normal in the other;
- `negation`, `knowledge`, `place_state`: the dependency-parse rules behind those notes;
- `decision`: the one decision rule (contradiction / corroboration / compatible) for scored NLI directions;
- `pairs`: the claims of one article against each other (`check_claims`), and the work per pair
  (`check_pairs`) that the pairs across articles share;
- `across`: the claims of many articles against each other through a nearest-neighbour index
  (`cross_article_relations`), and the stories they make;
- `verdict`: one claim against evidence claims (`check_evidence`).

Depends on `verify.datamodel` and `verify.runtime.nlp` only; `verify.attribution` never imports from here.
"""
