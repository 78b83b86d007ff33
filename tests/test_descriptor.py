"""The descriptor others consume: the Data Package v2 profile (offline), file facts, licences.

The descriptor must pass the shipped v2 profile as a whole (plain :mod:`jsonschema`, no
fast path), every file it lists carries a right ``hash`` and ``bytes``, every resource
says its licence, and ``CITATION.cff`` names the descriptor's version.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from szdata._commands._main import main
from szdata._core._typing import TABLE_NAMES
from szdata._curate._build import RAW_LICENSES, TABLE_LICENSES, build
from szdata._disk._descriptor._profile import PROFILES, _fast, plain_paths, profile
from szdata._disk._package import open_package
from tests.conftest import REPO

DESCRIPTOR = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = DESCRIPTOR["resources"]
TABLES = [r for r in RESOURCES if r.get("type") == "table"]
RAWS = [r for r in RESOURCES if r["name"].startswith("raw-")]
PROFILE_DIR = REPO / "szdata" / "_disk" / "_descriptor" / "profiles"


# -- the v2 profile, offline -------------------------------------------------------------------


def _errors(schema: dict[str, Any], instance: Any) -> list[str]:
    validator = Draft7Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def test_descriptor_passes_the_v2_profile_whole() -> None:
    assert DESCRIPTOR["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert _errors(profile("datapackage"), DESCRIPTOR) == []


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r["name"])
def test_every_resource_passes_the_v2_resource_profile(resource: dict) -> None:
    assert _errors(profile("dataresource"), resource) == []
    assert resource.get("type", "table") == "table", "v2 types only tables"


@pytest.mark.parametrize("resource", TABLES, ids=lambda r: r["name"])
def test_every_schema_passes_the_v2_table_schema_profile(resource: dict) -> None:
    schema = json.loads((REPO / resource["schema"]).read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://datapackage.org/profiles/2.0/tableschema.json"
    assert _errors(profile("tableschema"), schema) == []


def test_the_shipped_profiles_are_the_recorded_ones() -> None:
    readme = (PROFILE_DIR / "README.md").read_text(encoding="utf-8")
    for name in PROFILES:
        digest = hashlib.sha256((PROFILE_DIR / f"{name}.json").read_bytes()).hexdigest()
        assert f"| `{name}.json` |" in readme and digest in readme, name
        assert json.loads((PROFILE_DIR / f"{name}.json").read_text(encoding="utf-8"))["$schema"]


def test_the_tables_are_the_ones_szdata_knows() -> None:
    assert [r["name"] for r in TABLES] == list(TABLE_NAMES)
    assert {r["name"] for r in RESOURCES} == {*TABLE_NAMES, *(r["name"] for r in RAWS)}
    assert len(open_package(REPO).raw_resources()) == len(RAWS) > 0


# -- hash and bytes ----------------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r["name"])
def test_every_file_carries_its_hash_and_bytes(resource: dict) -> None:
    data = (REPO / resource["path"]).read_bytes()
    assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert resource["bytes"] == len(data)


def _edit_a_curated_cell(root: Path) -> None:
    """Change one organization's note: a curated file, no built table depends on the note."""
    path = root / "data/curation/organizations.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    column = next(c for c in ("note", "description", "name") if c in header)
    rows[1][header.index(column)] += " (edited)"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def test_build_check_fails_on_a_stale_table_hash(
    package_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit_a_curated_cell(package_copy)
    assert main(["build", "--path", str(package_copy), "--check", "-q"]) == 1
    out = capsys.readouterr()
    assert "datapackage.json" in out.err and '"hash": "sha256:' in out.out
    assert main(["build", "--path", str(package_copy), "-q"]) == 0
    assert build(package_copy, check=True).changed == []
    desc = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    orgs = next(r for r in desc["resources"] if r["name"] == "organizations")
    data = (package_copy / orgs["path"]).read_bytes()
    assert orgs["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert orgs["bytes"] == len(data)


@pytest.mark.slow
def test_frictionless_checks_the_table_hashes(package_copy: Path) -> None:
    from frictionless import validate

    assert validate(str(package_copy / "datapackage.json")).valid
    _edit_a_curated_cell(package_copy)
    report = validate(str(package_copy / "datapackage.json"))
    errors = {(t.name, e.type) for t in report.tasks for e in t.errors}
    assert ("organizations", "hash-count") in errors
    assert ("organizations", "byte-count") in errors


# -- licences ----------------------------------------------------------------------------------


def test_package_names_both_licences() -> None:
    assert {lic["name"] for lic in DESCRIPTOR["licenses"]} == {"CC-BY-4.0", "MIT"}


@pytest.mark.parametrize("resource", TABLES, ids=lambda r: r["name"])
def test_every_table_is_cc_by(resource: dict) -> None:
    assert resource["licenses"] == TABLE_LICENSES
    assert [lic["name"] for lic in resource["licenses"]] == ["CC-BY-4.0"]


@pytest.mark.parametrize("resource", RAWS, ids=lambda r: r["name"])
def test_every_raw_text_is_its_publishers_kept_as_evidence(resource: dict) -> None:
    assert resource["licenses"] == RAW_LICENSES
    (lic,) = resource["licenses"]
    assert lic["name"] not in ("CC-BY-4.0", "MIT")
    assert "publisher" in lic["title"] and "not under CC-BY-4.0 or MIT" in lic["title"]
    assert "evidence" in lic["title"] and "evidence" in resource["description"]


def test_pyproject_names_both_licences() -> None:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^license = "MIT AND CC-BY-4.0"$', text, re.M)
    assert re.search(r'^license-files = \["LICENSE", "LICENSE-DATA"\]$', text, re.M)


# -- CITATION.cff ------------------------------------------------------------------------------


def test_citation_is_in_step_with_the_descriptor() -> None:
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert str(cff["version"]) == DESCRIPTOR["version"], "set CITATION.cff's version too"
    assert cff["title"].endswith(DESCRIPTOR["title"])
    assert set(cff["license"]) == {lic["name"] for lic in DESCRIPTOR["licenses"]}
    assert str(cff["date-released"]) == DESCRIPTOR["created"][:10]
    assert cff.get("repository-code") == DESCRIPTOR.get("homepage")
    assert cff["authors"] and cff["message"]


# -- the fast path accepts only what the profile accepts ---------------------------------------

_TEXT = st.text(st.sampled_from("ab./~:\\-_ \n0f"), max_size=8)
_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False), _TEXT,
    st.lists(_TEXT, max_size=2), st.just(RAW_LICENSES), st.just([{"name": 1}]),
)  # fmt: skip
_KEYS = st.sampled_from(
    ["name", "path", "type", "format", "mediatype", "encoding", "hash", "bytes", "licenses",
     "title", "description", "data", "schema", "sources", "homepage", "odd"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.dictionaries(_KEYS, _VALUE, max_size=8), max_size=4))
def test_what_the_fast_path_vouches_for_the_profile_accepts(entries: list[dict]) -> None:
    validator = Draft7Validator(profile("dataresource"))
    fast = _fast()
    fast.remember(RAWS[0])
    vouched = set(range(len(entries))) - set(fast.unvouched(entries))
    for i in vouched:
        assert list(validator.iter_errors(entries[i])) == [], entries[i]


def test_the_fast_path_vouches_for_raw_entries() -> None:
    fast = _fast()
    fast.remember(RAWS[0])
    many = [dict(RAWS[0], name=f"raw-{n}", path=f"data/raw/{n}.txt") for n in range(50)]
    assert fast.unvouched(many) == []
    many[7]["bytes"] = True
    many[9]["path"] = ".hidden.txt"
    assert fast.unvouched(many) == [7, 9]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.dictionaries(st.sampled_from(["title", "path", "email", "x"]), _VALUE, max_size=3),
        max_size=4,
    )
)
def test_what_the_fast_path_vouches_for_in_sources_the_profile_accepts(entries: list) -> None:
    item = profile("datapackage")["properties"]["sources"]["items"]
    validator = Draft7Validator(item)
    vouched = set(range(len(entries))) - set(_fast("sources").unvouched(entries))
    for i in vouched:
        assert list(validator.iter_errors(entries[i])) == [], entries[i]


def test_the_fast_path_vouches_for_sources() -> None:
    sources = [{"title": f"t{n}", "path": f"http://example.org/{n}"} for n in range(50)]
    sources += [{"title": "no address"}]
    assert _fast("sources").unvouched(sources) == []
    assert _fast("sources").unvouched([{}, {"title": 1}, {"path": "/abs"}]) == [0, 1, 2]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(st.sampled_from("a./~:\\\n-f"), max_size=6), min_size=1, max_size=3))
def test_plain_paths_match_the_profile_pattern(paths: list[str]) -> None:
    pattern = profile("datapackage")["properties"]["resources"]["items"]["properties"]["path"]
    search = re.compile(pattern["oneOf"][0]["pattern"]).search
    if plain_paths(paths):
        assert all(search(p) for p in paths), paths


_FIELD_VALUE = st.one_of(
    st.sampled_from(["string", "number", "integer", "date", "time", "any", "strnig", "", "uri"]),
    st.none(), st.booleans(), st.integers(-1, 3), st.just({"required": True}),
    st.just({"minimum": "x"}), st.just({"pattern": 5}), st.just([]),
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(
        [f for r in TABLES for f in json.loads((REPO / r["schema"]).read_text("utf-8"))["fields"]]
    ),
    st.dictionaries(
        st.sampled_from(["name", "type", "format", "constraints", "title", "x"]),
        _FIELD_VALUE,
        max_size=3,
    ),
)
def test_a_field_fits_the_profile_when_it_fits_the_form_of_its_type(
    field: dict, edit: dict
) -> None:
    from szdata._disk._descriptor._profile import _validators

    field = {**field, **edit}
    validators = _validators()
    whole = Draft7Validator(profile("tableschema")["properties"]["fields"]["items"])
    kind = field.get("type")
    form = validators.field_forms.get(kind) if isinstance(kind, str) or kind is None else None
    if form is not None:
        assert form.is_valid(field) == whole.is_valid(field), field
    else:
        assert not whole.is_valid(field), field


# -- a descriptor checked once per process -------------------------------------------------


def test_a_schema_broken_after_a_first_check_is_refused(package_copy: Path) -> None:
    """The process remembers a descriptor it checked by its bytes; a schema file that changed
    since (same descriptor) is checked again, and refused."""
    from szdata._core._errors import DescriptorError

    open_package(package_copy)
    schema = package_copy / open_package(package_copy).resource("figures")["schema"]
    doc = json.loads(schema.read_text(encoding="utf-8"))
    doc["fields"][0]["type"] = "no-such-type"
    schema.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DescriptorError, match="figures"):
        open_package(package_copy)


def test_the_same_descriptor_elsewhere_checks_its_own_files(package_copy: Path) -> None:
    """The same descriptor bytes under another folder: its tables must be there too."""
    from szdata._core._errors import DescriptorError

    open_package(package_copy)
    (package_copy / open_package(package_copy).resource("dates")["path"]).unlink()
    with pytest.raises(DescriptorError, match="missing file"):
        open_package(package_copy)


def test_the_profile_skips_only_the_entries_said_checked_and_names_a_new_ones_fault() -> None:
    """A build of some articles keeps the others' entries of a descriptor this process
    checked (``checked``); every other entry is checked, and its fault named where it is."""
    from szdata._core._errors import DescriptorError
    from szdata._disk._descriptor._profile import check_descriptor_profile

    desc = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    last = len(desc["resources"]) - 1
    desc["resources"][last] = {**desc["resources"][last], "bytes": "many"}  # not an integer
    with pytest.raises(DescriptorError, match=rf"resources\[{last}\]\.bytes"):
        check_descriptor_profile(desc, "datapackage.json")
    others = set(range(last))
    with pytest.raises(DescriptorError, match=rf"resources\[{last}\]\.bytes"):
        check_descriptor_profile(desc, "datapackage.json", checked={"resources": others})
    # said checked (as it would be: an entry of a descriptor that passed), it is not again
    check_descriptor_profile(desc, "datapackage.json", checked={"resources": {last}})


def test_a_process_keeps_the_objects_of_its_last_printed_descriptors_only(monkeypatch) -> None:
    """A loop of builds in one process (``add_articles`` called many times) holds no more
    than the last descriptors' objects; the digests of all it printed stay known."""
    from szdata._disk import _descriptor

    monkeypatch.setattr(_descriptor, "_PRINTED", set())
    monkeypatch.setattr(_descriptor, "_PRINTED_OBJECTS", [])
    for n in range(6):
        _descriptor.printed(f'{{"n": {n}}}'.encode(), {"n": n}, {"resources": {n}})
    assert len(_descriptor._PRINTED_OBJECTS) <= _descriptor._REMEMBERED
    assert _descriptor._printed_object(b'{"n": 5}') == ({"n": 5}, {"resources": {5}})
    assert _descriptor._printed_object(b'{"n": 0}') == (None, {})  # let go
    assert _descriptor._printed_here(b'{"n": 0}')
