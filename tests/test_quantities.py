"""Numbers compared as numbers: incompatible figures for the same measured thing conflict; approximations,
bounds, parts, other events, places and negated counts do not."""

import pytest

from verify.check.quantities import conflicting_quantity, may_state_quantities, quantities, source_estimate
from verify.runtime.nlp import parse


@pytest.mark.parametrize(
    "first, second",
    [
        ("Three of our crew died tonight", "Nobody was killed"),
        ("Attendance reached 70 percent", "The real attendance was around 45 percent"),
        ("70 percent of members joined the strike", "Fewer than half of members joined the strike"),
        ("The fire killed eight workers", "Twelve people died in the fire"),
        ("Dozens of houses were destroyed", "Three houses were destroyed"),
        ("Two passengers were injured", "Nine passengers were injured"),
        ("The company lost $5 million", "The company lost $9 million"),
        ("Turnout was 62 percent", "Turnout was about 48 percent"),
        ("At least 30 miners were trapped underground", "Twelve miners were trapped underground"),
        # signs are kept, and one measured thing has several word forms
        ("Temperatures fell to -5 degrees overnight", "Temperatures fell to 5 degrees overnight"),
        ("Temperatures fell to minus 8 degrees", "Temperatures fell to 8 degrees"),
        ("Three protesters were dead after the clashes", "Nobody died in the clashes"),
        ("The clashes left four deaths", "No one was killed in the clashes"),
        ("Ten hostages were freed on Monday", "Twelve hostages were released on Monday"),
        ("300 strikers joined the walkout", "Nobody joined the walkout"),
        # the same rating, the same poll
        (
            "61 percent of the mayor's statements were rated as accurate",
            "22 percent of the mayor's statements were rated as accurate",
        ),
        ("Nine of the defendants were found guilty", "Two of the defendants were found guilty"),
        # one doer of the counted event: under two names, narrowed on one side, the subject a verb shares, the noun a
        # relative clause describes, a passive's "by"; a pronoun's referent is unknown
        ("Governor Alice Moreno has won 48 counties", "Moreno has won 12 counties"),
        ("The army captured 12 villages", "The Syrian army captured three villages"),
        ("The Liberals went on to win 160 seats", "The Liberals won 90 seats"),
        ("Moreno swept the north and won 48 counties", "Moreno has won 12 counties"),
        ("Moreno, who has won 48 counties, leads the race", "Moreno has won 12 counties"),
        ("Twelve villages were captured by the army", "The army captured three villages"),
        ("She has won 48 counties so far", "Moreno has won 12 counties so far"),
        ("Rescuers managed to save 40 people", "Rescuers saved 12 people"),  # a deed, not an aim
        # deaths and injuries are counted whoever or whatever caused them
        ("The earthquake killed 300 people", "The quake killed more than 1,000 people"),
        ("Gunmen killed 12 people in the market", "The attackers killed 20 people in the market"),
        ("A Gallup poll shows the governor at 51 percent", "The Gallup poll shows the governor at 38 percent"),
        # different periods conflict here; the time notes decide that they are compatible
        ("Unemployment was 5.1 percent in March", "Unemployment was 4.6 percent a year earlier"),
    ],
)
def test_incompatible_figures_conflict(first, second):
    assert conflicting_quantity(parse(first), parse(second)) is not None


@pytest.mark.parametrize(
    "first, second",
    [
        ("More than 300 people were arrested", "Police arrested 312 people"),  # a bound and a figure inside it
        ("About 40 vessels were at anchor", "42 ships were waiting at anchor"),  # an approximation
        ("Nearly 50 people were evacuated", "48 people were evacuated"),
        ("No injuries were reported in the north wing", "Two people were injured in the south wing"),  # places
        ("12 of the dead were children", "30 people died in the attack"),  # a part, another predicate
        ("About 800 drivers joined the strike", "250 drivers were arrested"),  # other events
        ("Turnout was 62 percent", "Fewer than half of voters took part"),  # another measure
        ("The quake had a magnitude of 6.1", "It was felt 200 km away"),
        ("Police did not arrest 20 people", "Police arrested five people"),  # a negated count states no figure
        ("Temperatures fell to -5 degrees overnight", "Temperatures fell to minus 5 degrees overnight"),
        ("Four deaths were reported in the city", "Four people died in the city"),
        ("Ten hostages were freed on Monday", "Twelve hostages were taken on Monday"),  # another event
        ("The vote was 3-5 against the plan", "Turnout was 5 percent"),  # a range's dash is no minus sign
        ("The minister said 300 jobs could go", "The plant employs 1,200 workers"),
        ("The minister said 300 jobs would go", "The union said 300 jobs would go"),
        ("Exports rose 4 percent in 2021", "The company employs 4,000 people"),
        # the same count done by different doers
        ("Governor Alice Moreno has won 48 counties", "Her rival Tom Hale has won 12 counties"),
        ("The Liberals went on to win 160 seats", "The Conservatives won 90 seats"),
        ("The rebels captured 12 villages last week", "The army captured three villages last week"),
        ("The Syrian army captured 12 villages", "The Turkish army captured three villages"),
        ("The Grand Hotel was paid $29,715 in May", "The Plaza Hotel was paid $35,845 in May"),
        ("Moreno and Hale have won 60 counties between them", "Moreno has won 48 counties"),
        ("Twelve villages were captured by the rebels", "The army captured three villages"),
        # an aim or a prospect states no figure
        ("The governor hopes to win all 40 counties", "The governor has won 12 counties"),
        ("The firm is not likely to hire 500 workers this year", "The firm hired 80 workers this year"),
        ("The Liberals are assured of winning at least 160 seats", "The Liberals have won 90 seats"),
        ("to win hundreds of delegates on Tuesday", "The senator has won 100 delegates"),  # a reported aim
        # numbers that are not figures: pronoun "one", numbers inside modifiers, numbers that name
        ("He is the only one who can beat the governor", "Nobody will be more loyal than the governor"),
        ("It is now a two-man race", "The primary has become a three-person race"),
        ("The governor signed House Bill 1523 on Tuesday", "Three bills were signed on Tuesday"),  # a name
        # a count of people with no event describes, it does not report
        ("There were 56 passengers and 10 crew on board", "Two children were among the passengers"),
        # parts of different wholes, and different purposes
        ("32 percent of Republican claims were rated false", "11 percent of Democratic claims were rated false"),
        ("The group spent $6 million attacking the senator", "The group spent $1 million supporting the governor"),
        # what people say is about what they say; a goal is not a count; vague amounts are lower bounds
        ("72 percent of voters said the donations bothered them", "38 percent of voters said he should step down"),
        ("The agency reached its goal of accepting 10,000 refugees", "The agency accepted 11,491 refugees"),
        ("Thousands of ballots were still being counted", "About 350,000 ballots were still being counted"),
        ("Forty-three percent of contributions came from women", "About 40 percent of contributions came from women"),
        # shares of one whole under different ratings; estimates from different polls or from a poll against a
        # figure it does not name
        (
            "61 percent of the mayor's statements were rated as accurate",
            "22 percent of the mayor's statements were rated as inaccurate",
        ),
        (
            "Most of the councillor's claims were classified as true",
            "30 percent of the councillor's claims were classified as false",
        ),
        (
            "A Gallup poll shows the governor leading his rival 51 percent to 44 percent",
            "The governor leads his rival 46 percent to 45 percent, according to a Marist survey",
        ),
        (
            "The governor leads his rival by 46 percent to 45 percent",
            "The average of recent polls shows the governor leading his rival 51 percent to 44 percent",
        ),
    ],
)
def test_compatible_figures_do_not(first, second):
    assert conflicting_quantity(parse(first), parse(second)) is None


@pytest.mark.parametrize(
    "text, low, high, unit",
    [
        ("Twelve people died", 12, 12, "count"),
        ("More than 300 people were arrested", 300, float("inf"), "count"),
        ("Fewer than half of members voted", 0, 50, "percent"),
        ("About 40 ships waited", 34, 46, "count"),
        ("Three in four residents were evacuated", 75, 75, "percent"),
        ("Nobody was killed", 0, 0, "count"),
        ("No one had been killed", 0, 0, "count"),
        ("Temperatures fell to -5 degrees", -5, -5, "count"),
        ("Temperatures fell to \u221212.5 degrees", -12.5, -12.5, "count"),
        ("Temperatures fell (-2 degrees at noon)", -2, -2, "count"),
        ("The club paid 1.2 million euros for the striker", 1_200_000, 1_200_000, "money"),
    ],
)
def test_values_are_read_as_intervals(text, low, high, unit):
    (quantity,) = quantities(parse(text))
    assert quantity.unit == unit
    assert (quantity.low, quantity.high) == pytest.approx((low, high), rel=1e-6)


@pytest.mark.parametrize(
    "text, hint",
    [("Nobody was killed", True), ("The airport was operating smoothly", False), ("Turnout was 62%", True)],
)
def test_the_cheap_test_before_parsing(text, hint):
    assert may_state_quantities(text) is hint


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Temperatures fell to -5 degrees", "-5"),
        ("Temperatures fell to \u221212.5 degrees", "\u221212.5"),
        ("Temperatures fell to minus 8 degrees", "minus 8"),
        ("Temperatures fell to 5 degrees", "5"),
        ("Twelve people died", "Twelve"),
    ],
)
def test_a_figure_is_quoted_with_its_sign(text, written):
    (quantity,) = quantities(parse(text))
    assert quantity.text == written


@pytest.mark.parametrize(
    ("source", "estimate"),
    [
        ("the latest Reuters/Ipsos opinion poll", "the latest reuters/ipsos opinion poll"),
        ("an average of recent polls", "an average of recent polls"),
        ("a Quinnipiac University survey", "a quinnipiac university survey"),
        ("poll workers", ""),
        ("the Tax Policy Center", ""),
        ("the author", ""),
    ],
)
def test_a_source_is_an_estimate_by_its_head_word(source, estimate):
    assert source_estimate(source) == estimate


@pytest.mark.parametrize(
    ("estimates", "conflict"),
    [
        (("a cnn poll", "a fox news poll"), False),  # two polls: two estimates
        (("a cnn poll", ""), False),  # a poll's figure against a figure stated as fact
        (("a cnn poll", "a cnn poll"), True),  # one poll's two figures
        (("", ""), True),
    ],
)
def test_figures_from_polls_oppose_only_the_same_polls(estimates, conflict):
    first, second = (
        parse("The senator leads her rival 45 percent to 40 percent"),
        parse("The senator leads her rival 52 percent to 41 percent"),
    )
    assert (conflicting_quantity(first, second, estimates) is not None) is conflict
