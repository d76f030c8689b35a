"""A fact or node as a curator sends it to the workbench, checked against the ontology,
the registry and the page before anything is written: ids where ids go, properties of the
ontology, numbers where the range is numeric, and a quote that is the page's own words."""

from __future__ import annotations

import re
from typing import Any

from rdflib import XSD

from kg.errors import CurationError
from kg.ingest.document import Document, find_all_quotes
from kg.mapping.curated import BUILTIN_SUBJECTS, CURATORS, RESERVED
from kg.mapping.ontology import Ontology
from kg.mapping.registry import Registry

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
INDIVIDUAL = re.compile(r"^[A-Z][A-Za-z]+$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def clean_fact(fact: Any, doc: Document, ontology: Ontology, kinds: dict[str, str],
               new_node: str | None = None) -> dict[str, Any]:
    """A fact as the mapping files write it, from what a curator sends; a
    :class:`CurationError` naming the field when it cannot be one."""
    if not isinstance(fact, dict):
        raise CurationError("a fact must be an object of fields")
    about = fact.get("about")
    if not isinstance(about, str) or not (ID.match(about) or INDIVIDUAL.match(about)):
        raise CurationError("'about' must be an id (the subject of the fact)")
    out: dict[str, Any] = {"about": about}
    claimant = fact.get("claimed_by")
    if claimant:
        if not isinstance(claimant, str) or not (ID.match(claimant) or claimant == CURATORS):
            raise CurationError("'claimed_by' must be a registry id or Curators")
        out["claimed_by"] = claimant
    props = fact.get("properties") or {k: v for k, v in fact.items()
                                       if k not in RESERVED}
    if not isinstance(props, dict) or not props:
        raise CurationError("a fact needs at least one property and its value")
    for key, value in props.items():
        if key not in kinds:
            raise CurationError(f"{key!r} is not a property of the ontology")
        out[key] = _value(key, value, kinds[key], ontology)
    quote = fact.get("quote")
    if not isinstance(quote, str) or not quote.strip():
        raise CurationError("a fact needs a quote: the passage that states it")
    quote = " ".join(quote.split())
    if not find_all_quotes(doc.source, quote):
        raise CurationError(f"the quote is not in the document word for word: {quote!r}")
    out["quote"] = quote
    if isinstance(fact.get("note"), str) and fact["note"].strip():
        out["note"] = fact["note"].strip()
    if about not in BUILTIN_SUBJECTS and about != new_node and not ID.match(about) \
            and about not in ontology.individuals:
        raise CurationError(f"{about!r} is not an id")
    return out


def _value(key: str, value: Any, kind: str, ontology: Ontology) -> Any:
    if isinstance(value, list):
        if not value:
            raise CurationError(f"{key}: give at least one value")
        return [_value(key, v, kind, ontology) for v in value]
    if isinstance(value, bool | int | float):
        return value
    if not isinstance(value, str) or not value.strip():
        raise CurationError(f"{key}: a value must be text, a number or an id")
    value = " ".join(value.split())
    if kind == "object":
        if not (ID.match(value) or INDIVIDUAL.match(value)):
            raise CurationError(f"{key} takes an id (of the registry, the document's "
                                f"nodes or the ontology), got {value!r}")
        return value
    if _NUMBER.match(value) and _numeric(key, ontology):
        return float(value) if "." in value else int(value)
    return value


def _numeric(key: str, ontology: Ontology) -> bool:
    rng = ontology.range_of(ontology.term(key))
    return rng in (XSD.integer, XSD.decimal, XSD.nonNegativeInteger, XSD.positiveInteger,
                   XSD.int, XSD.double, XSD.float)


def clean_node(node: dict[str, Any], ontology: Ontology,
               registry: Registry) -> tuple[str, dict[str, Any]]:
    """A new node's id and declaration, from what a curator sends."""
    ident, cls, label = node.get("id"), node.get("type"), node.get("label")
    if not isinstance(ident, str) or not ID.match(ident):
        raise CurationError("a new node needs an id (lower case words joined by '-')")
    if ident in registry:
        raise CurationError(f"{ident!r} is a registry id already")
    if not isinstance(cls, str) or ontology.term(cls) not in ontology.classes:
        raise CurationError(f"{cls!r} is not a class of the ontology")
    if not isinstance(label, str) or not label.strip():
        raise CurationError("a new node needs a label")
    return ident, {"type": cls, "label": " ".join(label.split())}
