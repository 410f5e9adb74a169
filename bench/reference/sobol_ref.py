#!/usr/bin/python3
"""sobol_ref.py SCENARIO [--samples N] [--seed S] [--bootstrap R] [--at YEAR]

An independent numpy/SALib-style Sobol analysis (SPEC §7 `sensitivity --method sobol`, --by path)
of TOTAL capacity at a year-end, for the compound-growth scenarios msft_check.py supports (the
Microsoft scenarios): the model is re-implemented here, vectorised over the rows of each matrix;
the scenario loading, frozen calibration and growth merge come from msft_check.py.  Matrices A and
B come from numpy's generator (not dcproj's), so the indices agree with dcproj statistically only.
Prints the table factor,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi and, on stderr, the runs and runs per second.
Never part of `meson test` (bench/sens_bench.sh runs it next to dcproj)."""
import argparse
import math
import os
import sys
import time

import numpy as np
from scipy import stats

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import msft_check as mc  # noqa: E402

_resolve = mc.resolve


def _resolve_events_by_id(path, depth=0):
    """msft_check.py predates events by id (SPEC v2 §3.5): hand it a list, keeping the ids in
    `_id` (its calibration reads only country, date, add, probability, delay, ramp)."""
    doc, parent = _resolve(path, depth)
    if depth == 0 and isinstance(doc.get("events"), dict):
        doc["events"] = [dict(ev, _id=k) for k, ev in doc["events"].items() if ev is not None]
    return doc, parent


mc.resolve = _resolve_events_by_id


def ppf(p, variables, u):
    """Inverse CDF of a distribution at uniforms u (SPEC §5.3), without the §5.1 clamp."""
    def f(key):
        return mc.param(p[key], variables, allow_dist=False)
    kind = p["dist"]
    if kind == "normal":
        return f("mean") + f("sd") * stats.norm.ppf(u)
    if kind == "lognormal":
        m, sd = f("mean"), f("sd")
        s2 = math.log1p((sd / m) ** 2)
        return np.exp(math.log(m) - s2 / 2 + math.sqrt(s2) * stats.norm.ppf(u))
    if kind == "uniform":
        return f("min") + (f("max") - f("min")) * u
    if kind == "triangular":
        a, c, b = f("min"), f("mode"), f("max")
        return stats.triang.ppf(u, (c - a) / (b - a), loc=a, scale=b - a)
    if kind == "pert":
        a, c, b = f("min"), f("mode"), f("max")
        return a + (b - a) * stats.beta.ppf(u, 1 + 4 * (c - a) / (b - a), 1 + 4 * (b - c) / (b - a))
    raise mc.RefError("unsupported distribution %r" % kind)


class Model:
    """TOTAL at one period end as a function of a matrix of uniforms (one column per site, then
    one per occurrence), vectorised over rows."""

    def __init__(self, doc, variables, at):
        self.doc, self.vars = doc, variables
        self.base = doc["baseline_year"]
        self.e = 12.0 * (at - self.base)
        self.cols = []      # (factor path, kind, payload)
        self.parts = []     # per country: (code, baseline, segments, events)
        events = doc.get("events", [])
        items = [(ev["_id"] if "_id" in ev else "[%d]" % i, ev) for i, ev in enumerate(events)]
        for code, c in doc["countries"].items():
            g = mc.effective_growth(doc, c)
            if g["model"] != "compound":
                raise mc.RefError("compound growth only")
            own = "rates" in c.get("growth", {}) or "rate" in c.get("growth", {})
            pre = "countries.%s.growth" % code if own else "defaults.growth"
            base = self.site("countries.%s.baseline" % code, c["baseline"], 0.0, math.inf)
            segs = []
            lo = 0.0
            rates = g["rates"] if "rates" in g else [{"rate": g["rate"]}]
            for i, seg in enumerate(rates):
                path = "%s.rates[%d].rate" % (pre, i) if "rates" in g else pre + ".rate"
                hi = seg["until"] - self.base if "until" in seg else math.inf
                segs.append((self.site(path, seg["rate"], -0.999999, math.inf), lo, hi))
                lo = hi
            evs = []
            for name, ev in items:
                if ev["country"] != code:
                    continue
                en = "events." + name if not name.startswith("[") else "events" + name
                add = self.site(en + ".add", ev["add"], -math.inf, math.inf)
                delay = self.site(en + ".delay_months", ev.get("delay_months", 0), 0.0, math.inf)
                prob = ev.get("probability", 1)
                start = mc.months_of_date(ev["date"], self.base)
                evs.append((add, delay, prob, start, float(ev.get("ramp_months", 0)), en))
            self.parts.append((code, base, segs, evs))
            # power inputs drawn per country (SPEC §5.2) are factors too; capacity ignores them
            for key in ("pue", "utilization"):
                own = c.get("power", {}).get(key)
                p = own if own is not None else doc.get("power", {}).get(key)
                if isinstance(p, dict) and "dist" in p:
                    where = "countries.%s.power" % code if own is not None else "power"
                    self.site("%s.%s" % (where, key), p, -math.inf, math.inf)
        # occurrences after every site (SPEC: explain --sites order, then occurrences)
        parts = []
        for code, base, segs, evs in self.parts:
            ne = []
            for add, delay, prob, start, ramp, en in evs:
                if isinstance(prob, dict) and "dist" in prob:
                    raise mc.RefError("an uncertain probability is not supported here")
                if mc.param(prob, variables) < 1:
                    self.cols.append((en, "occ", mc.param(prob, variables)))
                    occ = ("col", len(self.cols) - 1)
                else:
                    occ = ("one", None)
                ne.append((add, delay, occ, start, ramp))
            parts.append((code, base, segs, ne))
        self.parts = parts
        self.factors = []
        for i, (path, _, _) in enumerate(self.cols):
            for f in self.factors:
                if f[0] == path:
                    f[1].append(i)
                    break
            else:
                self.factors.append((path, [i]))

    def site(self, path, p, lo, hi):
        """A value source: ('const', x) or ('col', index)."""
        if isinstance(p, dict) and "dist" in p:
            self.cols.append((path, "site", (p, lo, hi)))
            return ("col", len(self.cols) - 1)
        return ("const", mc.param(p, self.vars))

    def values(self, U):
        X = np.empty_like(U)
        for j, (_, kind, payload) in enumerate(self.cols):
            if kind == "occ":
                X[:, j] = (U[:, j] < payload).astype(float)
            else:
                p, lo, hi = payload
                X[:, j] = np.clip(ppf(p, self.vars, U[:, j]), lo, hi)
        return X

    def total(self, X):
        def v(src):
            return X[:, src[1]] if src[0] == "col" else src[1]
        t = self.e / 12.0
        total = np.zeros(X.shape[0])
        for code, base, segs, evs in self.parts:
            value = np.full(X.shape[0], 1.0) * v(base)
            for r, lo, hi in segs:
                value = value * (1 + v(r)) ** max(0.0, min(t, hi) - lo)
            for add, delay, occ, start, ramp in evs:
                s = start + v(delay)
                frac = (self.e > s).astype(float) if ramp == 0 else np.clip((self.e - s) / ramp, 0, 1)
                o = 1.0 if occ[0] == "one" else v(occ)
                value = value + v(add) * o * frac
            total += np.maximum(value, 0.0)
        return total


def indices(fa, fb, fab, idx=None):
    if idx is not None:
        fa, fb, fab = fa[idx], fb[idx], fab[:, idx]
    y = np.concatenate([fa, fb])
    var = y.var(ddof=1)
    s1 = np.mean((fb - y.mean()) * (fab - fa), axis=1) / var
    st = 0.5 * np.mean((fa - fab) ** 2, axis=1) / var
    return s1, st


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("--samples", type=int, default=4096)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bootstrap", type=int, default=200)
    ap.add_argument("--at", type=int)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    doc, _ = mc.resolve(a.scenario)
    variables = mc.frozen_variables(a.scenario, "newton")
    model = Model(doc, variables, a.at or doc["horizon"])
    N, d, k = a.samples, len(model.cols), len(model.factors)
    rng = np.random.default_rng(a.seed)
    A, B = rng.random((N, d)), rng.random((N, d))
    XA, XB = model.values(A), model.values(B)
    fa, fb = model.total(XA), model.total(XB)
    fab = np.empty((k, N))
    for i, (_, cols) in enumerate(model.factors):
        X = XA.copy()
        X[:, cols] = XB[:, cols]
        fab[i] = model.total(X)
    s1, st = indices(fa, fb, fab)
    bs1, bst = np.empty((a.bootstrap, k)), np.empty((a.bootstrap, k))
    for r in range(a.bootstrap):
        idx = rng.integers(0, N, N)
        bs1[r], bst[r] = indices(fa, fb, fab, idx)
    elapsed = time.perf_counter() - t0
    print("factor,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi")
    for i in sorted(range(k), key=lambda i: (-st[i], model.factors[i][0])):
        q = [np.quantile(bs1[:, i], 0.025), np.quantile(bs1[:, i], 0.975),
             np.quantile(bst[:, i], 0.025), np.quantile(bst[:, i], 0.975)] if a.bootstrap else [""] * 4
        print(",".join([model.factors[i][0]] + [repr(float(x)) if x != "" else "" for x in
                                                 (s1[i], q[0], q[1], st[i], q[2], q[3])]))
    runs = N * (k + 2)
    print("runs %d, %.3f s, %.0f runs/s" % (runs, elapsed, runs / elapsed), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
