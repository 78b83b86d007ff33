"""Read every distinct figure quote again, as :func:`szdata._parse._quantities.read_quantity` does.

A million figures have hundreds of thousands of distinct quotes ("41,300 masks", "more
than 140,000", "2.6 million yuan"), but only a few hundred distinct *templates*: the quote
with its first digit number replaced. :func:`read_quotes` calls ``read_quantity`` once per
template and multiplies the digit number out in polars, which gives the same value,
qualifier and unit as calling it on each quote:

* the number ``D`` is the first run of ASCII digits, commas and points; it is used only
  when it is, as a whole, a digit number of the grammar (``DIGIT_NUMBER``) and neither
  neighbour is a digit, a comma or a point, so that the grammar reads ``D`` as one token;
* no other token of the grammar (qualifiers before and after, "between", number and scale
  words, unit words and the adjectives before them, ``%``,
  ``-``, "out of") contains a digit, a comma or a point, and none looks behind itself,
  so replacing ``D`` by ``1`` or ``2`` leaves the rest of the match unchanged
  (:func:`fast_path_sound` checks this of the vocabulary in use);
* the template with ``1`` and the one with ``2`` must read as ``k`` and ``2k`` (``k != 0``)
  with no upper end (no range), which proves that ``D`` is the number read (not the one
  after "out of"), with the scale factor ``k``;
* ``k`` must be a power of ten and ``D`` have at most 15 digits: the value is then the
  digits of ``D`` as an integer ``m`` (exact in a float) times or divided by one power of
  ten (exact too), a single correctly rounded operation, which gives the float nearest
  the exact value, as ``read_quantity`` does with :class:`fractions.Fraction`
  ("4.1 billion" is 41 * 10**8 = 4100000000, never 4.1 * 1e9 = 4099999999.9999995).

Every other quote (number words, unreadable templates) is read by ``read_quantity``
itself, so that its error message names the quote. A test compares both on generated
quotes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from szdata._parse._quantities import UnitWords

QUOTE, VALUE, QUALIFIER, UNIT, ERROR = "quote", "__qv", "__qq", "__qu", "__qe"
VALUE_MAX = "__qm"
_POWERS = {i: float(10**i) for i in range(23)}
"""Powers of ten that a float holds exactly."""
_SPLIT = r"(?s)^(?<p>[^0-9]*)(?<d>[0-9][0-9.,]*)(?<s>.*)$"
_DIGIT = re.compile(r"\d")
_PUNCTUATION = re.compile(r"[.,\s]+")


def fast_path_sound(units: UnitWords) -> bool:
    """Whether the template shortcut reads quotes exactly as ``read_quantity`` with ``units``.

    Examples
    --------
    >>> from szdata._parse._quantities import UnitWords
    >>> fast_path_sound(UnitWords.load())
    True
    """
    from szdata._parse import _quantities as q

    words = [*units.by_word, *q.QUALIFIER_PHRASES, *q.POST_QUALIFIER_PHRASES, *q.SCALES]
    words += [*q.NUMBER_WORDS, *q.UNIT_ADJECTIVES, "between", "aged"]
    # a word could take part of a number only with a digit in it, or if made of , and .
    if any(_DIGIT.search(w) or _PUNCTUATION.fullmatch(w) for w in words):
        return False
    parts = [q.QUALIFIER, q.POST_QUALIFIER, q.WORD_NUMBER, q.SCALE, units.pattern()]
    parts.append(units.currency_pattern())
    parts.append(units.singular_pattern())
    return not any("(?<=" in p or "(?<!" in p for p in parts)


_Read = tuple[float | None, str | None, str | None, str | None, float | None]


def _read_one(quote: str, units: UnitWords) -> _Read:
    """(value, qualifier, unit, error, value_max) of one quote, by ``read_quantity`` itself."""
    from szdata._parse._quantities import read_exact, to_float

    try:
        q = read_exact(quote, units=units)
    except ValueError as exc:
        return None, None, None, str(exc), None
    try:
        unit: str | None = units.fraction_unit if q.fraction else units.unit_of(q.unit_word)
    except KeyError:
        unit = None
    top = None if q.value_max is None else to_float(q.value_max)
    return to_float(q.value), q.qualifier, unit, None, top


def _frame(rows: list[tuple[object, ...]], key: str) -> pl.DataFrame:
    import polars as pl

    schema = {key: pl.String, VALUE: pl.Float64, QUALIFIER: pl.String}
    schema |= {UNIT: pl.String, ERROR: pl.String, VALUE_MAX: pl.Float64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def read_quotes(quotes: pl.Series, units: UnitWords) -> pl.DataFrame:
    """Read each distinct quote: ``quote``, ``__qv`` value, ``__qq`` qualifier, ``__qu`` unit
    code (null when no unit has the quote's unit word), ``__qe`` error (null when readable),
    ``__qm`` a range's upper end (null for a single number).

    Examples
    --------
    >>> import polars as pl
    >>> from szdata._parse._quantities import UnitWords
    >>> quotes = pl.Series(["more than 41,300", "2.6 million yuan", "Seventeen", "a lot"])
    >>> read = read_quotes(quotes, UnitWords.load()).sort("quote")
    >>> read.drop("__qe", "__qm").rows()  # doctest: +NORMALIZE_WHITESPACE
    [('2.6 million yuan', 2600000.0, 'exact', 'CNY'), ('Seventeen', 17.0, 'exact', 'count'),
     ('a lot', None, None, None), ('more than 41,300', 41300.0, 'more_than', 'count')]
    >>> print(read["__qe"][2][:36])
    the quote 'a lot' is not a quantity:
    """
    import polars as pl

    from szdata._parse._quantities import DIGIT_NUMBER

    frame = pl.DataFrame({QUOTE: quotes.drop_nulls().unique()}, schema={QUOTE: pl.String})
    if fast_path_sound(units):
        parts = frame.select(pl.col(QUOTE), pl.col(QUOTE).str.extract_groups(_SPLIT).alias("g"))
        frame = parts.unnest("g")
        p, d, s = pl.col("p"), pl.col("d"), pl.col("s")
        fast = (
            d.str.contains(f"^(?:{DIGIT_NUMBER})$")
            & ~p.str.contains(r"[\d.,]$")
            & ~s.str.contains(r"^\d")
        ).fill_null(False)
        frame = frame.with_columns(
            (p + pl.lit("1") + s).alias("__t1"), (p + pl.lit("2") + s).alias("__t2")
        )
        templates = pl.concat([frame.filter(fast).get_column(c) for c in ("__t1", "__t2")]).unique()
        read = _frame([(t, *_read_one(t, units)) for t in templates], "__t")
        one = read.rename(lambda c: c + "1")
        two = read.select("__t", pl.col(VALUE).alias("__v2"), QUALIFIER, UNIT, VALUE_MAX)
        two = two.rename({QUALIFIER: "__q2", UNIT: "__u2", VALUE_MAX: "__m2"})
        frame = frame.join(one, on="__t1", how="left")
        frame = frame.join(two, left_on="__t2", right_on="__t", how="left")
        k = pl.col(VALUE + "1")
        digits = d.str.replace_all(",", "", literal=True)
        mantissa = digits.str.replace(".", "", literal=True)
        decimals = digits.str.extract(r"\.([0-9]+)$").str.len_chars().fill_null(0)
        power = k.replace_strict({v: i for i, v in _POWERS.items()}, default=None)
        shift = power.cast(pl.Int64) - decimals.cast(pl.Int64)
        fast = (
            fast
            & pl.col(ERROR + "1").is_null()
            & (k != 0)
            & (pl.col("__v2") == 2 * k)
            & (pl.col(QUALIFIER + "1") == pl.col("__q2"))
            & pl.col(UNIT + "1").eq_missing(pl.col("__u2"))
            & pl.col(VALUE_MAX + "1").is_null()
            & pl.col("__m2").is_null()
            & power.is_not_null()
            & (mantissa.str.len_chars() <= 15)
        ).fill_null(False)
        m = mantissa.cast(pl.Float64, strict=False)
        ten = {i: v for i, v in _POWERS.items()}
        exact = (
            pl.when(shift >= 0)
            .then(m * shift.clip(0, 22).replace_strict(ten, default=None, return_dtype=pl.Float64))
            .otherwise(
                m / (-shift).clip(0, 22).replace_strict(ten, default=None, return_dtype=pl.Float64)
            )
        )
        frame = frame.with_columns(fast.alias("__fast"))
        done = frame.filter("__fast").select(
            QUOTE,
            exact.alias(VALUE),
            pl.col(QUALIFIER + "1").alias(QUALIFIER),
            pl.col(UNIT + "1").alias(UNIT),
            pl.lit(None, pl.String).alias(ERROR),
            pl.lit(None, pl.Float64).alias(VALUE_MAX),
        )
        rest = frame.filter(~pl.col("__fast")).get_column(QUOTE)
    else:
        done = _frame([], QUOTE)
        rest = frame.get_column(QUOTE)
    slow = _frame([(quote, *_read_one(quote, units)) for quote in rest], QUOTE)
    return pl.concat([done, slow])
