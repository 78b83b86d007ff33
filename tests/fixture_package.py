"""Fixture packages: small packages built in a temporary folder, whose rows never change.

Tests of exact rows (an id, a line number, a count, a report's exact text) run on a fixture
package, never on the shipped data, which grows with every contribution. A fixture package
is made of the repository's descriptor and Table Schemas, a frozen copy of the curation
files (``tests/fixtures/package/curation/``: organizations, aliases, units, decisions and
reviews as they were when the package held its first two articles), and raw texts chosen by
the test; then the real ``szdata build`` writes its tables and the descriptor's raw-text
entries. By default the texts are the first two shipped articles (read from ``data/raw/``:
adding articles never removes them), so the default fixture package has the rows the
package had then, whatever has been added since.

Examples
--------
>>> import tempfile, pathlib
>>> root = build_fixture_package(pathlib.Path(tempfile.mkdtemp()) / "pkg")
>>> sorted(p.stem for p in (root / "data" / "raw").iterdir()) == sorted(SHIPPED_TEXTS)
True
"""

from __future__ import annotations

import atexit
import csv
import functools
import io
import json
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = Path(__file__).parent / "fixtures" / "package" / "curation"
"""The frozen curation files of fixture packages."""

SHIPPED_TEXTS = ("000_7a64f3334c1b3195", "004_4c9b5674638746a7")
"""The shipped articles of the default fixture package: the Barcelona story and the Daily
Briefing of 2020-03-20 (the frozen decisions and reviews are about them)."""

CURATION = ("organizations", "aliases", "units", "decisions", "reviews")
BUILT = ("articles", "items", "figures", "dates", "mentions")

Texts = Mapping[str, Path] | Iterable[Path]


def _texts(texts: Texts | None) -> dict[str, Path]:
    """Article id -> raw text file (a mapping, or paths whose stems are the ids)."""
    if texts is None:
        return {aid: REPO / "data" / "raw" / f"{aid}.txt" for aid in SHIPPED_TEXTS}
    if isinstance(texts, Mapping):
        return dict(texts)
    return {Path(p).stem: Path(p) for p in texts}


def _write_csv(path: Path, header: list[str], rows: Iterable[Mapping[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    return list(reader.fieldnames or []), rows


def _article_of(key: str) -> str:
    return key.split(".", 1)[0]


def build_fixture_package(
    dest: Path,
    texts: Texts | None = None,
    *,
    decisions: Iterable[Mapping[str, str]] | None = None,
    reviews: Iterable[Mapping[str, str]] | None = None,
) -> Path:
    """Build a fixture package in ``dest`` with the real ``szdata build``.

    Parameters
    ----------
    dest : Path
        The folder to create; it must not exist.
    texts : mapping of str to Path, or iterable of Path, optional
        The raw texts (article id -> file, or files named ``ID.txt``); default
        :data:`SHIPPED_TEXTS`.
    decisions, reviews : iterable of mapping, optional
        The rows of ``decisions.csv`` and ``reviews.csv``; default: the frozen ones about the
        chosen articles (none for a fixture text, whose rows are then ``unreviewed``).

    Returns
    -------
    Path
        ``dest``, a built package whose ``szdata build --check`` passes.

    Raises
    ------
    RuntimeError
        If ``szdata build`` refuses the package (its output is in the message).
    """
    from szdata._commands._main import main

    chosen = _texts(texts)
    if dest.exists():
        raise FileExistsError(dest)
    (dest / "data" / "raw").mkdir(parents=True)
    (dest / "data" / "curation").mkdir()
    shutil.copytree(REPO / "schemas", dest / "schemas")
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    # the raw-text entries and sources are the build's: start from none
    descriptor["resources"] = [r for r in descriptor["resources"] if r.get("type") != "text"]
    descriptor["sources"] = []
    resources = {r["name"]: r for r in descriptor["resources"]}
    (dest / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    for name in CURATION:
        header, frozen = _read_csv(SNAPSHOT / f"{name}.csv")
        rows = frozen
        if name == "decisions":
            rows = [r for r in rows if r["table"] not in BUILT or _article_of(r["key"]) in chosen]
            rows = rows if decisions is None else [dict(d) for d in decisions]
        elif name == "reviews":
            rows = [r for r in rows if r["article_id"] in chosen]
            rows = rows if reviews is None else [dict(r) for r in reviews]
        if rows == frozen:  # byte for byte, quoting as the curators wrote it
            shutil.copyfile(SNAPSHOT / f"{name}.csv", dest / resources[name]["path"])
        else:
            _write_csv(dest / resources[name]["path"], header, rows)
    for name in BUILT:
        schema = json.loads((dest / resources[name]["schema"]).read_text(encoding="utf-8"))
        _write_csv(dest / resources[name]["path"], [f["name"] for f in schema["fields"]], [])
    for article_id, source in chosen.items():
        shutil.copyfile(source, dest / "data" / "raw" / f"{article_id}.txt")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(["build", "--path", str(dest), "--quiet"])
    if status != 0:
        raise RuntimeError(
            f"szdata build refused the fixture package {dest} (exit {status}):\n"
            f"{out.getvalue()}{err.getvalue()}"
        )
    return dest


@functools.cache
def _default_fixture() -> Path:
    """The default fixture package, built once per process (copy it before changing it)."""
    parent = Path(tempfile.mkdtemp(prefix="szdata-fixture-"))
    atexit.register(shutil.rmtree, parent, True)
    return build_fixture_package(parent / "pkg")


def copy_fixture_package(dest: Path) -> Path:
    """Copy the default fixture package (the first two shipped articles) into ``dest``.

    Parameters
    ----------
    dest : Path
        The folder to create; its parents are created as needed.

    Returns
    -------
    Path
        ``dest``, safe to break.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(_default_fixture(), dest)
    return dest


def record_facts(root: Path, *rels: str) -> None:
    """Record the ``bytes`` and ``hash`` of the files ``rels`` in ``root``'s descriptor.

    What ``szdata build`` does for every file: a test that edits a table to break one rule
    calls it, so that ``structure.integrity`` (a file edited after the build) is not
    reported besides. Its own test edits a file without it.
    """
    import hashlib

    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        if res.get("path") in rels:
            data = (root / res["path"]).read_bytes()
            res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
            res["bytes"] = len(data)
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
