"""Reading packets for judging real news pair by pair, and the readers' answers as judged pairs.

`packets`: from a `verify report --format jsonl` file, every finding (contradiction or corroboration) and every
near-finding (NLI contradiction or, between different sources, entailment at --near or above, either way) that
no reader has judged yet (`--judged`), grouped by article into --parts Markdown packets. The packets show no
label or score: the reader judges blind. `merge`: the readers' JSON lines (`{"pair", "truth", "reason"}` per
pair, `{"missed": true, "article", "first_quote", "first_source", "second_quote", "second_source", "reason"}` per
conflict the reader found by reading the article) as judged pairs with both claims' offsets and text, appended
to the judged file (`verify.evaluation.judged`).

    .venv/bin/python scripts/judged_pairs.py packets dev.jsonl --judged fixtures/judged/polnear_dev_judged.jsonl \\
        --out packets/ --parts 4
    .venv/bin/python scripts/judged_pairs.py merge dev.jsonl answers/*.jsonl --reader reader-2 \\
        --judged fixtures/judged/polnear_dev_judged.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from verify.datamodel import Claim
from verify.evaluation.judged import (
    JudgedClaim,
    JudgedPair,
    judged_pair_record,
    load_judged_pairs,
    matching_judgement,
    report_lines,
)

FINDINGS = ("contradiction", "corroboration")


def article_name(report: dict) -> str:
    return Path(report["article"]).stem


def to_read(report: dict, near: float, judged: list[JudgedPair]) -> list[tuple[dict, Claim, Claim]]:
    """The report's findings and near-findings that no judgement covers."""
    claims = {claim["id"]: Claim.from_jsonable(claim) for claim in report["claims"]}
    chosen = []
    for relation in report["relations"]:
        first, second = claims[relation["first"]], claims[relation["second"]]
        directions = (relation["forward"], relation["backward"])
        near_finding = max(scores["contradiction"] for scores in directions) >= near or (
            not relation["same_source"] and max(scores["entailment"] for scores in directions) >= near
        )
        if (relation["label"] in FINDINGS or near_finding) and matching_judgement(first, second, judged) is None:
            chosen.append((relation, first, second))
    return chosen


def write_packets(reports_path: Path, judged_path: Path | None, out: Path, parts: int, near: float) -> None:
    judged = load_judged_pairs(judged_path) if judged_path and judged_path.exists() else []
    by_article: dict[str, list[JudgedPair]] = {}
    for pair in judged:
        by_article.setdefault(pair.article, []).append(pair)
    work = []
    for report in report_lines(reports_path):
        pairs = to_read(report, near, by_article.get(article_name(report), []))
        work.append((report, pairs))
    out.mkdir(parents=True, exist_ok=True)
    # Every article is read in full for missed conflicts, so each weighs its pairs and some reading.
    packets: list[list] = [[] for _ in range(parts)]
    loads = [0] * parts
    for report, pairs in sorted(work, key=lambda item: -len(item[1])):
        lightest = loads.index(min(loads))
        packets[lightest].append((report, pairs))
        loads[lightest] += len(pairs) + 5
    for number, packet in enumerate(packets):
        lines = []
        for report, pairs in packet:
            name = article_name(report)
            lines += [f"## ARTICLE {name}", f"file: {Path(report['article']).resolve()}", ""]
            for relation, first, second in pairs:
                lines.append(f"### PAIR {name}|{relation['first']}|{relation['second']}")
                for tag, claim in (("A", first), ("B", second)):
                    source = claim.source
                    cue = claim.cue.text if claim.cue else None
                    lines.append(f'- {tag} [{source.name} ({source.role or source.kind}); cue: {cue}]: "{claim.text}"')
                lines.append("")
        (out / f"packet_{number}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"packet_{number}.md: {len(packet)} articles, {sum(len(pairs) for _, pairs in packet)} pairs")


def judged_claim(claim: Claim) -> JudgedClaim:
    return JudgedClaim(claim.start, claim.end, claim.text, claim.source.name)


def quoted_claim(text: str, quote: str, source: str) -> JudgedClaim | None:
    """The quote's place in the article (whitespace and quotation marks compared loosely); None if absent."""
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    pattern = re.sub(r"(?:\\?[\"“”])", '["“”]', pattern)
    pattern = re.sub(r"(?:\\?['‘’])", "['‘’]", pattern)
    found = re.search(pattern, text)
    return JudgedClaim(found.start(), found.end(), found.group(), source) if found else None


def merge(reports_path: Path, answers: list[Path], reader: str, judged_path: Path) -> None:
    reports = {article_name(report): report for report in report_lines(reports_path)}
    claims = {
        name: {row["id"]: Claim.from_jsonable(row) for row in report["claims"]} for name, report in reports.items()
    }
    existing = load_judged_pairs(judged_path) if judged_path.exists() else []
    added: list[JudgedPair] = []
    for answer_path in answers:
        for line in answer_path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            answer = json.loads(line)
            if answer.get("missed"):
                name = answer["article"]
                text = Path(reports[name]["article"]).read_text(encoding="utf-8")
                first = quoted_claim(text, answer["first_quote"], answer["first_source"])
                second = quoted_claim(text, answer["second_quote"], answer["second_source"])
                if first is None or second is None:
                    print(f"not found in {name}, left out: {answer['first_quote']!r} / {answer['second_quote']!r}")
                    continue
                pair = JudgedPair(name, first, second, "contradiction", answer["reason"], reader, "reading")
            else:
                name, first_id, second_id = answer["pair"].split("|")
                first, second = claims[name][first_id], claims[name][second_id]
                pair = JudgedPair(
                    name, judged_claim(first), judged_claim(second), answer["truth"], answer["reason"], reader, "report"
                )
            known = [other for other in existing + added if other.article == pair.article]
            if any(
                {(other.first.start, other.first.end), (other.second.start, other.second.end)}
                == {(pair.first.start, pair.first.end), (pair.second.start, pair.second.end)}
                for other in known
            ):
                continue  # judged already (a missed conflict two readers both found)
            added.append(pair)
    with judged_path.open("a", encoding="utf-8") as output:
        for pair in added:
            output.write(json.dumps(judged_pair_record(pair), ensure_ascii=False) + "\n")
    print(f"{len(added)} judged pairs added to {judged_path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    packets = commands.add_parser("packets")
    packets.add_argument("reports", type=Path)
    packets.add_argument("--judged", type=Path)
    packets.add_argument("--out", type=Path, required=True)
    packets.add_argument("--parts", type=int, default=4)
    packets.add_argument("--near", type=float, default=0.5)
    merged = commands.add_parser("merge")
    merged.add_argument("reports", type=Path)
    merged.add_argument("answers", type=Path, nargs="+")
    merged.add_argument("--reader", required=True)
    merged.add_argument("--judged", type=Path, required=True)
    arguments = parser.parse_args()
    if arguments.command == "packets":
        write_packets(arguments.reports, arguments.judged, arguments.out, arguments.parts, arguments.near)
    else:
        merge(arguments.reports, arguments.answers, arguments.reader, arguments.judged)


if __name__ == "__main__":
    main()
