"""``python -m bench``: the benchmarks of docs/benchmarks.md (not part of ``make test``).

    python -m bench generate N DIR            # a synthetic corpus of N documents
    python -m bench build --sizes 10,100,1000 # build stages, time and peak memory per size
    python -m bench endpoint --size 100       # loopback load test: ours, oxigraph, rdflib
    python -m bench engines --size 100        # SHACL and N-Quads: hand-written vs libraries
    python -m bench slow-clients              # 200 trickling connections, 20 s, beside look-ups
    python -m bench incremental --size 1000   # add a page, edit a mapping, remove a page
    python -m bench                           # build at 10,100,1000, then endpoint at 100
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

WORK = Path("bench-work")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    sub = parser.add_subparsers(dest="command")
    g = sub.add_parser("generate", help="write a synthetic corpus")
    g.add_argument("n", type=int)
    g.add_argument("dir", type=Path)
    g.add_argument("--seed", type=int, default=1)
    b = sub.add_parser("build", help="build benchmark")
    b.add_argument("--sizes", default="10,100,1000")
    b.add_argument("--reasoners", default="reasonable,owlrl")
    b.add_argument("--timeout", type=float, default=3600)
    b.add_argument("--skip-validate", action="store_true")
    one = sub.add_parser("build-one", help="(internal) build one corpus, print JSON")
    one.add_argument("root", type=Path)
    one.add_argument("--reasoners", default="reasonable")
    one.add_argument("--skip-validate", action="store_true")
    e = sub.add_parser("endpoint", help="endpoint load test on loopback")
    e.add_argument("--size", type=int, default=100)
    e.add_argument("--clients", default="1,8,32")
    e.add_argument("--seconds", type=int, default=10)
    e.add_argument("--servers", default="ours,oxigraph,rdflib")
    en = sub.add_parser("engines", help="hand-written SHACL/N-Quads code against libraries")
    en.add_argument("--size", type=int, default=100)
    en.add_argument("--reps", type=int, default=3)
    sc = sub.add_parser("slow-clients", help="trickling connections beside normal requests")
    sc.add_argument("--connections", type=int, default=200)
    sc.add_argument("--seconds", type=float, default=20)
    inc = sub.add_parser("incremental", help="incremental builds after small changes")
    inc.add_argument("--size", type=int, default=1000)
    inc.add_argument("--check", action="store_true",
                     help="compare the last store with a full build's, quad for quad")
    args = parser.parse_args(argv)
    WORK.mkdir(exist_ok=True)

    if args.command == "generate":
        from bench.corpus import generate

        generate(args.dir, args.n, args.seed)
    elif args.command == "build-one":
        from bench.build import run_one

        print(json.dumps(run_one(args.root, args.reasoners.split(","), args.skip_validate)))
    elif args.command == "build":
        from bench.build import bench_build

        bench_build([int(s) for s in args.sizes.split(",")], args.reasoners.split(","), WORK,
                    WORK / "build.jsonl", args.timeout, args.skip_validate)
    elif args.command == "endpoint":
        from bench.endpoint import bench_endpoint

        bench_endpoint(args.size, [int(c) for c in args.clients.split(",")], args.seconds,
                       args.servers.split(","), WORK)
    elif args.command == "slow-clients":
        from bench.slow_clients import bench_slow_clients

        bench_slow_clients(args.connections, args.seconds, WORK)
    elif args.command == "incremental":
        from bench.incremental import bench_incremental

        bench_incremental(args.size, WORK, args.check)
    elif args.command == "engines":
        from bench.engines import bench_engines

        bench_engines(args.size, WORK, args.reps)
    else:
        from bench.build import bench_build
        from bench.endpoint import bench_endpoint

        bench_build([10, 100, 1000], ["reasonable"], WORK, WORK / "build.jsonl", 3600)
        bench_endpoint(100, [1, 8, 32], 10, ["ours", "oxigraph", "rdflib"], WORK)


if __name__ == "__main__":
    main()
