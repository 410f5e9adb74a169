#!/usr/bin/python3
"""Independent reference implementation of SPEC.md (deterministic part).

Written from /work/shared/SPEC.md alone (not from dcproj's C code) so that the
oracle test can compare dcproj's tables with a second implementation cell by
cell.  Covers SPEC 1 (time, periods, dates), 2/6 (loading: ignored keys,
extends with RFC 7396 merges, --set/--patch, --frozen), 3 (every growth
model incl. piecewise rates and points with linear/cspline/steffen/akima/step
interpolation and flat/linear/error extrapolation), 3.5 events, 3.6 floors,
3.7 power, 3.8 aggregates, 4 calibration (exact solves and weighted least
squares, frozen what-ifs) and the long CSV layout of SPEC 8 plus the
--solution CSV.  It validates only what it needs to compute: it is meant for
valid scenarios (an invalid one raises OracleError, exit 65).

Usage: oracle.py SCENARIO [--set P=V]... [--patch F]... [--frozen]
                 [--horizon H] [--step S] [-o OUT.csv] [--solution SOL.csv]
Only the Python standard library and numpy.
"""

import calendar
import json
import math
import os
import sys

import numpy as np


class OracleError(Exception):
    """Invalid data (or a feature the oracle does not handle)."""


# ------------------------------------------------------------------ documents

def _pairs(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise OracleError("duplicate key %r" % k)
        out[k] = v
    return out


def _strip(node):
    """SPEC 2: keys starting with '$' or '_' are ignored everywhere."""
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if not k.startswith(("$", "_"))}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def merge_patch(target, patch):
    """RFC 7396; existing keys keep their place, new keys are appended."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def _param_kind(p):
    if isinstance(p, dict):
        if "dist" in p:
            return "dist:%s" % p["dist"]
        if "var" in p:
            return "var"
    return None


def merge_growth(dflt, g):
    """A country's growth merged onto defaults.growth (SPEC 3): RFC 7396, except
    that a country's `rate` drops an inherited `rates` and vice versa (the SPEC's
    conformance case basic.json needs it), and a parameter object of another kind
    replaces the inherited one rather than merging into it."""
    out = dict(dflt)
    for k, alt in (("rate", "rates"), ("rates", "rate")):
        if g.get(k) is not None and alt not in g:
            out.pop(alt, None)
    for k, v in g.items():
        if v is None:
            out.pop(k, None)
        elif _param_kind(v) is not None and _param_kind(out.get(k)) != _param_kind(v):
            out[k] = v
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def read_json(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return json.loads(data.decode("utf-8"), object_pairs_hook=_pairs)


def resolve(path, depth=0):
    """(resolved document of PATH, its parent's resolved document or None, the
    child's own keys without extends)."""
    if depth > 16:
        raise OracleError("extends chain too long")
    doc = read_json(path)
    if not isinstance(doc, dict):
        raise OracleError("not an object")
    if isinstance(doc.get("extends"), str):
        parent_path = os.path.join(os.path.dirname(path) or ".", doc["extends"])
        parent = resolve(parent_path, depth + 1)[0]
        child = {k: v for k, v in doc.items() if k != "extends"}
        return merge_patch(parent, child), parent, child
    return doc, None, None


def set_patch(spec):
    path, _, value = spec.partition("=")
    try:
        v = json.loads(value, object_pairs_hook=_pairs)
    except ValueError:
        v = value
    keys = path.split(".")
    patch = v
    for k in reversed(keys):
        patch = {k: patch}
    return patch


# ----------------------------------------------------------------------- time

def days_in_month(y, m):
    return calendar.monthrange(y, m)[1]


def parse_date(s, B):
    """SPEC 1: months since the end of B of the start of the named date."""
    y = int(s[0:4])
    m, d = 1, 1
    if len(s) == 7 and s[5] == "Q":
        m = 3 * int(s[6]) - 2
    elif len(s) >= 7:
        m = int(s[5:7])
        if len(s) == 10:
            d = int(s[8:10])
    return 12.0 * (y - 1 - B) + (m - 1) + (d - 1) / days_in_month(y, m)


def periods(B, H, step):
    """List of (label, e) for every row, e in months since the end of B."""
    out = []
    if step == "year":
        for y in range(B, H + 1):
            out.append((str(y), 12 * (y - B)))
    elif step == "quarter":
        out.append(("%d-Q4" % B, 0))
        for y in range(B + 1, H + 1):
            for q in range(1, 5):
                out.append(("%d-Q%d" % (y, q), 12 * (y - 1 - B) + 3 * q))
    elif step == "month":
        out.append(("%d-12" % B, 0))
        for y in range(B + 1, H + 1):
            for m in range(1, 13):
                out.append(("%d-%02d" % (y, m), 12 * (y - 1 - B) + m))
    else:
        raise OracleError("bad step")
    return out


# ------------------------------------------------------------- interpolation

def _bsearch(xs, x):
    """GSL's index: the interval [xs[i], xs[i+1]] holding x (last one at the end)."""
    lo, hi = 0, len(xs) - 1
    while hi > lo + 1:
        mid = (hi + lo) // 2
        if xs[mid] > x:
            hi = mid
        else:
            lo = mid
    return lo


class Interp:
    """Piecewise cubic (or linear) through (xs, ys), GSL's gsl_interp_* forms."""

    def __init__(self, kind, xs, ys):
        self.kind = kind
        self.xs = [float(x) for x in xs]
        self.ys = [float(y) for y in ys]
        n = len(xs)
        x, y = self.xs, self.ys
        if kind == "cspline":
            # natural: c = second derivative / 2, c[0] = c[n-1] = 0
            c = [0.0] * n
            if n > 2:
                m = n - 2
                A = np.zeros((m, m))
                r = np.zeros(m)
                for i in range(m):
                    h0 = x[i + 1] - x[i]
                    h1 = x[i + 2] - x[i + 1]
                    A[i, i] = 2.0 * (h0 + h1)
                    if i > 0:
                        A[i, i - 1] = h0
                    if i < m - 1:
                        A[i, i + 1] = h1
                    r[i] = 3.0 * ((y[i + 2] - y[i + 1]) / h1 - (y[i + 1] - y[i]) / h0)
                sol = np.linalg.solve(A, r)
                for i in range(m):
                    c[i + 1] = float(sol[i])
            self.c = c
        elif kind == "steffen":
            yp = [0.0] * n
            yp[0] = (y[1] - y[0]) / (x[1] - x[0])
            for i in range(1, n - 1):
                hi = x[i + 1] - x[i]
                him1 = x[i] - x[i - 1]
                si = (y[i + 1] - y[i]) / hi
                sim1 = (y[i] - y[i - 1]) / him1
                pi = (sim1 * hi + si * him1) / (him1 + hi)
                sg = lambda v: -1.0 if v < 0 else 1.0
                yp[i] = (sg(sim1) + sg(si)) * min(abs(sim1), abs(si), 0.5 * abs(pi))
            yp[n - 1] = (y[n - 1] - y[n - 2]) / (x[n - 1] - x[n - 2])
            self.yp = yp
        elif kind == "akima":
            # GSL's non-periodic Akima: slopes m[-2..n] with quadratic end extension
            mm = {}
            for i in range(n - 1):
                mm[i] = (y[i + 1] - y[i]) / (x[i + 1] - x[i])
            mm[-2] = 3.0 * mm[0] - 2.0 * mm[1]
            mm[-1] = 2.0 * mm[0] - mm[1]
            mm[n - 1] = 2.0 * mm[n - 2] - mm[n - 3]
            mm[n] = 3.0 * mm[n - 2] - 2.0 * mm[n - 3]
            b, c, d = [0.0] * n, [0.0] * n, [0.0] * n
            for i in range(n - 1):
                ne = abs(mm[i + 1] - mm[i]) + abs(mm[i - 1] - mm[i - 2])
                if ne == 0.0:
                    b[i] = mm[i]
                else:
                    h = x[i + 1] - x[i]
                    ne_next = abs(mm[i + 2] - mm[i + 1]) + abs(mm[i] - mm[i - 1])
                    alpha = abs(mm[i - 1] - mm[i - 2]) / ne
                    if ne_next == 0.0:
                        tl = mm[i]
                    else:
                        a1 = abs(mm[i] - mm[i - 1]) / ne_next
                        tl = (1.0 - a1) * mm[i] + a1 * mm[i + 1]
                    b[i] = (1.0 - alpha) * mm[i - 1] + alpha * mm[i]
                    c[i] = (3.0 * mm[i] - 2.0 * b[i] - tl) / h
                    d[i] = (b[i] + tl - 2.0 * mm[i]) / (h * h)
            self.b, self.cc, self.d = b, c, d

    def __call__(self, t):
        x, y = self.xs, self.ys
        if self.kind == "step":
            v = y[0]
            for xi, yi in zip(x, y):
                if xi <= t:
                    v = yi
            return v
        i = _bsearch(x, t)
        h = x[i + 1] - x[i]
        dx = t - x[i]
        if self.kind == "linear":
            return y[i] + dx * (y[i + 1] - y[i]) / h
        if self.kind == "cspline":
            c = self.c
            dy = y[i + 1] - y[i]
            bi = dy / h - h * (c[i + 1] + 2.0 * c[i]) / 3.0
            di = (c[i + 1] - c[i]) / (3.0 * h)
            return y[i] + dx * (bi + dx * (c[i] + dx * di))
        if self.kind == "steffen":
            yp = self.yp
            si = (y[i + 1] - y[i]) / h
            a = (yp[i] + yp[i + 1] - 2 * si) / h / h
            b = (3 * si - 2 * yp[i] - yp[i + 1]) / h
            return y[i] + dx * (yp[i] + dx * (b + dx * a))
        if self.kind == "akima":
            return y[i] + dx * (self.b[i] + dx * (self.cc[i] + self.d[i] * dx))
        raise OracleError("bad interp")


# ---------------------------------------------------------------- the model

class Model:
    """A validated-enough scenario ready to project: fn(var values) -> values."""

    def __init__(self, doc, horizon=None, step=None):
        self.doc = doc
        self.B = int(doc["baseline_year"])
        self.H = int(horizon if horizon is not None else doc["horizon"])
        self.step = step if step is not None else doc.get("step", "year")
        self.variables = doc.get("variables", {}) or {}
        self.unknowns = [k for k, v in self.variables.items() if "value" not in v]
        self.countries = list(doc["countries"].items())
        dg = (doc.get("defaults") or {}).get("growth")
        self.growth = {}
        for code, c in self.countries:
            g = c.get("growth")
            if g is None:
                g = dg
            elif dg is not None and ("model" not in g or g.get("model") == dg.get("model")):
                g = merge_growth(dg, g)
            if g is None or "model" not in g:
                raise OracleError("countries.%s.growth: no model" % code)
            self.growth[code] = g
        self.groups = []
        for code, c in self.countries:
            for gname in c.get("groups", []) or []:
                if gname not in self.groups:
                    self.groups.append(gname)
        self.events = doc.get("events", []) or []
        self.power = doc.get("power")
        self.targets = doc.get("targets", []) or []
        self.interps = {}
        for code, g in self.growth.items():
            if g["model"] == "points":
                pts = sorted((int(k), float(v)) for k, v in g["points"].items())
                self.interps[code] = Interp(g.get("interp", "linear"),
                                            [p[0] for p in pts], [p[1] for p in pts])
                # SPEC 3.4: a given baseline is a plain number matching curve(B)
                b = dict(self.countries)[code].get("baseline")
                if b is not None:
                    cb = self.interps[code](float(self.B))
                    if isinstance(b, bool) or not isinstance(b, (int, float)) or \
                            abs(b - cb) > 1e-9 * max(1.0, abs(cb)):
                        raise OracleError("countries.%s.baseline: not curve(B)" % code)

    # parameters -----------------------------------------------------------
    def param(self, p, vals):
        if isinstance(p, bool):
            raise OracleError("bool parameter")
        if isinstance(p, (int, float)):
            return float(p)
        if isinstance(p, dict) and "var" in p:
            return p.get("times", 1) * vals[p["var"]] + p.get("plus", 0)
        if isinstance(p, dict) and "dist" in p:
            f = lambda k: self.param(p[k], vals)
            d = p["dist"]
            if d in ("normal", "lognormal"):
                return f("mean")
            if d == "uniform":
                return (f("min") + f("max")) / 2
            if d == "triangular":
                return (f("min") + f("mode") + f("max")) / 3
            if d == "pert":
                return (f("min") + 4 * f("mode") + f("max")) / 6
        raise OracleError("bad parameter %r" % (p,))

    def fixed_values(self):
        return {k: float(v["value"]) for k, v in self.variables.items() if "value" in v}

    # projection -----------------------------------------------------------
    def country_value(self, code, c, e, vals):
        """Growth plus events at e months, floored at 0 (SPEC 3, 3.5, 3.6)."""
        g = self.growth[code]
        t = e / 12.0
        m = g["model"]
        if m == "points":
            it = self.interps[code]
            x = self.B + t
            last = it.xs[-1]
            if x > last:
                ex = g.get("extrapolate", "error")
                if ex == "error":
                    raise OracleError("countries.%s: past the last point" % code)
                if ex == "flat":
                    v = it.ys[-1]
                else:
                    x0, x1, y0, y1 = it.xs[-2], it.xs[-1], it.ys[-2], it.ys[-1]
                    v = y1 + (x - x1) * (y1 - y0) / (x1 - x0)
            else:
                v = it(x)
        else:
            c0 = self.param(c["baseline"], vals)
            if m == "compound":
                if "rates" in g:
                    prev = 0.0
                    v = c0
                    for seg in g["rates"]:
                        end = (seg["until"] - self.B) if "until" in seg else math.inf
                        ov = max(0.0, min(t, end) - prev)
                        if ov > 0:
                            v *= (1.0 + self.param(seg["rate"], vals)) ** ov
                        prev = end
                        if t <= end:
                            break
                    else:
                        if t > prev:
                            raise OracleError("countries.%s: piecewise short" % code)
                else:
                    v = c0 * (1.0 + self.param(g["rate"], vals)) ** t
            elif m == "linear":
                v = c0 + self.param(g["per_year"], vals) * t
            elif m == "logistic":
                K = self.param(g["cap"], vals)
                k = self.param(g["rate"], vals)
                if not (0 < c0 < K) or not k > 0:
                    raise OracleError("countries.%s: logistic invalid" % code)
                v = K / (1.0 + ((K - c0) / c0) * math.exp(-k * t))
            else:
                raise OracleError("model %s" % m)
        for ev in self.events:
            if ev["country"] != code:
                continue
            s = parse_date(ev["date"], self.B) + self.param(ev.get("delay_months", 0), vals)
            if e <= s:
                continue
            ramp = float(ev.get("ramp_months", 0))
            f = 1.0 if ramp == 0 else min(1.0, (e - s) / ramp)
            v += self.param(ev["add"], vals) * self.param(ev.get("probability", 1), vals) * f
        if not math.isfinite(v):
            raise OracleError("countries.%s: non-finite" % code)
        return v if v > 0 else 0.0

    # power and energy (SPEC 3.7) ------------------------------------------
    def power_spec(self, code, key):
        cp = dict(self.power)
        if code is not None:
            # a country's pue or utilization replaces the top-level one whole
            cp.update(dict(self.doc["countries"][code].get("power") or {}))
        return cp[key]

    def power_at(self, code, key, t, vals):
        """pue or utilization at model time t: a parameter, or a curve over
        year-ends (linear in t or step, flat outside)."""
        spec = self.power_spec(code, key)
        if isinstance(spec, dict) and "points" in spec:
            pts = sorted((int(k) - self.B, float(v)) for k, v in spec["points"].items()
                         if not k.startswith(("$", "_")))
            if t <= pts[0][0]:
                return pts[0][1]
            if t >= pts[-1][0]:
                return pts[-1][1]
            for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
                if x0 <= t < x1:
                    if spec.get("interp", "linear") == "step":
                        return y0
                    return y0 + (y1 - y0) * (t - x0) / (x1 - x0)
        return self.param(spec, vals)

    def kinks(self, code, vals):
        """Times (years) where the integrand may bend or jump."""
        ts = set()
        g = self.growth[code]
        for seg in g.get("rates", []) if g["model"] == "compound" else []:
            if "until" in seg:
                ts.add(float(seg["until"] - self.B))
        if g["model"] == "points":
            ts.update(float(int(k) - self.B) for k in g["points"] if not k.startswith(("$", "_")))
        for ev in self.events:
            if ev["country"] == code:
                s = parse_date(ev["date"], self.B) + self.param(ev.get("delay_months", 0), vals)
                ts.add(s / 12.0)
                ts.add((s + float(ev.get("ramp_months", 0))) / 12.0)
        for key in ("pue", "utilization"):
            spec = self.power_spec(code, key)
            if isinstance(spec, dict) and "points" in spec:
                ts.update(float(int(k) - self.B) for k in spec["points"] if not k.startswith(("$", "_")))
        return sorted(ts)

    def energy(self, code, e0, e1, vals):
        """TWh used from e0 to e1 months: 8.76e-3 * the integral of C*u*pue over
        t in years, by scipy's adaptive quad (QUADPACK) between the kinks."""
        from scipy.integrate import quad
        c = dict(self.countries)[code]
        t0, t1 = e0 / 12.0, e1 / 12.0
        f = lambda t: (self.country_value(code, c, 12.0 * t, vals) *
                       self.power_at(code, "utilization", t, vals) *
                       self.power_at(code, "pue", t, vals))
        cuts = [t0] + [x for x in self.kinks(code, vals) if t0 < x < t1] + [t1]
        total = 0.0
        for a, b in zip(cuts, cuts[1:]):
            if b > a:
                v, _ = quad(f, a, b, epsabs=0.0, epsrel=1e-13, limit=500)
                total += v
        return 8.76e-3 * total

    def values_at(self, e, vals):
        """{code: floored value} for every country at e."""
        return {code: self.country_value(code, c, e, vals) for code, c in self.countries}

    def scope_value(self, scope, e, vals):
        cv = self.values_at(e, vals)
        if scope == "TOTAL":
            return sum(cv[code] for code, _ in self.countries)
        if scope in self.groups:
            return sum(cv[code] for code, c in self.countries if scope in (c.get("groups") or []))
        return cv[scope]

    # calibration ----------------------------------------------------------
    def target_eval(self, tg, vals):
        """(model value or ratio, residual, cagr or None)."""
        ey = 12 * (int(tg["year"]) - self.B)
        my = self.scope_value(tg["scope"], ey, vals)
        if "ratio" in tg:
            by = int(tg["base_year"])
            mb = self.scope_value(tg["scope"], 12 * (by - self.B), vals)
            if mb == 0:
                raise OracleError("zero base")
            model = my / mb
            res = model / float(tg["ratio"]) - 1.0
        else:
            by = self.B
            mb = self.scope_value(tg["scope"], 0, vals)
            model = my
            res = my / float(tg["value"]) - 1.0
        cagr = None
        if mb != 0 and int(tg["year"]) != by:
            # a value target in year B spans no year: no CAGR (as for a 0 base)
            ex = 1.0 / (int(tg["year"]) - by)
            # a ratio target whose year value is 0 and whose base_year is
            # later has an infinite CAGR: SPEC is silent, and since output
            # never holds inf, dcproj leaves the cell empty (as for a 0 base)
            cagr = None if (my == 0 and ex < 0) else (my / mb) ** ex - 1.0
        return model, res, cagr

    def residuals(self, x):
        vals = self.fixed_values()
        vals.update(dict(zip(self.unknowns, x)))
        return np.array([self.target_eval(tg, vals)[1] for tg in self.targets])

    def solve(self):
        """Values of every variable (SPEC 4)."""
        vals = self.fixed_values()
        n = len(self.unknowns)
        if n == 0:
            return vals
        m = len(self.targets)
        if m < n:
            raise OracleError("fewer targets than unknowns")
        lo = np.array([float(self.variables[k]["min"]) for k in self.unknowns])
        hi = np.array([float(self.variables[k]["max"]) for k in self.unknowns])
        x0 = np.array([float(self.variables[k].get("guess", (self.variables[k]["min"] + self.variables[k]["max"]) / 2))
                       for k in self.unknowns])
        self._check_box(lo, hi, x0)
        if n == 1 and m == 1:
            x = np.array([self._bisect(lo[0], hi[0])])
        elif n == m:
            x = self._newton(x0)
            if np.max(np.abs(self.residuals(x))) > 1e-10:
                raise OracleError("unsolvable")
        else:
            x = self._gauss_newton(x0)
        vals.update(dict(zip(self.unknowns, (float(v) for v in x))))
        return vals

    def _check_box(self, lo, hi, x0):
        """SPEC 4: the model must be valid over [min, max]; checked at each
        unknown's bounds (the others at their guesses) for compound rates."""
        for j in range(len(self.unknowns)):
            for bound in (lo[j], hi[j]):
                vals = self.fixed_values()
                vals.update(dict(zip(self.unknowns, x0)))
                vals[self.unknowns[j]] = bound
                for code, _ in self.countries:
                    g = self.growth[code]
                    if g["model"] != "compound":
                        continue
                    rates = [seg["rate"] for seg in g["rates"]] if "rates" in g else [g["rate"]]
                    if any(self.param(r, vals) <= -1 for r in rates):
                        raise OracleError("variables.%s: invalid at %g" % (self.unknowns[j], bound))

    def _bisect(self, a, b):
        f = lambda v: self.residuals([v])[0]
        fa, fb = f(a), f(b)
        if fa == 0:
            return a
        if fb == 0:
            return b
        if fa * fb > 0:
            raise OracleError("unsolvable (no bracket)")
        for _ in range(400):
            mid = 0.5 * (a + b)
            if mid == a or mid == b:
                break
            fm = f(mid)
            if fm == 0:
                return mid
            if fa * fm < 0:
                b, fb = mid, fm
            else:
                a, fa = mid, fm
        return a if abs(fa) < abs(fb) else b

    def _jac(self, x, r0=None):
        n = len(x)
        J = np.zeros((len(self.targets), n))
        for j in range(n):
            h = 1e-7 * max(1.0, abs(x[j]))
            xp = x.copy(); xp[j] += h
            xm = x.copy(); xm[j] -= h
            J[:, j] = (self.residuals(xp) - self.residuals(xm)) / (2 * h)
        return J

    def _newton(self, x):
        x = x.astype(float)
        for _ in range(200):
            r = self.residuals(x)
            J = self._jac(x)
            dx = np.linalg.solve(J, -r)
            lam = 1.0
            while lam > 1e-8:
                xn = x + lam * dx
                try:
                    rn = self.residuals(xn)
                    if np.linalg.norm(rn) < np.linalg.norm(r) or lam < 1e-6:
                        break
                except (OracleError, OverflowError, ZeroDivisionError, ValueError):
                    pass
                lam /= 2
            if np.all(np.abs(xn - x) <= 1e-15 * np.maximum(1.0, np.abs(x))):
                return xn
            x = xn
        return x

    def _gauss_newton(self, x):
        x = x.astype(float)
        w = np.sqrt(np.array([float(tg.get("weight", 1)) for tg in self.targets]))
        mu = 1e-3
        cost = lambda z: float(np.sum((w * self.residuals(z)) ** 2))
        c = cost(x)
        for _ in range(500):
            r = w * self.residuals(x)
            J = w[:, None] * self._jac(x)
            A = J.T @ J
            g = J.T @ r
            dg = np.maximum(np.diag(A), 1e-15 * max(1e-300, float(np.max(np.diag(A)))))
            dx = np.linalg.solve(A + mu * np.diag(dg), -g)
            xn = x + dx
            try:
                cn = cost(xn)
            except (OracleError, OverflowError, ZeroDivisionError, ValueError):
                cn = math.inf
            if cn <= c:
                done = np.all(np.abs(dx) <= 1e-14 * np.maximum(1.0, np.abs(x)))
                x, c = xn, cn
                mu = max(mu / 10, 1e-15)
                if done:
                    break
            else:
                mu *= 10
                if mu > 1e25:
                    break
        return x


# -------------------------------------------------------------------- output

def fmt(v):
    if v is None:
        return ""
    if v == 0:
        return "0"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    s = "%.15g" % v
    if float(s) != v:
        s = "%.17g" % v
    return s


def build(path, sets=(), patches=(), frozen=False, horizon=None, step=None):
    """The Model and variable values for a run (SPEC 4, 6)."""
    doc, parent, child = resolve(path)
    doc = _strip(doc)
    patch_list = [set_patch(s) if kind == "set" else _strip(read_json(s)) for kind, s in
                  list(sets) + list(patches)]
    if doc.get("calibration") == "frozen" and parent is not None:
        base = _strip(parent)
        pm = Model(base)
        solved = pm.solve()
        base = fix_variables(base, solved)
        doc = merge_patch(base, _strip(child))
    if frozen:
        pm = Model(doc)
        solved = pm.solve()
        doc = fix_variables(doc, solved)
    for p in patch_list:
        doc = merge_patch(doc, p)
    model = Model(doc, horizon, step)
    if doc.get("calibration") == "frozen" or frozen:
        if model.unknowns:
            raise OracleError("unknown in a frozen what-if")
        vals = model.fixed_values()
    else:
        vals = model.solve()
    return model, vals


def fix_variables(doc, solved):
    doc = dict(doc)
    if "variables" in doc:
        doc["variables"] = {k: ({"value": solved[k]} if "value" not in v else v)
                            for k, v in doc["variables"].items()}
    return doc


def long_csv(model, vals):
    pw = model.power
    cols = ["kind", "code", "name", "period", "capacity"]
    if pw is not None:
        cols += ["it_load_mw", "facility_mw", "energy_twh"]
    lines = [",".join(cols)]
    pers = periods(model.B, model.H, model.step)
    pe = dict(pers)
    labels = [lab for lab, _ in pers]
    table = {}
    for label, e in pers:
        table[label] = model.values_at(e, vals)

    def powcols(code, cap, label=None):
        t = pe[label] / 12.0
        u, pue = model.power_at(code, "utilization", t, vals), model.power_at(code, "pue", t, vals)
        it = cap * u
        fac = it * pue
        k = labels.index(label)
        en = None if k == 0 else model.energy(code, pers[k - 1][1], pers[k][1], vals)
        return [it, fac, en]

    def q(s):
        if any(ch in s for ch in ',"\r\n'):
            return '"' + s.replace('"', '""') + '"'
        return s

    for code, c in model.countries:
        for label, _ in pers:
            v = table[label][code]
            row = ["country", code, q(c.get("name", "")), label, fmt(v)]
            if pw is not None:
                row += [fmt(x) for x in powcols(code, v, label)]
            lines.append(",".join(row))
    aggs = [("group", g, [code for code, c in model.countries if g in (c.get("groups") or [])])
            for g in model.groups]
    aggs.append(("total", "TOTAL", [code for code, _ in model.countries]))
    for kind, g, members in aggs:
        for label, _ in pers:
            v = 0.0
            p = [0.0, 0.0, 0.0]
            for code in members:
                cv = table[label][code]
                v += cv
                if pw is not None:
                    p = [None if a is None or b is None else a + b
                         for a, b in zip(p, powcols(code, cv, label))]
            row = [kind, g, "", label, fmt(v)]
            if pw is not None:
                row += [fmt(x) for x in p]
            lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def solution_csv(model, vals):
    lines = ["type,id,value,residual,cagr,stderr"]
    if not model.targets:
        return lines[0] + "\n"
    for k in model.variables:
        lines.append("variable,%s,%s,,," % (k, fmt(vals[k])))
    for i, tg in enumerate(model.targets):
        mv, res, cagr = model.target_eval(tg, vals)
        lines.append("target,%s,%s,%s,%s," % (tg.get("id", "target%d" % (i + 1)), fmt(mv), fmt(res),
                                             "" if cagr is None else fmt(cagr)))
    return "\n".join(lines) + "\n"


def main(argv):
    args = list(argv)
    scen = None
    sets, out, sol, frozen, horizon, step = [], None, None, False, None, None
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--set":
            sets.append(("set", args[i + 1])); i += 2
        elif a == "--patch":
            sets.append(("patch", args[i + 1])); i += 2
        elif a == "--frozen":
            frozen = True; i += 1
        elif a == "--horizon":
            horizon = int(args[i + 1]); i += 2
        elif a == "--step":
            step = args[i + 1]; i += 2
        elif a == "-o":
            out = args[i + 1]; i += 2
        elif a == "--solution":
            sol = args[i + 1]; i += 2
        elif a == "-q":
            i += 1
        else:
            scen = a; i += 1
    try:
        model, vals = build(scen, sets, (), frozen, horizon, step)
        text = long_csv(model, vals)
        soltext = solution_csv(model, vals) if sol else None
    except (OracleError, KeyError, ValueError, TypeError) as exc:
        print("oracle: %s: %s" % (scen, exc), file=sys.stderr)
        return 65
    if out:
        with open(out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    if sol:
        with open(sol, "w") as f:
            f.write(soltext)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
