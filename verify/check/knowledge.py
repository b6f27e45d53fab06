"""Claims about what a source knows: "officials said they had not been informed of any plan".

A source that was not informed, is not aware or could not confirm something says nothing about
whether it is true, so such a claim neither contradicts nor corroborates a claim about the thing
itself; fact-checkers keep "not aware" apart from "denied". Small NLI models do not: they read "had
not been informed of any plan to close the plant" as the negation of "the company will close the
plant", and as support for "we have no plans to close it".
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from verify.check.lexicon import HAVING_VERBS, KNOWING_VERBS, KNOWLEDGE_NOUNS, NOTHING
from verify.check.negation import is_negated


def _children(token: Token, dependencies: set[str]) -> list[Token]:
    return [child for child in token.children if child.dep_ in dependencies]


def _knowing_adjective(root: Token) -> str | None:
    """ "aware" / "unaware" as the predicate, or "unable" to a knowing verb ("unable to confirm")."""
    for adjective in _children(root, {"acomp"}):
        if adjective.lemma_ in {"aware", "unaware"}:
            return adjective.lemma_
        if adjective.lemma_ == "unable" and any(
            verb.lemma_ in KNOWING_VERBS for verb in _children(adjective, {"xcomp"})
        ):
            return adjective.lemma_
    return None


def _knowledge_object(root: Token) -> Token | None:
    """The knowledge "had" or "received": "had no knowledge of", "received no information"."""
    if root.lemma_ not in HAVING_VERBS:
        return None
    return next((obj for obj in _children(root, {"dobj"}) if obj.lemma_ in KNOWLEDGE_NOUNS), None)


def is_about_knowledge(doc: Doc) -> bool:
    """Whether the first sentence's main predicate is about knowing: "was (not) informed",
    "is (un)aware", "had no knowledge", "could (not) confirm"."""
    root = next(iter(doc.sents)).root
    return root.lemma_ in KNOWING_VERBS or bool(_knowing_adjective(root)) or _knowledge_object(root) is not None


def reports_no_knowledge(doc: Doc) -> bool:
    """Whether the first sentence says its subject does not know: "had not been informed of any
    plan", "had been told nothing", "was not aware", "is unaware", "had no knowledge of",
    "could not confirm", "was unable to confirm"."""
    root = next(iter(doc.sents)).root
    if root.lemma_ in KNOWING_VERBS:
        return is_negated(root) or any(obj.lemma_ in NOTHING for obj in _children(root, {"dobj"}))
    adjective = _knowing_adjective(root)
    if adjective:
        return is_negated(root) != (adjective != "aware")
    knowledge = _knowledge_object(root)
    return knowledge is not None and (is_negated(root) or any(child.lower_ == "no" for child in knowledge.children))
