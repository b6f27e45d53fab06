"""Places disrupted in one claim and working normally in another."""

from __future__ import annotations

import pytest

from verify.check.place_state import DISRUPTED, WORKING, conflicting_place, place_states
from verify.runtime.nlp import parse


@pytest.mark.parametrize(
    "text, place, state",
    [
        ("they had also taken five planes at Almaty’s airport", "airport", DISRUPTED),
        ("Rebels seized the main port overnight", "port", DISRUPTED),
        ("Protesters have occupied the central railway station", "station", DISRUPTED),
        ("Rebels say they have captured the airport in Tripoli", "airport", DISRUPTED),
        ("Militia fighters took over the airport in Tripoli", "airport", DISRUPTED),
        ("The port was closed to shipping", "port", DISRUPTED),
        (
            "Demonstrators invaded the presidential palace and the mayor’s office, setting both on fire",
            "office",
            DISRUPTED,
        ),
        ("The airport had been cleared of demonstrators and was operating smoothly", "airport", WORKING),
        ("Flights at the airport were operating as normal", "airport", WORKING),
        ("The station is open and trains are running normally", "station", WORKING),
        ("The refinery is running normally despite the strike", "refinery", WORKING),
    ],
)
def test_place_states(text, place, state):
    assert place_states(parse(text))[place] == {state}


@pytest.mark.parametrize(
    "text",
    [
        "The airport was not operating normally",  # negated: neither state holds
        "Militants did not seize the airport",
        "The company will shut the Ravenscar plant by the end of March",  # a plan, not a state now
        "We have no plans to close Ravenscar",
        "The airport will be operating normally by Friday",
        "The president took questions at the airport",  # "take" as a light verb
        "Soldiers took up positions at the airport",
        "Two flights took off at the airport on schedule",
        "the Clinton campaign was open to more debates",  # willingness, not a working place
        "Trains between Rennes and Brest were running again on Tuesday",
    ],
)
def test_no_place_state(text):
    assert place_states(parse(text)) == {}


@pytest.mark.parametrize(
    "first, second, place",
    [
        (
            "they had also taken five planes at Almaty’s airport",
            "The airport had been cleared of demonstrators and was operating smoothly",
            "airport",
        ),
        ("The port is operating normally, with ships loading as usual", "Rebels seized the port overnight", "port"),
        # both disrupted, or different places: no conflict
        ("Rebels seized the port overnight", "Protesters stormed the port on Monday", None),
        ("Rebels seized the port overnight", "The airport was operating normally", None),
    ],
)
def test_conflicting_place(first, second, place):
    assert conflicting_place(parse(first), parse(second)) == place
