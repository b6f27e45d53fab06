"""How a change to source resolution changes the sources verify names on real news (PolNeAR texts).

`list` writes, for each article, every claim's start, text, source mention, canonical name and role as one JSON
line; run it from two checkouts (before and after a change) on the same articles. `compare` counts the claims
whose name or role changed, sorts the changes into kinds (a short name that became a full name, a short form
that became an organisation's full name, a definite description that became a named source, ...) and prints
a random sample of each (seed 1) to read. Prints JSON (--out FILE also writes it).

A one-off study (issue 24's source resolution); its results: docs/results/source-names-polnear.json and
docs/results/source-names-polnear-sample.json (docs/results.md).

    .venv/bin/python scripts/studies/source_names.py list ../shared/data/attribution/polnear/dev/text --out BEFORE.jsonl
    .venv/bin/python scripts/studies/source_names.py compare BEFORE.jsonl AFTER.jsonl [--examples 15] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path

from verify.pipeline import Verifier


def list_sources(folders: list[Path], limit: int | None, out: Path) -> None:
    verifier = Verifier("verify-nli-minilm-l6")  # the claims do not depend on the NLI model
    with out.open("w", encoding="utf-8") as lines:
        for folder in folders:
            for path in sorted(folder.glob("*.txt"))[:limit]:
                claims = verifier.claims(path.read_text(encoding="utf-8"))
                rows = [[c.start, c.text, c.source.mention, c.source.name, c.source.role] for c in claims]
                lines.write(json.dumps({"article": path.name, "claims": rows}) + "\n")


def kind_of_change(mention: str, before: str, after: str) -> str:
    if before == after:
        return "role only"
    if after.endswith(" " + before):
        return "short name -> full name"
    if after.startswith(before + " "):
        return "short form -> organisation"
    if mention.lower().startswith("the "):
        return "definite description -> named source"
    if before in after:
        return "name widened"
    return "other"


def compare(before_file: Path, after_file: Path, examples: int) -> dict:
    before = [json.loads(line) for line in before_file.open(encoding="utf-8")]
    after = [json.loads(line) for line in after_file.open(encoding="utf-8")]
    claims = 0
    changes: list[dict] = []
    for old, new in zip(before, after, strict=True):
        if old["article"] != new["article"] or [c[0] for c in old["claims"]] != [c[0] for c in new["claims"]]:
            raise SystemExit(f"{old['article']}: the two runs segmented differently; compare source runs only")
        for (_, text, mention, name, role), (_, _, _, new_name, new_role) in zip(old["claims"], new["claims"]):
            claims += 1
            if (name, role) != (new_name, new_role):
                changes.append(
                    {
                        "kind": kind_of_change(mention, name, new_name),
                        "article": new["article"],
                        "mention": mention,
                        "before": [name, role],
                        "after": [new_name, new_role],
                        "claim": text[:100],
                    }
                )
    kinds = Counter(change["kind"] for change in changes)
    rng = random.Random(1)
    sample = {}
    for kind in kinds:
        of_kind = [change for change in changes if change["kind"] == kind]
        rng.shuffle(of_kind)
        sample[kind] = of_kind[:examples]
    return {
        "articles": len(before),
        "claims": claims,
        "changed": len(changes),
        "changed_share": round(len(changes) / claims, 4) if claims else 0.0,
        "kinds": dict(kinds.most_common()),
        "examples": sample,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list")
    listing.add_argument("folders", type=Path, nargs="+")
    listing.add_argument("--limit", type=int, default=None, help="the first N articles of each folder")
    listing.add_argument("--out", type=Path, required=True)
    comparing = commands.add_parser("compare")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    comparing.add_argument("--examples", type=int, default=15)
    comparing.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.command == "list":
        list_sources(args.folders, args.limit, args.out)
        return
    result = json.dumps(compare(args.before, args.after, args.examples), indent=2, ensure_ascii=False)
    print(result)
    if args.out is not None:
        args.out.write_text(result + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
