"""Negate a statement's main verb: what a source asserts when it denies a claim.

"Northbrook denied that it would close the plant" asserts "it would not close the plant";
that negated content, not the denied one, is what gets checked against other claims.
"""

from __future__ import annotations

from verify.check.lexicon import DENIAL_CUES, NEGATIONS


def is_negated(token) -> bool:
    """Whether a spaCy token carries a negation ("had not been informed", "never seized")."""
    return any(child.dep_ == "neg" or child.lower_ in NEGATIONS for child in token.children)


def negate_sentence(sentence) -> str | None:
    """The sentence (a spaCy span) with its main verb negated, or None where no rule applies."""
    root = sentence.root
    if root.pos_ not in {"VERB", "AUX"} or is_negated(root):
        return None
    auxiliaries = [child for child in root.children if child.dep_ in {"aux", "auxpass"} and child.i < root.i]
    words = {t.i: t.text_with_ws for t in sentence}
    if auxiliaries:
        first = auxiliaries[0]
        words[first.i] = first.text + " not "
    elif root.lemma_ == "be":
        words[root.i] = root.text + " not "
    elif root.tag_ in {"VBD", "VBZ", "VBP"}:
        helper = {"VBD": "did", "VBZ": "does", "VBP": "do"}[root.tag_]
        words[root.i] = f"{helper} not {root.lemma_}{root.whitespace_}"
    else:
        return None
    return "".join(words[i] for i in sorted(words)).strip()


def is_denial(cue_text: str | None) -> bool:
    return cue_text is not None and any(word in DENIAL_CUES for word in cue_text.lower().split())


def asserted_text(text: str, cue_text: str | None) -> str:
    """What the source asserts: the content itself, or its negation under a denial cue."""
    if not is_denial(cue_text):
        return text
    from verify.runtime.nlp import parse

    sentences = list(parse(text).sents)
    negated = negate_sentence(sentences[0]) if len(sentences) == 1 else None
    return negated or f"It is not true that {text}"
