#!/usr/bin/python3
"""check_europe.py DCPROJ SCENARIO: scenarios/europe-hyperscalers.json recomputed
independently of dcproj (issue 23).

The scenario extends microsoft-europe-2025.json with `calibration: frozen`.
This script reads both files itself, merges them (RFC 7396, events merged
by id), solves Microsoft's two pledge targets for g1 and g2 with
scipy.optimize.fsolve on the parent alone, and then computes, for every
entry and year-end 2023-2030:
- capacity: the parent's piecewise compound growth for Microsoft's entries,
  a 2023 baseline (its distribution's mean) for the others, plus every event
  add * f with f = min(1, (e - s) / ramp_months) (SPEC 3.5); a pledge's add is
  amount * mean(mw_per_bn_eur) = amount * (20 + 40 + 120) / 3;
- energy_twh of each calendar year: 8.76e-3 * the integral of C(t) * u * PUE(t)
  (scipy.integrate.quad, with the year split at every event start and ramp
  end), u = mean(utilization), PUE the linear curve or a country's own value.
It then runs `dcproj run SCENARIO --draws 0` and compares every country,
group and TOTAL cell of capacity and energy_twh to 1e-9 relative, and the
`--solution` rows of the IEA targets (model energy and residual); and runs
the scenario's own Monte Carlo and checks every group's and TOTAL's mean and
quantiles of capacity and energy at the horizon against an independent
simulation (mc_check).
A mistake in the scenario's plumbing (a pledge not reaching its entry, a
wrong ramp, Microsoft's rates re-solved on the whole of Europe) shows up as
a difference here.

Exit: 0 agree, 1 a difference, 77 (skip) without numpy or scipy.
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracle"))
try:
    import numpy as np
    from scipy import integrate, optimize
except ImportError:
    print("SKIP: numpy/scipy not installed")
    sys.exit(77)
# RFC 7396 and SPEC 2's ignored keys: the oracle's (tests/oracle), one copy among the test tools.
from oracle import _strip as strip_ignored, merge_patch as merge  # noqa: E402

RTOL = 1e-9


def resolve(path):
    """(resolved parent or None, resolved document), both without ignored keys."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if "extends" in doc:
        parent = resolve(os.path.join(os.path.dirname(path), doc["extends"]))[1]
        child = dict(doc)
        del child["extends"]
        return parent, strip_ignored(merge(parent, child))
    return None, strip_ignored(doc)


def dist_mean(x):
    if isinstance(x, dict) and "dist" in x:
        d = x["dist"]
        if d in ("normal", "lognormal"):
            return x["mean"]
        if d == "uniform":
            return (x["min"] + x["max"]) / 2
        if d == "triangular":
            return (x["min"] + x["mode"] + x["max"]) / 3
        if d == "pert":
            return (x["min"] + 4 * x["mode"] + x["max"]) / 6
    return x


class Values:
    """Parameter values: numbers, distributions (their mean), {"var": ...}."""

    def __init__(self, doc, unknowns):
        self.doc, self.unknowns = doc, unknowns

    def __call__(self, p):
        if isinstance(p, (int, float)):
            return float(p)
        if isinstance(p, dict) and "var" in p:
            name = p["var"]
            if name in self.unknowns:
                v = self.unknowns[name]
            else:
                v = dist_mean(self.doc["variables"][name]["value"])
            return p.get("times", 1) * v + p.get("plus", 0)
        return float(dist_mean(p))


def months_since_base(date, base):
    """SPEC 1: a date's start in months since the end of the baseline year."""
    parts = date.split("-")
    y = int(parts[0])
    m, day = 1, 1
    if len(parts) >= 2:
        if parts[1].startswith("Q"):
            m = 3 * int(parts[1][1:]) - 2
        else:
            m = int(parts[1])
    if len(parts) == 3:
        day = int(parts[2])
    dim = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28,
           31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return 12 * (y - 1 - base) + (m - 1) + (day - 1) / dim


def events_of(doc):
    ev = doc.get("events", [])
    return list(ev.values()) if isinstance(ev, dict) else list(ev)


class Model:
    def __init__(self, doc, unknowns=None, baselines=None):
        self.doc = doc
        self.baselines = baselines or {}
        self.base = doc["baseline_year"]
        self.val = Values(doc, unknowns or {})
        self.events = {}
        for e in events_of(doc):
            s = months_since_base(e["date"], self.base) + self.val(e.get("delay_months", 0))
            add = self.val(e["add"]) * self.val(e.get("probability", 1))
            self.events.setdefault(e["country"], []).append((s, float(e.get("ramp_months", 0)), add))

    def growth(self, code):
        c = self.doc["countries"][code]
        g = self.doc.get("defaults", {}).get("growth")
        own = c.get("growth")
        if own is not None:
            g = merge(g, own) if ("model" not in own or own["model"] == g.get("model")) else own
        return g

    def capacity(self, code, t_years):
        """C(t) of SPEC 3 (compound piecewise or linear) plus events, floored at 0."""
        c = self.doc["countries"][code]
        g = self.growth(code)
        c0 = self.baselines.get(code, self.val(c.get("baseline", 0)))
        if g["model"] == "linear":
            v = c0 + self.val(g["per_year"]) * t_years
        elif g["model"] == "compound":
            if "rates" in g:
                v, lo = c0, 0.0
                for seg in g["rates"]:
                    hi = (seg["until"] - self.base) if "until" in seg else float("inf")
                    span = max(0.0, min(t_years, hi) - lo)
                    v *= (1 + self.val(seg["rate"])) ** span
                    lo = hi
            else:
                v = c0 * (1 + self.val(g["rate"])) ** t_years
        else:
            raise SystemExit("check_europe.py: model %s not handled" % g["model"])
        e_months = 12 * t_years
        for s, ramp, add in self.events.get(code, []):
            if e_months > s:
                v += add * (1.0 if ramp == 0 else min(1.0, (e_months - s) / ramp))
        return max(v, 0.0)

    def kinks(self, code):
        out = []
        for s, ramp, _ in self.events.get(code, []):
            out += [s / 12, (s + ramp) / 12]
        return out

    def power_param(self, code, key):
        p = self.doc["countries"][code].get("power", {}).get(key, self.doc["power"][key])
        if isinstance(p, dict) and "points" in p:
            pts = sorted((int(y) - self.base, float(v)) for y, v in p["points"].items())
            assert p.get("interp", "linear") == "linear"

            def curve(t):
                if t <= pts[0][0]:
                    return pts[0][1]
                for (t0, v0), (t1, v1) in zip(pts, pts[1:]):
                    if t <= t1:
                        return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
                return pts[-1][1]
            return curve
        v = self.val(p)
        return lambda t: v

    def energy_twh(self, code, year):
        """Energy used in calendar year `year` (SPEC 3.7), TWh."""
        a, b = year - 1 - self.base, year - self.base
        pue = self.power_param(code, "pue")
        util = self.power_param(code, "utilization")
        pts = sorted(k for k in self.kinks(code) if a < k < b)
        f = lambda t: self.capacity(code, t) * util(t) * pue(t)  # noqa: E731
        val, err = integrate.quad(f, a, b, points=pts or None, epsabs=0, epsrel=1e-13, limit=200)
        return 8.76e-3 * val


def groups_of(doc):
    order, members = [], {}
    for code, c in doc["countries"].items():
        for g in c.get("groups", []):
            if g not in members:
                order.append(g)
                members[g] = []
            members[g].append(code)
    return order, members


def solve_parent(parent):
    """Microsoft's targets on the parent alone (SPEC 4 frozen calibration)."""
    names = list(parent["variables"])
    targets = parent["targets"]

    def residuals(x):
        m = Model(parent, dict(zip(names, x)))
        tot = lambda y: sum(m.capacity(c, y - m.base) for c in parent["countries"])  # noqa: E731
        return [(tot(t["year"]) / tot(t["base_year"])) / t["ratio"] - 1 for t in targets]
    x0 = [parent["variables"][n].get("guess", 0.1) for n in names]
    x, info, ier, msg = optimize.fsolve(residuals, x0, xtol=1e-14, full_output=True)
    assert ier == 1 and max(abs(r) for r in residuals(x)) < 1e-11, msg
    return dict(zip(names, x))


def sample(rng, d, n):
    if d["dist"] == "triangular":
        return rng.triangular(d["min"], d["mode"], d["max"], n)
    if d["dist"] == "uniform":
        return rng.uniform(d["min"], d["max"], n)
    raise SystemExit("check_europe.py: distribution %s not handled" % d["dist"])


def mc_check(doc, unknowns, rows, year):
    """Monte Carlo quantiles of every group and TOTAL at `year` against an
    independent simulation.  Capacity is linear in the conversion factor F and
    in each uncertain baseline b, and energy is u times a linear function of
    them, so three deterministic evaluations per entry give the coefficients
    and numpy draws F, u and the b's (400,000 draws).  dcproj's quantile from n
    draws must lie between the simulated quantiles at q -/+ 4 sd of a sample
    quantile's rank (sqrt(q(1 - q)/n)), and its mean within 4 standard errors."""
    draws = doc["uncertainty"]["draws"]
    qs = doc["uncertainty"]["quantiles"]
    shared = {k: v["value"] for k, v in doc["variables"].items()
              if isinstance(v.get("value"), dict) and "dist" in v["value"]}
    assert set(shared) == {"mw_per_bn_eur", "utilization"}, shared
    rng = np.random.default_rng(20301)
    n = 400000
    fac = sample(rng, shared["mw_per_bn_eur"], n)
    util = sample(rng, shared["utilization"], n)
    codes = list(doc["countries"])
    base = dict(unknowns, mw_per_bn_eur=0.0, utilization=1.0)
    m0 = Model(doc, base, {c: 0.0 for c in codes})
    m_f = Model(doc, dict(base, mw_per_bn_eur=1.0), {c: 0.0 for c in codes})
    m_b = Model(doc, base, {c: 1.0 for c in codes})
    m_fixed = Model(doc, base)  # a fixed baseline as written, F = 0
    cap, en = {}, {}
    t = year - doc["baseline_year"]
    for c in codes:
        bl = doc["countries"][c].get("baseline", 0)
        random_b = isinstance(bl, dict) and "dist" in bl
        c0, e0 = m0.capacity(c, t), m0.energy_twh(c, year)
        cf, ef = m_f.capacity(c, t) - c0, m_f.energy_twh(c, year) - e0
        if random_b:
            b = sample(rng, bl, n)
            cb, eb = m_b.capacity(c, t) - c0, m_b.energy_twh(c, year) - e0
        else:
            b, cb, eb = 0.0, 0.0, 0.0
            c0, e0 = m_fixed.capacity(c, t), m_fixed.energy_twh(c, year)
        cap[c] = c0 + cf * fac + cb * b
        en[c] = util * (e0 + ef * fac + eb * b)
    order, members = groups_of(doc)
    bad = 0
    for g in order + ["TOTAL"]:
        mem = members.get(g, codes)
        for metric, vals in (("capacity", sum(cap[c] for c in mem)), ("energy_twh", sum(en[c] for c in mem))):
            r = rows[(g, year)]
            prefix = "" if metric == "capacity" else metric + "_"
            got_mean = float(r[prefix + "mean"])
            se = vals.std() / draws ** 0.5
            if abs(got_mean - vals.mean()) > 4 * se + 1e-9 * abs(vals.mean()):
                print("%s %s %d mean: dcproj %.6g, simulated %.6g (se %.3g)" % (metric, g, year, got_mean, vals.mean(), se))
                bad += 1
            for q in qs:
                col = prefix + "p%s" % ("%.10g" % (q * 100))
                got = float(r[col])
                d = 4 * (q * (1 - q) / draws) ** 0.5
                lo, hi = np.quantile(vals, [max(0.0, q - d), min(1.0, q + d)])
                if not (lo - 1e-9 * abs(lo) <= got <= hi + 1e-9 * abs(hi)):
                    print("%s %s %d %s: dcproj %.6g outside [%.6g, %.6g]" % (metric, g, year, col, got, lo, hi))
                    bad += 1
    return bad


def close(a, b):
    return abs(a - b) <= RTOL * max(1.0, abs(b))


def main(argv):
    dcproj, scenario = argv[1], argv[2]
    parent, doc = resolve(scenario)
    unknowns = solve_parent(parent)
    m = Model(doc, unknowns)
    years = list(range(doc["baseline_year"], doc["horizon"] + 1))
    codes = list(doc["countries"])
    cap = {c: {y: m.capacity(c, y - m.base) for y in years} for c in codes}
    en = {c: {y: m.energy_twh(c, y) for y in years[1:]} for c in codes}
    order, members = groups_of(doc)
    for g in order + ["TOTAL"]:
        mem = members.get(g, codes)
        cap[g] = {y: sum(cap[c][y] for c in mem) for y in years}
        en[g] = {y: sum(en[c][y] for c in mem) for y in years[1:]}

    with tempfile.TemporaryDirectory() as tmp:
        sol_path = os.path.join(tmp, "solution.csv")
        out = subprocess.run([dcproj, "run", scenario, "-q", "--draws", "0", "--solution", sol_path],
                             capture_output=True, text=True)
        if out.returncode != 0:
            print("dcproj run failed (%d): %s" % (out.returncode, out.stderr))
            return 1
        with open(sol_path, encoding="utf-8") as f:
            sol_text = f.read()
    bad = 0
    rows = 0
    for r in csv.DictReader(io.StringIO(out.stdout)):
        y = int(r["period"])
        code = r["code"]
        rows += 1
        if not close(float(r["capacity"]), cap[code][y]):
            print("capacity %s %d: dcproj %s, expected %.17g" % (code, y, r["capacity"], cap[code][y]))
            bad += 1
        if y == m.base:
            if r["energy_twh"] != "":
                print("energy_twh %s %d: first row should be empty" % (code, y))
                bad += 1
        elif not close(float(r["energy_twh"]), en[code][y]):
            print("energy_twh %s %d: dcproj %s, expected %.17g" % (code, y, r["energy_twh"], en[code][y]))
            bad += 1
    expect_rows = (len(codes) + len(order) + 1) * len(years)
    if rows != expect_rows:
        print("rows: dcproj %d, expected %d" % (rows, expect_rows))
        bad += 1
    sol = {r["id"]: r for r in csv.DictReader(io.StringIO(sol_text)) if r.get("type")}
    for name, v in unknowns.items():
        if abs(float(sol[name]["value"]) - v) > 1e-9:
            print("variable %s: dcproj %s, expected %.17g" % (name, sol[name]["value"], v))
            bad += 1
    for t in doc["targets"]:
        model = en[t["scope"]][t["year"]]
        if not close(float(sol[t["id"]]["value"]), model) or \
           abs(float(sol[t["id"]]["residual"]) - (model / t["value"] - 1)) > 1e-9:
            print("target %s: dcproj %s / %s, expected %.17g / %.17g" % (
                t["id"], sol[t["id"]]["value"], sol[t["id"]]["residual"], model, model / t["value"] - 1))
            bad += 1
    h = doc["horizon"]
    out = subprocess.run([dcproj, "run", scenario, "-q"], capture_output=True, text=True)
    if out.returncode != 0:
        print("dcproj run (Monte Carlo) failed (%d): %s" % (out.returncode, out.stderr))
        return 1
    mc_rows = {(r["code"], int(r["period"])): r for r in csv.DictReader(io.StringIO(out.stdout))
               if r["kind"] != "country"}
    bad += mc_check(doc, unknowns, mc_rows, h)
    print("checked %d rows; TOTAL %d: %.6g MW, %.6g TWh (IEA %s: %.1f%%)" % (
        rows, h, cap["TOTAL"][h], en["TOTAL"][h], h, 100 * en["TOTAL"][h] / 113))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
