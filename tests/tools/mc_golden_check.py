#!/usr/bin/env python3
"""The shipped Monte Carlo goldens checked by an independent simulation
(issue 14 part 6).  Usage: mc_golden_check.py DCPROJ SOURCE_ROOT [GOLDEN.csv ...]
Exit 77 without numpy (scipy too, only if a correlated site has a bounded
marginal, which the shipped scenarios do not have).

For scenarios/what-if/uncertain.json and uncertain-correlated.json the
resolved document (no `extends`) is read from `dcproj run --format json`
(`provenance.scenario`), the frozen variables from `solution.variables`.
The model is then simulated here in numpy from SPEC §3 and §5 with numpy's
own generator (never dcproj's streams): compound growth with piecewise rates,
events (date, delay, ramp, Bernoulli occurrence), the floor at 0, §5.1
distributions (normal, lognormal by moments, uniform, triangular, PERT), one
independent draw per site (§5.2), the Gaussian copula over the listed
correlation paths (§5.3), groups and TOTAL as the per-draw sum (§3.8).

Asserted against scenarios/expected/what-if-uncertain*.csv, every row
(country, group, TOTAL) and period:
- `capacity` (deterministic: means of distributions, add·probability) equals
  this script's deterministic projection within 1e-9 relative;
- `mean` lies within 5 standard errors of this simulation's mean, the
  standard error being sd·sqrt(1/n + 1/M) (n = the golden's draws, M this
  script's draws); a cell with sd 0 must match within 1e-9 relative;
- each quantile x_q (columns pX) has F_M(x_q) within
  5·sqrt(q(1-q)·(1/n + 1/M)) of q, F_M the empirical CDF of this simulation
  (the binomial error of an order statistic; distribution-free, no density
  estimate needed).  At an atom (e.g. a country whose capacity is 0 in
  2023) the interval [F_M(x-), F_M(x)] must come within that distance of q.
Only capacity statistics are checked (the shipped scenarios have no
`metrics`); features the two scenarios do not use (other growth models,
shared uncertain variables, power parameters as distributions) are refused
loudly rather than silently ignored.
Extra GOLDEN.csv arguments replace the shipped goldens (used to show the
check fails on a mutated golden)."""
import csv
import calendar
import json
import math
import os
import re
import subprocess
import sys
import time

try:
    import numpy as np
except ImportError:
    print("numpy not installed: skipped")
    sys.exit(77)

M = 200000          # draws of this simulation
K = 5.0             # tolerance in standard errors
SEED = 20261202     # numpy's generator, independent of dcproj's seed

failures = []


def fail(msg):
    failures.append(msg)


class Unsupported(Exception):
    pass


def is_dist(p):
    return isinstance(p, dict) and "dist" in p


def num(v, vars_):
    """A number or a reference to a fixed variable (a·X + b)."""
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, dict) and "var" in v:
        return vars_[v["var"]] * float(v.get("times", 1)) + float(v.get("plus", 0))
    raise Unsupported("not a number or reference: %r" % (v,))


def dist_fields(p, vars_):
    return {k: num(v, vars_) for k, v in p.items() if k != "dist" and k != "source"}


def dist_mean(p, vars_):
    f = dist_fields(p, vars_)
    d = p["dist"]
    if d in ("normal", "lognormal"):
        return f["mean"]
    if d == "uniform":
        return (f["min"] + f["max"]) / 2
    if d == "triangular":
        return (f["min"] + f["mode"] + f["max"]) / 3
    if d == "pert":
        return (f["min"] + 4 * f["mode"] + f["max"]) / 6
    raise Unsupported("distribution " + d)


def param_mean(p, vars_):
    return dist_mean(p, vars_) if is_dist(p) else num(p, vars_)


def ppf_from_u(p, vars_, u):
    """Inverse CDF of a bounded §5.1 marginal at u (closed forms; PERT by scipy)."""
    f = dist_fields(p, vars_)
    d = p["dist"]
    if d == "uniform":
        return f["min"] + u * (f["max"] - f["min"])
    a, b = f["min"], f["max"]
    c = f["mode"]
    if d == "triangular":
        fc = (c - a) / (b - a)
        lo = a + np.sqrt(u * (b - a) * (c - a))
        hi = b - np.sqrt((1 - u) * (b - a) * (b - c))
        return np.where(u < fc, lo, hi)
    if d == "pert":
        from scipy.stats import beta as sbeta
        al = 1 + 4 * (c - a) / (b - a)
        be = 1 + 4 * (b - c) / (b - a)
        return a + (b - a) * sbeta.ppf(u, al, be)
    raise Unsupported("distribution " + d)


def sample(p, vars_, rng, z=None):
    """M draws of parameter p; z (standard normals) given for a copula site."""
    if not is_dist(p):
        return np.full(M, num(p, vars_))
    f = dist_fields(p, vars_)
    d = p["dist"]
    if d == "normal":
        zz = rng.standard_normal(M) if z is None else z
        return f["mean"] + f["sd"] * zz
    if d == "lognormal":
        m, s = f["mean"], f["sd"]
        s2 = math.log1p((s / m) ** 2)
        mu = math.log(m) - s2 / 2
        zz = rng.standard_normal(M) if z is None else z
        return np.exp(mu + math.sqrt(s2) * zz)
    if z is None:
        if d == "uniform":
            return rng.uniform(f["min"], f["max"], M)
        if d == "triangular":
            return rng.triangular(f["min"], f["mode"], f["max"], M)
        if d == "pert":
            a, c, b = f["min"], f["mode"], f["max"]
            return a + (b - a) * rng.beta(1 + 4 * (c - a) / (b - a), 1 + 4 * (b - c) / (b - a), M)
        raise Unsupported("distribution " + d)
    from scipy.stats import norm
    u = np.clip(norm.cdf(z), 2.0 ** -53, 1 - 2.0 ** -53)
    return ppf_from_u(p, vars_, u)


def date_months(s, B):
    """SPEC §1: months from the end of B to the start of the date."""
    m = re.fullmatch(r"(\d{4})(?:-Q([1-4])|-(\d{2})(?:-(\d{2}))?)?", s)
    if not m:
        raise Unsupported("date " + s)
    Y = int(m.group(1))
    if m.group(2):
        mon, day = 3 * int(m.group(2)) - 2, 1
    else:
        mon = int(m.group(3)) if m.group(3) else 1
        day = int(m.group(4)) if m.group(4) else 1
    return 12 * (Y - 1 - B) + (mon - 1) + (day - 1) / calendar.monthrange(Y, mon)[1]


def merge(a, b):
    """RFC 7396 merge patch b onto a."""
    if not isinstance(b, dict):
        return b
    out = dict(a) if isinstance(a, dict) else {}
    for k, v in b.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge(out.get(k), v)
    return out


class Model:
    """The resolved scenario as a list of sites and a projection function."""

    def __init__(self, doc, solved):
        self.B = int(doc["baseline_year"])
        H = int(doc["horizon"])
        if doc.get("step", "year") != "year":
            raise Unsupported("step " + doc["step"])
        self.ends = [12 * (y - self.B) for y in range(self.B, H + 1)]
        vars_ = {}
        for vid, v in doc.get("variables", {}).items():
            if vid.startswith(("$", "_")):
                continue
            if vid in solved:
                vars_[vid] = float(solved[vid])
            elif isinstance(v.get("value"), (int, float)):
                vars_[vid] = float(v["value"])
            else:
                raise Unsupported("variable %s (shared uncertain or unknown)" % vid)
        self.vars = vars_
        unc = doc.get("uncertainty", {})
        if unc.get("metrics", ["capacity"]) != ["capacity"]:
            print("note: metrics %r; only capacity statistics are checked" % unc["metrics"])
        self.quantiles = unc.get("quantiles", [0.05, 0.5, 0.95])
        self.correlation = unc.get("correlation", [])
        dg = doc.get("defaults", {}).get("growth")
        self.countries = []    # (code, groups, baseline site, [(until, rate site)])
        for code, c in doc["countries"].items():
            if code.startswith(("$", "_")):
                continue
            g = c.get("growth")
            if g is None:
                g = dg
            elif dg is not None and g.get("model", dg.get("model")) == dg.get("model"):
                g = merge(dg, g)
            if g is None or g.get("model") != "compound":
                raise Unsupported("country %s growth model %r" % (code, g and g.get("model")))
            if "power" in c and any(is_dist(v) for v in c["power"].values()):
                raise Unsupported("uncertain power of " + code)
            # site paths as written: the country's own growth, else defaults.growth
            own = c.get("growth", {})
            if "rates" in g:
                base = "countries.%s.growth.rates" % code if "rates" in own else "defaults.growth.rates"
                segs = [(r.get("until"), r["rate"], "%s[%d].rate" % (base, i))
                        for i, r in enumerate(g["rates"])]
            else:
                base = "countries.%s.growth.rate" % code if "rate" in own else "defaults.growth.rate"
                segs = [(None, g["rate"], base)]
            self.countries.append((code, c.get("groups", []), c["baseline"],
                                   "countries.%s.baseline" % code, segs))
        ev = doc.get("events", [])
        items = (((k, e) for k, e in ev.items() if not k.startswith(("$", "_")))
                 if isinstance(ev, dict) else (("[%d]" % i, e) for i, e in enumerate(ev)))
        self.events = []
        for eid, e in items:
            path = "events.%s" % eid if isinstance(ev, dict) else "events%s" % eid
            self.events.append((e["country"], date_months(e["date"], self.B), e["add"],
                                float(e.get("ramp_months", 0)), e.get("probability", 1),
                                e.get("delay_months", 0), path))
        groups = []
        for _, gs, *_ in self.countries:
            for gname in gs:
                if gname not in groups:
                    groups.append(gname)
        self.groups = groups

    def sites(self):
        """Every (path, param) that is a distribution, with its country."""
        out = []
        for code, _, bl, blpath, segs in self.countries:
            if is_dist(bl):
                out.append((blpath, code))
            for _, r, path in segs:
                if is_dist(r):
                    out.append((path, code))
        for country, _, add, _, prob, delay, path in self.events:
            for key, p in (("add", add), ("probability", prob), ("delay_months", delay)):
                if is_dist(p):
                    out.append((path + "." + key, country))
        return out

    def copula_normals(self, rng):
        """Correlated standard normals for every matched site (§5.3)."""
        if not self.correlation:
            return {}
        sites = self.sites()
        matched = []
        rho = {}
        for entry in self.correlation:
            idx = [i for i, (path, _) in enumerate(sites) if path in entry["params"]]
            for p in entry["params"]:
                if not any(sites[i][0] == p for i in idx):
                    raise Unsupported("correlation path matches nothing: " + p)
            for i in idx:
                if i not in matched:
                    matched.append(i)
            for i in idx:
                for j in idx:
                    if i != j:
                        rho[(i, j)] = entry["rho"]
        n = len(matched)
        R = np.eye(n)
        for a, i in enumerate(matched):
            for b, j in enumerate(matched):
                if (i, j) in rho:
                    R[a, b] = rho[(i, j)]
        L = np.linalg.cholesky(R)
        Z = L @ rng.standard_normal((n, M))
        return {sites[i]: Z[a] for a, i in enumerate(matched)}

    def project(self, rng=None):
        """Capacity per row and period: arrays of shape (M, periods) when
        rng is given (Monte Carlo), else the deterministic values."""
        mc = rng is not None
        Z = self.copula_normals(rng) if mc else {}
        P = len(self.ends)
        t = np.array(self.ends, dtype=float) / 12.0

        def draw(p, path, code, lo=None, hi=None):
            if not mc:
                return param_mean(p, self.vars)
            x = sample(p, self.vars, rng, Z.get((path, code)))
            if is_dist(p) and p["dist"] in ("normal", "lognormal") and (lo is not None or hi is not None):
                x = np.clip(x, lo, hi)
            return x[:, None]

        cap = {}
        for code, _, bl, blpath, segs in self.countries:
            c0 = draw(bl, blpath, code, 0.0, None)
            logf = np.zeros((M, P)) if mc else np.zeros(P)
            prev = 0.0
            for until, r, path in segs:
                hi_t = math.inf if until is None else float(until - self.B)
                overlap = np.clip(np.minimum(t, hi_t) - prev, 0.0, None)
                rr = draw(r, path, code, -0.999999, None)
                logf = logf + np.log1p(rr) * overlap
                prev = hi_t
            cap[code] = c0 * np.exp(logf)
        e = np.array(self.ends, dtype=float)
        for country, s0, add, ramp, prob, delay, path in self.events:
            a = draw(add, path + ".add", country)
            d = draw(delay, path + ".delay_months", country, 0.0, None)
            p = draw(prob, path + ".probability", country, 0.0, 1.0)
            s = s0 + d
            f = np.where(e <= s, 0.0, 1.0 if ramp == 0 else np.minimum(1.0, (e - s) / (ramp or 1)))
            if mc:
                occurs = (rng.random(M) < p[:, 0])[:, None]
                cap[country] = cap[country] + np.where(occurs, a * f, 0.0)
            else:
                cap[country] = cap[country] + a * p * f
        for code in cap:
            cap[code] = np.maximum(cap[code], 0.0)
        rows = dict(cap)
        for gname in self.groups:
            rows[gname] = sum(cap[code] for code, gs, *_ in self.countries if gname in gs)
        rows["TOTAL"] = sum(cap.values())
        return rows


def check(dcproj, scen, golden):
    out = subprocess.run([dcproj, "run", scen, "--format", "json"], capture_output=True, text=True)
    if out.returncode != 0:
        fail("%s: dcproj run exit %d: %s" % (scen, out.returncode, out.stderr.strip()))
        return
    d = json.loads(out.stdout)
    doc = d["provenance"]["scenario"]
    if "extends" in doc:
        fail("%s: provenance still has extends" % scen)
    model = Model(doc, d.get("solution", {}).get("variables", {}))
    n = int(d["provenance"]["draws"])
    det = model.project()
    sim = model.project(np.random.default_rng(SEED))
    with open(golden, newline="") as fh:
        rows = list(csv.DictReader(fh))
    qcols = [(q, "p%.10g" % (q * 100)) for q in model.quantiles]
    periods = [str(y) for y in range(model.B, model.B + len(model.ends))]
    seen = set()
    checked = 0
    worst_mean = worst_q = 0.0
    for r in rows:
        code, k = r["code"], periods.index(r["period"])
        where = "%s %s %s" % (os.path.basename(golden), code, r["period"])
        seen.add(code)
        dv = det[code][k]
        if not math.isclose(float(r["capacity"]), dv, rel_tol=1e-9, abs_tol=1e-9):
            fail("%s: capacity %s, expected %.17g" % (where, r["capacity"], dv))
        x = sim[code][:, k]
        sd = float(np.std(x))
        gm = float(r["mean"])
        if sd == 0.0:
            if not math.isclose(gm, float(x[0]), rel_tol=1e-9, abs_tol=1e-9):
                fail("%s: mean %r of a constant %.17g" % (where, gm, x[0]))
        else:
            se = sd * math.sqrt(1.0 / n + 1.0 / M)
            z = (gm - float(np.mean(x))) / se
            worst_mean = max(worst_mean, abs(z))
            if abs(z) > K:
                fail("%s: mean %.6g vs simulated %.6g: %.1f standard errors" % (where, gm, np.mean(x), z))
        xs = np.sort(x)
        for q, col in qcols:
            gq = float(r[col])
            eps = 1e-9 * max(1.0, abs(gq))
            f_lt = np.searchsorted(xs, gq - eps, side="left") / M
            f_le = np.searchsorted(xs, gq + eps, side="right") / M
            tol = K * math.sqrt(max(q * (1 - q), 1e-12) * (1.0 / n + 1.0 / M))
            if not f_lt <= q <= f_le:
                worst_q = max(worst_q, K * min(abs(f_lt - q), abs(f_le - q)) / tol)
            if not (f_lt - tol <= q <= f_le + tol):
                fail("%s: %s %.6g has simulated CDF [%.4f, %.4f], q %g, tolerance %.4f"
                     % (where, col, gq, f_lt, f_le, q, tol))
        checked += 1
    want = set(sim)
    if seen != want:
        fail("%s: rows %s, expected %s" % (golden, sorted(seen), sorted(want)))
    if checked != len(want) * len(periods):
        fail("%s: %d rows, expected %d" % (golden, checked, len(want) * len(periods)))
    print("%s: %d rows x (capacity, mean, %s) against %d numpy draws (golden n = %d); "
          "largest deviation: mean %.2f, quantile %.2f standard errors (limit %g)"
          % (os.path.basename(golden), checked, ", ".join(c for _, c in qcols), M, n,
             worst_mean, worst_q, K))


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    dcproj, root = sys.argv[1], sys.argv[2]
    shipped = [("uncertain.json", "what-if-uncertain.csv"),
               ("uncertain-correlated.json", "what-if-uncertain-correlated.csv")]
    goldens = sys.argv[3:] or [os.path.join(root, "scenarios", "expected", g) for _, g in shipped]
    t0 = time.time()
    for (scen, _), golden in zip(shipped, goldens):
        try:
            check(dcproj, os.path.join(root, "scenarios", "what-if", scen), golden)
        except Unsupported as exc:
            fail("%s: cannot simulate: %s" % (scen, exc))
        except ImportError as exc:
            print("%s needed: skipped" % exc.name)
            return 77
    print("%.1f s" % (time.time() - t0))
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
