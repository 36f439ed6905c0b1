"""Where a schema an extract ships differs from our description of the official one."""

from __future__ import annotations

from dataclasses import replace

from .model import ComplexType, Element, Group, Particle, Schema, SimpleType, canonical


def _without_docs(st: SimpleType) -> SimpleType:
    # M-number annotations are documentation: they do not change what validates
    return replace(st, m_number=None, union=tuple(_without_docs(u) for u in st.union))


def _comparable(schema: Schema) -> Schema:
    c = canonical(schema)
    return replace(c, simple_types=tuple(_without_docs(s) for s in c.simple_types), version="", key="")


def _flat(p: Particle | None, prefix: str = "") -> list[str]:
    if p is None:
        return []
    if isinstance(p, Element):
        mx = "n" if p.max is None else str(p.max)
        return [f"{p.label} [{p.min}..{mx}] {p.type or p.ref or ''}".rstrip()]
    out: list[str] = []
    tag = f"{p.kind}[{p.min}..{'n' if p.max is None else p.max}]"
    for item in p.items:
        out.extend(_flat(item, prefix + tag + "/"))
    return [prefix + x if isinstance(p, Group) and not x.startswith(prefix) else x for x in out]


def _complex_summary(ct: ComplexType) -> list[str]:
    head = []
    if ct.extends:
        head.append(f"extends {ct.extends}")
    if ct.simple_content:
        head.append(f"simpleContent {ct.simple_content}")
    head += [f"@{a.name} {a.type} {a.use}" for a in ct.attributes]
    return head + _flat(ct.content)


def _simple_summary(st: SimpleType) -> str:
    if st.union or st.union_members:
        return "union(" + ", ".join([_simple_summary(u) for u in st.union] + list(st.union_members)) + ")"
    facets = ", ".join(f"{k}={v}" for k, v in st.facets)
    return f"{st.base}" + (f" [{facets}]" if facets else "")


def differences(official: Schema, other: Schema, limit: int = 5) -> list[str]:
    """Up to ``limit`` human-readable differences ("type mappe: element tittel [1..1] vs [0..1]")."""
    a, b = _comparable(official), _comparable(other)
    out: list[str] = []
    if a.namespace != b.namespace:
        out.append(f"targetNamespace {b.namespace!r} instead of {a.namespace!r}")
    a_ct = {c.name: c for c in a.complex_types}
    b_ct = {c.name: c for c in b.complex_types}
    for name in sorted(set(a_ct) | set(b_ct), key=str):
        if name not in b_ct:
            out.append(f"complex type {name} is missing")
        elif name not in a_ct:
            out.append(f"complex type {name} is not in the official schema")
        elif a_ct[name] != b_ct[name]:
            sa, sb = _complex_summary(a_ct[name]), _complex_summary(b_ct[name])
            first = next(
                (i for i, (x, y) in enumerate(zip(sa, sb, strict=False)) if x != y), min(len(sa), len(sb))
            )
            x = sa[first] if first < len(sa) else "(nothing)"
            y = sb[first] if first < len(sb) else "(nothing)"
            out.append(f"complex type {name}: {y!r} where the official schema has {x!r}")
        if len(out) >= limit:
            return out
    a_st = {s.name: s for s in a.simple_types}
    b_st = {s.name: s for s in b.simple_types}
    for name in sorted(set(a_st) | set(b_st), key=str):
        if name not in b_st:
            out.append(f"simple type {name} is missing")
        elif name not in a_st:
            out.append(f"simple type {name} is not in the official schema")
        elif (a_st[name].base, a_st[name].facets, a_st[name].union) != (
            b_st[name].base,
            b_st[name].facets,
            b_st[name].union,
        ):
            out.append(
                f"simple type {name}: {_simple_summary(b_st[name])} where the official schema has "
                f"{_simple_summary(a_st[name])}"
            )
        if len(out) >= limit:
            return out
    a_el = {e.label: e for e in a.elements}
    b_el = {e.label: e for e in b.elements}
    for name in sorted(set(a_el) | set(b_el)):
        if a_el.get(name) != b_el.get(name):
            out.append(f"global element {name} differs")
    if not out and a != b:
        out.append("declarations differ (form defaults or imports)")
    return out[:limit]
