"""The README's "Use it" examples run as written, and its data dictionary is fresh.

``pycon`` blocks run as one doctest (ELLIPSIS and NORMALIZE_WHITESPACE on). In ``console``
blocks each ``$ szdata ...`` or ``$ python -m szdata ...`` line runs through the command
line's ``main`` and must exit 0; the lines after it, if any, are its expected output (with
``...`` matching anything). Both run in a temporary folder that holds a copy of the package
called ``my-fork``, so that examples writing files or reading ``path="my-fork"`` work. The
package they read by default is a fixture package (``tests/fixture_package.py``), not the
shipped one: their outputs must not change when articles are added.
"""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest

from szdata._commands._main import main
from szdata._load._codebook import END, START, data_dictionary, replace_section
from szdata._load._codebook import main as codebook_main
from tests.conftest import REPO, copy_package

README = REPO / "README.md"
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


def _section(text: str, start: str, end: str) -> tuple[str, int]:
    i, j = text.index(start), text.index(end)
    return text[i:j], text[:i].count("\n")


def _blocks(language: str) -> list[tuple[int, str]]:
    text = README.read_text(encoding="utf-8")
    section, offset = _section(text, "<!-- use-it:start -->", "<!-- use-it:end -->")
    return [
        (offset + section[: m.start()].count("\n") + 1, m.group(2))
        for m in FENCE.finditer(section)
        if m.group(1) == language
    ]


def _commands(block: str) -> list[tuple[list[str], str]]:
    """``($ command as argv, expected output)`` pairs of a console block."""
    out: list[tuple[list[str], str]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            out.append((shlex.split(line[2:], comments=True), ""))
        elif out:
            argv, expected = out[-1]
            out[-1] = (argv, expected + line + "\n")
    return out


@pytest.fixture
def in_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # the examples' outputs are those of the fixture package, which does not grow: it stands
    # in for the installed package (the default of every command), and is copied as my-fork
    installed = copy_package(tmp_path / "installed" / "szdata-data")
    monkeypatch.setattr("szdata._disk._package.default_root", lambda: installed)
    copy_package(tmp_path / "my-fork")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "120")
    return tmp_path


def test_readme_has_examples_of_both_kinds() -> None:
    assert _blocks("pycon"), "the Use it section has Python examples"
    commands = [argv for _, block in _blocks("console") for argv, _ in _commands(block)]
    assert {"info", "show", "export"} <= {a[1] if a[0] == "szdata" else a[3] for a in commands}


def test_python_examples_run(in_sandbox: Path) -> None:
    pytest.importorskip("szdata.models")
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    globs: dict[str, object] = {}
    for line, block in _blocks("pycon"):
        test = parser.get_doctest(block, globs, f"README.md:{line}", str(README), line)
        report: list[str] = []
        runner.run(test, out=report.append, clear_globs=False)
        globs.update(test.globs)  # later blocks see the names of earlier ones
        assert runner.failures == 0, "".join(report)
    assert runner.tries > 0


@pytest.mark.parametrize(
    ("argv", "expected"),
    [pair for _, block in _blocks("console") for pair in _commands(block)],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_command_line_examples_run(
    in_sandbox: Path, argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if argv[:3] == ["python", "-m", "szdata"]:
        args = argv[3:]
    else:
        assert argv[0] == "szdata", f"README runs only szdata commands: {argv}"
        args = argv[1:]
    status = main(args)
    captured = capsys.readouterr()
    assert status == 0, captured.err
    if expected:
        checker = doctest.OutputChecker()
        assert checker.check_output(expected, captured.out, FLAGS), (
            f"expected:\n{expected}\ngot:\n{captured.out}"
        )


# -- the data dictionary ---------------------------------------------------------------------


def test_data_dictionary_is_fresh() -> None:
    text = README.read_text(encoding="utf-8")
    assert replace_section(text, data_dictionary(REPO)) == text, (
        "README.md's data dictionary is stale: "
        "run python -m szdata._load._codebook --write README.md"
    )


def test_data_dictionary_covers_every_column() -> None:
    from szdata._disk._package import open_package

    section, _ = _section(README.read_text(encoding="utf-8"), START, END)
    pkg = open_package(REPO)
    for name in pkg.table_names():
        assert f"### `{name}`:" in section
        for field in pkg.schema(name).fields:
            assert f"| `{field.name}` |" in section


def test_stale_dictionary_is_detected_and_rewritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "README.md"
    copy.write_text(
        README.read_text(encoding="utf-8").replace("| What the unit measures. |", "| stale |"),
        encoding="utf-8",
    )
    assert codebook_main(["--check", str(copy)]) == 1
    assert "data dictionary is stale" in capsys.readouterr().err
    assert codebook_main(["--write", str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") == README.read_text(encoding="utf-8")
    assert codebook_main(["--check", str(copy)]) == 0


def test_dictionary_follows_a_schema_change(package_copy: Path) -> None:
    import json

    path = package_copy / "schemas/units.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"][1]["description"] = "A new description."
    path.write_text(json.dumps(schema), encoding="utf-8")
    assert "| `dimension` | string | required; one of" in data_dictionary(package_copy)
    assert "A new description." in data_dictionary(package_copy)
    assert "A new description." not in data_dictionary(REPO)


def test_replace_section_needs_both_markers() -> None:
    with pytest.raises(ValueError, match="has no <!-- codebook:start -->"):
        replace_section("no markers here", "x")
