"""The word lists of attribution: speech and report verbs, hedges, source words, the role lexicon and the
marks of a title, a dateline and a complement.

General English news usage, not any one article's vocabulary. No spaCy at run time: the tagger, which
the training script runs on a bare GPU machine, reads the complementizers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from verify.datamodel import SourceKind

if TYPE_CHECKING:
    from spacy.tokens import Token

# Verbs of communication: whoever governs one with a clause or a quotation is a source.
COMMUNICATION_VERBS = frozenset(
    """say tell add claim allege state declare announce report deny warn insist note explain argue confirm
    write tweet post reply respond acknowledge admit assert contend maintain reveal ask wonder
    stress emphasise emphasize testify recall complain disclose concede observe remark comment
    accuse promise pledge vow threaten caution urge repeat reiterate dispute counter charge speculate
    boast brief inform""".split()
)
# Verbs whose subject is not a speaker: "it seems", "the campaign has appeared to acknowledge".
IMPERSONAL_VERBS = frozenset({"seem", "appear"})
# Verbs of inference and evidence: a source only when a speaker-like subject governs them
# ("officials believe …", not "their rapid spread suggested …", which is the reporter's reasoning).
INFERENCE_VERBS = frozenset("suggest show indicate find believe think estimate predict conclude signal".split())
SPEECH_VERBS = COMMUNICATION_VERBS | INFERENCE_VERBS
# Verbs whose content may be a gerund clause: "denied sending troops", "admitted having met him".
GERUND_CONTENT_VERBS = frozenset("deny admit acknowledge confirm recall report regret".split())
# Documents that state findings: sources for inference verbs ("the report found that …").
DOCUMENT_NOUNS = frozenset(
    "report study survey poll data datum analysis research census audit review statement figure".split()
)
# Labels that open a line with a colon without anyone speaking: "Correction: an earlier version …".
EDITORIAL_LABELS = frozenset("correction clarification update note editor photo video watch read related".split())
# Verbs whose object noun phrase is itself a checkable statement: "reported late openings at four stations".
OBJECT_CONTENT_VERBS = frozenset("report confirm announce acknowledge predict estimate forecast record".split())
# Cues whose speaker is distanced from: the reporter does not vouch for the content.
HEDGED_CUE_LEMMAS = frozenset("allege claim purport rumour rumor speculate".split())
HEDGE_ADVERBS = frozenset("reportedly allegedly purportedly supposedly reputedly ostensibly".split())
# "police are said to have shot": the passive hides the speaker and hedges the content.
PASSIVE_REPORT_VERBS = frozenset("say report allege believe think rumour rumor claim understand know".split())
# Words that open a content as the complement of the reporting verb before it, however close the next cue:
# "Trump said in a debate on Monday that ..., Clinton now says ...".
COMPLEMENTIZERS = ("that", "whether", "if", "how", "why", "what", "to")
# Conjunctions that set a second statement against the one the parser hung it in: "…, while the navy reported …".
CONTRAST_MARKS = ("while", "whereas")
# Determiners and quantifiers that leave a source unidentified: "a senior official", "some officials".
INDEFINITE_WORDS = frozenset("a an some several two three many few other unnamed anonymous".split())
ANONYMITY_WORDS = frozenset("anonymity anonymously unnamed unidentified".split())

RELATIVE_PRONOUNS = frozenset("who which that".split())
# Forms of address and ranks written before a name ("Dr Leila Moussavi", "Lieutenant Colonel Anders Holm"):
# never a given name, though the entity tagger may leave them outside a name as it leaves given names.
HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend father sister brother imam rabbi sheikh "
    "gen general lt lieutenant col colonel maj major capt captain sgt sergeant cpl corporal adm admiral cmdr "
    "commander brig brigadier marshal judge justice sen senator rep gov del speaker pastor bishop archbishop "
    "cardinal chancellor premier coach commissioner superintendent inspector detective constable".split()
)
PERSON_PRONOUNS = frozenset("he she him her".split())
POSSESSIVE_PERSON_PRONOUNS = frozenset("his her".split())
GROUP_PRONOUNS = frozenset("they them it".split())

# A dateline that opens a sentence: "BRUSSELS - …", "Washington (AFP) — …".
DATELINE_DASHES = frozenset({"-", "—", "–", "--"})
NEWS_AGENCIES = frozenset({"ap", "afp", "reuters", "upi", "dpa", "efe", "ians", "pti", "xinhua", "cnn", "ansa"})
# A first line that ends in none of these is the article's title ("Kazakhstan appeals Russian-led coalition to
# suppress protesters"), in headlinese.
SENTENCE_END = tuple(".!?…:;\"”’'")


@dataclass(frozen=True)
class RoleEntry:
    role: str | None  # None: the word says nothing about who speaks ("a source")
    kind: SourceKind
    title: bool = False  # a title that precedes a person's name: "President X", "Deputy Mayor Y"
    generic: bool = False  # "organisation", "source": used only when nothing more specific is there
    family: str | None = None  # what "the <family>" refers back to: a grid operator is "the company"
    speaks_for: bool = False  # unnamed speakers for an institution: "the ministry's press office"

    @property
    def refers_as(self) -> str | None:
        return self.family or self.role


def _entries(kind: SourceKind, words: str, **flags) -> dict[str, RoleEntry]:
    """`words` is "phrase=role, phrase, ..." (phrase defaults to its own role)."""
    table = {}
    for item in words.split(","):
        phrase, _, role = item.strip().partition("=")
        table[phrase] = RoleEntry(role or phrase, kind, **flags)
    return table


# Longest phrase first wins, so "deputy mayor" beats "mayor" and "news agency" beats "agency".
ROLE_LEXICON: dict[str, RoleEntry] = {
    **_entries(
        "person",
        "president, vice president, prime minister, minister, deputy minister, foreign minister, mayor, "
        "deputy mayor, governor, senator, congressman, congresswoman, representative=lawmaker, lawmaker, "
        "mp=lawmaker, ambassador, secretary, general, commander, chief, chief executive, "
        "chief executive officer=chief executive, director, chairman, chairwoman, "
        "chair, chairman=chair, chairwoman=chair, chairperson=chair, general secretary, "
        "secretary general=general secretary, secretary-general=general secretary, ceo=chief executive, "
        "king, queen, prince, pope, judge, prosecutor, sheriff, spokesperson, spokesman=spokesperson, "
        "spokeswoman=spokesperson, press secretary=spokesperson",
        title=True,
    ),
    **_entries(
        "person",
        "official, analyst, expert, economist, researcher, scientist, professor, lawyer, attorney, witness, "
        "resident, activist, protester, diplomat, leader, candidate, adviser, advisor=adviser, aide, "
        "doctor, officer=police, firefighter=fire service, eyewitness=witness, owner, founder",
    ),
    **_entries(
        "government_body",
        "ministry, government, administration, department, police, army, military, parliament, court, "
        "agency, white house, kremlin, council, commission, cabinet, embassy, authorities=authority, "
        "authority, office, prosecutor's office=prosecutor, national guard=military, interior ministry=ministry, "
        "state department=department, pentagon=military, navy, air force, coast guard, fire service, service, "
        "regulator, central bank, "
        "electoral commission, election commission=electoral commission, prefecture",
    ),
    **_entries("government_body", "press office", speaks_for=True),
    **_entries(
        "media",
        "press, news outlet=press, outlet=press, news agency=press, newspaper=press, paper=press, "
        "broadcaster=press, television=press, tv=press, radio=press, media=press, channel=press, "
        "magazine=press, news site=press, website=press, state media=press, reporters=press, "
        "journalists=press, journalist=press, reporter=press, correspondent=press",
    ),
    **_entries(
        "organisation",
        "watchdog, monitor=watchdog, monitoring group=watchdog, observatory=watchdog, ngo, charity, union, "
        "trade union=union, institute, think tank, bank, alliance, bloc, party, opposition=party, campaign, "
        "committee, federation, association, foundation, coalition, group, body, industry body, "
        "trade body=industry body, hospital, university",
    ),
    **_entries(
        "organisation",
        "company, firm, shipping line, airline, carrier, carmaker, automaker, chipmaker, drugmaker, steelmaker, "
        "manufacturer, retailer, insurer, producer, operator, utility",
        family="company",
    ),
    **_entries("organisation", "organisation, organization=organisation", generic=True),
}
# words that say a source is unnamed, not what it is: "a source", "two people familiar with the talks"
ROLE_LEXICON["source"] = ROLE_LEXICON["sources"] = ROLE_LEXICON["insider"] = RoleEntry(None, "anonymous", generic=True)
ROLE_LEXICON["people"] = RoleEntry(None, "person", generic=True)
ROLE_LEXICON["officials"] = RoleEntry("official", "anonymous")
LONGEST_ROLE = max(len(phrase.split()) for phrase in ROLE_LEXICON)

# Bodies whose head noun says nothing of their type: their members do ("the carmakers' association").
MEMBER_NAMED_BODIES = frozenset("association federation group alliance body confederation council".split())
WORKER_MEMBERS = frozenset("worker docker employee staff teacher nurse miner pilot driver labour labor".split())
BUSINESS_MEMBERS = frozenset(
    """employer industry business trade manufacturer carmaker automaker producer retailer company bank banker
    insurer exporter importer chamber airline""".split()
)


def is_speech_verb(token: Token) -> bool:
    return token.lemma_.lower() in SPEECH_VERBS and token.pos_ in ("VERB", "AUX")


def is_hedged(cue_tokens: list[Token]) -> bool:
    return any(
        token.lemma_.lower() in HEDGED_CUE_LEMMAS or token.lower_ in HEDGE_ADVERBS for token in cue_tokens
    ) or _is_passive_report(cue_tokens)


def _is_passive_report(cue_tokens: list[Token]) -> bool:
    return any(token.dep_ == "auxpass" for token in cue_tokens) and any(
        token.lemma_.lower() in PASSIVE_REPORT_VERBS for token in cue_tokens
    )
