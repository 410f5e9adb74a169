#!/usr/bin/python3
"""Run generated scenarios through dcproj and the oracle and compare the tables.

run_oracle.py DCPROJ CSVCMP COUNT SEED [KEEPDIR]

Generates COUNT scenarios with gen_cases.py (seed SEED), runs each as
`dcproj run scenario.json -o table.csv --solution sol.csv ARGS...` and the
same through oracle.py, and compares both CSVs with csvcmp (relative
and absolute tolerances from the case's rtol.json).  Exit 0 when every case agrees, 1
otherwise (each disagreement is printed with its case directory, kept under
KEEPDIR when given), 77 when numpy is missing.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import numpy  # noqa: F401
    import scipy.integrate  # noqa: F401  (the oracle integrates energy with quad)
except ImportError:
    print("numpy or scipy missing: skipped")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def run_oracle(args, cwd):
    """oracle.main(args) in directory cwd, in this process (no numpy import
    per case): (exit status, stderr text)."""
    import contextlib
    import io
    import traceback
    sys.path.insert(0, HERE)
    import oracle
    here = os.getcwd()
    err = io.StringIO()
    try:
        os.chdir(cwd)
        with contextlib.redirect_stderr(err):
            try:
                rc = oracle.main(args)
            except Exception:  # an oracle crash is a disagreement, not a pass
                traceback.print_exc()
                rc = 1
    finally:
        os.chdir(here)
    return rc, err.getvalue()


def main():
    dcproj, csvcmp = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    count, seed = int(sys.argv[3]), int(sys.argv[4])
    keep = sys.argv[5] if len(sys.argv) > 5 else None
    work = tempfile.mkdtemp(prefix="dcproj-oracle-")
    failures = 0
    try:
        subprocess.run([sys.executable, os.path.join(HERE, "gen_cases.py"), work, str(count), str(seed)],
                       check=True)
        for case in sorted(os.listdir(work)):
            d = os.path.join(work, case)
            with open(os.path.join(d, "args.json")) as f:
                args = json.load(f)
            with open(os.path.join(d, "rtol.json")) as f:
                rtol, atol = json.load(f)
            rc_d, _, err_d = run([dcproj, "run", "scenario.json", "-q", "-o", "d.csv",
                                  "--solution", "ds.csv"] + args, d)
            rc_o, err_o = run_oracle(["scenario.json", "-o", "o.csv", "--solution", "os.csv"] + args, d)
            problems = []
            if rc_d != rc_o:
                problems.append("exit dcproj %d oracle %d\n  dcproj: %s  oracle: %s"
                                % (rc_d, rc_o, err_d.strip()[:300], err_o.strip()[:300]))
            elif rc_d == 0:
                for a, b in (("o.csv", "d.csv"), ("os.csv", "ds.csv")):
                    rc, out, err = run([csvcmp, "--rtol", repr(rtol), "--atol", repr(atol), a, b], d)
                    if rc != 0:
                        problems.append("%s vs %s: %s%s" % (a, b, out.strip()[:600], err.strip()[:300]))
            if problems:
                failures += 1
                print("%s %s: %s" % (case, " ".join(args), "\n".join(problems)))
                if keep:
                    os.makedirs(keep, exist_ok=True)
                    shutil.copytree(d, os.path.join(keep, case), dirs_exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("oracle: %d cases, %d disagreements" % (count, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
