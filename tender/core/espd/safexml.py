"""Parsing an uploaded ESPD file without trusting it.

An ESPD response never needs a document type declaration, and the DTD is where entity bombs ("billion
laughs") and external entities (file:///etc/passwd, http://...) live: a document with one is refused, before
the parser sees it where the prolog shows it, and after parsing whatever the prolog hid. The parser itself
loads no DTD, resolves no entity, touches no network and keeps libxml2's limits (no huge_tree).
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

from tender.core.espd.model import EspdError

#: checked before any parsing; real responses are well under 2 MB (the EU's fullest v4 example is 1.2 MB)
MAX_BYTES = 10 * 1024 * 1024
#: deeper than any ESPD (the criterion trees nest about 15 levels) yet far below what hurts
MAX_DEPTH = 100
MAX_ELEMENTS = 500_000

_DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(r"<!ENTITY", re.IGNORECASE)
_HEAD = 65536


def _decode_head(head: bytes) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="replace")
    if head[:2] == b"<\x00":
        return head.decode("utf-16-le", errors="replace")
    if head[:2] == b"\x00<":
        return head.decode("utf-16-be", errors="replace")
    return head.decode("latin-1")  # ASCII-compatible: enough to see markup


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def parse(data: bytes) -> etree._Element:
    """The root element of ``data``, or an :class:`EspdError` saying why not."""
    if len(data) > MAX_BYTES:
        raise EspdError("too_large", {"size": len(data), "limit": MAX_BYTES})
    if not data.strip():
        raise EspdError("empty")
    head = _decode_head(data[:_HEAD])
    for pattern in (_DOCTYPE, _ENTITY):
        found = pattern.search(head)
        if found:
            raise EspdError("doctype_forbidden", line=_line_of(head, found.start()))
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        message = str(exc.msg or "")
        if "depth" in message.lower():
            raise EspdError("too_deep", {"limit": MAX_DEPTH}, line=exc.lineno) from None
        raise EspdError("not_xml", {"detail": message}, line=exc.lineno or None) from None
    except (ValueError, LookupError) as exc:  # e.g. an encoding lxml does not know
        raise EspdError("not_xml", {"detail": str(exc)}) from None
    if root is None:
        raise EspdError("not_xml", {"detail": "no root element"})
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise EspdError("doctype_forbidden", line=1)
    _check_shape(root)
    return root


def _check_shape(root: etree._Element) -> None:
    """Refuse trees deeper or larger than an ESPD ever is, without recursion."""
    count = 0
    stack: list[tuple[etree._Element, int]] = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        count += 1
        if count > MAX_ELEMENTS:
            raise EspdError("too_many_elements", {"limit": MAX_ELEMENTS}, line=element.sourceline)
        if depth > MAX_DEPTH:
            raise EspdError("too_deep", {"limit": MAX_DEPTH}, line=element.sourceline)
        stack.extend((child, depth + 1) for child in element)
