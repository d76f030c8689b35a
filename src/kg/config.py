"""One configuration object, flowing from defaults, a file, ``KG_*`` variables and the CLI.

Every setting is declared once in :data:`SETTINGS` (name, default, help); the CLI's
``--help`` and ``docs/settings.md`` are generated from it, and a test fails when a
setting is undocumented.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kg.errors import ConfigError

#: The checkout this package lives in (``src/kg`` -> two levels up): the project the
#: library reads when it is given none. The ``kg`` command always gives one: the project
#: it is run in (:func:`find_project`).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: What a project holds: the inputs of a build.
PROJECT_INPUTS = ("corpus", "mappings", "ontology")
#: Settings whose defaults are folders of the project.
PROJECT_FOLDERS = {"corpus_dir": "corpus", "mappings_dir": "mappings",
                   "ontology_dir": "ontology", "queries_dir": "queries", "data_dir": "data"}

DEFAULT_BASE_IRI = "https://coldwar-kg.example.org"
REASONERS = ("rules", "reasonable", "owlrl")
VALIDATORS = ("fast", "pyshacl")


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return "KG_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("base_iri", DEFAULT_BASE_IRI,
            "Base of every IRI the graph mints (<base>/id/..., <base>/ontology#...)."),
    Setting("data_dir", "data", "Directory that holds the built store and build metadata."),
    Setting("corpus_dir", str(PROJECT_ROOT / "corpus"), "Directory of source documents (*.txt)."),
    Setting("mappings_dir", str(PROJECT_ROOT / "mappings"),
            "Directory with registry.yaml and documents/<document>.yaml."),
    Setting("ontology_dir", str(PROJECT_ROOT / "ontology"),
            "Directory with the ontology (kg.ttl) and SHACL shapes (shapes.ttl)."),
    Setting("queries_dir", str(PROJECT_ROOT / "queries"),
            "Directory of example and competency SPARQL queries (*.rq)."),
    Setting("reasoner", "rules",
            "OWL 2 RL engine: rules (the ontology's own rules, forward-chained with their "
            "derivations; the default), reasonable (Rust) or owlrl (the reference); all "
            "give the same inferred graph and the same explanations."),
    Setting("validator", "fast",
            "SHACL engine: fast (kg.validate.shacl, the shapes' constraint components "
            "compiled to Python, the default) or pyshacl (the reference, much slower); both "
            "report the same results."),
    Setting("build_processes", 0,
            "Processes that compile documents in parallel during a build (0: one per CPU)."),
    Setting("compact_store", True,
            "Compact a new store (pyoxigraph's optimize()) before it becomes the current one. "
            "About a fifth of a 10,000-document build; without it, look-ups in the store the "
            "bulk loader leaves are several times slower (docs/benchmarks.md)."),
    Setting("store", "",
            "Serve this pyoxigraph store directory instead of <data_dir>/store, or a remote "
            "SPARQL endpoint (http://...: oxigraph serve, Virtuoso's /sparql; docs/scaling.md)."),
    Setting("host", "127.0.0.1", "Address the server listens on."),
    Setting("port", 8000, "Port the server listens on."),
    Setting("workers", 2, "Number of server worker processes."),
    Setting("threads", 32,
            "Threads per server worker process: how many requests each worker serves at "
            "once. A request waiting for its query holds a thread, so slow queries would "
            "hold up quick requests if there were few."),
    Setting("query_processes", 8,
            "Query processes per server worker process, started as queries need them: how "
            "many SPARQL queries (other than look-ups) each worker runs at once at normal "
            "priority. A query still running after slow_query_after gives up its place, "
            "and the pool grows, to at most four times this, while such queries run."),
    Setting("query_timeout", 10.0, "Seconds a SPARQL query may run before it is stopped."),
    Setting("slow_query_after", 0.2,
            "Seconds after which a running SPARQL query counts as slow: its query process "
            "gets a lower CPU priority (niceness 10), so quick requests keep the CPU; a "
            "look-up answered in a server thread goes to a query process instead."),
    Setting("max_query_bytes", 100_000, "Largest accepted SPARQL query or request body, in bytes."),
    Setting("max_results", 100_000, "Most result rows or triples a query may return."),
    Setting("query_memory", 2048,
            "Most memory (MB) one query process may hold: a query that needs more is "
            "stopped with an error that says so and its process replaced (0: no limit)."),
    Setting("allow_service", False, "Allow SPARQL SERVICE (federated queries to other URLs)."),
    Setting("curate", False,
            "Serve the curation workbench at /curate, which writes the mapping and registry "
            "files (`kg curate` sets it; never set it for a public server)."),
    Setting("curate_token", "",
            "A secret the workbench asks for (compared in constant time); without one "
            "`kg curate` binds to the loopback address only."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any) -> Any:
    default = setting.default
    if value is None or isinstance(value, type(default)) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    try:
        if isinstance(default, bool):
            if isinstance(value, bool):
                return value
            if text.lower() in {"1", "true", "yes", "on"}:
                return True
            if text.lower() in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(text)
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
    except ValueError:
        kind = {bool: "true or false", int: "a whole number", float: "a number"}[type(default)]
        raise ConfigError(
            f"setting {setting.name} ({setting.env}) must be {kind}, got {text!r}"
        ) from None
    return text


@dataclass(frozen=True)
class Config:
    """All settings of a run. Build one with :meth:`load`; pass it to every component."""

    base_iri: str = DEFAULT_BASE_IRI
    data_dir: str = "data"
    corpus_dir: str = _BY_NAME["corpus_dir"].default
    mappings_dir: str = _BY_NAME["mappings_dir"].default
    ontology_dir: str = _BY_NAME["ontology_dir"].default
    queries_dir: str = _BY_NAME["queries_dir"].default
    reasoner: str = "rules"
    validator: str = "fast"
    build_processes: int = 0
    compact_store: bool = True
    store: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    threads: int = 32
    query_processes: int = 8
    query_timeout: float = 10.0
    slow_query_after: float = 0.2
    max_query_bytes: int = 100_000
    max_results: int = 100_000
    query_memory: int = 2048
    allow_service: bool = False
    curate: bool = False
    curate_token: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def load(
        cls,
        overrides: Mapping[str, Any] | None = None,
        *,
        env: Mapping[str, str] | None = None,
        file: str | os.PathLike[str] | None = None,
        project: str | os.PathLike[str] | None = None,
    ) -> Config:
        """Layer defaults, an optional ``key = value`` TOML file, ``KG_*`` env, then overrides.

        ``None`` values in ``overrides`` are ignored (unset CLI options). With a
        ``project``, the folders' defaults (corpus, mappings, ontology, queries, data)
        are in it; otherwise in :data:`PROJECT_ROOT` (the data folder: ``data``).
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        if project is not None:
            values.update({k: str(Path(project) / v) for k, v in PROJECT_FOLDERS.items()})
        file = file or env.get("KG_CONFIG")
        if file:
            values.update(_read_file(Path(file)))
        for s in SETTINGS:
            if s.env in env:
                values[s.name] = env[s.env]
        for key, value in (overrides or {}).items():
            if value is not None:
                values[key] = value
        unknown = sorted(set(values) - set(_BY_NAME))
        if unknown:
            known = ", ".join(_BY_NAME)
            raise ConfigError(f"unknown setting {unknown[0]!r}; known settings: {known}")
        cfg = cls(**{k: _coerce(_BY_NAME[k], v) for k, v in values.items()})
        return cfg.checked()

    def checked(self) -> Config:
        base = self.base_iri.rstrip("/")
        if not base.startswith(("http://", "https://")) or " " in base:
            raise ConfigError(
                f"base_iri (KG_BASE_IRI) must be an absolute http(s) IRI, got {self.base_iri!r}"
            )
        if self.port <= 0 or self.port > 65535:
            raise ConfigError(f"port (KG_PORT) must be between 1 and 65535, got {self.port}")
        if self.reasoner not in REASONERS:
            raise ConfigError(f"reasoner (KG_REASONER) must be one of {', '.join(REASONERS)}, "
                              f"got {self.reasoner!r}")
        if self.validator not in VALIDATORS:
            raise ConfigError(f"validator (KG_VALIDATOR) must be one of {', '.join(VALIDATORS)}, "
                              f"got {self.validator!r}")
        if self.build_processes < 0:
            raise ConfigError("build_processes (KG_BUILD_PROCESSES) must be 0 or more")
        if self.query_timeout <= 0:
            raise ConfigError("query_timeout (KG_QUERY_TIMEOUT) must be positive")
        if self.threads < 1:
            raise ConfigError(f"threads (KG_THREADS) must be 1 or more, got {self.threads}")
        if self.query_processes < 1:
            raise ConfigError("query_processes (KG_QUERY_PROCESSES) must be 1 or more, "
                              f"got {self.query_processes}")
        if self.slow_query_after <= 0:
            raise ConfigError("slow_query_after (KG_SLOW_QUERY_AFTER) must be positive")
        return replace(self, base_iri=base)

    def with_(self, **changes: Any) -> Config:
        return replace(self, **changes).checked()

    @property
    def store_path(self) -> Path:
        """The store directory to serve or query."""
        return Path(self.store) if self.store else Path(self.data_dir) / "store"


def find_project(start: str | os.PathLike[str]) -> Path | None:
    """The project ``start`` is in: the nearest folder, ``start`` or above, that holds
    ``corpus/``, ``mappings/`` and ``ontology/``; None outside any."""
    start = Path(start).absolute()
    for folder in (start, *start.parents):
        if all((folder / name).is_dir() for name in PROJECT_INPUTS):
            return folder
    return None


def _read_file(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("config file not found", file=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", file=str(path)) from None
    return dict(data.get("kg", data))
