#!/usr/bin/python3
"""Independent numpy reference for `dcproj sweep` of one number (issue 22 benchmark).

  sweep_ref.py SCENARIO --vary PATH=A:B:STEP [--frozen] [--scope S] [-o OUT.csv] [-q]
  sweep_ref.py --check GOT.csv EXPECTED.csv [--rtol R]

The model is bench/reference/msft_check.py's (written from the SPEC, not from dcproj's
code); this script evaluates it for every grid value at once: capacities as a (points ×
periods) array per country, the varied number (a country's `baseline` or an event's `add`)
as a vector.  Variables: solved once on the scenario as written (`--frozen`, or a frozen
what-if: its parent's solution), else solved again for every point (msft_check.solve, a
Python loop; slow, so the benchmark gives it fewer points).  Writes dcproj sweep's CSV
(PATH,period,capacity) with SPEC §8 numbers.  --check compares two such files: the same
rows and varied values, capacities within rtol.  Capacity only (no power columns).
"""
import argparse
import copy
import csv
import os
import sys
from decimal import Decimal

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import msft_check as mc  # noqa: E402


def grid(spec):
    a, b, s = (Decimal(x) for x in spec.split(":"))
    n = int((b - a) / s)
    return [a + i * s for i in range(n + 1)]


def events_list(doc):
    """(path prefix, event) in order; events by id or as an array (SPEC §3.5)."""
    ev = doc.get("events") or []
    if isinstance(ev, dict):
        return [(f"events.{k}", v) for k, v in ev.items() if v is not None]
    return [(f"events[{i}]", v) for i, v in enumerate(ev)]


def scope_series(doc, V, ends, path, xs, scope):
    """The scope's capacity, a (points × periods) array, with the number at `path` = xs."""
    base = doc["baseline_year"]
    P = len(xs)
    evs = events_list(doc)
    total = np.zeros((P, len(ends)))
    groups = mc.groups_of(doc)
    members = (list(doc["countries"]) if scope == "TOTAL"
               else [scope] if scope in doc["countries"] else groups[scope])
    for code in members:
        c = doc["countries"][code]
        g = mc.effective_growth(doc, c)
        c0 = xs if path == f"countries.{code}.baseline" else np.full(P, mc.param(c["baseline"], V))
        cap = np.empty((P, len(ends)))
        for j, e in enumerate(ends):
            v = np.asarray(mc.growth_value(g, c0.copy(), e / 12.0, base, V), float)
            for prefix, ev in evs:
                if ev["country"] != code:
                    continue
                unit = mc.event_value(dict(ev, add=1.0), e, base, V)
                add = xs if path == prefix + ".add" else mc.param(ev["add"], V)
                v = v + unit * add
            cap[:, j] = np.maximum(0.0, v)
        total += cap
    return total


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", nargs="?")
    ap.add_argument("--vary")
    ap.add_argument("--frozen", action="store_true")
    ap.add_argument("--scope", default="TOTAL")
    ap.add_argument("-o", "--output")
    ap.add_argument("-q", action="store_true")
    ap.add_argument("--check", nargs=2)
    ap.add_argument("--rtol", type=float, default=1e-9)
    a = ap.parse_args(argv)
    if a.check:
        return check(*a.check, a.rtol)
    path, spec = a.vary.split("=", 1)
    values = grid(spec)
    xs = np.array([float(v) for v in values])
    doc, parent = mc.resolve(a.scenario)
    frozen_child = doc.get("calibration") == "frozen" and parent is not None
    rows = mc.periods(doc["baseline_year"], doc["horizon"], doc.get("step", "year"))
    ends = [e for _, e in rows]
    if frozen_child or a.frozen:
        V = mc.frozen_variables(parent, "newton") if frozen_child else mc.solve(_listed(doc))
        out = scope_series(doc, V, ends, path, xs, a.scope)
    else:
        out = np.empty((len(xs), len(ends)))
        for i, v in enumerate(values):
            d = _listed(mc.set_path(copy.deepcopy(doc), f"{path}={v}"))
            V = mc.solve(d)
            out[i] = scope_series(d, V, ends, path, xs[i:i + 1], a.scope)[0]
    f = open(a.output, "w", newline="") if a.output else sys.stdout
    f.write(f"{path},period,capacity\n")
    labels = [r[0] for r in rows]
    for i, v in enumerate(values):
        vt = mc.num(float(v))
        f.write("".join(f"{vt},{labels[j]},{mc.num(out[i, j])}\n" for j in range(len(ends))))
    if a.output:
        f.close()
    return 0


def _listed(doc):
    """msft_check's calibration reads `events` as an array: give it one."""
    d = dict(doc)
    d["events"] = [ev for _, ev in events_list(doc)]
    return d


def check(got, expected, rtol):
    with open(got) as f1, open(expected) as f2:
        r1, r2 = list(csv.reader(f1)), list(csv.reader(f2))
    if len(r1) != len(r2) or r1[0] != r2[0]:
        print(f"   {got}: {len(r1)} rows, {expected}: {len(r2)} rows, headers {r1[0]} / {r2[0]}")
        return 1
    worst = 0.0
    for x, y in zip(r1[1:], r2[1:]):
        if x[:2] != y[:2]:
            print(f"   row {x} against {y}")
            return 1
        u, v = float(x[2]), float(y[2])
        d = abs(u - v) / max(1.0, abs(v))
        worst = max(worst, d)
    print(f"   {len(r1) - 1} rows, largest relative difference {worst:.2g}")
    return 0 if worst <= rtol else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
