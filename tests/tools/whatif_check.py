#!/usr/bin/env python3
"""whatif_check.py DCPROJ SOURCE_ROOT: what-ifs that say only what changes
(issue 16; SPEC v2 §3.5, §6, §7 sweep).  Standard library only.

1. Sweep over a pledge ratio: `sweep --vary 'targets[0].ratio=1.8:2.4:0.1'`
   on the shipped Microsoft scenario matches `run --set targets[0].ratio=v`
   at every point, cell for cell; independently, the solved TOTAL ratio
   2027/2023 equals the swept ratio and 2027/2025 stays 1.4 (the second
   target); the grid is the exact decimals 1.8, 1.9, ..., 2.4 (Decimal).
2. Exact-decimal grids (SPEC §7): the values printed for several A:B:STEP
   specs are the decimals Python's Decimal gives for a + i*s.
3. --keep-going: failing points give rows with empty metric cells and an
   `error` cell, the rest is the plain run's numbers, exit 0; shards
   concatenate to the whole with the column in every shard.
4. The shipped what-ifs written by id give the numbers of the same what-ifs
   written in full (their v1 array form, rebuilt here by restating the
   parent's events), cell for cell within 1e-12.
Exit 0 when all hold, 1 otherwise."""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
from decimal import Decimal

EXE, ROOT = sys.argv[1], sys.argv[2]
FAILURES = []


def expect(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL: " + what, file=sys.stderr)


def dc(*args, rc=0):
    p = subprocess.run([EXE] + list(args), capture_output=True, timeout=300)
    if rc is not None and p.returncode != rc:
        expect(False, f"dcproj {' '.join(args)}: exit {p.returncode}, wanted {rc}: "
                      f"{p.stderr.decode()[:300]}")
    return p.stdout.decode(), p.stderr.decode()


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def close(a, b, rel=1e-12):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


MS = os.path.join(ROOT, "scenarios", "microsoft-europe-2025.json")


def grid(a, b, s):
    """SPEC §7's points for A:B:STEP as Decimals (independent of dcproj)."""
    A, B, S = Decimal(a), Decimal(b), Decimal(s)
    n = int((B - A) // S)
    return [A + i * S for i in range(n + 1)]


def total_by_period(text):
    return {r["period"]: float(r["capacity"]) for r in rows(text) if r["code"] == "TOTAL"}


# 1. the pledge ratio sweep
out, _ = dc("sweep", MS, "--vary", "targets[0].ratio=1.8:2.4:0.1")
swept = rows(out)
expect(list(swept[0].keys()) == ["targets[0].ratio", "period", "capacity"] if swept else False,
       "ratio sweep header names the path as written")
want = [str(v.normalize()) for v in grid("1.8", "2.4", "0.1")]
got = []
for r in swept:
    if r["targets[0].ratio"] not in got:
        got.append(r["targets[0].ratio"])
expect(got == want, f"ratio grid {got} != {want}")
for v in got:
    pts = {r["period"]: float(r["capacity"]) for r in swept if r["targets[0].ratio"] == v}
    ran, _ = dc("run", MS, "--set", f"targets[0].ratio={v}")
    tot = total_by_period(ran)
    expect(set(pts) == set(tot), f"ratio {v}: periods differ from run --set")
    for per, x in pts.items():
        expect(x == tot.get(per), f"ratio {v} {per}: sweep {x} != run --set {tot.get(per)}")
    # independently: the solution meets both targets
    expect(close(pts["2027"] / pts["2023"], float(v), 1e-10),
           f"ratio {v}: TOTAL 2027/2023 = {pts['2027'] / pts['2023']}")
    expect(close(pts["2027"] / pts["2025"], 1.4, 1e-10),
           f"ratio {v}: TOTAL 2027/2025 = {pts['2027'] / pts['2025']}")

# 2. exact decimal grids
with tempfile.TemporaryDirectory() as tmp:
    flat = os.path.join(tmp, "flat.json")
    with open(flat, "w") as f:
        json.dump({"dcproj": 1, "name": "flat", "baseline_year": 2023, "horizon": 2024,
                   "countries": {"IE": {"baseline": 1000,
                                        "growth": {"model": "linear", "per_year": 0}}}}, f)
    for spec in ["0.1:0.3:0.05", "1e-1:3.5e-1:5e-2", "-0.3:0.3:0.1", "0:1:0.1", "2:2.95:0.3",
                 "1.80:2.4:0.1", "0.7:0.7:0.01", "10:100:1.5e1"]:
        a, b, s = spec.split(":")
        path = "countries.IE.growth.per_year"
        out, _ = dc("sweep", flat, "--vary", f"{path}={spec}", "--at", "2024")
        vals = [r[path] for r in rows(out)]
        exp = [repr(float(v)) for v in grid(a, b, s)]
        # Python's repr is the shortest round trip; dcproj prints %.15g when
        # that reads back: for these short decimals both are the decimal
        exp = [e[:-2] if e.endswith(".0") else e for e in exp]
        exp = ["0" if e == "-0" else e for e in exp]
        expect(vals == exp, f"grid {spec}: {vals} != {exp}")
        caps = [float(r["capacity"]) for r in rows(out)]
        # C0 + a*t at t = 1: 1000 + v in binary, as Python computes it
        expect(caps == [1000.0 + float(v) for v in grid(a, b, s)],
               f"grid {spec}: values applied {caps}")

    # 3. --keep-going
    args = ["sweep", flat, "--vary", "countries.IE.baseline=-2000:2000:1000", "--keep-going"]
    out, err = dc(*args)
    rs = rows(out)
    expect(list(rs[0].keys())[-1] == "error" if rs else False, "keep-going: last column error")
    expect(len(rs) == 5 * 2, f"keep-going: {len(rs)} rows, wanted 10 (5 points x 2 periods)")
    for r in rs:
        b = float(r["countries.IE.baseline"])
        if b < 0:
            expect(r["capacity"] == "" and r["error"].startswith("countries.IE.baseline: "),
                   f"keep-going: failed point row {r}")
        else:
            expect(r["error"] == "" and float(r["capacity"]) == b, f"keep-going: good row {r}")
        if b == -1000 and r["period"] == "2024":
            expect(r["error"].startswith("countries.IE.baseline: ") and "dcproj" not in r["error"]
                   and r["error"].endswith("(from --set countries.IE.baseline=-1000)"),
                   f"keep-going: the error cell is the message without dcproj: FILE: {r}")
    whole = out
    parts = [dc(*args, "--shard", f"{k}/3")[0] for k in (1, 2, 3)]
    expect(all(p.splitlines()[0].endswith(",error") for p in parts), "every shard has error")
    joined = parts[0] + "".join(p.split("\n", 1)[1] for p in parts[1:])
    expect(joined == whole, "keep-going shards concatenate to the whole")
    # an invalid horizon: one row with an empty period
    out, _ = dc("sweep", flat, "--vary", "horizon=2020,2024", "--keep-going")
    rs = rows(out)
    expect([r["period"] for r in rs] == ["", "2023", "2024"] and rs[0]["error"].startswith("horizon: "),
           f"keep-going with a bad horizon: {rs}")
    # without --keep-going the first failed point stops the sweep (65)
    dc("sweep", flat, "--vary", "countries.IE.baseline=-2000:2000:1000", rc=65)
    # a failing base load still aborts
    dc("sweep", flat, "--set", "countries.IE.baseline=-1", "--vary", "horizon=2024,2025",
       "--keep-going", rc=65)

    # 4. what-ifs by id == the same what-ifs written in full (v1 arrays)
    with open(MS) as f:
        parent = json.load(f)
    pev = parent["events"]
    assert isinstance(pev, dict), "the shipped scenario writes events by id"
    for name in ["slower-permitting", "ai-surge", "uncertain"]:
        src = os.path.join(ROOT, "scenarios", "what-if", name + ".json")
        with open(src) as f:
            child = json.load(f)
        merged = {k: v for k, v in pev.items() if not k.startswith(("_", "$"))}
        for k, v in child.get("events", {}).items():
            if k.startswith(("_", "$")):
                continue
            if v is None:
                merged.pop(k, None)
            elif k in merged:
                merged[k] = {**merged[k], **v}
                merged[k] = {a: b for a, b in merged[k].items() if b is not None}
            else:
                merged[k] = v
        fullp = dict(parent)
        fullp["events"] = [dict(v) for v in pev.values() if isinstance(v, dict)]
        fullc = dict(child)
        fullc["extends"] = "parent-full.json"
        fullc["events"] = list(merged.values())
        with open(os.path.join(tmp, "parent-full.json"), "w") as f:
            json.dump(fullp, f)
        with open(os.path.join(tmp, name + "-full.json"), "w") as f:
            json.dump(fullc, f)
        a, _ = dc("run", src, "--draws", "200")
        b, _ = dc("run", os.path.join(tmp, name + "-full.json"), "--draws", "200")
        ra, rb = rows(a), rows(b)
        expect(len(ra) == len(rb) and len(ra) > 0, f"{name}: {len(ra)} vs {len(rb)} rows")
        for x, y in zip(ra, rb):
            for col in x:
                if x[col] == y[col]:
                    continue
                try:
                    ok = close(float(x[col]), float(y[col]))
                except ValueError:
                    ok = False
                expect(ok, f"{name}: {x['code']} {x['period']} {col}: by id {x[col]}, "
                           f"in full {y[col]}")

print(f"whatif_check: {len(FAILURES)} failure(s)")
sys.exit(1 if FAILURES else 0)
