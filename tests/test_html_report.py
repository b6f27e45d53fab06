"""The HTML report: the page's structure read with the standard library's parser on hand-built reports
and the bundled article's, the command line's --format handling, and the page in headless Chromium."""

from __future__ import annotations

import base64
import hashlib
import itertools
import math
import os
import pickle
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import BUNDLED_ARTICLE, REPO, SMALL_MODEL
from verify.cli import app
from verify.datamodel import (
    Claim,
    ClaimRelation,
    Cue,
    ModelInfo,
    NLIScores,
    Note,
    NoteKind,
    Report,
    ReportStats,
    Source,
    SourceKind,
    Span,
)
from verify.report.html import CSS, probability_words, report_html
from verify.report.sections import POSSIBLE_CONFLICTS_TITLE, relation_sections
from verify.runtime.models import has_weights

ARTIFACTS = REPO / "build" / "artifacts"
VOID_TAGS = {"meta", "br", "link", "img", "input", "hr"}

needs_small_model = pytest.mark.skipif(not has_weights(SMALL_MODEL), reason=f"no NLI model weights in {SMALL_MODEL}")


@dataclass
class PageContents:
    """What the tests read from a page: ids, the article pane's text and pieces, links, legend, relations."""

    ids: dict[str, int | None] = field(default_factory=dict)  # element id: its offset in the article text
    article: str = ""
    pieces: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # text, the innermost element's attrs
    hrefs: list[str] = field(default_factory=list)
    legend: dict[str, int] = field(default_factory=dict)  # source name: claims
    relations: list[tuple[str, bool]] = field(default_factory=list)  # data-light, inside a <details>
    scripts: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    policy: str = ""


class PageReader(HTMLParser):
    """Reads a page into `PageContents`, and fails on a tag closed out of order (the page must be well formed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageContents()
        self.open: list[tuple[str, dict[str, str]]] = []
        self.legend_row: list[str] | None = None

    def inside(self, tag: str, **attrs: str) -> bool:
        return any(t == tag and all(a.get(k) == v for k, v in attrs.items()) for t, a in self.open)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "meta" and attributes.get("http-equiv") == "Content-Security-Policy":
            self.page.policy = attributes["content"]
        if "id" in attributes:
            assert attributes["id"] not in self.page.ids, f"duplicate id {attributes['id']}"
            in_article = self.inside("article", id="article")
            self.page.ids[attributes["id"]] = len(self.page.article) if in_article else None
        if tag == "a" and "href" in attributes:
            self.page.hrefs.append(attributes["href"])
        if tag == "li" and "relation" in attributes.get("class", "").split():
            self.page.relations.append((attributes["data-light"], self.inside("details")))
        if tag == "tr" and self.inside("section", id="legend") and self.inside("tbody"):
            self.legend_row = []
        if tag == "td" and self.legend_row is not None:
            self.legend_row.append("")
        if tag not in VOID_TAGS:
            self.open.append((tag, attributes))

    def handle_endtag(self, tag):
        assert self.open and self.open[-1][0] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()
        if tag == "tr" and self.legend_row is not None:
            name, _role, _kind, count = self.legend_row
            self.page.legend[name] = int(count)
            self.legend_row = None

    def handle_data(self, data):
        if self.inside("article", id="article"):
            self.page.article += data
            self.page.pieces.append((data, self.open[-1][1]))
        if self.legend_row is not None and self.inside("td"):
            self.legend_row[-1] += data
        if self.open and self.open[-1][0] == "script":
            self.page.scripts.append(data)
        if self.open and self.open[-1][0] == "style":
            self.page.styles.append(data)


def read_page(html: str) -> PageContents:
    reader = PageReader()
    reader.feed(html)
    reader.close()
    assert not reader.open, f"unclosed: {reader.open}"
    return reader.page


# Hand-built reports: realistic news sentences whose claims nest, overlap, are discontinuous, carry
# markup or sit at the very end of the text.
def source(name: str, role: str | None, kind: SourceKind, mention: str | None = None, text: str = "") -> Source:
    spans = (span_of(text, mention),) if mention else ()
    return Source(mention=mention or "", name=name, role=role, kind=kind, spans=spans)


def span_of(text: str, words: str) -> Span:
    start = text.index(words)
    return Span(start, start + len(words))


def claim(claim_id: str, text: str, contents: tuple[str, ...], who: Source, cue: str = "", hedged=False) -> Claim:
    spans = tuple(span_of(text, words) for words in contents)
    return Claim(
        id=claim_id,
        text=" … ".join(contents),
        spans=spans,
        source=who,
        cue=Cue(cue, (span_of(text, cue),), hedged) if cue else None,
    )


def relation(first: str, second: str, label, probability: float, notes=(), possible=False) -> ClaimRelation:
    """Scores with `probability` for the label's class (contradiction for a compatible pair); `possible`: the check
    decided the pair a possible conflict."""
    other = 1 - probability - 0.02
    scores = NLIScores(probability, other, 0.02) if label == "corroboration" else NLIScores(0.02, other, probability)
    return ClaimRelation(
        first, second, label, probability, scores, scores, 0.7, False, notes=tuple(notes), possible_conflict=possible
    )


def build_report(text: str, claims: tuple[Claim, ...], relations: tuple[ClaimRelation, ...] = ()) -> Report:
    stats = ReportStats(claims=len(claims), pairs_total=len(claims) * (len(claims) - 1) // 2, pairs_scored=3, seconds=1)
    return Report("article <draft>.txt", text, claims, relations, ModelInfo("tiny-nli", "0f" * 32), stats)


NESTED = (
    "Kazakhstan's President Kassym-Jomart Tokayev has requested assistance from a Russian-led bloc after "
    "failing to stop days of demonstrations. The airport had been cleared and was operating smoothly, "
    "according to the deputy mayor."
)
AUTHOR = Source.author()
TOKAYEV = source("Kassym-Jomart Tokayev", "president", "person", "Kassym-Jomart Tokayev", NESTED)
MAYOR = source("deputy mayor", "deputy mayor", "person", "the deputy mayor", NESTED)
NESTED_REPORT = build_report(
    NESTED,
    (
        claim("c1", NESTED, (NESTED[: NESTED.index(".")],), AUTHOR),
        claim("c2", NESTED, ("assistance from a Russian-led bloc",), TOKAYEV, cue="has requested"),
        claim("c3", NESTED, ("The airport had been cleared and was operating smoothly",), MAYOR, cue="according to"),
    ),
    (relation("c2", "c3", "contradiction", 0.31, [Note(NoteKind.place_conflict, "airport")]),),
)

OVERLAP = (
    "Police are said to have shot several demonstrators near the mayor's office on Wednesday, "
    "witnesses told Reuters, while the ministry stated the shooting began after protesters set the office on fire."
)
WITNESSES = source("witnesses", None, "anonymous", "witnesses", OVERLAP)
MINISTRY = source("Ministry of Internal Affairs", "ministry", "government_body", "the ministry", OVERLAP)
OVERLAP_REPORT = build_report(
    OVERLAP,
    (
        claim(
            "c1",
            OVERLAP,
            ("Police", "have shot several demonstrators near the mayor's office"),
            WITNESSES,
            cue="are said to",
            hedged=True,
        ),
        claim("c2", OVERLAP, ("several demonstrators near the mayor's office on Wednesday",), AUTHOR),
        claim("c3", OVERLAP, ("the shooting began after protesters set the office on fire",), MINISTRY, cue="stated"),
    ),
    (
        relation("c1", "c3", "corroboration", 0.66),
        relation("c2", "c3", "compatible", 0.42, possible=True),  # a possible conflict, folded away
    ),
)

MARKUP = (
    'The hacker group wrote "<script>alert(1)</script>" & <b>bold</b> on the site, the agency\'s '
    "spokesperson said. Nobody was hurt, officials said."
)
AGENCY = source("the <agency> & co", "spokesperson", "organisation", "the agency's spokesperson", MARKUP)
MARKUP_REPORT = build_report(
    MARKUP,
    (
        claim("c<1>", MARKUP, ('"<script>alert(1)</script>" & <b>bold</b> on the site',), AGENCY, cue="said"),
        claim("c2", MARKUP, ("Nobody was hurt",), source("officials", None, "anonymous"), cue="officials said"),
        # A claim at the very end of the text, with no characters: it still gets its anchor.
        Claim("c3", "", (Span(len(MARKUP), len(MARKUP)),), AUTHOR),
    ),
    (relation("c<1>", "c2", "contradiction", 0.97),),
)

# Reported speech inside reported speech inside narration: four claims over the innermost words.
DEEP = "The mayor said the minister told reporters that police claimed the airport was closed by noon."
DEEP_MAYOR = source("mayor", "mayor", "person", "The mayor", DEEP)
DEEP_MINISTER = source("minister", "minister", "person", "the minister", DEEP)
DEEP_POLICE = source("police", "police", "government_body", "police", DEEP)
DEEP_REPORT = build_report(
    DEEP,
    (
        claim("c1", DEEP, (DEEP[:-1],), AUTHOR),
        claim("c2", DEEP, (DEEP[DEEP.index("the minister") : -1],), DEEP_MAYOR, cue="said"),
        claim("c3", DEEP, ("police claimed the airport was closed by noon",), DEEP_MINISTER, cue="told reporters that"),
        claim("c4", DEEP, ("the airport was closed by noon",), DEEP_POLICE, cue="claimed", hedged=True),
    ),
)

HAND_BUILT = {"nested": NESTED_REPORT, "overlapping": OVERLAP_REPORT, "markup": MARKUP_REPORT, "deep": DEEP_REPORT}


@pytest.fixture(params=[*HAND_BUILT, "bundled"])
def report(request) -> Report:
    return request.getfixturevalue("bundled_report") if request.param == "bundled" else HAND_BUILT[request.param]


def test_every_claim_has_an_anchor_at_its_start(report):
    page = read_page(report_html(report))
    assert {f"claim-{c.id}": c.start for c in report.claims}.items() <= page.ids.items()


def test_the_article_pane_shows_the_report_text_exactly(report):
    assert read_page(report_html(report)).article == report.text


def test_every_claim_link_targets_an_existing_claim(report):
    page = read_page(report_html(report))
    claims = [href[1:] for href in page.hrefs if href.startswith("#claim-")]
    assert claims and all(target in page.ids for target in claims)
    assert {href for href in page.hrefs if not href.startswith("#claim-")} == {"#relations"}


def test_the_first_line_counts_the_findings_and_jumps_to_them(report):
    """On a phone the findings come after the article: the heading says what was found and links to it."""
    html = report_html(report)
    heading = html[html.index("<h1>") : html.index("</h1>")]
    contradictions, corroborations = len(report.contradictions), len(report.corroborations)
    assert f'<a href="#relations">{contradictions} contradiction' in heading
    assert f"{corroborations} corroboration" in heading
    assert 'id="relations"' in html


def test_each_contradiction_and_corroboration_is_one_entry_linking_both_claims(report):
    page = read_page(report_html(report))
    reported = [f"{r.first} {r.second}" for r in (*report.contradictions, *report.corroborations)]
    entries = Counter(light for light, folded in page.relations if not folded)
    assert all(entries[pair] == 1 for pair in reported)
    for pair in reported:
        assert {f"#claim-{claim_id}" for claim_id in pair.split()} <= set(page.hrefs)


def test_legend_counts_the_claims_of_each_source(report):
    page = read_page(report_html(report))
    assert page.legend == dict(Counter(claim.source.name for claim in report.claims))


def test_possible_conflicts_are_folded_away(report):
    page = read_page(report_html(report))
    for title, relations in relation_sections(report):
        folded = title == POSSIBLE_CONFLICTS_TITLE
        for r in relations:
            assert (f"{r.first} {r.second}", folded) in page.relations, title


@pytest.mark.parametrize("hash_seed", ["1", "2"])
def test_the_same_report_gives_the_same_bytes_in_any_process(report, hash_seed):
    # Another process with another string-hash seed: no set or dict order may leak into the page.
    code = (
        "import pickle, sys; from verify.report.html import report_html; "
        "sys.stdout.buffer.write(report_html(pickle.load(sys.stdin.buffer)).encode())"
    )
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", code], input=pickle.dumps(report), capture_output=True, env=environment, check=True
    )
    assert done.stdout.decode() == report_html(report)


def test_markup_in_the_report_is_escaped():
    html = report_html(MARKUP_REPORT)
    assert "<script>alert(1)</script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&amp; &lt;b&gt;" in html
    page = read_page(html)
    assert len(page.scripts) == 1 and "alert" not in page.scripts[0]  # the page's own script only
    assert page.legend["the <agency> & co"] == 1 and "claim-c<1>" in page.ids
    assert "<title>verify report: article &lt;draft&gt;.txt</title>" in html


@pytest.mark.parametrize(
    ("built", "words", "classes", "claims"),
    [
        # The reported claim inside the reporter's sentence takes its source's colour; both claims light it.
        (NESTED_REPORT, "assistance from a Russian-led bloc", {"claim", "src-1", "disputed"}, "c1 c2"),
        (NESTED_REPORT, "after failing to stop days of demonstrations", {"claim", "src-0", "narration"}, "c1"),
        (NESTED_REPORT, "The airport had been cleared", {"claim", "src-2", "disputed"}, "c3"),
        (DEEP_REPORT, "the airport was closed by noon", {"claim", "src-3"}, "c1 c2 c3 c4"),
    ],
)
def test_a_piece_takes_the_colours_of_its_innermost_claim(built, words, classes, claims):
    page = read_page(report_html(built))
    piece = next(attrs for text, attrs in page.pieces if words in text)
    assert set(piece["class"].split()) == classes and piece["data-claims"] == claims


@pytest.mark.parametrize(
    ("built", "cue", "hedged"),
    [
        (OVERLAP_REPORT, "are said to", True),
        (NESTED_REPORT, "has requested", False),
        (NESTED_REPORT, "according to", False),
    ],
)
def test_cues_are_underlined_and_hedged_ones_marked(built, cue, hedged):
    page = read_page(report_html(built))
    piece = next(attrs for text, attrs in page.pieces if text == cue)
    assert piece["class"].split() == (["cue", "hedged"] if hedged else ["cue"])


def test_overlapping_claims_split_into_pieces_that_each_know_their_claims():
    page = read_page(report_html(OVERLAP_REPORT))
    claims_of = {text: attrs.get("data-claims") for text, attrs in page.pieces}
    assert claims_of["have shot "] == "c1"  # before the overlap
    assert claims_of["several demonstrators near the mayor's office"] == "c1 c2"
    assert claims_of[" on Wednesday"] == "c2"  # after it
    assert claims_of["are said to"] is None  # the cue between the two parts of c1 is not part of its content


def test_the_page_loads_nothing_and_its_policy_allows_only_its_own_style_and_script():
    html = report_html(OVERLAP_REPORT)
    page = read_page(html)
    assert not re.search(r"\b(?:src|srcset|action)=|<link|@import|url\(|https?:", html, re.IGNORECASE)

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    (style,), (script,) = page.styles, page.scripts
    assert page.policy == f"default-src 'none'; style-src {digest(style)}; script-src {digest(script)}"


@pytest.mark.parametrize(
    ("probability", "words"),
    [
        (0.0, "almost no chance"),
        (0.049, "almost no chance"),
        (0.05, "very unlikely"),
        (0.31, "unlikely"),
        (0.5, "roughly even chance"),
        (0.72, "likely"),
        (0.92, "very likely"),
        (0.95, "almost certain"),
        (1.0, "almost certain"),
    ],
)
def test_probability_words_follow_the_icd_203_scale(probability, words):
    assert probability_words(probability) == words


def test_an_entry_gives_the_probability_in_words_and_numbers_and_the_rule():
    html = report_html(NESTED_REPORT)
    entry = html[html.index('<li class="relation contradiction"') :]
    entry = entry[: entry.index("</li>")]
    assert "unlikely (0.31)" in entry and "rule: the airport disrupted in one claim" in entry
    assert "Kassym-Jomart Tokayev (president)" in entry and "deputy mayor" in entry


# A flood told by twelve sources, more than the palette's ten colours.
FLOOD_SOURCES = (
    ("Police", "police", "government_body", "said", "the river rose two metres overnight"),
    ("The mayor", "mayor", "person", "announced", "forty homes were flooded in the old town"),
    ("Firefighters", "firefighters", "government_body", "reported", "they rescued twelve people from rooftops"),
    ("The Red Cross", "aid agency", "organisation", "confirmed", "two shelters were open at the schools"),
    ("The weather service", "agency", "government_body", "warned", "more rain would fall on Friday"),
    ("A hospital spokesperson", "spokesperson", "person", "stated", "three people were treated for hypothermia"),
    ("The rail operator", "company", "organisation", "wrote", "the line to the coast was closed"),
    ("The power company", "company", "organisation", "estimated", "six thousand homes had no electricity"),
    ("Residents", None, "anonymous", "told reporters", "the sirens sounded too late"),
    ("The army", "army", "government_body", "added", "two hundred soldiers were helping with sandbags"),
    ("The environment ministry", "ministry", "government_body", "noted", "the dam was holding"),
    ("Insurers", None, "organisation", "claimed", "damage would pass ten million euros"),
)
FLOOD = " ".join(f"{mention} {cue} {content}." for mention, _, _, cue, content in FLOOD_SOURCES)
FLOOD_REPORT = build_report(
    FLOOD,
    tuple(
        claim(f"c{number}", FLOOD, (content,), source(mention, role, kind, mention, FLOOD), cue=cue)
        for number, (mention, role, kind, cue, content) in enumerate(FLOOD_SOURCES, 1)
    ),
)


def source_styles(report: Report) -> list[dict[str, str]]:
    """Each source's custom properties on the page, in the order of its classes: {"--fill": ..., "--ink": ...}."""
    (style,) = read_page(report_html(report)).styles
    rules = re.findall(r"\.src-\d+\{([^}]*)\}", style)
    return [dict(declaration.split(":", 1) for declaration in rule.split(";")) for rule in rules]


def page_colour(pattern: str) -> str:
    """A colour the page's CSS sets, found by the regular expression of its declaration."""
    return re.search(pattern, CSS)[1]


# Colour arithmetic: WCAG 2 relative luminance and contrast ratio, CIELAB under D65 for CIE76 differences, and
# the simulation of full protanopia and deuteranopia by Machado, Oliveira & Fernandes (2009, severity 1.0), whose
# matrices apply to linear RGB.
def linear_rgb(colour: str) -> tuple[float, ...]:
    digits = colour.removeprefix("#")
    digits = "".join(digit * 2 for digit in digits) if len(digits) == 3 else digits
    encoded = (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return tuple(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in encoded)


def luminance(rgb: tuple[float, ...]) -> float:
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(linear_rgb(first)), luminance(linear_rgb(second))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def times(matrix: tuple[tuple[float, ...], ...], rgb: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(sum(weight * channel for weight, channel in zip(row, rgb)) for row in matrix)


NORMAL_VISION = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
PROTANOPIA = ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998))
DEUTERANOPIA = ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881))
SRGB_TO_XYZ = ((0.4124, 0.3576, 0.1805), (0.2126, 0.7152, 0.0722), (0.0193, 0.1192, 0.9505))
D65_WHITE = (0.95047, 1.0, 1.08883)


def seen_as_lab(colour: str, vision: tuple[tuple[float, ...], ...]) -> tuple[float, float, float]:
    seen = tuple(min(1.0, max(0.0, channel)) for channel in times(vision, linear_rgb(colour)))
    fx, fy, fz = (
        t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116
        for t in (value / white for value, white in zip(times(SRGB_TO_XYZ, seen), D65_WHITE))
    )
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


# CIE76 ΔE about 2.3 is a just-noticeable difference side by side; colours that tell sources apart across a page,
# a claim here and its source's legend swatch there, need several times that.
DISTINCT_DELTA_E = 10


@pytest.mark.parametrize(
    "vision", [NORMAL_VISION, DEUTERANOPIA, PROTANOPIA], ids=["normal", "deuteranopia", "protanopia"]
)
def test_the_first_ten_sources_and_narration_have_fills_told_apart_in_colour_blind_vision(vision):
    fills = [style["--fill"] for style in source_styles(FLOOD_REPORT)[:10]]
    fills.append(page_colour(r"\.narration\{--fill:(#\w+)"))
    seen = [seen_as_lab(fill, vision) for fill in fills]
    closest = min((math.dist(seen[i], seen[j]), fills[i], fills[j]) for i, j in itertools.combinations(range(11), 2))
    assert closest[0] >= DISTINCT_DELTA_E, closest


def test_every_fill_keeps_the_text_readable_and_every_ink_is_readable_wherever_a_mention_sits():
    styles = source_styles(FLOOD_REPORT)
    text = page_colour(r"--text:(#\w+)")
    assert min(contrast_ratio(style["--fill"], text) for style in styles) >= 4.5  # WCAG AA for body text
    # A mention sits on the page, in narration, in a clicked (lit) claim or in any source's claim.
    backgrounds = [
        page_colour(r"\.panel\{background:(#\w+)"),
        page_colour(r"\.narration\{--fill:(#\w+)"),
        page_colour(r"--lit:(#\w+)"),
        *(style["--fill"] for style in styles),
    ]
    assert min(contrast_ratio(style["--ink"], background) for style in styles for background in backgrounds) >= 4.5


def test_sources_past_the_tenth_reuse_the_fills_under_stripes():
    styles = source_styles(FLOOD_REPORT)
    assert len(styles) == 12 and {style["--stripes"] for style in styles[:10]} == {"none"}
    assert [style["--fill"] for style in styles[10:]] == [style["--fill"] for style in styles[:2]]
    assert all(style["--stripes"].startswith("repeating-linear-gradient(") for style in styles[10:])
    assert len({(style["--fill"], style["--stripes"]) for style in styles}) == 12


# The command line: html (and csv) is for `verify report` only; the others say what they write.
runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["check", "Eight people died.", "--against", str(BUNDLED_ARTICLE), "--format", "html"], "verify check"),
        (["check", "Eight people died.", "--against", str(BUNDLED_ARTICLE), "-f", "markdown"], "verify check"),
        (["evaluate", str(REPO / "fixtures" / "dev"), "--format", "html"], "verify evaluate"),
        (["check", "Eight people died.", "--against", str(BUNDLED_ARTICLE), "--format", "csv"], "verify check"),
        (["evaluate", str(REPO / "fixtures" / "dev"), "--format", "csv"], "verify evaluate"),
    ],
)
def test_a_format_a_command_does_not_write_is_one_line_before_any_model_loads(monkeypatch, args, fragment):
    import verify.pipeline

    def must_not_load(*args, **kwargs):
        raise AssertionError("models loaded before --format was checked")

    monkeypatch.setattr(verify.pipeline, "get_verifier", must_not_load)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and fragment in lines[0] and lines[0].endswith("it writes text, json"), lines


@needs_small_model
def test_report_format_html_writes_the_page_of_the_report(bundled_report, monkeypatch, tmp_path):
    import verify.pipeline

    # The computed report stands in for a second run of the model: the page of that report must come out.
    monkeypatch.setattr(verify.pipeline.Verifier, "report", lambda self, text, article, progress: bundled_report)
    out = tmp_path / "report.html"
    result = runner.invoke(
        app, ["report", str(BUNDLED_ARTICLE), "--format", "html", "--model", str(SMALL_MODEL), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == report_html(bundled_report)


# The page in a real browser: Debian's chromium, driven by its chromedriver through selenium.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="session")  # asked for before the report, so that a skip costs no model run
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("no chromium and chromedriver on PATH (Debian: apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (the test extra)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1400,900"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def bundled_page(browser, bundled_report) -> Path:
    """The bundled article's page, opened in the browser; written where CI keeps its artifacts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = ARTIFACTS / "html-report.html"
    page.write_text(report_html(bundled_report), encoding="utf-8")
    browser.get(page.as_uri())
    return page


def screenshot(browser, width: int, path: Path) -> None:
    """The whole page at this width: the viewport made as tall as the page and as the side panel's
    content (which scrolls on its own when the viewport is shorter), scrolled to the top."""
    height = 900
    for _ in range(3):  # the layout at this width, then the page's height, which follows the viewport's
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        height = browser.execute_script(
            "return Math.max(document.documentElement.scrollHeight, document.querySelector('aside').scrollHeight)"
        )
    browser.execute_script("window.scrollTo(0, 0); document.querySelector('aside').scrollTop = 0")
    browser.save_screenshot(str(path))


@needs_small_model
def test_the_page_in_chromium(browser, bundled_report, bundled_page):
    run = browser.execute_script
    anchors = run("return Array.from(document.querySelectorAll('#article .anchor'), anchor => anchor.id)")
    assert anchors == [f"claim-{claim.id}" for claim in bundled_report.claims]
    assert run("return document.getElementById('article').textContent") == bundled_report.text
    broken = run(
        "return Array.from(document.querySelectorAll('a.claim-link'))"
        ".filter(link => !document.getElementById(link.getAttribute('href').slice(1))).length"
    )
    entries = run("return Array.from(document.querySelectorAll('li.relation.contradiction'), e => e.dataset.light)")
    assert broken == 0 and entries == [f"{r.first} {r.second}" for r in bundled_report.contradictions]
    assert run("return Array.from(document.querySelectorAll('details'), d => d.open)") == [False]

    # Clicking an entry's second claim scrolls to it and lights both claims of the entry, and no other.
    first, second = bundled_report.contradictions[0].first, bundled_report.contradictions[0].second
    link = browser.find_element("css selector", f'li.relation.contradiction a[href="#claim-{second}"]')
    link.click()
    pieces = run(
        "return Array.from(document.querySelectorAll('#article [data-claims]'),"
        " piece => [piece.dataset.claims.split(' '), piece.classList.contains('lit')])"
    )
    assert all(lit == bool({first, second} & set(claims)) for claims, lit in pieces)
    assert any(lit for _, lit in pieces)
    top = run(f"return document.getElementById('claim-{second}').getBoundingClientRect().top")
    assert 0 <= top <= run("return window.innerHeight")

    screenshot(browser, 1400, ARTIFACTS / "html-report.png")
    screenshot(browser, 400, ARTIFACTS / "html-report-phone.png")
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, errors
    assert (ARTIFACTS / "html-report.png").read_bytes().startswith(b"\x89PNG")
