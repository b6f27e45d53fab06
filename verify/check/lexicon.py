"""The word lists of checking: the gate's stopwords, negation and denial, the words of the time, place and
reference notes, and the words the parse rules read (knowing, a place's state, figures and what they measure).

General English news usage, not any one article's vocabulary. They live in one place so that what the rules
know of the language is read and extended here, apart from the rules that read it; the regular expressions built
from them (`quantities.QUANTITY_HINT`) stay beside their rules. Imports nothing from `verify`.
"""

from __future__ import annotations

# The gate (`gate.content_words`): words that say nothing of what a claim is about.
STOPWORDS = frozenset(
    """
a about above after again against all also am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers him
his how i if in into is it its itself just me more most my no nor not now of off on once only or other our out over
own said same says she should so some such than that the their them then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your
""".split()
)

# Negation (`negation`): the words that negate a verb, and the cues under which a source asserts the negation of
# its content ("Northbrook denied that it would close the plant").
NEGATIONS = {"not", "n't", "n’t", "never", "no"}
DENIAL_CUES = {"deny", "denied", "denies", "denying", "rejected", "dismissed", "refuted", "disputed"}
# Words with which an article calls a report untrue (the claim check's `disputed_claims` signal): an article
# that debunks a story says "hoax", "fake" or "false" of it.
UNTRUE_WORDS = frozenset(
    "hoax hoaxes fake faked false falsely untrue debunked debunk baseless fabricated unfounded bogus myth".split()
)

# Rebuttals (`rebuttal`): a specific statement called untrue, rejected, or a person said to lie about something.
# Nouns that name a statement (lemmas): "the charges", "Trump's tweets", "that comment", "the president's claims".
# A report of fact can be denied or rejected as untrue; an opinion rejected is only disagreed with ("the judge
# rejected that argument"), though it too can be called false ("his comments were false").
REPORT_NOUNS = frozenset(
    """
claim charge accusation allegation assertion statement report story account rumor tweet testimony
""".split()
)
OPINION_NOUNS = frozenset(
    """
comment remark suggestion argument rationale criticism characterization narrative contention explanation
insinuation
""".split()
)
STATEMENT_NOUNS = REPORT_NOUNS | OPINION_NOUNS
# What makes such a noun one statement, not statements in general ("the claims", not "Republican claims").
SPECIFIC_DETERMINERS = frozenset("the this that these those my your his her its our their".split())
# Predicates that call a statement untrue ("are unfounded", "a lie", "called the charges fabricated").
UNTRUE_PREDICATES = UNTRUE_WORDS | frozenset(
    """
lie lies wrong incorrect inaccurate misleading unsubstantiated nonsense fiction smear garbage rubbish crap
fabrication falsehood
""".split()
)
# Of those, the words that judge a deed or a thing as often as a statement's truth ("That is wrong, that is
# unconscionable"): they rebut a statement noun ("those statements were wrong"), not a bare "this" / "that".
CONDUCT_OR_QUALITY = frozenset("wrong crap garbage rubbish nonsense".split())
# Predicates that, negated, call a statement untrue ("is not true", "isn't accurate"); not "right", which, negated,
# is mostly a judgement of conduct ("This just isn't right").
TRUE_WORDS = frozenset("true accurate correct factual".split())
# Verbs that call their object something ("called the charges fabricated", "dismissed the report as false").
CALLING_VERBS = frozenset("call label brand describe characterize dismiss term deem".split())
# Verbs whose object, a statement, is rejected as untrue ("denied the allegations", "disputed that account"); of
# them, those that reject a statement whatever their object ("denied that", where "rejected that" may refuse an
# offer).
REBUTTING_VERBS = frozenset("deny reject dismiss dispute refute debunk rebut contradict".split())
DENYING_VERBS = REBUTTING_VERBS - {"reject", "dismiss"}
# Who rejects a charge or a claim as a ruling, not a rebuttal ("a judge dismissed the charges", "the insurer
# denied the claim").
RULING_BODIES = frozenset("court judge justice jury tribunal magistrate panel insurer insurance".split())
# Verbs under which a clause is the speaker's own assertion ("he said the report was false"), unlike "denied that",
# "asked whether" or "believes".
ASSERTING_VERBS = frozenset(
    "say tell add state declare insist maintain argue stress write tweet note reply respond assert contend repeat"
    " reiterate".split()
)

# The time notes (`notes.time_note`).
# Words that report a change of state: a later claim with one of these updates an earlier one.
CHANGE_WORDS = frozenset(
    """
restored resumed reopened recovered returned lifted ended eased reversed back again later since subsequently
""".split()
)

# Places and groups (`notes.places_note`, `place_state`): the prepositions that locate something at a place.
PLACE_PREPOSITIONS = frozenset("at in inside on".split())
# Endings of a name's forms, folded off one word at a time (the first that fits): "Republicans" / "Republican",
# "Democrats" / "Democratic", "Kurds" / "Kurdish", "Europe" / "European", "Russia" / "Russian".
NAME_ENDINGS = ("ans", "ish", "ics", "ic", "an", "a", "s")

# References across articles (`notes.referents_note`).
# A claim of one article that another cannot share: a third person's antecedent is in the claim's own article,
# and so is the question an answer replies to; "I" / "we" is the speaker.
THIRD_PERSON_SUBJECTS = frozenset({"he", "she", "it", "they"})
FIRST_PERSON_SUBJECTS = frozenset({"i", "we"})

# What a source knows (`knowledge`).
# Verbs whose subject learns or passes on knowledge ("informed", "told", "could confirm").
KNOWING_VERBS = frozenset("inform tell notify brief consult advise warn know confirm verify hear learn".split())
# Objects that make "had no ..." / "received no ..." a lack of knowledge.
HAVING_VERBS = frozenset({"have", "receive", "get"})
KNOWLEDGE_NOUNS = frozenset("knowledge information idea word notice notification indication details".split())
NOTHING = frozenset({"nothing", "none"})

# A place's state (`place_state`): disrupted in one claim, working normally in the other.
DISRUPTING_VERBS = frozenset(
    """
seize take storm capture occupy overrun attack raid invade blockade block besiege shell bomb burn loot torch
close shut evacuate destroy
""".split()
)
# "take" seizes a concrete thing ("taken five planes at the airport", "took over the airport"),
# but not in these phrases ("took questions", "took up positions", "took off at the airport").
LIGHT_OBJECTS_OF_TAKE = frozenset(
    """
question part place step measure action time care note look advantage effect office charge photo picture
position stand shelter refuge flight seat turn
""".split()
)
WORKING_VERBS = frozenset("operate function run work".split())
NORMALLY = frozenset("normally smoothly normal usual".split())
WORKING_ADJECTIVES = frozenset("open operational".split())

# Figures (`quantities`): number words and their values.
SMALL_NUMBERS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
SMALL_NUMBERS.update(
    {
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
        "ninety": 90,
        "dozen": 12,
        "a dozen": 12,
    }
)
MULTIPLIERS = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "bn": 1_000_000_000,
    "m": 1_000_000,
}
# Vague amounts give a lower bound only: "thousands" is loosely said of 350,000 too.
VAGUE_AMOUNTS = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2_000, "millions": 2_000_000, "several": 3}
# Proportions, as percentages.
FRACTIONS = {"half": 50.0, "third": 100 / 3, "quarter": 25.0, "fifth": 20.0, "tenth": 10.0}
MAJORITY_WORDS = {"majority": (50.0, 100.0), "most": (50.0, 100.0), "minority": (0.0, 50.0)}
PERCENT_WORDS = frozenset("percent per cent % pct".split())
CURRENCY_WORDS = frozenset(
    """
$ £ € ¥ ₹ dollar dollars pound pounds euro euros yen yuan rupee rupees franc francs krona kronor rouble roubles ruble
rubles peso pesos rand real reais usd eur gbp
""".split()
)
ZERO_WORDS = frozenset("nobody none nothing zero".split())

# Figures: the words before a number that bound it or make it approximate.
LOWER_BOUNDS = (
    ("more", "than"),
    ("over",),
    ("above",),
    ("at", "least"),
    ("upwards", "of"),
    ("as", "many", "as"),
    ("exceeding",),
)
UPPER_BOUNDS = (
    ("fewer", "than"),
    ("less", "than"),
    ("under",),
    ("below",),
    ("up", "to"),
    ("at", "most"),
    ("no", "more", "than"),
)
APPROXIMATORS = frozenset("about around roughly approximately some almost nearly estimated circa".split())
BELOW_APPROXIMATORS = frozenset("almost nearly".split())

# Figures: what is measured, and for what event.
PERSON_NOUNS = frozenset(
    """
people person passenger worker crew driver member officer soldier troop civilian child children adult resident
patient student teacher protester demonstrator miner employee staff victim pilgrim migrant refugee voter fan
spectator tourist prisoner inmate player citizen man men woman women boy girl baby infant firefighter policeman
nurse doctor journalist customer user pupil villager household family families guest runner athlete
striker hostage detainee captive
""".split()
)
EVENT_CLASSES = {
    "death": frozenset("die kill dead death perish fatality drown slay killing".split()),
    "injury": frozenset("injure wound hurt injury injured wounded".split()),
    "arrest": frozenset("arrest detain detention arrested".split()),
    "evacuation": frozenset("evacuate evacuation".split()),
    "missing": frozenset("missing".split()),
    "release": frozenset("release free freed liberate".split()),
    "strike": frozenset("strike walkout".split()),
}
# Verbs that state a measure's value rather than an event: "turnout was 62 percent", "reached 70 percent".
VALUE_VERBS = frozenset("be reach stand total hit amount come climb rise fall drop jump increase decrease".split())
QUALIFYING_PREPOSITIONS = frozenset("in at inside near on for among against from".split())
NO_EVENT = frozenset("be have include".split()) | {""}  # "there were 56 passengers": no event counted
# Measurements from a sample, which differ from one another without anyone being wrong: a figure one of them gives
# ("the Real Clear Politics average shows Clinton at 47.3 percent") opposes only the same one's figure.
ESTIMATES = frozenset("poll survey average estimate projection forecast".split())

# Figures: no figure to oppose.
HYPOTHETICAL = frozenset("could might may would should can cannot must".split())
# A figure in what people say or think ("72 percent of voters said it bothered them") is about the
# clause said, which the figures do not compare.
OPINION_VERBS = frozenset("say tell think believe feel expect want worry fear agree disagree".split())
# A figure under a goal is a target, not a count ("reached its goal of accepting 10,000 refugees").
TARGET_NOUNS = frozenset("goal target aim plan pledge promise bid quota limit cap ceiling".split())
# Words that make the figure after them an aim or a prospect, not a count: "likely to win 155 delegates", "hopes to
# hire 500 workers", "is assured of winning 334 delegates"; not "managed to win", "went on to win".
PROSPECT_WORDS = frozenset(
    """likely unlikely expect poise set hope plan aim seek want try need intend vow promise pledge threaten project
    assure sure certain bound""".split()
) | {"hopes", "hoped", "hoping"}  # the parser's lemma of "hopes" is sometimes "hop"
