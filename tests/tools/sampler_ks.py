"""Kolmogorov-Smirnov checks of dcproj's samplers (issue 14): a one-country
scenario whose baseline is a triangular, PERT or lognormal distribution is
run with many draws at a fixed seed; its 99 quantiles p1..p99 of the base
year are the empirical quantile function of the draws.  At x = the
empirical q-quantile, F_n(x) = q (to 1/n), so |F(x) - q| <= D_n + 1/n with
F the distribution's CDF from scipy (triangular; PERT as a scaled beta with
alpha = 1 + 4(c-a)/(b-a), beta = 1 + 4(b-c)/(b-a); lognormal with the
SPEC 5.1 mean/sd parameterisation).  The bound used is the KS critical
value at alpha = 0.001 (1.95/sqrt(n)): a correct sampler fails it with
probability 0.001 at a fixed seed, so once it passes it keeps passing;
a wrong shape (PERT with lambda 6, a swapped mode, a lognormal with the
sd taken as sigma) is off by far more.  Skips (77) without numpy/scipy.
usage: sampler_ks.py DCPROJ"""
import json
import math
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    from scipy import stats
except ImportError:
    print("numpy/scipy not installed: skipped")
    sys.exit(77)

dcproj = sys.argv[1]
N = 200000
QS = [i / 100 for i in range(1, 100)]

a, c, b = 20.0, 35.0, 80.0
m, s = 100.0, 40.0
s2 = math.log1p((s * s) / (m * m))
cases = {
    "triangular": ({"dist": "triangular", "min": a, "mode": c, "max": b},
                   stats.triang(c=(c - a) / (b - a), loc=a, scale=b - a)),
    "pert": ({"dist": "pert", "min": a, "mode": c, "max": b},
             stats.beta(1 + 4 * (c - a) / (b - a), 1 + 4 * (b - c) / (b - a), loc=a, scale=b - a)),
    "lognormal": ({"dist": "lognormal", "mean": m, "sd": s},
                  stats.lognorm(s=math.sqrt(s2), scale=math.exp(math.log(m) - s2 / 2))),
}
# the wrong shapes the bound must reject (a check that the test can fail)
wrong = {
    "pert": stats.beta(1 + 6 * (c - a) / (b - a), 1 + 6 * (b - c) / (b - a), loc=a, scale=b - a),
    "triangular": stats.triang(c=(b - c) / (b - a), loc=a, scale=b - a),
    "lognormal": stats.lognorm(s=s / m * 1.2, scale=m),
}

bound = 1.95 / math.sqrt(N) + 1.0 / N
fails = 0
with tempfile.TemporaryDirectory() as tmp:
    for name, (dist, cdf) in cases.items():
        scen = {"dcproj": 1, "name": "ks-" + name, "baseline_year": 2023, "horizon": 2024,
                "defaults": {"growth": {"model": "compound", "rate": 0}},
                "countries": {"XX": {"name": "X", "baseline": dist}},
                "uncertainty": {"draws": N, "seed": 20261202, "quantiles": QS}}
        path = os.path.join(tmp, name + ".json")
        with open(path, "w") as f:
            json.dump(scen, f)
        out = subprocess.run([dcproj, "run", path], capture_output=True, text=True)
        if out.returncode != 0:
            print("FAIL %s: dcproj exit %d: %s" % (name, out.returncode, out.stderr))
            fails += 1
            continue
        lines = out.stdout.splitlines()
        head = lines[0].split(",")
        row = next(l.split(",") for l in lines[1:] if l.startswith("country,XX,") and ",2023," in l)
        xq = np.array([float(row[head.index("p%g" % (q * 100))]) for q in QS])
        d = float(np.max(np.abs(cdf.cdf(xq) - np.array(QS))))
        d_wrong = float(np.max(np.abs(wrong[name].cdf(xq) - np.array(QS))))
        ok = d <= bound and d_wrong > bound
        print("%s %s: max |F(x_q) - q| = %.5f (bound %.5f); against a wrong shape %.5f"
              % ("ok  " if ok else "FAIL", name, d, bound, d_wrong))
        fails += not ok
sys.exit(1 if fails else 0)
