"""Monte Carlo output checked by an independent simulation (issue 14): a
scenario with an uncertain baseline (triangular 80/100/150) and an uncertain
compound rate (normal 0.1, sd 0.03; SPEC 5.1: one draw per run, kept for
every period) is run by dcproj with 100,000 draws; numpy simulates the same
model, C_t = b·(1 + r)^t, with 1,000,000 draws of its own generator.  Per
period: dcproj's mean agrees within 4 standard errors of the difference, and
each dcproj quantile x_q has F_numpy(x_q) within 4·sqrt(q(1-q)(1/n + 1/m))
of q; the deterministic `capacity` column is the mean-parameter value
(100+80+150)/3 · 1.1^t exactly (to 1e-12).  Skips (77) without numpy.
usage: mc_independent.py DCPROJ"""
import json
import math
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print("numpy not installed: skipped")
    sys.exit(77)

dcproj = sys.argv[1]
N, M = 100000, 1000000
QS = [0.05, 0.25, 0.5, 0.75, 0.95]
scen = {"dcproj": 1, "name": "mc-independent", "baseline_year": 2023, "horizon": 2027,
        "defaults": {"growth": {"model": "compound",
                                "rate": {"dist": "normal", "mean": 0.1, "sd": 0.03}}},
        "countries": {"XX": {"name": "X", "baseline": {"dist": "triangular", "min": 80,
                                                       "mode": 100, "max": 150}}},
        "uncertainty": {"draws": N, "seed": 7, "quantiles": QS}}
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "mc.json")
    with open(path, "w") as f:
        json.dump(scen, f)
    out = subprocess.run([dcproj, "run", path], capture_output=True, text=True)
if out.returncode != 0:
    print("FAIL dcproj exit %d: %s" % (out.returncode, out.stderr))
    sys.exit(1)
lines = out.stdout.splitlines()
head = lines[0].split(",")
rows = {r[3]: r for r in (l.split(",") for l in lines[1:]) if r[0] == "country"}

rng = np.random.default_rng(20261202)
b = rng.triangular(80, 100, 150, M)
r = rng.normal(0.1, 0.03, M)
fails = 0
for t in range(5):
    row = rows[str(2023 + t)]
    sim = np.sort(b * (1 + r) ** t)
    det = float(row[head.index("capacity")])
    ok_det = math.isclose(det, 110 * 1.1 ** t, rel_tol=1e-12)
    mean = float(row[head.index("mean")])
    se = sim.std() * math.sqrt(1 / N + 1 / M)
    ok_mean = abs(mean - sim.mean()) <= 4 * se
    worst = 0.0
    ok_q = True
    for q in QS:
        x = float(row[head.index("p%g" % (q * 100))])
        fq = np.searchsorted(sim, x) / M
        tol = 4 * math.sqrt(q * (1 - q) * (1 / N + 1 / M)) + 1 / M
        worst = max(worst, abs(fq - q) / tol)
        ok_q = ok_q and abs(fq - q) <= tol
    ok = ok_det and ok_mean and ok_q
    print("%s %d: capacity %.6g (want %.6g), mean %.6g vs %.6g (%.1f SE), worst quantile %.2f of tolerance"
          % ("ok  " if ok else "FAIL", 2023 + t, det, 110 * 1.1 ** t, mean, sim.mean(),
             abs(mean - sim.mean()) / se, worst))
    fails += not ok
sys.exit(1 if fails else 0)
