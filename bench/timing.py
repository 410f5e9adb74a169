#!/usr/bin/env python3
"""Interleaved timing and the results table for bench/run (Python standard library only).

  timing.py measure RESULTS.jsonl --runs N NAME=COMMAND...
      Runs the commands (split like a shell would, no shell involved) in rounds: each round
      runs every command once, the order rotating from round to round so that a burst of
      load from elsewhere does not always hit the same command.  Records per command the
      wall time, user+system CPU time and peak RSS (ru_maxrss of the child, which is what
      `/usr/bin/time -v` reports as "Maximum resident set size") of every run, and appends
      one JSON line per command to RESULTS.jsonl.  A command that fails stops the bench.

  timing.py table RESULTS.jsonl SPEC...
      Prints the table.  Each SPEC is LABEL|KIND|A|B|OP|TARGET:
        KIND time   ratio = median wall(A) / median wall(B)
        KIND best   ratio = fastest wall(A) / fastest wall(B) (the run least disturbed by load)
        KIND paired ratio = median over rounds of wall(A) / wall(B) in the same round (A and B
                    ran within seconds of each other, so a machine whose speed drifts over
                    minutes moves both)
        KIND cpu    ratio = median CPU(A) / median CPU(B)
        KIND rss    ratio = peak RSS(A) / size of file B (bytes)
      OP is >= or <=; the row shows PASS when `ratio OP TARGET` holds.  OP `info` (TARGET
      ignored) prints the ratio without a verdict.
"""

import json
import os
import shlex
import statistics
import subprocess
import sys
import time


def run_once(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"timing: {shlex.join(argv)} failed with status {proc.returncode}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def measure(path, runs, specs):
    cmds = []
    for s in specs:
        name, _, cmd = s.partition("=")
        if not cmd:
            sys.exit(f"timing: expected NAME=COMMAND, got {s!r}")
        cmds.append((name, shlex.split(cmd)))
    res = {name: {"name": name, "command": shlex.join(argv), "wall": [], "cpu": [], "rss_kb": []}
           for name, argv in cmds}
    for r in range(runs):
        for k in range(len(cmds)):
            name, argv = cmds[(k + r) % len(cmds)]
            wall, cpu, rss = run_once(argv)
            res[name]["wall"].append(wall)
            res[name]["cpu"].append(cpu)
            res[name]["rss_kb"].append(rss)
            print(f"  [{r + 1}/{runs}] {name:14s} wall {wall:8.3f} s  cpu {cpu:8.3f} s  "
                  f"rss {rss / 1024:8.1f} MiB", flush=True)
    with open(path, "a") as f:
        for name, _ in cmds:
            x = res[name]
            x["median_wall"] = statistics.median(x["wall"])
            x["median_cpu"] = statistics.median(x["cpu"])
            x["max_rss_kb"] = max(x["rss_kb"])
            x["loadavg"] = os.getloadavg()[0]
            f.write(json.dumps(x) + "\n")


def table(path, specs):
    res = {}
    with open(path) as f:
        for line in f:
            x = json.loads(line)
            res[x["name"]] = x
    print(f"{'command':16s} {'median wall s':>13s} {'best wall s':>12s} {'median cpu s':>13s} "
          f"{'peak RSS MiB':>13s}  runs")
    for name, x in res.items():
        print(f"{name:16s} {x['median_wall']:13.3f} {min(x['wall']):12.3f} {x['median_cpu']:13.3f} "
              f"{x['max_rss_kb'] / 1024:13.1f}  {len(x['wall'])}")
    print()
    print(f"{'measure':58s} {'ratio':>8s}  {'target':>8s}  result")
    ok = True
    for s in specs:
        label, kind, a, b, op, target = s.split("|")
        target = float(target) if op != "info" else 0.0
        try:
            if kind == "time":
                ratio = res[a]["median_wall"] / res[b]["median_wall"]
            elif kind == "best":
                ratio = min(res[a]["wall"]) / min(res[b]["wall"])
            elif kind == "paired":
                ratio = statistics.median(x / y for x, y in zip(res[a]["wall"], res[b]["wall"]))
            elif kind == "cpu":
                ratio = res[a]["median_cpu"] / res[b]["median_cpu"]
            elif kind == "pps":  # b = points: points per second of a's median wall
                ratio = float(b) / res[a]["median_wall"]
            elif kind == "ppsratio":  # a, b = NAME:POINTS: a's points/s over b's
                (na, pa), (nb, pb) = a.rsplit(":", 1), b.rsplit(":", 1)
                ratio = (float(pa) / res[na]["median_wall"]) / (float(pb) / res[nb]["median_wall"])
            elif kind == "rss":
                ratio = res[a]["max_rss_kb"] * 1024 / os.path.getsize(b)
            else:
                sys.exit(f"timing: unknown kind {kind!r}")
        except (KeyError, OSError):
            shown = "-" if op == "info" else f"{op}{target:g}"
            print(f"{label:58s} {'-':>8s}  {shown:8s}  not measured")
            continue
        if op == "info":
            print(f"{label:58s} {ratio:8.{0 if ratio >= 1000 else 2}f}  {'-':8s}  (for information)")
            continue
        good = ratio >= target if op == ">=" else ratio <= target
        ok = ok and good
        print(f"{label:58s} {ratio:8.{0 if ratio >= 1000 else 2}f}  {op}{target:<7g}  {'PASS' if good else 'MISS'}")
    return 0 if ok else 1


def main(argv):
    if len(argv) >= 2 and argv[0] == "measure":
        runs = 5
        rest = argv[2:]
        if len(rest) >= 2 and rest[0] == "--runs":
            runs = int(rest[1])
            rest = rest[2:]
        measure(argv[1], runs, rest)
        return 0
    if len(argv) >= 2 and argv[0] == "table":
        return table(argv[1], argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
