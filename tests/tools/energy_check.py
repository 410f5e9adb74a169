#!/usr/bin/python3
"""energy_check.py DCPROJ — energy (SPEC v2 §3.7, §4 metric, §5.2 metrics)
checked against independent computations.

1. Hand closed forms: compound C0·((1+r)^t1 − (1+r)^t0)/ln(1+r); a linear
   curve floored where it crosses zero (∫ of 100 − 80t stops at t = 1.25);
   a linear ramp; a logistic (K/k)·ln((e^{k t1} + A)/(e^{k t0} + A)).
2. Scenarios covering every growth model (compound single and piecewise,
   linear, logistic, points with cspline/steffen/akima/linear/step and both
   extrapolations), events with ramps, delays and negative adds (floors
   crossing zero, also inside a period), pue and utilization curves (linear
   and step) and constants, year, quarter and month steps: every energy_twh
   cell against this script's own continuous model of SPEC §3/§3.5/§3.6
   integrated with scipy.integrate.quad (QUADPACK, split at every kink and at
   every zero of the unfloored curve found by brentq), to 1e-9 relative.
   Periods are also summed to calendar years and compared across steps.
3. Monte Carlo: energy_twh_mean and quantiles of a scenario with an uncertain
   compound rate and an uncertain utilization against an independent
   simulation (numpy; the same distributions, 200,000 draws): the mean within
   5 standard errors, and each quantile q sits at empirical probability
   q ± 5·sqrt(q(1 − q)/n) of the independent sample (n = dcproj's draws).
4. A calibration: utilisation solved so that a year's TWh matches a figure,
   met to 1e-10 (checked with the closed form).
5. (with ROOT) scenarios/what-if/uncertain.json: energy_twh_mean of every
   country and TOTAL, and TOTAL's quantiles, against an independent numpy
   simulation of the whole scenario (lognormal baselines, normal piecewise
   rates around the parent's solved g1 and g2, triangular adds, uniform,
   triangular and PERT delays, the Aragon occurrence, triangular
   utilisation; energy integrated in closed form), within sampling error.

Exit 0 pass, 1 fail, 77 when numpy or scipy is missing.
"""

import csv
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import warnings

try:
    import numpy as np
    from scipy.integrate import quad
    from scipy.interpolate import CubicSpline, Akima1DInterpolator, PchipInterpolator  # noqa: F401
    from scipy.optimize import brentq
except ImportError:
    print("numpy or scipy missing: skipped")
    sys.exit(77)

DCPROJ = sys.argv[1]
ROOT = sys.argv[2] if len(sys.argv) > 2 else None
FAILS = []
CHECKS = [0]
TMP = tempfile.mkdtemp(prefix="energy-check-")
K_TWH = 8.76e-3


def expect(ok, msg):
    CHECKS[0] += 1
    if not ok:
        FAILS.append(msg)
        print("FAIL:", msg)
    return ok


def run(doc, *args):
    path = os.path.join(TMP, "s.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    p = subprocess.run([DCPROJ, "run", path, "-q", *args], capture_output=True)
    if p.returncode != 0:
        raise RuntimeError(p.stderr.decode())
    return list(csv.DictReader(io.StringIO(p.stdout.decode())))


def close(a, b, rtol=1e-9, atol=1e-12):
    return abs(a - b) <= rtol * max(abs(a), abs(b)) + atol


# ---- an independent continuous model (SPEC §1, §3, §3.5, §3.6, §3.7) ----

def date_months(s, B):
    y = int(s[:4])
    if len(s) == 4:
        return 12 * (y - 1 - B)
    if s[5] == "Q":
        return 12 * (y - 1 - B) + 3 * (int(s[6]) - 1)
    m = int(s[5:7])
    d = int(s[8:10]) if len(s) > 7 else 1
    dim = [31, 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28, 31, 30, 31, 30, 31,
           31, 30, 31, 30, 31][m - 1]
    return 12 * (y - 1 - B) + (m - 1) + (d - 1) / dim


def growth_fn(g, c0, B):
    """C(t) before events, and the growth's own kinks (years)."""
    m = g["model"]
    if m == "compound":
        if "rates" not in g:
            r = g["rate"]
            return (lambda t: c0 * (1 + r) ** t), []
        segs = [((s["until"] - B) if "until" in s else math.inf, s["rate"]) for s in g["rates"]]

        def f(t):
            v, lo = c0, 0.0
            for hi, r in segs:
                if t <= lo:
                    break
                v *= (1 + r) ** (min(t, hi) - lo)
                lo = hi
            return v
        return f, [hi for hi, _ in segs if hi != math.inf]
    if m == "linear":
        return (lambda t: c0 + g["per_year"] * t), []
    if m == "logistic":
        K, k = g["cap"], g["rate"]
        return (lambda t: K / (1 + (K - c0) / c0 * math.exp(-k * t))), []
    # points: scipy's interpolants (natural cubic spline, Akima, Steffen is
    # monotone cubic Hermite like PCHIP but not identical: not used here)
    pts = sorted((int(y), v) for y, v in g["points"].items())
    xs = np.array([p[0] for p in pts], float)
    ys = np.array([p[1] for p in pts], float)
    kind = g.get("interp", "linear")
    ex = g.get("extrapolate", "error")
    if kind == "cspline":
        sp = CubicSpline(xs, ys, bc_type="natural")
        inner = lambda x: float(sp(x))
    elif kind == "akima":
        sp = Akima1DInterpolator(xs, ys)
        inner = lambda x: float(sp(x))
    elif kind == "step":
        inner = lambda x: ys[np.searchsorted(xs, x, side="right") - 1]
    else:
        inner = lambda x: float(np.interp(x, xs, ys))

    def f(t):
        x = B + t
        if x > xs[-1]:
            if ex == "flat":
                return ys[-1]
            slope = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
            return ys[-1] + slope * (x - xs[-1])
        return inner(x)
    return f, [x - B for x in xs]


def power_fn(spec, B):
    if isinstance(spec, dict):
        pts = sorted((int(y) - B, v) for y, v in spec["points"].items())
        step = spec.get("interp", "linear") == "step"

        def f(t):
            if t <= pts[0][0]:
                return pts[0][1]
            if t >= pts[-1][0]:
                return pts[-1][1]
            for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
                if x0 <= t < x1:
                    return y0 if step else y0 + (y1 - y0) * (t - x0) / (x1 - x0)
        return f, [p[0] for p in pts]
    return (lambda t: spec), []


def country_energy(doc, code, t0, t1):
    """8.76e-3 ∫ max(0, C(t) + events)·u·pue dt by quad between kinks and zeros."""
    B = doc["baseline_year"]
    c = doc["countries"][code]
    g = c["growth"]
    c0 = c.get("baseline")
    if c0 is None:
        gf, _ = growth_fn(g, 0.0, B)
        c0 = gf(0.0)
    gf, kinks = growth_fn(g, c0, B)
    evs = doc.get("events", [])
    evs = list(evs.values()) if isinstance(evs, dict) else evs
    mine = []
    for e in evs:
        if e["country"] != code:
            continue
        s = (date_months(e["date"], B) + e.get("delay_months", 0)) / 12.0
        ramp = e.get("ramp_months", 0) / 12.0
        mine.append((s, ramp, e["add"] * e.get("probability", 1)))
        kinks += [s, s + ramp]

    def unfloored(t):
        v = gf(t)
        for s, ramp, add in mine:
            if t > s:
                v += add * (1.0 if ramp == 0 else min(1.0, (t - s) / ramp))
        return v
    pw = dict(doc["power"])
    pw.update(c.get("power", {}))
    uf, uk = power_fn(pw["utilization"], B)
    pf, pk = power_fn(pw["pue"], B)
    cuts = sorted({t0, t1} | {x for x in kinks + uk + pk if t0 < x < t1})
    # zeros of the unfloored curve: sign changes on a fine grid, refined by brentq
    fine = []
    for a, b in zip(cuts, cuts[1:]):
        grid = np.linspace(a, b, 65)
        fine.append(a)
        vals = [unfloored(x) for x in grid[1:-1]]
        for x0, x1, v0, v1 in zip(grid[1:-2], grid[2:-1], vals, vals[1:]):
            if v0 * v1 < 0:
                fine.append(brentq(unfloored, x0, x1, xtol=1e-15, rtol=1e-15))
    fine = sorted(set(fine + [t1]))
    total = 0.0
    for a, b in zip(fine, fine[1:]):
        if b > a:
            with warnings.catch_warnings():  # 1e-13 is beyond what QUADPACK promises
                warnings.simplefilter("ignore")
                v, _ = quad(lambda t: max(0.0, unfloored(t)) * uf(t) * pf(t), a, b,
                            epsabs=0.0, epsrel=1e-13, limit=200)
            total += v
    return K_TWH * total


def period_bounds(rows, B):
    """(t0, t1) years of each period label."""
    out = {}
    for r in rows:
        lab = r["period"]
        y = int(lab[:4])
        if len(lab) == 4:
            e = 12 * (y - B)
            m = 12
        elif lab[5] == "Q":
            e = 12 * (y - 1 - B) + 3 * int(lab[6])
            m = 3
        else:
            e = 12 * (y - 1 - B) + int(lab[5:7])
            m = 1
        out[lab] = ((e - m) / 12.0, e / 12.0)
    return out


def check_scenario(name, doc, steps=("year", "quarter", "month")):
    B = doc["baseline_year"]
    years = {}
    for step in steps:
        rows = run(doc, "--step", step)
        bounds = period_bounds(rows, B)
        codes = list(doc["countries"])
        first = rows[0]["period"]
        for r in rows:
            if r["kind"] != "country":
                continue
            lab = r["period"]
            if lab == first:
                expect(r["energy_twh"] == "", f"{name} {step} {r['code']} {lab}: first row not empty")
                continue
            t0, t1 = bounds[lab]
            want = country_energy(doc, r["code"], t0, t1)
            got = float(r["energy_twh"])
            expect(close(got, want), f"{name} {step} {r['code']} {lab}: energy {got!r}, "
                                     f"independent {want!r}")
            key = (r["code"], int(lab[:4]))
            years.setdefault(step, {}).setdefault(key, 0.0)
            years[step][key] += got
        # TOTAL = sum of countries, per period
        tot = {r["period"]: r["energy_twh"] for r in rows if r["kind"] == "total"}
        for lab, v in tot.items():
            if lab == first:
                continue
            s = sum(float(r["energy_twh"]) for r in rows if r["kind"] == "country" and r["period"] == lab)
            expect(close(float(v), s, 1e-12), f"{name} {step} TOTAL {lab}: {v} != sum {s}")
        del codes
    # the same calendar year's energy whatever the step
    for key, v in years.get("year", {}).items():
        for step in steps[1:]:
            w = years[step][key]
            expect(close(v, w, 1e-9), f"{name}: year {key} is {v!r} by years, {w!r} by {step}")

def ramp_integral(t, s, R):
    """∫_0^t clip((x − s)/R, 0, 1) dx (R = 0: a step at s)."""
    if R == 0:
        return np.maximum(t - s, 0.0)
    a = np.clip(t - s, 0.0, None)
    return np.where(a <= R, a * a / (2 * R), R / 2 + (a - R))


def check_uncertain(root):
    parent = json.load(open(os.path.join(root, "scenarios/microsoft-europe-2025.json")))
    child = json.load(open(os.path.join(root, "scenarios/what-if/uncertain.json")))
    sol = os.path.join(TMP, "ms.csv")
    subprocess.run([DCPROJ, "run", os.path.join(root, "scenarios/microsoft-europe-2025.json"), "-q",
                    "-o", os.devnull, "--solution", sol], check=True)
    g = {r["id"]: float(r["value"]) for r in csv.DictReader(open(sol)) if r["type"] == "variable"}
    rows = run_file(os.path.join(root, "scenarios/what-if/uncertain.json"))
    n_dc = child["uncertainty"]["draws"]
    rng = np.random.default_rng(7)
    n = 200000
    B = parent["baseline_year"]
    years = range(B + 1, parent["horizon"] + 1)
    pue_top = parent["power"]["pue"]
    util = child["power"]["utilization"]
    energy = {}
    # the child's events merged onto the parent's (SPEC 6, RFC 7396; by id when keyed)
    pe, ce = parent.get("events", []), child.get("events", parent.get("events", []))
    if isinstance(pe, dict):
        merged = {}
        for k, e in pe.items():
            if not k.startswith(("_", "$")):
                merged[k] = dict(e)
        for k, e in ce.items():
            if k.startswith(("_", "$")):
                continue
            if e is None:
                merged.pop(k, None)
            else:
                merged.setdefault(k, {}).update(e)
        events = [{f: v for f, v in e.items() if v is not None} for e in merged.values()]
    else:
        events = ce

    def draw(p):
        if isinstance(p, (int, float)):
            return np.full(n, float(p))
        if "var" in p:
            return np.full(n, p.get("times", 1) * g[p["var"]] + p.get("plus", 0))
        d = p["dist"]
        if d == "normal":
            return rng.normal(draw(p["mean"])[0], p["sd"], n)
        if d == "lognormal":
            m, sd = p["mean"], p["sd"]
            s2 = math.log1p(sd * sd / (m * m))
            return rng.lognormal(math.log(m) - s2 / 2, math.sqrt(s2), n)
        if d == "uniform":
            return rng.uniform(p["min"], p["max"], n)
        if d == "triangular":
            return rng.triangular(p["min"], p["mode"], p["max"], n)
        if d == "pert":
            a, c, b = p["min"], p["mode"], p["max"]
            return a + (b - a) * rng.beta(1 + 4 * (c - a) / (b - a), 1 + 4 * (b - c) / (b - a), n)
        raise ValueError(d)

    for code, pc in parent["countries"].items():
        cc = child["countries"].get(code, {})
        base = draw(cc.get("baseline", pc["baseline"]))
        rates = (cc.get("growth") or pc.get("growth") or parent["defaults"]["growth"])["rates"]
        r1, r2 = draw(rates[0]["rate"]), draw(rates[1]["rate"])
        l1, l2 = np.log1p(r1), np.log1p(r2)
        split = rates[0]["until"] - B

        def grow_int(t):  # ∫_0^t C, piecewise compound
            t1 = min(t, split)
            i1 = base * np.expm1(l1 * t1) / l1
            if t <= split:
                return i1
            c_split = base * np.exp(l1 * split)
            return i1 + c_split * np.expm1(l2 * (t - split)) / l2
        ev_int = []
        for e in events:
            if e["country"] != code:
                continue
            add = draw(e["add"])
            prob = e.get("probability", 1)
            occ = rng.uniform(size=n) < prob if prob < 1 else np.ones(n, bool)
            delay = draw(e.get("delay_months", 0))
            s0 = date_months(e["date"], B)
            ev_int.append((np.where(occ, add, 0.0), (s0 + delay) / 12.0, e.get("ramp_months", 0) / 12.0))
        u = draw(util)
        pue = (pc.get("power") or {}).get("pue", pue_top)
        for y in years:
            t1, t0 = y - B, y - B - 1
            cap = grow_int(t1) - grow_int(t0)
            for add, s, R in ev_int:
                cap = cap + add * (ramp_integral(t1, s, R) - ramp_integral(t0, s, R))
            energy[(code, y)] = K_TWH * u * pue * cap
    for y in years:
        energy[("TOTAL", y)] = sum(energy[(c, y)] for c in parent["countries"])
    for r in rows:
        if r["kind"] == "group" or int(r["period"]) == B:
            continue
        e = energy[(r["code"], int(r["period"]))]
        got = float(r["energy_twh_mean"])
        se = e.std() * math.sqrt(1 / n_dc + 1 / n)
        expect(abs(got - e.mean()) <= 5 * se + 1e-12,
               f"uncertain {r['code']} {r['period']}: energy_twh_mean {got} vs independent "
               f"{e.mean()} (se {se})")
        if r["code"] == "TOTAL":
            es = np.sort(e)
            for q in (0.05, 0.5, 0.95):
                v = float(r["energy_twh_p%g" % (100 * q)])
                pos = np.searchsorted(es, v) / n
                tol = 5 * math.sqrt(q * (1 - q) / n_dc) + 5 * math.sqrt(q * (1 - q) / n)
                expect(abs(pos - q) <= tol, f"uncertain TOTAL {r['period']} p{100 * q:g}: {v} at "
                                            f"{pos:.4f} of the independent sample")


def run_file(path):
    p = subprocess.run([DCPROJ, "run", path, "-q"], capture_output=True)
    if p.returncode != 0:
        raise RuntimeError(p.stderr.decode())
    return list(csv.DictReader(io.StringIO(p.stdout.decode())))


def main():
    # 1. hand closed forms ------------------------------------------------
    doc = {"dcproj": 1, "name": "hand", "baseline_year": 2023, "horizon": 2027,
           "power": {"pue": 1.25, "utilization": 0.5},
           "countries": {
               "CP": {"baseline": 200, "growth": {"model": "compound", "rate": 0.15}},
               "LF": {"baseline": 100, "growth": {"model": "linear", "per_year": -80}},
               "RA": {"baseline": 0, "growth": {"model": "linear", "per_year": 0}},
               "LG": {"baseline": 50, "growth": {"model": "logistic", "cap": 300, "rate": 0.8}}},
           "events": [{"country": "RA", "date": "2025", "add": 120, "ramp_months": 6}]}
    rows = {(r["code"], r["period"]): r for r in run(doc)}
    w = 0.5 * 1.25
    for y in (2024, 2025, 2026, 2027):
        t1 = y - 2023
        t0 = t1 - 1
        cp = K_TWH * w * 200 * (1.15 ** t1 - 1.15 ** t0) / math.log(1.15)
        expect(close(float(rows[("CP", str(y))]["energy_twh"]), cp, 1e-12),
               f"compound {y}: {rows[('CP', str(y))]['energy_twh']} vs closed form {cp!r}")
        A = (300 - 50) / 50
        lg = K_TWH * w * (300 / 0.8) * math.log((math.exp(0.8 * t1) + A) / (math.exp(0.8 * t0) + A))
        expect(close(float(rows[("LG", str(y))]["energy_twh"]), lg, 1e-12),
               f"logistic {y}: {rows[('LG', str(y))]['energy_twh']} vs closed form {lg!r}")
    # 100 − 80t: 60 MW·yr in 2024, then 2.5 MW·yr before the zero at t = 1.25, then 0
    for y, mwyr in ((2024, 60.0), (2025, 2.5), (2026, 0.0)):
        got = float(rows[("LF", str(y))]["energy_twh"])
        expect(close(got, K_TWH * w * mwyr, 1e-12), f"floored linear {y}: {got} vs {K_TWH * w * mwyr}")
    # a ramp from the start of 2025 over 6 months: 120·(0.25 + 0.5) MW·yr in 2025
    got = float(rows[("RA", "2025")]["energy_twh"])
    expect(close(got, K_TWH * w * 90.0, 1e-12), f"ramp 2025: {got} vs {K_TWH * w * 90}")

    # 2. scenarios against quad ---------------------------------------------
    pue_curve = {"points": {"2023": 1.4, "2026": 1.15, "2030": 1.1}}
    util_step = {"points": {"2022": 0.45, "2025": 0.6, "2027": 0.7}, "interp": "step"}
    scen = {
        "dcproj": 1, "name": "models", "baseline_year": 2023, "horizon": 2028,
        "power": {"pue": pue_curve, "utilization": 0.55},
        "countries": {
            "C1": {"baseline": 120, "growth": {"model": "compound", "rate": 0.2}},
            "C2": {"baseline": 80, "growth": {"model": "compound",
                                              "rates": [{"until": 2025, "rate": 0.3}, {"until": 2026, "rate": -0.4},
                                                        {"rate": 0.05}]},
                   "power": {"utilization": util_step}},
            "L1": {"baseline": 60, "growth": {"model": "linear", "per_year": -25}},
            "G1": {"baseline": 20, "growth": {"model": "logistic", "cap": 200, "rate": 1.1},
                   "power": {"pue": 1.2, "utilization": {"points": {"2024": 0.3, "2028": 0.9}}}},
            "P1": {"growth": {"model": "points", "points": {"2021": 10, "2023": 30, "2024": 20, "2026": 60, "2027": 55},
                              "interp": "cspline", "extrapolate": "linear"}},
            "P2": {"growth": {"model": "points", "points": {"2020": 5, "2022": 9, "2023": 12, "2025": 40, "2026": 38},
                              "interp": "akima", "extrapolate": "flat"}},
            "P3": {"growth": {"model": "points", "points": {"2023": 50, "2025": 70, "2026": 10},
                              "interp": "step", "extrapolate": "linear"}},
            "P4": {"growth": {"model": "points", "points": {"2023": 40, "2026": 0.5}, "extrapolate": "linear"}},
        },
        "events": [
            {"country": "C1", "date": "2024-05-17", "add": 90, "ramp_months": 10, "delay_months": 2.5},
            {"country": "C1", "date": "2026-Q3", "add": -400, "ramp_months": 7},
            {"country": "L1", "date": "2025-03", "add": 55, "ramp_months": 0},
            {"country": "G1", "date": "2024-08", "add": -35, "ramp_months": 5, "probability": 0.6},
            {"country": "P1", "date": "2025-11-03", "add": -45, "ramp_months": 3},
            {"country": "P3", "date": "2024-02", "add": 15, "ramp_months": 20, "delay_months": 1},
        ]}
    check_scenario("models", scen)

    # 3. Monte Carlo energy quantiles against an independent simulation -----
    mc = {"dcproj": 1, "name": "mc", "baseline_year": 2023, "horizon": 2026,
          "power": {"pue": 1.2, "utilization": {"dist": "uniform", "min": 0.4, "max": 0.8}},
          "countries": {"IE": {"baseline": 100, "growth": {"model": "compound",
                                                            "rate": {"dist": "normal", "mean": 0.1, "sd": 0.05}}}},
          "uncertainty": {"draws": 20000, "seed": 11, "quantiles": [0.05, 0.5, 0.95],
                          "metrics": ["capacity", "energy_twh"]}}
    rows = [r for r in run(mc) if r["code"] == "IE"]
    rng = np.random.default_rng(20261202)
    n_ind = 200000
    r = rng.normal(0.1, 0.05, n_ind)
    u = rng.uniform(0.4, 0.8, n_ind)
    lam = np.log1p(r)
    for row in rows:
        y = int(row["period"])
        if y == 2023:
            expect(row["energy_twh_mean"] == "" and row["energy_twh_p50"] == "",
                   "MC: the first row's energy statistics are not empty")
            continue
        t1, t0 = y - 2023, y - 2024
        e = K_TWH * 1.2 * u * 100 * (np.exp(lam * t1) - np.exp(lam * t0)) / lam
        mean, se = e.mean(), e.std() / math.sqrt(20000)
        got = float(row["energy_twh_mean"])
        expect(abs(got - mean) <= 5 * se, f"MC mean {y}: {got} vs independent {mean} (se {se})")
        es = np.sort(e)
        for q in (0.05, 0.5, 0.95):
            v = float(row["energy_twh_p%g" % (100 * q)])
            pos = np.searchsorted(es, v) / n_ind
            tol = 5 * math.sqrt(q * (1 - q) / 20000) + 5 * math.sqrt(q * (1 - q) / n_ind)
            expect(abs(pos - q) <= tol, f"MC p{100 * q:g} {y}: {v} sits at {pos:.4f} of the "
                                        f"independent sample (want {q} ± {tol:.4f})")

    # 4. utilisation solved to a year's TWh ---------------------------------
    figure = 1.234
    cal = {"dcproj": 1, "name": "cal", "baseline_year": 2023, "horizon": 2027, "step": "quarter",
           "power": {"pue": 1.3, "utilization": {"var": "u"}},
           "variables": {"u": {"min": 0.05, "max": 1}},
           "countries": {"IE": {"baseline": 150, "growth": {"model": "compound", "rate": 0.12}}},
           "targets": [{"scope": "IE", "year": 2026, "value": figure, "metric": "energy_twh"}]}
    path = os.path.join(TMP, "cal.json")
    with open(path, "w") as f:
        json.dump(cal, f)
    sol = os.path.join(TMP, "sol.csv")
    p = subprocess.run([DCPROJ, "run", path, "-q", "-o", os.path.join(TMP, "t.csv"), "--solution", sol],
                       capture_output=True)
    expect(p.returncode == 0, f"calibration: {p.stderr.decode()}")
    srows = {r["id"]: r for r in csv.DictReader(open(sol))}
    uu = float(srows["u"]["value"])
    closed = K_TWH * uu * 1.3 * 150 * (1.12 ** 3 - 1.12 ** 2) / math.log(1.12)
    expect(abs(closed / figure - 1) <= 1e-10, f"calibration: u = {uu} gives {closed} TWh, not {figure}")
    expect(abs(float(srows["target1"]["residual"])) <= 1e-10, "calibration residual above 1e-10")

    if ROOT is not None:
        check_uncertain(ROOT)

    if FAILS:
        print(f"{len(FAILS)} failures")
        return 1
    print(f"energy: all {CHECKS[0]} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
