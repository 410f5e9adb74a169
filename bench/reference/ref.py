#!/usr/bin/python3
"""numpy/pandas reference for the two benchmark jobs of bench/gen.py.

Reads a scenario written by bench/gen.py and writes dcproj's long CSV (SPEC 8):
kind,code,name,period,capacity[,mean,p5,p50,p95][,it_load_mw,facility_mw,energy_twh].
It is the calculation an analyst would write with numpy and pandas, vectorised:
capacities as a (countries, periods) array, events through np.add.at, groups through a
membership matrix, and for Monte Carlo the draws as a (draws, countries) matrix with
np.quantile (linear interpolation, numpy's default, the same rule as GSL's
gsl_stats_quantile_from_sorted_data).

Supported (the features gen.py uses; anything else stops with exit code 65):
  steps year/quarter/month; compound growth with one rate (a number, or a normal
  distribution under Monte Carlo); groups; events with date forms YYYY, YYYY-Qn, YYYY-MM,
  YYYY-MM-DD, ramp_months, probability (expected value), delay_months (deterministic runs
  only); top-level power with country overrides; uncertainty with normal rates.

Monte Carlo uses numpy's default generator (PCG64), so its mean and quantiles agree with
dcproj only statistically.

Usage: /usr/bin/python3 ref.py SCENARIO.json -o OUT.csv [--draws N] [-q]
Run it with /usr/bin/python3 (Debian's python3-numpy and python3-pandas).
"""

import argparse
import calendar
import json
import sys

import numpy as np
import pandas as pd


class Unsupported(Exception):
    pass


def period_table(b, h, step):
    """Period labels and end months since the end of B (SPEC 1)."""
    per_year = {"year": 1, "quarter": 4, "month": 12}[step]
    months = 12 // per_year
    labels, ends = [], []
    for k in range((h - b) * per_year + 1):
        e = k * months
        ends.append(e)
        if step == "year":
            labels.append(str(b + e // 12))
        elif e == 0:
            labels.append(f"{b}-Q4" if step == "quarter" else f"{b}-12")
        else:
            y = b + (e + 11) // 12
            within = e - 12 * (y - 1 - b)
            labels.append(f"{y}-Q{within // months}" if step == "quarter" else f"{y}-{within // months:02d}")
    return labels, np.array(ends, dtype=np.float64)


def ramp_integral(t, s, ramp):
    """Integral from 0 to t (years) of an event's fraction min(1, (12x - s)/ramp)
    after its start s (months): a step for ramp 0."""
    a = np.maximum(t - s / 12.0, 0.0)
    r = np.where(ramp > 0, ramp / 12.0, 1.0)
    return np.where(ramp > 0, np.where(a <= r, a * a / (2 * r), r / 2 + (a - r)), a)


def integrated_capacity(c0, rate, t, events, idx, b, ev_c, ev_s, ev_ramp, ev_add):
    """(countries, periods): the integral of the floored capacity over each period,
    in MW-years.  Closed forms (compound growth, linear ramps); a country whose
    unfloored curve may dip below 0 (a negative add or a falling rate) is
    integrated with scipy's quad between its kinks and zeros instead."""
    lam = np.log1p(rate)
    with np.errstate(divide="ignore", invalid="ignore"):
        grow = np.where(lam[:, None] != 0,
                        c0[:, None] * np.expm1(lam[:, None] * t[None, :]) / lam[:, None],
                        c0[:, None] * t[None, :])
    cum = grow.copy()
    if ev_c is not None:
        np.add.at(cum, ev_c, ev_add[:, None] * ramp_integral(t[None, :], ev_s[:, None], ev_ramp[:, None]))
    out = np.zeros_like(cum)
    out[:, 1:] = np.diff(cum, axis=1)
    risky = rate < 0
    if ev_c is not None:
        risky = risky | np.isin(np.arange(len(c0)), ev_c[ev_add < 0])
    if risky.any():
        from scipy.integrate import quad
        from scipy.optimize import brentq
        for i in np.nonzero(risky)[0]:
            mine = [] if ev_c is None else [(ev_s[k] / 12.0, ev_ramp[k] / 12.0, ev_add[k])
                                             for k in np.nonzero(ev_c == i)[0]]

            def f(x, i=i, mine=mine):
                v = c0[i] * (1.0 + rate[i]) ** x
                for s, r, add in mine:
                    if x > s:
                        v += add * (1.0 if r == 0 else min(1.0, (x - s) / r))
                return v
            kinks = sorted({s for s, _, _ in mine} | {s + r for s, r, _ in mine})
            for p in range(1, len(t)):
                lo, hi = t[p - 1], t[p]
                cuts = [lo] + [k for k in kinks if lo < k < hi] + [hi]
                pts = []
                for a, z in zip(cuts, cuts[1:]):
                    pts.append(a)
                    grid = np.linspace(a, z, 9)
                    vals = [f(x) for x in grid]
                    for x0, x1, v0, v1 in zip(grid, grid[1:], vals, vals[1:]):
                        if v0 * v1 < 0:
                            pts.append(brentq(f, x0, x1, xtol=1e-15, rtol=1e-15))
                pts.append(hi)
                out[i, p] = sum(quad(lambda x: max(0.0, f(x)), a, z, epsabs=0.0, epsrel=1e-13)[0]
                                for a, z in zip(pts, pts[1:]) if z > a)
    return out


def date_months(date, b):
    """Start of a date in months since the end of B (SPEC 1)."""
    parts = date.split("-")
    y = int(parts[0])
    if len(parts) == 1:
        m, d = 1, 1
    elif parts[1].startswith("Q"):
        m, d = 3 * int(parts[1][1:]) - 2, 1
    else:
        m = int(parts[1])
        d = int(parts[2]) if len(parts) == 3 else 1
    return 12 * (y - 1 - b) + (m - 1) + (d - 1) / calendar.monthrange(y, m)[1]


def number(x, what):
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return float(x)
    raise Unsupported(f"{what}: only plain numbers are supported here")


def fmt(values):
    """SPEC 8 numbers: %.15g if it reads back to the same double, else %.17g; -0 as 0."""
    flat = np.asarray(values, dtype=np.float64).ravel()
    out = np.array(["%.15g" % v for v in flat.tolist()], dtype=object)
    bad = np.flatnonzero((out.astype(np.float64) != flat) & ~np.isnan(flat))
    out[bad] = ["%.17g" % v for v in flat[bad].tolist()]
    out[flat == 0] = "0"
    out[np.isnan(flat)] = ""  # an empty cell: the first row's energy
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--draws", type=int)
    ap.add_argument("-q", "--quiet", action="store_true", help="no warnings")
    a = ap.parse_args(argv)

    with open(a.scenario, encoding="utf-8-sig") as f:
        doc = json.load(f)
    b, h = int(doc["baseline_year"]), int(doc["horizon"])
    labels, ends = period_table(b, h, doc.get("step", "year"))
    t = ends / 12.0
    n_p = len(labels)

    codes = list(doc["countries"])
    idx = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    countries = [doc["countries"][c] for c in codes]
    names = [c.get("name", "") for c in countries]
    defaults = doc.get("defaults", {}).get("growth", {})

    c0 = np.empty(n)
    rate_mean = np.empty(n)
    rate_sd = np.zeros(n)
    for i, c in enumerate(countries):
        g = dict(defaults)
        g.update(c.get("growth", {}))
        if g.get("model") != "compound" or "rate" not in g:
            raise Unsupported(f"countries.{codes[i]}.growth: only compound with one rate")
        c0[i] = number(c["baseline"], f"countries.{codes[i]}.baseline")
        r = g["rate"]
        if isinstance(r, dict):
            if r.get("dist") != "normal":
                raise Unsupported(f"countries.{codes[i]}.growth.rate: only normal distributions")
            rate_mean[i], rate_sd[i] = number(r["mean"], "mean"), number(r["sd"], "sd")
        else:
            rate_mean[i] = number(r, f"countries.{codes[i]}.growth.rate")

    # groups in order of first appearance; membership matrix (groups, countries)
    groups = []
    for c in countries:
        for g in c.get("groups", []):
            if g not in groups:
                groups.append(g)
    gidx = {g: k for k, g in enumerate(groups)}
    member = np.zeros((len(groups), n))
    for i, c in enumerate(countries):
        for g in c.get("groups", []):
            member[gidx[g], i] = 1.0

    # deterministic capacity: growth, then events, then the floor at 0 (SPEC 3, 3.5, 3.6)
    cap = c0[:, None] * (1.0 + rate_mean[:, None]) ** t[None, :]
    events = doc.get("events", [])
    if events:
        ev_c = np.array([idx[e["country"]] for e in events])
        ev_s = np.array([date_months(e["date"], b) + number(e.get("delay_months", 0), "delay")
                         for e in events])
        ev_ramp = np.array([number(e.get("ramp_months", 0), "ramp") for e in events])
        ev_add = np.array([number(e["add"], "add") * number(e.get("probability", 1), "probability")
                           for e in events])
        gap = ends[None, :] - ev_s[:, None]
        safe_ramp = np.where(ev_ramp > 0, ev_ramp, 1.0)[:, None]
        frac = np.where(gap > 0, np.where(ev_ramp[:, None] > 0, np.minimum(1.0, gap / safe_ramp), 1.0), 0.0)
        np.add.at(cap, ev_c, ev_add[:, None] * frac)
    floored = (cap < 0).any(axis=1)
    if floored.any() and not a.quiet:
        sys.stderr.write(f"ref.py: {int(floored.sum())} countries floored at 0\n")
    cap = np.maximum(cap, 0.0)

    draws = int(doc["uncertainty"].get("draws", 10000)) if "uncertainty" in doc else 0
    if a.draws is not None:
        draws = a.draws
    if draws > 0:
        if events:
            raise Unsupported("events under Monte Carlo")
        unc = doc["uncertainty"]
        qs = np.array(unc.get("quantiles", [0.05, 0.5, 0.95]), dtype=np.float64)
        rng = np.random.default_rng(int(unc.get("seed", 1)))
        rates = rng.normal(rate_mean, rate_sd, size=(draws, n))
        np.maximum(rates, -0.999999, out=rates)            # SPEC 5.1 clamp
        sims = c0[None, :, None] * (1.0 + rates[:, :, None]) ** t[None, None, :]
        np.maximum(sims, 0.0, out=sims)
        agg = np.einsum("gn,dnp->dgp", member, sims)         # per-draw group sums
        tot = sims.sum(axis=1, keepdims=True)                 # per-draw TOTAL
        allrows = np.concatenate([sims, agg, tot], axis=1)    # (draws, rows, periods)
        mc_mean = allrows.mean(axis=0)
        mc_q = np.quantile(allrows, qs, axis=0)               # (quantiles, rows, periods)

    # aggregate rows: groups, then TOTAL
    def with_aggregates(x):
        return np.vstack([x, member @ x, x.sum(axis=0, keepdims=True)])

    out_cols = {"capacity": with_aggregates(cap)}
    if draws > 0:
        out_cols["mean"] = mc_mean
        for k, q in enumerate(qs):
            out_cols["p%s" % ("%.10g" % (q * 100.0))] = mc_q[k]
    if "power" in doc:
        pue = np.array([c.get("power", {}).get("pue", doc["power"]["pue"]) for c in countries], dtype=float)
        util = np.array([c.get("power", {}).get("utilization", doc["power"]["utilization"])
                         for c in countries], dtype=float)
        it = cap * util[:, None]
        fac = it * pue[:, None]
        out_cols["it_load_mw"] = with_aggregates(it)
        out_cols["facility_mw"] = with_aggregates(fac)
        # SPEC v2 3.7: the energy used during each period, 8.76e-3 * u * pue * the
        # integral of the capacity (first row empty)
        mwyr = integrated_capacity(c0, rate_mean, t, events, idx, b,
                                   ev_c if events else None, ev_s if events else None,
                                   ev_ramp if events else None, ev_add if events else None)
        energy = with_aggregates(8.76e-3 * (util * pue)[:, None] * mwyr)
        energy[:, 0] = np.nan
        out_cols["energy_twh"] = energy

    n_rows = n + len(groups) + 1
    kinds = ["country"] * n + ["group"] * len(groups) + ["total"]
    row_codes = codes + groups + ["TOTAL"]
    row_names = names + [""] * (len(groups) + 1)
    table = {
        "kind": np.repeat(kinds, n_p),
        "code": np.repeat(row_codes, n_p),
        "name": np.repeat(row_names, n_p),
        "period": np.tile(labels, n_rows),
    }
    for name, x in out_cols.items():
        table[name] = fmt(x)
    pd.DataFrame(table).to_csv(a.output, index=False, lineterminator="\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Unsupported as e:
        sys.stderr.write(f"ref.py: unsupported: {e}\n")
        sys.exit(65)
