"""Web addresses: the one form an address in the data takes (``http://`` or ``https://``).

An address of the package (``articles.url``, written into ``datapackage.json``'s
``sources``) is where a text was posted: something a reader's browser opens. Any other
scheme (``javascript:``, ``data:``, ``file:``, ``mailto:``) is refused wherever an address
enters the package: the structural check of ``uri`` fields (``structure.format-uri``), a
decision's value (``decision.value``), and the build, before it writes the descriptor.

Examples
--------
>>> is_web_address("http://www.eyeshenzhen.com/content/2020-04/09/content_23043059.htm")
True
>>> is_web_address("javascript://example.org/%0Aalert(1)"), is_web_address("https://")
(False, False)
"""

from __future__ import annotations

import re

WEB_ADDRESS = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+[^\s]*$"
"""An absolute ``http``/``https`` address with a host, as a whole (the same regular
expression in Python and in polars)."""
_WEB_ADDRESS = re.compile(WEB_ADDRESS)


def is_web_address(text: object) -> bool:
    """Whether ``text`` is an absolute ``http``/``https`` address with a host, nothing else."""
    return isinstance(text, str) and _WEB_ADDRESS.fullmatch(text) is not None
