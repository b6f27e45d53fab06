"""Hostile input: whatever text or bytes come in, the answer is a result or one VerifyError line.

Property-based (hypothesis): random Unicode with control, zero-width and bidi characters, huge
tokens, nested and unbalanced quotes, markup, truncated UTF-8 and whitespace. The normal suite
runs the "ci" profile (30-100 inputs per property, 440 in all); `make fuzz` runs the "fuzz"
profile (25 times as many for the slow properties, 4,000 for the fast ones: 11,500 in all).
"""

from __future__ import annotations

import os
import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verify.attribution.frames import extract_claims
from verify.attribution.invisible import extract_visible
from verify.attribution.segment import split_sentences
from verify.errors import VerifyError
from verify.io.output import write_file
from verify.io.reading import decode_article, text_from_html

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
SCALE = 25 if PROFILE == "fuzz" else 1  # the slower properties' own counts, scaled for `make fuzz`
settings.register_profile("ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=4_000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(PROFILE)

NEWS = [
    "The president said five planes were seized at Almaty's airport.",
    "“We will not give in,” the minister said.",
    "According to the coast guard, three ships left the harbour.",
    "He added: 'nobody was hurt'.",
    "<p>The mayor <b>denied</b> the report.</p>",
    '"Unbalanced quote, the union said.',
]
PIECES = st.one_of(
    st.sampled_from(NEWS),
    st.text(min_size=0, max_size=40),  # any Unicode, controls and surrogate-free
    st.sampled_from(["\u200b", "\u202e", "\ufeff", "\x00", "\u00ad", "\r\n", "\n\n", "\t", " ", "“", "”", "'", '"']),
    st.text(alphabet="abcdefghij", min_size=200, max_size=2_000),  # a huge token
    st.builds(lambda word, depth: "“" * depth + word + "”" * depth, st.sampled_from(NEWS), st.integers(0, 6)),
)
TEXTS = st.lists(PIECES, max_size=12).map("".join)


@given(TEXTS)
def test_segmentation_gives_ordered_spans_inside_the_text(text):
    spans = split_sentences(text)
    assert all(0 <= span.start <= span.end <= len(text) for span in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))


@given(TEXTS)
@settings(max_examples=60 * SCALE)
def test_attribution_gives_claims_whose_spans_are_inside_the_text(text):
    for claim in extract_visible(extract_claims, text):
        for span in (*claim.spans, *claim.source.spans, *(claim.cue.spans if claim.cue else ())):
            assert 0 <= span.start <= span.end <= len(text)
        assert claim.text.strip()


@pytest.fixture(scope="module")
def hybrid():
    from verify.attribution.hybrid import HybridAttributor

    return HybridAttributor.load()


@pytest.mark.slow
@given(TEXTS)
@settings(max_examples=30 * SCALE)
def test_the_products_attributor_takes_any_text(hybrid, text):
    from verify.attribution.chunks import extract_in_chunks

    claims = extract_visible(lambda visible: extract_in_chunks(hybrid.extract_claims, visible, 500), text)
    assert len({claim.id for claim in claims}) == len(claims)
    for claim in claims:
        assert all(0 <= span.start <= span.end <= len(text) for span in (*claim.spans, *claim.source.spans))


@given(st.one_of(st.binary(max_size=400), TEXTS.map(lambda text: text.encode("utf-8")[:-1])))
def test_any_bytes_are_an_article_or_one_line(data):
    try:
        text = decode_article(data, "article.txt")
    except VerifyError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(text, str) and text.strip()


TAGS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<br/>",
        "<script>",
        "</script>",
        "<!--",
        "-->",
        "<b",
        ">",
        "<!DOCTYPE html>",
        "<html><body>",
        "</body></html>",
        "&amp;",
        "&#0;",
        "&bogus;",
        "<![CDATA[",
    ]
)
PAGES = st.lists(st.one_of(PIECES, TAGS), max_size=16).map("".join)


@given(PAGES)
@settings(max_examples=60 * SCALE)
def test_any_markup_is_article_text_or_one_line(html):
    try:
        text = text_from_html(html, "page.html")
    except VerifyError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(text, str) and text.strip()


@given(TEXTS)
@settings(max_examples=50 * SCALE)
def test_any_output_is_written_whole(tmp_path_factory, text):
    out = tmp_path_factory.mktemp("out") / "report.txt"
    write_file(out, text, force=False)
    assert out.read_bytes() == text.encode("utf-8", "surrogatepass")


@pytest.mark.slow
def test_a_report_opens_no_socket(monkeypatch):
    from verify.pipeline import get_verifier

    verifier = get_verifier()  # loading happens first: the rule is about the report itself

    def no_network(*args, **kwargs):
        raise AssertionError("a report tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    report = verifier.report(" ".join(NEWS[:3]) + " The deputy mayor said the airport was operating smoothly.")
    assert report.claims


@pytest.mark.parametrize(
    "text",
    [
        # found by `make fuzz`: a possessive marker parsed as the possessor left an empty institution
        "\r¿\\\x0c14The president said five planes were seized at Almaty's airport.",
    ],
)
def test_inputs_the_fuzzer_found(text):
    for claim in extract_visible(extract_claims, text):
        assert all(0 <= span.start <= span.end <= len(text) for span in claim.spans)
