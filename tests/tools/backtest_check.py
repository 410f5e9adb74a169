#!/usr/bin/env python3
"""backtest_check.py DCPROJ — `dcproj backtest` (SPEC §7) against an
independent computation: every detail row refitted with
scipy.optimize.curve_fit on the history through the as-of year (1e-6
relative), the --summary statistics recomputed from those rows, the band's
coverage of the true curve on simulated histories with known parameters
(near the nominal 90 %), and the data and usage errors.  Skips (77) without
numpy, scipy or pandas."""
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
    print("backtest_check: SKIP: needs numpy, scipy and pandas")
    sys.exit(77)

CSO = {2015: 1240, 2016: 1482, 2017: 1762, 2018: 2182, 2019: 2490, 2020: 3030,
       2021: 4012, 2022: 5273, 2023: 6339, 2024: 6973, 2025: 7663}
failures = []


def check(name, ok, detail):
    if not ok:
        failures.append("%s: %s" % (name, detail))


def close(a, b, rtol=1e-6, atol=1e-9):
    return abs(a - b) <= rtol * max(abs(a), abs(b)) + atol


def dcproj(exe, doc, *args):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "s.json")
        with open(path, "w") as fh:
            json.dump(doc, fh)
        p = subprocess.run([exe, "backtest", path, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def compound(t, c0, r):
    return c0 * (1.0 + r) ** t


def linear(t, c0, a):
    return c0 + a * t


CURVES = {"compound": (compound, [1000, 0.2]), "linear": (linear, [1000, 300])}


def reference_rows(countries, as_of):
    """Rows of the back-test computed with scipy, in SPEC order."""
    rows = []
    for y in as_of:
        for code, c in countries.items():
            g, hist = c["growth"], {int(k): v for k, v in c["history"].items()}
            later = [k for k in sorted(hist) if k > y]
            if not later:
                continue
            f, p0 = CURVES[g["curve"]]
            past = [k for k in sorted(hist) if k <= y]
            t = np.array([k - y for k in past], float)
            v = np.array([hist[k] for k in past], float)
            rel = g.get("errors") == "relative"
            p, _ = curve_fit(f, t, v, p0=[v[-1], p0[1]], sigma=v if rel else None,
                             xtol=1e-15, ftol=1e-15, gtol=1e-15, maxfev=100000)
            if g.get("anchor") == "last":
                p[0] = hist[y]
            for k in later:
                proj = max(0.0, float(f(k - y, *p)))
                err = proj - hist[k]
                rows.append((y, code, k, k - y, hist[k], proj, err,
                             100 * err / hist[k] if hist[k] else None))
    return rows


def test_detail_and_summary(exe):
    hist = {str(k): v for k, v in CSO.items()}
    countries = {
        "IE": {"growth": {"model": "fit", "curve": "compound", "errors": "relative"}, "history": hist},
        "IE-abs": {"growth": {"model": "fit", "curve": "compound"}, "history": hist},
        "IE-lin": {"growth": {"model": "fit", "curve": "linear", "anchor": "last"}, "history": hist},
    }
    doc = {"dcproj": 1, "name": "t", "unit": "GWh", "baseline_year": 2025, "horizon": 2030,
           "countries": dict(countries, XX={"baseline": 5, "growth": {"model": "compound", "rate": 0.1}}),
           "events": [{"country": "IE", "date": "2026", "add": 1000}]}
    as_of = [2021, 2019, 2020, 2022]
    rc, out, err = dcproj(exe, doc, *sum((["--as-of", str(y)] for y in as_of), []))
    check("detail", rc == 0, "exit %d: %s" % (rc, err))
    if rc != 0:
        return
    check("detail", out.splitlines()[0] == "as_of,code,year,horizon,observed,projected,error,pct_error",
          "header %r" % out.splitlines()[0])
    got = pd.read_csv(io.StringIO(out), float_precision="round_trip")
    ref = reference_rows(countries, as_of)
    check("detail", len(got) == len(ref), "%d rows, expected %d" % (len(got), len(ref)))
    for (_, g), r in zip(got.iterrows(), ref):
        key = "as of %d %s %d" % (r[0], r[1], r[2])
        check("detail", (g["as_of"], g["code"], g["year"], g["horizon"]) == r[:4], key + ": order/keys %r" % (tuple(g[:4]),))
        check("detail", g["observed"] == r[4], key + ": observed %r" % g["observed"])
        check("detail", close(g["projected"], r[5]), key + ": projected %r, scipy %r" % (g["projected"], r[5]))
        check("detail", close(g["error"], g["projected"] - g["observed"], 1e-12),
              key + ": error %r is not projected - observed" % g["error"])
        check("detail", close(g["pct_error"], 100 * g["error"] / g["observed"], 1e-12),
              key + ": pct_error %r" % g["pct_error"])
    # --summary: per country and horizon, every as-of pooled, then ALL per horizon
    rc, out, err = dcproj(exe, doc, *sum((["--as-of", str(y)] for y in as_of), []), "--summary")
    check("summary", rc == 0, "exit %d: %s" % (rc, err))
    s = pd.read_csv(io.StringIO(out), float_precision="round_trip", keep_default_na=False)
    check("summary", list(s.columns) == ["code", "horizon", "n", "mae", "mape", "bias", "coverage"],
          "columns %r" % list(s.columns))
    expect = []
    for code in list(countries) + ["ALL"]:
        sub = got if code == "ALL" else got[got["code"] == code]
        for h in sorted(set(sub["horizon"])):
            x = sub[sub["horizon"] == h]
            expect.append((code, h, len(x), x["error"].abs().mean(), x["pct_error"].abs().mean(),
                           x["error"].mean()))
    check("summary", len(s) == len(expect), "%d rows, expected %d" % (len(s), len(expect)))
    for (_, g), e in zip(s.iterrows(), expect):
        ok = (g["code"], g["horizon"], g["n"]) == e[:3] and all(
            close(float(g[c]), v, 1e-12) for c, v in zip(("mae", "mape", "bias"), e[3:]))
        check("summary", ok and g["coverage"] == "", "row %r, expected %r" % (tuple(g), e))


def test_coverage(exe):
    """Bands of an uncertain fit (θ̂ + L·ε, SPEC §3 model 5) against the
    same method computed independently: 300 simulated compound histories
    (relative noise 5 %, 15 years) fitted through 2015 with scipy, 4000
    parameter draws from scipy's covariance, and the 5-95 % band of the
    curve in 2016-2018.  Each band must match dcproj's (2000 draws) within
    Monte Carlo error for 95 % of the rows, and the coverage of the true,
    noise-free curve must be near the nominal 90 % (the linearised band of
    15 points runs a little under it) and agree with the independent one."""
    rng = np.random.default_rng(42)
    countries, truth = {}, {}
    for i in range(300):
        c0, r = rng.uniform(100, 1000), rng.uniform(0.05, 0.3)
        hist = {}
        for y in range(2001, 2019):
            true = c0 * (1 + r) ** (y - 2015)
            hist[str(y)] = true * np.exp(rng.normal(0, 0.05)) if y <= 2015 else true
        countries["S%d" % i] = {"growth": {"model": "fit", "curve": "compound", "errors": "relative",
                                           "uncertain": True}, "history": hist}
        truth["S%d" % i] = hist
    doc = {"dcproj": 1, "name": "t", "baseline_year": 2018, "horizon": 2019, "countries": countries,
           "uncertainty": {"draws": 2000, "seed": 5, "quantiles": [0.05, 0.5, 0.95]}}
    rc, out, err = dcproj(exe, doc, "--as-of", "2015")
    check("coverage", rc == 0, "exit %d: %s" % (rc, err))
    if rc != 0:
        return
    d = pd.read_csv(io.StringIO(out), float_precision="round_trip")
    check("coverage", list(d.columns)[-3:] == ["p_lo", "p_hi", "inside"], "columns %r" % list(d.columns))
    check("coverage", ((d["p_lo"] <= d["observed"]) & (d["observed"] <= d["p_hi"])).astype(int).equals(d["inside"]),
          "inside is not p_lo <= observed <= p_hi")
    agree, hits = 0, []
    for code, hist in truth.items():
        t = np.arange(2001, 2016) - 2015.0
        v = np.array([hist[str(y)] for y in range(2001, 2016)])
        p, cov = curve_fit(compound, t, v, p0=[v[-1], 0.1], sigma=v)
        th = rng.multivariate_normal(p, cov, 4000)
        for h in (1, 2, 3):
            sim = np.maximum(th[:, 0], 0) * (1 + np.maximum(th[:, 1], -0.999999)) ** h
            lo, hi = np.quantile(sim, [0.05, 0.95])
            row = d[(d["code"] == code) & (d["horizon"] == h)].iloc[0]
            agree += close(row["p_lo"], lo, 0.02) and close(row["p_hi"], hi, 0.02)
            hits.append(lo <= hist[str(2015 + h)] <= hi)
    check("coverage", agree >= 0.95 * len(d), "only %d of %d bands agree within 2 %%" % (agree, len(d)))
    ours, ref = d["inside"].mean(), float(np.mean(hits))
    check("coverage", 0.82 <= ours <= 0.95 and abs(ours - ref) <= 0.04,
          "coverage %r (independent %r), nominal 0.9" % (ours, ref))
    rc, out, err = dcproj(exe, doc, "--as-of", "2015", "--summary")
    s = pd.read_csv(io.StringIO(out))
    for _, row in s[s["code"] == "ALL"].iterrows():
        x = d[d["horizon"] == row["horizon"]]
        check("coverage", close(row["coverage"], x["inside"].mean(), 1e-12),
              "summary coverage %r at horizon %d" % (row["coverage"], row["horizon"]))


def test_errors(exe):
    hist = {str(k): v for k, v in CSO.items()}
    base = {"dcproj": 1, "name": "t", "baseline_year": 2025, "horizon": 2030}
    nofit = dict(base, countries={"X": {"baseline": 1, "growth": {"model": "compound", "rate": 0.1}}})
    rc, _, err = dcproj(exe, nofit, "--as-of", "2020")
    check("errors", rc == 65 and "no country has a \"fit\"" in err, "no fit: %d %s" % (rc, err))
    fit = dict(base, countries={"IE": {"growth": {"model": "fit", "curve": "compound"}, "history": hist}})
    rc, _, err = dcproj(exe, fit, "--as-of", "2016")
    check("errors", rc == 65 and "as of 2016" in err and "at least 3" in err, "too few: %d %s" % (rc, err))
    rc, _, err = dcproj(exe, fit, "--as-of", "2025")
    check("errors", rc == 65 and "nothing to score" in err, "no rows: %d %s" % (rc, err))
    rc, _, err = dcproj(exe, fit)
    check("errors", rc == 2, "no --as-of: %d %s" % (rc, err))
    rc, _, err = dcproj(exe, fit, "--as-of", "20x0")
    check("errors", rc == 2, "bad --as-of: %d %s" % (rc, err))


def main():
    exe = sys.argv[1]
    test_detail_and_summary(exe)
    test_coverage(exe)
    test_errors(exe)
    if failures:
        print("\n".join(failures[:50]))
        print("backtest_check: FAIL (%d)" % len(failures))
        return 1
    print("backtest_check: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
