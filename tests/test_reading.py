"""Reading what the user gives: encodings said by a byte-order mark, limits, closed input."""

from __future__ import annotations

import codecs
import sys

import pytest

from verify.errors import VerifyError
from verify.reading import decode_article, read_article, require_claim

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


def test_a_nul_byte_late_in_a_text_is_left_to_the_analysis():
    data = (TEXT * 200).encode("utf-8") + b"\x00 The governor said the port was closed."
    assert "\x00" in decode_article(data, "scraped.txt")


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
