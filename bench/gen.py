#!/usr/bin/env python3
"""Synthetic benchmark scenarios for dcproj (Python standard library only).

Usage:
  gen.py a N            N countries, monthly steps 2023..2035, compound growth, 10 groups,
                        N/10 ramped events, power columns            -> JSON on stdout
  gen.py b D            16 countries with normal growth-rate distributions, D Monte Carlo
                        draws (seed 1, quantiles 0.05/0.5/0.95), yearly 2023..2030
                                                                     -> JSON on stdout
  gen.py b D --params   the same scenario as the plain-text parameter file that
                        bench/floor.c reads (one line per item)      -> text on stdout

Every value comes from random.Random seeded with a fixed number, so the same arguments
always give the same bytes.
"""

import json
import random
import sys

N_GROUPS_A = 10


def scenario_a(n):
    """Job (a): a large deterministic projection."""
    rnd = random.Random(20230 + n)
    groups = [f"G{k}" for k in range(N_GROUPS_A)]
    countries = {}
    codes = []
    for i in range(n):
        code = f"C{i:05d}"
        codes.append(code)
        k = rnd.randint(1, 2)
        c = {
            "name": f"Country {i}",
            "baseline": round(rnd.uniform(5.0, 2000.0), 3),
            "groups": rnd.sample(groups, k),
            "growth": {"model": "compound", "rate": round(rnd.uniform(-0.05, 0.35), 6)},
        }
        if i % 7 == 3:
            # a country-level power override (SPEC 3.7)
            c["power"] = {"pue": round(rnd.uniform(1.05, 1.6), 3)}
        countries[code] = c
    events = []
    for j in range(n // 10):
        year = rnd.randint(2024, 2034)
        form = rnd.randrange(4)
        if form == 0:
            date = f"{year}"
        elif form == 1:
            date = f"{year}-Q{rnd.randint(1, 4)}"
        elif form == 2:
            date = f"{year}-{rnd.randint(1, 12):02d}"
        else:
            month = rnd.randint(1, 12)
            date = f"{year}-{month:02d}-{rnd.randint(1, 28):02d}"
        # about one event in six removes capacity (a closure or a cancelled phase)
        add = round(rnd.uniform(-400.0, -5.0) if rnd.random() < 1 / 6 else rnd.uniform(5.0, 800.0), 2)
        ev = {"country": rnd.choice(codes), "date": date, "add": add,
              "ramp_months": rnd.randint(0, 24)}
        if j % 5 == 1:
            ev["probability"] = round(rnd.uniform(0.3, 1.0), 3)
        if j % 9 == 2:
            ev["delay_months"] = rnd.randint(1, 12)
        events.append(ev)
    return {
        "dcproj": 1,
        "name": f"bench-a-{n}",
        "title": f"Benchmark (a): {n} countries, monthly, events and power",
        "unit": "MW",
        "baseline_year": 2023,
        "horizon": 2035,
        "step": "month",
        "power": {"pue": 1.2, "utilization": 0.6},
        "countries": countries,
        "events": events,
    }


B_CODES = ["IE", "NL", "GB", "FR", "DE", "CH", "NO", "SE",
           "PL", "IT", "ES", "AT", "BE", "DK", "FI", "GR"]
B_GROUPS = {"EU": {"IE", "NL", "FR", "DE", "SE", "PL", "IT", "ES", "AT", "BE", "DK", "FI", "GR"},
            "Nordics": {"NO", "SE", "DK", "FI"}}


def b_countries():
    """Job (b)'s 16 countries as (code, baseline, mean rate, sd, [group indices])."""
    rnd = random.Random(16)
    names = list(B_GROUPS)
    out = []
    for code in B_CODES:
        c0 = round(rnd.uniform(20.0, 400.0), 2)
        mean = round(rnd.uniform(0.05, 0.30), 4)
        sd = round(rnd.uniform(0.02, 0.10), 4)
        out.append((code, c0, mean, sd, [k for k, g in enumerate(names) if code in B_GROUPS[g]]))
    return names, out


def scenario_b(d):
    """Job (b): a Monte Carlo run."""
    names, rows = b_countries()
    countries = {}
    for code, c0, mean, sd, gidx in rows:
        c = {"baseline": c0,
             "growth": {"model": "compound", "rate": {"dist": "normal", "mean": mean, "sd": sd}}}
        if gidx:
            c["groups"] = [names[k] for k in gidx]
        countries[code] = c
    return {
        "dcproj": 1,
        "name": f"bench-b-{d}",
        "title": f"Benchmark (b): 16 countries, {d} Monte Carlo draws",
        "unit": "MW",
        "baseline_year": 2023,
        "horizon": 2030,
        "step": "year",
        "uncertainty": {"draws": d, "seed": 1, "quantiles": [0.05, 0.5, 0.95]},
        "countries": countries,
    }


def params_b(d):
    """Job (b) as bench/floor.c's parameter file (see the comment at the top of floor.c)."""
    names, rows = b_countries()
    lines = [f"draws {d}", "seed 1", "years 2023 2030", "quantiles 3 0.05 0.5 0.95",
             f"groups {len(names)} " + " ".join(names)]
    for code, c0, mean, sd, gidx in rows:
        lines.append(f"country {code} {c0!r} {mean!r} {sd!r} {len(gidx)}"
                     + "".join(f" {k}" for k in gidx))
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) < 2 or argv[0] not in ("a", "b"):
        sys.stderr.write(__doc__)
        return 2
    try:
        size = int(argv[1])
    except ValueError:
        sys.stderr.write(f"gen.py: not an integer: {argv[1]!r}\n")
        return 2
    if size < 1:
        sys.stderr.write("gen.py: the size must be >= 1\n")
        return 2
    if argv[0] == "b" and argv[2:] == ["--params"]:
        sys.stdout.write(params_b(size))
        return 0
    if argv[2:]:
        sys.stderr.write(__doc__)
        return 2
    doc = scenario_a(size) if argv[0] == "a" else scenario_b(size)
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
