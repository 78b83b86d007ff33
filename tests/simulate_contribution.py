"""Simulate a curator's contribution on a copy of the repository, then run the tests there.

Every test that fails in the copy is a test that does not survive new data: it hard-codes
the shipped contents (row counts, ids, line numbers) instead of asserting invariants.

The contribution is what CONTRIBUTING.md asks of a curator, with the fixture texts of
``tests/fixtures/`` standing in for real articles: ``szdata add`` of texts of every family
(dated briefings, a dated story, an undated story with ``--published`` and ``--url``), an
organization and its alias added to the registry, ``szdata build``, ``szdata review --accept``
of some of the new articles, and a minor version bump. Texts ``add`` refuses are skipped, as
a curator would leave them out. Each text gets a final newline more than its fixture, since
tests add the fixtures themselves to their own copies (and ``add`` refuses a text that is
already in the package under another name): real articles are never the fixtures.

Run it from the repository root::

    PYTHONPATH=$PWD python tests/simulate_contribution.py            # whole suite, -x
    PYTHONPATH=$PWD python tests/simulate_contribution.py --all      # every failure, not -x
    PYTHONPATH=$PWD python tests/simulate_contribution.py -- -k shipped   # extra pytest args

The copy is made of the files git knows about (tracked, or untracked and not ignored), as
they are in the working tree, so uncommitted changes to tests are simulated too.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"

#: The address of an undated story carries its publication date, as eyeshenzhen.com's do.
UNDATED_PUBLISHED = "2020-04-10"
UNDATED_URL = "http://www.eyeshenzhen.com/content/2020-04/10/content_1.htm"
REVIEWER = "Test Curator"

#: Fixture texts, in the order they are added, and whether each prints its date.
TEXTS: tuple[tuple[str, bool], ...] = (
    ("texts/fixture_mar_briefing.txt", True),
    ("texts/fixture_feb_briefing.txt", True),
    ("contribution/fixture_briefing_mar26.txt", True),
    ("texts/families/fixture_site_repost.txt", True),
    ("texts/families/fixture_entry_reminder.txt", True),
    ("texts/families/fixture_dateline_story.txt", True),
    ("site/fixture_site_story.txt", True),
    ("export/fixture_unicode_news.txt", True),
    ("texts/fixture_news_no_header.txt", False),
    ("texts/fixture_unknown_field.txt", False),
)

#: An organization a curator adds to the registry, with its printed name as an alias.
ORGANIZATION = {
    "organization_id": "futian-youth-volunteers",
    "name": "Futian District Youth Volunteers Association",
    "kind": "social_organization",
    "parent_id": "",
    "note": "added by the contribution simulation",
}


@dataclass
class Contribution:
    """What a simulated contribution did to a copy of the repository."""

    root: Path
    added: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    reviewed: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


def _listed_files(source: Path) -> list[str]:
    """The files git knows about in ``source``, or every file but caches outside a checkout."""
    if shutil.which("git") and (source / ".git").exists():
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=source,
            check=True,
            capture_output=True,
        ).stdout.decode("utf-8")
        return [n for n in listed.split("\0") if n and (source / n).is_file()]
    skip = {"__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", ".venv", "node_modules"}
    return [
        p.relative_to(source).as_posix()
        for p in source.rglob("*")
        if p.is_file() and not skip & set(p.relative_to(source).parts)
    ]


def copy_repository(dest: Path, source: Path = REPO, *, git: bool = True) -> Path:
    """Copy the files git knows about in ``source`` (as in its working tree) into ``dest``.

    Parameters
    ----------
    dest : Path
        The folder to create; it must not exist.
    source : Path
        A git checkout (or an unpacked sdist: then every file but caches is copied).
    git : bool
        Make ``dest`` a git repository with one commit of the copied files, as a fresh
        clone is (if the ``git`` command exists).

    Returns
    -------
    Path
        ``dest``.
    """
    dest.mkdir(parents=True)
    for name in _listed_files(source):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target)
    if git and shutil.which("git"):
        _git(dest, "init", "-q")
        _git(dest, "add", "-A")
        _git(dest, "commit", "-q", "-m", "copy of the repository")
    return dest


def _git(root: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": REVIEWER,
        "GIT_AUTHOR_EMAIL": "curator@example.org",
        "GIT_COMMITTER_NAME": REVIEWER,
        "GIT_COMMITTER_EMAIL": "curator@example.org",
    }
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def _env(root: Path) -> dict[str, str]:
    """The environment that makes ``python`` use the copy's code and data."""
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    return env


def szdata(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the copy's ``szdata`` command in ``root``."""
    return subprocess.run(
        [sys.executable, "-m", "szdata", *args],
        cwd=root,
        env=_env(root),
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def _logged(done: Contribution, *args: str) -> subprocess.CompletedProcess[str]:
    result = szdata(done.root, *args)
    command = " ".join(args)
    done.log.append(f"$ szdata {command} -> {result.returncode}\n{result.stdout}{result.stderr}")
    return result


def _append_csv(path: Path, row: dict[str, str]) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    text = path.read_text(encoding="utf-8")
    with path.open("a", encoding="utf-8", newline="") as fh:
        if text and not text.endswith("\n"):
            fh.write("\n")
        csv.writer(fh, lineterminator="\n").writerow([row.get(c, "") for c in header])


def add_organization(root: Path) -> None:
    """Add :data:`ORGANIZATION` and its printed name to the copy's registry (if not there)."""
    curation = root / "data" / "curation"
    with (curation / "organizations.csv").open(encoding="utf-8", newline="") as fh:
        if any(r["organization_id"] == ORGANIZATION["organization_id"] for r in csv.DictReader(fh)):
            return
    _append_csv(curation / "organizations.csv", ORGANIZATION)
    _append_csv(
        curation / "aliases.csv",
        {"alias": ORGANIZATION["name"], "organization_id": ORGANIZATION["organization_id"]},
    )


def bump_minor_version(root: Path) -> None:
    """Bump the data version's minor number in ``datapackage.json`` and ``CITATION.cff``."""
    path = root / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    version = json.loads(text)["version"]
    major, minor, *_ = version.split(".")
    new = f"{major}.{int(minor) + 1}.0"
    path.write_text(text.replace(f'"version": "{version}"', f'"version": "{new}"', 1))
    citation = root / "CITATION.cff"  # kept in step (tests/test_descriptor.py)
    if citation.is_file():
        cff = citation.read_text(encoding="utf-8")
        citation.write_text(cff.replace(f'version: "{version}"', f'version: "{new}"', 1))


def contribute(
    root: Path,
    texts: tuple[tuple[str, bool], ...] = TEXTS,
    *,
    review_every: int = 2,
    organization: bool = True,
    bump: bool = True,
    suffix: bytes = b"\n",
) -> Contribution:
    """Make a curator's contribution in the repository copy ``root``.

    Parameters
    ----------
    root : Path
        A copy of the repository (see :func:`copy_repository`).
    texts : tuple of (str, bool)
        Fixture texts relative to ``tests/fixtures/``, and whether each prints its date
        (if not, it is added with ``--published`` and ``--url``).
    review_every : int
        Review one added article in this many (the first one always); 0 reviews none.
    organization : bool
        Add :data:`ORGANIZATION` to the registry (then rebuild).
    bump : bool
        Bump the minor data version.
    suffix : bytes
        Appended to each fixture text, so that it is not the fixture's text (which tests add
        to their own copies) nor that of another simulated contribution.

    Returns
    -------
    Contribution
        The ids added, the texts refused, the ids reviewed, and the commands' output.
    """
    done = Contribution(root)
    staging = root.parent / f"{root.name}-incoming"
    staging.mkdir(exist_ok=True)
    for number, (name, dated) in enumerate(texts):
        source = FIXTURES / name
        # real files come with arbitrary names: avoid the fixture's own name as the id
        # odd numbers, so that new ids sort before, between and after the shipped ones
        incoming = staging / f"{2 * number + 1:03d}_{source.stem.removeprefix('fixture_')}.txt"
        incoming.write_bytes(source.read_bytes() + suffix)
        args = ["add", str(incoming)]
        if not dated:
            args += ["--published", UNDATED_PUBLISHED, "--url", UNDATED_URL]
        args += ["--by", REVIEWER]
        result = _logged(done, *args)
        if result.returncode == 0 and (root / "data" / "raw" / incoming.name).exists():
            done.added.append(incoming.stem)
        else:
            done.refused.append(name)
    if organization:
        add_organization(root)
        result = _logged(done, "build")
        if result.returncode != 0:
            raise RuntimeError(f"szdata build failed after adding an organization:\n{done.log[-1]}")
    for number, article in enumerate(done.added):
        if review_every and number % review_every == 0:
            args = ["review", article, "--accept", "--reviewer", REVIEWER]
            result = _logged(done, *args)
            if result.returncode != 0:
                raise RuntimeError(f"szdata review failed:\n{done.log[-1]}")
            done.reviewed.append(article)
    if bump:
        bump_minor_version(root)
    return done


def run_pytest(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the copy's test suite (or ``args``) with the copy's code and data."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=root,
        env=_env(root),
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    """Copy, contribute, run pytest in the copy; exit with pytest's status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="do not stop at the first failure")
    parser.add_argument("--keep", type=Path, help="make the copy here and keep it")
    parser.add_argument("--verbose", action="store_true", help="print the commands' output")
    parser.add_argument("pytest_args", nargs="*", help="arguments for pytest (after --)")
    options = parser.parse_args(argv)
    parent = options.keep or Path(tempfile.mkdtemp(prefix="szdata-sim-"))
    root = copy_repository(parent / "repo")
    try:
        done = contribute(root)
        if options.verbose:
            print("\n".join(done.log))
        print(f"copy: {root}")
        print(f"added {len(done.added)}: {' '.join(done.added)}")
        print(f"refused {len(done.refused)}: {' '.join(done.refused)}")
        print(f"reviewed {len(done.reviewed)}: {' '.join(done.reviewed)}")
        for check in (("validate",), ("build", "--check")):
            result = szdata(root, *check)
            print(f"szdata {' '.join(check)}: exit {result.returncode}")
            if result.returncode:
                print(result.stdout[-3000:], result.stderr[-3000:])
        args = list(options.pytest_args) or ([] if options.all else ["-x"])
        result = run_pytest(root, *args)
        print(result.stdout[-20000:])
        print(result.stderr[-5000:], file=sys.stderr)
        return result.returncode
    finally:
        if not options.keep:
            shutil.rmtree(parent, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
