"""Attribution: who says what. Segments an article into statement units and claims, and tags each
claim with its source (canonical name, role, kind), cue and hedging.

- `lexicon`: the word lists (speech verbs, hedges, roles, institution types);
- `segment`: statement units (sentences, multi-sentence quotations) and quotation spans;
- `sources`: source mentions resolved to canonical names (pronouns, surnames, "the company");
- `frames`: the dependency-parse attributor (cue frames → content, source, narration);
- `tagger`: the trained BIO span tagger (PolNeAR);
- `hybrid`: the product's attributor, the tagger's spans with the frames' names, roles and hedges.

Depends on `verify.datamodel` and `verify.runtime.nlp` only; `verify.check` never imports from here.
"""
