"""Attribution frames in spaCy's dependency parse: which cue governs which content, and who speaks.

Each statement unit (see `verify.attribution.segment`) is searched for frames — a cue, its source's mention and
the content it introduces, as token indices of the doc:

* a speech verb with a subject and a clause or quotation: "Tokayev said that …", "“…,” he added";
* a participle that continues the speaker's turn: "…, adding that …", "…, claiming that …";
* "according to X" attached to a clause;
* a passive report verb that hides the speaker: "police are said to have shot …";
* a hedging adverb: "protesters reportedly stormed …".

Whatever a unit says outside every frame's cue, source and content is the reporter's own narration. Who a
mention names is `verify.attribution.sources`'s; the character spans of claims are `verify.attribution.spans`'.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from verify.attribution.lexicon import (
    ANONYMITY_WORDS,
    COMMUNICATION_VERBS,
    CONTRAST_MARKS,
    DOCUMENT_NOUNS,
    EDITORIAL_LABELS,
    GERUND_CONTENT_VERBS,
    HEDGE_ADVERBS,
    OBJECT_CONTENT_VERBS,
    PASSIVE_REPORT_VERBS,
    is_speech_verb,
)
from verify.attribution.mentions import find_role, mention_tokens
from verify.attribution.segment import opens_quote
from verify.datamodel import Span
from verify.runtime.nlp import expanded_span

SUBJECTS = ("nsubj", "nsubjpass", "expl", "csubj")
MIN_NARRATION_WORDS = 3
MAX_SPEAKER_WORDS = 4  # "Sen. Lindsey Graham:" opens a transcript line; longer phrases before a colon are not names


@dataclass
class Frame:
    """One attribution inside a unit, as token indices of the doc."""

    cue: list[Token]
    content: set[int]
    source: list[Token] = field(default_factory=list)  # the mention; empty when the speaker is hidden
    source_scope: set[int] = field(default_factory=set)  # the whole subject phrase, relative clauses included
    speaker_of: Frame | None = None  # a participle ("adding that …") speaks with its governing frame's voice

    @property
    def speaker(self) -> Frame:
        """The frame whose source speaks this one's content: a participle's governing frame, else itself."""
        frame = self
        while frame.speaker_of is not None:
            frame = frame.speaker_of
        return frame

    @property
    def owned(self) -> set[int]:
        return self.content | self.source_scope | {token.i for token in self.cue}


def find_frames(doc: Doc, tokens: list[Token], quotes: list[Span]) -> list[Frame]:
    """The frames of one statement unit (its `tokens`, with its quotations `quotes`)."""
    in_unit = {token.i for token in tokens}
    quoted = _quoted(tokens, quotes)
    frames: list[Frame] = [frame for frame in [_colon_speaker(tokens)] if frame is not None]
    for token in tokens:
        if token.i in quoted:
            continue  # a speech verb inside a quotation is part of what is quoted
        frame = (
            _according_to(token, in_unit)
            or _hedge_adverb(token, in_unit)
            or _passive_report(token, in_unit)
            or _speech(token, in_unit, frames)
        )
        if frame is not None:
            frames.append(frame)
    _add_whole_quotations(doc, frames, quotes, in_unit)
    frames = [frame for frame in frames if _has_words(doc, frame.content)]
    frames = [frame for frame in frames if not _is_reported_hedge(frame, frames)]
    _remove_nested(frames)
    final_punctuation = _final_punctuation(tokens, quoted)
    for frame in frames:
        frame.content |= _closing_punctuation(doc, frame.content, quotes)
        frame.content -= final_punctuation
    return [frame for frame in frames if _has_words(doc, frame.content)]


def _colon_speaker(tokens: list[Token]) -> Frame | None:
    """ "PENCE: Well, look, …" in a transcript, "Flynn: Trump was right" in a headline, "Said Ellis: “…”":
    a name, a colon, and what the named one says."""
    start = 0
    while start < len(tokens) and opens_quote(tokens[start].text):
        start += 1
    colon = next((index for index in range(start, len(tokens)) if tokens[index].text == ":"), None)
    if colon is None or not 0 < colon - start <= MAX_SPEAKER_WORDS:
        return None
    speaker = tokens[start:colon]
    verb = speaker[:1] if len(speaker) > 1 and is_speech_verb(speaker[0]) else []  # "Said Ellis: “…”"
    speaker = speaker[len(verb) :]
    if any(token.lower_ in EDITORIAL_LABELS for token in speaker):
        return None
    if not all(token.pos_ == "PROPN" or token.text.isupper() or looks_like_source(token) for token in speaker):
        return None
    return Frame(
        cue=[*verb, tokens[colon]],
        content={token.i for token in tokens[colon + 1 :]},
        source=speaker,
        source_scope={token.i for token in speaker},
    )


def _according_to(token: Token, in_unit: set[int]) -> Frame | None:
    """ "according to X": the clause it modifies is X's content."""
    if token.lower_ != "according":
        return None
    to = next((child for child in token.children if child.lower_ == "to"), None)
    source = next((child for child in to.children if child.dep_ == "pobj"), None) if to else None
    if to is None or source is None:
        return None
    phrase = {node.i for node in token.subtree}
    content = _clause(token.head, in_unit) - phrase
    return Frame(cue=[token, to], content=content, source=mention_tokens(source), source_scope=_scope(source))


def _hedge_adverb(token: Token, in_unit: set[int]) -> Frame | None:
    """ "protesters reportedly stormed …": an unnamed source, the clause without the adverb as content."""
    if token.lower_ not in HEDGE_ADVERBS or token.dep_ != "advmod" or token.head.pos_ not in ("VERB", "AUX"):
        return None
    return Frame(cue=[token], content=_clause(token.head, in_unit) - {token.i})


def _passive_report(token: Token, in_unit: set[int]) -> Frame | None:
    """ "police are said to have shot …", "it is alleged that …": the passive hides who says it."""
    if token.lemma_.lower() not in PASSIVE_REPORT_VERBS:
        return None
    auxiliaries = [child for child in token.children if child.dep_ in ("aux", "auxpass", "neg")]
    if not any(child.dep_ == "auxpass" for child in auxiliaries):
        return None
    infinitive = next((child for child in token.children if child.dep_ == "xcomp"), None)
    clause = next((child for child in token.children if child.dep_ == "ccomp"), None)
    agent = next((child for child in token.children if child.dep_ == "agent"), None)
    speaker = next((child for child in agent.children if child.dep_ == "pobj"), None) if agent else None
    source = mention_tokens(speaker) if speaker else []
    scope = {node.i for node in agent.subtree} if agent else set()
    if infinitive is not None:
        to = [child for child in infinitive.children if child.dep_ == "aux" and child.lower_ == "to"]
        cue = sorted(auxiliaries + [token] + to, key=lambda node: node.i)
        content = _clause(token, in_unit) - {node.i for node in cue} - scope
        return Frame(cue=cue, content=content, source=source, source_scope=scope)
    if clause is not None:
        cue = sorted(auxiliaries + [token], key=lambda node: node.i)
        expletive = {child.i for child in token.children if child.dep_ in ("nsubjpass", "expl")}
        return Frame(cue=cue, content=_subtree(clause, in_unit), source=source, source_scope=scope | expletive)
    return None


def _speech(token: Token, in_unit: set[int], earlier: list[Frame]) -> Frame | None:
    """A speech verb with a source and a clause or quotation to report."""
    if not is_speech_verb(token) or any(child.dep_ == "auxpass" for child in token.children):
        return None
    chain = _raising_chain(token)  # "went on to say": the subject sits on "went"
    # several subjects only when the parser split one phrase: "the watchdog Netblocks"
    subjects = [child for child in chain[0].children if child.dep_ in ("nsubj", "csubj")]
    governing = _governing_frame(token, earlier) if not subjects else None
    if not subjects and governing is None:
        subject = _stranded_subject(chain[0]) or _inherited_subject(chain[0])
        subjects = [subject] if subject is not None else []
    if governing is None and (not subjects or not can_be_speaker(subjects[-1], token)):
        return None
    cue = sorted(
        {node for link in chain for node in _verb_group(link)} | _between(chain),
        key=lambda node: node.i,
    )
    content: set[int] = set()
    for child in token.children:
        if child.dep_ == "ccomp" and not (content and _is_own_statement(child)):
            content |= _subtree(child, in_unit)
    content = (
        content
        or _that_clause(token, in_unit)
        or _gerund_clause(token, in_unit)
        or _parenthetical_host(token, in_unit)
        or _object_content(token, in_unit)
    )
    if governing is not None:
        return Frame(cue=cue, content=content, speaker_of=governing)
    scope = set().union(*(_scope(each) for each in subjects)) | _manner_of_speaking(token, in_unit)
    mention = sorted({node for each in subjects for node in mention_tokens(each)}, key=lambda node: node.i)
    return Frame(cue=cue, content=content, source=mention, source_scope=scope)


def subject_of(verb: Token) -> Token | None:
    """Who speaks through a verb: its subject, else the one it shares ("The ministry confirmed the deaths
    and said …", "Clinton mocked the complaint, saying …") or the one the parser stranded before "and"."""
    subject = next((child for child in verb.children if child.dep_ in ("nsubj", "csubj")), None)
    if subject is None:
        subject = _stranded_subject(verb)
    return subject if subject is not None else _inherited_subject(verb)


def _is_own_statement(clause: Token) -> bool:
    """ "X said A, and Y said B" parsed with B's "said" as a second complement of X's: Y's statement."""
    return is_speech_verb(clause) and (
        any(child.dep_ == "nsubj" for child in clause.children) or _stranded_subject(clause) is not None
    )


def _stranded_subject(verb: Token) -> Token | None:
    """ "…, while the prefecture reported that two people had been injured by falling trees and firefighters
    said …": the parser joins the speaker to the noun before "and"; the noun right before a speech verb that
    has no subject of its own, after "and", is its subject."""
    if any(child.dep_ in SUBJECTS for child in verb.children) or verb.i < 2:
        return None
    speaker, joining = verb.doc[verb.i - 1], verb.doc[verb.i - 2]
    if speaker.dep_ == "conj" and joining.lower_ == "and" and looks_like_source(speaker) and speaker.pos_ != "PRON":
        return speaker
    return None


def _that_clause(verb: Token, in_unit: set[int]) -> set[int]:
    """A "that" clause the parser hung lower down: "confirmed in a statement that the agreement …"."""
    for node in verb.subtree:
        hung_below = node.dep_ in ("acl", "advcl", "ccomp") and node.head.head in (verb, *verb.children)
        if hung_below and any(child.dep_ == "mark" and child.lower_ == "that" for child in node.children):
            return _subtree(node, in_unit)
    return set()


def _parenthetical_host(verb: Token, in_unit: set[int]) -> set[int]:
    """ "But to prevent problems, he said, officials should be vigilant": the clause around the aside; also
    "The plant will close, a source told the paper", which the parser joins to that clause as a conjunct."""
    if verb.dep_ != "parataxis" and not _comma_conjunct(verb):
        return set()
    host = verb.head
    while host.pos_ not in ("VERB", "AUX") and host.head != host:
        host = host.head
    return _clause(host, in_unit) - {node.i for node in verb.subtree}


def _comma_conjunct(verb: Token) -> bool:
    """A speech verb with its own subject joined by a bare comma to a clause before it that reports nothing."""
    host = verb.head
    if verb.dep_ != "conj" or host.i > verb.i or is_speech_verb(host):
        return False
    joined_by_word = any(child.dep_ == "cc" and host.i < child.i < verb.i for child in host.children)
    before_speaker = verb.doc[min(node.i for node in verb.subtree) - 1]
    return not joined_by_word and before_speaker.text == "," and any(child.dep_ == "nsubj" for child in verb.children)


def _object_content(verb: Token, in_unit: set[int]) -> set[int]:
    """ "Clean Vote also reported late openings at four polling stations": the object is the report."""
    if verb.lemma_.lower() not in OBJECT_CONTENT_VERBS:
        return set()
    objects = [child for child in verb.children if child.dep_ == "dobj" and child.pos_ in ("NOUN", "PROPN")]
    if not objects:
        return set()
    # "reported late openings | at four polling stations": a place or time hung on the verb belongs to it
    following = [child for child in verb.rights if child.dep_ == "prep" and child.i > objects[0].i]
    return set().union(*(_subtree(node, in_unit) for node in [objects[0], *following]))


def _gerund_clause(verb: Token, in_unit: set[int]) -> set[int]:
    """ "denied sending troops": what was denied, for the verbs that take a gerund as their content."""
    if verb.lemma_.lower() not in GERUND_CONTENT_VERBS:
        return set()
    for child in verb.children:
        gerund = child.tag_ == "VBG" or any(aux.tag_ == "VBG" for aux in child.children if aux.dep_ == "aux")
        if child.dep_ in ("xcomp", "pcomp") and gerund:
            return _subtree(child, in_unit)
    return set()


def _manner_of_speaking(verb: Token, in_unit: set[int]) -> set[int]:
    """ ", speaking on condition of anonymity": a participle about the speaking, which is no statement
    of its own but tells who the source is."""
    manner = set()
    for child in verb.children:
        if (
            child.dep_ == "advcl"
            and child.tag_ == "VBG"
            and not any(grandchild.dep_ in ("ccomp", *SUBJECTS) for grandchild in child.children)
        ):
            manner |= _subtree(child, in_unit)
    return manner


def _raising_chain(token: Token) -> list[Token]:
    """The verbs from the one carrying the subject down to `token`: [went, say] in "went on to say"."""
    chain = [token]
    while chain[0].dep_ == "xcomp" and not any(child.dep_ in SUBJECTS for child in chain[0].children):
        chain.insert(0, chain[0].head)
    return chain


def _between(chain: list[Token]) -> set[Token]:
    """Particles and "to" linking a raising chain: "on", "to" in "went on to say"."""
    doc = chain[0].doc
    return {doc[index] for index in range(chain[0].i, chain[-1].i) if doc[index].dep_ in ("prt", "aux")}


def _verb_group(verb: Token) -> set[Token]:
    return {verb} | {child for child in verb.children if child.dep_ in ("aux", "neg") and child.i < verb.i}


def _governing_frame(token: Token, earlier: list[Frame]) -> Frame | None:
    """For a participle ("adding that …", "claiming that …"): the nearest enclosing speech frame."""
    if token.tag_ != "VBG" or token.dep_ not in ("advcl", "xcomp", "conj", "acl", "pcomp"):
        return None
    by_verb = {frame.cue[-1].i: frame for frame in earlier}
    for ancestor in token.ancestors:
        if ancestor.i in by_verb:
            return by_verb[ancestor.i]
    return None


def _inherited_subject(verb: Token) -> Token | None:
    """The subject a verb without one speaks for: a conjoined verb shares its head's ("The ministry
    confirmed the deaths and said …"), a participle has its main clause's ("Clinton mocked the complaint,
    saying …", "Obama responded by saying …") or is the noun it modifies ("a statement saying …")."""
    if verb.dep_ == "acl" and verb.tag_ == "VBG":
        return verb.head
    while verb.dep_ in ("conj", "prep") or (verb.tag_ == "VBG" and verb.dep_ in ("advcl", "xcomp", "pcomp")):
        verb = verb.head
        subject = next((child for child in verb.children if child.dep_ in ("nsubj", "csubj")), None)
        if subject is not None:
            return subject
    return None


def _add_whole_quotations(doc: Doc, frames: list[Frame], quotes: list[Span], in_unit: set[int]) -> None:
    """A speaker's quotation may run over several sentences ("He went on to say, “…” “…”"), and a quote
    before "X said" is not always parsed as the verb's complement: give such a frame every quotation of
    the unit that no other frame reports."""
    quoted_tokens = [
        {token.i for token in expanded_span(doc, quote.start, quote.end) if token.i in in_unit} for quote in quotes
    ]
    speech_frames = [frame for frame in frames if is_speech_verb(frame.cue[-1]) and frame.speaker_of is None]
    for frame in speech_frames:
        quotation_content = not frame.content or any(frame.content & tokens for tokens in quoted_tokens)
        if not quotation_content:
            continue
        taken = set().union(*(other.owned for other in frames if other is not frame))
        for tokens in quoted_tokens:
            if tokens and not tokens & taken and not tokens & {node.i for node in frame.cue}:
                frame.content |= tokens


def _quoted(tokens: list[Token], quotes: list[Span]) -> set[int]:
    return {token.i for token in tokens if any(quote.start <= token.idx < quote.end for quote in quotes)}


def _final_punctuation(tokens: list[Token], quoted: set[int]) -> set[int]:
    """The sentence's closing full stop belongs to the sentence, not to the reported content (as in PolNeAR);
    inside a quotation it is the speaker's and stays."""
    final = set()
    for token in reversed(tokens):
        if not token.is_punct or token.i in quoted:
            break
        final.add(token.i)
    return final


def _closing_punctuation(doc: Doc, content: set[int], quotes: list[Span]) -> set[int]:
    """The punctuation up to the closing quote of a quotation that the content ends inside:
    '… they had “got considerable training overseas.”' (the parser hangs ".”" on the main verb)."""
    if not content:
        return set()
    last = doc[max(content)]
    open_quote = next((quote for quote in quotes if quote.start <= last.idx < quote.end - 1), None)
    if open_quote is None or open_quote.start < doc[min(content)].idx:
        return set()
    following = [token for token in doc[last.i + 1 :] if token.idx < open_quote.end]
    if all(token.is_punct for token in following):
        return {token.i for token in following}
    return set()


def _is_reported_hedge(frame: Frame, frames: list[Frame]) -> bool:
    """ "Rebels allegedly seized …, the group claimed": the adverb is part of what the group claims."""
    return frame.cue[0].lower_ in HEDGE_ADVERBS and any(frame.cue[0].i in other.content for other in frames)


def _remove_nested(frames: list[Frame]) -> None:
    """A participle inside a frame's content ("said that …, claiming that …") continues the speaker's turn
    with a claim of its own, and a coordinated "…, and Y said …" or "…, while Y reported …" that the parser
    hung inside the content is a statement beside it. Other frames inside content ("Clinton said she thinks …")
    stay part of it."""
    for outer in frames:
        for inner in frames:
            stranded = _stranded_subject(inner.cue[-1]) is not None
            beside = inner.speaker_of is not None or inner.cue[-1].dep_ == "conj" or stranded or _contrasted(inner)
            inside = inner.cue[0].i in outer.content or (stranded and inner.source_scope & outer.content)
            if inner is not outer and beside and inside:
                outer.content -= inner.owned | {node.i for node in inner.cue[-1].subtree}


def _contrasted(frame: Frame) -> bool:
    """ "…, while the navy reported that …": a statement set against the one the parser hung it in."""
    verb = frame.cue[-1]
    marks = [child.lower_ for child in verb.children if child.dep_ == "mark"]
    return verb.dep_ == "advcl" and any(mark in CONTRAST_MARKS for mark in marks)


def narration(tokens: list[Token], frames: list[Frame], quotes: list[Span]) -> list[set[int]]:
    """The reporter's own statements: each top-level clause minus everything the frames claim, and the
    relative clauses that describe a source ("Tokayev, who had previously declared a state of emergency,")."""
    doc = tokens[0].doc
    in_unit = {token.i for token in tokens}
    cues = {token.i for frame in frames for token in frame.cue}
    taken = cues | _final_punctuation(tokens, _quoted(tokens, quotes))
    for frame in frames:
        attached = {index for index in frame.source_scope if _hangs_on(doc, index, frame.source_scope, cues)}
        taken |= frame.content | (attached - _descriptions(frame))
    pieces = []
    for head in _clause_heads(tokens, in_unit):
        piece = _clause(head, in_unit) - taken
        taken |= piece
        if _is_statement(doc, piece):
            pieces.append(piece)
    return pieces


def _descriptions(frame: Frame) -> set[int]:
    """Relative clauses on a source's name, which the reporter asserts; not the ones that only say who
    the source is ("who spoke on condition of anonymity")."""
    described = set()
    for token in frame.source:
        for child in token.children:
            clause = list(child.subtree)
            if child.dep_ == "relcl" and not any(node.lower_ in ANONYMITY_WORDS for node in clause):
                described |= {node.i for node in clause}
    return described


def _hangs_on(doc: Doc, index: int, phrase: set[int], cues: set[int]) -> bool:
    """Whether the token's phrase attaches to a cue: "Tokayev, who …, said" belongs to the attribution, but
    in "Clinton mocked the complaint, saying …" the subject also belongs to the reporter's "mocked"."""
    top = doc[index]
    while top.head.i in phrase and top.head != top:
        top = top.head
    return top.head.i in cues


def _clause_heads(tokens: list[Token], in_unit: set[int]) -> list[Token]:
    roots = [token for token in tokens if token.head.i not in in_unit or token.head == token]
    heads = []
    while roots:
        head = roots.pop(0)
        heads.append(head)
        roots.extend(child for child in head.children if _is_coordinate_clause(child))
    return heads


def _is_coordinate_clause(token: Token) -> bool:
    return token.dep_ == "conj" and any(child.dep_ in SUBJECTS for child in token.children)


def _clause(head: Token, in_unit: set[int]) -> set[int]:
    """`head`'s subtree within the unit, without the coordinated clauses that have their own subject."""
    clause = _subtree(head, in_unit)
    for child in head.children:
        if _is_coordinate_clause(child):
            clause -= _subtree(child, in_unit)
    return clause


def _subtree(token: Token, in_unit: set[int]) -> set[int]:
    return {node.i for node in token.subtree if node.i in in_unit}


def _scope(subject: Token) -> set[int]:
    return {node.i for node in subject.subtree}


def _has_words(doc: Doc, indices: set[int]) -> bool:
    return any(doc[index].is_alpha for index in indices)


def _is_statement(doc: Doc, indices: set[int]) -> bool:
    words = [doc[index] for index in indices if doc[index].is_alpha]
    return len(words) >= MIN_NARRATION_WORDS and any(word.pos_ in ("VERB", "AUX") for word in words)


def looks_like_source(token: Token) -> bool:
    """Whether a clause subject can be a speaker: a person, an organisation, a pronoun or a role noun
    ("their size and rapid spread suggested ..." is the reporter's inference, not a source)."""
    if token.pos_ in ("PRON", "PROPN") or token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    if token.lemma_.lower() in DOCUMENT_NOUNS:
        return True
    return find_role([token])[0] is not None


def can_be_speaker(subject: Token, verb: Token) -> bool:
    """Any subject of a communication verb speaks ("let's say" has none); an inference verb needs a
    speaker-like subject."""
    if not subject.is_alpha:
        return False
    return verb.lemma_.lower() in COMMUNICATION_VERBS or looks_like_source(subject)
