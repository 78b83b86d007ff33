"""The registry of validation rules: each with a stable name, a one-line explanation and a hint.

Every issue :func:`szdata.validate` reports names one of these rules. The README's list of
rules is generated from this registry (``python -m szdata._validate._rules``) and a test
checks that the two agree, and that every rule has a test that breaks it.

Examples
--------
>>> RULES["provenance.quote-span"].explanation
'every quote equals raw[start:end] of its article'
>>> "structure.type" in RULES
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
Layer = Literal["structure", "rule"]


@dataclass(frozen=True)
class Rule:
    """One validation rule.

    Parameters
    ----------
    name
        Stable name, ``<subject>.<what>`` (``figure.quote-span``); never renamed.
    explanation
        What the rule requires, in one line.
    hint
        What to do when the rule is broken.
    layer
        ``structure``: a constraint of the Table Schemas (also checked by ``frictionless
        validate``); ``rule``: beyond what the standard can say.
    severity
        ``error`` makes the package invalid; ``warning`` is reported only (``--strict``
        turns ``review.unreviewed`` into an error).
    fatal
        The package cannot be read at all: reported as a one-sentence error, exit status 2.
    strict
        A warning that ``--strict`` (CI) turns into an error.
    text
        The rule holds a cell to the raw text (it re-reads the text, a quote or a span),
        and applies to every row, whatever its ``origin`` and whatever decisions touched
        it: a value a curation decision added or set must agree with the text as a parsed
        one does. A curator who believes the printed text is wrong records a ``note``, and
        the cell keeps what is printed (``szdata correct`` refuses such a ``set`` and
        suggests the note). Where the checker cannot read a quote at all, the curated value
        stands and ``decision.not-re-read`` says so.
    """

    name: str
    explanation: str
    hint: str
    layer: Layer = "rule"
    severity: Severity = "error"
    fatal: bool = False
    strict: bool = False
    text: bool = False

    @property
    def stricter(self) -> str:
        """Why szdata enforces this whole ``structure`` rule where ``frictionless validate``
        does not (``""`` for the other rules); see :data:`STRICTER`."""
        return next((s.reason for s in STRICTER if s.rule == self.name and not s.cells), "")


_ALL: tuple[Rule, ...] = (
    # -- structure: derived from the Table Schemas -------------------------------------------
    Rule(
        "structure.header",
        "the header row lists the schema's fields, by name and in order",
        "make the header row exactly the field names of the table's schema, in order",
        layer="structure",
    ),
    Rule(
        "structure.row-length",
        "every row has as many cells as the header",
        "give the row one cell per column: quote a cell that contains a comma, and end a "
        "row with commas for its empty last cells",
        layer="structure",
    ),
    Rule(
        "structure.blank-row",
        "no line of a table is blank, and no row has only empty cells",
        "remove the blank line (or the row of empty cells)",
        layer="structure",
    ),
    Rule(
        "structure.csv-syntax",
        "the file is well-formed CSV: every quoted cell is closed, and a quote inside a "
        "quoted cell is doubled (stricter than frictionless, which reads such quotes loosely)",
        'quote the whole cell and double the quotes inside it: "say ""hello""", or leave '
        "the quotes out",
        layer="structure",
    ),
    Rule(
        "structure.type",
        "every cell can be read as its field's type (integer, number, ISO date YYYY-MM-DD, ...)",
        "write integers as digits without separators, numbers with a '.' decimal point, "
        "dates as YYYY-MM-DD",
        layer="structure",
    ),
    Rule(
        "structure.required",
        "required cells (and primary-key cells) are not empty",
        "fill in the cell; the schema's field description says what it holds",
        layer="structure",
    ),
    Rule(
        "structure.enum",
        "the cell is one of the values the schema allows",
        "use one of the values listed in the message (spelling and case matter)",
        layer="structure",
    ),
    Rule(
        "structure.minimum",
        "the value is not below the field's minimum (dates compared as dates)",
        "check the value against the source text; the schema gives the lowest allowed value",
        layer="structure",
    ),
    Rule(
        "structure.maximum",
        "the value is not above the field's maximum (dates compared as dates)",
        "check the value against the source text; the schema gives the highest allowed value",
        layer="structure",
    ),
    Rule(
        "structure.pattern",
        "the cell matches the field's pattern, as a whole",
        "follow the pattern in the message; ids are lower-case and follow `<article_id>.<kind><n>`",
        layer="structure",
    ),
    Rule(
        "structure.min-length",
        "the text is not shorter than the field's minLength",
        "fill in the text; an empty quote means the span is wrong",
        layer="structure",
    ),
    Rule(
        "structure.max-length",
        "the text is not longer than the field's maxLength",
        "shorten the text to the schema's maxLength",
        layer="structure",
    ),
    Rule(
        "structure.format-uri",
        "a cell of a `uri` field is an absolute web address (http:// or https://)",
        "write the full address, starting with http:// or https://",
        layer="structure",
    ),
    Rule(
        "structure.unique",
        "the values of a unique field are not repeated (compared as their type reads them)",
        "each value may appear once: remove the duplicate row or correct one of the values",
        layer="structure",
    ),
    Rule(
        "structure.primary-key",
        "no two rows have the same primary key",
        "remove the duplicate row, or give it its own id",
        layer="structure",
    ),
    Rule(
        "structure.foreign-key",
        "every reference points to an existing row (empty references are not checked)",
        "correct the id, or add the row it refers to in the referenced table",
        layer="structure",
    ),
    Rule(
        "structure.integrity",
        "every file `datapackage.json` lists has the `bytes` and `hash` it records",
        "run `szdata build`, which records every file's bytes and hash (a raw text is never "
        "edited: restore it as published instead)",
        layer="structure",
    ),
    # -- provenance ------------------------------------------------------------------------
    Rule(
        "provenance.raw-missing",
        "the raw text named by `articles.raw_path` exists",
        "restore the raw file byte for byte as published, or correct `raw_path`",
    ),
    Rule(
        "provenance.regular-file",
        "every file the package reads (descriptor, schemas, tables, raw texts) and everything "
        "in data/raw/ is a regular file inside the package folder: no symbolic link, named "
        "pipe, device or folder",
        "replace it with the file itself (git checkout FILE), or remove it; szdata never "
        "follows a link or reads a pipe or a device",
        fatal=True,
    ),
    Rule(
        "provenance.raw-unlisted",
        "every file in data/raw/ is the raw text of an article of the package (a text "
        "dropped there without `szdata add` is not)",
        "add the text with `szdata add FILE` (which parses, records and lists it), or remove "
        "the file: data/raw/ holds the package's raw texts only",
    ),
    Rule(
        "provenance.unknown-file",
        "every file elsewhere under data/ is a file of the package (a resource of the "
        "descriptor); another file there is not read by any command (a warning)",
        "remove the file, or move it out of data/; a new table needs a resource in "
        "datapackage.json and a schema",
        severity="warning",
    ),
    Rule(
        "provenance.temp-file",
        "no temporary file of an interrupted writer (`*.szdata-tmp`) is left in the package "
        "(a warning: the next `szdata build`, `add`, `correct` or `review` removes them)",
        "run `szdata build` (it removes them under the package's lock), or delete them when "
        "no szdata command is running",
        severity="warning",
    ),
    Rule(
        "provenance.raw-hash",
        "the SHA-256 of the raw file equals `articles.sha256`",
        "raw texts are never edited: restore the file as published, or rebuild with "
        "`szdata build` if a new text was added",
    ),
    Rule(
        "provenance.raw-length",
        "the raw file's length equals `articles.bytes` (bytes) and `articles.chars` (code points)",
        "restore the raw file as published, or rebuild the article row with `szdata build`",
    ),
    Rule(
        "provenance.raw-append-only",
        "with `--base REF`: every raw text that REF has is still there, byte for byte, unless "
        "a `note` decision on `articles` (key: the article id, column `sha256`) gives its "
        "new SHA-256 (empty: deleted)",
        "raw texts are append-only: restore the file as REF has it (`git checkout REF -- "
        "FILE`), or record why it changed in decisions.csv (action note, column sha256, "
        "curated_value the new SHA-256) with a reason and evidence",
    ),
    Rule(
        "provenance.span-in-text",
        "every span satisfies 0 <= start < end <= the length of its article's raw text",
        "recompute start and end as code-point offsets into the raw text (not bytes, not lines)",
        text=True,
    ),
    Rule(
        "provenance.quote-span",
        "every quote equals raw[start:end] of its article",
        "copy the quote from the raw text at start:end (code points), or correct the offsets",
        text=True,
    ),
    Rule(
        "provenance.id-from-start",
        "a row id says its row: `<article_id>.<letter><start>` (`<article_id>.i<item_no>` "
        "for items)",
        "rebuild with `szdata build`; an added row's id is its article id, its letter and its "
        "start",
    ),
    Rule(
        "provenance.span-unique",
        "no two rows of a table (figures, dates, mentions) share a span",
        "remove the row that repeats the span, or correct its start and end",
    ),
    Rule(
        "provenance.span-in-item",
        "a span with an item lies inside that item of the same article; a span without one "
        "lies outside every item",
        "set `item_id` to the item whose span contains the row's span (empty outside items)",
        text=True,
    ),
    # -- figures ---------------------------------------------------------------------------
    Rule(
        "figure.value-finite",
        "a figure's value is a finite number",
        "write the number the quote states; NaN and infinity are not figures",
    ),
    Rule(
        "figure.value-from-quote",
        "the value read again from the quote (digits, number words, scale words) equals `value`",
        "normalise the quote's number: no separators, words multiplied out "
        "('250 million' -> 250000000)",
        text=True,
    ),
    Rule(
        "figure.qualifier-from-quote",
        "the qualifier agrees with the words of the quote ('more than' <-> more_than)",
        "set `qualifier` from the quote's words, or widen the quote to include them",
        text=True,
    ),
    Rule(
        "figure.unit-from-quote",
        "the unit agrees with the unit word of the quote (a `count` quote has no unit word)",
        "set `unit` to the unit whose `words` (in units.csv) include the quote's unit word",
        text=True,
    ),
    Rule(
        "figure.counted-from-text",
        "a figure's `counted` is the words the raw text prints right after its quote, as the "
        "parser reads them (`age` for an age)",
        "copy the counted noun phrase from the text after the quote, or leave `counted` empty",
        text=True,
    ),
    Rule(
        "figure.refers-to-sentence",
        "a figure's `refers_to` is the date of a date row whose quote is in the figure's sentence",
        "set `refers_to` to the date printed in the figure's sentence (a row of `dates`), "
        "or leave it empty",
        text=True,
    ),
    # -- dates and articles ----------------------------------------------------------------
    Rule(
        "date.relative-to-publication",
        "a date read from yesterday/today/tomorrow or a weekday name lies where the "
        "publication date puts it (weekday_past: the week before; weekday_next: the week after)",
        "resolve the expression from `articles.published`; a weekday must fall on that weekday",
        text=True,
    ),
    Rule(
        "date.from-quote",
        "every date is read again from its quote: an explicit date is the one printed, a "
        "month-day date has the printed month and day (in the year nearest the publication "
        "date), and the resolution fits the quote's form",
        "set `date` and `resolution` from the quote (see the schema's `resolution`), or "
        "correct the quote's span",
        text=True,
    ),
    Rule(
        "date.relative-to-previous",
        "'the next day' lies one day from the date row printed before it, and the end of a "
        "range ('6' of 'Mar 3 to 6') closes it in the same month",
        "resolve the expression from the date row just before it in the article",
        text=True,
    ),
    Rule(
        "article.title-from-text",
        "the title is the one the parser reads at the head of the raw text (its first line, "
        "or the line under a site name)",
        "copy the title verbatim from the first line of the raw text",
        text=True,
    ),
    Rule(
        "article.header-from-text",
        "an article's `editor` and `source_printed` are printed in the head of its raw text "
        "(the `Editor:` and `From:` fields, or a dateline), verbatim",
        "copy the field as the header prints it; when the printed field is wrong, record the "
        "true one as a `note` decision",
        text=True,
    ),
    Rule(
        "article.briefing-title",
        "a text whose title names a Daily Briefing is a briefing, whatever `kind` says",
        "set `kind` to `briefing`",
        text=True,
    ),
    Rule(
        "article.title-date",
        "a briefing's title date is the date its title prints (in the year nearest the "
        "publication) and equals its publication date",
        "check the title and the `Updated:` field; when the printed date is wrong, record the "
        "true one as a `note` decision",
        text=True,
    ),
    Rule(
        "article.published-basis",
        "`published_basis` is borne out, the text's own date first: header -> a header date "
        "(`Updated:` field or dateline) equal to `published`; title -> `title_date`, a full "
        "date the title prints; address -> the date inside `url`; inferred -> a `set "
        "published` decision giving the date, for a text and an address that carry none",
        "use the basis the date really comes from (a text that prints its date is dated by "
        "it: record a wrong printed date as a `note`); `inferred` needs a `set published` "
        "decision with its reasoning",
        text=True,
    ),
    # -- items -----------------------------------------------------------------------------
    Rule(
        "item.numbering",
        "a briefing's items are numbered 1..n without gaps, each span starting with its number",
        "number the items as printed: 1, 2, 3, ... with the span starting at the number",
        text=True,
    ),
    Rule(
        "item.printed-from-text",
        "an item's `headline` is printed at its start, right after its number, and its "
        "`source_printed` at its end (`(Source: ...)`), verbatim",
        "copy the headline and the source as the item prints them; when the text is wrong, "
        "record the true value as a `note` decision",
        text=True,
    ),
    Rule(
        "item.order",
        "items follow the text: a higher number starts later in the raw text",
        "check start and item_no: item n+1 starts after item n",
    ),
    Rule(
        "item.overlap",
        "the spans of an article's items do not overlap",
        "end each item before the next item's number",
    ),
    # -- organizations ---------------------------------------------------------------------
    Rule(
        "organization.unique-name",
        "no two organizations have the same name once quotes, spaces and case are normalised",
        "merge the two organizations, or make the names tell them apart",
    ),
    Rule(
        "alias.one-organization",
        "an alias names one organization only, and is not another organization's canonical name",
        "keep the alias on one organization; an ambiguous name cannot be an alias",
    ),
    Rule(
        "organization.parent-cycle",
        "following parent_id never leads back to the organization itself",
        "break the cycle: the top organization of a hierarchy has an empty parent_id",
    ),
    Rule(
        "mention.quote-is-alias",
        "a mention's quote is its organization's canonical name or one of its aliases "
        "(after normalising quotes, spaces and case)",
        "point the mention at the right organization, or add the printed name to aliases.csv",
        text=True,
    ),
    # -- decisions -------------------------------------------------------------------------
    Rule(
        "decision.evidence",
        "a decision's evidence is a web address, or a quote found in the raw text of its "
        "article (the whole of it, each part between '...', or a passage it quotes)",
        "give the address where the fact can be checked, or quote the raw text exactly",
    ),
    Rule(
        "decision.value",
        "a `set` or `note` decision's curated_value is a value its column can hold: its type, "
        "enum and pattern, and a web address (http:// or https://) for an address",
        "write the value as the column's schema says (`szdata correct` checks it before recording)",
    ),
    Rule(
        "decision.applies",
        "a decision names a row its table holds after the build (a `remove` one it no longer "
        "holds) and a column the decision can change: what `szdata build` applies it to",
        "fix the key or the column (`szdata correct` writes both), or remove the decision; "
        "`szdata build --check` shows what the build makes of it",
    ),
    Rule(
        "decision.not-re-read",
        "a row a decision added or set whose quote the checker cannot read at all (a form the "
        "parser does not know, such as a Chinese date) was not re-read from the text: its "
        "curated value stands on the decision's evidence (a warning)",
        "check the value against the text by hand; a quote the checker can read must agree "
        "with its value",
        severity="warning",
    ),
    Rule(
        "decision.date-not-future",
        "a decision is not dated after today",
        "write the date the decision was recorded (`szdata correct` writes today's date)",
    ),
    # -- text hygiene of CSV cells ---------------------------------------------------------
    Rule(
        "text.utf8",
        "every file of the package is UTF-8",
        "re-save the file as UTF-8 (without changing raw texts, which are kept as published)",
        fatal=True,
    ),
    Rule(
        "text.nfc",
        "every text cell is in Unicode normal form NFC",
        "re-type the accented characters, or normalise the cell to NFC",
    ),
    Rule(
        "text.control-chars",
        "no text cell contains a control character (tab, line break, NUL, ...)",
        "remove the control character; a line break inside a cell is never wanted",
    ),
    Rule(
        "text.invisible",
        "no cell of a curated file holds an invisible character (zero-width space or joiner, "
        "soft hyphen, byte-order mark, bidi control); names compare equal without them",
        "delete the invisible character: it makes two names look the same but differ",
    ),
    Rule(
        "text.whitespace",
        "no text cell starts or ends with a space (no-break spaces included)",
        "trim the cell; a quote with spaces at its ends has a wrong span",
    ),
    Rule(
        "text.formula",
        "no text cell starts with =, +, - or @ (in any width: ＝, ﹦), a pipe, or a "
        "percent-encoded or hexadecimal payload (%0A, 0x1b), which a spreadsheet would run",
        "reword the cell so that it starts with a letter or digit",
    ),
    # -- review ----------------------------------------------------------------------------
    Rule(
        "review.unreviewed",
        "every article and row has been reviewed (a warning; an error with --strict)",
        "check the rows against the text, then run "
        "`szdata review ARTICLE --accept --reviewer NAME`",
        severity="warning",
        strict=True,
    ),
    Rule(
        "review.complete",
        "a reviewed article's review names its reviewer, its date and the SHA-256 of the text "
        "it covered",
        "record reviews with `szdata review ARTICLE --accept --reviewer NAME`, which fills all "
        "three",
    ),
    Rule(
        "review.text-changed",
        "a reviewed text is the text that was reviewed: its SHA-256 is the review's (a "
        "warning; an error with --strict)",
        "check the changed text's rows again, then run "
        "`szdata review ARTICLE --accept --reviewer NAME`",
        severity="warning",
        strict=True,
    ),
    Rule(
        "review.date-not-future",
        "a review is not dated after today",
        "write the date of the review (`szdata review` writes today's date)",
    ),
)

RULES: dict[str, Rule] = {r.name: r for r in _ALL}
"""Every rule, by name, in the order reports list them."""


@dataclass(frozen=True)
class Stricter:
    """Cells that szdata's structural layer rejects and ``frictionless validate`` accepts.

    Parameters
    ----------
    rule
        The ``structure`` rule that rejects them.
    what
        The cells, in words (the README's list).
    types
        The field types concerned (``"uri"``: the ``uri`` format of a string), or ``()``
        for any field.
    cells
        A regular expression (Python, searched) that every such cell matches; ``""``: the
        whole rule is stricter (every issue of it).
    examples
        Cells of a field of the first of ``types`` that szdata rejects and frictionless
        accepts (``tests/test_differential.py`` checks it, so the list stays true).
    reason
        Why szdata is stricter, on purpose.
    constraints
        The field's constraints for the examples (e.g. a pattern).
    """

    rule: str
    what: str
    types: tuple[str, ...]
    cells: str
    examples: tuple[str, ...]
    reason: str
    constraints: tuple[tuple[str, object], ...] = ()


STRICTER: tuple[Stricter, ...] = (
    Stricter(
        "structure.csv-syntax",
        "a stray quote: a quoted cell never closed, or a quote inside a cell not doubled",
        (),
        "",
        ('"seen" twice',),
        "frictionless (Python's csv module, leniently) reads '\"seen\" twice' as 'seen twice', "
        "silently dropping the quotes a contributor typed",
    ),
    Stricter(
        "structure.type",
        "integers and numbers with spaces around them (`' 20'`)",
        ("integer", "number"),
        r"^\s|\s$",
        (" 20", "20 "),
        "frictionless strips the spaces before reading the number; szdata reads the cell as "
        "stored, as polars, pandas, SQLite and spreadsheets do, so that every reader of the "
        "CSV gets the same number (a spaced number is a hand edit or a misaligned cell)",
    ),
    Stricter(
        "structure.type",
        "integers and numbers written with non-ASCII digits or `_` (`'٣'`, `'２０'`, `'20_000'`)",
        ("integer", "number"),
        r"[^\x00-\x7f]|_",
        ("\u0663", "\uff12\uff10", "20_000"),
        "Python's int() and Decimal(), which frictionless uses, read any Unicode digit and "
        "`_` between digits; the standard's form is ASCII digits, and no other reader takes them",
    ),
    Stricter(
        "structure.type",
        "integers beyond 64 bits (`9223372036854775808`)",
        ("integer",),
        r"^[+-]?0*[0-9]{19,}$",
        ("9223372036854775808", "-9223372036854775809"),
        "Python's integers have no bound; every export stores integers in 64 bits (SQLite "
        "INTEGER, Parquet int64, pandas and polars Int64), so a larger one could not be kept",
    ),
    Stricter(
        "structure.type",
        "numbers beyond 64-bit floating point (`1e-400`, `1e400`)",
        ("number",),
        r"[eE][+-]?[0-9]{3,}|[0-9]{300,}",
        ("1e-400", "-1e-400", "1e400"),
        "frictionless reads numbers as Python Decimals, of any size; every export and reader "
        "of the tables stores them in 64 bits (SQLite REAL, Parquet double, pandas and polars "
        "Float64), where these become 0 or infinity",
    ),
    Stricter(
        "structure.type",
        "numbers that are Python's Decimal extensions: signalling NaN and NaN payloads "
        "(`'sNaN'`, `'NaN12'`)",
        ("number",),
        r"(?i)^[+-]?(snan[0-9]*|nan[0-9]+)$",
        ("sNaN", "NaN12"),
        "frictionless reads numbers with Python's Decimal, which has them; no other reader "
        "does. (NaN, INF and -INF are numbers for both, as the standard says; "
        "`figure.value-finite` refuses them as figures)",
    ),
    Stricter(
        "structure.type",
        "dates not written YYYY-MM-DD: without leading zeros (`2020-4-7`), with non-ASCII digits",
        ("date",),
        r"^\s*\d{1,4}-\d{1,2}-\d{1,2}\s*$",
        ("2020-4-7", "2020-04-7", "\uff12020-04-07"),
        "the standard's default date format is ISO 8601, YYYY-MM-DD; frictionless reads it "
        "with strptime('%Y-%m-%d'), which also takes unpadded and non-ASCII digits. Such "
        "dates sort wrongly as text and other readers refuse them",
    ),
    Stricter(
        "structure.format-uri",
        "`uri` cells that are not `http`/`https` addresses with a host (`mailto:`, `urn:`, "
        "`file:///`, `javascript:`, `ftp://`, `http://`, spaces inside)",
        ("uri",),
        r"^[A-Za-z][A-Za-z0-9+.-]*:",
        (
            "mailto:press@sz.gov.cn",
            "urn:isbn:0451450523",
            "file:///etc/passwd",
            "javascript://www.sz.gov.cn/%0Aalert(1)",
            "ftp://www.sz.gov.cn/a.txt",
            "http://",
        ),
        "a `uri` of this package (`articles.url`, copied into the descriptor's `sources`) is "
        "where a text was posted: an address a reader's browser opens (http:// or https://, "
        "and a host). frictionless checks only the loose syntax of RFC 3986",
    ),
    Stricter(
        "structure.pattern",
        "cells that match a pattern but for a line break at their end",
        ("string",),
        r"\n$",
        ("abc\n",),
        "frictionless anchors patterns with ^...$ and Python's $ also matches before a final "
        "line break; the standard matches the whole value",
        constraints=(("pattern", "[a-z]+"),),
    ),
    Stricter(
        "structure.required",
        "an empty cell of a primary-key field not marked `required`",
        (),
        r"^$",
        (),
        "the standard says primary-key values must not be null; frictionless 5 reports only a "
        "key whose every cell is empty (every primary-key field of this package is also "
        "marked required, so the two agree on it)",
    ),
)
"""Where szdata is deliberately stricter than ``frictionless validate``, and why: the one
list (the README's, ``docs/trust.md``'s and the differential test's). Everywhere else the
structural layer and frictionless give the same verdict (``tests/test_differential.py``)."""


def rules_markdown() -> str:
    """The README's list of rules, as a Markdown table generated from :data:`RULES`.

    Examples
    --------
    >>> rules_markdown().splitlines()[0]
    '| Rule | What it checks | Severity | Curated rows |'
    """
    lines = [
        "| Rule | What it checks | Severity | Curated rows |",
        "| --- | --- | --- | --- |",
    ]
    for r in _ALL:
        severity = "exit 2" if r.fatal else r.severity
        if r.strict:
            severity = "warning (error with `--strict`)"
        explanation = r.explanation.replace("|", "\\|")
        curated = "held to the text" if r.text else ""
        lines.append(f"| `{r.name}` | {explanation} | {severity} | {curated} |")
    return "\n".join(lines) + "\n"


def stricter_markdown() -> str:
    """The README's list of where szdata is stricter than frictionless (:data:`STRICTER`).

    Examples
    --------
    >>> stricter_markdown().splitlines()[0]
    '| Rule | szdata rejects, frictionless accepts | Why |'
    """
    lines = ["| Rule | szdata rejects, frictionless accepts | Why |", "| --- | --- | --- |"]
    for s in STRICTER:
        reason = s.reason.replace("|", "\\|")
        lines.append(f"| `{s.rule}` | {s.what} | {reason} |")
    return "\n".join(lines) + "\n"


START = "<!-- rules:start -->"
END = "<!-- rules:end -->"
STRICTER_START = "<!-- stricter:start -->"
STRICTER_END = "<!-- stricter:end -->"


def readme_with_rules(readme: str) -> str:
    """``readme`` with the list of rules between its markers replaced by :func:`rules_markdown`,
    and the list of :data:`STRICTER` by :func:`stricter_markdown`.

    Raises
    ------
    ValueError
        When the README has no ``<!-- rules:start -->`` ... ``<!-- rules:end -->`` markers
        (or no ``<!-- stricter:start -->`` ... ``<!-- stricter:end -->`` markers).
    """
    readme = _between(readme, START, END, rules_markdown())
    return _between(readme, STRICTER_START, STRICTER_END, stricter_markdown())


def _between(text: str, start: str, end: str, body: str) -> str:
    if start not in text or end not in text.split(start, 1)[1]:
        raise ValueError(f"the README has no {start} ... {end} markers")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}{end}{tail}"


def _main(argv: list[str] | None = None) -> int:
    """``python -m szdata._validate._rules [--write README.md | --check README.md]``."""
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(description="The README's list of validation rules.")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", type=Path, help="replace the list in this README")
    group.add_argument("--check", type=Path, help="exit 1 when this README's list is stale")
    args = parser.parse_args(argv)
    if args.write is None and args.check is None:
        print(rules_markdown(), end="")
        return 0
    path = args.write or args.check
    text = path.read_text(encoding="utf-8")
    fresh = readme_with_rules(text)
    if args.check is not None:
        if fresh != text:
            print(f"{path}: the list of rules is stale; run --write {path}")
            return 1
        return 0
    from szdata._disk._atomic import atomic_write_bytes

    atomic_write_bytes(path, fresh.encode("utf-8"))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main())
