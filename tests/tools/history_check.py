#!/usr/bin/env python3
"""history_check.py DCPROJ — `--history` (SPEC §3.9) through the CLI,
against values computed here: the fitted curve (scipy) and a points curve
(by hand) in the history rows, empty cells for models without a curve
before B and before a points curve's first knot, the `observed` column
(B's observation on the first projection row), aggregates that hold a sum
only when every member has a value, the step's year-end labels, JSON,
check and diff, and the usage error with the wide and IAMC layouts.
Skips (77) without numpy, scipy or pandas."""
import io
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import pandas as pd
    from scipy.optimize import curve_fit
except ImportError:
    print("history_check: SKIP: needs numpy, scipy and pandas")
    sys.exit(77)

failures = []


def check(name, ok, detail):
    if not ok:
        failures.append("%s: %s" % (name, detail))


DOC = {
    "dcproj": 1, "name": "h", "baseline_year": 2023, "horizon": 2025,
    "countries": {
        "A": {"growth": {"model": "fit", "curve": "compound"}, "groups": ["G"],
              "history": {"2019": 10, "2021": 14, "2023": 21}},
        "P": {"growth": {"model": "points", "points": {"2020": 10, "2023": 16}, "extrapolate": "flat"},
              "groups": ["G"], "history": {"2018": 5, "2023": 15}},
        "K": {"baseline": 100, "growth": {"model": "compound", "rate": 0.1}},
    },
}


def run(exe, doc, *args):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "s.json")
        with open(path, "w") as fh:
            json.dump(doc, fh)
        p = subprocess.run([exe, *args[:1], path, *args[1:]], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def cell(df, code, period, col):
    v = df[(df["code"] == code) & (df["period"] == period)][col]
    return None if len(v) != 1 else v.iloc[0]


def main():
    exe = sys.argv[1]
    rc, out, err = run(exe, DOC, "run", "--history")
    check("run", rc == 0, "exit %d %s" % (rc, err))
    df = pd.read_csv(io.StringIO(out), dtype={"period": str}, float_precision="round_trip")
    check("run", list(df.columns) == ["kind", "code", "name", "period", "capacity", "observed"],
          "columns %r" % list(df.columns))
    periods = [str(y) for y in range(2018, 2026)]
    for code in ("A", "P", "K", "G", "TOTAL"):
        check("run", list(df[df["code"] == code]["period"]) == periods, "%s periods" % code)
    # A: the fitted compound curve (scipy) before B
    t = np.array([-4.0, -2.0, 0.0])
    p, _ = curve_fit(lambda t, c0, r: c0 * (1 + r) ** t, t, np.array([10, 14, 21.0]), p0=[20, 0.2],
                     xtol=1e-15, ftol=1e-15, gtol=1e-15)
    curve_a = {y: p[0] * (1 + p[1]) ** (y - 2023) for y in range(2018, 2026)}
    for y in range(2018, 2026):
        got = cell(df, "A", str(y), "capacity")
        check("A", abs(got - curve_a[y]) <= 1e-6 * curve_a[y], "%d: %r, scipy %r" % (y, got, curve_a[y]))
    # P: linear between the knots 2020 (10) and 2023 (16); empty before 2020
    curve_p = {2018: None, 2019: None, 2020: 10.0, 2021: 12.0, 2022: 14.0, 2023: 16.0, 2024: 16.0, 2025: 16.0}
    for y, v in curve_p.items():
        got = cell(df, "P", str(y), "capacity")
        check("P", (v is None and pd.isna(got)) or (v is not None and abs(got - v) <= 1e-12),
              "%d: %r, expected %r" % (y, got, v))
    # K: no curve before B
    for y in range(2018, 2023):
        check("K", pd.isna(cell(df, "K", str(y), "capacity")), "%d capacity should be empty" % y)
    # observed: history values at their year-ends, B's on the first projection row
    obs = {"A": {2019: 10, 2021: 14, 2023: 21}, "P": {2018: 5, 2023: 15}, "K": {}}
    for code, o in obs.items():
        for y in range(2018, 2026):
            got = cell(df, code, str(y), "observed")
            want = o.get(y)
            check("observed", (want is None and pd.isna(got)) or got == want, "%s %d: %r, expected %r" % (code, y, got, want))
    # aggregates: a sum only when every member has a value
    for y in range(2018, 2026):
        a, pp = curve_a[y], curve_p[y]
        g = cell(df, "G", str(y), "capacity")
        want = None if pp is None else a + pp
        check("G", (want is None and pd.isna(g)) or abs(g - want) <= 1e-9 * want, "%d capacity %r, expected %r" % (y, g, want))
        tot = cell(df, "TOTAL", str(y), "capacity")
        want_t = None if (pp is None or y < 2023) else a + pp + 100 * 1.1 ** (y - 2023)
        check("TOTAL", (want_t is None and pd.isna(tot)) or abs(tot - want_t) <= 1e-9 * want_t,
              "%d capacity %r, expected %r" % (y, tot, want_t))
        go = cell(df, "G", str(y), "observed")
        want_go = obs["A"][y] + obs["P"][y] if y in obs["A"] and y in obs["P"] else None
        check("G", (want_go is None and pd.isna(go)) or go == want_go, "%d observed %r, expected %r" % (y, go, want_go))
        check("TOTAL", pd.isna(cell(df, "TOTAL", str(y), "observed")), "%d observed: K has none" % y)
    # the projection rows are those of a run without --history
    rc, plain, _ = run(exe, DOC, "run")
    pl = pd.read_csv(io.StringIO(plain), dtype={"period": str}, float_precision="round_trip")
    proj = df[df["period"].isin(["2023", "2024", "2025"])].reset_index(drop=True)
    check("projection", proj[list(pl.columns)].equals(pl), "projection rows changed by --history")
    # quarterly labels: history rows are the year-end quarter
    rc, out, err = run(exe, DOC, "run", "--history", "--step", "quarter")
    dq = pd.read_csv(io.StringIO(out), dtype={"period": str})
    labels = list(dq[dq["code"] == "A"]["period"])
    check("quarter", labels[:6] == ["2018-Q4", "2019-Q4", "2020-Q4", "2021-Q4", "2022-Q4", "2023-Q4"]
          and labels[6] == "2024-Q1", "labels %r" % labels[:7])
    # JSON: empty cells are null
    rc, out, err = run(exe, DOC, "run", "--history", "--format", "json")
    js = json.loads(out)
    check("json", js["rows"].get("observed", [])[:3] == [None, 10, None],
          "json observed %r" % js["rows"].get("observed", [])[:3])
    check("json", js["rows"]["capacity"][0] is not None and js["periods"][0] == "2018", "json %r" % js["periods"][:2])
    # check and diff take --history; a golden without it differs
    with tempfile.TemporaryDirectory() as d:
        gold = os.path.join(d, "g.csv")
        with open(gold, "w") as fh:
            fh.write(run(exe, DOC, "run", "--history")[1])
        rc, out, err = run(exe, DOC, "check", "--history", "--expect", gold)
        check("check", rc == 0, "check --history against its own table: %d %s" % (rc, out + err))
        rc, out, err = run(exe, DOC, "check", "--expect", gold)
        check("check", rc == 1, "check without --history must differ: %d" % rc)
    # diff compares `observed` like any column (the same file twice)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "s.json")
        with open(path, "w") as fh:
            json.dump(DOC, fh)
        p = subprocess.run([exe, "diff", path, path, "--history", "--metric", "observed"],
                           capture_output=True, text=True)
        dd = pd.read_csv(io.StringIO(p.stdout), dtype={"period": str})
        a19 = dd[(dd["code"] == "A") & (dd["period"] == "2019")].iloc[0]
        a20 = dd[(dd["code"] == "A") & (dd["period"] == "2020")].iloc[0]
        check("diff", p.returncode == 0 and a19["a"] == 10 and a19["delta"] == 0 and pd.isna(a20["a"])
              and pd.isna(a20["delta"]), "diff observed rows %r %r" % (tuple(a19), tuple(a20)))
    # explain --history: each code with observations, year, observed and the model's curve
    rc, out, err = run(exe, DOC, "explain", "--history")
    hist = out.split("\nHistory", 1)[-1]
    import re
    m = re.search(r"^  A:\n(?:.*\n)*?    2019 +(\S+) +(\S+)$", hist, re.M)
    check("explain", rc == 0 and m is not None and float(m.group(1)) == 10
          and abs(float(m.group(2)) - curve_a[2019]) <= 1e-6 * curve_a[2019],
          "explain --history: %d %r" % (rc, hist[:300]))
    check("explain", re.search(r"^  K:", hist, re.M) is None, "K has no observations: %r" % hist[:300])
    # wide and IAMC: usage error
    for layout in ("wide", "iamc"):
        rc, out, err = run(exe, DOC, "run", "--history", "--layout", layout)
        check("usage", rc == 2 and "--history" in err, "--layout %s: %d %s" % (layout, rc, err))
    if failures:
        print("\n".join(failures[:60]))
        print("history_check: FAIL (%d)" % len(failures))
        return 1
    print("history_check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
