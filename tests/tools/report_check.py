#!/usr/bin/env python3
"""report_check.py DCPROJ SOURCE_ROOT — `dcproj report` (SPEC §7) checked
from the outside:

- every report is valid HTML5 for the html5lib strict parser and has no
  error (exit 2) under `tidy -e`; it holds no <script>, no external
  resource (src=, <link>, @import, url(...)) and no timestamp;
- the footer hash equals the SHA-256 of the resolved scenario computed here
  independently (extends merged by RFC 7396 with tests/oracle's merge, --set and overrides
  applied, json.dumps with compact separators and ensure_ascii=False, numbers
  by the §8 rule written here), and equals `run --format json`'s
  provenance.sha256;
- for a scenario written here, the sourced inputs with the ids and kinds of
  their sources, the unsourced inputs and the notes are exactly the ones
  worked out by hand from SPEC §2's rule (nearest enclosing source; a bare
  variable reference has its variable's);
- text is escaped (a title with & and <b> stays text), only http(s) URLs
  become links;
- the shipped Microsoft scenario labels its 2023 baselines as assumptions and
  its pledge ratios as facts.

Exit 77 (skip) when neither html5lib nor tidy is available, or without numpy
(the oracle).
"""
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

DCPROJ, ROOT = sys.argv[1], sys.argv[2]

try:
    import html5lib
except ImportError:
    html5lib = None
TIDY = shutil.which("tidy")
if html5lib is None and TIDY is None:
    print("skip: neither html5lib nor tidy is installed")
    sys.exit(77)

# The RFC 7396 merge of the independent Python oracle (which needs numpy).
sys.path.insert(0, os.path.join(ROOT, "tests", "oracle"))
try:
    from oracle import merge_patch
except ImportError as e:
    print(f"skip: the Python oracle cannot be imported ({e})")
    sys.exit(77)

failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


# ---- an independent resolution and serialisation of the scenario -----------

def resolve(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    ext = doc.pop("extends", None)
    if ext is None:
        return doc
    parent = resolve(os.path.join(os.path.dirname(path), ext))
    return merge_patch(parent, doc)


def number(x):
    x = float(x)
    if x == 0:
        return "0"
    s = "%.15g" % x
    if float(s) != x:
        s = "%.17g" % x
    return s


def compact(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return number(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join(compact(e) for e in v) + "]"
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + compact(e)
                          for k, e in v.items()) + "}"


def expected_hash(path, sets=(), horizon=None, draws=None, seed=None):
    doc = resolve(path)
    for dotted, value in sets:
        keys = dotted.split(".")
        node = doc
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        node[keys[-1]] = value
    if horizon is not None:
        doc["horizon"] = horizon
    if draws is not None:
        doc.setdefault("uncertainty", {})["draws"] = draws
    if seed is not None:
        doc.setdefault("uncertainty", {})["seed"] = seed
    return hashlib.sha256(compact(doc).encode("utf-8")).hexdigest()


# ---- running and reading reports ------------------------------------------

def dc(*args):
    p = subprocess.run([DCPROJ, *args], capture_output=True)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def report(path, out, *extra):
    rc, _, err = dc("report", path, "-q", "-o", out, *extra)
    expect(rc == 0, f"report {path} {extra}: exit {rc}: {err.strip()}")
    with open(out, "rb") as f:
        return f.read()


def validate(html, what):
    text = html.decode("utf-8")
    expect(text.startswith("<!DOCTYPE html>"), f"{what}: no HTML5 doctype")
    if html5lib is not None:
        try:
            html5lib.HTMLParser(strict=True).parse(html)
        except Exception as e:  # html5lib raises ParseError with the position
            expect(False, f"{what}: html5lib strict: {e}")
    if TIDY is not None:
        with tempfile.NamedTemporaryFile(suffix=".html") as f:
            f.write(html)
            f.flush()
            p = subprocess.run([TIDY, "-e", "-q", f.name], capture_output=True)
            expect(p.returncode < 2, f"{what}: tidy -e errors: {p.stderr.decode()[:500]}")
    low = text.lower()
    expect("<script" not in low, f"{what}: has a <script>")
    expect("<link" not in low and "@import" not in low and "url(" not in low,
           f"{what}: refers to an external resource")
    expect(re.search(r'\ssrc\s*=', low) is None, f"{what}: has a src= attribute")
    expect(re.search(r"\b20\d\d-\d\d-\d\dT\d\d:\d\d", text) is None, f"{what}: has a timestamp")


def footer_hash(html):
    m = re.search(rb'<code id="scenario-hash">([0-9a-f]{64})</code>', html)
    return m.group(1).decode() if m else None


def tree(html):
    return html5lib.parse(html, namespaceHTMLElements=False)


def text_of(el):
    return "".join(el.itertext())


def table_rows(doc, cls):
    for t in doc.iter("table"):
        if t.get("class") == cls:
            return [r for r in t.iter("tr") if r.find("td") is not None]
    return []


def sourced_inputs(doc):
    """{path: [(id, kind), ...]} from the sourced table."""
    out = {}
    for r in table_rows(doc, "sourced"):
        tds = r.findall("td")
        path = text_of(tds[0])
        codes = [text_of(c) for c in tds[2].iter("code")]
        kinds = [s.get("class").split()[-1][len("kind-"):] for s in tds[2].iter("span")]
        out[path] = list(zip(codes, kinds))
    return out


def unsourced_inputs(doc):
    return {text_of(r.findall("td")[0]): text_of(r.findall("td")[1])
            for r in table_rows(doc, "unsourced-list")}


def notes(doc):
    for dl in doc.iter("dl"):
        if dl.get("class") == "notes":
            return [text_of(dt) for dt in dl.iter("dt")]
    return []


# ---- the scenarios ---------------------------------------------------------

PARENT = {
    "dcproj": 1, "name": "prov-parent", "baseline_year": 2023, "horizon": 2026,
    "_note": "parent note <&>",
    "sources": {
        "fact1": {"title": "A fact & co <b>bold</b>", "url": "https://example.org/a?x=1&y=2"},
        "est1": {"title": "An estimate", "kind": "estimate", "url": "ftp://example.org/e"},
        "ass1": {"title": "An assumption", "kind": "assumption", "note": "because"},
    },
    "variables": {"g": {"min": -0.5, "max": 1, "source": ["est1", "fact1"]},
                  "u": {"value": 0.6, "source": "ass1"}},
    "targets": [{"scope": "TOTAL", "year": 2026, "ratio": 1.5, "base_year": 2023, "source": "fact1"}],
    "defaults": {"growth": {"model": "compound", "rate": {"var": "g"}}},
    "countries": {
        "AA": {"name": "\u00c4 \"quoted\"", "baseline": 100, "source": "ass1", "note": "country note"},
        "BB": {"baseline": 50.5, "growth": {"model": "compound", "rate": {"var": "g", "times": 0.5},
                                            "source": ["fact1", "ass1"]}},
        "CC": {"baseline": 10, "growth": {"model": "compound", "rates": [
            {"until": 2024, "rate": 0.1, "source": "est1"}, {"rate": {"var": "g"}}]}},
    },
    "power": {"pue": 1.2, "utilization": 0.6},
    "events": [{"country": "AA", "date": "2025-07", "add": {"var": "u", "times": 100},
                "delay_months": 3}],
}
CHILD = {
    "extends": "parent.json", "name": "prov-child",
    "description": "tab\there, a control \u0001 and \u20ac",
    "countries": {"DD": {"baseline": 1e-7, "growth": {"model": "linear", "per_year": 0.1},
                         "source": "est1"}},
}

# Worked out by hand from SPEC §2 (see the module docstring).
WANT_SOURCED = {
    "defaults.growth.rate": [("est1", "estimate"), ("fact1", "fact")],
    "countries.AA.baseline": [("ass1", "assumption")],
    "countries.BB.growth.rate": [("fact1", "fact"), ("ass1", "assumption")],
    "countries.CC.growth.rates[0].rate": [("est1", "estimate")],
    "countries.CC.growth.rates[1].rate": [("est1", "estimate"), ("fact1", "fact")],
    "countries.DD.baseline": [("est1", "estimate")],
    "countries.DD.growth.per_year": [("est1", "estimate")],
    "events[0].add": [("ass1", "assumption")],
    "variables.u.value": [("ass1", "assumption")],
    "targets[0].ratio": [("fact1", "fact")],
}
WANT_UNSOURCED = {
    "countries.BB.baseline": "50.5",
    "countries.CC.baseline": "10",
    "power.pue": "1.2",
    "power.utilization": "0.6",
    "events[0].delay_months": "3",
}
WANT_NOTES = ["_note", "sources.ass1.note", "countries.AA.note"]

tmp = tempfile.mkdtemp()
try:
    with open(os.path.join(tmp, "parent.json"), "w", encoding="utf-8") as f:
        json.dump(PARENT, f, ensure_ascii=False, indent=1)
    child = os.path.join(tmp, "child.json")
    with open(child, "w", encoding="utf-8") as f:
        json.dump(CHILD, f, ensure_ascii=False, indent=1)

    out = os.path.join(tmp, "child.html")
    html = report(child, out)
    validate(html, "child")
    expect(footer_hash(html) == expected_hash(child), "child: footer hash differs from the "
           f"independent SHA-256 ({footer_hash(html)} vs {expected_hash(child)})")
    rc, js, _ = dc("run", child, "-q", "--format", "json")
    expect(rc == 0 and json.loads(js)["provenance"]["sha256"] == expected_hash(child),
           "child: run --format json provenance.sha256 differs from the independent hash")

    sets = [("countries.AA.baseline", 120)]
    html2 = report(child, os.path.join(tmp, "child2.html"), "--set", "countries.AA.baseline=120",
                   "--horizon", "2028", "--draws", "50", "--seed", "9")
    validate(html2, "child --set --horizon --draws --seed")
    want2 = expected_hash(child, sets, horizon=2028, draws=50, seed=9)
    expect(footer_hash(html2) == want2, f"child with options: footer hash {footer_hash(html2)} "
           f"!= independent {want2}")
    expect(b'<code id="seed">9</code>' in html2 and b'<code id="draws">50</code>' in html2,
           "child with options: seed or draws missing from the footer")
    expect(b"--set countries.AA.baseline=120 --horizon 2028" in html2,
           "child with options: the command line is not in the footer")

    if html5lib is not None:
        doc = tree(html)
        got = sourced_inputs(doc)
        expect(got == WANT_SOURCED, f"child: sourced inputs\n  got  {got}\n  want {WANT_SOURCED}")
        got = unsourced_inputs(doc)
        expect(got == WANT_UNSOURCED, f"child: unsourced inputs\n  got  {got}\n  want {WANT_UNSOURCED}")
        got = notes(doc)
        expect(got == WANT_NOTES, f"child: notes {got}, want {WANT_NOTES}")
        links = [a.get("href") for a in doc.iter("a")]
        expect("https://example.org/a?x=1&y=2" in links, "child: the https source is not linked")
        expect(not any(h.startswith("ftp:") for h in links), "child: an ftp URL became a link")
        expect(not any(True for _ in doc.iter("b")), "child: a title's <b> became markup")
        expect("A fact & co <b>bold</b>" in text_of(doc),
               "child: the escaped title is not shown as text")
        expect("\u00c4 \"quoted\"" in text_of(doc), "child: the country name is lost")

    # Shipped scenarios: valid, hash, and the Microsoft labels.
    shipped = ["scenarios/microsoft-europe-2025.json", "scenarios/example-small.json",
               "scenarios/what-if/ai-surge.json", "scenarios/what-if/slower-permitting.json",
               "scenarios/what-if/uncertain.json"]
    for rel in shipped:
        path = os.path.join(ROOT, rel)
        extra = ("--draws", "200") if "uncertain" in rel else ()
        h = report(path, os.path.join(tmp, "shipped.html"), *extra)
        validate(h, rel)
        want = expected_hash(path, draws=200 if extra else None)
        expect(footer_hash(h) == want, f"{rel}: footer hash {footer_hash(h)} != independent {want}")
        if html5lib is not None and rel.endswith("microsoft-europe-2025.json"):
            doc = tree(h)
            got = sourced_inputs(doc)
            for code in ["IE", "NL", "GB", "FR", "DE", "CH", "NO", "SE", "PL", "IT"]:
                kinds = [k for _, k in got.get(f"countries.{code}.baseline", [])]
                expect("assumption" in kinds, f"{rel}: countries.{code}.baseline is not labelled "
                       f"an assumption ({kinds})")
            for t in ["targets[0].ratio", "targets[1].ratio"]:
                kinds = [k for _, k in got.get(t, [])]
                expect(kinds == ["fact"], f"{rel}: {t} kinds {kinds}, want fact")

        if "uncertain" not in rel:
            expect(b'id="tornado"' not in h and b"Which assumption matters" not in h,
                   f"{rel}: a deterministic scenario has a tornado section")

    # SPEC §7 report: with draws and at least one factor, the OAT tornado
    # (inline SVG without an XML declaration, and the table); its first
    # row is the first data row of `dcproj sensitivity` on the same scenario.
    unc = os.path.join(ROOT, "scenarios/what-if/uncertain.json")
    h = report(unc, os.path.join(tmp, "tornado.html"), "--draws", "200")
    validate(h, "uncertain tornado")
    expect(b'<section id="tornado">' in h and b"<h2>Which assumption matters</h2>" in h,
           "uncertain: no tornado section")
    sec = h[h.find(b'<section id="tornado">'):]
    sec = sec[:sec.find(b"</section>")]
    expect(b"<svg" in sec and b"<?xml" not in h, "uncertain: the tornado is not an inline <svg>")
    expect(b"10th" in sec and b"90th" in sec and b"envelope, not a probability" in sec,
           "uncertain: the tornado has no sentence on what it shows")
    rc, csv_sens, err = dc("sensitivity", unc, "--draws", "200")
    expect(rc == 0, f"sensitivity uncertain: exit {rc} {err}")
    sens_rows = [ln.split(",") for ln in csv_sens.splitlines()]
    expect(len(sens_rows) >= 2 and sens_rows[0][0] == "factor" and sens_rows[0][-1] == "swing",
           f"sensitivity uncertain: unexpected header {sens_rows[:1]}")
    if html5lib is not None and len(sens_rows) >= 2:
        rows = table_rows(tree(h), "tornado")
        expect(len(rows) == len(sens_rows) - 1,
               f"uncertain: tornado table has {len(rows)} rows, sensitivity {len(sens_rows) - 1}")
        if rows:
            cells = [text_of(td).strip() for td in rows[0].iter("td")]
            want = sens_rows[1]
            expect(cells[0] == want[0], f"uncertain: first factor {cells[0]!r}, want {want[0]!r}")
            expect(float(cells[-1]) == float(want[-1]),
                   f"uncertain: first swing {cells[-1]}, want {want[-1]}")
            # the swing is |output at high - output at low| of the same row
            expect(abs(float(cells[-1]) - abs(float(cells[5]) - float(cells[3])))
                   <= 1e-9 * abs(float(cells[-1])), f"uncertain: swing {cells} is not high - low")

    # SPEC §4's example: targets 2027/2023 = 2.0 and 2026/2024 = 1.4 solve
    # exactly but make TOTAL fall 28% in 2026; the report shows that warning.
    ms = os.path.join(ROOT, "scenarios/microsoft-europe-2025.json")
    h = report(ms, os.path.join(tmp, "implausible.html"), "--set", "targets[1].base_year=2024",
               "--set", "targets[1].year=2026")
    validate(h, "microsoft with the implausible targets")
    expect(re.search(rb'<p class="warning">[^<]*(<code>[^<]*</code>: )?[^<]*TOTAL fall 28% in 2026', h)
           is not None, "implausible targets: the report does not show the warning")

    # report --history of a fit scenario: every observed value of the file is
    # a dot on IE's line and on TOTAL's, titled with its year and value.
    irl = os.path.join(ROOT, "scenarios/ireland-datacentres.json")
    h = report(irl, os.path.join(tmp, "irl.html"), "--history")
    validate(h, "ireland --history")
    text = h.decode("utf-8")
    hist = resolve(irl)["countries"]["IE"]["history"]
    years = [y for y in hist if y.isdigit()]
    expect(text.count("<circle") == 2 * len(years),
           f"ireland --history: {text.count('<circle')} dots, want {2 * len(years)}")
    for y in years:
        v = float(hist[y])
        shown = f"{v:,.0f}".replace(",", "\u2009") if v >= 1000 else f"{v:.4g}"
        for code in ("IE", "TOTAL"):
            want = f"<title>{code} observed {y}: {shown}</title></circle>"
            expect(want in text, f"ireland --history: no dot {want}")

    # chart --bands all: the band of "other" is the P5-P95 of the per-draw
    # sum of the countries not drawn, i.e. what `run` reports for a group of
    # exactly those countries with quantiles 0.05 and 0.95 (group membership
    # changes no draw).
    unc = os.path.join(ROOT, "scenarios/what-if/uncertain.json")
    rc, csv_det, _ = dc("run", unc, "-q", "--draws", "0")
    expect(rc == 0, "uncertain: deterministic run failed")
    rows = [l.split(",") for l in csv_det.strip().split("\n")]
    head = rows[0]
    ci, kc, pc, cc = head.index("code"), head.index("kind"), head.index("period"), head.index("capacity")
    last = max(r[pc] for r in rows[1:])
    ranked = sorted(((-float(r[cc]), i, r[ci]) for i, r in enumerate(rows[1:])
                     if r[kc] == "country" and r[pc] == last))
    others = [code for _, _, code in ranked[3:]]
    doc = resolve(unc)
    sets = []
    for code in others:
        groups = doc["countries"][code].get("groups", []) + ["OTHERSUM"]
        sets += ["--set", f"countries.{code}.groups={json.dumps(groups)}"]
    rc, csv_grp, err = dc("run", unc, "-q", "--draws", "400", "--set", "uncertainty.quantiles=[0.05,0.95]", *sets)
    expect(rc == 0, f"uncertain with an OTHERSUM group: exit {rc} {err}")
    rows = [l.split(",") for l in csv_grp.strip().split("\n")]
    head = rows[0]
    want = [r for r in rows[1:] if r[head.index("code")] == "OTHERSUM" and r[head.index("period")] == last][0]
    lo, hi = float(want[head.index("p5")]), float(want[head.index("p95")])
    svg = os.path.join(tmp, "other.svg")
    rc, _, err = dc("chart", unc, "-q", "--draws", "400", "--bands", "all", "--top", "3", "-o", svg)
    expect(rc == 0, f"chart --bands all: exit {rc} {err}")
    with open(svg, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r">other</tspan>.*?>([0-9\u2009.]+) \(([0-9\u2009.]+)\u2013([0-9\u2009.]+)\)</tspan>", text)
    expect(m is not None, "chart --bands all: no band in the legend row of other")
    if m:
        def shown_ok(shown, exact):
            v = float(shown.replace("\u2009", ""))
            step = 1.0 if abs(exact) >= 1000 else 10.0 ** (math.floor(math.log10(abs(exact))) - 3)
            return abs(v - exact) <= 0.5 * step + 1e-9
        expect(shown_ok(m.group(2), lo) and shown_ok(m.group(3), hi),
               f"chart --bands all: other's band {m.group(2)}-{m.group(3)}, want {lo}-{hi}")
    # targets in another metric than capacity say what they ask for (SPEC §4 `metric`): the Europe
    # scenario's IEA figures are TWh used in a year, not MW at a year end
    eu = os.path.join(ROOT, "scenarios/europe-hyperscalers.json")
    if os.path.exists(eu):
        out = os.path.join(tmp, "europe.html")
        page = report(eu, out).decode("utf-8")
        expect("68 TWh used in 2024" in page and "113 TWh used in 2030" in page,
               "report europe: the IEA energy targets are not shown as TWh used in a year")
        expect(" MW at the end of 2024" not in page, "report europe: an energy target shown in MW")
finally:
    shutil.rmtree(tmp)

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("ok")
