"""Attribution: who says what. Segments an article into statement units and claims, and tags each
claim with its source (canonical name, role, kind), cue and hedging.

- `lexicon`: the word lists (speech verbs, hedges, roles, institution types, complementizers);
- `segment`: statement units (sentences, multi-sentence quotations) and quotation spans;
- `mentions`: source mentions in the parse: their words, head and role words;
- `cues`: the dependency-parse frames: which cue governs which content, who speaks, what is narration;
- `spans`: frames' token sets → trimmed character spans and claims;
- `sources`: the one place that chooses a source: canonical names (pronouns, surnames, "the company"), roles, kinds;
- `frames`: the rules attributor (cues → sources and spans → claims);
- `tagger`: the trained BIO span tagger (PolNeAR);
- `settings`: the settings file shipped with the tagger (its windowing, the hybrid's settings);
- `hybrid`: the product's attributor, the tagger's spans with the rules' names, roles, hedges and narration;
- `chunks`, `invisible`: long articles in pieces, characters left out of the analysis.

Depends on `verify.datamodel` and `verify.runtime.nlp` only; `verify.check` never imports from here.
"""
