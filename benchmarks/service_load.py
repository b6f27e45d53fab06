"""`verify serve` under load: REQUESTS report requests from CLIENTS concurrent clients on loopback, each a short
article of its own (`news`), against the service batching concurrent requests (verify.service.MAX_BATCH) and
against it serving them one at a time (max_batch 1), in the same run. Prints JSON: per service the median and
p95 latency of a request (sent to answer read, over all rounds), the total seconds of each round, and how many
were answered 200 with the report on their own article; with the machine and its CPU model.
tests/test_service.py sends the same load.

Both services run side by side, each in a process of its own (the clients' threads would otherwise share its
interpreter lock) on a free loopback port; one request warms each up. The rounds alternate between them, so
that a neighbour's load on a shared machine falls on both alike.

    python benchmarks/service_load.py [--model DIR] [--requests 50] [--clients 10] [--rounds 3] [--out FILE]
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from benchmark_output import emit, machine

from verify.service import MAX_BATCH, create_app

ROOT = Path(__file__).resolve().parents[1]
REQUESTS = 50
CLIENTS = 10
# A name of its own for each of REQUESTS articles.
CHIEFS = [
    f"{first} {last}"
    for last in ("Kowalski", "de Vries", "Novak", "Berg", "Rossi", "Jansen", "Horvat", "Lindqvist", "Moreau", "Silva")
    for first in ("Anna", "Jonas", "Maria", "Pieter", "Lena")
]
Address = tuple[str, int]


def news(index: int) -> str:
    """A short wire story of its own: a fire chief and figures that no other index below REQUESTS has, in every
    sentence, so that a report on another article cannot pass for its own."""
    chief, homes = CHIEFS[index], homes_lost(index)
    return (
        f"Firefighters in Millbrook said on Tuesday that {homes} homes had been destroyed by the fire. "
        f'"We have never lost {homes} houses in one night," said fire chief {chief}. '
        f"{chief} said {homes + 3} families were sleeping in the town's school.\n"
    )


def homes_lost(index: int) -> int:
    return 120 + 7 * index


def is_report_on(report: dict, article: str, homes: int) -> bool:
    """Whether `report` is the one on `article`: every claim's text is the article's, and one holds the figure
    of `homes` lost that is the article's own."""
    claims = [claim["text"] for claim in report["claims"]]
    return all(claim in article for claim in claims) and any(f"{homes} homes" in claim for claim in claims)


def ask(address: Address, article: str) -> tuple[int, bytes, float]:
    """The status and body of a report request for `article`, and its seconds from sending to the answer read."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(*address, timeout=600)
    try:
        connection.request("POST", "/report", body=article.encode(), headers={"Content-Type": "text/plain"})
        response = connection.getresponse()
        return response.status, response.read(), time.perf_counter() - started
    finally:
        connection.close()


@contextmanager
def service(model: str, max_batch: int) -> Iterator[Address]:
    """The service on a free loopback port, in a process of its own, until the block ends."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = probe.getsockname()
    command = [sys.executable, __file__, "--serve", str(address[1]), "--model", model, "--max-batch", str(max_batch)]
    process = subprocess.Popen(command, cwd=ROOT)
    try:
        while not healthy(address):  # the models load first
            if process.poll() is not None:
                raise SystemExit(f"the service stopped while starting (exit status {process.returncode})")
            time.sleep(0.5)
        yield address
    finally:
        process.terminate()
        process.wait()


def healthy(address: Address) -> bool:
    connection = http.client.HTTPConnection(*address, timeout=5)
    try:
        connection.request("GET", "/health")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def one_round(address: Address, requests: int, clients: int) -> tuple[list[tuple[int, bytes, float]], float]:
    """Each request's status, body and seconds, in request order, and the round's seconds."""
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        answers = list(pool.map(lambda index: ask(address, news(index)), range(requests)))
    return answers, time.perf_counter() - started


def summary(rounds: list[tuple[list[tuple[int, bytes, float]], float]]) -> dict:
    latencies = [seconds for answers, _ in rounds for _, _, seconds in answers]
    return {
        "latency_median_s": round(statistics.median(latencies), 3),
        "latency_p95_s": round(statistics.quantiles(latencies, n=20)[-1], 3),
        "total_s": [round(total, 3) for _, total in rounds],
        "answered": [sum(status == 200 for status, _, _ in answers) for answers, _ in rounds],
        "answered_with_own_report": [
            sum(
                status == 200 and is_report_on(json.loads(body), news(index), homes_lost(index))
                for index, (status, body, _) in enumerate(answers)
            )
            for answers, _ in rounds
        ],
    }


def cpu_model() -> str:
    """The CPU's model name, as /proc/cpuinfo has it (its flags: `machine()`)."""
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        return next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "unknown")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="models/verify-nli-minilm-l6")
    parser.add_argument("--requests", type=int, default=REQUESTS, choices=range(1, REQUESTS + 1), metavar="N")
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # a child: serve on this port
    parser.add_argument("--max-batch", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        app = create_app(args.model, max_batch=args.max_batch)
        uvicorn.run(app, host="127.0.0.1", port=args.serve, log_level="warning")
        return
    max_batches = {"batched": MAX_BATCH, "one_at_a_time": 1}
    rounds: dict[str, list] = {name: [] for name in max_batches}
    with service(args.model, MAX_BATCH) as batched, service(args.model, 1) as one_at_a_time:
        addresses = {"batched": batched, "one_at_a_time": one_at_a_time}
        for address in addresses.values():
            ask(address, news(0))  # the first report warms the caches
        for round_number in range(args.rounds):
            for name, address in addresses.items():
                rounds[name].append(one_round(address, args.requests, args.clients))
                print(f"round {round_number + 1}, {name}: {rounds[name][-1][1]:.2f} s", file=sys.stderr)
    emit(
        {
            "model": args.model,
            "requests": args.requests,
            "clients": args.clients,
            "rounds": args.rounds,
            "machine": {"cpu_model": cpu_model(), **machine()},
            "services": {name: {"max_batch": max_batches[name], **summary(rounds[name])} for name in max_batches},
        },
        args.out,
    )


if __name__ == "__main__":
    main()
