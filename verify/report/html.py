"""The report as one self-contained HTML page: the article with each claim coloured by its source,
a legend of the sources, and the contradictions and corroborations linked to their claims.

Nothing here computes: the sections, labels and probabilities are `verify.report.sections`', so the page says
what the text and Markdown reports say. The page loads nothing (inline CSS and JS, and a
Content-Security-Policy that allows only those two, by hash), and all text from the report is
escaped: the article is untrusted. The same report always gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from typing import Literal, NamedTuple

from verify.datamodel import NLI_LABELS, Claim, ClaimRelation, Report, Span
from verify.report.sections import (
    POSSIBLE_CONFLICTS_TITLE,
    by_source,
    cue_label,
    findings_line,
    model_label,
    relation_sections,
    screened_out,
    shown_probability,
    source_label,
)

# Words for a probability, on the scale of US Intelligence Community Directive 203 ("words of
# estimative probability"): each band's words and its upper bound (exclusive).
PROBABILITY_WORDS = (
    ("almost no chance", 0.05),
    ("very unlikely", 0.20),
    ("unlikely", 0.45),
    ("roughly even chance", 0.55),
    ("likely", 0.80),
    ("very likely", 0.95),
    ("almost certain", float("inf")),
)


def probability_words(probability: float) -> str:
    return next(words for words, bound in PROBABILITY_WORDS if probability < bound)


def probability_rule() -> str:
    """The scale in one line: "almost no chance < 0.05 ≤ very unlikely < 0.20 ≤ … ≤ almost certain"."""
    bands = [f"{words} < {bound:.2f} ≤ " for words, bound in PROBABILITY_WORDS[:-1]]
    return "".join(bands) + PROBABILITY_WORDS[-1][0]


# Fills behind dark text that colour-blind readers tell apart too, each with an ink for its source's mentions.
# The fills: Paul Tol's "light" scheme without its grey (narration is grey), then pale yellow from his "pale"
# scheme and red from his "bright" one, the two of his that stay apart from those eight and from the grey
# under protanopia and deuteranopia (P. Tol, "Colour Schemes", SRON/EPS/TN/09-002, https://personal.sron.nl/~pault/).
# Each ink is its fill's hue (OKLCH) at a relative luminance of 0.021, with as much chroma as sRGB holds there:
# a mention reads at a WCAG contrast of 4.5 or more on the page, in narration, in a lit claim and in any
# source's claim.
SOURCE_PALETTE = (
    ("#77aadd", "#00294b"),  # light blue
    ("#ee8866", "#4d1400"),  # orange
    ("#eedd88", "#2f2801"),  # light yellow
    ("#ffaabb", "#560122"),  # pink
    ("#99ddff", "#012b3d"),  # light cyan
    ("#44bb99", "#012e23"),  # mint
    ("#bbcc33", "#262a00"),  # pear
    ("#aaaa00", "#292901"),  # olive
    ("#eeeebb", "#2b2901"),  # pale yellow
    ("#ee6677", "#570018"),  # red
)


class SourceColours(NamedTuple):
    fill: str  # behind the source's claims
    ink: str  # its mentions, and its swatch's border
    stripes: str  # a CSS image over the fill: "none", or white stripes for a source past the palette


def source_colours(index: int) -> SourceColours:
    """The colours of the page's `index`-th source. Past the palette the fills come round again under white
    stripes, at 45° for sources 11-20, 90° for 21-30 and so on (the stripes only lighten the fill, so the text
    stays as readable)."""
    cycle, position = divmod(index, len(SOURCE_PALETTE))
    fill, ink = SOURCE_PALETTE[position]
    stripes = f"repeating-linear-gradient({45 * cycle}deg,#fff9 0 3px,#0000 3px 7px)" if cycle else "none"
    return SourceColours(fill, ink, stripes)


MarkKind = Literal["claim", "cue", "mention"]


@dataclass(frozen=True)
class Mark:
    """A span of the article that styles the text under it: a claim's content, its cue or its source's mention."""

    kind: MarkKind
    claim: int  # index in Report.claims
    span: Span


def marks(report: Report) -> list[Mark]:
    limit = len(report.text)  # a span past the text is cut at its end
    found = []
    for index, claim in enumerate(report.claims):
        kinds: tuple[tuple[MarkKind, tuple[Span, ...]], ...] = (
            ("claim", claim.spans),
            ("cue", claim.cue.spans if claim.cue else ()),
            ("mention", claim.source.spans),
        )
        for kind, spans in kinds:
            found += [Mark(kind, index, Span(min(s.start, limit), min(s.end, limit))) for s in spans]
    return found


def pieces(report: Report) -> Iterator[tuple[int, int, list[Mark]]]:
    """The article cut at every mark's start and end, each piece with the marks over it.

    Claims may nest (a reported claim inside the reporter's sentence) or overlap; cutting at every
    boundary gives each piece a well-defined set of marks whatever the layout.
    """
    starting: dict[int, list[Mark]] = defaultdict(list)
    ending: dict[int, list[Mark]] = defaultdict(list)
    for mark in marks(report):
        if len(mark.span):
            starting[mark.span.start].append(mark)
            ending[mark.span.end].append(mark)
    boundaries = sorted({0, len(report.text), *(claim.start for claim in report.claims), *starting, *ending})
    active: dict[Mark, None] = {}  # an ordered set, for deterministic output
    for start, end in zip(boundaries, boundaries[1:]):
        for mark in ending.get(start, ()):
            active.pop(mark, None)
        for mark in starting.get(start, ()):
            active[mark] = None
        yield start, end, list(active)


class Page:
    """What the page's parts share: the report, and each source's CSS class."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.sources = by_source(report.claims)
        self.source_class = {name: f"src-{index}" for index, name in enumerate(self.sources)}
        self.disputed = {claim_id for r in report.contradictions for claim_id in (r.first, r.second)}

    def classes(self, claim: Claim) -> str:
        """A claim's CSS classes: its source's, and narration for the author's own words."""
        narration = " narration" if claim.source.kind == "author" else ""
        return f"{self.source_class[claim.source.name]}{narration}"

    def style(self) -> str:
        rules: list[str] = []
        for name, claims in self.sources.items():
            if claims[0].source.kind != "author":  # narration is grey, whoever the author is
                colours = source_colours(len(rules))
                rules.append(
                    f".{self.source_class[name]}{{--fill:{colours.fill};--ink:{colours.ink};--stripes:{colours.stripes}}}"
                )
        return CSS + "\n".join(rules) + "\n"

    def article(self) -> str:
        text = self.report.text
        anchors: dict[int, list[str]] = defaultdict(list)
        for claim in self.report.claims:
            anchors[min(claim.start, len(text))].append(f'<span class="anchor" id="claim-{escape(claim.id)}"></span>')
        parts = []
        for start, end, over in pieces(self.report):
            parts += anchors.pop(start, [])
            parts.append(self.piece(text[start:end], over))
        parts += anchors.pop(len(text), [])
        return f'<article id="article" class="panel">{"".join(parts)}</article>'

    def piece(self, text: str, over: list[Mark]) -> str:
        """A piece of the article in its marks: claim (the innermost's colours) > mention > cue."""
        claims = self.report.claims
        html = escape(text)
        cues = [claims[mark.claim].cue for mark in over if mark.kind == "cue"]
        if cues:
            hedged = any(cue.hedged for cue in cues if cue)
            title = "hedged cue: the source's words are reported with doubt" if hedged else "cue"
            html = f'<u class="cue{" hedged" if hedged else ""}" title="{title}">{html}</u>'
        mention = next((claims[mark.claim] for mark in over if mark.kind == "mention"), None)
        if mention:
            html = f'<b class="mention {self.classes(mention)}">{html}</b>'
        covering = [mark for mark in over if mark.kind == "claim"]
        if not covering:
            return html
        innermost = claims[min(covering, key=lambda mark: (len(mark.span), mark.claim)).claim]
        ids = [claims[index].id for index in sorted({mark.claim for mark in covering})]
        disputed = " disputed" if self.disputed.intersection(ids) else ""
        title = f"{innermost.id} · {source_label(innermost)} · {cue_label(innermost)}"
        return (
            f'<span class="claim {self.classes(innermost)}{disputed}" data-claims="{escape(" ".join(ids))}" '
            f'title="{escape(title)}">{html}</span>'
        )

    def claim_link(self, claim: Claim, label: str) -> str:
        return (
            f'<a class="claim-link {self.classes(claim)}" href="#claim-{escape(claim.id)}">'
            f'<span class="swatch"></span>{escape(label)}</a>'
        )

    def legend(self) -> str:
        rows = []
        for name, claims in self.sources.items():
            first = claims[0]
            rows.append(
                f'<tr data-light="{escape(" ".join(claim.id for claim in claims))}">'
                f"<td>{self.claim_link(first, name)}</td>"
                f"<td>{escape(first.source.role or '')}</td><td>{escape(first.source.kind)}</td>"
                f'<td class="count">{len(claims)}</td></tr>'
            )
        example = next((self.classes(c) for c in self.report.claims if c.source.kind != "author"), "")
        return (
            '<section id="legend" class="panel"><h2>Sources</h2>'
            "<table><thead><tr><th>source</th><th>role</th><th>kind</th><th>claims</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f'<p class="key"><span class="claim {example}">attributed claim</span> '
            '<span class="claim narration">narration</span> <u class="cue">cue</u> '
            f'<u class="cue hedged">hedged cue</u> <b class="mention {example}">source named</b> '
            '<span class="claim narration disputed">in a contradiction</span></p></section>'
        )

    def relation(self, relation: ClaimRelation) -> str:
        first, second = self.report.claim(relation.first), self.report.claim(relation.second)
        probability = shown_probability(relation)
        # A compatible pair is listed for its contradiction probability (shown_probability).
        measured = "contradiction: " if relation.label == "compatible" else ""
        same = " (same source)" if relation.same_source else ""
        sides = "".join(
            f'<p class="side"><span class="which">{which}</span>{self.claim_link(claim, source_label(claim))} '
            f'<span class="claim-id">{escape(claim.id)}</span> <q>{escape(claim.text)}</q></p>'
            for which, claim in (("A", first), ("B", second))
        )
        notes = "".join(f'<p class="note">rule: {escape(str(note))}</p>' for note in relation.notes)
        return (
            f'<li class="relation {relation.label}" data-light="{escape(relation.first)} {escape(relation.second)}">'
            f'<p class="verdict"><span class="label">{relation.label}{same}</span> '
            f'<span class="probability">{measured}{probability_words(probability)} ({probability:.2f})</span></p>'
            f"{sides}{notes}{_scores(relation)}"
            "</li>"
        )

    def relations(self) -> str:
        sections = []
        for title, relations in relation_sections(self.report):
            heading = f"{escape(title)} ({len(relations)})"
            body = (
                f'<ol class="relations">{"".join(self.relation(r) for r in relations)}</ol>'
                if relations
                else '<p class="none">None found.</p>'
            )
            if title == POSSIBLE_CONFLICTS_TITLE:  # below the threshold: folded away
                sections.append(
                    f'<details class="possible"><summary><h3>{heading}</h3></summary>'
                    '<p class="about">Pairs judged compatible whose contradiction probability reaches the '
                    f"model's possible-conflict setting, the most likely first.</p>{body}</details>"
                )
            else:
                sections.append(f"<section><h3>{heading}</h3>{body}</section>")
        return (
            '<section id="relations" class="panel"><h2>Between claims</h2>'
            '<p class="about">Each entry links its two claims. The number is the model\'s probability of the '
            "label, the stronger of the two directions (for compatible pairs: of contradiction); in words on "
            f"the ICD 203 scale: {escape(probability_rule())}. A rule is what a check beside the model found; "
            "A→B is the model reading A as the premise and B as the hypothesis.</p>"
            f"{''.join(sections)}</section>"
        )


def _scores(relation: ClaimRelation) -> str:
    """The model's scores both ways, as a small table (A→B: A read as the premise, B as the hypothesis)."""
    rows = "".join(
        f"<tr><th>{direction}</th>" + "".join(f"<td>{value:.2f}</td>" for value in scores.as_dict().values()) + "</tr>"
        for direction, scores in (("A→B", relation.forward), ("B→A", relation.backward))
    )
    head = "".join(f"<th>{label}</th>" for label in NLI_LABELS)
    return f'<table class="scores"><thead><tr><th></th>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def report_html(report: Report) -> str:
    page = Page(report)
    style = page.style()
    stats = report.stats
    policy = f"default-src 'none'; style-src {_hash(style)}; script-src {_hash(SCRIPT)}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        f"<title>verify report: {escape(report.article)}</title>\n"
        f"<style>{style}</style>\n</head>\n<body>\n"
        f"<header><h1>verify report: {escape(report.article)} — "
        f'<a href="#relations">{escape(findings_line(report))}</a></h1>'
        f'<p class="meta">{stats.claims} claims from {len(page.sources)} sources · {stats.pairs_scored} of '
        f"{stats.pairs_total} claim pairs related and checked{screened_out(stats.pairs_screened_out)} · "
        f"{stats.seconds:.1f} s · model {escape(model_label(report.model))}</p></header>\n"
        f"<main>\n{page.article()}\n<aside>\n{page.legend()}\n{page.relations()}\n</aside>\n</main>\n"
        f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


CSS = """
:root{--text:#1f2328;--muted:#59636e;--line:#d8dee4;--contradiction:#c92a2a;--corroboration:#2b8a3e;
--update:#1971c2;--lit:#ffd43b}
*{box-sizing:border-box}
body{margin:0;background:#f4f4f1;color:var(--text);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
header{padding:14px 24px;background:#fff;border-bottom:1px solid var(--line)}
h1{margin:0 0 2px;font-size:19px;overflow-wrap:anywhere}
.meta{margin:0;color:var(--muted);font-size:13px;overflow-wrap:anywhere}
main{display:grid;grid-template-columns:minmax(0,1fr) minmax(320px,440px);gap:20px;align-items:start;
max-width:1400px;margin:0 auto;padding:20px 24px}
.panel{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin:0 0 16px}
#article{padding:22px 28px;font:17px/1.8 Georgia,"DejaVu Serif",serif;white-space:pre-wrap;overflow-wrap:break-word}
aside{position:sticky;top:0;max-height:100vh;overflow-y:auto}
h2{margin:0 0 8px;font-size:13px;letter-spacing:.06em;text-transform:uppercase;color:var(--muted)}
h3{margin:14px 0 4px;font-size:15px}
.claim{background:var(--stripes) var(--fill)}
.narration{--fill:#eceeef;--ink:#59636e;--stripes:none}
.mention{font-weight:700;color:var(--ink)}
.cue{text-decoration:underline 2px;text-underline-offset:3px}
.cue.hedged{text-decoration-style:wavy;text-decoration-color:#e8590c}
.cue.hedged::after{content:"?";color:#e8590c;font:700 11px/1 sans-serif;vertical-align:super}
.disputed{box-shadow:inset 0 -2px 0 var(--contradiction)}
.claim.lit{background:var(--lit);box-shadow:inset 0 -3px 0 #e8590c}
table{width:100%;border-collapse:collapse;font-size:13px}
th{text-align:left;color:var(--muted);font-weight:600;border-bottom:1px solid var(--line)}
td,th{padding:3px 6px 3px 0;vertical-align:top}
td.count,th:last-child{text-align:right;padding-right:0}
.key{margin:10px 0 0;font-size:13px;display:flex;flex-wrap:wrap;gap:4px 12px}
.key .claim{padding:0 3px}
.claim-link{color:inherit;font-weight:600;text-decoration:none}
.claim-link:hover,.claim-link:focus{text-decoration:underline}
.swatch{display:inline-block;width:.8em;height:.8em;margin-right:5px;border-radius:2px;
background:var(--stripes) var(--fill);border:1px solid var(--ink)}
.about,.none{font-size:13px;color:var(--muted);margin:4px 0}
ol.relations{list-style:none;margin:0;padding:0}
.relation{border-top:1px solid var(--line);padding:8px 6px;font-size:14px}
.relation.current{background:#fff9db}
.relation p{margin:3px 0}
.label{font-weight:700;text-transform:uppercase;font-size:12px;letter-spacing:.04em}
.contradiction .label{color:var(--contradiction)}
.corroboration .label{color:var(--corroboration)}
.compatible .label{color:var(--update)}
.probability{font-weight:600}
.which{display:inline-block;width:1.4em;color:var(--muted);font-weight:700}
.claim-id{color:var(--muted);font-size:12px}
q{font-family:Georgia,"DejaVu Serif",serif}
.note{font-size:13px;color:#7a4b00}
table.scores{width:auto;margin:4px 0 0 1.4em;font-size:12px;color:var(--muted);font-variant-numeric:tabular-nums}
table.scores th{font-weight:600;border:none;padding:0 10px 0 0}
table.scores td{text-align:right;padding:0 10px 0 0}
summary{cursor:pointer}
summary h3{display:inline}
@media (max-width:820px){
main{display:flex;flex-direction:column;gap:0;padding:10px}
aside{display:contents}
#legend{order:-1}
header{padding:10px 12px}
#article{padding:14px 16px;font-size:16px}
.panel{padding:12px}
}
@media print{
body{background:#fff;font-size:10pt}
main{display:block;padding:0}
aside{position:static;max-height:none;overflow:visible}
.panel{border:none;padding:0 0 10pt}
#article{font-size:11pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.relation{break-inside:avoid}
}
"""

# Clicking a claim link (in an entry or the legend) scrolls to the claim and lights the claims of
# its entry; printing opens the folded sections.
SCRIPT = """
"use strict";
(function () {
  var pieces = Array.prototype.slice.call(document.querySelectorAll("#article [data-claims]"));
  function light(ids) {
    pieces.forEach(function (piece) {
      var claims = piece.getAttribute("data-claims").split(" ");
      piece.classList.toggle("lit", claims.some(function (id) { return ids.indexOf(id) >= 0; }));
    });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.claim-link");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    var entry = link.closest("[data-light]");
    document.querySelectorAll(".current").forEach(function (old) { old.classList.remove("current"); });
    entry.classList.add("current");
    light(entry.getAttribute("data-light").split(" "));
    target.scrollIntoView({block: "center"});
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (details) { details.open = true; });
  });
})();
"""
