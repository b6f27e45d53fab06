import pytest

from conftest import BUNDLED_ARTICLE
from verify.attribution.segment import quotation_spans, split_sentences
from verify.datamodel import Span

ARTICLE = BUNDLED_ARTICLE


def units(text: str) -> list[str]:
    return [span.of(text) for span in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Protesters stormed the mayor's office on Wednesday. Police fired tear gas.",
            ["Protesters stormed the mayor's office on Wednesday.", "Police fired tear gas."],
        ),
        (  # the headline has no full stop and must not run into the first paragraph
            "Rotterdam dock strike ends after pay deal\n\nDock workers returned to work on Friday.",
            ["Rotterdam dock strike ends after pay deal", "Dock workers returned to work on Friday."],
        ),
        (  # one speaker, two quoted sentences: one unit
            "He went on to say, “In fact, this is no longer a danger.” “It is weakening the state’s integrity.”",
            ["He went on to say, “In fact, this is no longer a danger.” “It is weakening the state’s integrity.”"],
        ),
        (  # a quotation of several sentences stays with the "X said" that follows it
            "“We will not give in. We will fight to the end,” the minister said. Talks resume on Monday.",
            ["“We will not give in. We will fight to the end,” the minister said.", "Talks resume on Monday."],
        ),
        (  # a quote ending in "!" or "?" leaves its attribution as a lowercase fragment
            "“Order will be restored!” he told reporters. The curfew starts at 11 p.m.",
            ["“Order will be restored!” he told reporters.", "The curfew starts at 11 p.m."],
        ),
        (  # a colon introduces what follows, even where the parser ends a sentence at it
            "PENCE: Well, look, this is an episode of a reality show.",
            ["PENCE: Well, look, this is an episode of a reality show."],
        ),
        (
            "The plant will close in March.\n\n"
            "Leave a Reply\n\n"
            "Your email address will not be published. Required fields are marked *",
            ["The plant will close in March."],
        ),
        (
            "Share this article\nTurnout was 41 percent.\nSubscribe to our newsletter for daily updates.\n"
            "We use cookies to improve your experience.\n© 2022 Example News. All rights reserved.",
            ["Turnout was 41 percent."],
        ),
    ],
)
def test_units(text, expected):
    assert units(text) == expected


def test_units_are_offsets_into_the_text():
    text = "  Headline here\n\nFirst sentence here. Second one follows.\n"
    for span in split_sentences(text):
        piece = text[span.start : span.end]
        assert piece == piece.strip() and piece


@pytest.mark.parametrize(
    ("text", "quotes"),
    [
        ("“We won,” she said.", ["“We won,”"]),
        ("He said “the state’s integrity” mattered and “no more”.", ["“the state’s integrity”", "“no more”"]),
        ('"We won," she said, "and we will win again."', ['"We won,"', '"and we will win again."']),
        ("The workers’ union said nothing.", []),
        ("“It is not over", ["“It is not over"]),  # unclosed: runs to the end
    ],
)
def test_quotation_spans(text, quotes):
    assert [span.of(text) for span in quotation_spans(text, Span(0, len(text)))] == quotes


def test_bundled_article_units():
    text = ARTICLE.read_text(encoding="utf-8")
    found = units(text)
    assert found[0] == "Kazakhstan appeals Russian-led coalition to suppress protesters"
    assert "He went on to say, “In fact, this is no longer a danger.” “It is weakening the state’s integrity.”" in found
    assert not any("Reply" in unit or "email address" in unit or "Required fields" in unit for unit in found)
    assert found[-1].startswith("Many Kazakhs are also irritated")
