"""Benchmark ``szdata validate`` against its floor and its reference checker, and a few calls.

In one run and on the same generated files, for each size (10k, 100k and 1M figures;
``--quick``: 10k and 100k), every measurement in its own child process:

* **floor**: reading the package's CSV tables with polars (``pl.read_csv``), the least any
  validator has to do; the same plus reading every raw text is shown for information;
* ``szdata validate PATH --json``: wall time and peak memory (the child's max RSS), and
  the time of ``szdata.validate(PATH)`` alone, in process, after its imports;
* ``frictionless validate datapackage.json``, up to ``--frictionless-max`` figures (it runs
  at about 20,000 rows/s; larger sizes are estimated from its measured rate and marked so);
* ``szdata validate`` on a copy with 1% of the rows broken (every rule of the generator),
  and whether every injected error was reported (rule, table, row and column).

Then ``import szdata`` against a bare interpreter, ``szdata.load("figures")`` against
``pandas.read_csv`` of the same file, and ``szdata.parse`` articles per second on one core.
Times are medians of ``--repeat`` runs; ratios use baselines measured in the same run, and
the floors and ``szdata validate`` take turns (a machine slowing down slows them alike).
The table is printed and, for a full run (or with ``--output``), written to
``benchmarks/RESULTS.md`` with a description of the machine.

Usage::

    python benchmarks/run.py --quick            # 10k and 100k figures, a few minutes
    python benchmarks/run.py                    # 10k, 100k and 1M; writes RESULTS.md
    python benchmarks/run.py --sizes 10000 --repeat 5 --output /tmp/r.md
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.make_package import MANIFEST, RULE_NAMES, make_package  # noqa: E402

PYTHON = sys.executable
ERROR_FRACTION = 0.01
TARGETS = {
    "floor": 1.5,  # szdata validate / read-everything floor at 1M figures, at most
    "frictionless": 50.0,  # frictionless / szdata validate at 100k figures, at least
    "errors": 1.5,  # 1% broken / clean, at most
    "memory_mb": 1200.0,  # peak RSS at 1M figures, at most
    "import_ms": 30.0,  # import szdata over a bare interpreter, at most
    "parse_per_s": 1500.0,  # briefing-sized articles per second, at least
    "load": 3.0,  # szdata.load / pandas.read_csv, at most
    "curator": 2.0,  # a curator's command at 10,000 articles / on the shipped package, at most
    "check": 1.5,  # build --check with differences / up to date, at most
    "info": 1.5,  # szdata info / python -c "import polars", at most
    "validate_small": 0.35,  # szdata validate / frictionless validate (shipped), at most
}

# ------------------------------------------------------------------------------------------
# child processes: each measurement runs alone, so that its peak memory is its own
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One child process: its wall time, peak memory, exit status and output."""

    seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    cpu: float = 0.0
    """User and system CPU time of the child (every thread)."""


def run_child(argv: Sequence[str], *, cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run ``argv`` to completion; wall time and the child's own peak RSS (``wait4``)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=cwd, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds,
            usage.ru_maxrss / 1024,
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_utime + usage.ru_stime,
        )


_FLOOR = """
import sys, time, json
t0 = time.perf_counter()
import polars as pl
t1 = time.perf_counter()
pkg = json.load(open(sys.argv[1] + "/datapackage.json", encoding="utf-8"))
rows = 0
for res in pkg["resources"]:
    if res.get("type") == "table":
        rows += pl.read_csv(sys.argv[1] + "/" + res["path"]).height
t2 = time.perf_counter()
if sys.argv[2] == "raw":
    for res in pkg["resources"]:
        if res["name"].startswith("raw-"):
            open(sys.argv[1] + "/" + res["path"], "rb").read().decode("utf-8")
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "read": t2 - t1, "raw": t3 - t2, "rows": rows}))
"""

_VALIDATE_IN_PROCESS = """
import sys, time, json
t0 = time.perf_counter()
import szdata
report = szdata.validate(sys.argv[1])
t1 = time.perf_counter()
marks = []  # (step, wall clock, CPU time of the process: every thread)
report = szdata.validate(
    sys.argv[1], progress=lambda s: marks.append((s, time.perf_counter(), time.process_time()))
)
t2 = time.perf_counter()
marks.append(("", t2, time.process_time()))
steps = [(a[0], b[1] - a[1], b[2] - a[2]) for a, b in zip(marks, marks[1:])]
print(json.dumps({"first": t1 - t0, "second": t2 - t1, "errors": len(report.errors),
                  "steps": steps}))
"""

_LOAD = """
import sys, time, json, statistics
import pandas as pd
import szdata
path, repeat = sys.argv[1], int(sys.argv[2])
csv = szdata.open_package(path).path_of("figures")
def best(fn):
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
    return statistics.median(times)
print(json.dumps({
    "pandas": best(lambda: pd.read_csv(csv)),
    "load_pandas": best(lambda: szdata.load("figures", path=path)),
    "load_polars": best(lambda: szdata.load("figures", path=path, backend="polars")),
    "rows": len(pd.read_csv(csv)),
}))
"""

_PARSE = """
import sys, time, json, os
import szdata
texts = [(open(p, encoding="utf-8").read(), os.path.basename(p)) for p in sys.argv[2:]]
n = int(sys.argv[1])
for text, name in texts:
    szdata.parse(text, file_name=name)  # warm: the registry is loaded once and cached
t0, c0 = time.perf_counter(), time.process_time()
done = 0
while done < n:
    for text, name in texts:
        szdata.parse(text, file_name=name)
        done += 1
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"articles": done, "seconds": seconds, "cpu": cpu,
                  "chars": sum(len(t) for t, _ in texts) / len(texts)}))
"""


def _json_tail(text: str) -> dict[str, Any]:
    return json.loads(text.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------
# measurements
# ------------------------------------------------------------------------------------------


@dataclass
class Stat:
    """Median of several runs of one measurement (seconds, MB)."""

    seconds: float | None = None
    max_rss_mb: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, runs: list[Run], **extra: Any) -> Stat:
        return cls(
            statistics.median(r.seconds for r in runs), max(r.max_rss_mb for r in runs), extra=extra
        )


def _repeat(argv: Sequence[str], n: int, *, ok: tuple[int, ...] = (0,)) -> list[Run]:
    return _interleaved([(argv, ok)], n)[0]


def _interleaved(commands: Sequence[tuple[Any, ...]], n: int) -> list[list[Run]]:
    """``n`` runs of each ``(argv, exit statuses expected[, environment])``, taking turns: a
    machine that slows down for a while slows every command alike, so the ratios of medians
    stay fair."""
    runs: list[list[Run]] = [[] for _ in commands]
    for _ in range(n):
        for (argv, ok, *env), done in zip(commands, runs, strict=True):
            r = run_child(argv, env=env[0] if env else None)
            if r.returncode not in ok:
                raise RuntimeError(
                    f"{' '.join(argv[:4])} ... exited {r.returncode}:\n{r.stderr[-2000:]}"
                )
            done.append(r)
    return runs


def _has_validate() -> bool:
    return (REPO / "szdata/_validate/__init__.py").is_file()


def measure_size(figures: int, args: argparse.Namespace, log) -> dict[str, Any]:
    """Every measurement of one size; packages are (re)generated under ``args.workdir``."""
    root = Path(args.workdir)
    clean, broken = root / f"clean-{figures}", root / f"broken-{figures}"
    t = time.perf_counter()
    gen = make_package(clean, figures, seed=args.seed, overwrite=True)
    make_package(broken, figures, seed=args.seed, errors=ERROR_FRACTION, overwrite=True)
    log(
        f"  generated {figures:,} figures x2 in {time.perf_counter() - t:.1f} s "
        f"({gen['bytes'] / 1e6:.0f} MB each)"
    )
    out: dict[str, Any] = {"figures": figures, "rows": gen["rows"], "bytes": gen["bytes"]}
    csv_bytes = sum((clean / "data" / f"{t}.csv").stat().st_size for t in gen["rows"])
    out["csv_mb"] = csv_bytes / 1e6
    rows_all = None

    # the floors and szdata validate, on the clean and the broken copy, take turns
    commands = [
        ([PYTHON, "-c", _FLOOR, str(clean), "csv"], (0,)),
        ([PYTHON, "-c", _FLOOR, str(clean), "raw"], (0,)),
    ]
    cold = {**os.environ, "SZDATA_NO_CACHE": "1"}
    warm = {**os.environ, "SZDATA_CACHE_DIR": str(root / "cache")}
    warm.pop("SZDATA_NO_CACHE", None)
    if _has_validate():
        validate = [PYTHON, "-m", "szdata", "validate", "--path", str(clean), "--json"]
        commands.append((validate, (0,), cold))
        commands.append(
            ([PYTHON, "-m", "szdata", "validate", "--path", str(broken), "--json"], (1,), cold)
        )
        run_child(validate, env=warm)  # validated once: its report is remembered
        commands.append((validate, (0,), warm))
    floor, floor_raw, *validated = _interleaved(commands, args.repeat)
    inner = [_json_tail(r.stdout) for r in floor]
    rows_all = inner[0]["rows"]
    out["floor"] = Stat.of(floor, read=statistics.median(i["read"] for i in inner))
    inner = [_json_tail(r.stdout) for r in floor_raw]
    out["floor_raw"] = Stat.of(
        floor_raw, read=statistics.median(i["read"] + i["raw"] for i in inner)
    )
    out["table_rows"] = rows_all
    log(f"  floor (polars read): {out['floor'].seconds:.2f} s")

    if validated:
        out["validate"] = Stat.of(validated[0])
        log(
            f"  szdata validate: {out['validate'].seconds:.2f} s, "
            f"{out['validate'].max_rss_mb:.0f} MB"
        )
        runs = _interleaved(
            [([PYTHON, "-c", _VALIDATE_IN_PROCESS, str(clean)], (0,), cold)],
            max(1, args.repeat // 2),
        )[0]
        inner = [_json_tail(r.stdout) for r in runs]
        out["validate_in_process"] = statistics.median(i["second"] for i in inner)
        out["validate_first_call"] = statistics.median(i["first"] for i in inner)
        middle = sorted(inner, key=lambda i: i["second"])[len(inner) // 2]
        out["steps"] = middle["steps"]  # those of the run of median time
        out["broken"] = Stat.of(validated[1])
        out["warm"] = Stat.of(validated[2])
        out["completeness"] = completeness(broken, validated[1][0].stdout)
        c = out["completeness"]
        log(
            f"  szdata validate, 1% broken: {out['broken'].seconds:.2f} s; "
            f"found {c['found']}/{c['injected']} injected errors"
        )
    else:
        out["validate"] = Stat(note="szdata.validate not available yet")

    if figures <= args.frictionless_max:
        fl = [str(Path(PYTHON).parent / "frictionless"), "validate", "datapackage.json", "--json"]
        runs = []
        for _ in range(max(1, min(args.repeat, args.frictionless_repeat))):
            r = run_child(fl, cwd=clean)
            if r.returncode != 0:
                raise RuntimeError(f"frictionless rejected the clean package:\n{r.stdout[-3000:]}")
            runs.append(r)
        out["frictionless"] = Stat.of(runs)
        log(
            f"  frictionless validate: {out['frictionless'].seconds:.1f} s, "
            f"{out['frictionless'].max_rss_mb:.0f} MB"
        )
    else:
        out["frictionless"] = Stat(note="not run: estimated from the rate at the largest size run")
    return out


def measure_curators(sizes: list[int], args: argparse.Namespace, log) -> dict[str, Any]:
    """The curator's commands, ``build --check`` and command latency (:mod:`curators`)."""
    from benchmarks import curators

    root = Path(args.workdir)
    log("curators' commands")
    packages = {"shipped": curators.shipped_package(root / "cur-shipped")}
    cache = {**curators._env(root / "cache")}
    run_child([PYTHON, "-m", "szdata", "validate", "--path", str(packages["shipped"])], env=cache)
    for n in sizes:
        pkg = root / f"cur-{n}"
        t = time.perf_counter()
        make_package(pkg, n * 10, seed=args.seed, overwrite=True)
        r = run_child([PYTHON, "-m", "szdata", "build", "-q", "--path", str(pkg)], env=cache)
        if r.returncode != 0:
            raise RuntimeError(f"szdata build of {pkg} failed:\n{r.stderr[-2000:]}")
        # validated, as a curator's checkout is (CI): its report is remembered
        r = run_child([PYTHON, "-m", "szdata", "validate", "--path", str(pkg)], env=cache)
        if r.returncode != 0:
            raise RuntimeError(f"szdata validate of {pkg} failed:\n{r.stdout[-2000:]}")
        log(f"  {n:,} articles generated and built in {time.perf_counter() - t:.1f} s")
        packages[f"{n:,}"] = pkg
    out: dict[str, Any] = {
        "curators": curators.time_commands(packages, root, args.repeat, run_child, log)
    }
    largest = list(packages)[-1]
    check = curators.time_build_check(packages[largest], root, args.repeat, run_child)
    check["label"] = largest
    out["build_check"] = check
    log(f"  build --check: {check['clean']:.2f} s up to date, {check['changed']:.2f} s edited")
    out["latency"] = curators.time_latency(max(5, 2 * args.repeat), root, run_child)
    log(f"  latency: {out['latency']}")
    if not args.keep:
        import shutil

        for pkg in packages.values():
            shutil.rmtree(pkg, ignore_errors=True)
    return out


def completeness(broken: Path, report_json: str) -> dict[str, Any]:
    """Which injected errors (manifest) the JSON report names with rule, table, row, column."""
    injected = json.loads((broken / MANIFEST).read_text(encoding="utf-8"))
    issues = issues_of(json.loads(report_json))
    reported = {(i["rule"], i["table"], i["row"], i["column"]) for i in issues}
    missing = [
        i for i in injected if (i["rule"], i["table"], i["row"], i["column"]) not in reported
    ]
    return {
        "injected": len(injected),
        "found": len(injected) - len(missing),
        "reported": len(issues),
        "missing": missing[:20],
    }


def issues_of(report: Any) -> list[dict[str, Any]]:
    """The error issues of a ``szdata validate --json`` report."""
    if isinstance(report, dict):
        for key in ("errors", "issues"):
            if isinstance(report.get(key), list):
                return [i for i in report[key] if i.get("severity", "error") == "error"]
    raise ValueError("unrecognised szdata validate --json report: no 'errors' list")


def measure_import(n: int) -> dict[str, float]:
    """Median wall time of ``python -c pass`` and of ``python -c 'import szdata'``."""
    bare = [run_child([PYTHON, "-c", "pass"]).seconds for _ in range(n)]
    imp = [run_child([PYTHON, "-c", "import szdata"]).seconds for _ in range(n)]
    return {"bare": statistics.median(bare), "szdata": statistics.median(imp)}


def measure_load(pkg: Path, repeat: int) -> dict[str, Any] | None:
    r = run_child([PYTHON, "-c", _LOAD, str(pkg), str(repeat)])
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "failed"}
    return _json_tail(r.stdout)


def measure_parse(n: int, texts: list[str] | None = None) -> dict[str, Any]:
    """Articles per second of ``szdata.parse`` (one core) on ``texts``.

    By default, the shipped Daily Briefing (the shipped briefings, if several).
    """
    if texts is None:
        shipped = sorted(str(p) for p in (REPO / "data/raw").glob("*.txt"))
        texts = [p for p in shipped if "Daily Briefing" in Path(p).read_text("utf-8")[:200]]
    argv = ["taskset", "-c", "0"] if _which("taskset") else []
    r = run_child([*argv, PYTHON, "-c", _PARSE, str(n), *texts])
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "failed"}
    return _json_tail(r.stdout)


def _which(cmd: str) -> bool:
    from shutil import which

    return which(cmd) is not None


# ------------------------------------------------------------------------------------------
# report
# ------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """CPU model, cores, memory, OS, Python and library versions, date."""
    from importlib.metadata import PackageNotFoundError, version

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        mem = f"{kb / 1024**2:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    libs = []
    for lib in ("szdata", "polars", "pandas", "pyarrow", "pandera", "pydantic", "frictionless"):
        with contextlib.suppress(PackageNotFoundError):
            libs.append(f"{lib} {version(lib)}")
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "libraries": ", ".join(libs),
    }


def _fmt_s(x: float | None) -> str:
    return "-" if x is None else (f"{x:.2f} s" if x < 100 else f"{x:.0f} s")


def _fmt_mb(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f} MB"


def _ratio(a: float | None, b: float | None) -> str:
    return "-" if a is None or b is None or b == 0 else f"{a / b:.1f}x"


def _found(c: dict[str, Any] | None) -> str:
    return "-" if not c else f"{c['found']:,} / {c['injected']:,}"


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✓" if ok else " ✗")


def render(
    sizes: list[dict[str, Any]],
    extra: dict[str, Any],
    info: dict[str, str],
    args: argparse.Namespace,
) -> str:
    """The results as Markdown: machine, one table per size row, ratios and targets."""
    lines = [
        "# szdata benchmarks",
        "",
        f"Generated by `python benchmarks/run.py{' --quick' if args.quick else ''} "
        f"--repeat {args.repeat}`; times are medians of {args.repeat} runs, each in its "
        "own process (wall time, peak memory = the process's max RSS). Ratios use "
        "baselines measured in the same run on the same files.",
        "",
        "## Machine",
        "",
    ]
    lines += [f"- **{k}**: {v}" for k, v in info.items()]
    lines += [
        "",
        "## Validation",
        "",
        "The floor reads every table with polars and every raw text (`import polars` "
        "included); `szdata validate` runs every check (cold: `SZDATA_NO_CACHE=1`); warm: "
        "the same files validated before, whose report is reused once every file is known "
        "unchanged: its bytes hashed, or its inode, size and times those it had when hashed "
        "(`szdata._validate._verdicts`, `szdata._disk._cache`).",
        "",
        "| figures | table rows | CSV | floor: tables + raw texts | `szdata validate` | "
        "validate / floor | warm (unchanged files) | warm / floor | peak memory | "
        "`frictionless validate` | frictionless / szdata "
        "| 1% broken | broken / clean | injected errors found |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    fl_rate = None
    for s in sizes:
        fl = s["frictionless"]
        if fl.seconds is not None:
            fl_rate = s["table_rows"] / fl.seconds
    for s in sizes:
        v, f, fl, b = s["validate"], s["floor_raw"], s["frictionless"], s.get("broken", Stat())
        w = s.get("warm", Stat())
        fl_s, fl_note = fl.seconds, ""
        if fl_s is None and fl_rate:
            fl_s, fl_note = s["table_rows"] / fl_rate, " (est.)"
        c = s.get("completeness")
        ratio_floor = v.seconds / f.seconds if v.seconds else None
        ratio_fl = fl_s / v.seconds if v.seconds and fl_s else None
        ratio_err = b.seconds / v.seconds if v.seconds and b.seconds else None
        big, at_100k = s["figures"] >= 1_000_000, s["figures"] == 100_000
        lines.append(
            f"| {s['figures']:,} | {s['table_rows']:,} | {s['csv_mb']:.0f} MB | "
            f"{_fmt_s(f.seconds)} | "
            f"{_fmt_s(v.seconds)} | {_ratio(v.seconds, f.seconds)}"
            f"{_mark(ratio_floor <= TARGETS['floor'] if big and ratio_floor else None)} | "
            f"{_fmt_s(w.seconds)} | {_ratio(w.seconds, f.seconds)} | "
            f"{_fmt_mb(v.max_rss_mb)}"
            f"{_mark(v.max_rss_mb <= TARGETS['memory_mb'] if big and v.max_rss_mb else None)} | "
            f"{_fmt_s(fl_s)}{fl_note} | {_ratio(fl_s, v.seconds)}"
            f"{_mark(ratio_fl >= TARGETS['frictionless'] if ratio_fl and at_100k else None)} | "
            f"{_fmt_s(b.seconds)} | {_ratio(b.seconds, v.seconds)}"
            f"{_mark(ratio_err <= TARGETS['errors'] if ratio_err else None)} | "
            f"{_found(c)}"
            f"{_mark(c['found'] == c['injected'] if c else None)} |"
        )
    lines += ["", "Details per size (seconds are process wall times unless said otherwise):", ""]
    for s in sizes:
        v, f, fr, fl = s["validate"], s["floor"], s["floor_raw"], s["frictionless"]
        parts = [
            f"polars read alone (in process, after `import polars`) "
            f"{f.extra['read']:.2f} s; with every raw text read too "
            f"{_fmt_s(fr.seconds)} ({fr.extra['read']:.2f} s in process), "
            f"{_fmt_mb(f.max_rss_mb)}"
        ]
        if s.get("validate_in_process") is not None:
            parts.append(
                f"`szdata.validate()` in process {s['validate_in_process']:.2f} s "
                f"(first call incl. imports {s['validate_first_call']:.2f} s)"
            )
        if v.note:
            parts.append(v.note)
        if fl.seconds is not None:
            parts.append(
                f"frictionless {fl.seconds:.1f} s, {_fmt_mb(fl.max_rss_mb)}, "
                f"{s['table_rows'] / fl.seconds:,.0f} rows/s"
            )
        elif fl.note:
            parts.append(f"frictionless {fl.note}")
        c = s.get("completeness")
        if c:
            parts.append(
                f"1% broken: {c['injected']:,} injected, {c['reported']:,} errors "
                f"reported, {c['injected'] - c['found']} injected not found"
            )
        lines.append(f"- **{s['figures']:,} figures**: " + "; ".join(parts) + ".")
    lines += _steps_section(sizes)
    lines += [
        "",
        "## Calls",
        "",
        "| measurement | result | baseline | ratio / difference | target |",
        "|---|---:|---:|---:|---|",
    ]
    imp = extra["import"]
    diff_ms = (imp["szdata"] - imp["bare"]) * 1000
    lines.append(
        f"| `import szdata` (process) | {imp['szdata'] * 1000:.0f} ms | "
        f"`python -c pass` {imp['bare'] * 1000:.0f} ms | +{diff_ms:.0f} ms"
        f"{_mark(diff_ms <= TARGETS['import_ms'])} | at most +30 ms |"
    )
    ld = extra.get("load")
    if ld and "error" not in ld:
        lines.append(
            f'| `szdata.load("figures")` ({ld["rows"]:,} rows) | '
            f"{ld['load_pandas']:.2f} s | `pandas.read_csv` {ld['pandas']:.2f} s | "
            f"{_ratio(ld['load_pandas'], ld['pandas'])}"
            f"{_mark(ld['load_pandas'] <= TARGETS['load'] * ld['pandas'])} | at most 3x |"
        )
        lines.append(
            f'| `szdata.load("figures", backend="polars")` | {ld["load_polars"]:.2f} s'
            f" | `pandas.read_csv` {ld['pandas']:.2f} s | "
            f"{_ratio(ld['load_polars'], ld['pandas'])}"
            f"{_mark(ld['load_polars'] <= TARGETS['load'] * ld['pandas'])} | at most 3x |"
        )
    elif ld:
        lines.append(f'| `szdata.load("figures")` | failed: {ld["error"]} | | | |')
    for key, what in (
        ("parse", "the shipped briefing"),
        ("parse_synthetic", "synthetic briefings"),
    ):
        ps = extra.get(key)
        if ps and "error" not in ps:
            # per second of the process's CPU: on a shared machine the core is not always
            # its own (the wall-clock rate is given beside it)
            rate = ps["articles"] / ps.get("cpu", ps["seconds"])
            wall = ps["articles"] / ps["seconds"]
            lines.append(
                f"| `szdata.parse` (one core, {what}, {ps['chars']:,.0f} chars) | "
                f"{rate:,.0f} articles per CPU second ({wall:,.0f}/s of wall time) | | "
                f"{1000 / rate:.2f} ms each"
                f"{_mark(rate >= TARGETS['parse_per_s'])} | at least 1,500/s |"
            )
        elif ps:
            lines.append(
                f"| `szdata.parse` ({what}) | failed: {ps['error']} | | | at least 1,500/s |"
            )
    lines += _latency_section(extra.get("latency"))
    lines += _curators_section(extra.get("curators"), extra.get("build_check"))
    lines += [
        "",
        "Targets (issue 22): validate at most 1.5x the read-everything floor at 1M figures "
        "and at least 50x faster than frictionless at 100k; 1% broken at most 1.5x clean "
        "with every injected error reported; peak memory at 1M at most 1.2 GB; `load` at "
        "most 3x `pandas.read_csv`; `import szdata` at most +30 ms; `szdata.parse` at "
        "least 1,500 articles/s; `info` at most 1.5x `import polars`; `validate` of the "
        "shipped package at most 0.35x `frictionless validate`; `add`, `review` and "
        "`correct` at 10,000 articles at most 2x on the shipped package; `build --check` "
        "with differences at most 1.5x up to date. ✓ met, ✗ missed.",
        "",
    ]
    return "\n".join(lines)


def _latency_section(lat: dict[str, float] | None) -> list[str]:
    """Command latency on the shipped package (the repository)."""
    if not lat:
        return []
    polars, fl = lat["import_polars"], lat["frictionless"]
    rows = [
        ("`szdata info`", lat["info"], '`python -c "import polars"`', polars, TARGETS["info"]),
        (
            "`szdata validate` (warm: files unchanged)",
            lat["validate_warm"],
            "`frictionless validate`",
            fl,
            TARGETS["validate_small"],
        ),
        (
            "`szdata validate` (cold: `SZDATA_NO_CACHE=1`)",
            lat["validate_cold"],
            "`frictionless validate`",
            fl,
            TARGETS["validate_small"],
        ),
    ]
    lines = [
        "",
        "## Command latency (the shipped package)",
        "",
        "| command | time | baseline | ratio | target |",
        "|---|---:|---:|---:|---|",
    ]
    for what, t, base, b, target in rows:
        lines.append(
            f"| {what} | {t:.2f} s | {base} {b:.2f} s | {t / b:.2f}x{_mark(t / b <= target)} "
            f"| at most {target}x |"
        )
    return lines


def _curators_section(cur: dict[str, Any] | None, check: dict[str, Any] | None) -> list[str]:
    """The curator's commands at each size against the shipped package, and build --check."""
    lines: list[str] = []
    if cur:
        labels = list(cur)
        base = labels[0]
        lines += [
            "",
            "## Curators' commands",
            "",
            "Each on a fresh copy of a built package (caches warm, as a curator's are): `add` "
            "the shipped Daily Briefing, `review ARTICLE --accept`, `correct` (a note on a "
            "figure's `counted`). Wall time (CPU time of the process in brackets); ratio to "
            "the same command on the shipped package.",
            "",
            "| articles | `add` | ratio | `review` | ratio | `correct` | ratio |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for label in labels:
            cells = [label]
            for name in ("add", "review", "correct"):
                t = cur[label][name]
                ratio = t["seconds"] / cur[base][name]["seconds"]
                mark = _mark(ratio <= TARGETS["curator"]) if label == labels[-1] else ""
                cells += [f"{t['seconds']:.2f} s ({t['cpu']:.2f} s)", f"{ratio:.1f}x{mark}"]
            lines.append("| " + " | ".join(cells) + " |")
    if check:
        ratio = check["changed"] / check["clean"]
        lines += [
            "",
            "## `build --check`",
            "",
            "| package | up to date | with differences | ratio | shown |",
            "|---|---:|---:|---:|---|",
            f"| {check['label']} articles, {check['rows_edited']:,} rows edited (10%) | "
            f"{check['clean']:.2f} s | {check['changed']:.2f} s | "
            f"{ratio:.2f}x{_mark(ratio <= TARGETS['check'])} | "
            f"{check['output_lines']} lines (the first 10 differing rows of each file, "
            "then a count) |",
        ]
    return lines


def readme_table(sizes: list[dict[str, Any]], extra: dict[str, Any]) -> str:
    """The README's performance table: each measurement of issue 22 as a ratio, with its
    target, from one run (``run.py`` writes it between the README's ``perf`` markers)."""
    rows: list[tuple[str, str, str]] = []
    by_size = {s["figures"]: s for s in sizes}
    for n in (100_000, 1_000_000):
        s = by_size.get(n)
        if not s or s["validate"].seconds is None:
            continue
        floor = s["floor_raw"].seconds
        rows.append(
            (
                f"`szdata validate`, {n:,} figures / reading every file",
                f"{s['validate'].seconds / floor:.1f}x (warm: {s['warm'].seconds / floor:.1f}x)",
                "at most 1.5x" if n == 1_000_000 else "",
            )
        )
        fl = s["frictionless"].seconds
        if fl is not None:
            rows.append(
                (
                    f"`frictionless validate` / `szdata validate`, {n:,} figures",
                    f"{fl / s['validate'].seconds:.1f}x (warm: {fl / s['warm'].seconds:.0f}x)",
                    "at least 50x",
                )
            )
        if n == 1_000_000:
            rows.append(("peak memory, 1M figures", _fmt_mb(s["validate"].max_rss_mb), "1.2 GB"))
    ld = extra.get("load")
    if ld and "error" not in ld:
        rows.append(
            (
                f'`szdata.load("figures")` ({ld["rows"]:,} rows) / `pandas.read_csv`',
                f"{ld['load_pandas'] / ld['pandas']:.1f}x",
                "at most 3x",
            )
        )
    ps = extra.get("parse")
    if ps and "error" not in ps:
        rate = ps["articles"] / ps.get("cpu", ps["seconds"])
        rows.append(("`szdata.parse`, the shipped briefing", f"{rate:,.0f}/s", "1,500/s"))
    lat = extra.get("latency")
    if lat:
        rows.append(
            (
                '`szdata info` / `python -c "import polars"`',
                f"{lat['info'] / lat['import_polars']:.2f}x",
                "at most 1.5x",
            )
        )
        rows.append(
            (
                "`szdata validate` / `frictionless validate`, shipped package",
                f"{lat['validate_cold'] / lat['frictionless']:.2f}x "
                f"(warm: {lat['validate_warm'] / lat['frictionless']:.2f}x)",
                "at most 0.35x",
            )
        )
    cur = extra.get("curators")
    if cur:
        labels = list(cur)
        for name in ("add", "review", "correct"):
            ratio = cur[labels[-1]][name]["seconds"] / cur[labels[0]][name]["seconds"]
            rows.append(
                (
                    f"`szdata {name}`, {labels[-1]} articles / shipped package",
                    f"{ratio:.1f}x",
                    "at most 2x",
                )
            )
    check = extra.get("build_check")
    if check:
        rows.append(
            (
                f"`build --check`, 10% of rows differing / up to date ({check['label']} articles)",
                f"{check['changed'] / check['clean']:.2f}x",
                "at most 1.5x",
            )
        )
    lines = ["| measurement | ratio | target |", "|---|---:|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def update_readme(table: str, readme: Path = REPO / "README.md") -> None:
    """Put ``table`` between the README's ``<!-- perf:start -->`` and ``perf:end`` markers."""
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- perf:start -->", "<!-- perf:end -->"
    if start not in text or end not in text:
        return
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    tmp = readme.with_suffix(".tmp")
    tmp.write_text(f"{head}{start}\n{table}\n{end}{tail}", encoding="utf-8")
    os.replace(tmp, readme)


def _steps_section(sizes: list[dict[str, Any]]) -> list[str]:
    """Where ``szdata.validate()`` spends its time at the largest size, step by step."""
    timed = [s for s in sizes if s.get("steps")]
    if not timed:
        return []
    s = timed[-1]
    total = sum(wall for _, wall, _ in s["steps"])
    lines = [
        "",
        f"## Where the time goes ({s['figures']:,} figures)",
        "",
        "`szdata.validate()` in process, step by step as its progress display names them "
        "(the run of median time). CPU is the process's, every thread: the raw texts are "
        "read and hashed in a background thread while the tables are read, and polars "
        "works on every core, so CPU / wall is how many cores were busy.",
        "",
        "| step | wall | share | CPU | cores busy |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, wall, cpu in s["steps"]:
        busy = f"{cpu / wall:.1f}" if wall > 0 else "-"
        lines.append(f"| {name} | {wall:.2f} s | {wall / total:.0%} | {cpu:.2f} s | {busy} |")
    cpu_total = sum(cpu for _, _, cpu in s["steps"])
    lines.append(
        f"| **all** | **{total:.2f} s** | | **{cpu_total:.2f} s** | **{cpu_total / total:.1f}** |"
    )
    return lines


def compile_code(folder: Path | None = None) -> int:
    """Compile the modules of ``folder`` (default: szdata's) whose bytecode is missing or
    stale, as an install leaves them; the number compiled (compileall's own test of
    staleness, which it prints).

    Every command runs in a child process: a checkout whose bytecode is not written
    (``PYTHONDONTWRITEBYTECODE=1``, as on the machine these benchmarks were run on)
    compiles each changed module in every one of them (40-60 ms measured here), which no
    installed copy pays.
    """
    import compileall
    import io

    import szdata

    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        compileall.compile_dir(folder or Path(szdata.__file__).parent, quiet=0)
    return sum(line.startswith("Compiling") for line in said.getvalue().splitlines())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="10k and 100k figures only")
    p.add_argument("--sizes", default="", help="comma-separated figure counts (overrides --quick)")
    p.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    p.add_argument(
        "--frictionless-max",
        type=int,
        default=100_000,
        help="largest size frictionless is run at (default 100000)",
    )
    p.add_argument(
        "--frictionless-repeat",
        type=int,
        default=1,
        help="runs of frictionless per size (it is slow; default 1)",
    )
    p.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "szbench"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--output",
        type=Path,
        default=None,
        help="Markdown file to write (default: benchmarks/RESULTS.md for a full run)",
    )
    p.add_argument("--keep", action="store_true", help="keep the generated packages")
    p.add_argument("--import-runs", type=int, default=20, help="runs of each import (median)")
    p.add_argument("--parse-articles", type=int, default=2000, help="articles to parse")
    p.add_argument(
        "--curator-sizes",
        default=None,
        help="articles of the packages the curator's commands run on ('' to skip; default "
        "100,1000,10000, with --quick 100,1000, with --sizes none)",
    )
    args = p.parse_args(argv)
    sizes = (
        [int(s) for s in args.sizes.split(",") if s]
        if args.sizes
        else [10_000, 100_000]
        if args.quick
        else [10_000, 100_000, 1_000_000]
    )
    output = args.output or (None if args.quick or args.sizes else HERE / "RESULTS.md")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    info = machine()
    log(f"machine: {info['cpu']}, {info['memory']}; rules injected: {len(RULE_NAMES)}")
    compiled = compile_code()
    if compiled:
        log(f"compiled {compiled} module(s) whose bytecode was missing or stale")
    results = []
    for n in sizes:
        log(f"{n:,} figures")
        results.append(measure_size(n, args, log))
    if args.curator_sizes is None:
        args.curator_sizes = "" if args.sizes else "100,1000" if args.quick else "100,1000,10000"
    curator_sizes = [int(x) for x in args.curator_sizes.split(",") if x]
    extra: dict[str, Any] = {}
    if curator_sizes:
        extra.update(measure_curators(curator_sizes, args, log))
    log("import szdata / load / parse")
    extra |= {
        "import": measure_import(args.import_runs),
        "load": measure_load(Path(args.workdir) / f"clean-{sizes[-1]}", args.repeat),
        "parse": measure_parse(args.parse_articles),
        "parse_synthetic": measure_parse(
            args.parse_articles,
            sorted(str(p) for p in (Path(args.workdir) / f"clean-{sizes[0]}/data/raw").iterdir())[
                :50
            ],
        ),
    }
    if not args.keep:
        import shutil

        for n in sizes:
            for kind in ("clean", "broken"):
                shutil.rmtree(Path(args.workdir) / f"{kind}-{n}", ignore_errors=True)
    text = render(results, extra, info, args)
    print(text)
    if output:
        tmp = output.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, output)
        log(f"wrote {output}")
    if output == HERE / "RESULTS.md":
        update_readme(readme_table(results, extra))
        log("wrote the performance table of README.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
