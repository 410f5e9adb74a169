#!/usr/bin/env python3
"""Correlated uncertainty (SPEC §5.2 shared uncertain variables, §5.3
Gaussian copula) against closed forms and an independent numpy/scipy
implementation.  Usage: corr_props.py DCPROJ [SOURCE_ROOT].  Exit 77 without numpy/scipy.

What is asserted (expectations computed here, never taken from dcproj):
- equicorrelated normal rates: TOTAL at year one is normal with mean
  sum C_i(1+m_i) and variance sum s_i^2 C_i^2 + 2 rho sum_{i<j} s_i s_j C_i C_j;
  its mean, p5, p50, p95 at 200k draws lie within 5 standard errors, for
  rho in {-0.2, 0, 0.3, 0.8};
- every correlated marginal keeps its distribution (normal, lognormal,
  uniform, triangular, PERT): each country's quantiles against scipy's ppf;
  the TOTAL of the copula against numpy's own copula sample;
- sites of every kind (a shared variable, a lognormal baseline, a logistic
  cap and rate, an event's add and delay): the entry couples exactly the
  sites it names — TOTAL against numpy's copula over the same draw order;
- a shared uncertain variable: TOTAL is k·X, so its quantiles are k·F^-1(p);
- a matrix that is not positive definite, and a path matching no
  distribution, are refused (exit 65, the entry's JSON path);
- --threads 1 and 2 write the same bytes;
- the shipped golden scenarios/expected/what-if-uncertain-correlated.csv
  (with SOURCE_ROOT): against the uncertain what-if's golden, the
  deterministic columns are equal, the rows of countries without a
  correlated site are byte-identical (correlated sites still consume their
  v1 variates), each correlated country's quantiles agree within sampling
  error (its marginal is unchanged), and the TOTAL band is wider.
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    from scipy import stats
except ImportError:
    print("numpy/scipy missing: skipped")
    sys.exit(77)

DCPROJ = sys.argv[1]
DRAWS = 200000
FAILS = []
TMP = tempfile.mkdtemp(prefix="corr_props.")


def check(ok, what):
    if not ok:
        FAILS.append(what)
        print("FAIL:", what)


def run(doc, *args):
    path = os.path.join(TMP, "s.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    return subprocess.run([DCPROJ, "run", path, "-q", *args], capture_output=True, text=True)


def table(doc, *args):
    p = run(doc, *args)
    if p.returncode != 0:
        raise SystemExit("dcproj failed: " + p.stderr)
    rows = {}
    for r in csv.DictReader(io.StringIO(p.stdout)):
        rows[(r["code"], r["period"])] = r
    return rows


def scenario(countries, corr=None, variables=None, quantiles=(0.05, 0.5, 0.95), draws=DRAWS):
    d = {"dcproj": 1, "name": "corr", "baseline_year": 2023, "horizon": 2024,
         "countries": countries,
         "uncertainty": {"draws": draws, "seed": 11, "quantiles": list(quantiles)}}
    if corr is not None:
        d["uncertainty"]["correlation"] = corr
    if variables is not None:
        d["variables"] = variables
    return d


def qse(p, n, density):
    """Standard error of the sample p-quantile."""
    return np.sqrt(p * (1 - p) / n) / density


# 1. equicorrelated normal rates -------------------------------------------
C = np.array([100.0, 250.0, 80.0, 400.0, 170.0])
m = np.array([0.10, 0.05, 0.20, 0.08, 0.12])
s = np.array([0.04, 0.03, 0.06, 0.02, 0.05])
codes = ["A", "B", "C", "D", "E"]
countries = {c: {"baseline": float(C[i]),
                 "growth": {"model": "compound",
                            "rate": {"dist": "normal", "mean": float(m[i]), "sd": float(s[i])}}}
             for i, c in enumerate(codes)}
paths = ["countries.%s.growth.rate" % c for c in codes]
for rho in (-0.2, 0.0, 0.3, 0.8):
    t = table(scenario(countries, [{"params": paths, "rho": rho}]))["TOTAL", "2024"]
    a = s * C
    var = np.sum(a ** 2) + 2 * rho * sum(a[i] * a[j] for i in range(5) for j in range(i + 1, 5))
    mu, sd = np.sum(C * (1 + m)), np.sqrt(var)
    check(abs(float(t["mean"]) - mu) < 5 * sd / np.sqrt(DRAWS), "rho %g: mean %s vs %g" % (rho, t["mean"], mu))
    for q, col in ((0.05, "p5"), (0.5, "p50"), (0.95, "p95")):
        want = stats.norm.ppf(q, mu, sd)
        tol = 5 * qse(q, DRAWS, stats.norm.pdf(want, mu, sd))
        check(abs(float(t[col]) - want) < tol, "rho %g: %s %s vs %g (tol %g)" % (rho, col, t[col], want, tol))

# 2. marginals keep their distributions ------------------------------------
def lognorm(mean, sd):
    s2 = np.log1p(sd * sd / (mean * mean))
    return stats.lognorm(np.sqrt(s2), scale=np.exp(np.log(mean) - s2 / 2))


def pert(a, c, b):
    return stats.beta(1 + 4 * (c - a) / (b - a), 1 + 4 * (b - c) / (b - a), loc=a, scale=b - a)


margs = {
    "N": ({"dist": "normal", "mean": 0.1, "sd": 0.05}, stats.norm(0.1, 0.05)),
    "L": ({"dist": "lognormal", "mean": 0.2, "sd": 0.1}, lognorm(0.2, 0.1)),
    "U": ({"dist": "uniform", "min": -0.1, "max": 0.3}, stats.uniform(-0.1, 0.4)),
    "T": ({"dist": "triangular", "min": 0.0, "mode": 0.05, "max": 0.4},
          stats.triang((0.05 - 0.0) / 0.4, loc=0.0, scale=0.4)),
    "P": ({"dist": "pert", "min": -0.05, "mode": 0.02, "max": 0.3}, pert(-0.05, 0.02, 0.3)),
}
CB = {"N": 100.0, "L": 200.0, "U": 150.0, "T": 120.0, "P": 300.0}
countries = {k: {"baseline": CB[k], "growth": {"model": "compound", "rate": d}} for k, (d, _) in margs.items()}
RHO = 0.7
qs = (0.05, 0.25, 0.5, 0.75, 0.95)
rows = table(scenario(countries, [{"params": ["countries.%s.growth.rate" % k for k in margs], "rho": RHO}],
                      quantiles=qs))
for k, (_, dist) in margs.items():
    r = rows[k, "2024"]
    for q in qs:
        x = dist.ppf(q)
        want = CB[k] * (1 + x)
        tol = 5 * CB[k] * qse(q, DRAWS, dist.pdf(x))
        col = "p%g" % (q * 100)
        check(abs(float(r[col]) - want) < tol, "marginal %s %s: %s vs %g (tol %g)" % (k, col, r[col], want, tol))
# the joint law: numpy's own Gaussian copula with the same marginals
rng = np.random.default_rng(20261202)
n = 5
corr = np.full((n, n), RHO) + (1 - RHO) * np.eye(n)
z = rng.standard_normal((DRAWS, n)) @ np.linalg.cholesky(corr).T
u = np.clip(stats.norm.cdf(z), 2.0 ** -53, 1 - 2.0 ** -53)
tot = sum(CB[k] * (1 + margs[k][1].ppf(u[:, i])) for i, k in enumerate(margs))


def versus_sample(row, sample, what):
    """dcproj's quantiles against those of an independent sample of as many
    draws (two sampling errors: sqrt 2 of one)."""
    for q in qs:
        want = np.quantile(sample, q)
        dens = stats.gaussian_kde(sample[:20000])(want)[0]
        tol = 5 * np.sqrt(2) * qse(q, DRAWS, dens)
        col = "p%g" % (q * 100)
        check(abs(float(row[col]) - want) < tol, "%s %s: %s vs numpy %g (tol %g)" % (what, col, row[col], want, tol))


versus_sample(rows["TOTAL", "2024"], tot, "copula TOTAL")

# 2b. sites of every kind: the copula couples the sites the entry names ----
# (a shared variable, a logistic cap, an event's add), not their neighbours
# in the draw order (A's baseline, B's logistic rate, the event's delay).
doc = {"dcproj": 1, "name": "mixed", "baseline_year": 2023, "horizon": 2025,
       "variables": {"X": {"value": {"dist": "uniform", "min": 10, "max": 30}}},
       "countries": {
           "A": {"baseline": {"dist": "lognormal", "mean": 100, "sd": 30},
                 "growth": {"model": "linear", "per_year": {"var": "X"}}},
           "B": {"baseline": 100, "growth": {"model": "logistic",
                                             "cap": {"dist": "pert", "min": 200, "mode": 300, "max": 600},
                                             "rate": {"dist": "normal", "mean": 0.5, "sd": 0.1}}}},
       "events": [{"country": "B", "date": "2025", "add": {"dist": "triangular", "min": 0, "mode": 50, "max": 150},
                   "delay_months": {"dist": "uniform", "min": 0, "max": 6}}],
       "uncertainty": {"draws": DRAWS, "seed": 3, "quantiles": list(qs),
                       "correlation": [{"params": ["variables.X", "countries.B.growth.cap", "events[0].add"],
                                        "rho": 0.8}]}}
rows = table(doc)
n = 6  # sites in draw order: X, A.baseline, B.cap, B.rate, add, delay
corr = np.eye(n)
for i in (0, 2, 4):
    for j in (0, 2, 4):
        if i != j:
            corr[i, j] = 0.8
z = rng.standard_normal((DRAWS, n)) @ np.linalg.cholesky(corr).T
u = np.clip(stats.norm.cdf(z), 2.0 ** -53, 1 - 2.0 ** -53)
X = stats.uniform(10, 20).ppf(u[:, 0])
a0 = lognorm(100, 30).ppf(u[:, 1])
K = pert(200, 300, 600).ppf(u[:, 2])
k = np.maximum(stats.norm(0.5, 0.1).ppf(u[:, 3]), 1e-9)
add = stats.triang(50 / 150, loc=0, scale=150).ppf(u[:, 4])
# end of 2025: t = 2; the event (start 12 months + delay <= 6) is fully in
tot = a0 + 2 * X + K / (1 + (K - 100) / 100 * np.exp(-2 * k)) + add
versus_sample(rows["TOTAL", "2025"], tot, "mixed sites TOTAL")

# 3. shared uncertain variables --------------------------------------------
# baselines a_i·X with X triangular(60, 90, 130), rates fixed: TOTAL(t) = k·X
a = {"A": 1.0, "B": 2.5, "C": 0.5}
r = {"A": 0.1, "B": 0.0, "C": 0.3}
countries = {c: {"baseline": {"var": "X", "times": a[c]}, "growth": {"model": "compound", "rate": r[c]}}
             for c in a}
variables = {"X": {"value": {"dist": "triangular", "min": 60, "mode": 90, "max": 130}}}
X = stats.triang((90 - 60) / 70, loc=60, scale=70)
rows = table(scenario(countries, variables=variables))
for year, tt in (("2023", 0), ("2024", 1)):
    k = sum(a[c] * (1 + r[c]) ** tt for c in a)
    t = rows["TOTAL", year]
    check(abs(float(t["capacity"]) - k * X.mean()) < 1e-9 * k * X.mean(),
          "shared X: deterministic %s %s vs %g" % (year, t["capacity"], k * X.mean()))
    for q, col in ((0.05, "p5"), (0.5, "p50"), (0.95, "p95")):
        x = X.ppf(q)
        tol = 5 * k * qse(q, DRAWS, X.pdf(x))
        check(abs(float(t[col]) - k * x) < tol, "shared X %s %s: %s vs %g" % (year, col, t[col], k * x))
# a shared normal rate: every country moves together, TOTAL sd = s·sum C
countries = {c: {"baseline": float(C[i]), "growth": {"model": "compound", "rate": {"var": "g"}}}
             for i, c in enumerate(codes)}
variables = {"g": {"value": {"dist": "normal", "mean": 0.1, "sd": 0.05}}}
t = table(scenario(countries, variables=variables))["TOTAL", "2024"]
mu, sd = 1.1 * C.sum(), 0.05 * C.sum()
for q, col in ((0.05, "p5"), (0.5, "p50"), (0.95, "p95")):
    want = stats.norm.ppf(q, mu, sd)
    tol = 5 * qse(q, DRAWS, stats.norm.pdf(want, mu, sd))
    check(abs(float(t[col]) - want) < tol, "shared g %s: %s vs %g" % (col, t[col], want))

# 4. refusals ----------------------------------------------------------------
three = {c: {"baseline": 100, "growth": {"model": "compound",
                                         "rate": {"dist": "normal", "mean": 0.1, "sd": 0.05}}}
         for c in ("A", "B", "C")}
P = ["countries.%s.growth.rate" % c for c in ("A", "B", "C")]
bad = [
    ([{"params": P, "rho": -0.6}], "uncertainty.correlation[0]"),  # needs rho > -1/2
    # 0.6, 0.6 alone are positive definite (eigenvalues 1, 1 ± 0.6·sqrt 2);
    # adding A–C = -0.6 gives determinant 0.64 - 2·0.576 < 0
    ([{"params": P[:2], "rho": 0.6}, {"params": P[1:], "rho": 0.6},
      {"params": [P[0], P[2]], "rho": -0.6}], "uncertainty.correlation[2]"),
    ([{"params": P[:2] + ["countries.D.growth.rate"], "rho": 0.5}], "uncertainty.correlation[0].params[2]"),
]
for corr, where in bad:
    p = run(scenario(three, corr, draws=100))
    check(p.returncode == 65 and (": %s: " % where) in p.stderr,
          "refusal at %s: exit %d, %s" % (where, p.returncode, p.stderr.strip()))
p = run(scenario(three, [{"params": P, "rho": -0.4}], draws=100))
check(p.returncode == 0, "rho -0.4 over three sites is positive definite: %s" % p.stderr.strip())

# 5. thread invariance ---------------------------------------------------------
countries = {c: {"baseline": {"dist": "lognormal", "mean": 100.0, "sd": 20.0},
                 "growth": {"model": "compound",
                            "rate": {"dist": "pert", "min": -0.05, "mode": 0.1, "max": 0.4}}}
             for c in ("A", "B", "C")}
countries["A"]["growth"]["rate"] = {"var": "g", "times": 1}
doc = scenario(countries, [{"params": ["countries.B.growth.rate", "countries.C.growth.rate",
                                       "countries.B.baseline"], "rho": 0.6}],
               variables={"g": {"value": {"dist": "uniform", "min": 0.0, "max": 0.2}}}, draws=5000)
doc["horizon"] = 2030
o1 = run(doc, "--threads", "1")
o2 = run(doc, "--threads", "2")
check(o1.returncode == 0 and o1.stdout == o2.stdout, "--threads 1 and 2 differ")

# 6. the shipped correlated what-if's golden -----------------------------------
if len(sys.argv) > 2:
    exp = os.path.join(sys.argv[2], "scenarios", "expected")

    def read(name):
        with open(os.path.join(exp, name), newline="") as f:
            return {(r["code"], r["period"]): r for r in csv.DictReader(f)}

    base, corr = read("what-if-uncertain.csv"), read("what-if-uncertain-correlated.csv")
    check(base.keys() == corr.keys(), "golden rows differ from the uncertain what-if's")
    with open(os.path.join(sys.argv[2], "scenarios", "what-if", "uncertain-correlated.json")) as f:
        doc = json.load(f)
    correlated = {p.split(".")[1] for e in doc["uncertainty"]["correlation"] for p in e["params"]}
    draws = 10000
    for key, r in base.items():
        c = corr[key]
        for col in ("capacity", "it_load_mw", "facility_mw", "energy_twh"):
            check(r[col] == c[col], "golden %s %s: deterministic %s differs" % (key + (col,)))
        if key[0] not in correlated and r["kind"] == "country":
            check(r == c, "golden %s: a country without correlated sites changed" % (key,))
        elif key[0] in correlated and key[1] != "2023":
            # same marginal: quantiles within 5 sampling errors, the density
            # at the quantile estimated from the spread of the band (normal)
            sd = (float(r["p95"]) - float(r["p5"])) / (2 * 1.6449)
            for q, col in ((0.05, "p5"), (0.5, "p50"), (0.95, "p95")):
                tol = 5 * np.sqrt(2) * qse(q, draws, stats.norm.pdf(stats.norm.ppf(q)) / sd)
                check(abs(float(r[col]) - float(c[col])) < tol,
                      "golden %s %s %s: %s vs uncertain %s" % (key + (col, c[col], r[col])))
    # rates compound, so the positive correlation widens the band more each
    # year (the baselines, uncorrelated, dominate the first years)
    for year, factor in (("2024", 1.0), ("2025", 1.0), ("2026", 1.0), ("2027", 1.15)):
        w0 = float(base["TOTAL", year]["p95"]) - float(base["TOTAL", year]["p5"])
        w1 = float(corr["TOTAL", year]["p95"]) - float(corr["TOTAL", year]["p5"])
        check(w1 > factor * w0, "golden TOTAL %s: band %g not %g x %g" % (year, w1, factor, w0))

if FAILS:
    print("%d failure(s)" % len(FAILS))
    sys.exit(1)
print("ok")
