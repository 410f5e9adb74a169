#!/usr/bin/env python3
"""fit_scipy.py DCPROJ [SRCDIR] — dcproj's `fit` growth model (SPEC §3 model 5, §4 fit
rows) against an independent least-squares fit, scipy.optimize.curve_fit
(absolute_sigma=False; sigma = y for relative errors), on the CSO MEC02
series 2015-2025 (Ireland, GWh; the figures of issue 18) and on simulated
histories with known parameters.  Fitted parameters, standard errors, rmse
and the projected values must agree to 1e-6 relative (the conformance
README's tolerance for fits).  With SRCDIR, the shipped Ireland goldens
(scenarios/expected/ireland-datacentres*, what-if-ireland-logistic*) are
checked against the same independent fit.  Skips (77) without numpy or
scipy."""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    from scipy.optimize import curve_fit
except ImportError:
    print("fit_scipy: SKIP: needs numpy and scipy")
    sys.exit(77)

RTOL = 1e-6
CSO = {2015: 1240, 2016: 1482, 2017: 1762, 2018: 2182, 2019: 2490, 2020: 3030,
       2021: 4012, 2022: 5273, 2023: 6339, 2024: 6973, 2025: 7663}


def compound(t, c0, r):
    return c0 * (1.0 + r) ** t


def linear(t, c0, a):
    return c0 + a * t


def logistic(t, c0, cap, k):
    return cap / (1.0 + ((cap - c0) / c0) * np.exp(-k * t))


CURVES = {"compound": (compound, ["C0", "r"]), "linear": (linear, ["C0", "a"]),
          "logistic": (logistic, ["C0", "K", "k"])}


def reference(curve, errors, hist, base, p0):
    """curve_fit's estimate, standard errors and rmse (of rho as SPEC §4 says)."""
    f, names = CURVES[curve]
    years = sorted(hist)
    t = np.array([y - base for y in years], dtype=float)
    y = np.array([hist[k] for k in years], dtype=float)
    sigma = y if errors == "relative" else None
    p, cov = curve_fit(f, t, y, p0=p0, sigma=sigma, absolute_sigma=False,
                       xtol=1e-15, ftol=1e-15, gtol=1e-15, maxfev=100000)
    rho = f(t, *p) - y
    if errors == "relative":
        rho = rho / y
    rmse = float(np.sqrt(np.mean(rho ** 2)))
    return dict(zip(names, p)), dict(zip(names, np.sqrt(np.diag(cov)))), rmse


def run(dcproj, doc):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "s.json")
        sol = os.path.join(d, "sol.csv")
        with open(path, "w") as fh:
            json.dump(doc, fh)
        p = subprocess.run([dcproj, "run", path, "--solution", sol, "-q"], capture_output=True,
                           text=True)
        if p.returncode != 0:
            raise AssertionError("dcproj failed (%d): %s" % (p.returncode, p.stderr))
        with open(sol) as fh:
            rows = list(csv.DictReader(fh))
        table = list(csv.DictReader(io.StringIO(p.stdout)))
    return rows, table


def close(a, b, rtol=RTOL):
    return abs(a - b) <= rtol * max(abs(a), abs(b)) + 1e-300


failures = []


def check(name, ok, detail):
    if not ok:
        failures.append("%s: %s" % (name, detail))


def case(dcproj, name, curve, errors, hist, base, p0, anchor=False, horizon=None):
    horizon = horizon or base + 5
    growth = {"model": "fit", "curve": curve, "errors": errors}
    if anchor:
        growth["anchor"] = "last"
    doc = {"dcproj": 1, "name": "t", "baseline_year": base, "horizon": horizon,
           "countries": {"X": {"growth": growth, "history": {str(k): v for k, v in hist.items()}}}}
    est, se, rmse = reference(curve, errors, hist, base, p0)
    rows, table = run(dcproj, doc)
    got = {r["id"]: r for r in rows if r["type"] == "fit"}
    names = CURVES[curve][1]
    check(name, list(got) == ["X." + n for n in names] + ["X.rmse"], "rows %s" % list(got))
    for n in names:
        r = got.get("X." + n)
        if r is None:
            continue
        if n == "C0" and anchor:
            check(name, float(r["value"]) == hist[base] and r["stderr"] == "",
                  "anchored C0 %s/%s" % (r["value"], r["stderr"]))
            continue
        check(name, close(float(r["value"]), est[n]), "%s = %s, scipy %r" % (n, r["value"], est[n]))
        check(name, close(float(r["stderr"]), se[n]), "se(%s) = %s, scipy %r" % (n, r["stderr"], se[n]))
    if "X.rmse" in got:
        check(name, close(float(got["X.rmse"]["value"]), rmse), "rmse %s, scipy %r" % (got["X.rmse"]["value"], rmse))
    # the projection is C at the fitted (or anchored) parameters
    f = CURVES[curve][0]
    theta = [est[n] for n in names]
    if anchor:
        theta[0] = hist[base]
    for r in table:
        if r["code"] != "X":
            continue
        t = int(r["period"]) - base
        check(name, close(float(r["capacity"]), max(0.0, float(f(t, *theta)))),
              "capacity %s in %s, scipy %r" % (r["capacity"], r["period"], f(t, *theta)))


def mc_bands(dcproj):
    """Uncertain fits in Monte Carlo (SPEC §3 model 5): each draw takes
    θ̂ + L·ε (anchored: C0 = y_B, the rest from the covariance without C0).
    The P5/P50/P95 and mean at the horizon must match an independent
    simulation from scipy's estimate and covariance within sampling error
    (20000 draws each: about 1.5 % at P5/P95; 2.5 % allowed).  A fit that
    is not uncertain has no spread."""
    hist = {str(k): v for k, v in CSO.items()}
    doc = {"dcproj": 1, "name": "t", "unit": "GWh", "baseline_year": 2025, "horizon": 2030,
           "uncertainty": {"draws": 20000, "seed": 11, "quantiles": [0.05, 0.5, 0.95]},
           "countries": {
               "C": {"growth": {"model": "fit", "curve": "compound", "errors": "relative",
                                "uncertain": True}, "history": hist},
               "L": {"growth": {"model": "fit", "curve": "logistic", "anchor": "last",
                                "uncertain": True}, "history": hist},
               "F": {"growth": {"model": "fit", "curve": "linear"}, "history": hist}}}
    _, table = run(dcproj, doc)
    at = {r["code"]: r for r in table if r["period"] == "2030"}
    t = np.arange(2015, 2026) - 2025.0
    y = np.array([CSO[k] for k in range(2015, 2026)], dtype=float)
    rng = np.random.default_rng(7)
    p, cov = curve_fit(compound, t, y, p0=[7000, 0.2], sigma=y, xtol=1e-15, ftol=1e-15, gtol=1e-15)
    th = rng.multivariate_normal(p, cov, 20000)
    sim_c = np.maximum(th[:, 0], 0) * (1 + np.maximum(th[:, 1], -0.999999)) ** 5
    p, cov = curve_fit(logistic, t, y, p0=[7000, 15000, 0.3], xtol=1e-15, ftol=1e-15, gtol=1e-15)
    th = rng.multivariate_normal(p[1:], cov[1:, 1:], 20000)
    c0 = 7663.0
    k = np.maximum(th[:, 1], 1e-9)
    cap = np.maximum(th[:, 0], c0 * (1 + 1e-9))
    sim_l = logistic(5.0, c0, cap, k)
    for code, sim in (("C", sim_c), ("L", sim_l)):
        r = at[code]
        for col, q in (("p5", 0.05), ("p50", 0.5), ("p95", 0.95)):
            ref = float(np.quantile(sim, q))
            check("mc-" + code, close(float(r[col]), ref, 0.025), "%s %s, simulated %r" % (col, r[col], ref))
        check("mc-" + code, close(float(r["mean"]), float(sim.mean()), 0.02),
              "mean %s, simulated %r" % (r["mean"], sim.mean()))
    f = at["F"]
    check("mc-F", f["p5"] == f["p95"] == f["capacity"], "a fixed fit has no spread: %r" % f)


def shipped_goldens(src):
    """The committed goldens of the Ireland scenarios, cell by cell, against
    scipy: compound on relative errors, and the logistic what-if on absolute
    errors (SPEC §3 model 5, §4 fit rows)."""
    t = np.arange(2015, 2026) - 2025.0
    y = np.array([CSO[k] for k in range(2015, 2026)], dtype=float)
    for name, curve, sigma, p0 in (("ireland-datacentres", "compound", y, [7000, 0.2]),
                                   ("what-if-ireland-logistic", "logistic", None, [7000, 15000, 0.3])):
        f, names = CURVES[curve]
        p, cov = curve_fit(f, t, y, p0=p0, sigma=sigma, xtol=1e-15, ftol=1e-15, gtol=1e-15)
        rho = f(t, *p) - y
        if sigma is not None:
            rho = rho / y
        expect = {"IE." + n: (v, e) for n, v, e in zip(names, p, np.sqrt(np.diag(cov)))}
        expect["IE.rmse"] = (float(np.sqrt(np.mean(rho ** 2))), None)
        with open(os.path.join(src, "scenarios", "expected", name + ".solution.csv")) as fh:
            rows = list(csv.DictReader(fh))
        check(name, [r["id"] for r in rows] == list(expect), "solution ids %r" % [r["id"] for r in rows])
        for r in rows:
            v, e = expect.get(r["id"], (None, None))
            if v is None:
                continue
            check(name, close(float(r["value"]), v), "%s = %s, scipy %r" % (r["id"], r["value"], v))
            check(name, (e is None and r["stderr"] == "") or (e is not None and close(float(r["stderr"]), e)),
                  "se(%s) = %s, scipy %r" % (r["id"], r["stderr"], e))
        with open(os.path.join(src, "scenarios", "expected", name + ".csv")) as fh:
            table = list(csv.DictReader(fh))
        check(name, len(table) == 12, "%d rows" % len(table))
        for r in table:
            want = float(f(int(r["period"]) - 2025, *p))
            check(name, close(float(r["capacity"]), want), "%s %s: %s, scipy %r" % (r["code"], r["period"], r["capacity"], want))


def ill_posed(dcproj):
    """Ill-posed fits end with a data error naming the country (SPEC §3
    model 5, §9), and a poorly determined parameter with a warning."""
    def attempt(growth, hist, *extra):
        doc = {"dcproj": 1, "name": "t", "baseline_year": 2025, "horizon": 2030,
               "countries": {"X": {"growth": growth, "history": hist}}}
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "s.json")
            with open(path, "w") as fh:
                json.dump(doc, fh)
            p = subprocess.run([dcproj, "run", path, "-o", os.devnull, *extra], capture_output=True, text=True)
        return p.returncode, p.stderr
    cso = {str(k): v for k, v in CSO.items()}
    cases = [
        ({"model": "fit", "curve": "compound", "anchor": "last"}, {k: v for k, v in cso.items() if k != "2025"},
         65, "needs the observed value of 2025"),
        ({"model": "fit", "curve": "compound", "anchor": "last"}, dict(cso, **{"2025": 0}),
         65, "a compound fit needs a value of 2025 above 0"),
        # a saturating history whose last value overshoots the fitted cap
        ({"model": "fit", "curve": "logistic", "anchor": "last"},
         {"2015": 0.1099, "2016": 0.266, "2017": 0.6297, "2018": 1.4185, "2019": 2.8905, "2020": 5.0,
          "2021": 7.1095, "2022": 8.5815, "2023": 9.3703, "2024": 9.734, "2025": 10.6},
         65, "needs 0 < C0 < the fitted cap"),
        ({"model": "fit", "curve": "compound", "errors": "relative"}, dict(cso, **{"2016": 0}),
         65, "\"errors\": \"relative\" divides by each value"),
        ({"model": "fit", "curve": "logistic"}, {str(y): 100 * 1.3 ** (y - 2025) for y in range(2015, 2026)},
         65, "history does not determine the cap"),
        ({"model": "fit", "curve": "logistic"}, {"2023": 1, "2024": 2, "2025": 3},
         65, "needs at least 4 history years, found 3"),
        ({"model": "fit", "curve": "linear", "from": 2024}, cso,
         65, "needs at least 3 history years, found 2"),
    ]
    for growth, hist, want_rc, needle in cases:
        rc, err = attempt(growth, hist)
        check("errors", rc == want_rc and needle in err and "countries.X.growth" in err,
              "%r: exit %d %s" % (growth, rc, err.strip()))
    rc, err = attempt({"model": "fit", "curve": "logistic", "errors": "relative"}, cso)
    check("warning", rc == 0 and "countries.IE" not in err and "countries.X.growth" in err
          and "standard error" in err and "K" in err, "se > |K| warning: %d %s" % (rc, err))
    rc, err = attempt({"model": "fit", "curve": "logistic", "errors": "relative"}, cso, "-q")
    check("warning", rc == 0 and err == "", "-q hides the warning: %r" % err)


def main():
    dcproj = sys.argv[1]
    ill_posed(dcproj)
    if len(sys.argv) > 2:
        shipped_goldens(sys.argv[2])
    # the CSO series: every curve, both error kinds, and anchored
    for curve, p0 in (("compound", [7000, 0.2]), ("linear", [7000, 600]),
                      ("logistic", [7000, 15000, 0.3])):
        for errors in ("absolute", "relative"):
            case(dcproj, "cso-%s-%s" % (curve, errors), curve, errors, CSO, 2025, p0)
        case(dcproj, "cso-%s-anchored" % curve, curve, "absolute", CSO, 2025, p0, anchor=True)
    # earlier releases: the series as known at the end of 2019, 2020, 2022
    for base in (2019, 2020, 2022):
        h = {k: v for k, v in CSO.items() if k <= base}
        case(dcproj, "cso-to-%d" % base, "compound", "relative", h, base, [h[base], 0.2])
    # simulated histories with known parameters and noise
    rng = np.random.default_rng(20261202)
    for trial in range(6):
        n = int(rng.integers(5, 16))
        base = 2020
        years = list(range(base - n + 1, base + 1))
        t = np.array([y - base for y in years], dtype=float)
        c0, r = rng.uniform(50, 500), rng.uniform(0.02, 0.4)
        y = compound(t, c0, r) * np.exp(rng.normal(0, 0.05, n))
        case(dcproj, "sim-compound-%d" % trial, "compound", ("absolute", "relative")[trial % 2],
             dict(zip(years, y.tolist())), base, [c0, r])
        a = rng.uniform(1, 30)
        c0 = c0 + a * n  # every value > 0 (history values are >= 0)
        y = linear(t, c0, a) + rng.normal(0, 0.02 * c0, n)
        case(dcproj, "sim-linear-%d" % trial, "linear", "absolute", dict(zip(years, y.tolist())),
             base, [c0, a])
        cap, k = c0 * rng.uniform(2, 4), rng.uniform(0.3, 0.8)
        n = int(rng.integers(12, 20))
        years = list(range(base - n + 1, base + 1))
        t = np.array([yy - base for yy in years], dtype=float)
        y = logistic(t, c0, cap, k) * np.exp(rng.normal(0, 0.01, n))
        case(dcproj, "sim-logistic-%d" % trial, "logistic", ("absolute", "relative")[trial % 2],
             dict(zip(years, y.tolist())), base, [c0, cap, k])
    mc_bands(dcproj)
    if failures:
        print("\n".join(failures))
        print("fit_scipy: FAIL (%d)" % len(failures))
        return 1
    print("fit_scipy: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
