"""Text normalisation shared by the parser, the validator and the loaders.

Two kinds, kept apart on purpose:

* :func:`fold` maps one character to one character (curly quotes to straight, dashes to
  ``-``, no-break spaces to spaces), so offsets found in folded text are offsets in the
  raw text;
* :func:`name_key` also collapses spaces and ignores case: two printed names with the same
  key name the same thing ("Shenzhen’s  Health Commission" and "Shenzhen's health commission").
"""

from __future__ import annotations

import re

FOLDS: dict[str, str] = {
    "\u2018": "'",  # left single quote
    "\u2019": "'",  # right single quote / apostrophe
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",  # prime
    "\u00b4": "'",  # acute accent used as apostrophe
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",
    "\u2212": "-",  # minus sign
    "\u00a0": " ",  # no-break space
    "\u2007": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u3000": " ",
    "\t": " ",
}
"""Each character :func:`fold` replaces, with its replacement (one ASCII character)."""

_FOLD_PAIRS = tuple(FOLDS.items())


def fold(text: str) -> str:
    """Fold quotes, dashes and spaces to ASCII, one character for one.

    Examples
    --------
    >>> fold("Shenzhen\u2019s\u00a0health commission")
    "Shenzhen's health commission"
    >>> len(fold("a\u2014b")) == len("a\u2014b")
    True
    """
    if text.isascii():
        return text.replace("\t", " ")
    # One ``str.replace`` per character present: about 30 times faster than
    # ``str.translate`` with a dict, and the same text, since no replacement is itself
    # replaced (a test checks both).
    for char, repl in _FOLD_PAIRS:
        if char in text:
            text = text.replace(char, repl)
    return text


INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
"""Characters a reader cannot see: soft hyphen, zero-width spaces and joiners, word joiner,
byte-order mark, and the bidi marks, embeddings, overrides and isolates."""


def name_key(name: str) -> str:
    """The key under which two printings of a name are the same name.

    Invisible characters (:data:`INVISIBLE`) are removed: "Shenzhen\u200b Daily" is
    "Shenzhen Daily" to a reader, so it is the same name.

    Examples
    --------
    >>> name_key("Shenzhen\u2019s  Health Commission") == name_key("shenzhen's health commission")
    True
    >>> name_key("Shenzhen\u200b Dai\u202ely") == name_key("Shenzhen Daily")
    True
    """
    if not name.isascii():
        name = INVISIBLE.sub("", name)
    return " ".join(fold(name).split()).casefold()
