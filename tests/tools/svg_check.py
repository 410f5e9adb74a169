#!/usr/bin/env python3
"""svg_check.py TEST_CHART: parse every SVG `test_chart --dump NAME` writes
with a real XML parser and check the SVG root.  Exit 77 (skip) when the
parser is not available, 1 on a malformed document."""
import subprocess
import sys

try:
    import xml.dom.minidom
    from xml.parsers.expat import ExpatError
except ImportError:
    sys.exit(77)

SVG_NS = "http://www.w3.org/2000/svg"


def main():
    exe = sys.argv[1]
    names = subprocess.run([exe, "--dump-list"], check=True, capture_output=True,
                           text=True).stdout.split()
    if not names:
        print("no charts to check", file=sys.stderr)
        return 1
    for name in names:
        data = subprocess.run([exe, "--dump", name], check=True, capture_output=True).stdout
        try:
            doc = xml.dom.minidom.parseString(data)
        except ExpatError as e:
            print(f"{name}: not well-formed XML: {e}", file=sys.stderr)
            return 1
        root = doc.documentElement
        if root.tagName != "svg" or root.getAttribute("xmlns") != SVG_NS:
            print(f"{name}: root is not an SVG element", file=sys.stderr)
            return 1
        for attr in ("width", "height", "viewBox"):
            if not root.getAttribute(attr):
                print(f"{name}: svg has no {attr}", file=sys.stderr)
                return 1
        if not root.getElementsByTagName("title") or not root.getElementsByTagName("desc"):
            print(f"{name}: no title or desc", file=sys.stderr)
            return 1
        print(f"{name}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
