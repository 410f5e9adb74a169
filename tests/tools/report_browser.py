#!/usr/bin/env python3
"""report_browser.py DCPROJ SOURCE_ROOT — the report of the Microsoft
scenario and two charts (capacity with bands and events, energy stacked)
rendered by headless Chromium to PNG; each screenshot must not be blank:
decoded here (zlib + PNG filters, no imaging library), it needs many
distinct colours, a real share of non-white pixels, and dark pixels (text)
in its upper and lower halves.  Skips (77) without chromium.
With DCPROJ_SCREENSHOT_DIR set, the PNGs are kept there."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

DCPROJ, ROOT = sys.argv[1], sys.argv[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    print("skip: chromium is not installed")
    sys.exit(77)


def read_png(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB/RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, "unsupported PNG"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def check_not_blank(png, what):
    w, h, rows = read_png(png)
    colours, ink, dark_top, dark_bottom = set(), 0, 0, 0
    for y in range(0, h, 2):
        for x in range(0, w, 2):
            px = rows[y][x]
            colours.add(px)
            if px != (255, 255, 255):
                ink += 1
            if sum(px) < 200:
                if y < h // 2:
                    dark_top += 1
                else:
                    dark_bottom += 1
    sampled = ((h + 1) // 2) * ((w + 1) // 2)
    problems = []
    if len(colours) < 20:
        problems.append(f"only {len(colours)} colours")
    if ink < 0.02 * sampled:
        problems.append(f"only {ink} of {sampled} sampled pixels are not white")
    if dark_top < 50 or dark_bottom < 50:
        problems.append(f"little text: {dark_top} dark pixels above, {dark_bottom} below the middle")
    print(f"{what}: {w}x{h}, {len(colours)} colours, {100.0 * ink / sampled:.1f}% ink"
          + (": " + "; ".join(problems) if problems else ""))
    return not problems


def screenshot(src, png, size):
    profile = tempfile.mkdtemp()
    try:
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", f"--user-data-dir={profile}", "--hide-scrollbars",
               f"--window-size={size}", f"--screenshot={png}", "file://" + src]
        p = subprocess.run(cmd, capture_output=True, timeout=120)
        return p.returncode == 0 and os.path.exists(png)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def dc(*args):
    p = subprocess.run([DCPROJ, *args], capture_output=True)
    if p.returncode != 0:
        print(f"dcproj {' '.join(args)}: exit {p.returncode}: {p.stderr.decode()}")
    return p.returncode == 0


tmp = tempfile.mkdtemp()
keep = os.environ.get("DCPROJ_SCREENSHOT_DIR")
ok = True
try:
    ms = os.path.join(ROOT, "scenarios/microsoft-europe-2025.json")
    uncertain = os.path.join(ROOT, "scenarios/what-if/uncertain.json")
    jobs = [
        (["report", ms, "-q", "-o"], "report.html", "1200,2600"),
        (["chart", uncertain, "-q", "--draws", "500", "--bands", "all", "--top", "4", "-o"],
         "chart-bands.svg", "1100,620"),
        (["chart", ms, "-q", "--metric", "energy_twh", "--stack", "-o"], "chart-energy.svg",
         "1100,620"),
    ]
    for args, name, size in jobs:
        src = os.path.join(tmp, name)
        png = os.path.join(tmp, name.rsplit(".", 1)[0] + ".png")
        if not dc(*args, src):
            ok = False
            continue
        if not screenshot(src, png, size):
            print(f"{name}: chromium made no screenshot")
            ok = False
            continue
        ok = check_not_blank(png, name) and ok
        if keep:
            shutil.copy(png, keep)
finally:
    shutil.rmtree(tmp)
sys.exit(0 if ok else 1)
