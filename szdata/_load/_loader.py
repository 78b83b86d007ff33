"""Load the package's tables: typed data frames, validated records and codebooks.

Every function takes an optional ``path=``: a folder holding ``datapackage.json`` (or the
descriptor itself) to read another copy of the package, such as a fork or a contributor's
checkout; by default the package installed with szdata is read.

Nothing is loaded silently. Whatever a call reads is checked first:

- the descriptor's paths are safe (:func:`szdata.open_package` refuses absolute paths, ``..``,
  ``~``, ``$VAR`` and URLs);
- the CSV header of each table read is exactly the Table Schema's column names, in order;
- a raw text, when read (:func:`raw_text`), or all of them, when the whole package is read
  (:func:`load_all`, :func:`szdata.export`), must have the ``bytes`` and ``hash`` recorded in
  the descriptor. Hashes are computed once per file and remembered while the file's size and
  modification time stay the same. Loading one table does not read the raw texts, so it does
  not hash them: at a million figures that would cost more than reading the table.

Cells are then converted to the Table Schema's types (:mod:`szdata._schemas._dtypes`); a cell that
is not of its column's type is an error naming the file, row, column and value. The other
rules (required, unique, bounds, keys, spans) are checked by :func:`szdata.validate`.
"""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING, Any

from szdata._core._errors import PackageError, ValidationFailed
from szdata._core._typing import Backend, FrameBackend, TableName
from szdata._disk._package import Package, open_package
from szdata._disk._readers import LINE, read_table
from szdata._schemas._schema import Field, TableSchema

if TYPE_CHECKING:
    from collections.abc import Iterator

    import polars as pl
    from pydantic import BaseModel

    from szdata._load._codebook import Codebook

PathLike = str | os.PathLike[str]

# the given path -> (the stamps of the descriptor and schema files, the package opened)
_OPENED: dict[str, tuple[tuple[tuple[str, int, int], ...], Package]] = {}


def _open(path: PathLike | None) -> Package:
    """:func:`open_package`, remembered while the descriptor and schema files keep their size
    and modification time (a million figures' descriptor takes a second to read and check).
    """
    key = "" if path is None else os.path.abspath(os.path.expanduser(os.fspath(path)))
    known = _OPENED.get(key)
    if known is not None:
        stamps, pkg = known
        if _stamps(pkg) == stamps:
            return pkg
    pkg = open_package(path)
    _OPENED[key] = (_stamps(pkg), pkg)
    return pkg


def _stamps(pkg: Package) -> tuple[tuple[str, int, int], ...]:
    rels = ["datapackage.json"]
    for name in pkg.table_names():
        ref = pkg.resource(name).get("schema")
        if isinstance(ref, str):
            rels.append(ref)
    out = []
    for rel in rels:
        try:
            st = os.stat(pkg.root / rel)
        except OSError:
            return ()
        out.append((rel, st.st_size, st.st_mtime_ns))
    return tuple(out)


def tables(*, path: PathLike | None = None) -> list[TableName]:
    """The names of the package's tables, in the order of ``datapackage.json``.

    Parameters
    ----------
    path
        Another copy of the package (a folder or its ``datapackage.json``); default: the
        installed package.

    Examples
    --------
    >>> import szdata
    >>> szdata.tables()[:3]
    ['organizations', 'aliases', 'units']
    >>> "figures" in szdata.tables()
    True
    """
    return list(_open(path).table_names())  # type: ignore[arg-type]


def load(name: TableName, *, backend: Backend = "auto", path: PathLike | None = None) -> Any:
    """Load one table as a data frame typed from its Table Schema.

    Parameters
    ----------
    name
        A table name, one of :func:`tables`.
    backend
        ``"auto"`` (default): pandas when it is installed (``pip install 'szdata[pandas]'``),
        else polars, which the core install has. Or ``"pandas"``, or ``"polars"``.
    path
        Another copy of the package (a folder or its ``datapackage.json``); default: the
        installed package.

    Returns
    -------
    pandas.DataFrame or polars.DataFrame
        pandas: strings ``string``, enums ``category`` (categories in the schema's order),
        integers nullable ``Int64``, numbers ``float64``, dates ``datetime64[s]``.
        polars: ``String``, ``Enum``, ``Int64``, ``Float64``, ``Date``.

    Raises
    ------
    PackageError
        An unknown table, an unsafe path, a header that differs from the schema, or a raw
        text whose bytes differ from the recorded hash.
    ValidationFailed
        A cell that is not of its column's type.

    Examples
    --------
    >>> import szdata
    >>> figures = szdata.load("figures")
    >>> figures["value"].dtype, figures["refers_to"].dtype, figures["start"].dtype
    (dtype('float64'), dtype('<M8[s]'), Int64Dtype())
    >>> list(figures["qualifier"].cat.categories)[:3]
    ['exact', 'more_than', 'less_than']
    >>> szdata.load("dates", backend="polars").schema["date"]
    Date
    """
    frames = _check_backend(backend)
    pkg = _open(path)
    return _convert(_read_typed(pkg, name), pkg.schema(name), frames)


def load_all(*, backend: Backend = "auto", path: PathLike | None = None) -> Tables:
    """Load every table; the result gives each by attribute or by name.

    Parameters
    ----------
    backend
        ``"auto"`` (default: pandas when installed, else polars), ``"pandas"`` or
        ``"polars"``, as for :func:`load`.
    path
        Another copy of the package; default: the installed package.

    Examples
    --------
    >>> import szdata
    >>> pkg = szdata.load_all()
    >>> pkg.figures.shape == pkg["figures"].shape
    True
    >>> list(pkg)[:2]
    ['organizations', 'aliases']
    """
    frames = _check_backend(backend)
    pkg = _open(path)
    _check_raw_files(pkg)
    return Tables(
        {n: _convert(_read_typed(pkg, n), pkg.schema(n), frames) for n in pkg.table_names()}
    )


def records(name: TableName, *, path: PathLike | None = None) -> list[BaseModel]:
    """The rows of a table as validated Pydantic records (:mod:`szdata._load._models`).

    Parameters
    ----------
    name
        A table name, one of :func:`tables`.
    path
        Another copy of the package; default: the installed package. Its rows are validated
        against models built from its own schemas.

    Raises
    ------
    ValidationFailed
        When a row breaks its model; the message names the file, row, column and rule.

    Examples
    --------
    >>> import szdata
    >>> org = szdata.records("organizations")[0]
    >>> org.organization_id
    'shenzhen-government'
    """
    from pydantic import ValidationError

    from szdata._load._models import model_for, model_from_schema

    pkg = open_package(path)
    frame = _read_typed(pkg, name)
    # another copy may have changed its schemas: its rows are checked against its own
    model = model_for(name) if path is None else model_from_schema(pkg.schema(name))  # type: ignore[arg-type]
    file = _display(pkg, name)
    out: list[BaseModel] = []
    for i, row in enumerate(frame.iter_rows(named=True)):
        try:
            out.append(model.model_validate(row))
        except ValidationError as exc:
            err = exc.errors()[0]
            column = ".".join(str(p) for p in err.get("loc", ())) or "?"
            raise ValidationFailed(
                f"{file}: row {i + 2}, column {column!r}: {row.get(column)!r} breaks rule "
                f"{err.get('type', '?')!r}: {err.get('msg', '')} ({len(exc.errors())} error(s) "
                f"in this row; hint: run `szdata validate` for the full report)"
            ) from None
    return out


def raw_text(article_id: str, *, path: PathLike | None = None) -> str:
    """The raw text of an article, decoded, after checking it is the text the package records.

    Every ``start``/``end`` of the package is an offset into this string (code points), so
    ``raw_text(a)[start:end] == quote`` for every figure, date and mention of article ``a``.

    Parameters
    ----------
    article_id
        An ``articles.article_id``.
    path
        Another copy of the package; default: the installed package.

    Raises
    ------
    PackageError
        An unknown article, or a raw file whose size or SHA-256 differs from the descriptor's.

    Examples
    --------
    >>> import szdata
    >>> text = szdata.raw_text("004_4c9b5674638746a7")
    >>> figures = szdata.load("figures", backend="polars")
    >>> fid = "004_4c9b5674638746a7.f1731"
    >>> row = figures.filter(figures["figure_id"] == fid).row(0, named=True)
    >>> text[row["start"] : row["end"]]
    '250 million yuan'
    """
    pkg = open_package(path)
    articles = _read_typed(pkg, "articles")
    match = articles.filter(articles["article_id"] == article_id)
    if match.height == 0:
        raise PackageError(
            f"the package at {pkg.root} has no article {article_id!r} "
            "(hint: `szdata show articles` lists them)"
        )
    raw_path = match["raw_path"][0]
    resources = [r for r in pkg.raw_resources() if r.get("path") == raw_path]
    if not resources:
        raise PackageError(
            f"{raw_path}: the descriptor lists no raw-text resource for article {article_id!r} "
            "(hint: run `szdata build` to list it)"
        )
    data = _check_raw_resource(pkg, resources[0])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackageError(
            f"{raw_path} is not UTF-8: {exc.reason} at byte {exc.start} [text.utf8]"
        ) from None


def describe(name: TableName, *, path: PathLike | None = None) -> Codebook:
    """The codebook of a table: each column's type, constraints and description.

    Parameters
    ----------
    name
        A table name, one of :func:`tables`.
    path
        Another copy of the package; default: the installed package.

    Examples
    --------
    >>> import szdata
    >>> book = szdata.describe("figures")
    >>> book.primary_key
    ('figure_id',)
    >>> [c.name for c in book.columns][:4]
    ['figure_id', 'article_id', 'item_id', 'value']
    >>> print(book.columns[3])  # doctest: +ELLIPSIS
    value (number, required, >= 0): The number, normalised: ...
    """
    from szdata._load._codebook import codebook

    pkg = open_package(path)
    pkg.check_table(name)
    return codebook(pkg.schema(name))


class Tables:
    """Every table of the package, by attribute (``pkg.figures``) or by name (``pkg["figures"]``).

    Iterating gives the table names in descriptor order; :meth:`to_dict` gives a plain
    ``{name: frame}`` dict. Names that are not identifiers are reached by ``pkg[name]``.

    Examples
    --------
    >>> t = Tables({"a": 1, "b": 2})
    >>> t.a, t["b"], list(t), len(t), "a" in t
    (1, 2, ['a', 'b'], 2, True)
    """

    __slots__ = ("_frames",)

    def __init__(self, frames: dict[str, Any]) -> None:
        object.__setattr__(self, "_frames", dict(frames))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._frames[name]
        except KeyError:
            raise AttributeError(f"no table {name!r}; tables: {', '.join(self._frames)}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Tables is read-only")

    def __getitem__(self, name: str) -> Any:
        try:
            return self._frames[name]
        except KeyError:
            raise KeyError(f"no table {name!r}; tables: {', '.join(self._frames)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    def __contains__(self, name: object) -> bool:
        return name in self._frames

    def __dir__(self) -> list[str]:
        return sorted({*object.__dir__(self), *(n for n in self._frames if n.isidentifier())})

    def __repr__(self) -> str:
        sizes = ", ".join(f"{n}={len(f)}" for n, f in self._frames.items())
        return f"Tables({sizes})"

    def to_dict(self) -> dict[str, Any]:
        """A plain ``{name: frame}`` dict of the tables."""
        return dict(self._frames)


# -- reading and checking -------------------------------------------------------------------


def read_typed(name: str, *, path: PathLike | None = None) -> pl.DataFrame:
    """A table as a polars frame typed from its schema, after the loader's checks (internal)."""
    return _read_typed(open_package(path), name)


def _check_backend(backend: str) -> FrameBackend:
    """The backend ``backend`` resolves to, before anything is read: an unknown one, or a
    missing pandas, is said first."""
    from szdata._core._extras import require, resolve_backend

    frames = resolve_backend(backend)
    if frames == "pandas":
        require("pandas", "pandas", feature="backend='pandas'", instead="pass backend='polars'")
    return frames


def _display(pkg: Package, name: str) -> str:
    return str(pkg.resource(name)["path"])


def _check_header(pkg: Package, name: str, schema: TableSchema, header: list[str]) -> None:
    path = pkg.path_of(name)
    expected = schema.field_names
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        detail = []
        if missing:
            detail.append(f"missing {', '.join(missing)}")
        if extra:
            detail.append(f"unexpected {', '.join(extra)}")
        if not detail:
            detail.append("same columns in another order")
        raise PackageError(
            f"{path}: the header differs from the schema of {name!r} ({'; '.join(detail)}): "
            f"expected {','.join(expected)} but found {','.join(header)} "
            "(hint: the header must list the schema's columns in order)"
        )


def _read_typed(pkg: Package, name: str) -> pl.DataFrame:
    pkg.check_table(name)
    schema = pkg.schema(name)
    read = read_table(pkg, name)
    if read.header:
        _check_header(pkg, name, schema, read.header)
    text = read.check(schema.field_names).frame.drop(LINE)
    return _cast(text, schema, _display(pkg, name))


def _cast(text: pl.DataFrame, schema: TableSchema, file: str) -> pl.DataFrame:
    """Convert an all-text frame to the schema's types; a cell that does not convert is an error.

    Cells are read exactly as the validator reads them (:func:`szdata._schemas._typed.cast_expr`);
    enums then become polars ``Enum`` columns.
    """
    import polars as pl

    from szdata._schemas._dtypes import polars_dtype
    from szdata._schemas._typed import cast_expr

    exprs = []
    for f in schema.fields:
        dtype = polars_dtype(f)
        if isinstance(dtype, pl.Enum):
            col = pl.col(f.name)
            exprs.append(pl.when(col.is_in(dtype.categories.to_list())).then(col).cast(dtype))
        else:
            exprs.append(cast_expr(f))
    typed = text.select(exprs)
    for f in schema.fields:
        bad = text[f.name].is_not_null() & typed[f.name].is_null()
        if bad.any():
            _raise_type_error(text, f, bad, file)
    return typed


def _raise_type_error(text: pl.DataFrame, field: Field, bad: pl.Series, file: str) -> None:
    rows = bad.arg_true()
    first = int(rows[0])
    value = text[field.name][first]
    if field.enum is not None:
        rule = f"enum: one of {', '.join(map(str, field.enum))}"
        hint = "use one of the listed values, or add the value to the schema's enum"
    else:
        from szdata._schemas._typed import TYPE_WORDS

        rule = f"type: {field.type}"
        hint = f"write {TYPE_WORDS.get(field.type, 'a valid value')}"
    more = f" ({len(rows) - 1} more row(s) in this column)" if len(rows) > 1 else ""
    raise ValidationFailed(
        f"{file}: row {first + 2}, column {field.name!r}: {value!r} breaks rule {rule}{more} "
        f"(hint: {hint}; row numbers count the header as row 1)"
    )


def _convert(frame: pl.DataFrame, schema: TableSchema, backend: FrameBackend) -> Any:
    if backend == "polars":
        return frame
    from szdata._schemas._to_pandas import to_pandas

    return to_pandas(frame, schema.fields)


def _check_raw_files(pkg: Package) -> None:
    """Refuse a package whose raw texts differ from the descriptor's ``bytes`` and ``hash``."""
    for res in pkg.raw_resources():
        _check_raw_resource(pkg, res)


def _check_raw_resource(pkg: Package, res: dict[str, Any]) -> bytes:
    """The bytes of one raw text, refused when its size or hash differs from its entry.

    The text is read as every raw text is (:func:`szdata._disk._files.read_raw_text`): a
    regular file inside the package, without following links, within the size limit.
    """
    from szdata._disk._descriptor._resources import HASH_ALGORITHMS, hash_algorithm
    from szdata._disk._files import max_raw_bytes, read_files

    hint = (
        "the raw texts are kept byte for byte as published: restore the file "
        "(git checkout); corrections go into data/curation/decisions.csv, never into a raw text"
    )
    (data,) = read_files(pkg.root, [res["path"]], limit=max_raw_bytes(), missing_ok=True)
    if data is None:
        raise PackageError(
            f"{res['path']}: the raw text of resource {res['name']!r} is missing (hint: {hint})"
        )
    recorded_bytes = res.get("bytes")
    if recorded_bytes is not None and len(data) != recorded_bytes:
        raise PackageError(
            f"{res['path']}: the raw text has {len(data)} bytes but the descriptor "
            f"records {recorded_bytes} (resource {res['name']!r}; hint: {hint})"
        )
    recorded = res.get("hash")
    if not recorded:
        return data
    algorithm, expected = hash_algorithm(str(recorded)), str(recorded).rpartition(":")[2]
    if algorithm not in HASH_ALGORITHMS:
        raise PackageError(
            f"resource {res['name']!r} records a hash with unknown algorithm {algorithm!r}"
        )
    actual = hashlib.new(algorithm, data).hexdigest()
    if actual != expected.lower():
        raise PackageError(
            f"{res['path']}: the raw text's {algorithm} is {actual} but the descriptor records "
            f"{expected} (resource {res['name']!r}; hint: {hint})"
        )
    return data
