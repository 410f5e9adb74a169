"""dcproj.py — a ctypes binding of libdcproj through its public API only.

Standard library only; pandas is used when installed (Result.dataframe()).

    import dcproj
    lib = dcproj.Library()                     # or Library("/path/libdcproj.so")
    sc = lib.load("scenario.json")             # or lib.load_text(text, name="s.json")
    res = lib.run(sc)
    for row in res.rows(): ...                 # dicts: kind, code, name, period, capacity, ...
    df = res.dataframe()                       # pandas, when available
    try: lib.load_text("{}")
    except dcproj.Error as e: e.code, e.messages

The library is found from the argument, else $DCPROJ_LIB, else the
system's "dcproj".  Every call goes through functions declared in
include/dcproj/ (the library exports nothing else).  Output leaves
through dcproj_report_write_buffer() and is released with
dcproj_buffer_free(), so no FILE * and no foreign free() is involved.
Numbers are read back from the CSV text, which the library writes in the
same locale-independent form whatever the host locale.

Thread safety is libdcproj's: distinct scenarios and results may be used
from different threads; one Scenario or Result must not be freed while
another thread uses it.
"""
import csv
import ctypes
import ctypes.util
import io
import os

ERROR_MAX = 20


class _ErrorItem(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int), ("line", ctypes.c_int), ("column", ctypes.c_int),
                ("file", ctypes.c_char * 512), ("path", ctypes.c_char * 256),
                ("message", ctypes.c_char * 512)]


class _Error(ctypes.Structure):
    """struct dcproj_error (dcproj/error.h): a plain value struct."""
    _fields_ = [("code", ctypes.c_int), ("count", ctypes.c_int),
                ("items", _ErrorItem * ERROR_MAX)]


class _Format(ctypes.Structure):
    """struct dcproj_format (dcproj/report.h), filled by dcproj_format_init().
    The reserve keeps a later, longer struct from writing past this one."""
    _fields_ = [("format", ctypes.c_int), ("layout", ctypes.c_int),
                ("metric", ctypes.c_char_p), ("precision", ctypes.c_int),
                ("excel", ctypes.c_int), ("delimiter", ctypes.c_char),
                ("decimal_comma", ctypes.c_int), ("bom", ctypes.c_int),
                ("crlf", ctypes.c_int), ("threads", ctypes.c_int),
                ("_reserve", ctypes.c_char * 256)]


class Error(Exception):
    """A failed dcproj call: `code` is the status (SPEC §9 exit code),
    `items` the problems as (file, path, line, column, message) tuples and
    `messages` the formatted lines ("FILE: json.path: message")."""

    def __init__(self, code, messages, items):
        super().__init__("\n".join(messages) or "dcproj error %d" % code)
        self.code = code
        self.messages = messages
        self.items = items


class Scenario:
    """A loaded scenario (owns a struct dcproj_scenario *)."""

    def __init__(self, lib, ptr):
        self._lib, self._ptr = lib, ptr

    def close(self):
        if self._ptr:
            self._lib._c.dcproj_scenario_free(self._ptr)
            self._ptr = None

    __del__ = close


class Result:
    """A projection (owns a struct dcproj_result *)."""

    def __init__(self, lib, ptr, scenario):
        self._lib, self._ptr = lib, ptr
        self._scenario = scenario  # the result borrows the scenario's names

    def close(self):
        if self._ptr:
            self._lib._c.dcproj_result_free(self._ptr)
            self._ptr = None

    __del__ = close

    def csv(self):
        """The result as the CSV of SPEC §8 (long layout), as text."""
        c = self._lib._c
        fmt = _Format()
        c.dcproj_format_init(ctypes.byref(fmt))
        data, length, err = ctypes.c_void_p(), ctypes.c_size_t(), _Error()
        c.dcproj_error_init(ctypes.byref(err))
        rc = c.dcproj_report_write_buffer(self._ptr, ctypes.byref(fmt), ctypes.byref(data),
                                          ctypes.byref(length), ctypes.byref(err))
        self._lib._check(rc, err)
        try:
            return ctypes.string_at(data, length.value).decode("utf-8")
        finally:
            c.dcproj_buffer_free(data)

    def rows(self):
        """The rows as dicts; numeric columns as float (None for an empty cell)."""
        reader = csv.DictReader(io.StringIO(self.csv(), newline=""))
        text_cols = {"kind", "code", "name", "period"}
        out = []
        for rec in reader:
            out.append({k: (v if k in text_cols else (float(v) if v != "" else None))
                        for k, v in rec.items()})
        return out

    def dataframe(self):
        """The rows as a pandas DataFrame; ImportError without pandas."""
        import pandas
        return pandas.read_csv(io.StringIO(self.csv()), dtype={"code": str, "period": str},
                               keep_default_na=False, na_values=[""])


class Library:
    """libdcproj, loaded with ctypes."""

    def __init__(self, path=None):
        path = path or os.environ.get("DCPROJ_LIB") or ctypes.util.find_library("dcproj")
        if not path:
            raise OSError("libdcproj not found: pass its path or set DCPROJ_LIB")
        c = self._c = ctypes.CDLL(path)
        P, E = ctypes.c_void_p, ctypes.POINTER(_Error)
        sig = {
            "dcproj_version": (ctypes.c_char_p, []),
            "dcproj_error_init": (None, [E]),
            "dcproj_error_format": (ctypes.c_int, [E, ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]),
            "dcproj_scenario_load": (ctypes.c_int, [ctypes.c_char_p, P, ctypes.POINTER(P), E]),
            "dcproj_scenario_load_buffer": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t,
                                                           ctypes.c_char_p, P, ctypes.POINTER(P), E]),
            "dcproj_scenario_free": (None, [P]),
            "dcproj_project": (ctypes.c_int, [P, P, ctypes.POINTER(P), E]),
            "dcproj_result_free": (None, [P]),
            "dcproj_format_init": (None, [ctypes.POINTER(_Format)]),
            "dcproj_report_write_buffer": (ctypes.c_int, [P, ctypes.POINTER(_Format), ctypes.POINTER(P),
                                                          ctypes.POINTER(ctypes.c_size_t), E]),
            "dcproj_buffer_free": (None, [P]),
        }
        for name, (res, args) in sig.items():
            fn = getattr(c, name)
            fn.restype, fn.argtypes = res, args

    def version(self):
        return self._c.dcproj_version().decode()

    def _check(self, rc, err):
        if rc == 0:
            return
        messages, items = [], []
        buf = ctypes.create_string_buffer(2048)
        for i in range(min(err.count, ERROR_MAX)):
            self._c.dcproj_error_format(ctypes.byref(err), i, buf, len(buf))
            messages.append(buf.value.decode("utf-8", "replace"))
            it = err.items[i]
            items.append((it.file.decode("utf-8", "replace"), it.path.decode("utf-8", "replace"),
                          it.line, it.column, it.message.decode("utf-8", "replace")))
        raise Error(rc, messages, items)

    def load(self, path):
        """Load and validate the scenario file `path` ("-" = stdin) with its own settings."""
        out, err = ctypes.c_void_p(), _Error()
        self._c.dcproj_error_init(ctypes.byref(err))
        rc = self._c.dcproj_scenario_load(os.fsencode(path), None, ctypes.byref(out), ctypes.byref(err))
        self._check(rc, err)
        return Scenario(self, out)

    def load_text(self, text, name="<text>", base_dir=None):
        """Load a scenario from JSON text; `extends` resolves against `base_dir`."""
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        out, err = ctypes.c_void_p(), _Error()
        self._c.dcproj_error_init(ctypes.byref(err))
        rc = self._c.dcproj_scenario_load_buffer(name.encode(), data, len(data),
                                                 os.fsencode(base_dir) if base_dir else None, None,
                                                 ctypes.byref(out), ctypes.byref(err))
        self._check(rc, err)
        return Scenario(self, out)

    def run(self, scenario):
        """Project `scenario` (SPEC §3–§5) with the default run options."""
        out, err = ctypes.c_void_p(), _Error()
        self._c.dcproj_error_init(ctypes.byref(err))
        rc = self._c.dcproj_project(scenario._ptr, None, ctypes.byref(out), ctypes.byref(err))
        self._check(rc, err)
        return Result(self, out, scenario)
