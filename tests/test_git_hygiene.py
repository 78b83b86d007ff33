"""Git keeps the package's bytes: raw texts byte for byte, tables and schemas with LF.

Git for Windows sets ``core.autocrlf=true``, which turns every LF into CRLF on checkout
unless ``.gitattributes`` says otherwise; a raw text would then fail its hash and every span
in it. These tests commit the package (descriptor, schemas, data and ``.gitattributes``)
into a new repository in a temporary folder and clone it with ``core.autocrlf=true``, so
they run from a checkout and from an unpacked sdist alike. They need the ``git`` command.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from szdata._commands._main import main
from tests.conftest import REPO, copy_shipped_package

GIT = shutil.which("git")
pytestmark = [
    pytest.mark.git,
    pytest.mark.skipif(GIT is None, reason="needs the git command, which is not on PATH"),
]
IDENTITY = ("-c", "user.name=szdata tests", "-c", "user.email=tests@szdata.invalid")


def _git(*args: str, cwd: Path, autocrlf: str | None = "false") -> str:
    """Run git; ``autocrlf`` overrides the user's setting (``None``: the repository's own)."""
    config = ("-c", f"core.autocrlf={autocrlf}") if autocrlf else ()
    done = subprocess.run(
        [GIT or "git", *config, *IDENTITY, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _repository(dest: Path, *, attributes: bool) -> Path:
    """The shipped package committed into a new repository, with or without .gitattributes."""
    copy_shipped_package(dest)
    if attributes:
        shutil.copy2(REPO / ".gitattributes", dest / ".gitattributes")
    _git("init", "-q", cwd=dest)
    _git("add", "-A", cwd=dest)
    _git("commit", "-q", "-m", "the package", cwd=dest)
    return dest


def _clone_crlf(src: Path, dest: Path) -> Path:
    # clone's own -c is written into the new repository before its checkout
    _git(
        "clone",
        "-q",
        "-c",
        "core.autocrlf=true",
        str(src),
        str(dest),
        cwd=src.parent,
        autocrlf=None,
    )
    return dest


def _package_files(root: Path) -> list[Path]:
    return sorted(
        p.relative_to(root)
        for part in ("datapackage.json", "schemas", "data")
        for p in ([root / part] if (root / part).is_file() else (root / part).rglob("*"))
        if p.is_file()
    )


@pytest.fixture(scope="module")
def crlf_clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("git")
    return _clone_crlf(_repository(base / "src", attributes=True), base / "clone")


@pytest.mark.slow
def test_a_clone_with_autocrlf_true_validates(
    crlf_clone: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["validate", "--path", str(crlf_clone)])
    out = capsys.readouterr()
    assert status == 0, out.out + out.err


def test_a_clone_with_autocrlf_true_has_the_same_bytes(crlf_clone: Path) -> None:
    files = _package_files(REPO)
    assert files, "the package has files"
    assert _package_files(crlf_clone) == files
    changed = [str(p) for p in files if (crlf_clone / p).read_bytes() != (REPO / p).read_bytes()]
    assert changed == []


def test_without_gitattributes_autocrlf_would_break_the_raw_texts(tmp_path: Path) -> None:
    """The control: on this machine, git really converts what .gitattributes protects."""
    clone = _clone_crlf(_repository(tmp_path / "src", attributes=False), tmp_path / "clone")
    raw = sorted((clone / "data" / "raw").glob("*"))
    assert raw, "the package has raw texts"
    assert any(b"\r\n" in p.read_bytes() for p in raw)


def test_gitattributes_keeps_raw_texts_exact_and_tables_lf(crlf_clone: Path) -> None:
    files = [str(p) for p in _package_files(crlf_clone)]
    out = _git("check-attr", "text", "eol", "--", *files, cwd=crlf_clone)
    attrs: dict[str, dict[str, str]] = {}
    for line in out.splitlines():
        path, name, value = (part.strip() for part in line.rsplit(":", 2))
        attrs.setdefault(path, {})[name] = value
    for path in files:
        if path.startswith("data/raw/"):
            assert attrs[path]["text"] == "unset", f"{path} must be byte-exact (-text)"
        elif path.endswith((".csv", ".json")):
            assert attrs[path] == {"text": "set", "eol": "lf"}, path


def test_the_checkout_stores_package_files_with_lf() -> None:
    """Whatever was committed before .gitattributes: no CRLF in the index (checkouts only)."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout (an unpacked sdist, say)")
    out = _git("ls-files", "--eol", "--", "datapackage.json", "schemas", "data", cwd=REPO)
    crlf = [line for line in out.splitlines() if line.split()[0] in ("i/crlf", "i/mixed")]
    assert crlf == []
