#!/usr/bin/env python3
"""cookbook_check.py DCPROJ SOURCE_ROOT: run every recipe of
doc/what-if-cookbook.md exactly as written there (the commands and the child
file are read from the document, so it cannot drift from what is tested) and
check the numbers against values computed here from SPEC formulas and from
the base scenario's own run:

  delay  FI's 45 MW event, 36-month ramp, moved from 2026-03 to 2026-09:
         45*4/36 = 5 at the end of 2026, 45*16/36 = 20 at the end of 2027;
         every other country's rows equal the frozen base run.
  drop   no CH rows; the other countries equal the base; TOTAL = base TOTAL
         minus base CH.
  ratio  the solved TOTAL 2027/2023 = 2.2 and 2027/2025 = 1.4.
  sweep  the grid 0.4 ... 0.8 exactly; energy = u / 0.6 times the base's
         2027 energy.
  lease  NO = base NO + 100*6/24 at the end of 2026 and + 100*18/24 at the
         end of 2027; other countries equal the base.
Standard library only.  Exit 0 when every recipe holds, 1 otherwise."""
import csv
import io
import os
import re
import shlex
import subprocess
import sys
import tempfile

EXE, ROOT = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
FAILURES = []


def expect(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL: " + what, file=sys.stderr)


def close(a, b, rel=1e-12):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def recipes(text):
    """{name: [fenced block, ...]}: the blocks after each recipe marker, up to
    the next heading."""
    out = {}
    for m in re.finditer(r"<!-- recipe: (\w+) -->(.*?)(?=\n## |\Z)", text, re.S):
        out[m.group(1)] = re.findall(r"```(\w+)\n(.*?)```", m.group(2), re.S)
    return out


def run(cmdline, cwd):
    args = shlex.split(cmdline)
    assert args[0] == "dcproj", cmdline
    p = subprocess.run([EXE] + args[1:], capture_output=True, cwd=cwd, timeout=300)
    expect(p.returncode == 0, f"{cmdline}: exit {p.returncode}: {p.stderr.decode()[:300]}")
    expect(p.stderr == b"", f"{cmdline}: stderr {p.stderr.decode()[:300]}")
    return p.stdout.decode()


def table(text):
    """{(code, period): row} of a long-layout table."""
    return {(r["code"], r["period"]): r for r in csv.DictReader(io.StringIO(text))}


def f(row, col="capacity"):
    return float(row[col])


with open(os.path.join(ROOT, "doc", "what-if-cookbook.md"), encoding="utf-8") as fh:
    R = recipes(fh.read())
expect(sorted(R) == ["delay", "drop", "lease", "ratio", "sweep"], f"recipes found: {sorted(R)}")

with tempfile.TemporaryDirectory() as tmp:
    # the recipes name scenarios/...: give them a copy of the shipped ones
    scen = os.path.join(tmp, "scenarios")
    os.makedirs(os.path.join(scen, "what-if"))
    with open(os.path.join(ROOT, "scenarios", "microsoft-europe-2025.json"), "rb") as src, \
            open(os.path.join(scen, "microsoft-europe-2025.json"), "wb") as dst:
        dst.write(src.read())
    M = "scenarios/microsoft-europe-2025.json"
    base = table(run(f"dcproj run {M} --frozen", tmp))
    codes = sorted({c for c, _ in base})
    countries = [c for c in codes if c not in ("TOTAL", "EU", "Nordics", "live-2023", "new-2024-26")]

    def single(name, lang="sh"):
        blocks = [b for l, b in R.get(name, []) if l == lang]
        expect(len(blocks) >= 1, f"recipe {name}: no {lang} block")
        lines = [ln for ln in blocks[0].strip().splitlines()] if blocks else []
        return lines

    # 1. delay
    cmd = single("delay")
    expect(len(cmd) == 1, "delay: one command")
    t = table(run(cmd[0], tmp)) if cmd else {}
    expect(close(f(t[("FI", "2026")]), 45 * 4 / 36), f"delay: FI 2026 {t.get(('FI', '2026'))}")
    expect(close(f(t[("FI", "2027")]), 45 * 16 / 36), f"delay: FI 2027 {t.get(('FI', '2027'))}")
    expect(close(f(base[("FI", "2027")]), 45 * 22 / 36), "delay: base FI 2027 is 27.5")
    for c in countries:
        if c != "FI":
            for (cc, per), row in base.items():
                if cc == c:
                    expect(t[(cc, per)] == row, f"delay: {cc} {per} changed")

    # 2. drop
    cmd = single("drop")
    t = table(run(cmd[0], tmp)) if cmd else {}
    expect(not any(c == "CH" for c, _ in t), "drop: CH rows remain")
    for (c, per), row in base.items():
        if c in countries and c != "CH":
            expect(t[(c, per)] == row, f"drop: {c} {per} changed")
        if c == "TOTAL":
            expect(close(f(t[(c, per)]), f(row) - f(base[("CH", per)])),
                   f"drop: TOTAL {per} {t[(c, per)]['capacity']} != base - CH")

    # 3. ratio
    cmd = single("ratio")
    run(cmd[0], tmp) if cmd else None
    with open(os.path.join(tmp, "table.csv")) as fh:
        t = table(fh.read())
    tot = {per: f(r) for (c, per), r in t.items() if c == "TOTAL"}
    expect(close(tot["2027"] / tot["2023"], 2.2, 1e-10), f"ratio: 2027/2023 = {tot['2027'] / tot['2023']}")
    expect(close(tot["2027"] / tot["2025"], 1.4, 1e-10), f"ratio: 2027/2025 = {tot['2027'] / tot['2025']}")
    with open(os.path.join(tmp, "solution.csv")) as fh:
        sol = list(csv.DictReader(fh))
    expect([r["id"] for r in sol if r["type"] == "variable"] == ["g1", "g2"], "ratio: solution rows")

    # 4. sweep
    cmd = single("sweep")
    rows = list(csv.DictReader(io.StringIO(run(cmd[0], tmp)))) if cmd else []
    expect([r["power.utilization"] for r in rows] == ["0.4", "0.5", "0.6", "0.7", "0.8"],
           f"sweep: grid {[r['power.utilization'] for r in rows]}")
    e_base = f(base[("TOTAL", "2027")], "energy_twh")
    for r in rows:
        expect(close(float(r["energy_twh"]), e_base * float(r["power.utilization"]) / 0.6, 1e-12),
               f"sweep: {r}")

    # 5. lease: the child file as written, then the command
    js = [b for l, b in R.get("lease", []) if l == "json"]
    expect(len(js) == 1 and len(js[0].strip().splitlines()) <= 5, "lease: one child file of <= 5 lines")
    m = re.search(r"`(scenarios/what-if/[\w.-]+\.json)`", open(os.path.join(ROOT, "doc", "what-if-cookbook.md")).read().split("<!-- recipe: lease -->")[0].split("## 5.")[1])
    expect(m is not None, "lease: the document names the child file")
    with open(os.path.join(tmp, m.group(1)), "w") as fh:
        fh.write(js[0])
    cmd = single("lease")
    t = table(run(cmd[0], tmp)) if cmd else {}
    for (c, per), row in base.items():
        if c in countries and c != "NO":
            expect(t[(c, per)] == row, f"lease: {c} {per} changed")
    for per, add in (("2025", 0.0), ("2026", 25.0), ("2027", 75.0)):
        expect(close(f(t[("NO", per)]), f(base[("NO", per)]) + add), f"lease: NO {per}")

print(f"cookbook_check: {len(FAILURES)} failure(s)")
sys.exit(1 if FAILURES else 0)
