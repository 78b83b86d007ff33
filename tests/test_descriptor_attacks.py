"""Hostile descriptors and schemas: each is an exit-2 refusal naming the file and JSON path.

Every case breaks one thing in a copy of the package (the descriptor, a Table Schema, or
the files they point to) and runs one command on it through the command line, the
commands taking turns: ``validate`` (text and ``--json``), ``build --check``, ``info``,
``show``, ``add --dry-run`` and ``export``. Each must exit 2 with one message naming the
file and the JSON path of what is wrong, print no traceback, write nothing, and be quick.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from szdata._commands._main import main
from tests.conftest import REPO, copy_package

DP = "datapackage.json"
FIGURES = "schemas/figures.schema.json"
ARTICLES = "schemas/articles.schema.json"
FIXTURE = REPO / "tests/fixtures/texts/fixture_mar_briefing.txt"

Json = Any
REMOVE = object()
"""A value of :func:`_res` that removes the key."""


@dataclass(frozen=True)
class Case:
    """One attack: ``setup(root)`` breaks the copy; the refusal names ``file`` and ``where``."""

    id: str
    setup: Callable[[Path], None]
    file: str
    where: str
    env: tuple[tuple[str, str], ...] = ()


def _load(root: Path, rel: str) -> Json:
    return json.loads((root / rel).read_text(encoding="utf-8"))


def _dump(root: Path, rel: str, value: Json) -> None:
    (root / rel).write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")


def _index(root: Path, name: str) -> int:
    return next(i for i, r in enumerate(_load(root, DP)["resources"]) if r["name"] == name)


def _field(schema: Json, name: str) -> int:
    return next(i for i, f in enumerate(schema["fields"]) if f["name"] == name)


def desc(case_id: str, edit: Callable[[Json], str | None], where: str = "") -> Case:
    """An attack on the parsed descriptor; ``edit`` returns the JSON path (or ``where``)."""
    found: dict[str, str] = {}

    def setup(root: Path) -> None:
        value = _load(root, DP)
        found["where"] = edit(value) or where
        _dump(root, DP, value)

    return _Deferred(case_id, setup, DP, where, found)


def schema(case_id: str, edit: Callable[[Json], str | None], rel: str = FIGURES) -> Case:
    """An attack on a parsed Table Schema; ``edit`` returns the JSON path."""
    found: dict[str, str] = {}

    def setup(root: Path) -> None:
        value = _load(root, rel)
        found["where"] = edit(value) or "$"
        _dump(root, rel, value)

    return _Deferred(case_id, setup, rel, "", found)


def raw_bytes(case_id: str, rel: str, data: bytes, where: str = "$", **env: str) -> Case:
    """An attack replacing the bytes of a JSON file."""

    def setup(root: Path) -> None:
        (root / rel).write_bytes(data)

    return Case(case_id, setup, rel, where, tuple(env.items()))


class _Deferred(Case):
    """A case whose JSON path depends on the package (an index found when it is set up)."""

    def __init__(
        self,
        case_id: str,
        setup: Callable[[Path], None],
        file: str,
        where: str,
        found: dict[str, str],
    ) -> None:  # fmt: skip
        object.__setattr__(self, "_found", found)
        super().__init__(case_id, setup, file, where)

    @property
    def expected(self) -> str:
        return self._found.get("where") or self.where  # type: ignore[attr-defined]


def _res(table: str, /, **change: Any) -> Callable[[Json], str]:
    """Change resource ``table``'s keys (:data:`REMOVE` removes one); the first key's path."""

    def edit(d: Json) -> str:
        i = next(i for i, r in enumerate(d["resources"]) if r["name"] == table)
        for key, value in change.items():
            if value is REMOVE:
                d["resources"][i].pop(key, None)
            else:
                d["resources"][i][key] = value
        return f"resources[{i}].{next(iter(change))}"

    return edit


def _raw0(d: Json) -> int:
    return next(i for i, r in enumerate(d["resources"]) if r["name"].startswith("raw-"))


def _set_raw(key: str, value: Any) -> Callable[[Json], str]:
    def edit(d: Json) -> str:
        i = _raw0(d)
        d["resources"][i][key] = value
        return f"resources[{i}].{key}"

    return edit


def _con(field: str, key: str, value: Any) -> Callable[[Json], str]:
    """Set constraint ``key`` of ``field``; the path of the constraint."""

    def edit(s: Json) -> str:
        i = _field(s, field)
        s["fields"][i].setdefault("constraints", {})[key] = value
        return f"fields[{i}].constraints.{key}"

    return edit


def _fld(field: str, key: str, value: Any) -> Callable[[Json], str]:
    def edit(s: Json) -> str:
        i = _field(s, field)
        s["fields"][i][key] = value
        return f"fields[{i}].{key}"

    return edit


def _top(key: str, value: Any) -> Callable[[Json], str]:
    def edit(d: Json) -> str:
        d[key] = value
        return key

    return edit


def _deep(levels: int) -> Json:
    value: Json = "bottom"
    for _ in range(levels):
        value = [value]
    return value


def _fk(s: Json, change: Callable[[Json], None], suffix: str) -> str:
    change(s["foreignKeys"][0])
    return f"foreignKeys[0]{suffix}"


def files(case_id: str, setup: Callable[[Path], None], table: str, key: str) -> Case:
    """An attack on the files a table's resource points to; refused at its ``key``."""
    found: dict[str, str] = {}

    def wrapped(root: Path) -> None:
        found["where"] = f"resources[{_index(root, table)}].{key}"
        setup(root)

    return _Deferred(case_id, wrapped, DP, "", found)


def _link(rel: str, target: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (root / rel).unlink()
        os.symlink(target, root / rel)

    return setup


def _drop(name: str) -> Callable[[Json], str]:
    def edit(d: Json) -> str:
        d["resources"] = [r for r in d["resources"] if r["name"] != name]
        return "resources"

    return edit


def _dup(name: str) -> Callable[[Json], str]:
    def edit(d: Json) -> str:
        res = next(r for r in d["resources"] if r["name"] == name)
        d["resources"].append(dict(res))
        return f"resources[{len(d['resources']) - 1}].name"

    return edit


def _inline(edit_schema: Callable[[Json], str]) -> Callable[[Json], str]:
    """Inline the figures schema into the descriptor, then break it there."""

    def edit(d: Json) -> str:
        i = next(i for i, r in enumerate(d["resources"]) if r["name"] == "figures")
        inline = json.loads((REPO / FIGURES).read_text(encoding="utf-8"))
        where = edit_schema(inline)
        d["resources"][i]["schema"] = inline
        return f"resources[{i}].schema.{where}"

    return edit


GOOD = (REPO / DP).read_bytes()

# fmt: off
CASES: list[Case] = [
    # -- the descriptor as JSON ----------------------------------------------------------------
    raw_bytes("descriptor-not-json", DP, b'{"resources": ['),
    raw_bytes("descriptor-empty", DP, b""),
    raw_bytes("descriptor-not-utf8", DP, b'{"name": "\xff\xfe"}'),
    raw_bytes("descriptor-nested-2000", DP, b"[" * 2000 + b"]" * 2000),
    raw_bytes("descriptor-nested-2000-inside", DP,
              GOOD.replace(b'"keywords": [', b'"x": ' + b"[" * 2000 + b"]" * 2000 + b', "keywords": [', 1)),  # noqa: E501
    desc("descriptor-nested-100", _top("keywords", _deep(100)), ""),
    raw_bytes("descriptor-nan", DP, GOOD.replace(b'"bytes": ', b'"bytes": NaN, "x": ', 1)),
    raw_bytes("descriptor-infinity", DP, GOOD.replace(b'"bytes": ', b'"bytes": -Infinity, "x": ', 1)),  # noqa: E501
    raw_bytes("descriptor-huge-integer", DP, GOOD.replace(b'"bytes": ', b'"bytes": ' + b"9" * 5000 + b', "x": ', 1)),  # noqa: E501
    raw_bytes("descriptor-top-level-list", DP, b"[]"),
    raw_bytes("descriptor-top-level-string", DP, b'"datapackage"'),
    raw_bytes("descriptor-top-level-null", DP, b"null"),
    raw_bytes("descriptor-too-large", DP, GOOD, SZDATA_MAX_DESCRIPTOR_BYTES="1000"),
    # -- the package's own properties ------------------------------------------------------------
    desc("resources-missing", lambda d: d.pop("resources") and None, "$"),
    desc("resources-an-object", _top("resources", {"figures": {}})),
    desc("resources-empty", _top("resources", [])),
    desc("resources-a-string", _top("resources", "data/figures.csv")),
    desc("package-name-not-a-string", _top("name", 7)),
    desc("package-version-a-number", _top("version", 1.0)),
    desc("package-keywords-not-a-list", _top("keywords", "covid")),
    desc("package-licenses-empty", _top("licenses", [])),
    desc("package-licenses-no-name-or-path", lambda d: d["licenses"].__setitem__(0, {"title": "x"}) or "licenses[0]"),  # noqa: E501
    desc("package-licenses-bad-name", lambda d: d["licenses"][0].update(name="CC BY 4.0") or "licenses[0].name"),  # noqa: E501
    desc("package-contributors-a-string", _top("contributors", "me")),
    desc("package-sources-strings", _top("sources", ["a source"])),
    desc("package-profile-a-number", _top("$schema", 2)),
    # -- resources as JSON -------------------------------------------------------------------
    desc("resource-a-string", lambda d: d["resources"].__setitem__(0, "organizations") or "resources[0]"),  # noqa: E501
    desc("resource-null", lambda d: d["resources"].__setitem__(3, None) or "resources[3]"),
    desc("resource-a-list", lambda d: d["resources"].__setitem__(1, []) or "resources[1]"),
    desc("resource-without-name", lambda d: _res("units", name=REMOVE)(d).removesuffix(".name")),
    desc("resource-name-a-number", _res("units", name=3)),
    desc("resource-name-null", _res("figures", name=None)),
    desc("resource-name-a-list", _res("dates", name=["dates"])),
    desc("resource-path-a-number", _res("figures", path=42)),
    desc("resource-path-a-list", _res("figures", path=["data/figures.csv"])),
    desc("resource-path-and-data", lambda d: _res("figures", data=[{"a": 1}])(d).removesuffix(".data")),  # noqa: E501
    desc("resource-data-instead-of-path", _res("figures", data=[{"a": 1}], path=REMOVE)),
    desc("resource-hash-not-hex", _res("figures", hash="sha256:not-hex")),
    desc("resource-bytes-a-string", _res("figures", bytes="12")),
    desc("resource-bytes-a-boolean", _set_raw("bytes", True)),
    desc("resource-mediatype-no-slash", _res("figures", mediatype="csv")),
    desc("resource-licenses-a-string", _res("figures", licenses="CC-BY-4.0")),
    desc("resource-licenses-empty-entry", _set_raw("licenses", [{}])),
    desc("resource-title-a-number", _set_raw("title", 5)),
    desc("resource-nested-100", _set_raw("x", _deep(100))),
    # -- resources szdata expects -------------------------------------------------------------
    desc("units-typed-file", _res("units", type="file")),
    desc("figures-typed-text", _res("figures", type="text")),
    desc("figures-without-type", _res("figures", type=REMOVE)),
    desc("figures-type-a-number", _res("figures", type=1)),
    desc("raw-typed-text", _set_raw("type", "text")),
    desc("raw-typed-table", _set_raw("type", "table")),
    desc("duplicate-table-name", _dup("figures")),
    desc("duplicate-raw-name", lambda d: _dup(d["resources"][_raw0(d)]["name"])(d)),
    desc("table-renamed", _res("figures", name="figs")),
    desc("table-missing", _drop("units")),
    desc("table-unknown-extra", lambda d: d["resources"].append(dict(d["resources"][0], name="extra")) or f"resources[{len(d['resources']) - 1}].name"),  # noqa: E501
    desc("table-name-traversal", _res("figures", name="../../x")),
    desc("table-name-escape-sequence", _res("figures", name="\x1b[2Jfigures")),
    desc("raw-name-upper-case", _set_raw("name", "raw-ABC")),
    desc("raw-name-traversal", _set_raw("name", "raw-../../x")),
    desc("raw-name-too-long", _set_raw("name", "raw-" + "a" * 70)),
    desc("table-format-json", _res("figures", format="json")),
    desc("table-mediatype-json", _res("figures", mediatype="application/json")),
    desc("table-encoding-latin1", _res("figures", encoding="latin-1")),
    desc("table-dialect", _res("figures", dialect={"delimiter": ";"})),
    desc("table-compression", _res("figures", compression="gz")),
    desc("raw-format-csv", _set_raw("format", "csv")),
    desc("raw-encoding-utf16", _set_raw("encoding", "utf-16")),
    desc("raw-dialect", _set_raw("dialect", {"header": False})),
    desc("table-without-schema", _res("figures", schema=REMOVE)),
    desc("table-schema-a-number", _res("figures", schema=7)),
    desc("table-schema-a-list", _res("figures", schema=["schemas/figures.schema.json"])),
    # -- paths --------------------------------------------------------------------------------
    desc("table-path-traversal", _res("figures", path="../figures.csv")),
    desc("table-path-absolute", _res("figures", path="/etc/passwd")),
    desc("table-path-url", _res("figures", path="https://example.org/figures.csv")),
    desc("table-path-home", _res("figures", path="~/figures.csv")),
    desc("table-path-variable", _res("figures", path="$HOME/figures.csv")),
    desc("table-path-backslash", _res("figures", path="data\\figures.csv")),
    desc("table-path-hidden", _res("figures", path=".figures.csv")),
    desc("table-file-missing", _res("figures", path="data/nothing.csv")),
    desc("raw-path-traversal", _set_raw("path", "data/raw/../../../etc/passwd")),
    desc("raw-path-absolute", _set_raw("path", "/proc/self/environ")),
    desc("schema-path-traversal", _res("units", schema="../units.schema.json")),
    desc("schema-path-absolute", _res("units", schema="/etc/passwd")),
    desc("schema-file-missing", _res("units", schema="schemas/nothing.json")),
    desc("schema-path-a-folder", _res("units", schema="schemas")),
    files("schema-file-a-link", _link(FIGURES, "/etc/hostname"), "figures", "schema"),
    files("table-file-a-link", _link("data/figures.csv", "/etc/hostname"), "figures", "path"),
    files("table-file-a-folder", lambda r: (r / "data/figures.csv").unlink() or (r / "data/figures.csv").mkdir(), "figures", "path"),  # noqa: E501
    # -- a Table Schema as JSON ---------------------------------------------------------------
    raw_bytes("schema-not-json", FIGURES, b'{"fields": '),
    raw_bytes("schema-empty", FIGURES, b""),
    raw_bytes("schema-not-utf8", FIGURES, b'{"title": "\xc3\x28"}'),
    raw_bytes("schema-nested-2000", FIGURES, b'{"fields": ' + b"[" * 2000 + b"]" * 2000 + b"}"),
    raw_bytes("schema-top-level-list", FIGURES, b"[]"),
    raw_bytes("schema-too-large", FIGURES, (REPO / FIGURES).read_bytes() + b" " * 10**6, SZDATA_MAX_SCHEMA_BYTES=str(10**6)),  # noqa: E501
    schema("schema-nested-100", _con("figure_id", "enum", _deep(100))),
    schema("schema-fields-missing", lambda s: s.pop("fields") and None),
    schema("schema-fields-an-object", lambda s: s.update(fields={}) or "fields"),
    schema("schema-fields-empty", lambda s: s.update(fields=[]) or "fields"),
    schema("field-a-string", lambda s: s["fields"].__setitem__(0, "figure_id") or "fields[0]"),
    schema("field-without-name", lambda s: s["fields"][0].pop("name") and "fields[0]"),
    schema("field-name-a-number", _fld("figure_id", "name", 5)),
    schema("field-duplicate-name", lambda s: s["fields"][1].update(name=s["fields"][0]["name"]) or "fields[1].name"),  # noqa: E501
    schema("field-type-unknown", _fld("value", "type", "strnig")),
    schema("field-type-a-number", _fld("value", "type", 3)),
    schema("field-type-geojson", _fld("item_id", "type", "geojson")),
    schema("field-type-time", _fld("counted", "type", "time")),
    schema("field-format-email", _fld("figure_id", "format", "email")),
    schema("field-format-date-pattern", _fld("published", "format", "%d/%m/%Y"), ARTICLES),
    schema("field-unknown-property", _fld("value", "trueValues", ["yes"])),
    schema("field-constraints-a-list", _fld("figure_id", "constraints", ["required"])),
    # -- constraints --------------------------------------------------------------------------
    schema("required-a-string", _con("figure_id", "required", "yes")),
    schema("unique-a-number", _con("figure_id", "unique", 1)),
    schema("pattern-a-number", _con("figure_id", "pattern", 5)),
    schema("pattern-unclosed-class", _con("figure_id", "pattern", "[a-")),
    schema("pattern-unbalanced", _con("figure_id", "pattern", "a)|(b")),
    schema("pattern-bad-repeat", _con("figure_id", "pattern", "*a")),
    schema("pattern-lookahead", _con("figure_id", "pattern", "(?=a)a")),
    schema("pattern-backreference", _con("figure_id", "pattern", "(a)\\1")),
    schema("pattern-possessive", _con("figure_id", "pattern", "a++")),
    schema("minimum-not-a-number", _con("value", "minimum", "abc")),
    schema("maximum-a-boolean", _con("start", "maximum", True)),
    schema("minimum-not-a-date", _con("published", "minimum", "2020-13-45"), ARTICLES),
    schema("minimum-a-number-on-a-date", _con("published", "minimum", 2020), ARTICLES),
    schema("min-length-negative", _con("quote", "minLength", -1)),
    schema("min-length-a-string", _con("quote", "minLength", "3")),
    schema("enum-not-a-list", _con("qualifier", "enum", "exact")),
    schema("enum-empty", _con("qualifier", "enum", [])),
    schema("enum-of-numbers-on-a-string", _con("qualifier", "enum", [1, 2])),
    schema("constraint-unknown", _con("value", "exclusiveMinimum", 0)),
    # -- keys ---------------------------------------------------------------------------------
    schema("schema-unknown-property", lambda s: s.update(uniqueKeys=[["figure_id"]]) or "uniqueKeys"),  # noqa: E501
    schema("missing-values-na", lambda s: s.update(missingValues=["", "NA"]) or "missingValues"),
    schema("missing-values-a-string", lambda s: s.update(missingValues="") or "missingValues"),
    schema("primary-key-unknown-field", lambda s: s.update(primaryKey=["nope"]) or "primaryKey[0]"),
    schema("primary-key-a-number", lambda s: s.update(primaryKey=5) or "primaryKey"),
    schema("foreign-keys-an-object", lambda s: s.update(foreignKeys={}) or "foreignKeys"),
    schema("foreign-key-unknown-table", lambda s: _fk(s, lambda fk: fk["reference"].update(resource="nope"), ".reference.resource")),  # noqa: E501
    schema("foreign-key-unknown-reference-field", lambda s: _fk(s, lambda fk: fk["reference"].update(fields=["nope"]), ".reference.fields[0]")),  # noqa: E501
    schema("foreign-key-unknown-local-field", lambda s: _fk(s, lambda fk: fk.update(fields=["nope"]), ".fields[0]")),  # noqa: E501
    schema("foreign-key-without-reference", lambda s: _fk(s, lambda fk: fk.pop("reference"), "")),
    schema("foreign-key-field-count", lambda s: _fk(s, lambda fk: fk["reference"].update(fields=["article_id", "title"]), ".reference.fields")),  # noqa: E501
    # -- a schema inline in the descriptor ----------------------------------------------------
    desc("inline-schema-duplicate-field", _inline(lambda s: s["fields"][1].update(name=s["fields"][0]["name"]) or "fields[1].name")),  # noqa: E501
    desc("inline-schema-bad-pattern", _inline(_con("figure_id", "pattern", "(unclosed"))),
    desc("inline-schema-unknown-type", _inline(_fld("value", "type", "decimal"))),
]
# fmt: on

COMMANDS: list[Callable[[Path, Path], list[str]]] = [
    lambda p, tmp: ["validate", "--path", str(p)],
    lambda p, tmp: ["build", "--path", str(p), "--check", "-q"],
    lambda p, tmp: ["info", "--path", str(p)],
    lambda p, tmp: ["show", "figures", "--path", str(p)],
    lambda p, tmp: ["validate", "--json", "--path", str(p)],
    lambda p, tmp: ["add", str(FIXTURE), "--dry-run", "--path", str(p)],
    lambda p, tmp: ["export", "sqlite", str(tmp / "out.sqlite"), "--path", str(p)],
]


def _expected(case: Case) -> str:
    return case.expected if isinstance(case, _Deferred) else case.where


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.mark.parametrize(
    ("case", "command"),
    [(c, COMMANDS[n % len(COMMANDS)]) for n, c in enumerate(CASES)],
    ids=[c.id for c in CASES],
)
def test_hostile_descriptor_is_refused(
    case: Case,
    command: Callable[[Path, Path], list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = copy_package(tmp_path / "pkg")
    case.setup(root)
    for key, value in case.env:
        monkeypatch.setenv(key, value)
    argv = command(root, tmp_path)
    before = _snapshot(root)
    capsys.readouterr()
    started = time.perf_counter()
    status = main(argv)
    took = time.perf_counter() - started
    out = capsys.readouterr()
    text = out.out + out.err
    assert status == 2, f"{argv[0]} exited {status}:\n{text}"
    assert "Traceback" not in text
    assert "\x1b" not in text, "terminal controls are shown escaped"
    where = _expected(case)
    assert f"{case.file}: {where}" in text, f"expected {case.file}: {where}\n{text}"
    assert took < 10, f"{took:.1f} s"
    assert _snapshot(root) == before, "a refused command writes nothing"
    assert not (tmp_path / "out.sqlite").exists()
    if "--json" in argv:
        document = json.loads(out.out)
        assert document["ok"] is False and document["exit_code"] == 2
        assert f"{case.file}: {where}" in document["error"]


def test_the_attack_list_is_broad() -> None:
    assert 80 <= len(CASES) <= 160
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.file for c in CASES} >= {DP, FIGURES, ARTICLES}
