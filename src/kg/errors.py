"""The domain error family: raised in the library, translated at the edge (CLI, HTTP)."""

from __future__ import annotations


class KGError(Exception):
    """A problem the user can fix. ``str(err)`` is one line that says where and how."""

    title = "Knowledge graph error"
    status = 400

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        self.message = message
        self.file = file
        self.line = line
        super().__init__(self.where() + message)

    def __reduce__(self) -> tuple:
        # Errors raised in build worker processes keep their file and line across the pipe.
        return (_restore, (type(self), self.message, self.file, self.line))

    def where(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}: "
        if self.file:
            return f"{self.file}: "
        return ""


def _restore(cls: type[KGError], message: str, file: str | None, line: int | None) -> KGError:
    return cls(message, file=file, line=line)


class ConfigError(KGError):
    title = "Invalid setting"


class DocumentError(KGError):
    """A corpus document cannot be read or parsed."""

    title = "Unreadable document"


class MappingError(KGError):
    """A registry or mapping file is malformed or disagrees with its document."""

    title = "Invalid mapping"


class OntologyError(KGError):
    title = "Invalid ontology"


class ValidationError(KGError):
    """SHACL validation of the built graph failed."""

    title = "Validation failed"


class InconsistencyError(KGError):
    """The reasoner found a contradiction (for example a disjointness violation)."""

    title = "Inconsistent graph"


class StoreError(KGError):
    title = "Store unavailable"
    status = 503


class QueryError(KGError):
    title = "Invalid query"


class ConflictError(KGError):
    """A curated file changed since the curator loaded it (another tab, an editor)."""

    title = "Edited elsewhere"
    status = 409


class CurationError(KGError):
    """A change the curation workbench refuses (a quote not in the page, an unknown
    property, a path outside the mappings folder ...)."""

    title = "Change refused"
    status = 400
