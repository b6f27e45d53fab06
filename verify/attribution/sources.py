"""The one place that chooses a source: who a mention names — canonical names (pronouns, surnames and "the
company" resolved to earlier mentions), roles, kinds and anonymity, read off the dependency parse with the
lexicon — for the rules' frames and the tagger's attributions alike."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Token
from spacy.tokens import Span as TokenSpan

from verify.attribution.cues import Frame, subject_of
from verify.attribution.lexicon import (
    ANONYMITY_WORDS,
    BUSINESS_MEMBERS,
    DOCUMENT_NOUNS,
    GROUP_PRONOUNS,
    HONORIFICS,
    IMPERSONAL_VERBS,
    INDEFINITE_WORDS,
    LONGEST_ROLE,
    MEMBER_NAMED_BODIES,
    PERSON_PRONOUNS,
    POSSESSIVE_PERSON_PRONOUNS,
    RELATIVE_PRONOUNS,
    ROLE_LEXICON,
    WORKER_MEMBERS,
    RoleEntry,
)
from verify.attribution.mentions import find_role, mention_tokens, phrase_head
from verify.attribution.spans import joined_text, span_tokens, trim_edges
from verify.datamodel import Claim, Source, SourceKind, Span, shared_characters
from verify.runtime.nlp import phrase_text, text_of


def describe_role(tokens: list[Token], entry: RoleEntry | None, first: int, end: int) -> str | None:
    """The role as the text words it: a title with the nouns in front of it ("district police chief", "Finance
    Minister" → "finance minister"), an institution's type ("port authority", "grid operator"); a word the
    lexicon maps stays mapped ("spokeswoman" → "spokesperson", "news outlet" → "press"), and a body named
    after its members gets their type ("the carmakers' association" → "industry body")."""
    if entry is None or entry.role is None:
        return None
    if entry.role in MEMBER_NAMED_BODIES:
        return _members_type([node for left in tokens[end - 1].lefts for node in left.subtree]) or entry.role
    written = [token.lower_ for token in tokens[first : end - 1]] + [tokens[end - 1].lemma_.lower()]
    if " ".join(written) != entry.role or not (entry.title or entry.kind not in ("person", "anonymous")):
        return entry.role
    modifiers: list[str] = []
    position = first - 1
    while position >= 0 and tokens[position].dep_ == "compound" and _is_descriptive(tokens[position], tokens[first]):
        modifiers.insert(0, tokens[position].lower_)
        position -= 1
    return " ".join(modifiers + [entry.role])


def _is_common(token: Token) -> bool:
    """A common noun, also when capitalised at the start of a sentence ("Freight forwarders said")."""
    return token.pos_ == "NOUN" or bool(token.is_sent_start and token.pos_ == "PROPN" and not token.ent_type_)


def _is_descriptive(modifier: Token, role_word: Token) -> bool:
    """A common noun in front of a role word, or a capitalised one in a capitalised title ("Finance Minister");
    not a name ("Northbrook spokeswoman", "the Havenbond union")."""
    if _is_common(modifier):
        return True
    return modifier.pos_ == "PROPN" and role_word.pos_ == "PROPN" and not modifier.ent_type_


def _members_type(tokens: list[Token]) -> str | None:
    """ "union" for a body of workers ("Steelworkers'"), "industry body" for one of businesses ("employers'")."""
    for token in tokens:
        words = {token.lemma_.lower(), token.lower_.rstrip("s'")}
        if any(word.endswith(member) for word in words for member in WORKER_MEMBERS):
            return "union"
        if words & BUSINESS_MEMBERS:
            return "industry body"
    return None


def role_family(role: str | None) -> str | None:
    """What "the <word>" would call a source with this role: "the company" for a grid operator."""
    if role is None:
        return None
    entry = ROLE_LEXICON.get(role.split()[-1]) or ROLE_LEXICON.get(role)
    return entry.refers_as if entry is not None else role


def is_anonymous(mention: list[Token], context: list[Token], role: RoleEntry | None) -> bool:
    """Unidentified speakers: "sources", "a senior official", "officials, who spoke on condition of anonymity"
    (`context` is the mention with its relative clauses and the manner of speaking)."""
    if any(token.lower_ in ANONYMITY_WORDS for token in context + mention):
        return True
    head = phrase_head(mention)
    if role is None or role.kind not in ("person", "anonymous"):
        return False
    # a person is named by a name of their own: "a White House official" is still unnamed
    if head.pos_ == "PROPN" or any(token.ent_type_ == "PERSON" for token in mention):
        return False
    if any(child.dep_ == "appos" and child.pos_ == "PROPN" for child in head.children):
        return False
    determiners = [child.lower_ for child in head.children if child.dep_ in ("det", "nummod", "amod")]
    plural_bare = head.tag_ in ("NNS", "NNPS") and not any(
        child.dep_ in ("det", "poss") and child.lower_ not in INDEFINITE_WORDS for child in head.children
    )
    return role.kind == "anonymous" or plural_bare or any(word in INDEFINITE_WORDS for word in determiners)


@dataclass(frozen=True)
class PersonMention:
    """A person named in the article, as the antecedent for later pronouns and short names."""

    start: int  # character offset of the mention
    name: str  # the full name it refers to
    role: str | None
    # named in a headline, whose capitals run other words into names ("Lawmakers Rip Donald Trump"): a short
    # name refers to it only where the text itself names no one so
    in_headline: bool = False


class SourceResolver:
    """Turns source mentions into `Source`s, resolving pronouns and short forms to earlier full mentions.

    The coreference is deliberately simple: "he"/"she" is the most recent person mentioned, "Tokayev" is the
    earlier full name ending in "Tokayev" (whatever the entity tagger makes of the short form), "the
    ministry"/"they" the most recent earlier source with that role or of a group kind, "the bank" else the
    latest organisation named earlier with that head. A shortened organisation name ("Corran" for Corran Bank)
    is left as written: the tagger cannot tell it from a place that speaks for its government ("Washington
    said" after "The Washington Post"). Call `resolve` in text order: each resolved source becomes an
    antecedent.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.people: list[PersonMention] = []
        self.sources: list[Source] = []  # resolved so far, in text order
        # Organisations the article names (as it names them, without "the"): what "the bank" refers to where
        # no bank has spoken before.
        self.organisations: list[TokenSpan] = []
        for entity in doc.ents:
            if entity.label_ == "PERSON":
                self.people.append(self._person_mention(_with_given_name(entity)))
            elif entity.label_ == "ORG" and not _title_cased(entity.sent):  # "Washington Post Hit Piece Exploits"
                named = entity[1:] if entity[0].lower_ == "the" else entity
                if len(named):
                    self.organisations.append(named)

    def of_frame(self, frame: Frame) -> Source:
        """The source of an attribution frame: its speaker's mention resolved, anonymous where the speaker is
        hidden ("police are said to …")."""
        speaker = frame.speaker
        if not speaker.source:
            return self.anonymous()
        return self.resolve(speaker.source, speaker.source_scope)

    def anonymous(self) -> Source:
        return Source(mention="", name="anonymous", role=None, kind="anonymous")

    def resolve(self, mention: list[Token], scope: set[int]) -> Source:
        start, end = mention[0].idx, mention[-1].idx + len(mention[-1].text)
        written = phrase_text(mention)
        spans = (Span(start, end),)
        name, role, kind = self._identify(mention, [self.doc[index] for index in sorted(scope)], start)
        source = Source(mention=written, name=name, role=role, kind=kind, spans=spans)
        self.sources.append(source)
        return source

    def _identify(self, mention: list[Token], scope: list[Token], start: int) -> tuple[str, str | None, SourceKind]:
        if len(mention) == 1 and mention[0].lower_ in RELATIVE_PRONOUNS and mention[0].head.dep_ == "relcl":
            antecedent = mention[0].head.head  # "spokesman Shahjahan Sikder, who added …"
            return self._identify(mention_tokens(antecedent), list(antecedent.subtree), antecedent.idx)
        if len(mention) == 1 and mention[0].pos_ == "PRON":
            return self._pronoun(mention[0], start)
        described, entry, first, end = _descriptor(mention)
        role = describe_role(described, entry, first, end)
        named_role = find_role(mention)  # the mention's own role word, beside an appositive's
        proper = [token for token in mention if token.pos_ == "PROPN"]
        if entry is None and proper:
            earlier = self._latest_source(
                lambda source: source.name == phrase_text(proper) and source.kind not in ("person", "author")
            )
            if earlier is not None:  # "Enedis said" after "grid operator Enedis"
                return earlier.name, earlier.role, earlier.kind
        # "grid operator Enedis", "the Sanders campaign": an institution, whoever it is named after. The campaign
        # test reads the mention itself, not an appositive description of it ("Trump, the GOP frontrunner").
        names_institution = _names_an_institution(described, entry, end) or _headed_by_institution(mention, *named_role)
        known = None if names_institution else self._person_named(mention, start)
        if known is not None:
            return known.name, role if entry is not None and entry.kind == "person" else known.role, "person"
        if phrase_head(mention).pos_ != "PROPN" and entry is not None and entry.title and _is_definite(mention):
            person = self._person_titled(role)  # "Portugal's finance minister" before she is named
            if person is not None:
                return person.name, role, "person"
        if entry is not None and (entry.kind in ("person", "anonymous") or entry.speaks_for):
            institution = self._institution_spoken_for(phrase_head(mention), start)
            if institution is not None:  # "a spokeswoman for the company", "economists at Banco Atlantico"
                institution_name, _, institution_kind = institution
                return institution_name, role, institution_kind
        if not proper and entry is not None and _is_definite(mention):
            same_type = self._latest_source(
                lambda source: (
                    role_family(source.role) == role_family(role)
                    and (source.name[:1].isupper() or _narrows(source.name, mention))
                )
            )
            if same_type is not None:  # "the company" for the grid operator named before
                return same_type.name, same_type.role, same_type.kind
            organisation = self._organisation_headed(mention, start)
            if organisation is not None:  # "the bank" after "customers of Corran Bank"
                return self._named_organisation(organisation)
        owner = next((child for child in phrase_head(mention).children if child.dep_ == "poss"), None)
        if not proper and entry is not None and owner is not None and owner.lower_ in POSSESSIVE_PERSON_PRONOUNS:
            owner_name = self._pronoun(owner, start)[0]  # "her campaign"
            if owner_name != owner.lower_:
                return f"{owner_name}'s {role}", role, _kind(mention, scope, entry)
        name = _organisation_name(mention, *named_role)
        return name, role if entry is not None else _common_noun_role(mention), _kind(mention, scope, entry)

    def _institution_spoken_for(self, head: Token, start: int) -> tuple[str, str | None, SourceKind] | None:
        """The institution an unnamed speaker speaks for: a possessor ("the finance ministry's press office")
        or "for"/"at"/"with" X ("a spokeswoman for the company", "officials at the business ministry")."""
        institution: Token | None
        for child in head.children:
            if child.dep_ == "poss" and child.pos_ != "PRON":
                institution = child
            elif child.dep_ == "prep" and child.lower_ in ("for", "at", "with"):
                institution = next((node for node in child.children if node.dep_ == "pobj"), None)
            else:
                continue
            if institution is None:
                continue
            tokens = mention_tokens(institution)
            tokens = [token for token in tokens if token.dep_ != "case"]
            if not tokens:  # a possessive marker parsed as the possessor (odd text): nobody to name
                continue
            identified = self._identify(tokens, tokens, start)
            if identified[2] in ("organisation", "government_body", "media"):
                return identified
        return None

    def _organisation_headed(self, mention: list[Token], start: int) -> TokenSpan | None:
        """The latest organisation named earlier whose name has this description's head noun and its other words
        ("the bank" for Corran Bank, "the chamber" for the Lorne Valley Chamber of Commerce; not "the district
        court" for the Federal Appeals Court). A bridging reference to a body never named ("Farmers protested
        against the European Union's rules. The union said ...") is taken for the one named."""
        head = phrase_head(mention).lemma_.lower()
        return next(
            (
                organisation
                for organisation in reversed(self.organisations)
                if organisation.start_char < start
                and organisation.root.lemma_.lower() == head
                and _description_words(mention) <= {token.lemma_.lower() for token in organisation}
            ),
            None,
        )

    def _named_organisation(self, organisation: TokenSpan) -> tuple[str, str | None, SourceKind]:
        """An organisation the article names, as a source: as it was resolved if it has spoken before."""
        tokens = list(organisation)
        earlier = self._latest_source(lambda source: source.name == phrase_text(tokens))
        if earlier is not None:
            return earlier.name, earlier.role, earlier.kind
        return self._identify(tokens, tokens, organisation.start_char)

    def _person_ending(self, written: str, start: int) -> PersonMention | None:
        """The earliest person named before `start` whose full name is or ends in `written` ("Tokayev"), outside
        headlines first."""
        named = [
            person
            for person in self.people
            if person.start <= start and (person.name == written or person.name.endswith(" " + written))
        ]
        return min(named, key=lambda person: (person.in_headline, person.start), default=None)

    def _person_titled(self, role: str | None) -> PersonMention | None:
        """The one person the article gives this title, named before or after the mention."""
        titled = [person for person in self.people if role is not None and person.role == role]
        if len({person.name for person in titled}) != 1:
            return None
        return titled[0]

    def _pronoun(self, pronoun: Token, start: int) -> tuple[str, str | None, SourceKind]:
        word = pronoun.lower_
        if word in PERSON_PRONOUNS:
            earlier = [person for person in self.people if person.start < start]
            if earlier:
                return earlier[-1].name, earlier[-1].role, "person"
            return word, None, "person"
        if word in GROUP_PRONOUNS:
            antecedent = self._latest_source(lambda source: source.kind not in ("person", "author"))
            if antecedent is not None:
                return antecedent.name, antecedent.role, antecedent.kind
        return word, None, "unknown"

    def _latest_source(self, accepts) -> Source | None:
        return next((source for source in reversed(self.sources) if accepts(source)), None)

    def _person_named(self, mention: list[Token], start: int) -> PersonMention | None:
        """The person a name refers to: an earlier full name that its person-tagged words, or else its proper
        nouns that name the speaker (not an owner or an object), equal or end ("Tokayev"); else itself when the
        tagger saw a person; None for names of no known person."""
        names = [token for token in mention if not _is_title(token)]
        tagged = [token for token in names if token.ent_type_ == "PERSON"]
        # A surname the entity tagger calls an organisation or a place is still the person named before
        # ("Whitlow said" after "Dana Whitlow, a spokeswoman"): the name decides, not its tag, where it names
        # who speaks and not whose or what the phrase is about.
        head = phrase_head(mention)
        untagged = [token for token in names if token.pos_ == "PROPN" and not _owner_or_object(token, head)]
        for candidates in (tagged, untagged):
            earlier = self._person_ending(phrase_text(candidates), candidates[0].idx) if candidates else None
            if earlier is not None:
                return earlier
        return PersonMention(start, phrase_text(tagged), None) if tagged else None

    def _person_mention(self, entity) -> PersonMention:
        """A PERSON entity with its full name (short forms point back to it) and title, if any."""
        tokens = [token for token in entity if not _is_title(token)]
        written = phrase_text(tokens) if tokens else entity.text
        earlier = next((person for person in reversed(self.people) if person.name.endswith(" " + written)), None)
        title = _title_before(self.doc, entity.start) or _appositive_title(entity.root)
        headline = _title_cased(entity.sent)
        if earlier is not None:
            return PersonMention(entity.start_char, earlier.name, title or earlier.role, headline)
        return PersonMention(entity.start_char, written, title, headline)


class TaggedSources:
    """Sources of the tagger's attributions (`verify.attribution.hybrid`): the rules' source where the rules read
    the same cue, else the tagged mention or, without one, the subject of the cue's verb (active voice, not "it
    seems"), resolved after the sources named before it; anonymous with neither."""

    def __init__(self, doc: Doc, rule_sources: list[Source]) -> None:
        self.doc = doc
        self.resolver = SourceResolver(doc)
        self.known = [source for source in rule_sources if source.spans]

    def of(self, grouped: Claim, rule_source: Source | None) -> Source:
        """The source of a tagged attribution (`tagger.group_attributions`); `rule_source` is that of the rules
        attribution that shares its cue, if any."""
        text = text_of(self.doc)
        tagged = tuple(span for span in (trim_edges(text, piece) for piece in grouped.source.spans) if span)
        if rule_source is not None:
            if not tagged or not rule_source.spans:  # a speaker the rules see hidden stays hidden
                return rule_source
            if shared_characters(tagged, rule_source.spans):  # one source: the rules' name, the tagger's span
                return replace(rule_source, mention=joined_text(text, tagged), spans=tagged)
        cue = span_tokens(self.doc, grouped.cue.spans if grouped.cue else ())
        mention = self._tagged_mention(tagged) if tagged else self._subject(cue)
        if not mention or any(_touches(token, grouped.spans) for token in mention):
            return self.resolver.anonymous()
        source = self._resolve(mention)
        return replace(source, mention=joined_text(text, tagged), spans=tagged) if tagged else source

    def _tagged_mention(self, spans: tuple[Span, ...]) -> list[Token]:
        """The tagged source as the rules would name it: the phrase of its head, within the span."""
        tokens = span_tokens(self.doc, spans)
        inside = {token.i for token in tokens}
        heads = [token for token in tokens if token.head.i not in inside or token.head == token]
        if not heads:
            return []
        phrase = [token for token in mention_tokens(heads[0]) if token.i in inside]
        return phrase or [token for token in tokens if not token.is_punct and not token.is_space]

    def _subject(self, cue: list[Token]) -> list[Token]:
        """The speaker the parse gives a tagged cue's verb, unless it is passive or impersonal."""
        inside = {token.i for token in cue}
        verb = next((token for token in cue if token.head.i not in inside or token.head == token), None)
        if verb is None or verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() in IMPERSONAL_VERBS:
            return []
        if any(child.dep_ in ("auxpass", "nsubjpass", "expl") for child in verb.children):
            return []
        subject = subject_of(verb)
        if subject is None or subject.dep_ == "expl" or not subject.is_alpha:
            return []
        return mention_tokens(subject)

    def _resolve(self, mention: list[Token]) -> Source:
        start = mention[0].idx
        self.resolver.sources = sorted(
            (source for source in self.known if source.spans[0].start < start), key=lambda source: source.spans[0].start
        )
        source = self.resolver.resolve(mention, {token.i for token in mention})
        self.known.append(source)
        return source


def _touches(token: Token, spans: tuple[Span, ...]) -> bool:
    return any(span.start <= token.idx < span.end for span in spans)


def _with_given_name(entity: TokenSpan) -> TokenSpan:
    """A PERSON entity with the given name in front of it that the entity tagger left out ("Anders Holm" when it
    tagged only "Holm"); not a rank, a form of address or the end of a title ("Colonel Holm", "President
    Tokayev"). Only a lone surname: where the tagger took two names or more, the word before them is a title or a
    description ("Chancellor Angela Merkel", "Vermonter Bernie Sanders")."""
    if entity.start == 0 or len(entity) > 1:
        return entity
    token = entity.doc[entity.start - 1]
    given_name = (
        token.dep_ == "compound"
        and entity.start <= token.head.i < entity.end
        and _is_proper(token)
        and not token.ent_type_
        and not _is_common(token)  # "Rival Hillary Clinton": capitalised at the start of a sentence
        and not _title_cased(token.sent)  # "Black Lawmakers Rip Donald Trump": every word is capitalised
        and token.lower_.rstrip(".") not in HONORIFICS
        and not _ends_a_role(token)
    )
    return entity.doc[token.i : entity.end] if given_name else entity


def _owner_or_object(token: Token, head: Token) -> bool:
    """Whether `token` names whose or what the phrase of `head` is about, not who it is: "Scott's family",
    "supporters of Sanders", "the Christie supporter"; an appositive names who it is, wherever the parser
    attaches it ("a spokesman for the force, Anders Holm")."""
    while token != head and token.head != token:
        if token.dep_ == "appos":
            return False
        if token.dep_ == "compound" and token.head == head and head.pos_ == "NOUN":  # "the Christie supporter"
            return True
        if token.dep_ in ("poss", "pobj", "prep"):
            return True
        token = token.head
    return False


def _title_cased(sentence: TokenSpan) -> bool:
    """A headline's capitals ("Conservative Icon Morton Blackwell Says ..."), which say nothing of names: every
    word but the function words capitalised ("Customers of Corran Bank could not log in" is prose)."""
    words = [token for token in sentence if token.is_alpha and not token.is_stop]
    return len(words) >= 4 and all(token.text[:1].isupper() for token in words)


def _ends_a_role(token: Token) -> bool:
    """Whether a role phrase of the lexicon ends at `token` ("Executive" in "Chief Executive")."""
    return next(_roles_ending(list(token.doc[token.sent.start : token.i + 1])), None) is not None


def _roles_ending(words: list[Token]) -> Iterator[tuple[RoleEntry, int, int]]:
    """Each role phrase of the lexicon that ends with the last of `words`, longest first, as (entry, first, end)
    with indices into `words` (`find_role` on each ending of `words`)."""
    for length in range(min(LONGEST_ROLE, len(words)), 0, -1):
        offset = len(words) - length
        entry, first, end = find_role(words[offset:])
        if entry is not None and end == length:
            yield entry, first + offset, end + offset


def _narrows(name: str, mention: list[Token]) -> bool:
    """ "health ministry" for "the ministry": a longer description with the same head noun and the mention's other
    words (not "federal appeals court" for "the district court")."""
    words = name.lower().split()
    head = phrase_head(mention).lemma_.lower()
    return len(words) > 1 and words[-1] == head and _description_words(mention) - {head} <= set(words)


def _description_words(mention: list[Token]) -> set[str]:
    """The words of a description but its determiners and punctuation, as lemmas: {"district", "court"}."""
    return {token.lemma_.lower() for token in mention if token.dep_ not in ("det", "poss", "case") and token.is_alpha}


def _title_before(doc: Doc, position: int) -> str | None:
    """ "President Kassym-Jomart Tokayev", "district police chief Mahbub Alam": a title right before the name,
    in its sentence (a line ending in "... the Prime Minister" titles no name that opens the next)."""
    before = list(doc[doc[position].sent.start : position])  # with the nouns in front of the title
    for entry, first, end in _roles_ending(before):
        if entry.title:
            return describe_role(before, entry, first, end)
    for token in doc[position : position + 4]:
        if _is_title(token):
            return ROLE_LEXICON[token.lower_].role
    return None


def _is_title(token: Token) -> bool:
    return token.lower_ in ROLE_LEXICON and ROLE_LEXICON[token.lower_].title


def _appositive_title(root: Token) -> str | None:
    """ "Tokayev, the president, said", "Rokeya Begum, a machine operator", "The factory's owner, Tareq
    Hossain": the role in an appositive, or of the noun the name is an appositive to; not in a relative clause
    on it ("the conservative icon who founded the Leadership Institute" is no institute)."""
    phrases = [mention_tokens(child) for child in root.children if child.dep_ == "appos"]
    if root.dep_ == "appos":
        phrases.append([node for node in root.head.subtree if node.i <= root.head.i])
    for phrase in phrases:
        tokens = [node for node in phrase if not node.is_punct]
        entry, first, end = find_role(tokens)
        if entry is not None and not entry.generic:
            return describe_role(tokens, entry, first, end)
        if tokens and entry is None:
            return _common_noun_role(tokens)
    return None


def _descriptor(mention: list[Token]) -> tuple[list[Token], RoleEntry | None, int, int]:
    """The phrase that says what the source is and its role entry: an appositive description beats a role word
    inside the name ("The Public Finance Council, an independent fiscal watchdog" is a watchdog)."""
    for child in phrase_head(mention).children:
        if child.dep_ == "appos" and child.pos_ == "NOUN":
            tokens = [node for node in child.subtree if not node.is_punct]
            entry, first, end = find_role(tokens)
            if entry is not None and not entry.generic:
                return tokens, entry, first, end
    entry, first, end = find_role(mention)
    return mention, entry, first, end


def _names_an_institution(tokens: list[Token], entry: RoleEntry | None, end: int) -> bool:
    """ "grid operator Enedis": an institution's type in front of its name, whatever the tagger thinks the name is."""
    return entry is not None and entry.kind not in ("person", "anonymous") and tokens[end - 1].dep_ == "compound"


def _headed_by_institution(tokens: list[Token], entry: RoleEntry | None, first: int, end: int) -> bool:
    """ "The Sanders campaign", "the Trump Organization": the phrase's head is an institution's role word."""
    if entry is None or entry.kind in ("person", "anonymous") or not tokens:
        return False
    return first <= tokens.index(phrase_head(tokens)) < end


def _is_definite(mention: list[Token]) -> bool:
    return mention[0].lower_ == "the" or any(
        child.dep_ == "poss" and child.pos_ != "PRON" for child in phrase_head(mention).children
    )


def _common_noun_role(mention: list[Token]) -> str | None:
    """A source the lexicon does not know, described by a common noun: its singular with the nouns in front
    ("Freight forwarders" → "freight forwarder", "the regional prefecture" → "prefecture")."""
    head = phrase_head(mention)
    if head.pos_ != "NOUN" or head.lemma_.lower() in DOCUMENT_NOUNS:
        return None
    modifiers = [child.lower_ for child in head.lefts if child.dep_ == "compound" and _is_common(child)]
    return " ".join(modifiers + [head.lemma_.lower()])


def _organisation_name(mention: list[Token], entry: RoleEntry | None, first: int, end: int) -> str:
    """Canonical name of a non-person source: the capitalised institution name around its role word
    ("Kazakh Ministry of Internal Affairs"), the proper name the phrase is about ("Tass" in "the Russian news
    outlet Tass"), else the phrase without its article ("deputy mayor")."""
    head = phrase_head(mention)
    if entry is not None and _is_proper(mention[first]) and not _is_type_before_name(mention[first]):
        tokens = _capitalised_run(mention, first)
    elif _is_proper(head) and not _title_cased(head.sent):
        # the whole name: "Lorne Valley Chamber of Commerce", "Meteo-France"; not a possessor ("the Huffington
        # Post's Scott Conroy")
        tokens = _capitalised_run(mention, mention.index(head), possessors=False)
    elif _is_proper(head):
        tokens = _proper_modifiers(head) + [head]
    elif any(child.pos_ == "PROPN" and child.dep_ == "appos" for child in head.rights):
        name = next(child for child in head.rights if child.pos_ == "PROPN" and child.dep_ == "appos")
        tokens = [node for node in name.subtree if not node.is_punct]
    elif entry is not None and entry.kind != "person" and _proper_modifiers(head):
        tokens = _proper_modifiers(head)  # "the Havenbond union" is Havenbond
        if any(token.ent_type_ == "PERSON" for token in tokens):  # "the Jeb Bush campaign" is not Jeb Bush
            tokens = sorted({node for token in tokens for node in token.subtree} | {head}, key=lambda token: token.i)
    else:
        tokens = mention[1:] if mention[0].lower_ in ("the", "a", "an") and len(mention) > 1 else mention
        if not _is_proper(tokens[0]) or _is_common(tokens[0]):  # a description: "Police" is "police"
            written = phrase_text(sorted(tokens, key=lambda token: token.i))
            return written[:1].lower() + written[1:]
    tokens = sorted(tokens, key=lambda token: token.i)
    return phrase_text(tokens)


def _proper_modifiers(head: Token) -> list[Token]:
    return [
        child
        for child in head.lefts
        if _is_proper(child) and child.dep_ == "compound" and not _is_type_before_name(child)
    ]


def _is_type_before_name(token: Token) -> bool:
    """ "Carmaker Nexora", "Rail operator SNCF": a role word capitalised only because it opens the sentence."""
    return bool(token.is_sent_start) and token.dep_ == "compound" and find_role([token])[0] is not None


def _is_proper(token: Token) -> bool:
    """A proper noun as written: the tagger also calls some lowercase nouns PROPN ("the defence ministry")."""
    return token.pos_ == "PROPN" and token.text[:1].isupper()


def _capitalised_run(mention: list[Token], position: int, possessors: bool = True) -> list[Token]:
    """The capitalised words around `mention[position]`, with "of", "for", "and", "&" and unspaced hyphens
    between them ("Lorne Valley Chamber of Commerce", "Meteo-France"), but not a word capitalised only because
    it opens the sentence, nor a type word before the name ("Carmaker Nexora"); with `possessors` an
    institution's possessor too ("The Steelworkers' Federation"), else only one the entity tagger puts inside
    the name ("Swiss People's Party"; not "Fox News' Megyn Kelly")."""

    def inside(token: Token) -> bool:
        # "Many Democrats", "Both Blocher and ...": a word capitalised only because it opens the sentence, unless
        # the entity tagger reads it into a name ("First Republic Bank", "Whole Foods Market")
        opens_sentence = token.is_sent_start and (token.is_stop or token.pos_ not in ("PROPN", "ADJ"))
        in_a_name = token.ent_iob_ == "B" and token.i + 1 < len(token.doc) and token.nbor().ent_iob_ == "I"
        return token.text[:1].isupper() and token.lower_ != "the" and (in_a_name or not opens_sentence)

    def possessor_in_name(token: Token, marker: Token, named: Token) -> bool:
        # "Swiss People's Party": the entity tagger's one name, possessive and all (not "Fox News' Megyn Kelly")
        if marker.ent_iob_ == "I" and named.ent_iob_ == "I":
            return True
        return (
            possessors and inside(token) and token.ent_type_ not in ("GPE", "PERSON", "NORP") and token.pos_ != "PRON"
        )

    def hyphen(index: int) -> bool:  # "Meteo-France": a hyphen with no space on either side
        return (
            index > 0 and mention[index].text == "-" and not mention[index - 1].whitespace_ + mention[index].whitespace_
        )

    def joining(index: int) -> bool:
        between = mention[index].lower_ in ("of", "for", "and", "&") or hyphen(index)
        return between and index + 1 < len(mention) and inside(mention[index + 1])

    start = position
    while start > 0:
        if (
            inside(mention[start - 1])
            and mention[start - 1].dep_ != "poss"
            and not _is_type_before_name(mention[start - 1])
        ):
            start -= 1
        elif start > 1 and hyphen(start - 1) and inside(mention[start - 2]):
            start -= 2
        elif (
            start > 1
            and mention[start - 1].dep_ == "case"
            and possessor_in_name(mention[start - 2], mention[start - 1], mention[start])
        ):
            start -= 2  # "The Steelworkers' Federation"; not "Portugal's Finance Ministry"
        else:
            break
    end = position + 1
    while end < len(mention) and (inside(mention[end]) or joining(end)):
        end += 1
    return mention[start:end]


def _kind(mention: list[Token], scope: list[Token], entry: RoleEntry | None) -> SourceKind:
    if entry is not None and entry.kind == "media":
        return "media"
    if is_anonymous(mention, scope, entry):
        return "anonymous"
    if entry is not None:
        return "person" if entry.kind == "anonymous" else entry.kind
    entity_kinds: dict[str, SourceKind] = {
        "PERSON": "person",
        "ORG": "organisation",
        "GPE": "government_body",
        "NORP": "organisation",
    }
    for token in mention:
        if token.ent_type_ in entity_kinds:
            return entity_kinds[token.ent_type_]
    return "unknown"
