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


LONG_STORY = (
    "Fire crews fought a blaze at the port of Hodeidah on Tuesday.\n\n"
    "The harbour master said two warehouses had burned down. He said nobody was hurt.\n\n"
    "According to the coast guard, three ships left the harbour before the fire spread.\n"
    "The governor said the port would reopen on Friday.\n\n"
)


@pytest.mark.parametrize(("text", "limit"), [(LONG_STORY * 12, 400), (LONG_STORY.replace("\n", " ") * 12, 300)])
def test_long_texts_are_cut_into_chunks_at_breaks(text, limit):
    from verify.attribution.chunks import chunks

    pieces = chunks(text, limit)
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= limit and text[offset : offset + len(piece)] == piece for offset, piece in pieces)
    if "\n\n" in text:  # a blank line where there is one
        assert all(piece.endswith("\n\n") for _, piece in pieces[:-1])
    else:  # else after a full stop
        assert all(piece.rstrip().endswith(".") for _, piece in pieces[:-1])


def test_claims_of_a_chunked_text_point_into_the_whole_text():
    from verify.attribution.chunks import extract_in_chunks
    from verify.attribution.frames import extract_claims

    text = LONG_STORY * 12
    claims = extract_in_chunks(extract_claims, text, max_characters=400)
    assert [claim.id for claim in claims] == [f"c{k}" for k in range(1, len(claims) + 1)]
    assert len(claims) == 12 * len(extract_claims(LONG_STORY))
    assert [claim.start for claim in claims] == sorted(claim.start for claim in claims)
    for claim in claims:
        assert claim.text in " ".join(span.of(text) for span in claim.spans) or claim.text.startswith("not ")
        assert all(span.of(text) == claim.source.mention for span in claim.source.spans[:1])
        assert claim.cue is None or claim.cue.text in " ".join(span.of(text) for span in claim.cue.spans)
    said = [claim for claim in claims if claim.source.name != "the author"]
    assert {claim.source.name for claim in said} >= {"harbour master", "coast guard", "governor"}


def test_a_text_over_the_limit_is_refused_in_one_line(tmp_path, monkeypatch):
    import verify.io.reading
    from verify.errors import VerifyError
    from verify.io.reading import read_article, require_article

    monkeypatch.setattr(verify.io.reading, "MAX_ARTICLE_BYTES", 1_000)
    article = tmp_path / "long.txt"
    article.write_text(LONG_STORY * 5)
    with pytest.raises(VerifyError, match="over the limit of 1,000 bytes"):
        read_article(str(article))
    with pytest.raises(VerifyError, match="over the limit"):
        require_article("é" * 600)  # 600 characters, 1,200 bytes
    assert require_article(LONG_STORY) == LONG_STORY


@pytest.mark.parametrize(
    ("text", "source", "content"),
    [
        (
            "The minister said\u200b that the port would reopen on Friday.",
            "minister",
            "the port would reopen on Friday",
        ),
        ("\ufeffThe union said the strike would go on.", "union", "the strike would go on"),
        ("The gover\u00adnor said the port was closed.", "governor", "the port was closed"),
        ("The mayor said\x00 the bridge was safe.", "mayor", "the bridge was safe"),
        ("\u202bThe army said\u202c the road was open.", "army", "the road was open"),
    ],
)
def test_invisible_characters_do_not_break_attribution(text, source, content):
    from verify.attribution.frames import extract_claims
    from verify.attribution.invisible import extract_visible

    [claim] = extract_visible(extract_claims, text)
    assert claim.source.name == source and claim.text == content
    # spans point into the text as given, around the invisible characters
    assert " ".join(span.of(text) for span in claim.spans).replace("\u00ad", "").endswith(content)
    assert claim.source.spans[0].of(text).replace("\u00ad", "").lower().endswith(source)


def test_visible_text_is_passed_through_untouched():
    from verify.attribution.invisible import without_invisible

    text = "The harbour master said two warehouses had burned down.\n\tNobody was hurt."
    cleaned, original = without_invisible(text)
    assert cleaned is text and original(Span(4, 10)) == Span(4, 10)
