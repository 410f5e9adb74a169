#!/usr/bin/python3
"""Generate small valid dcproj scenarios that exercise every deterministic feature.

gen_cases.py OUTDIR COUNT SEED

Writes OUTDIR/caseNNN/ holding scenario.json (and parent/grandparent JSON
files for extends chains) plus `args.json`: the extra command-line arguments
(a JSON list; `--set`, `--frozen`, `--horizon`, `--step`) and `rtol.json`,
the relative tolerance to compare with (looser for least squares, whose
optimum both sides find only to the optimiser's accuracy).

Every case is valid by construction: target values are computed with the
oracle from "true" variable values, so exact calibrations have a root inside
[min, max].  Features: each growth model; piecewise rates with an open or a
closed last segment; points with each interpolation and extrapolation, first
point before B, baseline given for points; events dated YYYY, YYYY-Qn,
YYYY-MM, YYYY-MM-DD (leap days included) with ramps, fractional delays,
probabilities and negative adds (floors); overlapping groups; power with
country overrides; year/quarter/month steps; horizons of 1 to 100 years;
extends chains; defaults.growth merges (rate replaced by rates through
null); variable references with times/plus; fixed variables; distributions
(their mean); calibration with 1, 2 and more targets; frozen what-ifs.
"""

import calendar
import copy
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402

CODES = ["IE", "DE", "NL", "FR", "NO", "ES", "SE", "PL"]
GROUPS = ["EU", "NORD", "West-1", "big_3"]
NAMES = ["Ireland", "Germany", "Nether, lands", 'The "Cap"', "", "Sverige", "Polska"]


def rnum(rng, lo, hi, digits=3):
    return round(rng.uniform(lo, hi), digits)


def power_curve(rng, B, H, lo, hi):
    """A pue or utilization curve (SPEC 3.7): 1-4 year-end points, some
    before B or after H, linear or step."""
    years = sorted(rng.sample(range(B - 3, H + 4), rng.randint(1, min(4, H - B + 7))))
    c = {"points": {str(y): rnum(rng, lo, hi) for y in years}}
    if rng.random() < 0.4:
        c["interp"] = rng.choice(["linear", "step"])
    return c


def date_str(rng, B, H):
    """A date on or after the start of B + 1, before the end of H + 1."""
    y = rng.randint(B + 1, H + 1)
    kind = rng.choice(["Y", "Q", "M", "D", "D", "leap"])
    if kind == "Y":
        return "%04d" % y
    if kind == "Q":
        return "%04d-Q%d" % (y, rng.randint(1, 4))
    if kind == "M":
        return "%04d-%02d" % (y, rng.randint(1, 12))
    if kind == "leap":
        leaps = [z for z in range(B + 1, H + 2) if calendar.isleap(z)]
        if leaps:
            return "%04d-02-29" % rng.choice(leaps)
    m = rng.randint(1, 12)
    d = rng.randint(1, calendar.monthrange(y, m)[1])
    return "%04d-%02d-%02d" % (y, m, d)


def param(rng, value, fixed_vars):
    """VALUE as a plain number, a fixed-variable reference or a distribution."""
    r = rng.random()
    if r < 0.15 and fixed_vars:
        name = rng.choice(list(fixed_vars))
        a = rnum(rng, 0.5, 2.0)
        b = value - a * fixed_vars[name]
        return {"var": name, "times": a, "plus": b}
    if r < 0.22:
        if fixed_vars and rng.random() < 0.5:
            name = rng.choice(list(fixed_vars))
            return {"dist": "normal", "mean": {"var": name, "plus": value - fixed_vars[name]}, "sd": abs(value) * 0.1}
        return {"dist": rng.choice(["normal", "lognormal"]) if value > 0 else "normal",
                "mean": value, "sd": abs(value) * 0.1}
    if r < 0.27:
        w = abs(value) * 0.2 + 0.01
        return {"dist": "uniform", "min": value - w, "max": value + w}
    if r < 0.30:
        w = abs(value) * 0.2 + 0.01
        return {"dist": "triangular", "min": value - w, "mode": value, "max": value + w}
    if r < 0.33:
        w = abs(value) * 0.2 + 0.01
        return {"dist": "pert", "min": value - w, "mode": value - w / 2, "max": value + w}
    return value


def points_growth(rng, B, last_needed):
    interp = rng.choice(["linear", "cspline", "steffen", "akima", "step"])
    need = {"linear": 2, "step": 2, "cspline": 3, "steffen": 3, "akima": 5}[interp]
    extrap = rng.choice(["error", "flat", "linear"])
    first = B - rng.randint(0, 4)
    if extrap == "error":
        last = last_needed + rng.randint(0, 2)
    else:
        last = max(first + need - 1, rng.randint(B, last_needed + 1))
    years = list(range(first, last + 1))
    if len(years) < need:
        years = list(range(first, first + need))
        last = years[-1]
        if extrap == "error" and last < last_needed:
            extrap = "flat"
    keep = [first, years[-1]] + rng.sample(years[1:-1], min(len(years) - 2, rng.randint(need, need + 3)))
    keep = sorted(set(keep))
    while len(keep) < need:
        keep = sorted(set(keep) | {rng.choice(years)})
    v = rnum(rng, 20, 200)
    pts = {}
    for y in keep:
        pts[str(y)] = v
        v = round(v + rng.uniform(-20, 60), 2)
        if v < 1:
            v = 1.0
    g = {"model": "points", "points": pts}
    if interp != "linear" or rng.random() < 0.3:
        g["interp"] = interp
    if extrap != "error" or rng.random() < 0.3:
        g["extrapolate"] = extrap
    return g


def growth(rng, B, H, last_needed, fixed_vars, var_for_rate=None):
    kind = rng.choice(["compound", "piecewise", "linear", "logistic", "points"])
    if var_for_rate is not None:
        kind = rng.choice(["compound", "piecewise"])
    rate = lambda: (var_for_rate if var_for_rate is not None else param(rng, rnum(rng, -0.1, 0.4), fixed_vars))
    if kind == "compound":
        return {"model": "compound", "rate": rate()}
    if kind == "piecewise":
        n = rng.randint(1, 3)
        span = last_needed - B
        untils = sorted(rng.sample(range(B + 1, B + span + 1), min(n, span)))
        segs = [{"until": u, "rate": param(rng, rnum(rng, -0.1, 0.4), fixed_vars)} for u in untils]
        if var_for_rate is not None:
            for seg in segs:
                seg["rate"] = rate()
        if untils[-1] < last_needed or rng.random() < 0.5:
            segs.append({"rate": param(rng, rnum(rng, -0.1, 0.4), fixed_vars)})
        return {"model": "compound", "rates": segs}
    if kind == "linear":
        return {"model": "linear", "per_year": param(rng, rnum(rng, -40, 60), fixed_vars)}
    if kind == "logistic":
        return {"model": "logistic", "cap": rnum(rng, 600, 2000), "rate": rnum(rng, 0.05, 1.0)}
    return points_growth(rng, B, last_needed)


def make_case(rng, idx):
    B = rng.randint(1990, 2040)
    r = rng.random()
    span = rng.randint(1, 6) if r < 0.8 else rng.choice([1, 2, 20, 50, 99, 100])
    H = B + span
    step = rng.choice(["year", "year", "quarter", "month"])
    if span > 30 and step == "month":
        step = "quarter" if rng.random() < 0.5 else "month"
    calib = rng.choice(["none", "none", "one", "two", "lsq", "frozen-extends", "frozen-set"])
    if span > 12 and calib in ("two", "lsq", "frozen-set"):
        calib = "one"
    target_years = []
    if calib != "none":
        target_years = [rng.randint(B + 1, H + 3) for _ in range(4)]
    last_needed = max([H] + target_years)

    doc = {"dcproj": 1, "name": "gen-%03d" % idx, "baseline_year": B, "horizon": H}
    if step != "year" or rng.random() < 0.2:
        doc["step"] = step
    if rng.random() < 0.2:
        doc["_note"] = "generated"
        doc["$schema"] = "x"
    fixed = {}
    variables = {}
    if rng.random() < 0.4:
        fixed["f1"] = rnum(rng, 0.0, 0.3)
        variables["f1"] = {"value": fixed["f1"]}
    n_unknown = {"none": 0, "one": 1, "two": 2, "lsq": 2, "frozen-extends": 1, "frozen-set": 2}[calib]
    if calib in ("two", "lsq") and rng.random() < 0.3:
        n_unknown = 3
    true = {}
    for k in range(n_unknown):
        name = "g%d" % (k + 1)
        true[name] = rnum(rng, 0.02, 0.4)
        variables[name] = {"min": -0.5, "max": 1.5}
        if n_unknown > 1 or rng.random() < 0.5:
            # hybrids and LM are local: start near the root (a far guess may
            # step where the model is invalid, which is a data error)
            variables[name]["guess"] = round(true[name] + rng.uniform(-0.05, 0.05), 3)

    # defaults.growth
    dg = None
    if rng.random() < 0.4:
        dg = growth(rng, B, H, last_needed, fixed)
        if dg["model"] == "points" and rng.random() < 0.5:
            dg = {"model": "compound", "rate": 0.05}
        doc["defaults"] = {"growth": dg}

    ncountries = rng.randint(1, 4)
    codes = rng.sample(CODES, ncountries)
    countries = {}
    for i, code in enumerate(codes):
        c = {}
        if rng.random() < 0.8:
            c["name"] = rng.choice(NAMES)
        gr = rng.sample(GROUPS, rng.randint(0, 3))
        if gr:
            c["groups"] = gr
        var = None
        if n_unknown and i < n_unknown:
            var = {"var": "g%d" % (i + 1)}
            if rng.random() < 0.4:
                var["times"] = rnum(rng, 0.5, 1.5)
                var["plus"] = rnum(rng, -0.02, 0.02)
        elif n_unknown and rng.random() < 0.5:
            var = {"var": "g%d" % rng.randint(1, n_unknown)}
        if dg is not None and var is None and rng.random() < 0.5:
            mode = rng.random()
            if dg["model"] == "compound" and "rate" in dg and mode < 0.4:
                c["growth"] = {"rates": [{"until": B + 1, "rate": 0.1}, {"rate": 0.02}]}
                if rng.random() < 0.5:
                    c["growth"]["rate"] = None
            elif dg["model"] == "compound" and "rate" in dg and mode < 0.7:
                c["growth"] = {"rate": rnum(rng, 0, 0.3)}
            elif dg["model"] == "linear":
                c["growth"] = {"model": "linear", "per_year": rnum(rng, -10, 10)}
            elif dg["model"] == "points" and mode < 0.6:
                # merged onto the default curve: another interpolation, or
                # one more point (the object merges key by key)
                c["growth"] = rng.choice([{"interp": "step"}, {"extrapolate": "flat"},
                                          {"points": {str(B): 33.5}}])
            elif mode < 0.85:
                pass
            else:
                c["growth"] = {"model": "linear", "per_year": rnum(rng, -10, 10)}
        elif dg is None or var is not None:
            c["growth"] = growth(rng, B, H, last_needed, fixed, var)
        g = c.get("growth")
        if g is not None and g.get("model") == "points":
            if rng.random() < 0.3 and str(B) in g["points"]:
                c["baseline"] = g["points"][str(B)]
            elif rng.random() < 0.2:
                pts = sorted((int(k), v) for k, v in g["points"].items())
                it = oracle.Interp(g.get("interp", "linear"), [p[0] for p in pts], [p[1] for p in pts])
                c["baseline"] = it(float(B))
        elif g is None and dg is not None and dg.get("model") == "points":
            pass  # the default curve gives the baseline
        else:
            eff = g if g is not None else dg
            if eff is not None and eff.get("model") == "logistic" or (g is None and dg and dg["model"] == "logistic"):
                c["baseline"] = param(rng, rnum(rng, 50, 500), {})
            else:
                c["baseline"] = param(rng, rnum(rng, 0, 500), fixed)
        if rng.random() < 0.15:
            c["note"] = "n"
        countries[code] = c
    # a country whose own growth is missing but default is missing: ensure model
    for code, c in countries.items():
        if "growth" not in c and dg is None:
            c["growth"] = {"model": "linear", "per_year": 5}
            if "baseline" not in c:
                c["baseline"] = 10
    doc["countries"] = countries

    events = []
    for _ in range(rng.randint(0, 5)):
        ev = {"country": rng.choice(codes), "date": date_str(rng, B, H), "add": param(rng, rnum(rng, -150, 200), fixed)}
        if rng.random() < 0.5:
            ev["ramp_months"] = rng.choice([0, 1, 3, 6, 12, 18, 7.5, 24])
        if rng.random() < 0.3:
            ev["probability"] = rng.choice([0, 0.25, 0.5, 1, 0.8])
        if rng.random() < 0.4:
            ev["delay_months"] = rng.choice([0, 1, 2.5, 3, 6, 11.25, 12])
        events.append(ev)
    if events:
        doc["events"] = events

    if rng.random() < 0.4:
        doc["power"] = {"pue": rnum(rng, 1.0, 1.8), "utilization": rnum(rng, 0.1, 1.0)}
        for code in codes:
            if rng.random() < 0.3:
                countries[code]["power"] = rng.choice([{"pue": 1.5}, {"utilization": 0.9}, {"pue": 1.1, "utilization": 0.5}])
    # SPEC v2 power inputs from a stream of their own, so that the v1 cases
    # (everything drawn from rng) stay exactly what they were
    prng = random.Random(1000003 * idx + 17)
    if "power" not in doc and prng.random() < 0.4:
        doc["power"] = {"pue": rnum(prng, 1.0, 1.8), "utilization": rnum(prng, 0.1, 1.0)}
    if "power" in doc:
        if prng.random() < 0.5:
            doc["power"]["pue"] = power_curve(prng, B, H, 1.0, 1.8)
        if prng.random() < 0.4:
            doc["power"]["utilization"] = power_curve(prng, B, H, 0.1, 1.0)
        for code in codes:
            if prng.random() < 0.15:
                countries[code]["power"] = prng.choice([
                    {"utilization": power_curve(prng, B, H, 0.2, 1.0)},
                    {"pue": {"dist": "uniform", "min": 1.1, "max": 1.4}},
                    {"pue": power_curve(prng, B, H, 1.0, 1.6), "utilization": 0.7}])
    if variables:
        doc["variables"] = variables
    if fixed and not any("f1" in json.dumps(c) for c in countries.values()):
        # every variable must be used: use f1 somewhere
        first = countries[codes[0]]
        if isinstance(first.get("baseline"), (int, float)) and \
                (first.get("growth") or dg or {}).get("model") != "points":
            first["baseline"] = {"var": "f1", "plus": first["baseline"] - fixed["f1"]}
        else:
            return None

    args = []
    rtol = 1e-9
    atol = 1e-9
    if n_unknown:
        scopes = ["TOTAL"] + list(codes) + sorted({g for c in countries.values() for g in c.get("groups", [])})
        ntargets = n_unknown if calib != "lsq" else rng.randint(n_unknown + 1, n_unknown + 2)
        target_years += [rng.randint(B + 1, last_needed) for _ in range(ntargets - len(target_years))]
        # evaluate with the true values to build consistent targets
        tdoc = copy.deepcopy(doc)
        for k, v in true.items():
            tdoc["variables"][k] = {"value": v}
        try:
            m = oracle.Model(oracle._strip(tdoc))
            vals = m.fixed_values()
        except oracle.OracleError:
            return None
        targets = []
        for j in range(ntargets):
            if calib in ("two", "frozen-set") and len(codes) >= n_unknown:
                # one target per calibrated country: each depends on one
                # unknown only, so the root is unique (two TOTAL targets can
                # have two roots, and hybrids may find either)
                scope = codes[j]
            elif j == 0 or calib in ("one", "frozen-extends"):
                scope = "TOTAL"
            else:
                scope = rng.choice(scopes)
            year = target_years[j]
            tg = {"scope": scope, "year": year}
            try:
                if rng.random() < 0.5:
                    base = rng.choice([y for y in range(B, year + 3) if y != year])
                    v = m.scope_value(scope, 12 * (year - B), vals) / m.scope_value(scope, 12 * (base - B), vals)
                    tg["ratio"] = v
                    tg["base_year"] = base
                else:
                    tg["value"] = m.scope_value(scope, 12 * (year - B), vals)
            except (oracle.OracleError, ZeroDivisionError):
                return None
            val = tg.get("ratio", tg.get("value"))
            if not val or val <= 0:
                return None
            if calib == "lsq":
                if "ratio" in tg:
                    tg["ratio"] = round(val * rng.uniform(0.97, 1.03), 6)
                else:
                    tg["value"] = round(val * rng.uniform(0.97, 1.03), 6)
                tg["weight"] = rng.choice([1, 2, 0.5, 3])
                rtol = 1e-5
                atol = 1e-7
            if rng.random() < 0.5:
                tg["id"] = "t-%d" % j
            targets.append(tg)
        doc["targets"] = targets
        if calib == "two":
            rtol = 1e-8
        # keep only well-posed calibrations: every unknown used, and the
        # oracle's solve finds the true values (a unique, reachable root)
        used = json.dumps([doc["countries"], doc.get("events"), doc.get("defaults")])
        if any('"var": "%s"' % k not in used for k in variables):
            return None
        try:
            sol = oracle.Model(oracle._strip(doc)).solve()
        except Exception:  # singular Jacobian, no bracket, overflow
            return None
        if calib != "lsq" and any(abs(sol[k] - v) > 1e-7 * max(1, abs(v)) for k, v in true.items()):
            return None
        # well conditioned and inside the box: an interior optimum both
        # sides must find whatever the optimiser
        mod = oracle.Model(oracle._strip(doc))
        x = [sol[k] for k in mod.unknowns]
        J = mod._jac(__import__("numpy").array(x))
        sv = __import__("numpy").linalg.svd(J, compute_uv=False)
        if sv[-1] < 1e-3 or sv[0] > 1e6 * sv[-1]:
            return None  # a residual barely moved by an unknown: ill-posed
        if any(not (-0.45 < v < 1.45) for v in x):
            return None
        if calib == "lsq":
            # a country floored at 0 in a target's year puts a kink in the
            # cost, where the optimisers may stop at different points
            years = {t["year"] for t in targets} | {t.get("base_year", B) for t in targets}
            if any(v < 5 for y in years for v in mod.values_at(12 * (y - B), sol).values()):
                return None
    if calib == "none" and rng.random() < 0.4:
        # report-only targets (no unknowns): a zero base must be a data error
        # and a zero B value leaves the CAGR empty
        if rng.random() < 0.3:
            countries[codes[-1]] = {"name": "zero", "baseline": 0, "growth": {"model": "linear", "per_year": 7}}
            if fixed and not any("f1" in json.dumps(c) for c in countries.values()):
                return None
        scopes = ["TOTAL"] + list(codes) + sorted({g for c in countries.values() for g in c.get("groups", [])})
        targets = []
        for j in range(rng.randint(1, 3)):
            year = rng.randint(B, H + (1 if rng.random() < 0.2 else 0))
            tg = {"scope": rng.choice(scopes + [codes[-1]]), "year": year}
            if rng.random() < 0.5:
                tg["ratio"] = rnum(rng, 0.5, 3)
                tg["base_year"] = rng.choice([y for y in range(B, H + 3) if y != year])
            else:
                tg["value"] = rnum(rng, 1, 900)
            if rng.random() < 0.3:
                tg["weight"] = 2
            targets.append(tg)
        doc["targets"] = targets
    files = {}
    if calib == "frozen-extends":
        child = {"extends": "parent.json", "calibration": "frozen"}
        code = rng.choice(codes)
        if isinstance(countries[code].get("baseline"), (int, float)) and \
                countries[code].get("growth", dg or {}).get("model") != "points":
            child["countries"] = {code: {"baseline": rnum(rng, 100, 600)}}
        child["events"] = [{"country": code, "date": str(B + 1), "add": 77}]
        if rng.random() < 0.3:
            # the what-if fixes the unknown itself, after the parent's solve
            child["variables"] = {"g1": {"value": round(true["g1"] + 0.01, 3)}}
        child["title"] = "what-if"
        files["parent.json"] = doc
        files["scenario.json"] = child
    elif calib == "frozen-set":
        files["scenario.json"] = doc
        code = rng.choice(codes)
        args += ["--frozen", "--set", "events=[{\"country\": \"%s\", \"date\": \"%d-07\", \"add\": 33}]" % (code, B + 1)]
    elif rng.random() < 0.25 and calib in ("none", "one"):
        # an extends chain (the parent adds a country, which moves TOTAL
        # targets: only Brent's bracket is sure to find the new root): grandparent <- parent <- scenario
        gp = copy.deepcopy(doc)
        parent = {"extends": "gp.json", "title": "middle"}
        code = rng.choice(codes)
        extra = rng.choice([c for c in CODES if c not in codes])
        parent["countries"] = {extra: {"name": "Added", "baseline": 42, "groups": ["NEWG", "EU"],
                                       "growth": {"model": "linear", "per_year": 3}}}
        child = {"extends": "sub/parent.json", "countries": {code: {"note": "changed"}}}
        unused = [k for k in codes if k != code and k not in json.dumps(doc.get("events", []))
                  and k not in json.dumps(doc.get("targets", [])) and '"var"' not in json.dumps(countries[k])]
        if len(codes) > 1 and unused and rng.random() < 0.5:
            child["countries"][unused[0]] = None  # deleted by the merge
        if "horizon" in gp and rng.random() < 0.5:
            child["horizon"] = H
        if "defaults" in gp and rng.random() < 0.5:
            child["defaults"] = {"growth": {"_c": 1}}
        files["sub/gp.json"] = gp
        files["sub/parent.json"] = parent
        files["scenario.json"] = child
    else:
        files["scenario.json"] = doc
    if rng.random() < 0.15 and calib not in ("frozen-set",):
        args += ["--set", "countries.%s.name=set name" % codes[0]]
    if rng.random() < 0.1:
        args += ["--step", rng.choice(["year", "quarter", "month"])]
    if rng.random() < 0.1 and calib == "none":
        args += ["--horizon", str(B + rng.randint(1, 3))]
    return files, args, [rtol, atol]


def main():
    outdir, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    made = 0
    idx = 0
    while made < count:
        idx += 1
        res = make_case(rng, idx)
        if res is None:
            continue
        files, args, rtol = res
        d = os.path.join(outdir, "case%03d" % made)
        os.makedirs(d, exist_ok=True)
        for name, content in files.items():
            p = os.path.join(d, name)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                json.dump(content, f, indent=1)
        with open(os.path.join(d, "args.json"), "w") as f:
            json.dump(args, f)
        with open(os.path.join(d, "rtol.json"), "w") as f:
            json.dump(rtol, f)
        made += 1


if __name__ == "__main__":
    main()
