#!/usr/bin/python3
"""Check scenarios/dcproj.schema.json against the scenario files.

Usage: schema_check.py SRCDIR

- The schema itself must be a valid draft 2020-12 schema (check_schema).
- Must be ACCEPTED: every scenarios/**/*.json (globbed at run time) except
  the schema, files under scenarios/expected/ and merge patches for --patch
  (files named *.patch.json or under a patches/ directory), and every
  tests/data/conformance/*.json and tests/data/schema-valid/*.json (edge
  cases the schema must not refuse).  Each is validated twice: as it
  stands, unmerged, as an editor validates a file on its own (a document
  with `extends` is a what-if that needs only what it changes), and after
  merging its `extends` chain (RFC 7396, SPEC section 6), as dcproj does.
- Must be REJECTED: every tests/data/schema-invalid/*.json.  Each names in
  its "_reject" key the JSON path ("$.countries.IE.baseline") where the
  schema must report the defect, so a document rejected for another reason
  (a typo in the test itself) fails the test.

Exit status: 0 all good, 1 a check failed, 77 (skip) when the Python
jsonschema module (Debian: python3-jsonschema) is not installed.
"""
import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("SKIP: the Python module jsonschema is not installed (python3-jsonschema)")
    sys.exit(77)

MAX_EXTENDS = 16


def no_duplicates(pairs):
    """object_pairs_hook: refuse duplicate keys, as dcproj does."""
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError("duplicate key %r" % key)
        obj[key] = value
    return obj


def refuse_constant(name):
    raise ValueError("non-finite number %s" % name)


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return json.loads(data.decode("utf-8"), object_pairs_hook=no_duplicates,
                      parse_constant=refuse_constant)


def merge_patch(target, patch):
    """RFC 7396 JSON merge patch."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def resolve(path):
    """The final document of `path`: its `extends` chain merged, no `extends`."""
    chain = []
    seen = set()
    cur = os.path.abspath(path)
    while True:
        if cur in seen:
            raise ValueError("extends cycle at %s" % cur)
        if len(chain) > MAX_EXTENDS:
            raise ValueError("extends chain longer than %d" % MAX_EXTENDS)
        seen.add(cur)
        doc = load(cur)
        chain.append(doc)
        parent = doc.get("extends") if isinstance(doc, dict) else None
        if not isinstance(parent, str):
            break
        cur = os.path.join(os.path.dirname(cur), parent)
    result = chain.pop()
    while chain:
        result = merge_patch(result, chain.pop())
    if isinstance(result, dict):
        result.pop("extends", None)
    return result


def all_errors(errors):
    """Every error, including those nested in oneOf/anyOf contexts."""
    for err in errors:
        yield err
        yield from all_errors(err.context or [])


def reported_at(err, where, doc):
    """Does `err` point at the JSON path `where` of `doc`?  Some jsonschema
    releases (4.2x) report a `false` subschema under "properties" at the
    object holding the key, not at the key: accept that form too when the
    error is about the value at `where`."""
    if err.json_path == where:
        return True
    if err.validator is None and where.startswith(err.json_path + "."):
        value = doc
        for key in where[2:].split("."):
            if not isinstance(value, dict) or key not in value:
                return False
            value = value[key]
        return "." not in where[len(err.json_path) + 1:] and err.instance == value
    return False


def is_patch_file(rel):
    parts = rel.split(os.sep)
    return rel.endswith(".patch.json") or "patches" in parts[:-1]


def main(argv):
    if len(argv) != 2:
        print("usage: schema_check.py SRCDIR", file=sys.stderr)
        return 2
    src = argv[1]
    schema_path = os.path.join(src, "scenarios", "dcproj.schema.json")
    schema = load(schema_path)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures = 0

    accept = []
    scen_dir = os.path.join(src, "scenarios")
    for path in sorted(glob.glob(os.path.join(scen_dir, "**", "*.json"), recursive=True)):
        rel = os.path.relpath(path, scen_dir)
        if rel == "dcproj.schema.json" or rel.split(os.sep)[0] == "expected" or is_patch_file(rel):
            continue
        accept.append(path)
    n_scenarios = len(accept)
    for sub in ("conformance", "schema-valid"):
        found = sorted(glob.glob(os.path.join(src, "tests", "data", sub, "*.json")))
        if not found:
            print("FAIL: no documents in tests/data/%s" % sub)
            failures += 1
        accept += found

    for path in accept:
        rel = os.path.relpath(path, src)
        try:
            docs = (("unmerged", load(path)), ("merged", resolve(path)))
        except (OSError, ValueError) as e:
            print("FAIL %s: %s" % (rel, e))
            failures += 1
            continue
        bad = 0
        for how, doc in docs:
            errors = sorted(validator.iter_errors(doc), key=lambda e: e.json_path)
            for err in errors:
                print("FAIL %s (%s): %s: %s" % (rel, how, err.json_path, err.message[:300]))
            bad += len(errors) > 0
        if bad:
            failures += 1
        else:
            print("ok   %s (accepted unmerged and merged)" % rel)

    invalid = sorted(glob.glob(os.path.join(src, "tests", "data", "schema-invalid", "*.json")))
    if len(invalid) < 15:
        print("FAIL: only %d documents in tests/data/schema-invalid (expected >= 15)" % len(invalid))
        failures += 1
    for path in invalid:
        rel = os.path.relpath(path, src)
        doc = load(path)
        where = doc.get("_reject")
        if not isinstance(where, str):
            print("FAIL %s: no \"_reject\" path" % rel)
            failures += 1
            continue
        errors = list(all_errors(validator.iter_errors(doc)))
        if not errors:
            print("FAIL %s: accepted, expected a rejection at %s" % (rel, where))
            failures += 1
        elif not any(reported_at(err, where, doc) for err in errors):
            print("FAIL %s: rejected, but not at %s:" % (rel, where))
            for err in errors:
                print("       %s: %s" % (err.json_path, err.message[:300]))
            failures += 1
        else:
            print("ok   %s (rejected at %s)" % (rel, where))

    print("%d scenario(s), %d test document(s) accepted, %d invalid; %d failure(s)"
          % (n_scenarios, len(accept) - n_scenarios, len(invalid), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
