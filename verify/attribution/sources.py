"""Who a source mention names: canonical names (pronouns, surnames and "the company" resolved to
earlier mentions), roles, kinds and anonymity, read off the dependency parse with the lexicon."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from verify.attribution.lexicon import (
    ANONYMITY_WORDS,
    BUSINESS_MEMBERS,
    COMMUNICATION_VERBS,
    DOCUMENT_NOUNS,
    GROUP_PRONOUNS,
    INDEFINITE_WORDS,
    LONGEST_ROLE,
    MEMBER_NAMED_BODIES,
    NON_PERSON_ENTITIES,
    PERSON_PRONOUNS,
    POSSESSIVE_PERSON_PRONOUNS,
    RELATIVE_PRONOUNS,
    ROLE_LEXICON,
    WORKER_MEMBERS,
    RoleEntry,
)
from verify.datamodel import Source, SourceKind, Span
from verify.nlp import phrase_text


def can_be_speaker(subject: Token, verb: Token) -> bool:
    """Any subject of a communication verb speaks ("let's say" has none); an inference verb needs a
    speaker-like subject."""
    if not subject.is_alpha:
        return False
    return verb.lemma_.lower() in COMMUNICATION_VERBS or looks_like_source(subject)


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


def phrase_head(tokens: list[Token]) -> Token:
    """The head of a phrase: its last token attached outside it (English noun phrases are head-final;
    "the watchdog Netblocks" sometimes comes out of the parser as two subjects)."""
    return [token for token in tokens if token.head not in tokens or token.head == token][-1]


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


def looks_like_source(token: Token) -> bool:
    """Whether a clause subject can be a speaker: a person, an organisation, a pronoun or a role noun
    ("their size and rapid spread suggested ..." is the reporter's inference, not a source)."""
    if token.pos_ in ("PRON", "PROPN") or token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    if token.lemma_.lower() in DOCUMENT_NOUNS:
        return True
    return find_role([token])[0] is not None


def mention_tokens(head: Token) -> list[Token]:
    """The source as named: the phrase of `head` without relative clauses and trailing punctuation."""
    cut = set()
    for child in head.children:
        if child.dep_ in ("relcl", "acl"):
            cut |= {node.i for node in child.subtree}
    tokens = [node for node in head.subtree if node.i not in cut]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    return tokens


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


class SourceResolver:
    """Turns source mentions into `Source`s, resolving pronouns and short forms to earlier full mentions.

    The coreference is deliberately simple: "he"/"she" is the most recent person mentioned, "Tokayev" is the
    earlier full name ending in "Tokayev", "the ministry"/"they" is the most recent earlier source with that
    role or of a group kind. Call `resolve` in text order: each resolved source becomes an antecedent.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.people: list[PersonMention] = []
        self.sources: list[Source] = []  # resolved so far, in text order
        for entity in doc.ents:
            if entity.label_ == "PERSON":
                self.people.append(self._person_mention(entity))

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
        proper = [token for token in mention if token.pos_ == "PROPN"]
        if entry is None and proper:
            earlier = self._latest_source(
                lambda source: source.name == phrase_text(proper) and source.kind not in ("person", "author")
            )
            if earlier is not None:  # "Enedis said" after "grid operator Enedis"
                return earlier.name, earlier.role, earlier.kind
        known = None if _names_an_institution(described, entry, end) else self._person_named(mention, start)
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
                lambda source: role_family(source.role) == role_family(role) and source.name[:1].isupper()
            )
            if same_type is not None:  # "the company" for the grid operator named before
                return same_type.name, same_type.role, same_type.kind
        owner = next((child for child in phrase_head(mention).children if child.dep_ == "poss"), None)
        if not proper and entry is not None and owner is not None and owner.lower_ in POSSESSIVE_PERSON_PRONOUNS:
            owner_name = self._pronoun(owner, start)[0]  # "her campaign"
            if owner_name != owner.lower_:
                return f"{owner_name}'s {role}", role, _kind(mention, scope, entry)
        name = _organisation_name(mention, *find_role(mention))
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
        """The person a name refers to: an earlier full name it equals or ends ("Tokayev"), else itself
        when the tagger saw a person; None for names of no known person."""
        names = [token for token in mention if not _is_title(token)]
        names = [token for token in names if token.ent_type_ == "PERSON"] or [
            token for token in names if token.pos_ == "PROPN" and token.ent_type_ not in NON_PERSON_ENTITIES
        ]
        if not names:
            return None
        written = phrase_text(names)
        for person in self.people:
            if person.start <= names[0].idx and (person.name == written or person.name.endswith(" " + written)):
                return person
        if any(token.ent_type_ == "PERSON" for token in names):
            return PersonMention(start, written, None)
        return None

    def _person_mention(self, entity) -> PersonMention:
        """A PERSON entity with its full name (short forms point back to it) and title, if any."""
        tokens = [token for token in entity if not _is_title(token)]
        written = phrase_text(tokens) if tokens else entity.text
        earlier = next((person for person in reversed(self.people) if person.name.endswith(" " + written)), None)
        title = _title_before(self.doc, entity.start) or _appositive_title(entity.root)
        if earlier is not None:
            return PersonMention(entity.start_char, earlier.name, title or earlier.role)
        return PersonMention(entity.start_char, written, title)


def _title_before(doc: Doc, position: int) -> str | None:
    """ "President Kassym-Jomart Tokayev", "district police chief Mahbub Alam": a title right before the name,
    in its sentence (a line ending in "... the Prime Minister" titles no name that opens the next)."""
    sentence_start = doc[position].sent.start
    before = list(doc[sentence_start:position])  # with the nouns in front of the title
    for length in range(min(LONGEST_ROLE, len(before)), 0, -1):
        words = before[-length:]
        entry, first, end = find_role(words)
        if entry is not None and entry.title and end == len(words):
            offset = len(before) - len(words)
            return describe_role(before, entry, first + offset, end + offset)
    for token in doc[position : position + 4]:
        if _is_title(token):
            return ROLE_LEXICON[token.lower_].role
    return None


def _is_title(token: Token) -> bool:
    return token.lower_ in ROLE_LEXICON and ROLE_LEXICON[token.lower_].title


def _appositive_title(root: Token) -> str | None:
    """ "Tokayev, the president, said", "Rokeya Begum, a machine operator", "The factory's owner, Tareq
    Hossain": the role in an appositive, or of the noun the name is an appositive to."""
    phrases = [list(child.subtree) for child in root.children if child.dep_ == "appos"]
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
    elif _is_proper(head):
        tokens = _proper_modifiers(head) + [head]
    elif any(child.pos_ == "PROPN" and child.dep_ == "appos" for child in head.rights):
        name = next(child for child in head.rights if child.pos_ == "PROPN" and child.dep_ == "appos")
        tokens = [node for node in name.subtree if not node.is_punct]
    elif entry is not None and entry.kind != "person" and _proper_modifiers(head):
        tokens = _proper_modifiers(head)  # "the Havenbond union" is Havenbond
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


def _capitalised_run(mention: list[Token], position: int) -> list[Token]:
    """The capitalised words (and "of", "for", "and" between them) around `mention[position]`."""

    def inside(token: Token) -> bool:
        return token.text[:1].isupper() and token.lower_ != "the"

    def possessor_in_name(token: Token) -> bool:
        return inside(token) and token.ent_type_ not in ("GPE", "PERSON", "NORP") and token.pos_ != "PRON"

    def joining(index: int) -> bool:
        between = mention[index].lower_ in ("of", "for", "and", "&")
        return between and index + 1 < len(mention) and inside(mention[index + 1])

    start = position
    while start > 0:
        if inside(mention[start - 1]) and mention[start - 1].dep_ != "poss":
            start -= 1
        elif start > 1 and mention[start - 1].dep_ == "case" and possessor_in_name(mention[start - 2]):
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
