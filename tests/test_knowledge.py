"""Claims about what a source knows: "not informed" is not a denial."""

from __future__ import annotations

import pytest

from verify.check.knowledge import is_about_knowledge, reports_no_knowledge
from verify.runtime.nlp import parse


@pytest.mark.parametrize(
    "text, no_knowledge, about_knowledge",
    [
        ("they had not been informed of any plan to close the plant", True, True),
        ("workers had been told nothing about the future of the site", True, True),
        ("it was not aware of any decision to cut the jobs", True, True),
        ("the bank was unaware of the transfers", True, True),
        ("it had no knowledge of the payments", True, True),
        ("the council had received no notice of the demolition", True, True),
        ("the ministry could not confirm the figure", True, True),
        ("police were unable to confirm the death toll", True, True),
        ("he did not know whether the plant would close", True, True),
        # knowing, or saying so: about knowledge, but not a lack of it
        ("the ministry was informed of the plan in March", False, True),
        ("the company told investors it would not close the plant", False, True),
        ("the bank was aware of the transfers", False, True),
        # claims about the world, negated or not
        ("The company will shut the Ravenscar plant by the end of March", False, False),
        ("We have no plans to close Ravenscar", False, False),
        ("None of the exits were locked on Saturday", False, False),
        ("he was unable to attend the meeting", False, False),
        ("It is not a radical idea to raise the minimum wage", False, False),
    ],
)
def test_knowledge_claims(text, no_knowledge, about_knowledge):
    doc = parse(text)
    assert reports_no_knowledge(doc) is no_knowledge
    assert is_about_knowledge(doc) is about_knowledge
