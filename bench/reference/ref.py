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
    bad = np.flatnonzero(out.astype(np.float64) != flat)
    out[bad] = ["%.17g" % v for v in flat[bad].tolist()]
    out[flat == 0] = "0"
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
        out_cols["energy_twh"] = with_aggregates(fac * 8760.0 / 1e6)

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
