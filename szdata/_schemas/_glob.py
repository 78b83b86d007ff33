"""Table Schema patterns as SQL conditions that accept exactly what the pattern accepts.

SQLite has no regular expressions in CHECK constraints (``REGEXP`` needs a function that
every reader would have to register), but it has ``GLOB``, ``length``, ``instr`` and
``substr``. :func:`glob_condition` translates a pattern into a conjunction of those when,
and only when, the translation accepts exactly the strings the pattern fully matches; it
returns ``None`` otherwise, and the exports list such patterns as not checked in SQL.

Hand-written because no library translates regular expressions to GLOB. It reads a small
subset of regular expressions, the one the package's schemas use, whose meaning is the
same in Python's ``re``, polars (Rust ``regex``) and DuckDB (RE2): literal characters,
escaped punctuation (``\\.``), character classes with ranges (``[a-z0-9_-]``, ``[^,]``),
groups of alternatives (``(0|[1-9][0-9]*)``) and the quantifiers ``?``, ``*``, ``+``,
``{n}``, ``{m,}``, ``{m,n}``. Anything else (``.``, ``\\d``, anchors, lookarounds, a
quantified group) is not translated. The translation of a sequence:

- with at most one repeated part ``C{m,n}`` between fixed parts ``P`` and ``S``: the
  string GLOBs ``P*S``, no character between them is outside ``C`` (``NOT GLOB
  '??*[^C]*?'``), and its length lies in ``len(P)+len(S)+m .. +n``;
- with more: split at the first literal character ``L`` that nothing before it can
  match; the part before the first ``L`` and the part after it are translated on
  their own (``substr`` around ``instr(x, 'L')``);
- a group of alternatives: the alternatives expanded, joined with ``OR``.

SQLite's ``GLOB`` and ``length`` count characters (code points) of TEXT values, as the
patterns do. A property test compares every translation with :func:`re.fullmatch`.

Examples
--------
>>> print(glob_condition("[0-9a-f]{64}", "x"))
x NOT GLOB '*[^0-9a-f]*' AND length(x) = 64
>>> print(glob_condition("D[0-9]{4,}", "x"))
x GLOB 'D*' AND x NOT GLOB '?*[^0-9]*' AND length(x) >= 5
>>> glob_condition("[a-z]+(-[a-z]+)*", "x") is None  # a repeated group: not translated
True
>>> regex_subset("[a-z]+(-[a-z]+)*")  # but Python, polars and DuckDB read it alike
True
"""

from __future__ import annotations

from dataclasses import dataclass, replace

_MAX_EXPANDED = 16
"""At most this many alternatives after expanding groups; beyond, not translated."""
_MAX_FIXED_COPIES = 8
"""A fixed repetition ``C{n}`` beside another repeated part is written out up to this many
times; beyond, not translated."""


@dataclass(frozen=True)
class _Atom:
    """One character class (a literal is a class of one), or a group, with its repetition."""

    ranges: tuple[tuple[str, str], ...] = ()
    negated: bool = False
    group: tuple[tuple[_Atom, ...], ...] | None = None
    least: int = 1
    most: int | None = 1

    @property
    def literal(self) -> str | None:
        """The one character this atom matches, if it is a single literal character."""
        if self.group is None and not self.negated and len(self.ranges) == 1:
            lo, hi = self.ranges[0]
            if lo == hi:
                return lo
        return None

    def matches(self, char: str) -> bool:
        """Whether the class accepts ``char`` (groups: never asked)."""
        inside = any(lo <= char <= hi for lo, hi in self.ranges)
        return inside != self.negated


class _Unsupported(Exception):
    """The pattern uses something outside the translated subset."""


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0

    def peek(self) -> str:
        return self.p[self.i] if self.i < len(self.p) else ""

    def take(self) -> str:
        c = self.peek()
        if not c:
            raise _Unsupported("unexpected end")
        self.i += 1
        return c

    def alternatives(self) -> tuple[tuple[_Atom, ...], ...]:
        alts = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            alts.append(self.sequence())
        return tuple(alts)

    def sequence(self) -> tuple[_Atom, ...]:
        atoms: list[_Atom] = []
        while self.peek() not in ("", "|", ")"):
            atoms.append(self.quantified(self.atom()))
        return tuple(atoms)

    def atom(self) -> _Atom:
        c = self.take()
        if c == "(":
            if self.p.startswith("?:", self.i):
                self.i += 2
            elif self.peek() == "?":
                raise _Unsupported("special group")
            alts = self.alternatives()
            if self.take() != ")":
                raise _Unsupported("unclosed group")
            return _Atom(group=alts)
        if c == "[":
            return self.char_class()
        if c == "\\":
            return _literal(self.escaped())
        if c in ".^$*+?{}]":
            raise _Unsupported(f"special character {c!r}")
        return _literal(c)

    def escaped(self) -> str:
        c = self.take()
        if c.isalnum() or c.isspace():  # \d, \w, \b, \n, \1 ...: not translated
            raise _Unsupported(f"escape \\{c}")
        return c

    def char_class(self) -> _Atom:
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        ranges: list[tuple[str, str]] = []
        first = True
        while True:
            c = self.take()
            if c == "]" and not first:
                break
            if c == "[" or (c == "&" and self.peek() == "&") or (c in "-~" and self.peek() == c):
                raise _Unsupported("nested or set-operation class")
            if c == "\\":
                c = self.escaped()
            first = False
            if self.peek() == "-" and self.p[self.i + 1 : self.i + 2] not in ("]", ""):
                self.i += 1
                hi = self.take()
                if hi == "\\":
                    hi = self.escaped()
                elif hi == "[":
                    raise _Unsupported("nested class")
                if hi < c:
                    raise _Unsupported("reversed range")
                ranges.append((c, hi))
            else:
                ranges.append((c, c))
        return _Atom(ranges=tuple(ranges), negated=negated)

    def quantified(self, atom: _Atom) -> _Atom:
        c = self.peek()
        bounds: tuple[int, int | None] | None = None
        if c in ("*", "+", "?"):
            self.i += 1
            bounds = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
        elif c == "{":
            end = self.p.find("}", self.i)
            if end < 0:
                raise _Unsupported("unclosed repetition")
            body = self.p[self.i + 1 : end]
            lo, comma, hi = body.partition(",")
            if not lo.isdigit() or (hi and not hi.isdigit()):
                raise _Unsupported(f"repetition {{{body}}}")
            bounds = (int(lo), (int(hi) if hi else None) if comma else int(lo))
            if bounds[1] is not None and bounds[1] < bounds[0]:
                raise _Unsupported("reversed repetition")
            self.i = end + 1
        if bounds is None:
            return atom
        if self.peek() in ("?", "+", "*", "{"):
            raise _Unsupported("lazy, possessive or repeated quantifier")
        return replace(atom, least=bounds[0], most=bounds[1])


def _literal(c: str) -> _Atom:
    return _Atom(ranges=((c, c),))


def _parse(pattern: str) -> tuple[tuple[_Atom, ...], ...] | None:
    parser = _Parser(pattern)
    try:
        alts = parser.alternatives()
        if parser.i != len(pattern):
            raise _Unsupported("unbalanced parenthesis")
    except _Unsupported:
        return None
    return alts


def regex_subset(pattern: str) -> bool:
    """Whether ``pattern`` lies in the subset whose meaning Python, polars and RE2 share.

    Examples
    --------
    >>> regex_subset("[a-z0-9][a-z0-9_-]{0,63}"), regex_subset(r"\\d+")
    (True, False)
    """
    return _parse(pattern) is not None


# -- GLOB ------------------------------------------------------------------------------------


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _glob_char(c: str) -> str:
    return f"[{c}]" if c in "*?[" else c


def _class_items(ranges: tuple[tuple[str, str], ...]) -> str | None:
    """The inside of a GLOB ``[...]`` for these ranges (``]`` first, ``-`` last)."""
    singles = list(dict.fromkeys(lo for lo, hi in ranges if lo == hi))
    spans = [(lo, hi) for lo, hi in ranges if lo != hi]
    if any(ch in "]-^" for span in spans for ch in span):
        return None
    body = "".join(f"{lo}-{hi}" for lo, hi in spans)
    body += "".join(c for c in singles if c not in "]-^")
    if "^" in singles:
        body += "^"  # never first: a leading ^ would negate
    if "]" in singles:
        body = "]" + body
    if "-" in singles:
        body += "-"
    if body in ("^", ""):  # "[^]" would not parse as the class of ^
        return None
    return body


def _glob_atom(atom: _Atom) -> str | None:
    """The GLOB of one character matched by ``atom``."""
    lit = atom.literal
    if lit is not None:
        return _glob_char(lit)
    items = _class_items(atom.ranges)
    if items is None:
        return None
    return f"[^{items}]" if atom.negated else f"[{items}]"


def _glob_outside(atom: _Atom) -> str | None:
    """The GLOB of one character that ``atom`` does *not* match."""
    items = _class_items(atom.ranges)
    if items is None:
        return None
    return f"[{items}]" if atom.negated else f"[^{items}]"


def _expand_fixed(atoms: tuple[_Atom, ...], keep: int | None) -> list[_Atom] | None:
    """Fixed repetitions ``C{n}`` written out as ``n`` atoms (except the one at ``keep``)."""
    out: list[_Atom] = []
    for i, a in enumerate(atoms):
        if i == keep:
            out.append(a)
        elif a.least == a.most:
            if a.least > _MAX_FIXED_COPIES:
                return None
            out += [replace(a, least=1, most=1)] * a.least
        else:
            return None
    return out


def _one_run(atoms: tuple[_Atom, ...], expr: str) -> list[str] | None:
    """Conditions for a sequence with at most one repeated part (no groups)."""
    runs = [i for i, a in enumerate(atoms) if a.least != a.most]
    if len(runs) > 1:
        return None
    if not runs:  # the longest fixed repetition becomes the run, the others are written out
        repeated = [i for i, a in enumerate(atoms) if a.least > 1]
        runs = [max(repeated, key=lambda i: atoms[i].least)] if repeated else []
    keep = runs[0] if runs else None
    expanded = _expand_fixed(atoms, keep)
    if expanded is None:
        return None
    at = next((i for i, a in enumerate(expanded) if a.least != 1 or a.most != 1), None)
    head, tail = (expanded, []) if at is None else (expanded[:at], expanded[at + 1 :])
    head_glob = [_glob_atom(a) for a in head]
    tail_glob = [_glob_atom(a) for a in tail]
    if None in head_glob or None in tail_glob:
        return None
    prefix, suffix = "".join(head_glob), "".join(tail_glob)  # type: ignore[arg-type]
    if at is None:
        return [f"{expr} GLOB {_sql_text(prefix)}"]
    run = expanded[at]
    conds = []
    if prefix or suffix:
        conds.append(f"{expr} GLOB {_sql_text(prefix + '*' + suffix)}")
    outside = _glob_outside(run)
    if outside is None:
        return None
    middle = "?" * len(head) + "*" + outside + "*" + "?" * len(tail)
    conds.append(f"{expr} NOT GLOB {_sql_text(middle)}")
    fixed = len(head) + len(tail)
    if run.most is not None and run.most == run.least:
        conds.append(f"length({expr}) = {fixed + run.least}")
    else:
        if run.least > 0:
            conds.append(f"length({expr}) >= {fixed + run.least}")
        if run.most is not None:
            conds.append(f"length({expr}) <= {fixed + run.most}")
    return conds or [f"{expr} IS NOT NULL"]


def _split_at(atoms: tuple[_Atom, ...]) -> int | None:
    """The first literal atom that nothing before it can match (a place to split), if any."""
    for i, a in enumerate(atoms):
        lit = a.literal
        single = lit is not None and (a.least, a.most) == (1, 1)
        if i > 0 and single and all(b.group is None and not b.matches(lit) for b in atoms[:i]):
            return i
        if a.group is not None:
            return None
    return None


def _sequence(atoms: tuple[_Atom, ...], expr: str, budget: list[int]) -> list[str] | None:
    groups = [i for i, a in enumerate(atoms) if a.group is not None]
    runs = [a for a in atoms if a.least != a.most]
    if not groups:
        simple = _one_run(atoms, expr)
        if simple is not None:
            return simple
    at = _split_at(atoms)
    if at is not None and (groups or len(runs) > 1):
        lit = atoms[at].literal or ""
        pos = f"instr({expr}, {_sql_text(lit)})"
        left = _sequence(atoms[:at], f"substr({expr}, 1, {pos} - 1)", budget)
        right = _sequence(atoms[at + 1 :], f"substr({expr}, {pos} + 1)", budget)
        if left is None or right is None:
            return None
        return [f"{pos} > 0", *left, *right]
    if groups:
        g = atoms[groups[0]]
        if (g.least, g.most) != (1, 1) or g.group is None:
            return None
        budget[0] -= len(g.group) - 1
        if budget[0] < 0:
            return None
        before, after = atoms[: groups[0]], atoms[groups[0] + 1 :]
        return _alternatives(tuple(before + alt + after for alt in g.group), expr, budget)
    return None


def _alternatives(
    alts: tuple[tuple[_Atom, ...], ...], expr: str, budget: list[int]
) -> list[str] | None:
    parts = []
    for alt in alts:
        conds = _sequence(alt, expr, budget)
        if conds is None:
            return None
        parts.append(conds)
    if len(parts) == 1:
        return parts[0]
    return ["(" + " OR ".join("(" + " AND ".join(p) + ")" for p in parts) + ")"]


def glob_condition(pattern: str, expr: str) -> str | None:
    """An SQLite condition on ``expr`` true exactly when ``pattern`` matches it as a whole.

    ``None`` when no such translation is known (see the module's docstring). A NULL
    ``expr`` makes the condition NULL, which a CHECK constraint accepts (as the Table
    Schema checks patterns on present values only).

    Examples
    --------
    >>> print(glob_condition(r"data/raw/[A-Za-z0-9][A-Za-z0-9_.-]*\\.txt", '"p"'))
    "p" GLOB 'data/raw/[A-Za-z0-9]*.txt' AND "p" NOT GLOB '??????????*[^A-Za-z0-9_.-]*????'
    >>> glob_condition(r"\\w+", "x") is None
    True
    """
    alts = _parse(pattern)
    if alts is None:
        return None
    conds = _alternatives(alts, expr, [_MAX_EXPANDED])
    return None if conds is None else " AND ".join(conds)
