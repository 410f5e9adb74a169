#!/usr/bin/env python3
"""The tables of doc/montecarlo.md "How much correlation widens the band".

Usage: corr_band_table.py DCPROJ SOURCE_ROOT [--check DOC.md]

Table 1: ten countries with the 2023 baselines of the uncertain what-if
(fixed), each rate normal(0.15, 0.05), equicorrelated with rho; TOTAL at
the end of 2024 is normal with mean 1.15·sum C and sd 0.05·sqrt(sum C² +
rho·((sum C)² − sum C²)), so its P5–P95 band is 2·1.6449·sd wide.
Table 2: scenarios/what-if/uncertain-correlated.json with both entries'
rho replaced, TOTAL's P5–P95 at the end of 2027 (no closed form).
Prints the two markdown tables; with --check, exits 1 unless DOC.md holds
them exactly and table 1's dcproj widths are within 1% of the closed form.
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

DCPROJ, ROOT = sys.argv[1], sys.argv[2]
C = {"IE": 260, "NL": 240, "GB": 170, "FR": 110, "DE": 130, "CH": 45, "NO": 40, "SE": 90,
     "PL": 60, "IT": 55}
Z95 = 1.6448536269514722
TMP = tempfile.mkdtemp(prefix="corr_band.")


def total(doc, year):
    path = os.path.join(TMP, "s.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    out = subprocess.run([DCPROJ, "run", path, "-q"], capture_output=True, text=True, check=True).stdout
    for r in csv.DictReader(io.StringIO(out)):
        if r["code"] == "TOTAL" and r["period"] == year:
            return float(r["p5"]), float(r["p95"])
    raise SystemExit("no TOTAL row")


def table1():
    s1 = sum(C.values())
    s2 = sum(c * c for c in C.values())
    lines = ["| rho | P5 | P95 | width (dcproj) | width (closed form) | × rho = 0 |",
             "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    base = 2 * Z95 * 0.05 * s2 ** 0.5
    ok = True
    for rho in (-0.1, 0.0, 0.1, 0.3, 0.5, 0.7, 0.9):
        doc = {"dcproj": 1, "name": "band", "baseline_year": 2023, "horizon": 2024,
               "defaults": {"growth": {"model": "compound",
                                       "rate": {"dist": "normal", "mean": 0.15, "sd": 0.05}}},
               "countries": {k: {"baseline": v} for k, v in C.items()},
               "uncertainty": {"draws": 200000, "seed": 1, "quantiles": [0.05, 0.95],
                               "correlation": [{"params": ["defaults.growth.rate"], "rho": rho}]}}
        lo, hi = total(doc, "2024")
        closed = 2 * Z95 * 0.05 * (s2 + rho * (s1 * s1 - s2)) ** 0.5
        ok &= abs((hi - lo) / closed - 1) < 0.01
        lines.append("| %g | %.1f | %.1f | %.1f | %.1f | %s |" % (
            rho, lo, hi, hi - lo, closed, "%.2f" % (closed / base)))
    return lines, ok


def table2():
    with open(os.path.join(ROOT, "scenarios", "what-if", "uncertain-correlated.json")) as f:
        doc = json.load(f)
    doc["extends"] = os.path.abspath(os.path.join(ROOT, "scenarios", "what-if", "uncertain.json"))
    lines = ["| rho (both periods) | P5 2027 | P95 2027 | width | × rho = 0 |",
             "| ---: | ---: | ---: | ---: | ---: |"]
    base = None
    for rho in (0.0, 0.3, 0.6, 0.9):
        for e in doc["uncertainty"]["correlation"]:
            e["rho"] = rho
        lo, hi = total(doc, "2027")
        base = base or hi - lo
        lines.append("| %g | %.1f | %.1f | %.1f | %.2f |" % (rho, lo, hi, hi - lo, (hi - lo) / base))
    return lines


t1, ok = table1()
t2 = table2()
text = "\n".join(t1) + "\n\n" + "\n".join(t2) + "\n"
if len(sys.argv) > 4 and sys.argv[3] == "--check":
    with open(sys.argv[4]) as f:
        d = f.read()
    missing = [l for l in t1 + t2 if l not in d]
    for l in missing:
        print("not in the doc:", l)
    if not ok:
        print("a dcproj width differs from the closed form by 1% or more")
    sys.exit(1 if missing or not ok else 0)
print(text, end="")
