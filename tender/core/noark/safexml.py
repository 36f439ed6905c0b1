"""Guards for parsing XML we did not write (extract files, bundled schemas).

Noark 5 files never need a document type declaration, and a DTD is where entity bombs and
external-entity tricks live, so we refuse documents that have one before any parser sees them.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

_DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_PROLOG_ITEM = re.compile(r"\s*(<\?.*?\?>|<!--.*?-->)", re.DOTALL)


def _decode_head(head: bytes) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="replace")
    if head[:2] in (b"<\x00", b"\x00<"):
        return head.decode("utf-16-le" if head[:1] == b"<" else "utf-16-be", errors="replace")
    return head.decode("latin-1")  # ASCII-compatible: enough to see markup


def has_doctype(head: bytes) -> bool:
    """True if the document starting with ``head`` declares a DOCTYPE before its root element.

    ``head`` should hold the prolog (the first 64 KiB is plenty for any real file).
    """
    text = _decode_head(head)
    pos = 0
    while True:
        match = _PROLOG_ITEM.match(text, pos)
        if not match:
            break
        pos = match.end()
    rest = text[pos:].lstrip()
    return bool(_DOCTYPE.match(rest))


class UnsafeXml(ValueError):
    """The document declares a DTD (or is otherwise unsafe to parse)."""


def parse_small(data: bytes) -> etree._Element:
    """Parse a small untrusted document (ADDML, an XSD): no DTD, no network, no entity expansion.

    Raises :class:`UnsafeXml` for a DOCTYPE and ``etree.XMLSyntaxError`` for malformed XML.
    """
    if has_doctype(data[:65536]):
        raise UnsafeXml("document type declaration (DOCTYPE) not allowed")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
    )
    return etree.fromstring(data, parser)
