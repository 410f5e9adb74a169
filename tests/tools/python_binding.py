"""The ctypes binding python/dcproj.py against the built library (issue 14):
it loads, runs and reads errors through the public API alone.  Values are
hand-computed from tests/data/conformance/basic.json (IE: baseline 300 MW,
compound 20 %/yr, no event before 2026, PUE 1.16, utilization 0.6).
Exit 77 (skip) is left to meson when python3 is missing; pandas is optional.
usage: python_binding.py LIBDCPROJ.so SOURCE_ROOT"""
import locale
import math
import os
import sys

lib_path, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(root, "python"))
import dcproj  # noqa: E402

fails = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails.append(what)


lib = dcproj.Library(lib_path)
check(lib.version().count(".") == 2, "version() is x.y.z: " + lib.version())

sc = lib.load(os.path.join(root, "tests/data/conformance/basic.json"))
res = lib.run(sc)
rows = res.rows()
ie = {r["period"]: r for r in rows if r["kind"] == "country" and r["code"] == "IE"}
check(ie["2023"]["capacity"] == 300.0, "IE 2023 = baseline 300")
check(math.isclose(ie["2024"]["capacity"], 300 * 1.2, rel_tol=1e-12), "IE 2024 = 300·1.2")
check(math.isclose(ie["2025"]["capacity"], 300 * 1.2 ** 2, rel_tol=1e-12), "IE 2025 = 300·1.2²")
check(math.isclose(ie["2024"]["it_load_mw"], 360 * 0.6, rel_tol=1e-12), "IE 2024 IT load = 360·0.6")
check(math.isclose(ie["2024"]["facility_mw"], 360 * 0.6 * 1.16, rel_tol=1e-12),
      "IE 2024 facility = 360·0.6·1.16")
codes = {r["code"] for r in rows if r["kind"] == "country"}
check(codes == {"IE", "GB", "DE", "SE", "ES"}, "five countries")
check(len(rows) == len({(r["kind"], r["code"], r["period"]) for r in rows}), "rows unique")

# a host locale with a decimal comma changes nothing the binding reads
for name in ("de_DE.UTF-8", "de_DE.utf8"):
    try:
        locale.setlocale(locale.LC_ALL, name)
        break
    except locale.Error:
        name = None
if name:
    check(res.csv() == lib.run(sc).csv(), "same CSV under " + name)
    locale.setlocale(locale.LC_ALL, "C")
else:
    print("skip same CSV under de_DE: locale not installed")

# errors: status 65, the JSON path, no exception text lost
bad = ('{"dcproj": 1, "name": "x", "baseline_year": 2023, "horizon": 2025, '
       '"defaults": {"growth": {"model": "compound", "rate": 0.1}}, '
       '"countries": {"IE": {"name": "Ireland", "baseline": -5}}}')
try:
    lib.load_text(bad, name="bad.json")
    check(False, "a negative baseline is refused")
except dcproj.Error as e:
    check(e.code == 65, "negative baseline: status 65 (got %d)" % e.code)
    check(any(it[0] == "bad.json" and it[1] == "countries.IE.baseline" for it in e.items),
          "negative baseline: path countries.IE.baseline: %r" % (e.items,))
    check(e.messages[0].startswith("bad.json: countries.IE.baseline: "), e.messages[0])
try:
    lib.load_text('{"dcproj": 1,', name="cut.json")
    check(False, "a cut JSON text is refused")
except dcproj.Error as e:
    check(e.code == 65 and e.items[0][2] == 1 and e.items[0][3] > 0,
          "cut JSON: status 65 at line 1, a column: %r" % (e.items[0],))
try:
    lib.load(os.path.join(root, "no/such/file.json"))
    check(False, "a missing file is refused")
except dcproj.Error as e:
    check(e.code == 66, "missing file: status 66")

try:
    import pandas  # noqa: F401
    df = res.dataframe()
    check(len(df) == len(rows), "DataFrame has every row")
    v = df[(df.code == "IE") & (df.period == "2025")].capacity.iloc[0]
    check(math.isclose(v, 432.0, rel_tol=1e-12), "DataFrame IE 2025 = 432")
except ImportError:
    print("skip DataFrame: pandas not installed")

res.close()
sc.close()
sys.exit(1 if fails else 0)
