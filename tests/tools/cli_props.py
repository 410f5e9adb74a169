#!/usr/bin/env python3
"""cli_props.py DCPROJ SOURCE_ROOT [GROUP...]: property tests of the dcproj
command line (SPEC §7, §8): check, diff, sweep, the output formats, explain,
chart and run.  Every expectation is computed here, independently of dcproj
(with pandas, numpy, csv, json and xml.etree), from the program's own `run`
output or from the SPEC's formulas.  GROUP limits the run to some groups
(check, diff, sweep, formats, explain, chart, run).

Exit 0 when every property holds, 1 otherwise (every failure is listed),
77 (skip) when pandas or numpy cannot be imported."""
import csv
import io
import json
import math
import os
import random
import re
import stat
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

try:
    import numpy as np
    import pandas as pd
except ImportError:
    sys.exit(77)

EXE = None
ROOT = None
TMP = None
FAILURES = []
CHECKS = 0


def expect(cond, what):
    """Record one property: a failure is listed and fails the run."""
    global CHECKS
    CHECKS += 1
    if not cond:
        FAILURES.append(what)
        print("FAIL: " + what, file=sys.stderr)
    return cond


def dc(*args, stdin=None, check_rc=None, cwd=None):
    """Run dcproj with ARGS; return (rc, stdout bytes, stderr text)."""
    p = subprocess.run([EXE] + [str(a) for a in args], input=stdin, capture_output=True,
                       timeout=120, cwd=cwd)
    err = p.stderr.decode("utf-8", "replace")
    if check_rc is not None and p.returncode != check_rc:
        expect(False, f"dcproj {' '.join(map(str, args))}: exit {p.returncode}, "
                      f"wanted {check_rc}: {err.strip()[:300]}")
    return p.returncode, p.stdout, err


def run_out(*args):
    """stdout of a dcproj command that must succeed (exit 0)."""
    return dc(*args, check_rc=0)[1]


def tmp(name):
    return os.path.join(TMP, name)


def read_csv_bytes(data, **kw):
    """A CSV (bytes) as a DataFrame with every column as text (no NaN)."""
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, **kw)


# SPEC v2 §3.7: the first row's energy_twh is empty; read it as NaN, so
# the column stays numeric even with keep_default_na=False
ENERGY_NA = {c: [""] for c in ["energy_twh"] + ["energy_twh_" + k for k in
                                                 ("mean", "p5", "p50", "p95", "p2.5", "p97.5",
                                                  "p10", "p90", "p25", "p75")]}


def cell(x):
    """A numeric cell, None when empty (NaN)."""
    return None if isinstance(x, float) and math.isnan(x) else x


def read_csv_numbers(data, **kw):
    """A CSV (bytes) as a DataFrame, numbers parsed exactly (round trip)."""
    kw.setdefault("na_values", ENERGY_NA)
    return pd.read_csv(io.BytesIO(data), float_precision="round_trip", **kw)


def records(data):
    """A CSV (bytes, LF) as a list of records (lists of str)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def write_records(path, recs):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerows(recs)


def is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def scenarios():
    """The conformance cases and the shipped scenarios (what-ifs too)."""
    out = []
    for d in ("tests/data/conformance", "scenarios", "scenarios/what-if"):
        full = os.path.join(ROOT, d)
        for n in sorted(os.listdir(full)):
            if n.endswith(".json") and not n.endswith(".schema.json"):
                out.append(os.path.join(full, n))
    return out


def fast(s):
    """Options that keep a Monte Carlo scenario quick: 100 draws (the
    properties tested here do not depend on the number of draws)."""
    with open(s, encoding="utf-8") as f:
        return ["--draws", "100"] if '"uncertainty"' in f.read() else []


def conf(name):
    return os.path.join(ROOT, "tests/data/conformance", name + ".json")


def shipped(name):
    return os.path.join(ROOT, "scenarios", name + ".json")


# --------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------

LAYOUTS = [[], ["--layout", "wide"], ["--layout", "iamc"], ["--excel-eu"],
           ["--layout", "iamc", "--excel-eu"], ["--step", "quarter", "--layout", "wide"]]


def test_check_own_output():
    """check passes on its own run output, every scenario and layout."""
    for s in scenarios():
        for opts in LAYOUTS:
            opts = opts + fast(s)
            g = tmp("own.csv")
            dc("run", s, *opts, "-o", g, check_rc=0)
            rc, out, err = dc("check", s, "--expect", g, *opts)
            expect(rc == 0, f"check {os.path.basename(s)} {opts} on its own output: exit {rc} "
                            f"{out.decode()[:300]} {err[:300]}")


def perturbed_golden(s, rng, rel):
    """Write s's long run output with one nonzero capacity cell times
    (1 + rel); return (golden path, key row text, expected text, got text,
    expected value, got value)."""
    recs = records(run_out("run", s))
    head = recs[0]
    ci = head.index("capacity")
    rows = [i for i in range(1, len(recs)) if float(recs[i][ci]) != 0]
    i = rng.choice(rows)
    got = float(recs[i][ci])
    e = got * (1 + rel)
    recs[i][ci] = repr(e)
    g = tmp("perturbed.csv")
    write_records(g, recs)
    r = recs[i]
    key = f"{r[head.index('kind')]},{r[head.index('code')]},{r[head.index('period')]}"
    return g, key, repr(e), recs and r, e, got


def test_check_detects_change():
    """A 1e-6 relative change of one capacity cell: exit 1, the report
    names the cell, the expected and the got value."""
    rng = random.Random(7)
    for s in scenarios():
        g, key, etext, row, e, got = perturbed_golden(s, rng, 1e-6)
        rc, out, err = dc("check", s, "--expect", g)
        text = out.decode()
        name = os.path.basename(s)
        expect(rc == 1, f"check {name} with {key} capacity changed by 1e-6: exit {rc}, wanted 1")
        lines = [ln for ln in text.splitlines() if ln.startswith(key + " ")]
        ok = len(lines) == 1 and "capacity" in lines[0].split() and etext in lines[0].split()
        if ok:
            got_fields = lines[0].split()
            ok = any(is_number(f) and float(f) == got for f in got_fields)
        expect(ok, f"check {name}: report should name {key} capacity, expected {etext} and got "
                   f"{got!r}:\n{text}")
        expect(re.search(r"\b1 of \d+ cells differ", text) is not None,
               f"check {name}: report should count one differing cell:\n{text}")
        rel = abs(got - e) / abs(e)
        m = re.search(re.escape(key) + r"\s.*\s(\S+)\s*$", text, re.M)
        expect(m is not None and is_number(m.group(1)) and
               abs(float(m.group(1)) - rel) <= 1e-2 * rel,
               f"check {name}: relative difference {rel:.3g} not in the report:\n{text}")


def test_check_text_cell():
    """Text cells match byte for byte: a name with one more space differs."""
    s = conf("basic")
    recs = records(run_out("run", s))
    ni = recs[0].index("name")
    recs[7][ni] += " "
    write_records(tmp("text.csv"), recs)
    rc, out, _ = dc("check", s, "--expect", tmp("text.csv"))
    t = out.decode()
    key = f"{recs[7][0]},{recs[7][1]},{recs[7][3]}"
    expect(rc == 1 and re.search(r"\b1 of \d+ cells differ", t) is not None and key in t and " name " in t,
           f"check: a name with a trailing space should be one differing cell ({key} name):\n{t}")


def test_check_detects_change_eu():
    """The same in the --excel-eu format (decimal comma, ';', BOM, CRLF)
    and in the wide and IAMC layouts."""
    rng = random.Random(5)
    s = shipped("microsoft-europe-2025")
    for opts, key_cols, val_col in ((["--excel-eu"], ("kind", "code", "period"), "capacity"),
                                    (["--layout", "wide"], ("kind", "code"), "2026"),
                                    (["--layout", "iamc"], ("region", "variable", "year"), "value")):
        eu = "--excel-eu" in opts
        data = run_out("run", s, *opts)
        text = data.decode("utf-8-sig").replace("\r\n", "\n")
        recs = list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if eu else ","))
        head = recs[0]
        ci = head.index(val_col)
        num = (lambda x: float(x.replace(",", "."))) if eu else float
        rows = [i for i in range(1, len(recs)) if num(recs[i][ci]) != 0]
        i = rng.choice(rows)
        got = num(recs[i][ci])
        e = got * (1 + 1e-6)
        recs[i][ci] = repr(e).replace(".", ",") if eu else repr(e)
        out = io.StringIO(newline="")
        csv.writer(out, delimiter=";" if eu else ",", lineterminator="\r\n" if eu else "\n").writerows(recs)
        g = tmp("perturbed-eu.csv")
        with open(g, "wb") as f:
            f.write(("\ufeff" if eu else "").encode() + out.getvalue().encode())
        rc, rep, err = dc("check", s, "--expect", g, *opts)
        t = rep.decode()
        key = ",".join(recs[i][head.index(k)] for k in key_cols)
        expect(rc == 1 and re.search(r"\b1 of \d+ cells differ", t) is not None and key in t,
               f"check {opts}: one cell ({key} {val_col}) changed by 1e-6: exit {rc}:\n{t}{err}")
        rc, rep, err = dc("check", s, "--expect", g, *opts, "--rtol", "2e-6")
        expect(rc == 0, f"check {opts} --rtol 2e-6 should accept a 1e-6 change: exit {rc} {err}")


def test_check_tolerances():
    """--rtol/--atol: a cell passes iff |got - exp| <= atol + rtol |exp|,
    probed just inside and just outside the boundary computed here."""
    rng = random.Random(11)
    for s in (conf("basic"), shipped("microsoft-europe-2025")):
        g, key, etext, row, e, got = perturbed_golden(s, rng, 3e-7)
        diff = abs(got - e)
        name = os.path.basename(s)

        def probe(rtol, atol, want):
            rc, out, err = dc("check", s, "--expect", g, "--rtol", repr(rtol), "--atol", repr(atol))
            expect(rc == want, f"check {name} {key}: got {got!r} expected {e!r} (diff {diff!r}) "
                               f"with --rtol {rtol!r} --atol {atol!r}: exit {rc}, wanted {want}")

        # atol alone: the boundary is exact in floating point (<= is inclusive)
        probe(0.0, diff, 0)
        probe(0.0, math.nextafter(diff, 0), 1)
        # rtol alone
        r = diff / abs(e)
        probe(r * (1 + 1e-9), 0.0, 0)
        probe(r * (1 - 1e-9), 0.0, 1)
        # both: half the difference each
        probe((diff / 2) / abs(e) * (1 + 1e-9), diff / 2, 0)
        probe((diff / 2) / abs(e) * (1 - 1e-6), diff / 2 * (1 - 1e-6), 1)
        # the defaults (1e-9 each) accept a 1e-12 relative change, refuse 3e-7
        probe(1e-9, 1e-9, 1)
        g2, *_ = perturbed_golden(s, rng, 1e-12)
        rc, out, err = dc("check", s, "--expect", g2)
        expect(rc == 0, f"check {name}: a 1e-12 relative change must pass the default tolerances")


def test_check_missing_extra():
    """Rows and columns missing from or extra to the output are counted."""
    s = conf("basic")
    recs = records(run_out("run", s))
    head = recs[0]
    # golden without 2 rows and without the energy_twh column: the output has
    # 2 extra rows and 1 extra column
    ei = head.index("energy_twh")
    g = [r[:ei] + r[ei + 1:] for r in recs]
    del g[5]
    del g[3]
    write_records(tmp("mx.csv"), g)
    rc, out, _ = dc("check", s, "--expect", tmp("mx.csv"))
    t = out.decode()
    expect(rc == 1 and "0 rows missing, 2 rows extra, 0 columns missing, 1 columns extra" in t,
           f"check: 2 rows and 1 column removed from the golden should count as extra:\n{t}")
    # golden with 3 made-up rows and 2 made-up columns: missing from the output
    g = [r + (["x", "1"] if i else ["note", "weight"]) for i, r in enumerate(recs)]
    for k in range(3):
        g.append(["country", f"Z{k}", "", recs[1][3]] + ["1"] * (len(head) - 4) + ["x", "1"])
    write_records(tmp("mx.csv"), g)
    rc, out, _ = dc("check", s, "--expect", tmp("mx.csv"))
    t = out.decode()
    expect(rc == 1 and "3 rows missing, 0 rows extra, 2 columns missing, 0 columns extra" in t,
           f"check: 3 rows and 2 columns added to the golden should count as missing:\n{t}")


def test_check_order_free():
    """Rows are matched on (kind, code, period) and columns by name: a golden
    with its rows and columns shuffled passes; bad tolerances are usage
    errors."""
    rng = random.Random(13)
    for s in (conf("basic"), shipped("microsoft-europe-2025")):
        recs = records(run_out("run", s))
        body = recs[1:]
        rng.shuffle(body)
        perm = list(range(len(recs[0])))
        rng.shuffle(perm)
        write_records(tmp("shuffled.csv"), [[r[i] for i in perm] for r in [recs[0]] + body])
        rc, out, err = dc("check", s, "--expect", tmp("shuffled.csv"))
        expect(rc == 0, f"check {os.path.basename(s)} with rows and columns shuffled: exit {rc}\n"
                        f"{out.decode()[:400]}{err}")
    g = tmp("shuffled.csv")
    for opt in ("--rtol", "--atol"):
        for bad in ("-1", "nan", "inf", "abc", "1e-3x", ""):
            rc, *_ = dc("check", conf("basic"), "--expect", g, opt, bad)
            expect(rc == 2, f"check {opt} {bad!r}: exit {rc}, wanted 2")


def test_check_other_layout():
    """A golden of one layout checked with another is a difference (exit 1,
    every row missing), never a malformed golden (65)."""
    s = conf("basic")
    for made, checked in (([], ["--layout", "wide"]), (["--layout", "wide"], []),
                          ([], ["--layout", "iamc"]), (["--layout", "iamc"], ["--layout", "wide"])):
        g = tmp("layout.csv")
        dc("run", s, *made, "-o", g, check_rc=0)
        n_rows = len(records(run_out("run", s, *made))) - 1
        rc, out, err = dc("check", s, "--expect", g, *checked)
        expect(rc == 1 and f" {n_rows} rows missing" in out.decode(),
               f"check a {made or 'long'} golden with {checked or 'long'}: exit {rc}, "
               f"wanted 1 and {n_rows} rows missing\n{out.decode()[:300]}{err}")


def test_check_malformed():
    """A malformed golden is a data error (65) naming FILE:LINE."""
    s = conf("basic")
    base = run_out("run", s).decode().split("\n")
    # a ragged row at line 6
    lines = list(base)
    lines[5] = ",".join(lines[5].split(",")[:-2])
    with open(tmp("ragged.csv"), "w") as f:
        f.write("\n".join(lines))
    rc, out, err = dc("check", s, "--expect", tmp("ragged.csv"))
    expect(rc == 65 and "ragged.csv:6" in err,
           f"check: a ragged row at line 6: exit {rc} (want 65), stderr {err!r}")
    # an unterminated quote opened at line 9
    lines = list(base)
    f_ = lines[8].split(",")
    f_[2] = '"' + f_[2]
    lines[8] = ",".join(f_)
    with open(tmp("unterminated.csv"), "w") as f:
        f.write("\n".join(lines))
    rc, out, err = dc("check", s, "--expect", tmp("unterminated.csv"))
    expect(rc == 65 and "unterminated.csv:9" in err,
           f"check: an unterminated quote at line 9: exit {rc} (want 65), stderr {err!r}")
    # a quote that is never closed (to the end of the file), at line 5
    lines = run_out("run", conf("pledge")).decode().split("\n")
    lines[4] = lines[4].replace(",", ',"', 1)
    with open(tmp("eof-quote.csv"), "w") as f:
        f.write("\n".join(lines))
    rc, out, err = dc("check", conf("pledge"), "--expect", tmp("eof-quote.csv"))
    expect(rc == 65 and "eof-quote.csv:5" in err,
           f"check: a quote at line 5 never closed: exit {rc} (want 65), stderr {err!r}")
    # a header naming a column twice
    lines = list(base)
    lines[0] = lines[0].replace("facility_mw", "capacity")
    with open(tmp("twice.csv"), "w") as f:
        f.write("\n".join(lines))
    rc, out, err = dc("check", s, "--expect", tmp("twice.csv"))
    expect(rc == 65 and "twice.csv:1" in err,
           f"check: a column twice in the header: exit {rc} (want 65), stderr {err!r}")
    # a missing golden: 66
    rc, out, err = dc("check", s, "--expect", tmp("no-such-golden.csv"))
    expect(rc == 66, f"check: a missing golden: exit {rc}, wanted 66")


def test_check_update():
    """--update replaces the golden atomically (new inode, mode kept, no
    temporary left), after which check passes; a failing run keeps it."""
    s = conf("basic")
    d = tmp("upd")
    os.makedirs(d, exist_ok=True)
    g = os.path.join(d, "golden.csv")
    with open(g, "w") as f:
        f.write("kind,code,name,period,capacity\ncountry,IE,Ireland,2023,1\n")
    os.chmod(g, 0o640)
    ino = os.stat(g).st_ino
    rc, out, err = dc("check", s, "--expect", g, "--update")
    expect(rc == 0, f"check --update: exit {rc}: {err}")
    st = os.stat(g)
    expect(st.st_ino != ino, "check --update should rename a new file into place")
    expect(stat.S_IMODE(st.st_mode) == 0o640, f"check --update: mode {oct(st.st_mode)} not kept")
    with open(g, "rb") as f:
        expect(f.read() == run_out("run", s), "check --update: the golden is not the run output")
    expect(os.listdir(d) == ["golden.csv"], f"check --update left {os.listdir(d)}")
    expect(dc("check", s, "--expect", g)[0] == 0, "check after --update should pass")
    # with output options: the golden is written in that format
    rc, *_ = dc("check", s, "--expect", g, "--update", "--excel-eu", "--layout", "wide")
    with open(g, "rb") as f:
        expect(f.read() == run_out("run", s, "--excel-eu", "--layout", "wide"),
               "check --update --excel-eu --layout wide: not the run output")
    expect(dc("check", s, "--expect", g, "--excel-eu", "--layout", "wide")[0] == 0,
           "check after --update --excel-eu --layout wide should pass")
    # an invalid scenario: the golden keeps its content, nothing left behind
    with open(g, "rb") as f:
        before = f.read()
    rc, *_ = dc("check", s, "--expect", g, "--update", "--set", "countries.IE.baseline=-1")
    with open(g, "rb") as f:
        expect(rc == 65 and f.read() == before,
               f"check --update of an invalid scenario: exit {rc}, golden must be kept")
    expect(os.listdir(d) == ["golden.csv"], f"failed check --update left {os.listdir(d)}")


def test_check_junit():
    """--junit: well-formed XML, one testcase, a <failure> only on a
    difference."""
    s = conf("basic")
    g = tmp("j.csv")
    dc("run", s, "-o", g, check_rc=0)
    j = tmp("j.xml")
    for changed in (False, True):
        if changed:
            g, *_ = perturbed_golden(s, random.Random(3), 1e-6)
        rc, out, err = dc("check", s, "--expect", g, "--junit", j)
        expect(rc == (1 if changed else 0), f"check --junit (changed={changed}): exit {rc}")
        try:
            root = ET.parse(j).getroot()
        except ET.ParseError as e:
            expect(False, f"check --junit: not well-formed XML: {e}")
            continue
        cases = list(root.iter("testcase"))
        fails = list(root.iter("failure")) + list(root.iter("error"))
        expect(len(cases) == 1, f"check --junit: {len(cases)} testcases, wanted 1")
        for el in [root] + list(root.iter("testsuite")):
            if el.get("failures") is not None:
                expect(el.get("failures") == str(len(fails)) and el.get("tests") == "1",
                       f"check --junit: <{el.tag}> counts {el.attrib} disagree with its content")
        expect(len(fails) == (1 if changed else 0),
               f"check --junit (changed={changed}): {len(fails)} failures")
        if changed and fails:
            expect("capacity" in (fails[0].text or ""), "check --junit: failure text lacks the cell")
    # a malformed golden: still well-formed XML, with an error or failure
    rc, *_ = dc("check", s, "--expect", tmp("ragged.csv"), "--junit", j)
    try:
        root = ET.parse(j).getroot()
        expect(len(list(root.iter("failure")) + list(root.iter("error"))) == 1,
               "check --junit with a malformed golden: want one failure or error")
    except (ET.ParseError, FileNotFoundError) as e:
        expect(False, f"check --junit with a malformed golden: {e}")


# --------------------------------------------------------------------------
# diff
# --------------------------------------------------------------------------

KEY = ["kind", "code", "period"]


def diff_expectation(a_bytes, b_bytes, metric):
    """The diff table computed with pandas from two long run outputs."""
    A = read_csv_numbers(a_bytes, keep_default_na=False, dtype={"period": str, "name": str})
    B = read_csv_numbers(b_bytes, keep_default_na=False, dtype={"period": str, "name": str})
    akeys = set(map(tuple, A[KEY].values.tolist()))
    rows = []
    bidx = {tuple(r): i for i, r in enumerate(B[KEY].values.tolist())}
    for i in range(len(A)):
        k = tuple(A.loc[i, KEY])
        a = cell(float(A.loc[i, metric]))
        b = cell(float(B.loc[bidx[k], metric])) if k in bidx else None
        rows.append((k, A.loc[i, "name"], a, b))
    for i in range(len(B)):
        k = tuple(B.loc[i, KEY])
        if k not in akeys:
            rows.append((k, B.loc[i, "name"], None, cell(float(B.loc[i, metric]))))
    return rows


def check_diff(label, got_bytes, a_bytes, b_bytes, metric="capacity"):
    want = diff_expectation(a_bytes, b_bytes, metric)
    got = read_csv_bytes(got_bytes)
    expect(list(got.columns) == ["kind", "code", "name", "period", "a", "b", "delta", "delta_pct"],
           f"diff {label}: columns {list(got.columns)}")
    if not expect(len(got) == len(want), f"diff {label}: {len(got)} rows, wanted {len(want)}"):
        return
    bad = 0
    for i, (k, name, a, b) in enumerate(want):
        r = got.iloc[i]
        row_ok = (r["kind"], r["code"], r["period"]) == k and r["name"] == name
        fa = float(r["a"]) if r["a"] != "" else None
        fb = float(r["b"]) if r["b"] != "" else None
        row_ok = row_ok and fa == a and fb == b
        if a is not None and b is not None:
            d = b - a
            row_ok = row_ok and r["delta"] != "" and \
                abs(float(r["delta"]) - d) <= 1e-12 * max(abs(a), abs(b), abs(d))
            if a == 0:
                row_ok = row_ok and r["delta_pct"] == ""
            else:
                p = 100 * (b - a) / a
                row_ok = row_ok and r["delta_pct"] != "" and \
                    abs(float(r["delta_pct"]) - p) <= 1e-12 * max(abs(p), 100 * abs(b / a), 100)
        else:
            row_ok = row_ok and r["delta"] == "" and r["delta_pct"] == ""
        if not row_ok and bad < 5:
            expect(False, f"diff {label}: row {i + 1} is {list(r)}, wanted {k} {name} a={a!r} b={b!r}")
        bad += not row_ok
    expect(bad == 0, f"diff {label}: {bad} rows differ from b - a computed with pandas")


def test_diff():
    """diff: b - a and 100 (b - a)/a equal values computed with pandas from
    two `run` outputs; --set/--patch apply to B only; B's extra rows and
    periods come after A's with empty a cells; delta_pct empty when a = 0."""
    ms = shipped("microsoft-europe-2025")
    for b in ("ai-surge", "slower-permitting"):
        bs = os.path.join(ROOT, "scenarios/what-if", b + ".json")
        for metric in ("capacity", "energy_twh"):
            got = run_out("diff", ms, bs, "--metric", metric)
            check_diff(f"microsoft vs {b} ({metric})", got, run_out("run", ms), run_out("run", bs),
                       metric)
    # --set applies to B only; other options to both
    s = conf("basic")
    for opts in ([], ["--step", "quarter"], ["--horizon", "2030"]):
        got = run_out("diff", s, s, "--set", "countries.IE.baseline=333.3", *opts)
        check_diff(f"basic vs basic --set {opts}", got, run_out("run", s, *opts),
                   run_out("run", s, "--set", "countries.IE.baseline=333.3", *opts))
    # --frozen applies to B only; --draws/--seed to both (--metric p50)
    p = conf("pledge")
    fz = ["--frozen", "--set", "countries.IE.baseline=500"]
    check_diff("pledge vs pledge --frozen --set", run_out("diff", p, p, *fz), run_out("run", p),
               run_out("run", p, *fz))
    u = os.path.join(ROOT, "scenarios/what-if/uncertain.json")
    mc = ["--draws", "300", "--seed", "9"]
    got = run_out("diff", ms, u, *mc, "--metric", "p50")
    check_diff("microsoft vs uncertain --draws 300 --metric p50", got, run_out("run", ms, *mc),
               run_out("run", u, *mc), "p50")
    # B has rows A lacks (a new country, a new group): they come after A's
    setx = 'countries.XX={"name": "Newland", "baseline": 5, "groups": ["NEW"]}'
    got = run_out("diff", s, s, "--set", setx)
    check_diff("basic vs basic with a new country", got, run_out("run", s),
               run_out("run", s, "--set", setx))
    # B has periods A lacks (a child with a later horizon): they come after
    d = tmp("diffchild")
    os.makedirs(d, exist_ok=True)
    child = os.path.join(d, "child.json")
    with open(child, "w") as f:
        json.dump({"extends": s, "name": "child", "horizon": 2029,
                   "countries": {"PT": {"name": "Portugal", "baseline": 3, "groups": ["EU"]}}}, f)
    got = run_out("diff", s, child)
    check_diff("basic vs a child with horizon 2029 and PT", got, run_out("run", s), run_out("run", child))
    # A has rows B lacks: a country deleted in B
    got = run_out("diff", s, s, "--set", "countries.SE=null")
    check_diff("basic vs basic without SE", got, run_out("run", s),
               run_out("run", s, "--set", "countries.SE=null"))
    # a = 0 (ES has baseline 0): delta_pct empty, checked in check_diff; make
    # sure such a row exists
    t = read_csv_bytes(run_out("diff", s, s, "--set", "countries.ES.baseline=7"))
    z = t[(t["code"] == "ES") & (t["period"] == "2023")]
    expect(len(z) == 1 and z.iloc[0]["a"] == "0" and z.iloc[0]["delta_pct"] == "" and
           float(z.iloc[0]["delta"]) == 7, f"diff: ES 2023 with a = 0 should be 0,7,7,(empty): {z}")
    # diff writes its own layout: --layout wide/iamc and --format json refused
    for bad in (["--layout", "wide"], ["--layout", "iamc"], ["--format", "json"]):
        rc, out, _ = dc("diff", s, s, *bad)
        expect(rc == 2 and out == b"", f"diff {bad}: exit {rc}, wanted 2 and no output")
    # TSV and --excel-eu read back to the same numbers
    ref = read_csv_numbers(run_out("diff", s, s, "--set", "countries.IE.baseline=333.3"))
    for opts, kw in ((["--format", "tsv"], dict(sep="\t")),
                     (["--excel-eu"], dict(sep=";", decimal=",", encoding="utf-8-sig"))):
        data = run_out("diff", s, s, "--set", "countries.IE.baseline=333.3", *opts)
        got = read_csv_numbers(data, **kw)
        frames_equal(f"diff {opts}", ref, got, excel=is_excel(opts))
        if is_excel(opts):
            excel_digits(f"diff {opts}", data)
    # the diff of a scenario with itself is all zeros
    t = read_csv_numbers(run_out("diff", s, s))
    expect((t["delta"] == 0).all(), "diff s s: every delta should be 0")


# --------------------------------------------------------------------------
# sweep
# --------------------------------------------------------------------------

def frange(a, b, step):
    """The SPEC's range (v2): exact decimals a + i step, i = 0 .. floor((b - a)
    / step), each the double nearest that decimal (Python's Decimal; the
    arguments are read as the shortest decimals of their doubles)."""
    from decimal import Decimal
    A, B, S = (Decimal(repr(float(x))) for x in (a, b, step))
    return [float(A + i * S) for i in range(int((B - A) // S) + 1)]


def run_metric(s, sets, scope="TOTAL", metric="capacity", extra=()):
    """{period: value} of SCOPE's METRIC from `run` with --set PATH=VALUE."""
    args = ["run", s, *extra]
    for p, v in sets:
        args += ["--set", f"{p}={v}"]
    t = read_csv_numbers(run_out(*args), keep_default_na=False, dtype={"period": str})
    t = t[t["code"] == scope]
    return {p: cell(v) for p, v in zip(t["period"], t[metric])}


def test_sweep_points():
    """Every grid point equals `run --set` at the same values."""
    s = conf("basic")
    p1, p2 = "countries.IE.baseline", "defaults.growth.rate"
    v1 = [100, 250.5, 400]
    v2 = frange(0.05, 0.25, 0.1)
    out = run_out("sweep", s, "--vary", f"{p1}=" + ",".join(map(str, v1)),
                  "--vary", f"{p2}=0.05:0.25:0.1")
    t = read_csv_numbers(out, keep_default_na=False, dtype={"period": str})
    expect(list(t.columns) == [p1, p2, "period", "capacity"], f"sweep columns {list(t.columns)}")
    periods = list(run_metric(s, []).keys())
    expect(len(t) == len(v1) * len(v2) * len(periods),
           f"sweep 2-axis: {len(t)} rows, wanted {len(v1) * len(v2) * len(periods)}")
    i = 0
    for a in v1:
        for b in v2:
            want = run_metric(s, [(p1, a), (p2, repr(b))])
            for per in periods:
                if i >= len(t):
                    break
                r = t.iloc[i]
                expect(r[p1] == a and r[p2] == b and r["period"] == per and
                       r["capacity"] == want[per],
                       f"sweep point {i}: {list(r)}, wanted {a}, {b!r}, {per}, {want[per]!r}")
                i += 1
    # --scope a group and a country, --metric
    for scope, metric in (("EU", "capacity"), ("DE", "energy_twh"), ("Nordics", "facility_mw")):
        out = run_out("sweep", s, "--vary", f"{p2}=0:0.2:0.1", "--scope", scope, "--metric", metric)
        t = read_csv_numbers(out, keep_default_na=False, dtype={"period": str})
        ok = list(t.columns) == [p2, "period", metric] and len(t) == 3 * len(periods)
        for b in frange(0, 0.2, 0.1) if ok else []:
            want = run_metric(s, [(p2, repr(b))], scope, metric)
            sub = t[t[p2] == b]
            ok = ok and {p: cell(v) for p, v in zip(sub["period"], sub[metric])} == want
        expect(ok, f"sweep --scope {scope} --metric {metric}: not equal to run --set:\n{out.decode()}")
    # with Monte Carlo draws (--metric p95) and a frozen what-if: every point
    # equals run --set with the same options
    u = os.path.join(ROOT, "scenarios/what-if/uncertain.json")
    opts = ["--draws", "200", "--seed", "4", "--metric", "p95", "--scope", "EU"]
    vp = "countries.IE.baseline"
    out = run_out("sweep", u, "--vary", f"{vp}=500,900", *opts)
    t = read_csv_numbers(out, keep_default_na=False, dtype={"period": str})
    for v in (500, 900):
        want = run_metric(u, [(vp, v)], "EU", "p95", ("--draws", "200", "--seed", "4"))
        sub = t[t[vp] == v]
        expect(len(sub) == len(want) and dict(zip(sub["period"], sub["p95"])) == want,
               f"sweep uncertain.json {vp}={v} --draws 200 --metric p95: differs from run --set")
    # values that are JSON: a list of --set values, one of them a string
    out = run_out("sweep", s, "--vary", "countries.DE.growth.per_year=0,12.5,-10",
                  "--at", "2027")
    t = read_csv_numbers(out)
    want = [run_metric(s, [("countries.DE.growth.per_year", v)])["2027"] for v in ("0", "12.5", "-10")]
    expect(list(t["capacity"]) == want, f"sweep v1,v2,v3 --at 2027: {list(t['capacity'])} != {want}")


def test_sweep_formats():
    """pandas reads sweep output in every CSV variant to the same numbers,
    the varied values included (list values that are JSON numbers are
    numbers); --precision rounds the metric, never the grid values."""
    s = conf("basic")
    vary = ["--vary", "countries.IE.baseline=1e2,0.10,7.25", "--vary", "defaults.growth.rate=0:0.2:0.1"]
    ref = read_csv_numbers(run_out("sweep", s, *vary, "--at", "2025"))
    expect(list(ref["countries.IE.baseline"]) == [100, 100, 100, 0.1, 0.1, 0.1, 7.25, 7.25, 7.25] and
           list(ref["defaults.growth.rate"]) == frange(0, 0.2, 0.1) * 3,
           f"sweep grid values: {ref.iloc[:, :2].values.tolist()}")
    for label, opts, kw in VARIANTS:
        data = run_out("sweep", s, *vary, "--at", "2025", *opts)
        got = read_csv_numbers(data, **kw)
        frames_equal(f"sweep {label}", ref, got, excel=is_excel(opts))
        if is_excel(opts):
            excel_digits(f"sweep {label}", data)
    for n in (0, 2):
        got = read_csv_numbers(run_out("sweep", s, *vary, "--at", "2025", "--precision", str(n)))
        want = ref.copy()
        want["capacity"] = [round(x, n) for x in ref["capacity"]]
        frames_equal(f"sweep --precision {n}", want, got)
    # a value that is not a number stays text, as written
    t = read_csv_bytes(run_out("sweep", s, "--vary", 'countries.IE.name=Eire,"Ireland"', "--at", "2024",
                               "--scope", "IE"))
    expect(list(t["countries.IE.name"]) == ["Eire", '"Ireland"'], f"sweep text values: {t}")


def test_sweep_errors_and_json_values():
    """A point that fails: its status (2 for a bad --scope/--metric/--at, 65
    for invalid data) and no table on stdout; two --vary on one path are a
    usage error; list values that are JSON objects, arrays or strings keep
    their inner commas and colons, each equal to `run --set`."""
    s = conf("basic")
    for extra, want in ((["--scope", "XX"], 2), (["--metric", "nope"], 2),
                        (["--vary", "horizon=2025,2026", "--at", "2026"], 2),
                        (["--set", "countries.IE.baseline=-1"], 65)):
        rc, out, err = dc("sweep", s, "--vary", "countries.DE.baseline=1,2", *extra)
        expect(rc == want and out == b"" and "failed" in err,
               f"sweep {extra}: exit {rc} (wanted {want}), stdout {out[:100]!r}")
    for a, b in (("countries.IE.baseline=1,2", "countries.IE.baseline=3"),
                 ("countries.IE.baseline=1,2", "countries.IE=null"),
                 ("countries.IE=null", "countries.IE.name=x")):
        rc, out, err = dc("sweep", s, "--vary", a, "--vary", b)
        expect(rc == 2 and out == b"", f"sweep --vary {a} --vary {b}: exit {rc}, wanted 2")
    rc, *_ = dc("sweep", s, "--vary", "countries.IE.baseline=1", "--vary", "countries.IE.baseline2=1")
    expect(rc == 65, f"sweep on paths sharing a prefix only (baseline, baseline2): exit {rc}, wanted 65")
    values = ['{"baseline":3,"name":"a,b"}', '{"baseline":5}']
    t = read_csv_bytes(run_out("sweep", s, "--vary", "countries.IE=" + ",".join(values), "--scope", "IE"))
    expect(list(dict.fromkeys(t["countries.IE"])) == values, f"sweep object values: {t}")
    for v in values:
        want = run_metric(s, [("countries.IE", v)], "IE")
        sub = t[t["countries.IE"] == v]
        expect(dict(zip(sub["period"], map(float, sub["capacity"]))) == want,
               f"sweep countries.IE={v}: differs from run --set")
    values = ['["EU","X-1"]', '["B"]']
    t = read_csv_bytes(run_out("sweep", s, "--vary", "countries.IE.groups=" + ",".join(values),
                               "--scope", "EU", "--at", "2024"))
    expect(list(t["countries.IE.groups"]) == values and
           float(t["capacity"][0]) == run_metric(s, [("countries.IE.groups", values[0])], "EU")["2024"],
           f"sweep array values: {t}")
    t = read_csv_bytes(run_out("sweep", s, "--vary", 'countries.IE.name="a:b"', "--scope", "IE",
                               "--at", "2024"))
    expect(list(t["countries.IE.name"]) == ['"a:b"'], f"sweep string value with a colon: {t}")


def test_sweep_ranges():
    """Range semantics (v2): exact decimals A + i STEP through B; more than 10^6
    points is a usage error (2), refused quickly; bad ranges are usage errors."""
    s = conf("basic")
    p = "defaults.growth.rate"
    for spec, n in (("0:1:0.1", 11), ("0:0.3:0.1", 4), ("0.2:0.2:0.1", 1), ("0:0.25:0.1", 3),
                    ("0.1:0.7:0.2", 4), ("0:0.9:0.3", 4), ("0.5:1:0.05", 11)):
        a, b, st = map(float, spec.split(":"))
        vals = frange(a, b, st)
        expect(len(vals) == n, f"test's own range {spec}: {len(vals)} values, thought {n}")
        out = run_out("sweep", s, "--vary", f"{p}={spec}", "--at", "2025")
        t = read_csv_numbers(out)
        expect(list(t[p]) == vals, f"sweep {spec}: values {list(t[p])}, wanted {vals}")
    # > 10^6 points: usage error
    for v in (["--vary", f"{p}=0:1:1e-7"], ["--vary", f"{p}=0:1:1e-300"],
              ["--vary", f"{p}=0:1:0.0009", "--vary", "countries.IE.baseline=0:1000:0.5"]):
        t0 = time.monotonic()
        rc, out, err = dc("sweep", s, *v)
        expect(rc == 2 and out == b"", f"sweep {v} (more than 10^6 points): exit {rc}, wanted 2")
        expect(time.monotonic() - t0 < 10, f"sweep {v}: took {time.monotonic() - t0:.1f} s to refuse")
    # exactly 10^6 points is allowed (checked with the smallest shard)
    rc, out, err = dc("sweep", s, "--vary", f"{p}=0:0.999:0.001", "--vary",
                      "countries.IE.baseline=1:1000:1", "--shard", "1000000/1000000", "--at", "2024")
    expect(rc == 0 and len(records(out)) == 2,
           f"sweep of 10^6 points, last shard of 10^6: exit {rc}, {out[:200]!r} {err[:200]}")
    for bad in ("0:1:0", "1:0:-0.25", "0:1", "a:1:0.1", "0:1:0.1:2"):
        rc, *_ = dc("sweep", s, "--vary", f"{p}={bad}")
        expect(rc == 2, f"sweep --vary {p}={bad}: exit {rc}, wanted 2")


def test_sweep_at():
    """--at Y keeps only the year-end period of Y (Y-Q4, Y-12 for sub-annual
    steps), equal to the rows of the full sweep."""
    s = conf("basic")
    p = "countries.IE.baseline"
    full = read_csv_bytes(run_out("sweep", s, "--vary", f"{p}=10,20"))
    at = read_csv_bytes(run_out("sweep", s, "--vary", f"{p}=10,20", "--at", "2026"))
    want = full[full["period"] == "2026"].reset_index(drop=True)
    expect(at.equals(want), f"sweep --at 2026: {at}\nwanted\n{want}")
    for step, label in (("quarter", "2026-Q4"), ("month", "2026-12")):
        full = read_csv_bytes(run_out("sweep", s, "--vary", f"{p}=10,20", "--step", step))
        at = read_csv_bytes(run_out("sweep", s, "--vary", f"{p}=10,20", "--step", step, "--at", "2026"))
        want = full[full["period"] == label].reset_index(drop=True)
        expect(len(want) == 2 and at.equals(want), f"sweep --step {step} --at 2026: {at}\nwanted {want}")
    # the baseline year is a period too; a year outside the horizon is refused
    at = read_csv_bytes(run_out("sweep", s, "--vary", f"{p}=10,20", "--at", "2023"))
    expect(list(at["period"]) == ["2023", "2023"], f"sweep --at 2023: {at}")
    rc, *_ = dc("sweep", s, "--vary", f"{p}=10,20", "--at", "2031")
    expect(rc in (2, 65), f"sweep --at a year past the horizon: exit {rc}, wanted 2 or 65")


def test_sweep_shards():
    """Shards 1..N concatenated under one header equal the whole, bytes."""
    s = conf("basic")
    for vary, extra in ((["--vary", "countries.IE.baseline=100:500:100"], []),
                        (["--vary", "countries.IE.baseline=100,200",
                          "--vary", "defaults.growth.rate=0:0.2:0.1"], ["--at", "2027"]),
                        (["--vary", "countries.IE.baseline=100:500:100"], ["--excel-eu"]),
                        (["--vary", "countries.IE.baseline=100:500:100"], ["--format", "tsv"])):
        whole = run_out("sweep", s, *vary, *extra)
        bom = b"\xef\xbb\xbf" if "--excel-eu" in extra else b""
        for n in (1, 2, 3, 7):
            parts = [run_out("sweep", s, *vary, *extra, "--shard", f"{k}/{n}") for k in range(1, n + 1)]
            header = whole.split(b"\n", 1)[0] + b"\n"
            ok = all(p.startswith(header) for p in parts)
            cat = parts[0] + b"".join(p[len(header):] for p in parts[1:])
            expect(ok and cat == whole, f"sweep {vary} {extra}: shards of {n} concatenated "
                                        f"differ from the whole")
            if bom:
                expect(all(p.startswith(bom) for p in parts), "sweep --excel-eu shard without BOM")
            for k, p in enumerate(parts):
                try:
                    sep = ";" if "--excel-eu" in extra else "\t" if "tsv" in extra else ","
                    pd.read_csv(io.BytesIO(p), sep=sep, encoding="utf-8-sig")
                except Exception as e:  # noqa: BLE001 - any parse error is a failure
                    expect(False, f"sweep shard {k + 1}/{n}: not a valid table: {e}")
    # more shards than points: the surplus shards hold the header only
    parts = [run_out("sweep", s, "--vary", "countries.IE.baseline=1,2,3", "--at", "2024", "--shard",
                     f"{k}/7") for k in range(1, 8)]
    expect([len(records(p)) for p in parts] == [2, 2, 2, 1, 1, 1, 1],
           f"sweep of 3 points in 7 shards: records per shard {[len(records(p)) for p in parts]}")
    # ceil(points/N) per shard: 10 points in 4 shards → 3, 3, 3, 1
    parts = [run_out("sweep", s, "--vary", "countries.IE.baseline=1:10:1", "--at", "2024", "--shard",
                     f"{k}/4") for k in range(1, 5)]
    expect([len(records(p)) - 1 for p in parts] == [3, 3, 3, 1],
           f"sweep of 10 points in 4 shards: {[len(records(p)) - 1 for p in parts]}, wanted 3,3,3,1")
    for bad in (["--layout", "wide"], ["--layout", "iamc"], ["--format", "json"]):
        rc, out, _ = dc("sweep", s, "--vary", "countries.IE.baseline=1,2", *bad)
        expect(rc == 2 and out == b"", f"sweep {bad}: exit {rc}, wanted 2 and no output")
    for bad in ("0/3", "4/3", "1/0", "x/2", "1/2/3"):
        rc, *_ = dc("sweep", s, "--vary", "countries.IE.baseline=1,2", "--shard", bad)
        expect(rc == 2, f"sweep --shard {bad}: exit {rc}, wanted 2")


# --------------------------------------------------------------------------
# formats
# --------------------------------------------------------------------------

VARIANTS = [
    ("--excel-eu", ["--excel-eu"], dict(sep=";", decimal=",", encoding="utf-8-sig")),
    ("--excel", ["--excel"], dict(encoding="utf-8-sig")),
    ("--decimal-comma", ["--decimal-comma"], dict(sep=";", decimal=",")),
    ("--decimal-comma --delimiter '|'", ["--decimal-comma", "--delimiter", "|"],
     dict(sep="|", decimal=",")),
    ("--delimiter '|'", ["--delimiter", "|"], dict(sep="|")),
    ("--delimiter '\\t'", ["--delimiter", "\\t"], dict(sep="\t")),
    ("tsv", ["--format", "tsv"], dict(sep="\t")),
    ("--crlf", ["--crlf"], dict()),
    ("--bom", ["--bom"], dict(encoding="utf-8-sig")),
]


def is_excel(opts):
    """--excel and --excel-eu print at most 15 significant digits (SPEC §8 v2)."""
    return "--excel" in opts or "--excel-eu" in opts


def sig15(v):
    """v as printf's %.15g reads back: what an --excel CSV holds."""
    return float("%.15g" % v)


def excel_digits(label, data):
    """Every number in an --excel/--excel-eu CSV has at most 15 significant
    digits (SPEC §8 v2), counted on the bytes (fields split on ';' when the
    header has one: --excel-eu, whose decimal mark is ',')."""
    worst = ""
    sep = rb"[;\r\n]" if b";" in data.split(b"\n", 1)[0] else rb"[,\r\n]"
    for field in re.split(sep, data):
        m = re.fullmatch(rb"-?(\d+)(?:[.,](\d+))?(?:e[-+]\d+)?", field)
        if m:
            digits = (m.group(1) + (m.group(2) or b"")).lstrip(b"0")
            if len(digits) > 15 and len(digits) > len(worst):
                worst = digits.decode()
    expect(worst == "", f"{label}: a number with {len(worst)} significant digits: {worst}")


def frames_equal(label, a, b, excel=False):
    """a and b hold the same columns and values; with `excel`, a's numbers
    first rounded to 15 significant digits as --excel prints them."""
    if not expect(list(a.columns) == list(b.columns), f"{label}: columns {list(b.columns)}"):
        return
    if not expect(len(a) == len(b), f"{label}: {len(b)} rows, wanted {len(a)}"):
        return
    for c in a.columns:
        x, y = a[c], b[c]
        if x.dtype.kind == "f" or y.dtype.kind == "f" or x.dtype.kind == "i":
            xs = x.to_numpy(dtype=float)
            if excel:
                xs = np.array([sig15(v) if np.isfinite(v) else v for v in xs])
            same = np.array_equal(xs, y.to_numpy(dtype=float), equal_nan=True)
        else:
            same = x.astype(str).tolist() == y.astype(str).tolist()
        expect(same, f"{label}: column {c} differs")


def test_formats_csv_variants():
    """pandas reads every variant to the same numbers and text as the
    default CSV (also with pandas' default float parser)."""
    for s in scenarios():
        for step in ([], ["--step", "quarter"]):
            step = step + fast(s)
            base = run_out("run", s, *step)
            dtypes = {"period": str, "name": str}
            ref = read_csv_numbers(base, keep_default_na=False, dtype=dtypes)
            ref_fast = pd.read_csv(io.BytesIO(base), keep_default_na=False, dtype=dtypes,
                                   na_values=ENERGY_NA)
            for label, opts, kw in VARIANTS:
                data = run_out("run", s, *step, *opts)
                name = f"{os.path.basename(s)} {step} {label}"
                if "--crlf" in opts or "--excel" in opts or "--excel-eu" in opts:
                    expect(data.count(b"\n") == data.count(b"\r\n"), f"{name}: a record without CRLF")
                if "encoding" in kw:
                    expect(data.startswith(b"\xef\xbb\xbf"), f"{name}: no BOM")
                else:
                    expect(not data.startswith(b"\xef\xbb\xbf"), f"{name}: a BOM")
                got = read_csv_numbers(data, keep_default_na=False, dtype=dtypes, **kw)
                frames_equal(name, ref, got, excel=is_excel(opts))
                got = pd.read_csv(io.BytesIO(data), keep_default_na=False, dtype=dtypes,
                                  na_values=ENERGY_NA, **kw)
                if is_excel(opts):
                    excel_digits(name, data)
                    # pandas' fast float parser is not correctly rounded:
                    # compare the exact parse only
                    continue
                frames_equal(name + " (pandas default parser)", ref_fast, got)
            for n in (0, 3, 17):
                data = run_out("run", s, *step, "--precision", str(n))
                got = read_csv_numbers(data, keep_default_na=False, dtype=dtypes)
                want = ref.copy()
                for c in ref.columns:
                    if ref[c].dtype.kind == "f" or ref[c].dtype.kind == "i":
                        want[c] = [round(float(x), n) for x in ref[c]]
                frames_equal(f"{os.path.basename(s)} {step} --precision {n}", want, got)
                for line in data.decode().splitlines()[1:]:
                    for fld in next(csv.reader([line])):
                        if re.fullmatch(r"-?\d+(\.\d+)?", fld) and fld.lstrip("-") != fld:
                            expect(fld.strip("-0.") != "", f"--precision {n}: -0 printed: {line}")
                        if re.fullmatch(r"-?[\d.]+", fld) and "." in fld:
                            expect(len(fld.split(".")[1]) == n, f"--precision {n}: {fld}")
                    if n == 0:
                        break


def test_formats_text():
    """Names holding the delimiters, quotes, tabs and line breaks read back
    unchanged from every CSV variant; TSV turns tabs and line breaks into
    spaces (SPEC §8)."""
    s = conf("basic")
    name = 'a\tb\nc;d|e,f"g\r\nh'
    setn = "countries.IE.name=" + json.dumps(name)
    for label, opts, kw in VARIANTS:
        data = run_out("run", s, "--set", setn, *opts)
        t = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, **kw)
        names = set(t[t["code"] == "IE"]["name"])
        want = {re.sub(r"\r\n|[\t\r\n]", " ", name)} if "tsv" in opts else {name}
        expect(names == want, f"name with specials, {label}: read back {names!r}, wanted {want!r}")


IAMC_VARS = [("capacity", "Capacity", None), ("mean", "Capacity|Mean", None),
             ("it_load_mw", "Power|IT Load", "MW"), ("facility_mw", "Power|Facility", "MW"),
             ("energy_twh", "Energy", "TWh/yr")]


def iamc_expectation(long_df, scen_name, unit, step):
    """The IAMC table of SPEC §8 computed from the long layout."""
    cols = list(long_df.columns)
    metrics = []
    for c in cols[4:]:
        if c == "capacity":
            metrics.append((c, "Capacity", unit))
        elif c == "mean":
            metrics.append((c, "Capacity|Mean", unit))
        elif re.fullmatch(r"p[\d.]+", c):
            metrics.append((c, "Capacity|" + c, unit))
    for c, v, u in IAMC_VARS[2:]:
        if c in cols:
            # SPEC v2 §8: a period's energy is in TWh; TWh/yr only for years
            metrics.append((c, v, "TWh" if c == "energy_twh" and step != "year" else u))
    # statistics of another metric M (SPEC v2 §5.2, §8): <Var>|Mean, <Var>|pX
    for c in cols:
        for base, v, u in IAMC_VARS[2:]:
            m = re.fullmatch(re.escape(base) + r"_(mean|p[\d.]+)", c)
            if m:
                unit = "TWh" if base == "energy_twh" and step != "year" else u
                metrics.append((c, v + "|" + ("Mean" if m.group(1) == "mean" else m.group(1)), unit))
    rows = []
    codes = list(dict.fromkeys(long_df["code"]))
    for code in codes:
        sub = long_df[long_df["code"] == code]
        for c, v, u in metrics:
            for per, val in zip(sub["period"], sub[c]):
                if val == "" or (isinstance(val, float) and math.isnan(val)):
                    continue  # the first row's energy is empty: IAMC has no row for it
                year = int(per[:4])
                r = ["dcproj", scen_name, code, v, u, year]
                if step == "quarter":
                    r.append(per[5:])
                elif step == "month":
                    r.append(per[5:])
                r.append(float(val))
                rows.append(r)
    names = ["model", "scenario", "region", "variable", "unit", "year"]
    if step != "year":
        names.append("subannual")
    return pd.DataFrame(rows, columns=names + ["value"])


def test_formats_iamc():
    """The IAMC layout of SPEC §8 (columns, variables, units, subannual, row
    order) computed from the long layout, read by pandas, in plain and
    --excel-eu CSV."""
    for s in scenarios():
        for step in ("year", "quarter", "month"):
            long_b = run_out("run", s, "--step", step, *fast(s))
            long_df = read_csv_numbers(long_b, keep_default_na=False, dtype={"period": str})
            name_b = json.loads(run_out("run", s, "--format", "json", "--step", step))
            scen = name_b["provenance"]["scenario"]
            want = iamc_expectation(long_df, scen["name"], scen.get("unit", "MW"), step)
            for label, opts, kw in (("iamc", [], {}),
                                    ("iamc --excel-eu", ["--excel-eu"],
                                     dict(sep=";", decimal=",", encoding="utf-8-sig"))):
                data = run_out("run", s, "--step", step, "--layout", "iamc", *opts, *fast(s))
                got = read_csv_numbers(data, keep_default_na=False,
                                       dtype={"subannual": str, "scenario": str}, **kw)
                frames_equal(f"{os.path.basename(s)} --step {step} {label}", want, got,
                             excel=is_excel(opts))
    # with Monte Carlo columns (mean, p5, p50, p95)
    s = os.path.join(ROOT, "scenarios/what-if/uncertain.json")
    long_b = run_out("run", s, "--draws", "300", "--seed", "5")
    long_df = read_csv_numbers(long_b, keep_default_na=False, dtype={"period": str})
    expect("mean" in long_df.columns and "p5" in long_df.columns, "uncertain.json: no MC columns")
    scen = json.loads(run_out("run", s, "--format", "json", "--draws", "0"))["provenance"]["scenario"]
    want = iamc_expectation(long_df, scen["name"], scen.get("unit", "MW"), "year")
    data = run_out("run", s, "--draws", "300", "--seed", "5", "--layout", "iamc")
    got = read_csv_numbers(data, keep_default_na=False, dtype={"scenario": str})
    frames_equal("uncertain.json iamc with draws", want, got)


def test_formats_json():
    """--format json: parses; provenance (version, the resolved scenario
    without extends that reproduces the run, seed, draws), periods, rows as
    column arrays equal to the CSV, solution equal to --solution."""
    for s in scenarios():
        for opts in (fast(s), ["--step", "quarter"] + fast(s), ["--draws", "200", "--seed", "3"]):
            label = f"{os.path.basename(s)} {opts} --format json"
            data = run_out("run", s, "--format", "json", *opts)
            expect(not data.startswith(b"\xef\xbb\xbf"), f"{label}: a BOM")
            # --excel's 15 digits are for CSV and TSV only (SPEC §8 v2):
            # JSON keeps every digit (its line ends follow --crlf)
            expect(run_out("run", s, "--format", "json", "--excel", *opts) ==
                   run_out("run", s, "--format", "json", "--crlf", *opts),
                   f"{label}: --excel changes the JSON beyond its line ends")
            try:
                d = json.loads(data)
            except ValueError as e:
                expect(False, f"{label}: not JSON: {e}")
                continue
            csvb = run_out("run", s, *opts)
            ref = read_csv_bytes(csvb)
            expect(set(d) >= {"provenance", "periods", "rows", "solution"}, f"{label}: keys {list(d)}")
            pv = d.get("provenance", {})
            expect(any("version" in k for k in pv), f"{label}: provenance has no version")
            sc = pv.get("scenario")
            expect(isinstance(sc, dict) and "extends" not in sc and "name" in sc,
                   f"{label}: provenance.scenario should be the resolved document without extends")
            if "--seed" in opts:
                draws = int(opts[opts.index("--draws") + 1])
                expect(pv.get("draws") == draws and pv.get("seed") == 3,
                       f"{label}: provenance draws/seed {pv.get('draws')}/{pv.get('seed')}")
            expect("seed" in pv and "draws" in pv, f"{label}: provenance lacks seed or draws")
            expect(d.get("periods") == list(dict.fromkeys(ref["period"])),
                   f"{label}: periods {d.get('periods')}")
            rows = d.get("rows", {})
            expect(list(rows) == list(ref.columns), f"{label}: row columns {list(rows)}")
            for c in ref.columns:
                col = rows.get(c, [])
                want = list(ref[c])
                if c in ("kind", "code", "name", "period"):
                    ok = col == want
                else:
                    ok = len(col) == len(want) and all(
                        (w == "" and g is None) or (w != "" and g == float(w)) for g, w in zip(col, want))
                expect(ok, f"{label}: rows.{c} does not match the CSV")
            # the provenance scenario reproduces the projection
            # (a frozen what-if too: its variables are written fixed)
            if isinstance(sc, dict) and "--draws" not in opts:
                again = dc("run", "-", *opts, stdin=json.dumps(sc).encode(), check_rc=0)[1]
                expect(again == csvb, f"{label}: provenance.scenario does not reproduce the run")
    # never a BOM, numbers with a decimal point whatever the CSV options
    s = conf("basic")
    ref = json.loads(run_out("run", s, "--format", "json"))
    for opts in (["--bom"], ["--excel-eu"], ["--decimal-comma"], ["--excel", "--delimiter", ";"]):
        data = run_out("run", s, "--format", "json", *opts)
        ok = not data.startswith(b"\xef\xbb\xbf")
        try:
            ok = ok and json.loads(data)["rows"] == ref["rows"]
        except ValueError:
            ok = False
        expect(ok, f"--format json {opts}: a BOM, or rows differ from plain --format json")
    # --frozen --set: the provenance reproduces the frozen run, which
    # differs from the unfrozen one
    p = conf("pledge")
    frozen = ["--frozen", "--set", "countries.IE.baseline=500"]
    sc = json.loads(run_out("run", p, "--format", "json", *frozen))["provenance"]["scenario"]
    again = dc("run", "-", stdin=json.dumps(sc).encode(), check_rc=0)[1]
    expect(again == run_out("run", p, *frozen) and again != run_out("run", p, *frozen[1:]),
           "run --frozen --set: provenance.scenario does not reproduce the frozen run")
    expect("calibration" not in sc and len(sc.get("variables", {})) == 2 and
           all("value" in v and not {"min", "max", "guess"} & set(v)
               for v in sc["variables"].values()),
           f"run --frozen: provenance variables should be fixed: {sc.get('variables')}")
    # the solution matches --solution
    s = conf("pledge")
    d = json.loads(run_out("run", s, "--format", "json"))
    dc("run", s, "--solution", tmp("sol.csv"), "-o", tmp("pl.csv"), check_rc=0)
    sol = pd.read_csv(tmp("sol.csv"), float_precision="round_trip")
    jv = d["solution"].get("variables", {})
    for _, r in sol[sol["type"] == "variable"].iterrows():
        expect(jv.get(r["id"]) == r["value"], f"json solution variable {r['id']}: {jv.get(r['id'])}")
    jt = {t["id"]: t for t in d["solution"].get("targets", [])}
    for _, r in sol[sol["type"] == "target"].iterrows():
        t = jt.get(r["id"], {})
        expect(t.get("value") == r["value"] and t.get("residual") == r["residual"] and
               t.get("cagr") == r["cagr"], f"json solution target {r['id']}: {t} vs {list(r)}")


def test_formats_wide():
    """Wide layout: columns kind,code,name and the period labels, values equal
    to the long layout's --metric."""
    for s in scenarios():
        for step in ("year", "quarter"):
            long_df = read_csv_numbers(run_out("run", s, "--step", step, *fast(s)), keep_default_na=False,
                                       dtype={"period": str, "name": str})
            periods = list(dict.fromkeys(long_df["period"]))
            for metric in ("capacity", "energy_twh"):
                if metric not in long_df.columns:
                    continue
                data = run_out("run", s, "--step", step, "--layout", "wide", "--metric", metric,
                               *fast(s))
                # the first period's energy is empty (NaN)
                w = read_csv_numbers(data, keep_default_na=False, dtype={"name": str},
                                     na_values={periods[0]: [""]})
                label = f"{os.path.basename(s)} --step {step} wide {metric}"
                expect(list(w.columns) == ["kind", "code", "name"] + periods, f"{label}: columns")
                keys = list(dict.fromkeys(zip(long_df["kind"], long_df["code"], long_df["name"])))
                expect(list(zip(w["kind"], w["code"], w["name"])) == keys, f"{label}: rows")
                piv = long_df.pivot(index="code", columns="period", values=metric)
                ok = len(w) == len(keys) and np.array_equal(
                    w[periods].to_numpy(dtype=float),
                    piv.loc[list(w["code"]), periods].to_numpy(dtype=float), equal_nan=True)
                expect(ok, f"{label}: values differ from the long layout")
    rc, *_ = dc("run", conf("basic"), "--layout", "wide", "--metric", "no_such_column")
    expect(rc == 2, f"--metric no_such_column: exit {rc}, wanted 2")


# --------------------------------------------------------------------------
# explain, chart, run
# --------------------------------------------------------------------------

def test_explain():
    """explain: exit 0, a line per country, group and TOTAL, the solved
    variables and target values/residuals with the --solution numbers."""
    for s in scenarios():
        rc, out, err = dc("explain", s)
        text = out.decode()
        name = os.path.basename(s)
        expect(rc == 0, f"explain {name}: exit {rc} {err}")
        long_df = read_csv_bytes(run_out("run", s))
        for code in dict.fromkeys(long_df["code"]):
            expect(re.search(r"^" + re.escape(code) + r"\s", text, re.M) is not None,
                   f"explain {name}: no line for {code}")
        # the solved variables and the targets, with the --solution numbers
        dc("run", s, "--solution", tmp("ex-sol.csv"), "-o", tmp("ex.csv"), check_rc=0)
        sol = pd.read_csv(tmp("ex-sol.csv"), float_precision="round_trip", keep_default_na=False,
                          dtype={"residual": str, "cagr": str, "stderr": str})
        for _, r in sol.iterrows():
            if r["type"] == "variable":
                m = re.search(r"^\s*" + re.escape(r["id"]) + r" = (\S+)", text, re.M)
                expect(m is not None and float(m.group(1)) == r["value"],
                       f"explain {name}: variable {r['id']} = {r['value']!r} not printed")
            elif r["type"] == "fit":
                # under "Fits:", the country's block lists "NAME = value (standard error se)"
                code, pname = r["id"].rsplit(".", 1)
                fits = text.split("\nFits:\n", 1)[-1]
                block = re.search(r"^  " + re.escape(code) + r": .*?(?=^  \S|\Z)", fits, re.M | re.S)
                m = block and re.search(r"^\s*" + re.escape(pname) + r" = (\S+)(?: \(standard error (\S+)\))?",
                                        block.group(0), re.M)
                expect(m is not None and float(m.group(1)) == r["value"],
                       f"explain {name}: fit {r['id']} = {r['value']!r} not printed")
                if m is not None and r["stderr"] != "":
                    expect(m.group(2) is not None and float(m.group(2)) == float(r["stderr"]),
                           f"explain {name}: fit {r['id']} standard error {r['stderr']} not printed")
            else:
                expect(re.search(r"^\s*" + re.escape(r["id"]) + r":", text, re.M) is not None,
                       f"explain {name}: target {r['id']} not listed")
                nums = [float(x) for x in re.findall(r"[-+]?\d[\d.]*(?:e[-+]?\d+)?",
                                                     text.split(r["id"] + ":", 1)[-1][:400])]
                expect(r["value"] in nums, f"explain {name}: target {r['id']} model value "
                                           f"{r['value']!r} not printed")
                if r["residual"] != "":
                    expect(float(r["residual"]) in nums,
                           f"explain {name}: target {r['id']} residual {r['residual']} not printed")
        # the horizon total agrees with the run
        t = long_df[long_df["code"] == "TOTAL"]
        last = float(t.iloc[-1]["capacity"])
        m = re.search(r"^TOTAL\s+(\S+)\s+(\S+)", text, re.M)
        expect(m is not None and abs(float(m.group(2)) - last) <= 0.05 + 1e-9 * last,
               f"explain {name}: TOTAL at the horizon should be {last} to one decimal")


SVG = "{http://www.w3.org/2000/svg}"


def test_chart():
    """chart: well-formed SVG with a title, a line and legend entry per drawn
    country, TOTAL, a band only with draws, a marker per event within the
    horizon; --top; written atomically."""
    for s in scenarios():
        name = os.path.basename(s)
        for draws in (0, 50):
            out = tmp("chart.svg")
            rc, _, err = dc("chart", s, "-o", out, "--draws", draws)
            if not expect(rc == 0, f"chart {name}: exit {rc} {err}"):
                continue
            try:
                root = ET.parse(out).getroot()
            except ET.ParseError as e:
                expect(False, f"chart {name}: not well-formed XML: {e}")
                continue
            expect(root.tag == SVG + "svg", f"chart {name}: root {root.tag}")
            titles = [t.text or "" for t in root.findall(SVG + "title")]
            expect(len(titles) == 1 and titles[0].strip() != "", f"chart {name}: no <title>")
            lines = [el for el in root.iter(SVG + "polyline")]
            line_titles = [el.findtext(SVG + "title") or "" for el in lines]
            expect("TOTAL" in line_titles, f"chart {name}: no TOTAL line")
            legend = [g for g in root.iter(SVG + "g") if g.get("class") == "legend"]
            legend_text = " ".join(" ".join(t.itertext()) for g in legend for t in g.iter(SVG + "text"))
            expect("TOTAL" in legend_text, f"chart {name}: no TOTAL in the legend")
            drawn = [t.split(" ")[0] for t in line_titles if t and t != "TOTAL"]
            for code in drawn:
                expect(re.search(r"(^|\s)" + re.escape(code) + r"(\s|$)", legend_text) is not None,
                       f"chart {name}: no legend entry for the line {code}")
            long_df = read_csv_bytes(run_out("run", s))
            countries = list(dict.fromkeys(long_df[long_df["kind"] == "country"]["code"]))
            expect(set(drawn) <= set(countries) | {"other"}, f"chart {name}: lines {drawn}")
            expect(len(drawn) == min(len(countries), 8) + (1 if len(countries) > 8 else 0) or
                   len(countries) <= 8 and len(drawn) == len(countries),
                   f"chart {name}: {len(drawn)} country lines for {len(countries)} countries")
            bands = [el for el in root.iter() if el.get("class") == "band"]
            expect(len(bands) == (1 if draws else 0), f"chart {name} --draws {draws}: {len(bands)} bands")
            # event markers: one per event that starts within the horizon
            ev_groups = [g for g in root.iter(SVG + "g") if g.get("class") == "events"]
            markers = [el for g in ev_groups for el in g if el.tag != SVG + "title"]
            sc = json.loads(run_out("run", s, "--format", "json"))["provenance"]["scenario"]
            horizon = sc["horizon"]
            evs = sc.get("events", [])
            if isinstance(evs, dict):  # events by id (SPEC v2 §3.5); `_` keys are comments
                evs = [e for k, e in evs.items() if not k.startswith(("_", "$")) and e is not None]
            n_ev = sum(1 for e in evs if int(str(e["date"])[:4]) <= horizon)
            expect(len(markers) == n_ev, f"chart {name}: {len(markers)} event markers, wanted {n_ev}")
    # --top N: the N largest countries at the horizon, the rest as "other"
    m = shipped("microsoft-europe-2025")
    long_df = read_csv_numbers(run_out("run", m), keep_default_na=False, dtype={"period": str})
    last = long_df[(long_df["kind"] == "country") & (long_df["period"] == long_df["period"].iloc[-1])]
    for top in (1, 3, 16, 40):
        dc("chart", m, "--top", top, "-o", tmp("top.svg"), check_rc=0)
        root = ET.parse(tmp("top.svg")).getroot()
        titles = [el.findtext(SVG + "title") or "" for el in root.iter(SVG + "polyline")]
        codes = {t.split(" ")[0] for t in titles} - {"TOTAL"}
        want = set(last.nlargest(min(top, len(last)), "capacity")["code"])
        if top < len(last):
            want.add("other")
        expect(codes == want and "TOTAL" in titles, f"chart --top {top}: lines {sorted(codes)}, "
                                                    f"wanted {sorted(want)}")
    # an event after a shortened horizon has no marker
    s = conf("basic")
    dc("chart", s, "-o", tmp("c2.svg"), "--horizon", "2025", check_rc=0)
    root = ET.parse(tmp("c2.svg")).getroot()
    markers = [el for g in root.iter(SVG + "g") if g.get("class") == "events" for el in g]
    expect(len(markers) == 2, f"chart --horizon 2025: {len(markers)} event markers, wanted 2 "
                              "(2024-06-11 and 2025-Q3)")
    # atomic write: a new inode, the mode kept; an error keeps the old file
    d = tmp("chartdir")
    os.makedirs(d, exist_ok=True)
    f = os.path.join(d, "x.svg")
    with open(f, "w") as fh:
        fh.write("old")
    os.chmod(f, 0o604)
    ino = os.stat(f).st_ino
    dc("chart", s, "-o", f, check_rc=0)
    st = os.stat(f)
    expect(st.st_ino != ino and stat.S_IMODE(st.st_mode) == 0o604,
           "chart -o: not renamed into place with the old mode")
    with open(f, "rb") as fh:
        before = fh.read()
    rc, *_ = dc("chart", s, "-o", f, "--set", "countries.IE.baseline=-5")
    with open(f, "rb") as fh:
        expect(rc == 65 and fh.read() == before, f"chart -o on an error: exit {rc}, file changed")
    expect(os.listdir(d) == ["x.svg"], f"chart -o left {os.listdir(d)}")


def test_run():
    """run: stdin (extends against the working directory), byte-identical
    output for --threads 1 and 2 and between runs, --seed changes only the
    Monte Carlo columns."""
    s = conf("basic")
    with open(s, "rb") as f:
        src = f.read()
    expect(run_out("run", "-", stdin=src) if False else dc("run", "-", stdin=src, check_rc=0)[1] ==
           run_out("run", s), "run - (stdin) differs from run FILE")
    # stdin: `extends` resolves against the working directory
    d = tmp("stdin-extends")
    os.makedirs(os.path.join(d, "sub"), exist_ok=True)
    with open(os.path.join(d, "sub", "base.json"), "wb") as f:
        f.write(src)
    child = json.dumps({"extends": "sub/base.json", "name": "kid", "horizon": 2026}).encode()
    want = run_out("run", s, "--set", "name=kid", "--horizon", "2026")
    got = dc("run", "-", stdin=child, cwd=d, check_rc=0)[1]
    expect(got == want, "run - with extends: not resolved against the working directory")
    rc, out, err = dc("run", "-", stdin=b"{")
    expect(rc == 65 and "<stdin>" in err, f"run - with broken JSON: exit {rc}, stderr {err!r}")
    u = os.path.join(ROOT, "scenarios/what-if/uncertain.json")
    a = run_out("run", u, "--draws", "2000", "--threads", "1")
    b = run_out("run", u, "--draws", "2000", "--threads", "2")
    c = run_out("run", u, "--draws", "2000", "--threads", "2")
    expect(a == b, "run --draws 2000: --threads 1 and --threads 2 differ")
    expect(b == c, "run --draws 2000 --threads 2: two runs differ")
    d = run_out("run", u, "--draws", "2000", "--threads", "2", "--seed", "12345")
    A = read_csv_numbers(a, keep_default_na=False, dtype={"period": str})
    D = read_csv_numbers(d, keep_default_na=False, dtype={"period": str})
    # capacity's mean and pX, and another metric's M_mean, M_pX (SPEC v2 §5.2 metrics)
    mc = [c for c in A.columns if re.fullmatch(r"(\w+_)?(mean|p[\d.]+)", c)]
    expect(len(mc) >= 2, f"uncertain.json: MC columns {mc}")
    for col in A.columns:
        if col in mc:
            expect(not A[col].equals(D[col]), f"--seed should change the {col} column")
        else:
            expect(A[col].equals(D[col]), f"--seed should not change the {col} column")
    # every quantile column is ordered, and the mean lies within p5..p95 range
    # for a symmetric enough case is not guaranteed, so only p5 <= p50 <= p95
    for prefix in sorted({c[:-len(c.split("_")[-1])] if "_" in c else "" for c in mc}):
        qs = [c for c in mc if c.startswith(prefix) and c[len(prefix):].startswith("p")
              and (prefix or "_" not in c)]
        for i in range(len(qs) - 1):
            lo, hi = A[qs[i]].astype(float), A[qs[i + 1]].astype(float)
            ok = (lo.isna() & hi.isna()) | (lo <= hi)  # the first row's energy is empty
            expect(ok.all(), f"quantile {qs[i]} > {qs[i + 1]} somewhere")
    expect(run_out("run", s) == run_out("run", s), "run twice: different bytes")
    for sc in scenarios():
        expect(run_out("run", sc, "--draws", "100", "--threads", "1") ==
               run_out("run", sc, "--draws", "100", "--threads", "2"),
               f"{os.path.basename(sc)} --draws 100: threads 1 and 2 differ")


def test_outputs_never_inputs():
    """SPEC §9: an output path naming any file read is a usage error (2),
    the file untouched and nothing written: the scenario, the parent its
    `extends` names, the golden, a --patch file."""
    d = tmp("outin")
    os.makedirs(os.path.join(d, "what-if"), exist_ok=True)
    base = os.path.join(d, "base.json")
    child = os.path.join(d, "what-if", "child.json")
    with open(conf("basic"), "rb") as f:
        base_bytes = f.read()
    with open(base, "wb") as f:
        f.write(base_bytes)
    child_bytes = b'{"extends": "../base.json", "name": "child", "horizon": 2028}\n'
    with open(child, "wb") as f:
        f.write(child_bytes)
    patch = os.path.join(d, "p.json")
    with open(patch, "w") as f:
        f.write('{"horizon": 2026}')
    golden = os.path.join(d, "g.csv")
    dc("run", child, "-o", golden, check_rc=0)
    with open(golden, "rb") as f:
        golden_bytes = f.read()
    other = os.path.join(d, "other.csv")
    for target in (base, child, patch):
        cases = [["run", child, "-o", target], ["run", child, "-o", other, "--solution", target],
                 ["explain", child, "-o", target], ["chart", child, "-o", target],
                 ["diff", conf("basic"), child, "-o", target],
                 ["sweep", child, "--vary", "countries.IE.baseline=1,2", "-o", target],
                 ["check", child, "--expect", golden, "--junit", target],
                 ["check", child, "--expect", target, "--update"]]
        for args in cases:
            if target == patch:
                args = args + ["--patch", patch]
            rc, out, err = dc(*args)
            expect(rc == 2 and "also an input" in err and out == b"",
                   f"{' '.join(args)}: exit {rc}, stdout {out[:80]!r}, wanted 2 and nothing on stdout")
            expect(not os.path.exists(other), f"{' '.join(args)}: wrote {other} before refusing")
    for path, data in ((base, base_bytes), (child, child_bytes), (golden, golden_bytes)):
        with open(path, "rb") as f:
            expect(f.read() == data, f"{path} was changed")
    rc, *_ = dc("check", child, "--expect", golden, "--junit", golden)
    expect(rc == 2, f"check --junit GOLDEN: exit {rc}, wanted 2")


GROUPS = {
    "check": [test_check_own_output, test_check_detects_change, test_check_text_cell,
              test_check_detects_change_eu,
              test_check_tolerances, test_check_missing_extra, test_check_order_free,
              test_check_other_layout, test_check_malformed, test_check_update, test_check_junit],
    "diff": [test_diff],
    "sweep": [test_sweep_points, test_sweep_formats, test_sweep_errors_and_json_values,
              test_sweep_ranges, test_sweep_at, test_sweep_shards],
    "formats": [test_formats_csv_variants, test_formats_text, test_formats_iamc, test_formats_json,
                test_formats_wide],
    "explain": [test_explain],
    "chart": [test_chart],
    "run": [test_run, test_outputs_never_inputs],
}


def main():
    global EXE, ROOT, TMP
    if len(sys.argv) < 3:
        print("usage: cli_props.py DCPROJ SOURCE_ROOT [GROUP...]", file=sys.stderr)
        return 2
    EXE = os.path.abspath(sys.argv[1])
    ROOT = os.path.abspath(sys.argv[2])
    groups = sys.argv[3:] or list(GROUPS)
    with tempfile.TemporaryDirectory(prefix="dcproj-props-") as t:
        TMP = t
        for g in groups:
            for fn in GROUPS[g]:
                before = len(FAILURES)
                try:
                    fn()
                except Exception as e:  # noqa: BLE001 - a crash of a test is a failure
                    import traceback
                    traceback.print_exc()
                    expect(False, f"{fn.__name__}: raised {e!r}")
                print(f"{fn.__name__}: {'ok' if len(FAILURES) == before else 'FAILED'}")
    print(f"{CHECKS} checks, {len(FAILURES)} failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
