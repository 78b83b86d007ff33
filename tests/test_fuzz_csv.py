"""A bounded, seeded fuzzer of the package's CSV files: no input makes szdata crash.

Each case takes one shipped CSV file (a table or a curated file) and applies one to three
mutations a careless or hostile contributor, or an ordinary tool, could make: a flipped
byte, a truncation, a byte-order mark, CR or CRLF line endings (mixed), a NUL, a huge
cell, an extra or a missing cell, a stray quote, bytes that are not UTF-8, rich markup
(``[/b]``), terminal escape sequences, bidi overrides. The mutated package is then run
through the command line in this process, ``szdata validate --path COPY --json``, and
every tenth case also through ``build --check``, ``show`` and ``info``. Every run must
exit 0, 1 or 2 (never 3, the internal error), print no traceback, and with ``--json``
print one complete JSON document.

The cases are drawn from a fixed seed, so a failure names a case that can be replayed:
``SZDATA_FUZZ_CASE=17 pytest tests/test_fuzz_csv.py``. ``SZDATA_FUZZ_CASES`` sets how many
(default 240, about a minute on a slow shared machine).
"""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from szdata._commands._main import main
from tests.conftest import REPO, copy_package
from tests.fixture_package import _default_fixture as fixture_root

pytestmark = pytest.mark.slow  # the fuzzer: hundreds of mutated files through every command

SEED = 20200409
CASES = int(os.environ.get("SZDATA_FUZZ_CASES", "240"))
ONLY = os.environ.get("SZDATA_FUZZ_CASE")
FILES = sorted(
    str(p.relative_to(REPO)) for p in [*REPO.glob("data/*.csv"), *REPO.glob("data/curation/*.csv")]
)
EXIT_STATUSES = {0, 1, 2}

Mutation = Callable[[bytes, random.Random], bytes]


def _line_starts(data: bytes) -> list[int]:
    return [0] + [i + 1 for i, b in enumerate(data) if b == 0x0A and i + 1 < len(data)]


def _at_line(data: bytes, rng: random.Random, insert: bytes, *, end: bool = False) -> bytes:
    """``insert`` at the start (or end) of a random line, or inside a random cell."""
    starts = _line_starts(data)
    start = rng.choice(starts)
    stop = data.find(b"\n", start)
    stop = len(data) if stop < 0 else stop
    if end:
        at = stop - 1 if stop > start and data[stop - 1 : stop] == b"\r" else stop
    else:
        commas = [i + 1 for i in range(start, stop) if data[i] == 0x2C] or [start]
        at = rng.choice([start, *commas])
    return data[:at] + insert + data[at:]


def flip_byte(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    i = rng.randrange(len(data))
    return data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def bom(data: bytes, rng: random.Random) -> bytes:
    return rng.choice([b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xff\xfe"]) + data


def line_endings(data: bytes, rng: random.Random) -> bytes:
    style = rng.choice(["crlf", "cr", "mixed", "lf-cr"])
    if style == "crlf":
        return data.replace(b"\n", b"\r\n")
    if style == "cr":
        return data.replace(b"\n", b"\r")
    if style == "lf-cr":
        return data.replace(b"\n", b"\n\r")
    lines = data.split(b"\n")
    return b"".join(line + rng.choice([b"\n", b"\r\n", b"\r"]) for line in lines)


def nul(data: bytes, rng: random.Random) -> bytes:
    return _at_line(data, rng, rng.choice([b"\x00", b"a\x00b", b"\x00" * 50]))


def huge_cell(data: bytes, rng: random.Random) -> bytes:
    size = rng.choice([131_073, 300_000, 1_000_000])
    cell = rng.choice([b"x", b"9", b"\xe4\xb8\xad"]) * (size // 3 + 1)
    if rng.random() < 0.5:
        cell = b'"' + cell.replace(b'"', b'""') + b'"'
    return _at_line(data, rng, cell + b",")


def extra_cell(data: bytes, rng: random.Random) -> bytes:
    return _at_line(data, rng, rng.choice([b",x", b",", b",,,,", b',"a,b"']), end=True)


def missing_cell(data: bytes, rng: random.Random) -> bytes:
    starts = _line_starts(data)
    start = rng.choice(starts)
    comma = data.find(b",", start)
    stop = data.find(b"\n", start)
    if comma < 0 or (0 <= stop < comma):
        return data
    return data[:comma] + data[data.find(b",", comma + 1) if rng.random() < 0.5 else comma + 1 :]


def stray_quote(data: bytes, rng: random.Random) -> bytes:
    quote = rng.choice([b'"', b'""', b'"""', b'a"b', b'"unclosed', b'x"'])
    if rng.random() < 0.3:
        return data + quote
    i = rng.randrange(len(data) + 1)
    return data[:i] + quote + data[i:]


def not_utf8(data: bytes, rng: random.Random) -> bytes:
    bad = rng.choice(
        [b"\xff", b"\xc3", b"\xe9t\xe9", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80"]
    )
    return _at_line(data, rng, bad)


def markup(data: bytes, rng: random.Random) -> bytes:
    text = rng.choice(["[/b]", "[bold red]x[/]", "[link=file:///etc/passwd]x[/link]",
                       "$\\frac{a}{b}$", "[/]", "\\[x]", "%s%n", "{0}",
                       "<script>alert(1)</script>"])  # fmt: skip
    return _at_line(data, rng, text.encode())


def escapes(data: bytes, rng: random.Random) -> bytes:
    text = rng.choice(["\x1b[31m", "\x1b]0;pwned\x07", "\x1b[2J", "\x9b31m", "\u202e", "\u2066",
                       "\x07", "\x08\x08", "\u200b", "\ufeff", "\x1bc"])  # fmt: skip
    return _at_line(data, rng, text.encode("utf-8"))


def header(data: bytes, rng: random.Random) -> bytes:
    eol = data.find(b"\n")
    head, rest = (data, b"") if eol < 0 else (data[:eol], data[eol:])
    names = head.split(b",")
    choice = rng.choice(["drop", "repeat", "empty", "swap", "none"])
    if choice == "drop" and len(names) > 1:
        names.pop(rng.randrange(len(names)))
    elif choice == "repeat":
        names.append(rng.choice(names))
    elif choice == "empty":
        names[rng.randrange(len(names))] = b""
    elif choice == "swap" and len(names) > 1:
        names[0], names[-1] = names[-1], names[0]
    elif choice == "none":
        return rest.lstrip(b"\n")
    return b",".join(names) + rest


def blank_lines(data: bytes, rng: random.Random) -> bytes:
    return _at_line(data, rng, rng.choice([b"\n", b"\n\n", b"\r\n", b",,,,\n", b" \n"]))


def emptied(data: bytes, rng: random.Random) -> bytes:
    return rng.choice([b"", b"\n", b"\xef\xbb\xbf", b",", b'"', b"\x00"])


MUTATIONS: tuple[Mutation, ...] = (
    flip_byte, flip_byte, truncate, bom, line_endings, nul, huge_cell, extra_cell, missing_cell,
    stray_quote, stray_quote, not_utf8, markup, markup, escapes, escapes, header, blank_lines,
    emptied,
)  # fmt: skip


@dataclass(frozen=True)
class Case:
    number: int
    file: str
    mutations: tuple[str, ...]
    data: bytes

    def __str__(self) -> str:
        return f"case {self.number}: {self.file} <- {' + '.join(self.mutations)}"


def cases() -> list[Case]:
    rng = random.Random(SEED)
    out = []
    originals = {f: (fixture_root() / f).read_bytes() for f in FILES}  # not the shipped rows
    for number in range(CASES):
        file = rng.choice(FILES)
        data = originals[file]
        applied = []
        for mutation in rng.sample(MUTATIONS, rng.choice([1, 1, 2, 3])):
            data = mutation(data, rng)
            applied.append(mutation.__name__)
        out.append(Case(number, file, tuple(applied), data))
    if ONLY is not None:
        out = [c for c in out if c.number == int(ONLY)]
    return out


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_package(tmp_path_factory.mktemp("fuzz") / "pkg")


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _check(case: Case, args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run one command on a case: its exit status, and what is wrong ("" when nothing)."""
    code, out, err = _run(args, capsys)
    where = f"{case}; szdata {args[0]}: exit {code}: {err.strip()[-600:]}"
    if code not in EXIT_STATUSES or "please report" in err:
        return code, where
    if "Traceback" in out + err:
        return code, f"{where} (a traceback)"
    if "--json" in args:
        try:  # one complete document, whatever happened
            doc = json.loads(out)
        except ValueError:
            return code, f"{where} (no JSON document: {out[:200]!r})"
        if not isinstance(doc, dict) or "ok" not in doc:
            return code, f"{where} (not a report: {out[:200]!r})"
    return code, ""


def test_the_cases_cover_every_mutation_and_file() -> None:
    if ONLY is not None:
        pytest.skip("one case replayed")
    all_cases = cases()
    assert {m for c in all_cases for m in c.mutations} == {m.__name__ for m in MUTATIONS}
    assert {c.file for c in all_cases} == set(FILES)


def test_mutated_csv_files_never_crash_the_commands(package: Path, capsys) -> None:
    """Every case in one test (one copy of the package, each file restored after its case):
    a few hundred full validations fit in about a minute this way. Every failure is listed."""
    statuses: dict[int, int] = {}
    failures: list[str] = []
    for case in cases():
        target = package / case.file
        target.write_bytes(case.data)
        try:
            code, wrong = _check(case, ["validate", "--path", str(package), "--json"], capsys)
            statuses[code] = statuses.get(code, 0) + 1
            failures.extend([wrong] if wrong else [])
            if case.number % 10 == 0:
                table = Path(case.file).stem
                for args in (
                    ["build", "--path", str(package), "--check"],
                    ["show", table, "--path", str(package), "-f", "csv"],
                    ["show", table, "--path", str(package), "-f", "table"],
                    ["info", "--path", str(package)],
                ):
                    failures.extend([w for w in [_check(case, args, capsys)[1]] if w])
        finally:
            shutil.copyfile(fixture_root() / case.file, target)
    assert not failures, "\n".join(failures)
    if ONLY is None:  # the mutations really reach every verdict
        assert set(statuses) == EXIT_STATUSES, statuses
