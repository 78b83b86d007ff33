"""Check a descriptor against the Data Package v2 profile, and schemas against Table Schema v2.

The profiles are shipped in ``szdata/_disk/_descriptor/profiles/`` (see the README there), so the
check works offline, and run with :mod:`jsonschema` (imported here, when a package is
opened, never by ``import szdata``).

A package of a million figures lists 100,000 raw texts and 100,000 sources: the profile's
checks of one resource take about 0.15 ms with :mod:`jsonschema`, 15 s for them all. So
the descriptor is checked in parts, all taken from the profile itself: the package's own
properties (the profile with ``resources`` and ``sources`` checked as arrays only), then
each item of those arrays against the profile's item schema. An item whose every property
the profile checks with a plain type and pattern (or that equals a value :mod:`jsonschema`
already accepted for that property) is checked by :class:`_FastItems`, which reads those
types and patterns from the profile; any other item goes to :mod:`jsonschema`.
``tests/test_descriptor.py`` proves that whatever the fast path accepts the profile accepts.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from szdata._core._errors import DescriptorError
from szdata._disk._descriptor._json import check_depth, json_path

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

PROFILES = ("datapackage", "dataresource", "tableschema", "tabledialect")
"""The Data Package v2 profiles shipped with szdata (``profiles/<name>.json``)."""

_ANNOTATIONS = frozenset(
    {"title", "description", "propertyOrder", "options", "examples", "context", "default"}
)
_MAX_MESSAGE = 240


def profile(name: str) -> dict[str, Any]:
    """The shipped Data Package v2 profile ``name`` (one of :data:`PROFILES`), parsed."""
    return json.loads(_profile_text(name))


@functools.cache
def _profile_text(name: str) -> str:
    ref = resources.files("szdata._disk._descriptor") / "profiles" / f"{name}.json"
    return ref.read_text(encoding="utf-8")


SPLIT = ("resources", "sources")
"""The descriptor's arrays whose items are checked one by one (100,000 in a large package)."""


@dataclass(frozen=True)
class _Validators:
    package: Validator
    """The package profile, with the :data:`SPLIT` arrays checked as arrays only."""
    items: dict[str, Validator]
    """The profile's schema of an item of each :data:`SPLIT` array."""
    table_schema: Validator
    """The Table Schema profile, whole."""
    table_outer: Validator | None
    """The Table Schema profile with ``fields`` checked as an array only."""
    field_forms: dict[str | None, Validator]
    """The field schema of each type (``None``: a field without a type), see :func:`_forms`."""


@functools.cache
def _validators() -> _Validators:
    from jsonschema import Draft7Validator

    package = profile("datapackage")
    props = dict(package["properties"])
    items = {}
    for name in SPLIT:
        items[name] = Draft7Validator(props[name]["items"])
        props[name] = {k: v for k, v in props[name].items() if k != "items"}
    table = profile("tableschema")
    forms = _forms(table["properties"]["fields"].get("items", {}))
    outer = None
    if forms:
        fields = {k: v for k, v in table["properties"]["fields"].items() if k != "items"}
        outer = Draft7Validator({**table, "properties": {**table["properties"], "fields": fields}})
    return _Validators(
        Draft7Validator({**package, "properties": props}),
        items,
        Draft7Validator(table),
        outer,
        {kind: Draft7Validator(form) for kind, form in forms.items()},
    )


def _forms(item: dict[str, Any]) -> dict[str | None, dict[str, Any]]:
    """The profile's field schema of each type, when a field's type picks its one form.

    The Table Schema profile says a field is ``oneOf`` forms, one per type, each allowing
    only its type (``properties.type.enum`` of one value) and all but one requiring it.
    Then a field of type ``t`` fits exactly one form if and only if it fits the form of
    ``t`` (every other form refuses its type), and a field without a type the one form
    that does not require it: checking that form alone is the profile's verdict. ``{}``
    when the profile is not of that shape (then every field is checked whole).
    """
    forms: dict[str | None, dict[str, Any]] = {}
    alternatives = item.get("oneOf")
    if set(item) - _ANNOTATIONS != {"type", "oneOf"} or item.get("type") != "object":
        return {}
    for form in alternatives or []:
        enum = form.get("properties", {}).get("type", {}).get("enum")
        if form.get("type") != "object" or not isinstance(enum, list) or len(enum) != 1:
            return {}
        if enum[0] in forms:
            return {}
        forms[enum[0]] = form
        if "type" not in form.get("required", []):
            if None in forms:
                return {}
            forms[None] = form
    return forms


@functools.cache
def _fast(name: str = "resources") -> _FastItems:
    return _FastItems(profile("datapackage")["properties"][name]["items"])


def _message(error: ValidationError) -> str:
    text = error.message
    if error.validator in ("oneOf", "anyOf"):
        reasons = sorted({sub.message for sub in error.context or ()})
        if reasons:
            text = "fits none of the forms the profile allows: " + "; ".join(reasons)
        else:
            text = "fits more than one of the forms the profile allows (exactly one must fit)"
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 1] + "…"
    return f"{text} (Data Package v2 profile: {error.validator})"


def _specific(error: ValidationError) -> tuple[tuple[Any, ...], str]:
    """The JSON path and message of the most telling part of ``error``.

    A Table Schema field is one of many ``anyOf`` alternatives, one per type: the error of
    the alternative of the field's own type says what is wrong with it (a constraint of a
    wrong type), and a type no alternative has is named as such.
    """
    from jsonschema.exceptions import best_match

    while error.context and error.validator in ("anyOf", "oneOf"):
        groups: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            groups.setdefault(sub.relative_schema_path[0], []).append(sub)

        def on_type(sub: ValidationError) -> bool:
            return list(sub.relative_path)[:1] == ["type"]

        fitting = [errors for errors in groups.values() if not any(map(on_type, errors))]
        if len(fitting) == 1:
            error = best_match(fitting[0]) or error
            continue
        instance = error.instance
        if not fitting and isinstance(instance, dict) and "type" in instance:
            allowed = sorted(
                {
                    str(v)
                    for errors in groups.values()
                    for sub in errors
                    if on_type(sub) and sub.validator == "enum"
                    for v in sub.validator_value
                }
            )
            where = (*error.absolute_path, "type")
            return where, (
                f"{instance['type']!r} is not a type of the standard ({', '.join(allowed)}) "
                "(Data Package v2 profile: enum)"
            )
        break
    return tuple(error.absolute_path), _message(error)


def _raise(validator: Validator, instance: Any, file: str, base: tuple[Any, ...]) -> None:
    from jsonschema.exceptions import best_match

    error = best_match(validator.iter_errors(instance))
    if error is not None:
        parts, message = _specific(error)
        raise DescriptorError(
            file, json_path((*base, *parts)), message, hint="see https://datapackage.org/standard/"
        )


def check_descriptor_profile(
    descriptor: Any, file: str, *, checked: dict[str, set[int]] | None = None
) -> None:
    """Refuse a descriptor that the Data Package v2 profile refuses, naming the JSON path.

    ``checked``: the positions of entries of ``resources`` and ``sources`` that passed
    already (entries of a descriptor this process checked, kept by a build): not checked
    again.

    Raises
    ------
    DescriptorError
        The first error found (:func:`jsonschema.exceptions.best_match`), at its JSON path.
    """
    validators = _validators()
    arrays = {}
    if isinstance(descriptor, dict):
        arrays = {k: descriptor[k] for k in SPLIT if isinstance(descriptor.get(k), list)}
        check_depth({k: v for k, v in descriptor.items() if k not in arrays}, file)
    _raise(validators.package, descriptor, file, ())  # the arrays' items aside
    for name, every in arrays.items():
        fast = _fast(name)
        done = (checked or {}).get(name, set())
        at = [i for i in range(len(every)) if i not in done] if done else range(len(every))
        entries = [every[i] for i in at] if done else every
        # the first items first: jsonschema's verdict on them lets the fast path vouch for
        # the values they share with the others (the same licences on every raw text)
        head = min(len(entries), 12)
        for i in range(head):
            _check_item(validators.items[name], entries[i], file, (name, at[i]))
            fast.remember(entries[i])
        for i in fast.unvouched(entries[head:]):
            _check_item(validators.items[name], entries[head + i], file, (name, at[head + i]))


def _check_item(validator: Validator, item: Any, file: str, at: tuple[Any, ...]) -> None:
    check_depth(item, file, at, depth=2)
    _raise(validator, item, file, at)


def check_schema_profile(schema: Any, file: str, base: tuple[Any, ...] = ()) -> None:
    """Refuse a Table Schema that the Table Schema v2 profile refuses, naming the JSON path."""
    check_depth(schema, file, base, depth=len(base))
    validators = _validators()
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if validators.table_outer is None or not isinstance(fields, list):
        _raise(validators.table_schema, schema, file, base)
        return
    _raise(validators.table_outer, schema, file, base)
    forms = validators.field_forms
    for field in fields:
        kind = field.get("type") if isinstance(field, dict) else object()
        form = forms.get(kind) if isinstance(kind, str) or kind is None else None
        if form is None or not form.is_valid(field):
            _raise(validators.table_schema, schema, file, base)  # the whole verdict and why
            return


Check = Callable[[Any], bool]


@dataclass(frozen=True)
class _Leaf:
    """A schema that is a plain ``type`` (``string``, ``integer`` or ``array``), maybe a pattern."""

    type: type
    search: Callable[[str], Any] | None = None
    least: int = 0
    item: _Leaf | None = None
    pattern: str | None = None

    def __call__(self, v: Any) -> bool:
        if type(v) is not self.type:
            return False
        if self.search is not None:
            return self.search(v) is not None
        if self.item is not None:
            return len(v) >= self.least and all(self.item(x) for x in v)
        return True


@dataclass(frozen=True)
class _Alternatives:
    """A ``oneOf`` (exactly one must hold) or ``anyOf`` of leaves."""

    one: bool
    leaves: tuple[_Leaf, ...]

    def __call__(self, v: Any) -> bool:
        held = sum(leaf(v) for leaf in self.leaves)
        return held == 1 if self.one else held >= 1


_Simple = _Leaf | _Alternatives


class _FastItems:
    """The profile's schema of an array's items, for items it checks by type and pattern only.

    Built from the profile: an item must be an object; what the profile requires of it
    (``required``, ``minProperties``, a ``oneOf`` of ``required`` lists) depends only on its
    keys, so it is decided once for all the items with the same keys. A property whose
    schema (annotations aside) is a ``type`` of ``string``, ``integer`` or an array of
    strings with an optional ``pattern``, or a ``oneOf``/``anyOf`` of such, is checked here by
    the rules :mod:`jsonschema` applies (``re.search``; a ``bool`` is not an integer), column
    by column; any other property is accepted only when it equals a value the profile
    already accepted for it and holds nothing but strings (:meth:`remember`). Whatever it
    cannot vouch for goes to :mod:`jsonschema`.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        rules = set(schema) - _ANNOTATIONS
        one_of = schema.get("oneOf", [])
        self.alternatives = [set(a["required"]) for a in one_of if set(a) == {"required"}]
        self.required = set(schema.get("required", []))
        self.least = schema.get("minProperties", 0)
        self.usable = (
            rules <= {"type", "oneOf", "properties", "required", "minProperties"}
            and schema.get("type") == "object"
            and len(self.alternatives) == len(one_of)
        )
        self.checks: dict[str, _Simple] = {}
        self.known: dict[str, list[Any]] = {}
        for key, sub in schema.get("properties", {}).items():
            check = _simple(sub)
            if check is not None:
                self.checks[key] = check
            else:
                self.known[key] = []

    def unvouched(self, entries: list[Any]) -> list[int]:
        """The indices of the entries the fast path cannot vouch for, in order."""
        if not self.usable:
            return list(range(len(entries)))
        groups: dict[tuple[str, ...], list[int]] = {}
        slow: list[int] = []
        if entries and set(map(type, entries)) == {dict}:
            shapes = list(map(tuple, entries))
            if shapes.count(shapes[0]) == len(shapes):  # the usual case: one shape
                groups[shapes[0]] = list(range(len(entries)))
        if not groups:
            for i, res in enumerate(entries):
                if type(res) is dict:
                    groups.setdefault(tuple(res), []).append(i)
                else:
                    slow.append(i)
        for keys, group in groups.items():
            if not self._plain(keys):
                slow += group
                continue
            members = entries if len(group) == len(entries) else [entries[i] for i in group]
            bad: set[int] = set()
            for key in keys:
                values = list(map(itemgetter(key), members))
                bad.update(group[j] for j in self._column(key, values))
            slow += bad
        return sorted(slow)

    def _plain(self, keys: tuple[str, ...]) -> bool:
        """Whether items with these keys meet the object's own rules, their values aside."""
        have = set(keys)
        if not self.required <= have or len(have) < self.least:
            return False
        if self.alternatives and sum(a <= have for a in self.alternatives) != 1:
            return False
        return all(k in self.checks or k in self.known for k in keys)

    def _column(self, key: str, values: list[Any]) -> list[int]:
        """The positions in ``values`` (the property ``key`` of many resources) not vouched for."""
        check = self.checks.get(key)
        if check is None:
            for seen in self.known[key]:
                if values.count(seen) == len(values):
                    return []
            return [j for j, v in enumerate(values) if not any(v == s for s in self.known[key])]
        kinds = set(map(type, values))
        leaf = _only_leaf(check, kinds)
        if leaf is not None and leaf.pattern == PATH_PATTERN and plain_paths(values):
            return []
        if (
            leaf is not None
            and leaf.item is None
            and (leaf.search is None or all(map(leaf.search, values)))
        ):
            return []
        return [j for j, v in enumerate(values) if not check(v)]

    def remember(self, res: Any) -> None:
        """Note the values of ``res``, which the profile accepted, for :meth:`unvouched`.

        Only values made of strings, lists and objects are kept: for those, ``==`` is
        type for type (no ``True == 1`` or ``1.0 == 1``).
        """
        if type(res) is not dict:
            return
        for key, value in res.items():
            seen = self.known.get(key)
            if seen is not None and len(seen) < 8 and _strings_only(value) and value not in seen:
                seen.append(value)


PATH_PATTERN = r"^((?=[^./~])(?!file:)((?!\/\.\.\/)(?!\\)(?!:\/\/).)*|(http|ftp)s?:\/\/.*)$"
"""The profile's pattern of a path, which :func:`plain_paths` stands in for."""


def plain_paths(values: list[str]) -> bool:
    """Whether every path surely matches the profile's ``path`` pattern, by a fast test.

    The pattern takes a POSIX path whose first character is not ``.``, ``/`` or ``~``,
    without ``file:``, ``/../``, a backslash or ``://``, on one line (or a URL). A path
    that is one non-empty line without ``..``, ``:`` or a backslash, and starts with none
    of ``./~``, is one (``tests/test_descriptor.py`` checks it against the pattern); this
    looks for those in all the paths joined at once, ``False`` meaning "ask the pattern".

    Examples
    --------
    >>> plain_paths(["data/raw/a.txt", "data/b.csv"]), plain_paths(["./a.csv"])
    (True, False)
    """
    joined = "\n" + "\n".join(values) + "\n"
    if joined.count("\n") != len(values) + 1:
        return False
    return not any(part in joined for part in _NOT_PLAIN)


_NOT_PLAIN = ("\n\n", "\n.", "\n/", "\n~", "..", ":", "\\")


def _only_leaf(check: _Simple, kinds: set[type]) -> _Leaf | None:
    """The one leaf of ``check`` values of ``kinds`` (a single type) can meet, if only one can."""
    if len(kinds) != 1:
        return None
    (kind,) = kinds
    leaves = check.leaves if isinstance(check, _Alternatives) else (check,)
    possible = [leaf for leaf in leaves if leaf.type is kind]
    return possible[0] if len(possible) == 1 else None


def _simple(schema: dict[str, Any]) -> _Simple | None:
    """A check equal to ``schema`` when it is a plain type (and pattern); else ``None``."""
    rules = {k: v for k, v in schema.items() if k not in _ANNOTATIONS}
    if rules.get("type") == "string" and rules.get("format") == "textarea":
        rules.pop("format")  # an annotation: jsonschema asserts no format by default
    if set(rules) in ({"oneOf"}, {"anyOf"}):
        how, alternatives = next(iter(rules.items()))
        leaves = [_simple(a) for a in alternatives]
        if not all(isinstance(leaf, _Leaf) for leaf in leaves):
            return None
        return _Alternatives(how == "oneOf", tuple(leaf for leaf in leaves if leaf))
    kind = rules.get("type")
    if kind == "integer" and set(rules) == {"type"}:
        return _Leaf(int)
    if kind == "string" and set(rules) <= {"type", "pattern"}:
        pattern = rules.get("pattern")
        search = re.compile(pattern).search if pattern is not None else None
        return _Leaf(str, search, pattern=pattern)
    if kind == "array" and set(rules) <= {"type", "minItems", "items"} and "items" in rules:
        item = _simple(rules["items"])
        if isinstance(item, _Leaf) and item.type is str:
            return _Leaf(list, None, rules.get("minItems", 0), item)
    return None


def _strings_only(value: Any) -> bool:
    """Whether ``value`` holds nothing but strings, lists and objects (keys are strings)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            stack.extend(node.values())
        elif type(node) is list:
            stack.extend(node)
        elif type(node) is not str:
            return False
    return True
