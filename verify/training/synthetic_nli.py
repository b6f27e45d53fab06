"""News-domain NLI pairs made from real news sentences.

General NLI data has few news sentences and teaches small models a shortcut: a negated
hypothesis looks like a contradiction of anything. These rules rewrite real news
sentences into pairs whose label follows from the rewrite:

- number swap ("eight killed" → "twelve killed"), negation of the main verb, antonym swap
  → contradiction;
- dropping a modifier or a conjunct, a synonym, or a rounded figure ("about 40") → entailment;
- the same pair reversed (the hypothesis adds a detail) → neutral;
- an unrelated, negated sentence of the same article as hypothesis → neutral, so that
  negation alone never reads as contradiction;
- another sentence about the same person or body, on another event → neutral (news is
  not a photo caption: a different event is not a contradiction).

Claims checked against each other are often short ("Eight security officers died."), so
several rules also pair a long sentence with its core clause (subject, verb, object):

- the core clause, sometimes with a broader noun ("senators" → "lawmakers") → entailment;
- "X had no plans to V ..." against "X will V ..." → contradiction, both directions;
- "There were no <noun phrase of an unrelated sentence>." → neutral, while the same
  noun phrase denied against the sentence that reports it → contradiction;
- the core clause of another sentence about the same subject → neutral.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from verify.check.lexicon import NEGATIONS
from verify.check.negation import negate_sentence

NUMBER_WORDS = [
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fifteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
]
ANTONYMS = {
    "increased": "decreased",
    "rose": "fell",
    "raised": "lowered",
    "won": "lost",
    "approved": "rejected",
    "accepted": "rejected",
    "supports": "opposes",
    "supported": "opposed",
    "support": "oppose",
    "opened": "closed",
    "higher": "lower",
    "more": "fewer",
    "before": "after",
    "gained": "lost",
    "allowed": "banned",
    "agreed": "refused",
    "confirmed": "denied",
    "expanded": "cut",
    "ended": "began",
    "passed": "failed",
    "strong": "weak",
    "larger": "smaller",
    "increase": "decrease",
    "likely": "unlikely",
    "legal": "illegal",
    "always": "never",
    "first": "last",
    "leading": "trailing",
    "ahead": "behind",
}
ANTONYMS.update({value: key for key, value in list(ANTONYMS.items())})
# Same-meaning substitutions for paraphrase (entailment) pairs; news wording, both directions.
SYNONYMS = {
    "said": "stated",
    "killed": "left dead",
    "died": "were killed",
    "began": "started",
    "start": "begin",
    "ended": "finished",
    "bought": "purchased",
    "help": "assist",
    "helped": "assisted",
    "rose": "increased",
    "fell": "declined",
    "big": "large",
    "large": "big",
    "quickly": "rapidly",
    "almost": "nearly",
    "nearly": "almost",
    "showed": "indicated",
    "shows": "indicates",
    "tried": "attempted",
    "try": "attempt",
    "told": "informed",
    "asked": "requested",
    "ask": "request",
    "needs": "requires",
    "wanted": "wished",
    "got": "received",
    "received": "got",
    "earlier": "previously",
    "answer": "response",
    "vehicles": "cars",
    "officials": "authorities",
    "authorities": "officials",
    "ships": "vessels",
    "vessels": "ships",
    "town": "city",
    "enormous": "huge",
    "huge": "enormous",
    "chose": "picked",
}
# A broader word stays true of the narrower one: "two senators objected" → "two lawmakers objected".
HYPERNYMS = {
    "senator": "lawmaker",
    "senators": "lawmakers",
    "congressman": "lawmaker",
    "congressmen": "lawmakers",
    "congresswoman": "lawmaker",
    "representatives": "lawmakers",
    "governor": "official",
    "governors": "officials",
    "ambassador": "diplomat",
    "ambassadors": "diplomats",
    "soldiers": "troops",
    "policemen": "police officers",
    "troopers": "police officers",
    "deputies": "officers",
    "voters": "people",
    "residents": "people",
    "protesters": "people",
    "demonstrators": "protesters",
    "workers": "employees",
    "employees": "staff",
    "rifles": "weapons",
    "guns": "weapons",
    "pistols": "weapons",
    "cars": "vehicles",
    "trucks": "vehicles",
    "jets": "aircraft",
    "planes": "aircraft",
    "helicopters": "aircraft",
    "firm": "company",
    "bank": "lender",
    "president": "leader",
    "chancellor": "leader",
    "candidates": "politicians",
    "candidate": "politician",
    "killed": "dead",
    "murdered": "killed",
    "slashed": "cut",
    "soared": "rose",
    "plunged": "fell",
}
# Verbs with the same meaning, for the future-tense side of "no plans to" pairs.
VERB_SYNONYMS = {
    "close": "shut",
    "shut": "close",
    "end": "stop",
    "stop": "end",
    "cut": "reduce",
    "reduce": "cut",
    "raise": "increase",
    "increase": "raise",
    "leave": "quit",
    "quit": "leave",
    "build": "construct",
    "buy": "purchase",
    "start": "begin",
    "begin": "start",
    "sell": "sell off",
    "fire": "dismiss",
    "hire": "employ",
    "veto": "block",
    "block": "stop",
}
INTENT_VERBS = {"plan", "intend", "aim", "vow", "pledge", "promise", "expect", "want", "hope", "seek", "go"}
# Verbs whose object can become the subject ("close the plant" / "the plant will shut").
INCHOATIVE = {
    "close": ("close", "shut"),
    "shut": ("shut", "close"),
    "open": ("open",),
    "reopen": ("reopen",),
    "end": ("end",),
    "stop": ("stop",),
    "start": ("start", "begin"),
    "begin": ("begin", "start"),
    "raise": ("rise", "go up"),
    "increase": ("increase", "rise"),
    "cut": ("fall",),
    "reduce": ("fall", "drop"),
    "lower": ("fall",),
    "expand": ("expand", "grow"),
    "change": ("change",),
    "continue": ("continue",),
    "grow": ("grow",),
    "move": ("move",),
    "double": ("double",),
    "break": ("break",),
    "sink": ("sink",),
    "shrink": ("shrink",),
    "resume": ("resume",),
}
NO_PLANS = ("had no plans to", "did not plan to", "had no intention to", "never intended to")
LATER = ("next year", "by the end of the year", "this week", "in June", "soon", "within weeks")
# "There were no <things>." by grammatical number of the noun phrase.
NONE_TEMPLATES = {
    "NNS": ("There were no {}.", "There were no {} provided.", "No {} were reported."),
    "NN": ("There was no {}.", "There was no {} provided.", "No {} was given."),
}
# Verbs whose object is something made available: denying it contradicts the sentence.
PROVIDING_VERBS = {
    "provide",
    "release",
    "publish",
    "give",
    "offer",
    "issue",
    "present",
    "report",
    "find",
    "show",
    "announce",
    "produce",
    "reveal",
    "unveil",
    "disclose",
    "submit",
    "file",
    "send",
}
CORE_DEPS = {"nsubj", "nsubjpass", "aux", "auxpass", "neg", "prt", "dobj", "attr", "acomp", "oprd", "xcomp"}


@dataclass(frozen=True)
class SyntheticPair:
    premise: str
    hypothesis: str
    label: str
    rule: str


def _replace(sentence, token, replacement: str) -> str:
    if token.text[:1].isupper():
        replacement = _capitalised(replacement)
    return "".join(replacement + t.whitespace_ if t.i == token.i else t.text_with_ws for t in sentence).strip()


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _detokenize(tokens: Iterable) -> str:
    """Join spaCy tokens keeping their original spacing."""
    text = "".join(token.text_with_ws for token in tokens).strip()
    return re.sub(r"\s+([,.;:])", r"\1", text)


def is_usable(sentence) -> bool:
    words = [token for token in sentence if token.is_alpha]
    text = sentence.text
    return 8 <= len(words) <= 40 and '"' not in text and "“" not in text and text.strip()[-1:] in ".!"


def swap_number(sentence, rng: random.Random) -> SyntheticPair | None:
    for token in sentence:
        if token.like_num and token.ent_type_ in {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}:
            if token.text.isdigit():
                value = int(token.text)
                replacement = str(value + rng.choice([2, 3, 5, 10]) if value < 1000 else value * 2)
            elif token.lower_ in NUMBER_WORDS:
                replacement = rng.choice([word for word in NUMBER_WORDS if word != token.lower_])
            else:
                continue
            return SyntheticPair(
                sentence.text.strip(), _replace(sentence, token, replacement), "contradiction", "number_swap"
            )
    return None


def round_number(sentence) -> SyntheticPair | None:
    """ "42 ships" entails "about 40 ships": an approximate figure is not a contradiction."""
    for token in sentence:
        if token.text.isdigit() and token.ent_type_ in {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}:
            value = int(token.text)
            rounded = int(round(value, -1)) if value < 100 else int(round(value, -2))
            if (
                value >= 12
                and rounded != value
                and token.i > 0
                and token.nbor(-1).lower_ not in {"$", "about", "nearly"}
            ):
                return SyntheticPair(
                    sentence.text.strip(), _replace(sentence, token, f"about {rounded}"), "entailment", "number_rounded"
                )
    return None


def substitute_synonym(sentence) -> SyntheticPair | None:
    if any(t.lower_ in NEGATIONS for t in sentence):
        return None
    for token in sentence:
        replacement = SYNONYMS.get(token.lower_)
        if replacement:
            return SyntheticPair(sentence.text.strip(), _replace(sentence, token, replacement), "entailment", "synonym")
    return None


def negate_main_verb(sentence) -> SyntheticPair | None:
    negated = negate_sentence(sentence)
    return SyntheticPair(sentence.text.strip(), negated, "contradiction", "negation") if negated else None


def swap_antonym(sentence) -> SyntheticPair | None:
    for token in sentence:
        replacement = ANTONYMS.get(token.lower_)
        if replacement and not any(t.lower_ in NEGATIONS for t in sentence):
            return SyntheticPair(
                sentence.text.strip(), _replace(sentence, token, replacement), "contradiction", "antonym"
            )
    return None


def drop_modifier(sentence, rng: random.Random) -> tuple[SyntheticPair, SyntheticPair] | None:
    """A sentence without one optional modifier is entailed; the reverse direction is neutral."""
    if any(t.lower_ in NEGATIONS | {"if", "whether", "unless", "only", "no", "any"} for t in sentence):
        return None
    root = sentence.root
    if root.lemma_ == "be":  # the modifier is often the predicate itself ("that was on purpose")
        return None
    candidates = [
        child
        for child in root.children
        if child.dep_ in {"prep", "advcl", "npadvmod", "advmod"} and len(list(child.subtree)) >= 2
    ]
    candidates += [
        token
        for token in sentence
        if token.dep_ in {"relcl", "appos", "amod"} and token.head.dep_ != "ROOT" and len(list(token.subtree)) >= 2
    ]
    if not candidates:
        return None
    dropped = rng.choice(candidates)
    removed = {t.i for t in dropped.subtree}
    kept = [t for t in sentence if t.i not in removed]
    short = _detokenize(kept)
    short = re.sub(r",\s*,", ",", short).replace(" ,", ",").strip(" ,")
    short = re.sub(r"[,:;—-]\s*([.!?])$", r"\1", short)
    if len(short.split()) < 5 or short == sentence.text.strip():
        return None
    full = sentence.text.strip()
    return (
        SyntheticPair(full, short, "entailment", "modifier_drop"),
        SyntheticPair(short, full, "neutral", "modifier_add"),
    )


def unrelated_negated(sentence, other, rng: random.Random) -> SyntheticPair | None:
    negated = negate_main_verb(other)
    if negated is None:
        return None
    hypothesis = negated.hypothesis if rng.random() < 0.7 else other.text.strip()
    return SyntheticPair(sentence.text.strip(), hypothesis, "neutral", "unrelated_negated")


def _subject_entity(sentence) -> str | None:
    for token in sentence:
        if (
            token.dep_ in {"nsubj", "nsubjpass"}
            and token.head == sentence.root
            and token.ent_type_ in {"PERSON", "ORG"}
        ):
            return token.text.lower()
    return None


def same_subject_other_event(sentence, others: list) -> SyntheticPair | None:
    """Another sentence about the same person or body, a different event: neutral, not a contradiction."""
    subject = _subject_entity(sentence)
    if subject is None:
        return None
    for other in others:
        if _subject_entity(other) == subject and other.root.lemma_ != sentence.root.lemma_:
            return SyntheticPair(sentence.text.strip(), other.text.strip(), "neutral", "same_subject")
    return None


def core_clause(sentence) -> str | None:
    """The sentence cut after the object of its main clause: 'The senator blocked the bill on
    Tuesday in Washington.' → 'The senator blocked the bill.' Only where subject, verb and object
    (or attribute, complement) are one stretch of the sentence, so the cut reads as written."""
    root = sentence.root
    if root.pos_ not in {"VERB", "AUX"} or any(child.dep_ in {"ccomp", "mark"} for child in root.children):
        return None
    parts = [child for child in root.children if child.dep_ in CORE_DEPS]
    subjects = [child for child in parts if child.dep_ in {"nsubj", "nsubjpass"}]
    if len(subjects) != 1 or subjects[0].pos_ == "PRON" or len(list(subjects[0].subtree)) > 7:
        return None
    kept = {root.i}
    for child in parts:
        subtree = list(child.subtree)
        if len(subtree) > 9 or any(t.is_punct or t.is_quote for t in subtree):
            return None
        kept.update(t.i for t in subtree)
    has_object = any(child.dep_ in {"dobj", "attr", "acomp", "oprd", "xcomp"} for child in parts)
    if not has_object or max(kept) - min(kept) + 1 != len(kept) or min(kept) != sentence.start:
        return None
    core = _detokenize(t for t in sentence if t.i in kept)
    if len(core.split()) < 3 or len(kept) > len(sentence) - 3:
        return None
    return _capitalised(core) + "."


def core_entailment(sentence, rng: random.Random) -> SyntheticPair | None:
    """A sentence entails its core clause, also with a broader word for one of its nouns."""
    core = core_clause(sentence)
    if core is None or any(
        t.lower_ in NEGATIONS | {"if", "whether", "unless", "could", "might", "may"} for t in sentence
    ):
        return None
    words = core[:-1].split(" ")
    # Not in a title ("President Barack Obama"): the broader word would not be a title.
    broader = [
        i
        for i, word in enumerate(words)
        if word.lower() in HYPERNYMS and not (i + 1 < len(words) and words[i + 1][:1].isupper())
    ]
    if broader and rng.random() < 0.7:
        i = rng.choice(broader)
        words[i] = HYPERNYMS[words[i].lower()]
        core = _capitalised(" ".join(words)) + "."
    return SyntheticPair(sentence.text.strip(), core, "entailment", "core_entailment")


def _planned_action(sentence):
    """(subject, action verb) of 'X will close ...' or 'X plans to close ...'; None for other sentences."""
    root = sentence.root
    subjects = [child for child in root.children if child.dep_ == "nsubj"]
    if len(subjects) != 1 or any(t.lower_ in NEGATIONS | {"if", "whether", "unless"} for t in sentence):
        return None
    if root.tag_ == "VB" and any(child.dep_ == "aux" and child.lower_ in {"will", "'ll"} for child in root.children):
        action = root
    elif root.lemma_ in INTENT_VERBS:
        action = next((child for child in root.children if child.dep_ == "xcomp" and child.tag_ == "VB"), None)
    else:
        return None
    return (subjects[0], action) if action is not None and action.pos_ == "VERB" else None


def no_plans(sentence, rng: random.Random, variants: int = 6) -> list[SyntheticPair]:
    """'X will close the plant' (or 'X plans to close it', or 'the plant will shut') against 'X had
    no plans to close the plant': a contradiction, in up to `variants` distinct wordings."""
    found = _planned_action(sentence)
    if found is None:
        return []
    subject_token, action = found
    subject = _detokenize(subject_token.subtree)
    rest = _detokenize(t for t in sentence if t.i > action.i).rstrip(".!")
    verb = action.lemma_
    objects = [child for child in action.children if child.dep_ == "dobj"]
    pairs = {}
    for _ in range(variants):
        planned = f"{subject} {rng.choice(NO_PLANS)} {verb} {rest}".strip() + "."
        choice = rng.random()
        if action != sentence.root and choice < 0.3:
            future = sentence.text.strip()  # "X plans to close the plant"
        elif objects and verb in INCHOATIVE and choice < 0.8:
            # The object as subject: "X had no plans to close its plant" / "The plant will shut soon."
            words = list(objects[0].subtree)
            thing = _detokenize(words)
            if words[0].lower_ in {"its", "their", "his", "her", "our", "a", "an"}:
                thing = "the " + _detokenize(words[1:])
            future = f"{thing} will {rng.choice(INCHOATIVE[verb])} {rng.choice(LATER)}."
        else:
            future_verb = VERB_SYNONYMS.get(verb, verb) if rng.random() < 0.5 else verb
            future = core_clause(sentence) if action == sentence.root and rng.random() < 0.5 else None
            if future is None:
                future = f"{subject} will {future_verb} {rest}".strip()
                future = (future if rng.random() < 0.6 else f"{future} {rng.choice(LATER)}") + "."
        planned, future = _capitalised(planned), _capitalised(future)
        premise, hypothesis = (planned, future) if rng.random() < 0.7 else (future, planned)
        pairs[(premise, hypothesis)] = SyntheticPair(premise, hypothesis, "contradiction", "no_plans")
    return list(pairs.values())


def _reported_things(sentence, verbs: set[str] | None = None) -> list[tuple[str, str]]:
    """(noun phrase, tag) for objects a sentence reports as existing: the object of a past-tense main
    verb (one of `verbs`, where given)."""
    root = sentence.root
    if root.tag_ != "VBD" or any(t.lower_ in NEGATIONS for t in sentence) or (verbs and root.lemma_ not in verbs):
        return []
    things = []
    for chunk in sentence.noun_chunks:
        words = [t for t in chunk if t.dep_ not in {"det", "poss"} and not t.is_punct]
        if (
            chunk.root.dep_ == "dobj"
            and chunk.root.head == root
            and chunk.root.tag_ in NONE_TEMPLATES
            and 1 <= len(words) <= 4
            and chunk.root.ent_type_ == ""
            and words[0].pos_ in {"NOUN", "ADJ"}
            and not any(child.dep_ == "prep" for child in chunk.root.children)
        ):
            things.append((_detokenize(words).lower(), chunk.root.tag_))
    return things


def nothing_there(sentence, others: list, rng: random.Random) -> list[SyntheticPair]:
    """'There were no X.' is neutral to sentences about something else, and contradicts one providing X."""
    pairs = []
    for things, tag in [thing for other in others for thing in _reported_things(other)[:1]]:
        pairs.append(
            SyntheticPair(
                sentence.text.strip(), rng.choice(NONE_TEMPLATES[tag]).format(things), "neutral", "none_unrelated"
            )
        )
    for things, tag in _reported_things(sentence, PROVIDING_VERBS)[:1]:
        pairs.append(
            SyntheticPair(
                sentence.text.strip(), rng.choice(NONE_TEMPLATES[tag]).format(things), "contradiction", "none_reported"
            )
        )
    return pairs


def _subject_text(sentence) -> str | None:
    for token in sentence:
        if token.dep_ in {"nsubj", "nsubjpass"} and token.head == sentence.root and token.pos_ != "PRON":
            return _detokenize(token.subtree).lower()
    return None


def same_subject_core(sentence, others: list) -> list[SyntheticPair]:
    """Cores of (at most two) other sentences on the same subject, other events: neutral."""
    subject = _subject_text(sentence)
    if subject is None:
        return []
    return [
        SyntheticPair(sentence.text.strip(), core, "neutral", "same_subject_core")
        for other in others
        if _subject_text(other) == subject
        and other.root.lemma_ != sentence.root.lemma_
        and (core := core_clause(other))
    ][:2]


def synthesize(docs: Iterable, seed: int) -> Iterator[SyntheticPair]:
    """Every pair the rules can make from parsed articles (spaCy Docs); `balance` evens them out."""
    rng = random.Random(seed)
    for doc in docs:
        sentences = [s for s in doc.sents if is_usable(s)]
        for index, sentence in enumerate(sentences):
            far = [s for j, s in enumerate(sentences) if abs(j - index) > 2]
            candidates = [
                swap_number(sentence, rng),
                negate_main_verb(sentence),
                swap_antonym(sentence),
                round_number(sentence),
                substitute_synonym(sentence),
                *(drop_modifier(sentence, rng) or ()),
                unrelated_negated(sentence, rng.choice(far), rng) if far else None,
                same_subject_other_event(sentence, far),
                core_entailment(sentence, rng),
                *no_plans(sentence, rng),
                *same_subject_core(sentence, far),
                *(nothing_there(sentence, rng.sample(far, min(3, len(far))), rng) if far else ()),
            ]
            yield from (pair for pair in candidates if pair is not None)


def balance(
    pairs: Iterable[SyntheticPair], per_rule: int, seed: int, rule_caps: dict[str, int] | None = None
) -> list[SyntheticPair]:
    """At most `per_rule` pairs of each rule (`rule_caps` overrides it per rule), sampled reproducibly."""
    by_rule: dict[str, list[SyntheticPair]] = {}
    for pair in pairs:
        by_rule.setdefault(pair.rule, []).append(pair)
    rng = random.Random(seed)
    chosen = []
    for rule in sorted(by_rule):
        group = by_rule[rule]
        cap = (rule_caps or {}).get(rule, per_rule)
        chosen.extend(rng.sample(group, min(cap, len(group))))
    return chosen
