#!/usr/bin/env python3
"""sens_check.py DCPROJ SOURCE_ROOT: `dcproj sensitivity` (issue 20; SPEC v2 §7).
Skips (77) without numpy or scipy.

On additive scenarios (linear growth, per_year uniform or normal, fixed
baselines, no floors) TOTAL at the horizon is sum_i (C0_i + a_i t), so the
Sobol indices have closed forms S1_i = ST_i = Var_i / sum_j Var_j with
Var_i = t^2 Var(a_i) (a path shared by several countries sums its sites).

1. Sobol, N = 16384: every S1 and ST within 0.02 of the closed form and the
   closed form inside the bootstrap interval; V matches sum Var_j.
2. OAT: low/high equal scipy.stats' quantiles at 0.1/0.9 (and --range
   0.25:0.8) to 1e-12; output_low/high equal `dcproj run --set PATH=value`
   (TOTAL at the horizon) to 1e-12; ALL equals every --set at once; rows
   sorted by |swing|; swing = t (hi - lo) by hand.
3. Shards merged give the bytes of one run (OAT and Sobol, 3 and 4 shards,
   files given in any order); --threads 1 and 2 give the same bytes; a
   missing shard, a shard of other options, a shard given twice: 65.
   Shard files are plain CSV whatever --excel-eu says; the table is not.
4. --by site / country names; correlation refused for sobol (65) but fine
   for oat; no factor (65); usage errors (2); error messages pinned.
5. --chart: the SVG parses as XML, has a title, every factor's label and
   the base line (OAT) / axis caption (Sobol).
6. Every option of `sensitivity --help` is in the man page and in the bash
   completion's built-in list.
Exit 0 when all hold, 1 otherwise."""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

try:
    import numpy as np
    from scipy import stats
except ImportError:
    print("SKIP: numpy/scipy not installed")
    sys.exit(77)

EXE, ROOT = sys.argv[1], sys.argv[2]
FAILURES = []
TMP = tempfile.mkdtemp(prefix="sens_check.")


def expect(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL: " + what, file=sys.stderr)


def dc(*args, rc=0):
    p = subprocess.run([EXE] + list(args), capture_output=True, timeout=600)
    if rc is not None and p.returncode != rc:
        expect(False, "dcproj %s: exit %d, expected %d: %s" % (
            " ".join(args), p.returncode, rc, p.stderr.decode(errors="replace")))
    return p


def write(name, doc):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def table(text):
    return list(csv.DictReader(io.StringIO(text.decode())))


B, H = 2024, 2030
T = H - B
ADDITIVE = {
    "dcproj": 1, "name": "additive", "baseline_year": B, "horizon": H,
    "defaults": {"growth": {"model": "linear",
                            "per_year": {"dist": "uniform", "min": 10, "max": 40}}},
    "countries": {
        "AA": {"baseline": 500, "growth": {"model": "linear",
                                           "per_year": {"dist": "normal", "mean": 60, "sd": 15}}},
        "BB": {"baseline": 300},
        "CC": {"baseline": 200},
        "DD": {"baseline": 400, "growth": {"model": "linear",
                                           "per_year": {"dist": "uniform", "min": -5, "max": 25}}},
        "EE": {"baseline": 800, "growth": {"model": "linear",
                                           "per_year": {"dist": "normal", "mean": 30, "sd": 4}}},
    },
}
# factor (by path) -> (frozen distributions of its sites, --set path)
FACTORS = {
    "countries.AA.growth.per_year": ([stats.norm(60, 15)], "countries.AA.growth.per_year"),
    "defaults.growth.per_year": ([stats.uniform(10, 30)] * 2, "defaults.growth.per_year"),
    "countries.DD.growth.per_year": ([stats.uniform(-5, 30)], "countries.DD.growth.per_year"),
    "countries.EE.growth.per_year": ([stats.norm(30, 4)], "countries.EE.growth.per_year"),
}
BASE_TOTAL = 500 + 300 + 200 + 400 + 800 + T * (60 + 25 + 25 + 10 + 30)
add = write("additive.json", ADDITIVE)


def total_at_horizon(*sets):
    args = ["run", add]
    for s in sets:
        args += ["--set", s]
    rows = table(dc(*args).stdout)
    return float([r for r in rows if r["code"] == "TOTAL" and r["period"] == str(H)][0]["capacity"])


def close(a, b, tol=1e-12):
    return abs(a - b) <= tol * max(1.0, abs(b))


# ---- 1. Sobol against the closed form
var = {f: T * T * sum(d.var() for d in dists) for f, (dists, _) in FACTORS.items()}
vsum = sum(var.values())
p = dc("sensitivity", add, "--method", "sobol", "--samples", "16384", "--seed", "11")
rows = table(p.stdout)
expect([r["factor"] for r in rows] == sorted(FACTORS, key=lambda f: -var[f]) and len(rows) == 4,
       "sobol rows are the factors by ST: %s" % [r["factor"] for r in rows])
for r in rows:
    exact = var[r["factor"]] / vsum
    for ix in ("S1", "ST"):
        v, lo, hi = float(r[ix]), float(r[ix + "_lo"]), float(r[ix + "_hi"])
        expect(abs(v - exact) <= 0.02, "%s %s = %.4f, closed form %.4f" % (r["factor"], ix, v, exact))
        expect(lo <= exact <= hi, "%s %s interval [%.4f, %.4f] misses %.4f" % (
            r["factor"], ix, lo, hi, exact))
        expect(lo <= v <= hi, "%s %s outside its own interval" % (r["factor"], ix))
# a second seed, no bootstrap: index cells only
p = dc("sensitivity", add, "--method", "sobol", "--samples", "16384", "--seed", "5",
       "--bootstrap", "0")
for r in table(p.stdout):
    exact = var[r["factor"]] / vsum
    expect(abs(float(r["S1"]) - exact) <= 0.02 and abs(float(r["ST"]) - exact) <= 0.02,
           "seed 5: %s S1 %s ST %s vs %.4f" % (r["factor"], r["S1"], r["ST"], exact))
    expect(r["S1_lo"] == "" and r["ST_hi"] == "", "--bootstrap 0 leaves the intervals empty")

# ---- 2. OAT against scipy quantiles and run --set
for rng, (qlo, qhi) in (([], (0.1, 0.9)), (["--range", "0.25:0.8"], (0.25, 0.8))):
    rows = table(dc("sensitivity", add, *rng).stdout)
    expect([r["factor"] for r in rows][-1] == "ALL", "OAT ends with ALL")
    swings = [abs(float(r["swing"])) for r in rows[:-1]]
    expect(swings == sorted(swings, reverse=True), "OAT rows by |swing| descending")
    sets_lo, sets_hi = [], []
    for r in rows[:-1]:
        dists, path = FACTORS[r["factor"]]
        lo, hi = dists[0].ppf(qlo), dists[0].ppf(qhi)
        expect(close(float(r["low"]), lo) and close(float(r["high"]), hi),
               "%s low/high %s/%s vs scipy %r/%r" % (r["factor"], r["low"], r["high"], lo, hi))
        want_lo = total_at_horizon("%s=%r" % (path, float(r["low"])))
        want_hi = total_at_horizon("%s=%r" % (path, float(r["high"])))
        expect(close(float(r["output_low"]), want_lo) and close(float(r["output_high"]), want_hi),
               "%s outputs %s/%s vs run --set %r/%r" % (r["factor"], r["output_low"],
                                                         r["output_high"], want_lo, want_hi))
        n = len(dists)
        expect(close(float(r["swing"]), n * T * (hi - lo), 1e-9),
               "%s swing %s vs %d*%d*(hi-lo)" % (r["factor"], r["swing"], n, T))
        expect(close(float(r["output_base"]), BASE_TOTAL), "base %s vs %r" % (r["output_base"], BASE_TOTAL))
        sets_lo.append("%s=%r" % (path, float(r["low"])))
        sets_hi.append("%s=%r" % (path, float(r["high"])))
    all_row = rows[-1]
    expect(all_row["low"] == "" and all_row["high"] == "", "ALL has empty low/high")
    expect(close(float(all_row["output_low"]), total_at_horizon(*sets_lo)) and
           close(float(all_row["output_high"]), total_at_horizon(*sets_hi)),
           "ALL equals every --set at once")

# --at, --scope: DD alone in 2027
rows = table(dc("sensitivity", add, "--scope", "DD", "--at", "2027").stdout)
dd = [r for r in rows if r["factor"] == "countries.DD.growth.per_year"][0]
expect(close(float(dd["output_high"]), 400 + 3 * stats.uniform(-5, 30).ppf(0.9)),
       "--scope DD --at 2027: %s" % dd["output_high"])
expect(close(float(dd["output_base"]), 400 + 3 * 10), "DD base in 2027")
other = [r for r in rows if r["factor"] == "countries.AA.growth.per_year"][0]
expect(float(other["swing"]) == 0, "AA does not move DD")

# energy_twh of calendar year 2027 (SPEC §3.7): for linear growth the year's energy is
# 8.76e-3 * u * pue * (C0 + a (t - 1/2)), t = 2027 - B
pw = dict(ADDITIVE, power={"pue": 1.2, "utilization": 0.5})
ppath = write("power.json", pw)
rows = table(dc("sensitivity", ppath, "--metric", "energy_twh", "--scope", "DD", "--at", "2027").stdout)
dd = [r for r in rows if r["factor"] == "countries.DD.growth.per_year"][0]
for col, a in (("output_base", 10.0), ("output_high", stats.uniform(-5, 30).ppf(0.9))):
    want = 8.76e-3 * 0.5 * 1.2 * (400 + a * 2.5)
    expect(close(float(dd[col]), want, 1e-10), "energy %s %s vs %r" % (col, dd[col], want))
rows = table(dc("sensitivity", ppath, "--metric", "facility_mw", "--scope", "DD", "--at", "2027").stdout)
dd = [r for r in rows if r["factor"] == "countries.DD.growth.per_year"][0]
expect(close(float(dd["output_low"]), 0.6 * (400 + 3 * stats.uniform(-5, 30).ppf(0.1))),
       "facility_mw %s" % dd["output_low"])

# ---- 3. shards, threads
for method, extra in (("oat", []), ("sobol", ["--samples", "300", "--bootstrap", "50"])):
    whole = dc("sensitivity", add, "--method", method, "--threads", "1", *extra).stdout
    two = dc("sensitivity", add, "--method", method, "--threads", "2", *extra).stdout
    expect(whole == two, "%s: --threads 1 and 2 differ" % method)
    for n in (3, 4):
        files = []
        for k in range(1, n + 1):
            f = os.path.join(TMP, "%s-%d-%d.csv" % (method, k, n))
            dc("sensitivity", add, "--method", method, *extra, "--shard", "%d/%d" % (k, n),
               "--excel-eu", "-o", f)
            files.append(f)
        with open(files[0], "rb") as fh:
            head = fh.read().split(b"\n")[:3]
        expect(head[0] == b"matrix,row,factor,value" and head[1] == b"meta,,shard,1/%d" % n
               and head[2].startswith(b"meta,,key,"), "%s shard opens with meta rows: %r" % (method, head))
        merged = dc("sensitivity", add, "--method", method, *extra, "--merge",
                    *reversed(files)).stdout
        expect(merged == whole, "%s: %d shards merged differ from one run" % (method, n))
        eu = dc("sensitivity", add, "--method", method, *extra, "--excel-eu", "--merge", *files).stdout
        expect(eu.startswith(b"\xef\xbb\xbffactor;") and b"\r\n" in eu,
               "--excel-eu applies to the merged table")
    p = dc("sensitivity", add, "--method", method, *extra, "--merge", *files[:-1], rc=65)
    expect(b"shard 4/4 is missing" in p.stderr, "missing shard named: %r" % p.stderr)
    p = dc("sensitivity", add, "--method", method, *extra, "--seed", "99", "--merge", *files, rc=65)
    expect(b"key differs" in p.stderr, "other options refused: %r" % p.stderr)
    p = dc("sensitivity", add, "--method", method, *extra, "--merge", files[0], *files, rc=65)
    expect(b"given twice" in p.stderr, "a shard twice refused: %r" % p.stderr)

# ---- 4. grouping, refusals, messages
rows = table(dc("sensitivity", add, "--by", "site").stdout)
names = sorted(r["factor"] for r in rows[:-1])
expect(names == sorted(["countries.AA.growth.per_year", "countries.DD.growth.per_year",
                        "countries.EE.growth.per_year", "defaults.growth.per_year@BB",
                        "defaults.growth.per_year@CC"]), "--by site names: %s" % names)
rows = table(dc("sensitivity", add, "--by", "country").stdout)
expect(sorted(r["factor"] for r in rows[:-1]) == ["AA", "BB", "CC", "DD", "EE"], "--by country")

corr = dict(ADDITIVE, uncertainty={"correlation": [
    {"params": ["countries.AA.growth.per_year", "countries.EE.growth.per_year"], "rho": 0.5}]})
cpath = write("correlated.json", corr)
p = dc("sensitivity", cpath, "--method", "sobol", rc=65)
expect(p.stderr.decode() == "dcproj: %s: uncertainty.correlation: Sobol indices assume "
       "independent inputs and the scenario correlates some: use --method oat\n" % cpath,
       "correlation message: %r" % p.stderr)
dc("sensitivity", cpath)

plain = write("plain.json", {"dcproj": 1, "name": "plain", "baseline_year": B, "horizon": H,
                             "countries": {"AA": {"baseline": 5, "growth": {"model": "linear",
                                                                           "per_year": 1}}}})
p = dc("sensitivity", plain, rc=65)
expect(p.stderr.decode() == "dcproj: %s: no factor to analyse: sensitivity needs a distribution "
       "(a draw site) or an event with probability below 1\n" % plain, "no factor: %r" % p.stderr)
p = dc("sensitivity", add, "--range", "0.9:0.1", rc=2)
expect(p.stderr.decode().startswith("dcproj: --range: expected LO:HI with 0 < LO < HI < 1, "
                                    "got '0.9:0.1'\n"), "range message: %r" % p.stderr)
dc("sensitivity", add, "--method", "anova", rc=2)
dc("sensitivity", add, "--samples", "1", rc=2)
p = dc("sensitivity", add, "--scope", "ZZ", rc=65)
expect(p.stderr.decode() == "dcproj: %s: --scope ZZ: no country or group of that name\n" % add,
       "scope message: %r" % p.stderr)
p = dc("sensitivity", add, "--at", "2040", rc=65)
expect(p.stderr.decode() == "dcproj: %s: --at 2040: expected a year from 2024 to 2030\n" % add,
       "at message: %r" % p.stderr)
dc("sensitivity", add, "extra.csv", rc=2)
dc("sensitivity", add, "--merge", rc=2)

# V = 0 (the scope does not depend on any factor): empty index cells and a warning; --strict: 65
zv = dict(ADDITIVE, countries=dict(ADDITIVE["countries"], FF={"baseline": 5, "growth": {
    "model": "linear", "per_year": 1}}))
zpath = write("zero-variance.json", zv)
p = dc("sensitivity", zpath, "--method", "sobol", "--scope", "FF", "--samples", "64")
expect(all(r["S1"] == "" and r["ST_hi"] == "" for r in table(p.stdout)), "V = 0 leaves cells empty")
expect(b"warning: the output does not vary" in p.stderr, "V = 0 warns: %r" % p.stderr)
dc("sensitivity", zpath, "--method", "sobol", "--scope", "FF", "--samples", "64", "--strict", rc=65)

# an event's occurrence: absent, then present at full add
ev = dict(ADDITIVE, events={"late": {"country": "BB", "date": "2027-01", "add": 120,
                                     "probability": 0.25}})
epath = write("event.json", ev)
rows = table(dc("sensitivity", epath).stdout)
late = [r for r in rows if r["factor"] == "events.late"][0]
expect(late["low"] == "0" and late["high"] == "1", "occurrence low/high 0/1")
expect(close(float(late["output_high"]) - float(late["output_low"]), 120), "occurrence swing = add")
expect(close(float(late["output_base"]), BASE_TOTAL + 30), "base has add * probability")

# ---- 5. charts
for method in ("oat", "sobol"):
    svg = os.path.join(TMP, method + ".svg")
    rows = table(dc("sensitivity", add, "--method", method, "--samples", "256", "--chart", svg).stdout)
    try:
        root = ET.parse(svg).getroot()
        texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
        expect(any(t.startswith("One factor at a time" if method == "oat" else "Sobol indices")
                   for t in texts), "%s chart title: %s" % (method, texts[:2]))
        for r in rows:
            name = r["factor"] if r["factor"] != "ALL" else "ALL (every factor together)"
            expect(name in texts, "%s chart labels %s" % (method, name))
        if method == "oat":
            expect(any(t.startswith("base ") for t in texts), "tornado base line label")
            expect("TOTAL capacity at year-end 2030 (MW)" in texts, "tornado axis caption")
        else:
            expect("Sobol index (share of the output variance)" in texts, "sobol axis caption")
    except ET.ParseError as e:
        expect(False, "%s chart is not XML: %s" % (method, e))

# ---- 6. help, man page, completion
help_text = dc("sensitivity", "--help").stdout.decode()
opts = sorted(set(w for line in help_text.splitlines() for w in line.split()
                  if w.startswith("--") and w[2:3].isalpha() and line.startswith("  ")
                  and line.split()[0].rstrip(",") in (w, w.rstrip(","))) | {"--merge"})
with open(os.path.join(ROOT, "doc/dcproj.1")) as f:
    man = f.read().replace("\\-", "-")
with open(os.path.join(ROOT, "doc/dcproj.bash-completion")) as f:
    comp = f.read()
sens_line = comp[comp.index("sensitivity) opts="):]
sens_line = sens_line[:sens_line.index(";;")]
for o in ("--method", "--by", "--range", "--samples", "--bootstrap", "--merge", "--chart",
          "--scope", "--at", "--shard", "--metric"):
    expect(o in help_text, "--help lists " + o)
    expect(o in man, "man page lists " + o)
    expect(o in sens_line, "completion lists " + o)

if FAILURES:
    print("%d failure(s)" % len(FAILURES))
    sys.exit(1)
print("all sensitivity checks passed")
