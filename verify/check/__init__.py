"""Checking claims against each other and a claim against evidence.

- `settings`: the gate, the screen and the thresholds (`CheckSettings`), read from a model's settings.json with its
  fitted decision (`fitted`);
- `gate`: which pairs are related enough to score;
- `notes`: what the rules beside the model say of a pair (`Note`, `RuleNotes`): different times or
  periods (or dates of two articles), different places or groups, a source that was not informed, a place
  disrupted in one claim and normal in the other;
- `negation`, `knowledge`, `place_state`: the dependency-parse rules behind those notes;
- `lexicon`: the word lists of checking (the gate's stopwords, negation and denial, the words the notes and the
  parse rules read);
- `decision`: the one decision rule (contradiction / corroboration / compatible) for scored NLI directions;
- `articles`: which claims are checked (`checked_claims`) and the claims of one or several articles against each
  other (`check_articles`: gate, screen, every pair scored in one call, decision), as reports check them;
- `pairs`: the work per pair (`screened_pairs`, `scored_pairs`, `decided_pairs`) that the pairs of an article
  and across articles share;
- `across`: the claims of many articles against each other through a nearest-neighbour index
  (`cross_article_relations`), and the stories they make;
- `verdict`: one claim against evidence claims (`check_evidence`).

Depends on `verify.datamodel` and `verify.runtime` only; `verify.attribution` never imports from here.
"""
