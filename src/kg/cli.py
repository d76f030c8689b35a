"""The ``kg`` command: a thin layer over the library. User mistakes print one line and
exit non-zero; ``--debug`` shows the traceback.

It works on the project it is run in: the current folder or the nearest above it that
holds ``corpus/``, ``mappings/`` and ``ontology/``, or ``--project DIR``; settings
(``KG_*``, ``--config``) still override each folder."""

from __future__ import annotations

import errno
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import click

from kg import __version__
from kg.config import PROJECT_INPUTS, PROJECT_ROOT, SETTINGS, Config, find_project
from kg.errors import ConfigError, KGError


class KGGroup(click.Group):
    """Turns every user mistake (a domain error, a usage error, a file the system refuses)
    into one line on stderr and a non-zero exit status."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            status = super().main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as exc:
            where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
            click.echo(f"error: {exc.format_message()}{where}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("error: interrupted", err=True)
            sys.exit(130)
        sys.exit(status if isinstance(status, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        debug = ctx.params.get("debug") or os.environ.get("KG_DEBUG")
        try:
            return super().invoke(ctx)
        except KGError as exc:
            if debug:
                raise
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)
        except OSError as exc:  # a file or folder the system refuses: say which and why
            if debug:
                raise
            if exc.errno == errno.EPIPE:  # the reader went away (`kg query | head`)
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                ctx.exit(1)
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            ctx.exit(1)


def _settings_help() -> str:
    return "\n".join(f"  {s.env:<20} {s.help}" for s in SETTINGS)


@click.group(cls=KGGroup, epilog="Settings (environment variables):\n\n" + _settings_help())
@click.option("--data-dir", help="Where the built store lives [KG_DATA_DIR].")
@click.option("--base-iri", help="Base of all IRIs [KG_BASE_IRI].")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="A TOML file of settings [KG_CONFIG].")
@click.option("--project", type=click.Path(file_okay=False),
              help="The project to work on (corpus/, mappings/, ontology/) instead of the "
                   "one the current folder is in.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(__version__, prog_name="kg")
@click.pass_context
def main(ctx: click.Context, data_dir: str | None, base_iri: str | None,
         config_file: str | None, project: str | None, debug: bool) -> None:
    """Build, query and serve the Cold War documents knowledge graph."""
    if project is not None and find_project(project) != Path(project).absolute():
        raise ConfigError(f"--project {project} is not a kg project: it must hold "
                          + ", ".join(f"{name}/" for name in PROJECT_INPUTS))
    ctx.obj = {"overrides": {"data_dir": data_dir, "base_iri": base_iri},
               "file": config_file,
               "project": Path(project) if project else find_project(Path.cwd())}


def _config(ctx: click.Context, *, inputs: bool = False, **more: Any) -> Config:
    """The settings, with the project's folders as defaults. ``inputs``: the command reads
    the project's corpus, mappings and ontology, so outside a project it fails (unless
    settings name all three)."""
    obj = ctx.find_root().obj
    project = obj["project"]
    config = Config.load({**obj["overrides"], **more}, file=obj["file"],
                         project=project or Path())
    if inputs and project is None:
        folders = (config.corpus_dir, config.mappings_dir, config.ontology_dir)
        if not all(Path(folder).is_dir() for folder in folders):
            raise ConfigError(
                f"{Path.cwd()} is not in a kg project (no folder here or above holds "
                + ", ".join(f"{name}/" for name in PROJECT_INPUTS)
                + "): run kg in one, or pass --project DIR")
    return config


def project_folder(ctx: click.Context, relative: str) -> str:
    """``relative`` in the project (as given outside one)."""
    project = ctx.find_root().obj["project"]
    return str(project / relative) if project else relative


def _progress(line: str) -> None:
    click.echo(line, err=True)


@main.command()
@click.option("--if-needed", is_flag=True,
              help="Only build when the inputs changed since the last build.")
@click.option("--strict", is_flag=True,
              help="Stop at the first unreadable document instead of skipping it.")
@click.option("--full", is_flag=True,
              help="Rebuild everything, not only what changed since the last build.")
@click.pass_context
def build(ctx: click.Context, if_needed: bool, strict: bool, full: bool) -> None:
    """Parse, map, validate, reason and load the graph into the store (only what changed
    since the last build, unless --full)."""
    from kg.build import build as run_build
    from kg.store.record import up_to_date

    config = _config(ctx, inputs=True)
    if if_needed and up_to_date(config):
        click.echo(f"store is up to date: {config.store_path}", err=True)
        return
    report = run_build(config, progress=_progress, strict=strict, full=full)
    click.echo(f"built {report.documents} documents, {report.facts} facts, "
               f"{sum(report.triples.values())} triples in {report.total_seconds:.2f} s "
               f"-> {report.store}", err=True)
    if report.review:
        click.echo(f"to review ({len(report.review)}):", err=True)
        for item in report.review:
            click.echo(f"  - {item}", err=True)


@main.command()
@click.pass_context
def validate(ctx: click.Context) -> None:
    """Check the mappings and SHACL shapes; writes nothing."""
    from kg.build import check

    compiled = check(_config(ctx, inputs=True), progress=_progress)
    click.echo(f"valid: {len(compiled.documents)} documents, {compiled.facts} facts", err=True)
    # Facts hiding in prose: a label or note stating a figure or a name no fact states.
    warnings = [item for item in compiled.review.items if "warning:" in item]
    for item in warnings:
        click.echo(f"  - {item}", err=True)
    if warnings:
        click.echo(f"{len(warnings)} warning(s): state these as facts, or reword the "
                   "label or note", err=True)


@main.command()
@click.argument("sparql", required=False)
@click.option("--file", "-f", "query_file", type=click.Path(exists=True, dir_okay=False),
              help="Read the query from a file (e.g. queries/*.rq).")
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "json", "csv", "tsv", "xml", "ttl", "nt", "jsonld"]),
              help="Output format.")
@click.option("--store", help="Query this store directory instead of the built one.")
@click.pass_context
def query(ctx: click.Context, sparql: str | None, query_file: str | None, fmt: str,
          store: str | None) -> None:
    """Run a SPARQL query over all graphs (prefixes kg:, id:, rdfs:, ... predeclared)."""
    from kg.store.query import run

    if bool(sparql) == bool(query_file):
        raise click.UsageError("give a query or --file, not both or neither")
    text = sparql or Path(query_file).read_text(encoding="utf-8")  # type: ignore[arg-type]
    config = _config(ctx, store=store)
    click.echo(run(config.store_path, text, base=config.base_iri, fmt=fmt), nl=False)
    if fmt == "table":
        click.echo()


@main.command()
@click.option("--format", "fmt", default="ttl", show_default=True,
              type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "context", "void",
                                 "alignment", "wikibase", "quickstatements", "candidates",
                                 "skipped", "wikidata-documents", "wikidata-document-ids",
                                 "wikidata-citing", "wikidata-pending", "cmif"]),
              help="Output format (graph dumps, dataset description or Wikidata exports).")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write to this file instead of standard output.")
@click.option("--all", "all_dir", type=click.Path(file_okay=False),
              help="Write every format, plus SHA256SUMS, into this directory (docs/wikidata.md).")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: str | None, all_dir: str | None) -> None:
    """Export the graph: dumps with the dataset description, and Wikidata statements."""
    from kg.export.dumps import write_export

    if all_dir and output:
        raise click.UsageError("give --all DIR or --output FILE, not both")
    if output and not Path(output).absolute().parent.is_dir():  # before the work, not after
        raise ConfigError(f"cannot write {output}: there is no folder "
                          f"{Path(output).absolute().parent}")
    result = write_export(_config(ctx), fmt=fmt, output=output, all_dir=all_dir)
    if result.data is not None:
        sys.stdout.buffer.write(result.data)
    else:
        click.echo(result.message, err=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--draft", is_flag=True,
              help="Also write a mapping skeleton to mappings/documents/<document>.yaml.")
@click.pass_context
def add(ctx: click.Context, files: tuple[str, ...], draft: bool) -> None:
    """Add archive documents to the corpus (then run `kg build`)."""
    from kg.curate.corpus import add_documents

    results = add_documents(_config(ctx, inputs=True), list(files), draft=draft)
    for r in results:
        if r.target:
            click.echo(f"added {r.source} -> {r.target}", err=True)
        if r.draft:
            click.echo(f"draft mapping: {r.draft}", err=True)
        if r.problem:
            click.echo(f"error: {r.problem}", err=True)
    if any(r.problem for r in results):
        ctx.exit(1)


@main.command("evaluate-candidates")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--curated", "curated", required=True,
              type=click.Path(exists=True, file_okay=False),
              help="Folder of hand-curated mappings, <page>.yaml for FOLDER's <page>.txt.")
@click.pass_context
def evaluate_candidates(ctx: click.Context, folder: str, curated: str) -> None:
    """Score the candidate facts `kg add --draft` proposes for FOLDER's pages against
    hand-curated mappings: precision and recall, strict and loose (docs/curation.md)."""
    from kg.curate.score import evaluate_candidates as run
    from kg.mapping.iris import Iris
    from kg.mapping.ontology import Ontology
    from kg.mapping.registry import Registry

    config = _config(ctx, inputs=True)
    ontology = Ontology.load(config.ontology_dir, Iris(config.base_iri))
    registry = Registry.load(config.mappings_dir, ontology)
    click.echo(run(folder, curated, registry, ontology).markdown(), nl=False)


@main.command()
@click.argument("folder", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--registry", "registry_dir", type=click.Path(exists=True, file_okay=False),
              help="Also score entity linking against the registry.yaml in this folder.")
@click.option("--gold", "gold", type=click.Path(exists=True, dir_okay=False),
              help="Score the built graph of FOLDER's pages against these hand-read facts "
                   "(a dev set's gold.yaml) instead of *.expected.json.")
@click.pass_context
def evaluate(ctx: click.Context, folder: str | None, registry_dir: str | None,
             gold: str | None) -> None:
    """Score the automatic layer against hand-read facts: *.expected.json beside the pages
    of FOLDER (default: the project's tests/archive), or with --gold, a dev set's
    gold.yaml (the pages built as kg add and kg build would)."""
    from kg.curate.evaluate import evaluate as run_evaluate
    from kg.mapping.iris import Iris
    from kg.mapping.ontology import Ontology
    from kg.mapping.registry import Registry

    folder = folder or project_folder(ctx, "tests/archive")
    if not Path(folder).is_dir():
        raise ConfigError(f"no folder {folder} to evaluate: give one")
    if gold:
        from kg.gold import evaluate_gold

        click.echo(evaluate_gold(folder, gold, _config(ctx, inputs=True)).markdown(),
                   nl=False)
        return
    registry = None
    if registry_dir:
        config = _config(ctx, inputs=True)
        registry = Registry.load(registry_dir, Ontology.load(config.ontology_dir,
                                                             Iris(config.base_iri)))
    report = run_evaluate(folder, registry)
    click.echo(report.markdown(), nl=False)
    if not report.perfect:
        ctx.exit(1)


@main.command()
@click.option("--store", "url", required=True,
              help="Graph Store Protocol endpoint of the target store, e.g. "
                   "http://localhost:7878/store")
@click.option("--user", help="User name for HTTP authentication (Basic, or Digest when the "
              "store asks).")
@click.option("--password", help="Password for HTTP authentication (Basic, or Digest when "
              "the store asks).")
@click.pass_context
def publish(ctx: click.Context, url: str, user: str | None, password: str | None) -> None:
    """Load every named graph into another triple store (SPARQL 1.1 Graph Store Protocol)."""
    from kg.store.publish import publish as run_publish

    config = _config(ctx)
    result = run_publish(config.store_path, url, user=user, password=password)
    click.echo(f"{result.triples} triples in {len(result.graphs)} graphs -> {url}", err=True)


@main.command()
@click.pass_context
def review(ctx: click.Context) -> None:
    """List what the build could not read or resolve by itself."""
    from kg.build import compile_graphs
    from kg.mapping.metadata import merged_across_documents

    compiled = compile_graphs(_config(ctx, inputs=True))
    items = [*compiled.review.items, *merged_across_documents(compiled.review.items)]
    for item in items:
        click.echo(item)
    click.echo(f"({len(items)} item(s) to review)", err=True)


@main.command()
@click.option("--host", help="Address to listen on [KG_HOST].")
@click.option("--port", type=int, help="Port to listen on [KG_PORT].")
@click.option("--workers", type=int, help="Worker processes [KG_WORKERS].")
@click.option("--store", help="Serve this pyoxigraph store directory [KG_STORE].")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, workers: int | None,
          store: str | None) -> None:
    """Serve the SPARQL endpoint and linked data with gunicorn. The server follows new
    builds of its data folder: each `kg build` tells it to serve the new store."""
    from kg.store.remote import is_remote

    config = _config(ctx, host=host, port=port, workers=workers, store=store)
    if config.workers < 1:
        raise ConfigError(f"workers (KG_WORKERS, --workers) must be 1 or more, "
                          f"got {config.workers}")
    if not is_remote(config.store):
        _check_store(config.store_path)
    _check_port(config.host, config.port)
    env = dict(os.environ)
    for s in SETTINGS:
        env[s.env] = str(getattr(config, s.name))
    env["KG_STORE"] = str(config.store_path) if not is_remote(config.store) else config.store
    env["KG_CURATE"] = "false"  # the workbench is `kg curate`'s, never the public server's
    from server import gunicorn_argv

    link = config.store_path
    if not is_remote(config.store) and link.is_symlink():
        _register(link.parent)
    click.echo(f"serving {config.store_path} on http://{config.host}:{config.port}/ "
               f"({config.workers} workers, {config.threads} threads each)", err=True)
    _exec(gunicorn_argv(sys.executable, f"{config.host}:{config.port}", config.workers,
                        config.threads, config.query_timeout), env)


@main.command()
@click.option("--host", help="Address to listen on [KG_HOST]; only loopback without a token.")
@click.option("--port", type=int, help="Port to listen on [KG_PORT].")
@click.option("--token", help="A secret the workbench asks for [KG_CURATE_TOKEN].")
@click.pass_context
def curate(ctx: click.Context, host: str | None, port: int | None, token: str | None) -> None:
    """Serve the curation workbench at /curate: read a document with its candidate facts,
    accept, edit or reject them, make facts from passages, resolve provisional people; every
    change is written to the mapping and registry files and the graph rebuilt."""
    from kg.store.remote import is_remote

    config = _config(ctx, inputs=True, host=host, port=port, curate_token=token, curate=True)
    if is_remote(config.store):
        raise ConfigError("the workbench rebuilds the embedded store: unset KG_STORE")
    if not _loopback(config.host) and not config.curate_token:
        raise ConfigError(f"refusing to serve the workbench on {config.host}: it writes the "
                          "project's files; bind to 127.0.0.1, or set a token (--token, "
                          "KG_CURATE_TOKEN)")
    from kg.build import build as run_build

    if not config.store_path.exists():
        run_build(config, _progress)
    _check_port(config.host, config.port)
    env = dict(os.environ)
    for s in SETTINGS:
        env[s.env] = str(getattr(config, s.name))
    env["KG_STORE"] = str(config.store_path)
    import secrets

    from server import gunicorn_argv
    from server.curate import CSRF_ENV

    env[CSRF_ENV] = secrets.token_urlsafe(32)
    if config.store_path.is_symlink():
        _register(config.store_path.parent)
    click.echo(f"curation workbench on http://{config.host}:{config.port}/curate", err=True)
    # One worker: changes and builds are serialized in it.
    _exec(gunicorn_argv(sys.executable, f"{config.host}:{config.port}", 1, 8,
                        max(config.query_timeout, 120.0)), env)


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_store(path: Path) -> None:
    """One line, before the server starts, if ``path`` is not a store it can open."""
    import pyoxigraph as ox

    from kg.store.builds import open_store

    if not path.exists():
        raise KGError(f"no store at {path}: run `kg build` first (or pass --store DIR)")
    if not path.is_dir() or not (path / "CURRENT").is_file():
        raise KGError(f"{path} is not a pyoxigraph store (store, KG_STORE, --store)")
    with open_store(path) as opened:
        assert isinstance(getattr(opened, "store", opened), ox.Store)


def _check_port(host: str, port: int) -> None:
    """One line, before the server starts, if it could not listen on ``host:port``."""
    setting = "(host and port, KG_HOST and KG_PORT, --host and --port)"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise ConfigError(f"cannot listen on {host}: {exc.strerror} {setting}") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
        try:
            probe.bind(address)
        except OSError as exc:
            reason = {
                errno.EADDRINUSE: "the port is already in use: stop the server that "
                                  "holds it, or choose another port",
                errno.EACCES: "this port needs privileges: choose one above 1023",
                errno.EADDRNOTAVAIL: "the address is not one of this machine's",
            }.get(exc.errno or 0, exc.strerror or str(exc))
            raise ConfigError(f"cannot listen on {host}:{port}: {reason} {setting}") from None


def _register(data_dir: Path) -> None:
    """Record this process (gunicorn once exec'd: the same pid) as a server of
    ``data_dir``, so that `kg build` tells it of new builds (SIGHUP: new workers, which
    open the new store). Until gunicorn handles SIGHUP, it is ignored: a build finishing
    while the server starts must not stop it."""
    from kg.store.lifecycle import register_server

    try:
        register_server(data_dir)
    except OSError:
        return  # a read-only data folder: nothing can build there either
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def _exec(argv: list[str], env: dict[str, str]) -> None:
    os.execvpe(argv[0], argv, env)


@main.command()
@click.option("--markdown", is_flag=True, help="As the Markdown table in docs/settings.md.")
def settings(markdown: bool) -> None:
    """List every setting with its environment variable and default."""
    click.echo(settings_markdown() if markdown else _settings_help())


def settings_markdown() -> str:
    rows = ["| setting | environment | default | meaning |", "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        default = str(s.default).replace(str(PROJECT_ROOT) + "/", "<project>/")
        rows.append(f"| `{s.name}` | `{s.env}` | `{default}` | {s.help} |")
    return "# Settings\n\nGenerated by `kg settings --markdown`; every setting can be given " \
        "as an environment variable, in a TOML file (`KG_CONFIG`) or, for some, as a " \
        "command-line option.\n\n" + "\n".join(rows) + "\n"



if __name__ == "__main__":
    main(prog_name="kg")
