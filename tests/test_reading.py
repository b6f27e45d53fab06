"""Reading what the user gives: encodings said by a byte-order mark, limits, closed input, HTML."""

from __future__ import annotations

import codecs
import sys

import pytest

from conftest import NEWS_PAGE
from verify.errors import VerifyError
from verify.io.reading import (
    InputFormat,
    decode_article,
    looks_like_html,
    read_article,
    read_article_as,
    require_claim,
    text_from_html,
)

TEXT = "Le ministre a déclaré que huit personnes sont mortes à Almaty.\nThe deputy mayor said the airport was open."


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with its byte-order mark, as Windows editors save "Unicode"
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-32"),
    ],
)
def test_unicode_said_by_a_byte_order_mark_is_decoded(data):
    assert decode_article(data, "article.txt") == TEXT


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (TEXT.encode("utf-16")[:-1], "not UTF-16 text"),  # cut in the middle of a character
        (TEXT.encode("utf-16-le"), "binary file"),  # no mark: NUL bytes, no way to tell
        (TEXT.encode("latin-1"), "not UTF-8 text"),
        ("\ufeff  \n".encode("utf-16"), "the article is empty"),
    ],
)
def test_undecodable_text_is_one_line(data, message):
    with pytest.raises(VerifyError, match=message) as raised:
        decode_article(data, "article.txt")
    assert "\n" not in str(raised.value)


# A text with a few control characters (scraped pages, copy-paste) is text; a file made of them is not.
@pytest.mark.parametrize(
    "data",
    [
        b"\x00The governor said the port was closed on Monday.",  # a NUL first
        b"The governor said\x00 the port was closed.\x00 The mayor said it reopened.",
        (TEXT * 200).encode("utf-8") + b"\x00 The governor said the port was closed.",
        "Der Minister sagte,\x00 dass zwölf Menschen verletzt wurden.".encode(),
        b"Page 1\x0c\nThe ministry said 12 people were hurt.\x1b[0m",  # a form feed, a terminal colour code
    ],
    ids=["nul-first", "nuls-in-sentences", "nul-late", "nul-in-german", "form-feed-and-escape"],
)
def test_a_text_with_stray_control_characters_is_read_as_given(data):
    assert decode_article(data, "scraped.txt") == data.decode("utf-8")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",  # an image: not UTF-8, with NULs
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcb\x48\xcd\xc9\xc9\x07\x00",  # gzip
        "The mayor said the bridge was safe.".encode("utf-16-le"),  # UTF-16 without its mark: half NULs
        b"\x00\x01\x02\x03 said \x04\x05\x06\x07\x08\x0e\x0f",  # valid UTF-8, but mostly control bytes
    ],
    ids=["png", "gzip", "utf-16-without-mark", "control-bytes"],
)
def test_a_binary_file_is_one_line(data):
    with pytest.raises(VerifyError, match="looks like a binary file") as raised:
        decode_article(data, "scan.txt")
    assert "\n" not in str(raised.value)


def test_a_closed_standard_input_is_one_line(monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(VerifyError, match="standard input is closed"):
        read_article("-")


@pytest.mark.parametrize(("claim", "message"), [("  \n", "is empty"), (None, "must be text"), (b"bytes", "not bytes")])
def test_a_claim_that_is_not_text_is_one_line(claim, message):
    with pytest.raises(VerifyError, match=message):
        require_claim(claim)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: __import__("verify").verify_article(b"The mayor said the bridge was safe."), "not bytes"),
        (lambda: __import__("verify").verify_article(None), "not NoneType"),
        (lambda: __import__("verify").check_claim(None, "The mayor said the bridge was safe."), "must be text"),
    ],
)
def test_library_calls_refuse_what_is_not_text_before_loading_models(monkeypatch, call, message):
    import verify.pipeline

    def must_not_load(*args, **kwargs):
        raise AssertionError("models loaded before the input was checked")

    monkeypatch.setattr(verify.pipeline, "get_verifier", must_not_load)
    with pytest.raises(VerifyError, match=message):
        call()


def test_a_news_page_is_reduced_to_its_article_text():
    text = text_from_html(NEWS_PAGE, "page.html")
    assert text.splitlines() == [
        "Port fire kills two, officials say",
        "A fire at the container terminal killed two workers on Tuesday, the city council said.",
        "“Nobody was hurt,” a spokesman for the operator told reporters, contradicting the council.",
        "The harbour master said the blaze was under control by noon & ships could dock again.",
    ]
    for boilerplate in ("Home", "Copyright", "track(", ".ad", "<"):
        assert boilerplate not in text


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>The mayor <b>denied</b> the report.</p>", "The mayor denied the report."),  # a fragment
        ("<div>Shares fell 4% &amp; the bank said profits would recover.</div>", "Shares fell 4% & the bank"),
        ("<p>Police said<br>three men were arrested.</p>", "three men were arrested."),
    ],
)
def test_fragments_keep_their_text(html, expected):
    assert expected in text_from_html(html, "snippet.html")


@pytest.mark.parametrize("html", ["<html><body><script>alert(1)</script></body></html>", "<p>\u200b</p>", "<br/>"])
def test_html_without_text_is_one_line(html):
    with pytest.raises(VerifyError, match="no article text found in the HTML"):
        text_from_html(html, "empty.html")


@pytest.mark.parametrize(
    ("text", "name", "is_html"),
    [
        (NEWS_PAGE, "article.txt", True),
        ("  <p>The court said the appeal failed.</p>", "-", True),
        ("<!-- saved page --><div>Text</div>", "-", True),
        ("The court said the appeal failed.", "page.HTML", True),  # the file says so
        ("The court said the appeal failed.", "article.txt", False),
        ("<<< BREAKING >>> The court said the appeal failed.", "-", False),  # no tag
        ("<Reuters> said the minister resigned.", "-", False),  # opens with a tag-like word, closes none
        ("Prices rose 3% (x < y) in </b> March.", "-", False),  # markup later on is not a page
    ],
)
def test_auto_reads_html_only_when_the_file_or_its_start_says_so(text, name, is_html):
    assert looks_like_html(text, name) is is_html


@pytest.mark.parametrize(
    ("input_format", "expected"), [(InputFormat.auto, InputFormat.html), (InputFormat.text, InputFormat.text)]
)
def test_the_input_format_decides_how_a_page_is_read(tmp_path, input_format, expected):
    page = tmp_path / "page.html"
    page.write_text(NEWS_PAGE, encoding="utf-8")
    text, read_as = read_article_as(str(page), input_format)
    assert read_as is expected
    assert ("<article>" in text) is (expected is InputFormat.text)
