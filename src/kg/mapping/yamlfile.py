"""YAML files that remember where each value came from, for error messages with lines.

Mappings are read with :func:`load`: every mapping becomes a :class:`Located` dict whose
``line`` is its first line and ``lines[key]`` the line of each key; sequences become
:class:`LocatedList` with ``lines[i]`` per item. Timestamps stay strings ("1949-05-12"),
so dates are never silently turned into another type.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kg.errors import MappingError


class Located(dict):
    line: int = 0
    lines: dict[Any, int]


class LocatedList(list):
    line: int = 0
    lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


# libyaml's parser when PyYAML was built with it (ten times faster); the pure-Python one
# otherwise, and always for the wording of syntax errors.
_FastLoader = type("_FastLoader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {})

# Keep dates as text: the compiler types them from their shape (1949, 1949-05, 1949-05-12).
_Loader.yaml_implicit_resolvers = _FastLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _convert(node: yaml.Node, loader: yaml.BaseLoader, file: str) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = Located()
        out.line, out.lines = line, {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, file)
            if isinstance(key, list | dict):
                raise MappingError("a key must be a plain value", file=file, line=line)
            if key in out:
                raise MappingError(
                    f"duplicate key {key!r}; merge the two entries",
                    file=file, line=key_node.start_mark.line + 1,
                )
            out[key] = _convert(value_node, loader, file)
            out.lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = LocatedList()
        seq.line, seq.lines = line, []
        for item in node.value:
            seq.append(_convert(item, loader, file))
            seq.lines.append(item.start_mark.line + 1)
        return seq
    return loader.construct_object(node, deep=True)


def load(path: Path | str, *, display: str | None = None) -> Any:
    """Parse a YAML file into Located values; syntax errors name the file and line."""
    path = Path(path)
    file = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MappingError("file not found", file=file) from None
    except UnicodeDecodeError as exc:
        raise MappingError(f"not valid UTF-8 (byte {exc.start})", file=file) from None
    return load_text(text, file)


def load_text(text: str, file: str) -> Any:
    """Parse YAML text (named ``file`` in errors) into Located values."""
    try:
        return _parse(_FastLoader, text, file)
    except yaml.YAMLError:
        return _parse(_Loader, text, file)  # the same error, worded by the Python parser


def _parse(loader_class: type, text: str, file: str) -> Any:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Located()
        return _convert(node, loader, file)
    except yaml.MarkedYAMLError as exc:
        if loader_class is not _Loader:
            raise
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        raise MappingError(f"YAML syntax: {problem}", file=file, line=line) from None
    finally:
        loader.dispose()
