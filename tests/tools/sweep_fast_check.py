#!/usr/bin/env python3
"""sweep_fast_check.py DCPROJ SOURCE_ROOT: the prepared-model fast path of
`dcproj sweep` (issue 22) gives the same bytes as loading every point in full.

1. For several scenarios (growth models compound/linear/logistic, events by
   index and by id, a calibration solved per point, a frozen what-if, --frozen
   with --set, a --set target ratio, power
   columns) and --vary paths (one or several slots, two axes, values out of
   range, values that are not numbers, --at, --scope, --metric,
   --keep-going), stdout, stderr and the exit status of the sweep are the
   same byte for byte with the fast path on and off
   (DCPROJ_SWEEP_FULL_LOAD=1 turns it off), with 1 and 2 threads; also for
   sweeps whose points warn (a rate swept across 1, a per_year 10 times the
   baseline, an event that floors a country; with and without --strict).
2. Independently of sweep: at sampled grid points the metric cell equals
   the cell `dcproj run SCENARIO --set PATH=v` prints for the scope and
   period (both through the SPEC §8 number rule, so as text).
3. The fast path is taken: a sweep of 2,001 points of a plain number on the
   Microsoft scenario takes under half the CPU time of the full loads (the
   full path parses the scenario and its sources per point, several times
   the work; measured here with the fast path at about a tenth).
Exit 0 when all hold, 1 otherwise.  Standard library only."""
import csv
import io
import os
import resource
import subprocess
import sys
import tempfile

EXE, ROOT = sys.argv[1], sys.argv[2]
FAILURES = []
CONF = os.path.join(ROOT, "tests", "data", "conformance")
MSFT = os.path.join(ROOT, "scenarios", "microsoft-europe-2025.json")
SLOWER = os.path.join(ROOT, "scenarios", "what-if", "slower-permitting.json")


def expect(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL: " + what, file=sys.stderr)


def run(args, full=False):
    env = dict(os.environ)
    env.pop("DCPROJ_SWEEP_FULL_LOAD", None)
    if full:
        env["DCPROJ_SWEEP_FULL_LOAD"] = "1"
    p = subprocess.run([EXE] + args, capture_output=True, env=env, timeout=300)
    return p.returncode, p.stdout, p.stderr


CASES = [
    # (scenario, extra args)
    (os.path.join(CONF, "basic.json"), ["--vary", "defaults.growth.rate=-0.2:0.6:0.05"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "defaults.growth.rate=-1.5,0.1,-1,3", "--keep-going",
                                        "--scope", "EU", "--metric", "energy_twh"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "defaults.growth.rate=-1.5,0.1"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "countries.SE.growth.cap=20:400:20", "--keep-going",
                                        "--scope", "SE"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "countries.SE.growth.rate=0.1:2:0.1", "--scope", "Nordics"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "countries.DE.growth.per_year=-60:60:7.5", "--scope", "DE",
                                        "--keep-going", "--metric", "facility_mw"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "events[2].probability=0:1.5:0.25", "--keep-going"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "events[2].delay_months=0:24:6", "--scope", "DE"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "countries.IE.baseline=100,300,{\"dist\":\"normal\",\"mean\":5,\"sd\":1},\"x\"",
                                        "--keep-going"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "countries.IE.baseline=0:600:150",
                                        "--vary", "events[0].add=-50:100:50", "--at", "2026"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "countries.GB.growth.rates[1].rate=-0.5:0.5:0.25"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "power.utilization=0.2:1:0.2", "--metric", "it_load_mw"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "countries.IE.baseline=100:200:50", "--scope", "XX"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "countries.IE.baseline=100:200:50", "--at", "2031"]),
    (os.path.join(CONF, "pledge.json"), ["--vary", "countries.IE.baseline=0:800:50"]),
    (os.path.join(CONF, "pledge.json"), ["--vary", "countries.DE.baseline=50:350:100", "--vary",
                                         "targets[0].ratio=1.8:2.2:0.2", "--keep-going"]),
    (MSFT, ["--vary", "countries.IE.baseline=200:320:10", "--scope", "TOTAL"]),
    (MSFT, ["--vary", "events.es-madrid.add=0:400:50", "--scope", "ES"]),
    (MSFT, ["--vary", "power.utilization=0.4:0.9:0.05", "--metric", "energy_twh"]),
    (MSFT, ["--frozen", "--vary", "countries.NL.baseline=100:400:25", "--scope", "EU"]),
    (MSFT, ["--frozen", "--set", "countries.IE.baseline=100", "--vary", "events.es-madrid.add=0:300:60"]),
    (MSFT, ["--set", "targets[0].ratio=1.9", "--vary", "countries.IE.baseline=100:300:50"]),
    (SLOWER, ["--vary", "countries.IE.baseline=200:320:20"]),
    (SLOWER, ["--vary", "events.es-madrid.add=0:400:100", "--metric", "capacity", "--scope", "EU"]),
]

# Points that warn (SPEC §9 v2): a full load warns, so the fast path must
# load them in full too; the full-load run must print a warning (the case
# would prove nothing otherwise).  With --strict the warning is exit 65.
WARN_CASES = [
    (os.path.join(CONF, "basic.json"), ["--vary", "defaults.growth.rate=0.5:1.5:0.25"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "defaults.growth.rate=0.5:1.5:0.25", "--strict"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "countries.GB.growth.rates[1].rate=0.5:1.5:0.5"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "events[0].add=-100000:0:25000"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "events[0].add=-100000:0:25000", "--strict"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "events[0].add=0,-100000,0,-50000", "--scope", "ES"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "countries.DE.growth.per_year=0:100000:25000",
                                        "--scope", "DE"]),
    (os.path.join(CONF, "basic.json"), ["--vary", "countries.DE.baseline=1:201:50", "--scope", "DE"]),
    (MSFT, ["--frozen", "--vary", "events.es-madrid.add=-100000:0:20000", "--scope", "ES"]),
    # a country floored in the scenario itself while another is swept: the
    # rows of unswept countries are copied from the base projection only
    # when it had no warning, so every point still warns
    (os.path.join(CONF, "basic.json"), ["--set", "events[0].add=-100000", "--vary",
                                        "countries.IE.baseline=100:300:100"]),
]


def rows(text):
    return list(csv.reader(io.StringIO(text.decode())))


def main():
    checked_run = 0
    for scen, args in CASES:
        base = ["sweep", scen] + args
        ref = run(base + ["--threads", "1"], full=True)
        for threads in ("1", "2"):
            got = run(base + ["--threads", threads])
            what = " ".join(args) + " --threads " + threads + " on " + os.path.basename(scen)
            expect(got[0] == ref[0], what + ": exit %d, full load %d" % (got[0], ref[0]))
            expect(got[1] == ref[1], what + ": stdout differs from the full load")
            expect(got[2] == ref[2], what + ": stderr differs from the full load")
        # 2. against run --set, one axis, no --keep-going failures
        if ref[0] != 0 or args.count("--vary") != 1:
            continue
        path = args[args.index("--vary") + 1].split("=", 1)[0]
        scope = args[args.index("--scope") + 1] if "--scope" in args else "TOTAL"
        metric = args[args.index("--metric") + 1] if "--metric" in args else "capacity"
        table = rows(ref[1])
        head, body = table[0], table[1:]
        expect(head[:3] == [path, "period", metric], "header " + repr(head))
        values = []
        for r in body:
            if r[0] not in values:
                values.append(r[0])
        for v in {values[0], values[len(values) // 2], values[-1]}:
            mine = {r[1]: r[2] for r in body if r[0] == v and (len(r) < 4 or r[3] == "")}
            if not mine:
                continue
            extra = [x for i, x in enumerate(args)
                     if x == "--frozen" or x == "--set" or (i > 0 and args[i - 1] == "--set")]
            rc, out, err = run(["run", scen] + extra + ["--set", path + "=" + v])
            expect(rc == 0, "run --set %s=%s: exit %d %s" % (path, v, rc, err.decode()))
            if rc != 0:
                continue
            t = rows(out)
            h = t[0]
            ci, pi, mi = h.index("code"), h.index("period"), h.index(metric)
            theirs = {r[pi]: r[mi] for r in t[1:] if r[ci] == scope}
            for period, cell in mine.items():
                expect(theirs.get(period) == cell,
                       "%s=%s %s %s: sweep %s, run --set %s" % (path, v, scope, period, cell,
                                                                 theirs.get(period)))
                checked_run += 1
    expect(checked_run > 100, "compared %d cells with run --set" % checked_run)

    # 1b. points that warn: the same bytes, stderr included
    for scen, args in WARN_CASES:
        base = ["sweep", scen] + args
        ref = run(base + ["--threads", "1"], full=True)
        what = " ".join(args) + " on " + os.path.basename(scen)
        expect(b"warning" in ref[2], what + ": the full load gives no warning")
        if "--strict" in args:
            expect(ref[0] == 65, what + ": --strict exit %d, not 65" % ref[0])
        for threads in ("1", "2"):
            got = run(base + ["--threads", threads])
            w = what + " --threads " + threads
            expect(got[0] == ref[0], w + ": exit %d, full load %d" % (got[0], ref[0]))
            expect(got[1] == ref[1], w + ": stdout differs from the full load")
            expect(got[2] == ref[2], w + ": stderr differs from the full load")

    # 3. the fast path is taken (CPU time of the children, not wall time)
    def cpu(full):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        rc, out, _ = run(["sweep", MSFT, "--vary", "countries.IE.baseline=100:300:0.1", "--threads", "1"],
                         full=full)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        expect(rc == 0, "timing sweep exit %d" % rc)
        return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, out
    t_fast, o_fast = cpu(False)
    t_full, o_full = cpu(True)
    expect(o_fast == o_full, "2,001-point sweep: fast and full outputs differ")
    expect(t_fast < 0.5 * t_full, "fast path CPU %.3f s is not under half the full loads' %.3f s"
           % (t_fast, t_full))
    print("fast %.3f s, full %.3f s CPU for 2,001 points" % (t_fast, t_full))
    if FAILURES:
        print("%d failure(s)" % len(FAILURES), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
