#!/usr/bin/python3
"""Independent reference calculation for dcproj scenarios (SPEC.md sections 1-4).

Written from the SPEC, not from dcproj's C code, so that dcproj's numbers for the shipped
Microsoft scenarios can be checked against a second implementation. It supports only what
those scenarios use and stops with an error on anything else:

  - yearly, quarterly or monthly steps (SPEC 1);
  - `extends` with RFC 7396 merging and `"calibration": "frozen"` (SPEC 6, 4);
  - growth models `compound` (single rate or piecewise `rates`), `linear`, `logistic` (SPEC 3);
  - events with ramp, probability (expected value) and delay (SPEC 3.5), floors at 0 (3.6);
  - parameters that are numbers, variable references or distributions (their mean, SPEC 2.1, 5.1);
  - ratio and value targets, solved exactly when unknowns = targets (SPEC 4) by bisection
    (one unknown) or a damped Newton iteration with a finite-difference Jacobian (several);
  - power columns (SPEC 3.7), groups and TOTAL (3.8).

It does not run Monte Carlo, does not fit least squares and does not validate the file
completely: `dcproj validate` is the validator.

Usage:
  /usr/bin/python3 msft_check.py SCENARIO.json [--set PATH=VALUE]... [--frozen]
                [-o LONG.csv] [--solution SOL.csv] [--year Y] [--method newton|bisect] [-q]
Only the Python standard library and numpy.
"""

import argparse
import calendar
import json
import math
import os
import re
import sys

import numpy as np


class RefError(Exception):
    """A scenario feature this reference does not support, or invalid data."""


# ---------------------------------------------------------------- documents

def _pairs_no_dup(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise RefError(f"duplicate key {k!r}")
        out[k] = v
    return out


def _strip(node):
    """Drop keys starting with '$' or '_' everywhere (SPEC 2)."""
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if not k.startswith(("$", "_"))}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def merge_patch(target, patch):
    """RFC 7396: objects merge key by key (existing keys keep their place, new keys are
    appended in patch order), null deletes, anything else (arrays included) replaces."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def load_file(path):
    with open(path, encoding="utf-8-sig") as f:
        return _strip(json.load(f, object_pairs_hook=_pairs_no_dup))


def resolve(path, depth=0):
    """The fully merged document of `path`; also returns the chain's parent path (or None)."""
    if depth > 16:
        raise RefError("extends chain longer than 16")
    doc = load_file(path)
    parent = doc.pop("extends", None)
    if parent is None:
        return doc, None
    ppath = os.path.join(os.path.dirname(path), parent)
    pdoc, _ = resolve(ppath, depth + 1)
    return merge_patch(pdoc, doc), ppath


def events_of(doc):
    """The events as a list: SPEC v2 2 allows an object id -> event (merged by id)."""
    ev = doc.get("events") or []
    return list(ev.values()) if isinstance(ev, dict) else ev


def set_path(doc, assignment):
    """--set PATH=VALUE == a merge patch {PATH: VALUE}; VALUE is JSON if it parses, else a string."""
    path, _, text = assignment.partition("=")
    try:
        value = json.loads(text)
    except ValueError:
        value = text
    patch = value
    for key in reversed(path.split(".")):
        patch = {key: patch}
    return merge_patch(doc, patch)


# ---------------------------------------------------------------- time

def months_of_date(date, base):
    """SPEC 1: months from the end of the baseline year to the start of `date`."""
    m = re.fullmatch(r"(\d{4})(?:-Q([1-4])|-(\d{2})(?:-(\d{2}))?)?", date)
    if not m:
        raise RefError(f"bad date {date!r}")
    year = int(m.group(1))
    month, day = 1, 1
    if m.group(2):
        month = 3 * int(m.group(2)) - 2
    elif m.group(3):
        month = int(m.group(3))
        if m.group(4):
            day = int(m.group(4))
    dim = calendar.monthrange(year, month)[1]
    if not (1 <= month <= 12 and 1 <= day <= dim):
        raise RefError(f"bad date {date!r}")
    s = 12 * (year - 1 - base) + (month - 1) + (day - 1) / dim
    if s < 0:
        raise RefError(f"date {date!r} is before the start of {base + 1}")
    return s


def periods(base, horizon, step):
    """(label, end in months since the end of B) for every output row."""
    if step == "year":
        return [(str(y), 12 * (y - base)) for y in range(base, horizon + 1)]
    if step == "quarter":
        rows = [(f"{base}-Q4", 0)]
        rows += [(f"{y}-Q{q}", 12 * (y - 1 - base) + 3 * q)
                 for y in range(base + 1, horizon + 1) for q in range(1, 5)]
        return rows
    if step == "month":
        rows = [(f"{base}-12", 0)]
        rows += [(f"{y}-{m:02d}", 12 * (y - 1 - base) + m)
                 for y in range(base + 1, horizon + 1) for m in range(1, 13)]
        return rows
    raise RefError(f"unsupported step {step!r}")


# ---------------------------------------------------------------- parameters

def dist_mean(d, variables):
    def f(key):
        return param(d[key], variables, allow_dist=False)
    kind = d.get("dist")
    if kind in ("normal", "lognormal"):
        return f("mean")
    if kind == "uniform":
        return (f("min") + f("max")) / 2
    if kind == "triangular":
        return (f("min") + f("mode") + f("max")) / 3
    if kind == "pert":
        return (f("min") + 4 * f("mode") + f("max")) / 6
    raise RefError(f"unsupported distribution {kind!r}")


def param(p, variables, allow_dist=True):
    """Deterministic value of a parameter: a number, a.var + b, or a distribution's mean."""
    if isinstance(p, bool):
        raise RefError(f"expected a number, got {p!r}")
    if isinstance(p, (int, float)):
        return float(p)
    if isinstance(p, dict) and "var" in p:
        if set(p) - {"var", "times", "plus"}:
            raise RefError(f"bad variable reference {p!r}")
        if p["var"] not in variables:
            raise RefError(f"unknown variable {p['var']!r}")
        return p.get("times", 1.0) * variables[p["var"]] + p.get("plus", 0.0)
    if isinstance(p, dict) and "dist" in p and allow_dist:
        return dist_mean(p, variables)
    raise RefError(f"unsupported parameter {p!r}")


# ---------------------------------------------------------------- model

def effective_growth(doc, country):
    default = doc.get("defaults", {}).get("growth")
    own = country.get("growth")
    if own is None:
        g = default
    elif default is not None and own.get("model", default.get("model")) == default.get("model"):
        # A country's `rate` or `rates` replaces the other form inherited from the defaults:
        # the SPEC forbids both, and the conformance case basic.json (GB) expects the country's.
        default = {k: v for k, v in default.items()
                   if not (k in ("rate", "rates") and ("rate" in own or "rates" in own))}
        g = merge_patch(default, own)
    else:
        g = own
    if g is None or "model" not in g:
        raise RefError("a country has no growth model")
    return g


def growth_value(g, c0, t, base, variables):
    """C(t) before events (SPEC 3)."""
    model = g["model"]
    if model == "compound":
        if "rates" in g:
            if "rate" in g:
                raise RefError("compound growth with both rate and rates")
            value, lo = c0, 0.0
            for seg in g["rates"]:
                hi = seg["until"] - base if "until" in seg else math.inf
                overlap = max(0.0, min(t, hi) - lo)
                r = param(seg["rate"], variables)
                if r <= -1:
                    raise RefError(f"compound rate {r} <= -1")
                value *= (1 + r) ** overlap
                lo = hi
            if t > lo + 1e-12:
                raise RefError("piecewise rates do not reach the evaluated year")
            return value
        r = param(g["rate"], variables)
        if r <= -1:
            raise RefError(f"compound rate {r} <= -1")
        return c0 * (1 + r) ** t
    if model == "linear":
        return c0 + param(g["per_year"], variables) * t
    if model == "logistic":
        cap, k = param(g["cap"], variables), param(g["rate"], variables)
        if not (0 < c0 < cap and k > 0):
            raise RefError("logistic needs 0 < baseline < cap and rate > 0")
        return cap / (1 + ((cap - c0) / c0) * math.exp(-k * t))
    raise RefError(f"unsupported growth model {model!r}")


def event_value(ev, e, base, variables):
    """Expected contribution of one event to a period ending at e months (SPEC 3.5)."""
    delay = param(ev.get("delay_months", 0), variables)
    if delay < 0:
        raise RefError("negative delay_months")
    s = months_of_date(ev["date"], base) + delay
    if e <= s:
        return 0.0
    ramp = float(ev.get("ramp_months", 0))
    f = 1.0 if ramp == 0 else min(1.0, (e - s) / ramp)
    prob = param(ev.get("probability", 1), variables)
    return param(ev["add"], variables) * prob * f


def capacities(doc, variables, ends):
    """{code: [floored capacity at each end]} for every country, in file order."""
    base = doc["baseline_year"]
    out = {}
    for code, c in doc["countries"].items():
        g = effective_growth(doc, c)
        if "baseline" not in c:
            raise RefError(f"countries.{code}.baseline missing (points growth unsupported)")
        c0 = param(c["baseline"], variables)
        row = []
        for e in ends:
            v = growth_value(g, c0, e / 12.0, base, variables)
            v += sum(event_value(ev, e, base, variables)
                     for ev in events_of(doc) if ev["country"] == code)
            if not math.isfinite(v):
                raise RefError(f"non-finite value for {code}")
            row.append(max(0.0, v))
        out[code] = row
    for ev in events_of(doc):
        if ev["country"] not in doc["countries"]:
            raise RefError(f"event for unknown country {ev['country']!r}")
    return out


# ---------------------------------------------------------------- Monte Carlo (rough check)

def sample(p, variables, rng, n, lo=-math.inf, hi=math.inf):
    """n draws of a parameter (SPEC 5.1): numbers repeat, normal/lognormal are clamped into
    [lo, hi], bounded distributions are used as they are."""
    if not (isinstance(p, dict) and "dist" in p):
        return np.full(n, param(p, variables))

    def f(key):
        return param(p[key], variables, allow_dist=False)
    kind = p["dist"]
    if kind == "normal":
        x = rng.normal(f("mean"), f("sd"), n)
    elif kind == "lognormal":
        m, sd = f("mean"), f("sd")
        s2 = math.log1p((sd / m) ** 2)
        x = rng.lognormal(math.log(m) - s2 / 2, math.sqrt(s2), n)
    elif kind == "uniform":
        x = rng.uniform(f("min"), f("max"), n)
    elif kind == "triangular":
        x = rng.triangular(f("min"), f("mode"), f("max"), n)
    elif kind == "pert":
        a, c, b = f("min"), f("mode"), f("max")
        x = a + (b - a) * rng.beta(1 + 4 * (c - a) / (b - a), 1 + 4 * (b - c) / (b - a), n)
    else:
        raise RefError(f"unsupported distribution {kind!r}")
    return np.clip(x, lo, hi)


def monte_carlo(doc, variables, ends, draws, seed):
    """{code: array draws x len(ends)} of floored capacities (SPEC 5.2: every distribution is
    drawn independently for each country that uses it; events occur with their probability).
    Only compound growth; numpy's generator, so results agree with dcproj only statistically."""
    rng = np.random.default_rng(seed)
    base = doc["baseline_year"]
    t = np.array(ends, float) / 12.0
    out = {}
    for code, c in doc["countries"].items():
        g = effective_growth(doc, c)
        if g["model"] != "compound":
            raise RefError("Monte Carlo here supports compound growth only")
        c0 = sample(c["baseline"], variables, rng, draws, lo=0.0)
        segs = g["rates"] if "rates" in g else [{"rate": g["rate"]}]
        value = np.repeat(c0[:, None], len(ends), axis=1)
        lo = 0.0
        for seg in segs:
            r = sample(seg["rate"], variables, rng, draws, lo=-0.999999)
            hi = seg["until"] - base if "until" in seg else math.inf
            overlap = np.clip(np.minimum(t, hi) - lo, 0.0, None)
            value = value * (1 + r[:, None]) ** overlap[None, :]
            lo = hi
        for ev in events_of(doc):
            if ev["country"] != code:
                continue
            add = sample(ev["add"], variables, rng, draws)
            prob = sample(ev.get("probability", 1), variables, rng, draws, lo=0.0, hi=1.0)
            occurs = rng.random(draws) < prob
            delay = sample(ev.get("delay_months", 0), variables, rng, draws, lo=0.0)
            s = months_of_date(ev["date"], base) + delay
            ramp = float(ev.get("ramp_months", 0))
            e = np.array(ends, float)[None, :]
            if ramp == 0:
                frac = (e > s[:, None]).astype(float)
            else:
                frac = np.clip((e - s[:, None]) / ramp, 0.0, 1.0)
            value = value + (add * occurs)[:, None] * frac
        out[code] = np.maximum(value, 0.0)
    return out


def groups_of(doc):
    groups = {}
    for code, c in doc["countries"].items():
        for g in c.get("groups", []):
            groups.setdefault(g, []).append(code)
    return groups


def scope_values(doc, caps, scope):
    if scope == "TOTAL":
        members = list(doc["countries"])
    elif scope in doc["countries"]:
        members = [scope]
    else:
        members = groups_of(doc).get(scope)
        if members is None:
            raise RefError(f"unknown scope {scope!r}")
    return np.sum([caps[m] for m in members], axis=0)


# ---------------------------------------------------------------- calibration

def target_report(doc, variables):
    """[(id, model value or ratio, residual, cagr)] for every target (SPEC 4)."""
    base = doc["baseline_year"]
    targets = doc.get("targets", [])
    years = sorted({t["year"] for t in targets} | {t.get("base_year", base) for t in targets})
    if not years:
        return []
    ends = [12 * (y - base) for y in years]
    caps = capacities(doc, variables, ends)
    out = []
    for i, t in enumerate(targets):
        vals = scope_values(doc, caps, t["scope"])
        at = dict(zip(years, vals))
        tid = t.get("id", f"target{i + 1}")
        if "ratio" in t:
            b = t["base_year"]
            if at[b] == 0:
                raise RefError(f"target {tid}: zero base")
            model = at[t["year"]] / at[b]
            resid = model / t["ratio"] - 1
        else:
            b = base
            model = at[t["year"]]
            resid = model / t["value"] - 1
        cagr = "" if at[b] == 0 else (at[t["year"]] / at[b]) ** (1 / (t["year"] - b)) - 1
        out.append((tid, model, resid, cagr, t.get("weight", 1.0)))
    return out


def bisect(f, a, b, what):
    """Root of the scalar function f on [a, b] by plain bisection (signs must differ at a, b)."""
    fa, fb = f(a), f(b)
    if fa == 0:
        return a
    if fb == 0:
        return b
    if fa * fb > 0:
        raise RefError(f"{what}: not bracketed on [{a}, {b}] (residuals {fa}, {fb})")
    for _ in range(200):
        m = 0.5 * (a + b)
        if m in (a, b):
            break
        fm = f(m)
        if fm == 0:
            return m
        if fa * fm < 0:
            b = m
        else:
            a, fa = m, fm
    return 0.5 * (a + b)


def solve(doc, method="newton"):
    """Values of all variables: fixed ones as given, unknowns solved from the targets.

    method "newton": bisection for one unknown, damped Newton for several.
    method "bisect": nested bisection for two unknowns (for each trial of the first unknown,
    the second solves the second target by bisection; the outer bisection on the first
    unknown then solves the first target). It
    assumes each residual is monotone in the unknown it is paired with, which holds for the
    pledge scenarios; it exists to cross-check the Newton result by a different route."""
    fixed = {k: float(v["value"]) for k, v in doc.get("variables", {}).items() if "value" in v}
    unknown = [k for k, v in doc.get("variables", {}).items() if "value" not in v]
    n_t = len(doc.get("targets", []))
    if not unknown:
        return fixed
    if n_t != len(unknown):
        raise RefError(f"{len(unknown)} unknowns and {n_t} targets: only exact solves supported")
    lo = np.array([doc["variables"][k]["min"] for k in unknown], float)
    hi = np.array([doc["variables"][k]["max"] for k in unknown], float)
    guess = np.array([doc["variables"][k].get("guess", (doc["variables"][k]["min"]
                      + doc["variables"][k]["max"]) / 2) for k in unknown], float)

    def resid(x):
        v = dict(fixed, **dict(zip(unknown, x)))
        return np.array([r[2] for r in target_report(doc, v)])

    if len(unknown) == 1:
        x = np.array([bisect(lambda u: resid([u])[0], lo[0], hi[0], unknown[0])])
    elif method == "bisect" and len(unknown) == 2:
        def inner(u):
            return bisect(lambda v: resid([u, v])[1], lo[1], hi[1], unknown[1])
        u = bisect(lambda u: resid([u, inner(u)])[0], lo[0], hi[0], unknown[0])
        x = np.array([u, inner(u)])
    else:
        x = guess.copy()
        for _ in range(200):
            f = resid(x)
            jac = np.empty((len(x), len(x)))
            for j in range(len(x)):
                h = 1e-7 * max(1.0, abs(x[j]))
                xp, xm = x.copy(), x.copy()
                xp[j] += h
                xm[j] -= h
                jac[:, j] = (resid(xp) - resid(xm)) / (2 * h)
            step = np.linalg.solve(jac, -f)
            lam = 1.0
            while lam > 1e-6:   # damped: halve the step until the residual norm decreases
                xn = np.clip(x + lam * step, lo, hi)
                if np.linalg.norm(resid(xn)) < np.linalg.norm(f) or np.linalg.norm(f) < 1e-14:
                    break
                lam /= 2
            done = np.all(np.abs(xn - x) <= 1e-15 * np.maximum(1.0, np.abs(x)))
            x = xn
            if done:
                break
    r = resid(x)
    if np.any(np.abs(r) > 1e-10):
        raise RefError(f"calibration failed: residuals {r}")
    return dict(fixed, **dict(zip(unknown, x)))


def frozen_variables(path, method):
    """SPEC 4 'frozen': the variables as solved on the parent (recursively)."""
    doc, parent = resolve(path)
    if doc.get("calibration") == "frozen" and parent is not None:
        return frozen_variables(parent, method)
    return solve(doc, method)


# ---------------------------------------------------------------- output

def num(x):
    """SPEC 8: %.15g if it reads back, else %.17g; -0 prints as 0; NaN is empty."""
    if x != x:
        return ""
    if x == 0:
        return "0"
    s = "%.15g" % x
    return s if float(s) == x else "%.17g" % x


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--set", action="append", default=[], metavar="PATH=VALUE")
    ap.add_argument("--frozen", action="store_true",
                    help="solve before applying --set (SPEC 4, frozen calibration)")
    ap.add_argument("-o", "--output", help="write the long CSV here")
    ap.add_argument("--solution", help="write type,id,value,residual,cagr here")
    ap.add_argument("--year", type=int, help="year of the summary table (default: horizon)")
    ap.add_argument("--method", choices=("newton", "bisect"), default="newton",
                    help="calibration method (bisect: nested bisection, two unknowns)")
    ap.add_argument("--draws", type=int, help="Monte Carlo draws (default: the file's)")
    ap.add_argument("--seed", type=int, help="Monte Carlo seed (default: the file's)")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)

    doc, parent = resolve(a.scenario)
    frozen = doc.get("calibration") == "frozen" and parent is not None
    if frozen:
        variables = frozen_variables(parent, a.method)
    elif a.frozen:
        variables = solve(doc, a.method)
    for s in a.set:
        doc = set_path(doc, s)
    if frozen or a.frozen:
        doc["variables"] = {k: {"value": v} for k, v in variables.items()}
    else:
        variables = solve(doc, a.method)

    base, horizon = doc["baseline_year"], doc["horizon"]
    rows = periods(base, horizon, doc.get("step", "year"))
    caps = capacities(doc, variables, [e for _, e in rows])
    power = doc.get("power")

    def pw(code, key):
        p = dict(power)
        p.update(doc["countries"][code].get("power", {}))
        return float(param(p[key], variables))  # a distribution's mean (SPEC v2 3.7)

    def energy(code):
        """SPEC v2 3.7: TWh used in each period, 8.76e-3 * u * pue * the integral
        of the capacity (scipy's quad split at every event start, ramp end and
        rate-segment boundary; first row NaN = empty)."""
        from scipy.integrate import quad
        kinks = set()
        for ev in events_of(doc):
            if ev["country"] == code:
                s0 = months_of_date(ev["date"], base) + param(ev.get("delay_months", 0), variables)
                kinks |= {s0, s0 + float(ev.get("ramp_months", 0))}
        g = effective_growth(doc, doc["countries"][code])
        for seg in g.get("rates", []):
            if "until" in seg:
                kinks.add(12.0 * (seg["until"] - base))
        ends = [e for _, e in rows]
        out = [float("nan")]
        for e0, e1 in zip(ends, ends[1:]):
            cuts = [e0] + sorted(k for k in kinks if e0 < k < e1) + [e1]
            mw_months = sum(quad(lambda e: capacities(doc, variables, [e])[code][0], a, z,
                                 epsabs=0.0, epsrel=1e-13)[0] for a, z in zip(cuts, cuts[1:]))
            out.append(8.76e-3 * pw(code, "utilization") * pw(code, "pue") * mw_months / 12.0)
        return np.array(out)

    series = []   # (kind, code, name, capacity list, it, facility, energy)
    for code, c in doc["countries"].items():
        cap = np.array(caps[code])
        if power:
            it = cap * pw(code, "utilization")
            fac = it * pw(code, "pue")
            series.append(("country", code, c.get("name", ""), cap, it, fac, energy(code)))
        else:
            series.append(("country", code, c.get("name", ""), cap, None, None, None))
    by_code = {s[1]: s for s in series}

    def aggregate(kind, code, members):
        cols = [np.sum([by_code[m][i] for m in members], axis=0) if power or i == 3 else None
                for i in range(3, 7)]
        return (kind, code, "", *cols)

    aggs = [aggregate("group", g, ms) for g, ms in groups_of(doc).items()]
    aggs.append(aggregate("total", "TOTAL", list(doc["countries"])))
    report = target_report(doc, variables)

    unc = doc.get("uncertainty")
    draws = a.draws if a.draws is not None else (unc.get("draws", 10000) if unc is not None else 0)
    stats = {}   # code -> (mean per period, [quantile per period for each q])
    qs = unc.get("quantiles", [0.05, 0.5, 0.95]) if unc is not None else [0.05, 0.5, 0.95]
    if draws > 0:
        seed = a.seed if a.seed is not None else (unc.get("seed", 1) if unc is not None else 1)
        sims = monte_carlo(doc, variables, [e for _, e in rows], draws, seed)
        members = {s[1]: [s[1]] for s in series}
        members.update(groups_of(doc))
        members["TOTAL"] = list(doc["countries"])
        for code, ms in members.items():
            per_draw = np.sum([sims[m] for m in ms], axis=0)   # aggregate per draw (SPEC 3.8)
            stats[code] = (per_draw.mean(axis=0), [np.quantile(per_draw, q, axis=0) for q in qs])
    qnames = ["p" + ("%.10g" % (100 * q)) for q in qs]

    if a.output:
        with open(a.output, "w", encoding="utf-8", newline="") as f:
            head = "kind,code,name,period,capacity"
            if stats:
                head += ",mean," + ",".join(qnames)
            if power:
                head += ",it_load_mw,facility_mw,energy_twh"
            f.write(head + "\n")
            for s in series + aggs:
                name = s[2]
                if any(ch in name for ch in ',"\r\n'):
                    name = '"' + name.replace('"', '""') + '"'
                for i, (label, _) in enumerate(rows):
                    cells = [s[0], s[1], name, label, num(s[3][i])]
                    if stats:
                        mean, qv = stats[s[1]]
                        cells += [num(float(mean[i]))] + [num(float(q[i])) for q in qv]
                    if power:
                        cells += [num(s[4][i]), num(s[5][i]), num(s[6][i])]
                    f.write(",".join(cells) + "\n")
    if a.solution:
        with open(a.solution, "w", encoding="utf-8", newline="") as f:
            f.write("type,id,value,residual,cagr\n")
            for k, v in variables.items():
                f.write(f"variable,{k},{num(v)},,\n")
            for tid, model, resid, cagr, _ in report:
                f.write(f"target,{tid},{num(model)},{num(resid)},"
                        f"{'' if cagr == '' else num(cagr)}\n")

    if a.quiet:
        return 0
    year = a.year or horizon
    idx = [lbl for lbl, _ in rows].index(str(year))
    print(f"scenario {doc['name']}  ({'frozen' if frozen or a.frozen else 'solved'})")
    for k, v in variables.items():
        print(f"  {k} = {v:.12f}")
    for tid, model, resid, cagr, _ in report:
        c = "" if cagr == "" else f"  scope CAGR {100 * cagr:.4f}%/yr"
        print(f"  target {tid}: model {model:.12g}  residual {resid:+.3e}{c}")
    print(f"\n{'code':<12}{'name':<16}{str(base):>10}{str(year):>10}"
          + (f"{'energy TWh':>12}" if power else ""))
    for s in series + aggs:
        line = f"{s[1]:<12}{s[2]:<16}{s[3][0]:>10.1f}{s[3][idx]:>10.1f}"
        if power:
            line += f"{s[6][idx]:>12.3f}"
        print(line)
    if stats:
        print(f"\nMonte Carlo ({draws} draws, numpy generator: compare statistically), {year}:")
        print(f"{'code':<12}{'mean':>10}" + "".join(f"{n:>10}" for n in qnames))
        for s in series + aggs:
            mean, qv = stats[s[1]]
            print(f"{s[1]:<12}{mean[idx]:>10.1f}" + "".join(f"{q[idx]:>10.1f}" for q in qv))
    return 0


if __name__ == "__main__":
    try:
        try:
            sys.exit(main(sys.argv[1:]))
        except BrokenPipeError:   # e.g. piped into head: end quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
    except (RefError, KeyError, OSError, ValueError) as exc:
        print(f"msft_check: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(65)
