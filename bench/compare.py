#!/usr/bin/env python3
"""Compare two long CSV tables (SPEC 8) cell by cell (Python standard library only).

Usage: compare.py GOT.csv EXPECTED.csv [--rtol R] [--atol A] [--mc] [--quiet]

The headers must be equal and the rows must come in the same order with the same
kind, code, name and period.  A numeric cell passes if |got - exp| <= atol + rtol*|exp|
(defaults 1e-9 and 1e-9).  With --mc the Monte Carlo columns are compared statistically,
because two generators cannot give the same draws: `mean` within 1% and every pX column
within 2% (relative, with the same atol); the deterministic columns keep rtol.
Prints the largest relative difference per column; exit status 0 if all cells pass,
1 if some fail, 2 on a usage or format error.
"""

import argparse
import csv
import re
import sys

KEYS = ("kind", "code", "name", "period")
QUANTILE_COL = re.compile(r"^p[0-9.]+$")


def tolerance(col, rtol, mc):
    if mc and col == "mean":
        return 0.01
    if mc and QUANTILE_COL.match(col):
        return 0.02
    return rtol


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("got")
    ap.add_argument("expected")
    ap.add_argument("--rtol", type=float, default=1e-9)
    ap.add_argument("--atol", type=float, default=1e-9)
    ap.add_argument("--mc", action="store_true")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)

    with open(a.got, newline="", encoding="utf-8") as fg, \
            open(a.expected, newline="", encoding="utf-8") as fe:
        rg, re_ = csv.reader(fg), csv.reader(fe)
        hg, he = next(rg), next(re_)
        if hg != he:
            print(f"compare: headers differ:\n  got      {hg}\n  expected {he}")
            return 1
        if tuple(hg[:4]) != KEYS:
            print(f"compare: not a long table: {hg}")
            return 2
        cols = hg[4:]
        tols = [tolerance(c, a.rtol, a.mc) for c in cols]
        worst = [0.0] * len(cols)
        where = [""] * len(cols)
        fails = 0
        rows = 0
        for line, (g, e) in enumerate(zip(rg, re_), start=2):
            rows += 1
            if g[:4] != e[:4]:
                print(f"compare: line {line}: row {g[:4]} where {e[:4]} was expected")
                return 1
            for k, (x, y) in enumerate(zip(g[4:], e[4:])):
                if x == "" or y == "":  # an empty cell (the first row's energy) on both sides
                    if x != y:
                        fails += 1
                        print(f"compare: line {line} {e[1]} {e[3]} {cols[k]}: got {x!r}, expected {y!r}")
                    continue
                gx, ey = float(x), float(y)
                diff = abs(gx - ey)
                rel = diff / abs(ey) if ey != 0 else (0.0 if diff == 0 else float("inf"))
                if rel > worst[k]:
                    worst[k], where[k] = rel, f"{e[1]} {e[3]}"
                if diff > a.atol + tols[k] * abs(ey):
                    fails += 1
                    if fails <= 10:
                        print(f"compare: line {line} {e[1]} {e[3]} {cols[k]}: got {x}, expected {y}")
        extra_g, extra_e = next(rg, None), next(re_, None)
        if extra_g is not None or extra_e is not None:
            print("compare: the tables have different numbers of rows")
            return 1
    if not a.quiet or fails:
        for k, c in enumerate(cols):
            print(f"  {c:12s} max rel diff {worst[k]:.3g} (tolerance {tols[k]:g}) at {where[k]}")
    print(f"compare: {rows} rows x {len(cols)} numeric columns: "
          + ("all cells agree" if fails == 0 else f"{fails} cells differ"))
    return 0 if fails == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
