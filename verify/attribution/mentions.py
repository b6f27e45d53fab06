"""Source mentions in the dependency parse: a mention's words, its head and the role words in it.

Read by `cues` (whether a subject can speak, the mention of a frame's speaker) and by `sources` (who a mention
names).
"""

from __future__ import annotations

from spacy.tokens import Token

from verify.attribution.lexicon import DATELINE_DASHES, LONGEST_ROLE, NEWS_AGENCIES, ROLE_LEXICON, RoleEntry


def phrase_head(tokens: list[Token]) -> Token:
    """The head of a phrase: its last token attached outside it (English noun phrases are head-final;
    "the watchdog Netblocks" sometimes comes out of the parser as two subjects)."""
    return [token for token in tokens if token.head not in tokens or token.head == token][-1]


def mention_tokens(head: Token) -> list[Token]:
    """The source as named: the phrase of `head` without relative clauses and trailing punctuation."""
    cut = set()
    for child in head.children:
        if child.dep_ in ("relcl", "acl"):
            cut |= {node.i for node in child.subtree}
    tokens = _without_dateline([node for node in head.subtree if node.i not in cut])
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    return tokens


def _without_dateline(tokens: list[Token]) -> list[Token]:
    """The mention without a dateline the parse put in it: "BRUSSELS - European leaders" are European leaders,
    "Washington (AFP) — Officials" officials. A dateline opens its sentence: a place in capitals, or a place and
    an agency in brackets, then a dash. Without the capitals or the agency ("Anne-Marie - the mayor") the
    words stay."""
    if not tokens or not tokens[0].is_sent_start:
        return tokens
    dash = next((index for index, token in enumerate(tokens[:10]) if token.text in DATELINE_DASHES), None)
    if dash is None or dash == 0 or dash == len(tokens) - 1:
        return tokens
    before = tokens[:dash]
    words = [token for token in before if token.is_alpha]
    in_capitals = bool(words) and all(token.is_upper and len(token) > 1 for token in words)
    agency = any(token.lower_ in NEWS_AGENCIES for token in before) and any(token.text == "(" for token in before)
    only_place = all(token.is_alpha or token.text in {",", "(", ")", "."} for token in before)
    # A second dash closes an aside ("NATO - the alliance of 29 nations - said"): no dateline.
    last = tokens[-1]
    closing = last.doc[last.i + 1] if last.i + 1 < len(last.doc) else None
    aside = any(token.text in DATELINE_DASHES for token in tokens[dash + 1 :]) or (
        closing is not None and closing.text in DATELINE_DASHES
    )
    return tokens[dash + 1 :] if only_place and (in_capitals or agency) and not aside else tokens


def find_role(tokens: list[Token]) -> tuple[RoleEntry | None, int, int]:
    """The role a phrase names: (entry, first index, end index) into `tokens`.

    The role of the phrase's head wins ("the foreign ministry spokeswoman" is a spokesperson) unless it is
    generic ("press sources" are the press); otherwise the specific role nearest the head ("the carmakers'
    association VDA" is an association), then a generic one.
    """
    found = _role_phrases(tokens)
    head = tokens.index(phrase_head(tokens)) if tokens else -1
    on_head = [item for item in found if item[1] <= head < item[2] and not item[0].generic]
    specific = [item for item in found if not item[0].generic][::-1]  # nearest the head first
    for candidates in (on_head, specific, found):
        if candidates:
            return candidates[0]
    return None, 0, 0


def _role_phrases(tokens: list[Token]) -> list[tuple[RoleEntry, int, int]]:
    """Every role phrase in `tokens`, longest match first, left to right; plurals match their singular."""
    lowered = [token.lower_ for token in tokens]
    found = []
    position = 0
    while position < len(tokens):
        for length in range(min(LONGEST_ROLE, len(tokens) - position), 0, -1):
            words = lowered[position : position + length]
            singular = words[:-1] + [tokens[position + length - 1].lemma_.lower()]
            entry = ROLE_LEXICON.get(" ".join(words)) or ROLE_LEXICON.get(" ".join(singular))
            if entry is not None:
                found.append((entry, position, position + length))
                position += length - 1
                break
        position += 1
    return found
