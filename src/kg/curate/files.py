"""The curated YAML files as the workbench changes them: atomically, never outside the
mapping and registry folders, never over an edit it has not seen, and every change undoable.

A mapping file is changed by replacing the lines of one fact (the lines the parser says the
fact spans), so every other byte (comments, order, quoting, blank lines) stays as it was; a
registry file is changed with ruamel.yaml's round-trip loader, which keeps comments, key
order and flow style. Each change is checked by parsing the new text before it is written.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import ConflictError, CurationError, MappingError
from kg.mapping import yamlfile


def version(text: str) -> str:
    """A short digest of a file's text: what a change must have started from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def inside(path: Path, folder: Path) -> Path:
    """``path`` resolved, if it lies inside ``folder``; a :class:`CurationError` otherwise."""
    resolved = path.resolve()
    if not resolved.is_relative_to(folder.resolve()) or resolved.suffix != ".yaml":
        raise CurationError(f"{path}: not a YAML file of {folder}; nothing written")
    return resolved


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a file in the same folder, then rename: a reader
    sees the old file or the new one, never half of one."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class Change:
    """One file's text before and after a change, and what the change did."""

    path: str
    before: str | None  # None: the change created the file
    after: str
    what: str


class History:
    """Every change the workbench made, newest last, kept on disk (one JSON file each) so
    that it can be undone after a restart too."""

    def __init__(self, folder: Path, allowed: tuple[Path, ...]):
        self.folder = folder
        self.allowed = allowed

    def record(self, changes: list[Change]) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        number = max((int(p.stem) for p in self.folder.glob("*.json")), default=0) + 1
        body = json.dumps({"time": time.time(), "changes": [c.__dict__ for c in changes]},
                          ensure_ascii=False)
        write_atomic(self.folder / f"{number:06d}.json", body)
        return number

    def entries(self) -> list[tuple[int, list[Change]]]:
        out = []
        for p in sorted(self.folder.glob("*.json")) if self.folder.exists() else ():
            data = json.loads(p.read_text(encoding="utf-8"))
            out.append((int(p.stem), [Change(**c) for c in data["changes"]]))
        return out

    def undo(self) -> list[Change]:
        """Put back the files of the last change, if no one has changed them since; the
        change leaves the history. Raises :class:`ConflictError` otherwise."""
        entries = self.entries()
        if not entries:
            raise CurationError("nothing to undo")
        number, changes = entries[-1]
        for c in changes:
            path = self._checked(c.path)
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != c.after:
                raise ConflictError(f"{c.path} changed after this change ({c.what}); undo it "
                                    "by hand or reload")
        for c in changes:
            path = self._checked(c.path)
            if c.before is None:
                path.unlink()
            else:
                write_atomic(path, c.before)
        (self.folder / f"{number:06d}.json").unlink()
        return changes

    def _checked(self, name: str) -> Path:
        path = Path(name)
        for folder in self.allowed:
            try:
                return inside(path, folder)
            except CurationError:
                continue
        raise CurationError(f"{name}: the history names a file outside the curated folders")


# --- mapping files: one fact's lines at a time -----------------------------------------

_SCALAR_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*|[A-Z][A-Za-z]+")
_NOT_PLAIN = re.compile(r"\d+(?:-\d+)*|true|false|yes|no|null|on|off|~", re.IGNORECASE)


def yaml_scalar(value: Any) -> str:
    """One value as the mapping files write it: ids and ontology individuals bare,
    numbers and booleans as such, any other text in double quotes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    text = str(value)
    if _SCALAR_ID.fullmatch(text) and not _NOT_PLAIN.fullmatch(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fact_lines(fact: dict[str, Any]) -> list[str]:
    """A fact as the lines of a block sequence item under ``facts:``: ``about`` first,
    ``claimed_by``, the properties, ``quote``, ``note``, then ``candidate``."""
    order = ["about", "claimed_by"]
    tail = ["quote", "note", "candidate"]
    keys = [k for k in order if k in fact]
    keys += [k for k in fact if k not in order and k not in tail]
    keys += [k for k in tail if k in fact]
    lines = []
    for i, key in enumerate(keys):
        lead = "  - " if i == 0 else "    "
        lines.append(f"{lead}{key}: {yaml_scalar(fact[key])}")
    return lines


@dataclass
class FactSpan:
    index: int
    first: int  # 0-based line index of the item's first line
    end: int  # one past its last line (trailing comments and blank lines excluded)


def fact_spans(text: str, file: str) -> tuple[list[FactSpan], int | None]:
    """Where each fact of a mapping text lies (by line), and the line after the last one."""
    data = yamlfile.load_text(text, file)
    facts = data.get("facts") if isinstance(data, dict) else None
    lines = text.splitlines()
    if not isinstance(facts, list):
        return [], None
    spans = [FactSpan(i, n - 1, _block_end(lines, n - 1)) for i, n in enumerate(facts.lines)]
    return spans, (spans[-1].end if spans else None)


def _block_end(lines: list[str], first: int) -> int:
    """One past the last line of the YAML block starting at line ``first`` (a sequence
    item, a mapping key with what is indented under it): up to the next line at its own
    indentation or less that is not a comment, trailing blank and comment lines left out
    (they introduce what follows)."""
    indent = len(lines[first]) - len(lines[first].lstrip())
    end = len(lines)
    for n in range(first + 1, len(lines)):
        line = lines[n]
        if line.strip() and not line.lstrip().startswith("#") and \
                len(line) - len(line.lstrip()) <= indent:
            end = n
            break
    while end > first + 1 and (not lines[end - 1].strip()
                               or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def replace_fact(text: str, file: str, index: int, new: list[str] | None) -> str:
    """The text with fact ``index`` replaced by ``new`` lines (removed when None, with the
    comment lines right above it that introduce it)."""
    spans, _ = fact_spans(text, file)
    if not 0 <= index < len(spans):
        raise CurationError(f"{file}: there is no fact {index + 1} (the file has {len(spans)})")
    lines = text.splitlines(keepends=True)
    span = spans[index]
    first = span.first
    if new is None:  # the "# candidate (post)" line above the fact goes with it
        while first > 0 and lines[first - 1].strip().startswith("#") and \
                (index == 0 or first - 1 >= spans[index - 1].end):
            first -= 1
    replacement = [line + "\n" for line in new] if new is not None else []
    return "".join(lines[:first] + replacement + lines[span.end:])


def append_fact(text: str, file: str, new: list[str], comment: str | None = None) -> str:
    """The text with a fact added after the last one (or as the first of ``facts:``)."""
    spans, end = fact_spans(text, file)
    lines = text.splitlines(keepends=True)
    block = ([f"  # {comment}\n"] if comment else []) + [line + "\n" for line in new]
    if end is not None:
        return "".join(lines[:end] + block + lines[end:])
    for n, line in enumerate(lines):
        if re.match(r"^facts:\s*(\[\s*\])?\s*(#.*)?$", line):
            return "".join(lines[:n] + ["facts:\n"] + block + lines[n + 1:])
    return text.rstrip("\n") + "\n\nfacts:\n" + "".join(block)


def add_node(text: str, file: str, ident: str, node: dict[str, Any]) -> str:
    """The text with a node declared at the end of ``nodes:`` (made if missing)."""
    data = yamlfile.load_text(text, file)
    nodes = data.get("nodes") if isinstance(data, dict) else None
    if isinstance(nodes, dict) and ident in nodes:
        raise CurationError(f"{file}: a node {ident!r} is declared already")
    block = [f"  {ident}:\n"] + [f"    {k}: {yaml_scalar(v)}\n" for k, v in node.items()]
    lines = text.splitlines(keepends=True)
    for n, line in enumerate(lines):
        if re.match(r"^nodes:\s*(\{\s*\})?\s*(#.*)?$", line):
            if isinstance(nodes, dict) and nodes:
                end = _block_end(lines, n)
                return "".join(lines[:end] + block + lines[end:])
            return "".join(lines[:n] + ["nodes:\n"] + block + lines[n + 1:])
    for n, line in enumerate(lines):
        if line.startswith("facts:"):
            return "".join(lines[:n] + ["nodes:\n", *block, "\n"] + lines[n:])
    return text.rstrip("\n") + "\n\nnodes:\n" + "".join(block)


def set_candidate(text: str, file: str, index: int, mark: bool) -> str:
    """The text with fact ``index``'s ``candidate: true`` line removed (``mark`` False)."""
    spans, _ = fact_spans(text, file)
    if not 0 <= index < len(spans):
        raise CurationError(f"{file}: there is no fact {index + 1} (the file has {len(spans)})")
    lines = text.splitlines(keepends=True)
    span = spans[index]
    kept = [line for line in lines[span.first:span.end]
            if not re.match(r"^\s*(- )?candidate:\s*(true|false)\s*(#.*)?$", line)]
    if kept and kept[0].lstrip().startswith("candidate:"):
        raise CurationError(f"{file}: fact {index + 1} starts with its mark; edit it instead")
    if mark:
        kept.append("    candidate: true\n")
    return "".join(lines[:span.first] + kept + lines[span.end:])


# --- registry files: ruamel.yaml round trip -------------------------------------------

def _ruamel() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def registry_load(text: str) -> Any:
    return _ruamel().load(text) if text.strip() else None


def registry_dump(data: Any) -> str:
    out = io.StringIO()
    _ruamel().dump(data, out)
    return out.getvalue()


def checked(text: str, file: str) -> str:
    """``text`` if it parses as the project's YAML; a :class:`CurationError` otherwise (a
    change that would break the file is never written)."""
    try:
        yamlfile.load_text(text, file)
    except MappingError as exc:
        raise CurationError(f"the change would break the file: {exc}") from None
    return text


# --- changes that follow a curator's decision -------------------------------------------

def find_entry(data: Any, ident: str) -> Any:
    for section in data.values() if isinstance(data, dict) else ():
        if isinstance(section, dict) and ident in section:
            return section[ident]
    raise CurationError(f"{ident!r} is not in its registry file")


def drop_unused_candidate_nodes(text: str, file: str) -> str:
    """Remove the nodes still marked ``candidate: true`` that no fact names any more."""
    data = yamlfile.load_text(text, file)
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), dict):
        return text
    named = _names(data.get("facts") or [])
    lines = text.splitlines(keepends=True)
    nodes = data["nodes"]
    drop = []
    for ident, spec in nodes.items():
        if isinstance(spec, dict) and spec.get("candidate") is True and ident not in named:
            first = nodes.lines[ident] - 1
            drop.append((first, _block_end(lines, first)))
    for first, end in sorted(drop, reverse=True):
        del lines[first:end]
    return "".join(lines)


def replace_person_node(text: str, file: str, name: str, into: str) -> str:
    """The text with the document's own ``Person`` node for ``name`` (a candidate's
    provisional person) replaced by the registry person ``into`` wherever a fact names it,
    and its declaration removed."""
    from kg.mapping.registry import normalize_name

    data = yamlfile.load_text(text, file)
    nodes = data.get("nodes") if isinstance(data, dict) else None
    if not isinstance(nodes, dict):
        return text
    key = normalize_name(name)
    for ident, spec in nodes.items():
        if isinstance(spec, dict) and spec.get("type") == "Person" and \
                normalize_name(str(spec.get("label", ""))) == key:
            lines = text.splitlines(keepends=True)
            first = nodes.lines[ident] - 1
            body = "".join(lines[:first] + lines[_block_end(lines, first):])
            text = re.sub(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", into, body)
    return text


def _names(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_names(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_names(v) for v in value)) if value else set()
    return {value} if isinstance(value, str) else set()
