"""Keep the API key off every page, even where a job printed it.

The local Domino hands each job the API key (`DOMINO_USER_API_KEY`, as Domino does), so a job
that prints its environment writes the key into its log. Pages are rendered to a string and
every occurrence (raw or HTML-escaped) is masked before they are sent; the log endpoint masks
while it streams. File downloads stay byte-exact: they are the project's own files.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

MASK = "[API key hidden]"
CHUNK = 256 * 1024


def redact(text: str, secret: str) -> str:
    if not secret:
        return text
    for form in {secret, html.escape(secret), html.escape(secret, quote=False)}:
        text = text.replace(form, MASK)
    return text


def redacted_file(path: Path, secret: str) -> Iterator[bytes]:
    """The file's bytes with `secret` masked, also where it straddles two chunks."""
    needle, mask = secret.encode(), MASK.encode()
    keep = max(len(needle) - 1, 0)
    carry = b""
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            data = (carry + chunk).replace(needle, mask) if needle else carry + chunk
            # hold back a tail that could be the start of the secret
            cut = len(data) - keep if keep else len(data)
            yield data[:cut]
            carry = data[cut:]
    if carry:
        yield carry
