"""The ``kg`` command: a thin layer over the library. User mistakes print one line and
exit non-zero; ``--debug`` shows the traceback."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from kg import __version__
from kg.config import PROJECT_ROOT, SETTINGS, Config
from kg.errors import KGError


class KGGroup(click.Group):
    """Translates domain errors into one line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KGError as exc:
            if ctx.params.get("debug") or os.environ.get("KG_DEBUG"):
                raise
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


def _settings_help() -> str:
    return "\n".join(f"  {s.env:<20} {s.help}" for s in SETTINGS)


@click.group(cls=KGGroup, epilog="Settings (environment variables):\n\n" + _settings_help())
@click.option("--data-dir", help="Where the built store lives [KG_DATA_DIR].")
@click.option("--base-iri", help="Base of all IRIs [KG_BASE_IRI].")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="A TOML file of settings [KG_CONFIG].")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(__version__, prog_name="kg")
@click.pass_context
def main(ctx: click.Context, data_dir: str | None, base_iri: str | None,
         config_file: str | None, debug: bool) -> None:
    """Build, query and serve the Cold War documents knowledge graph."""
    ctx.obj = {"overrides": {"data_dir": data_dir, "base_iri": base_iri},
               "file": config_file}


def _config(ctx: click.Context, **more: Any) -> Config:
    obj = ctx.find_root().obj
    return Config.load({**obj["overrides"], **more}, file=obj["file"])


def _progress(line: str) -> None:
    click.echo(line, err=True)


@main.command()
@click.option("--if-needed", is_flag=True,
              help="Only build when the inputs changed since the last build.")
@click.option("--strict", is_flag=True,
              help="Stop at the first unreadable document instead of skipping it.")
@click.pass_context
def build(ctx: click.Context, if_needed: bool, strict: bool) -> None:
    """Parse, map, validate, reason and load the graph into the store."""
    from kg.build import build as run_build
    from kg.build import up_to_date

    config = _config(ctx)
    if if_needed and up_to_date(config):
        click.echo(f"store is up to date: {config.store_path}", err=True)
        return
    report = run_build(config, progress=_progress, strict=strict)
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

    compiled = check(_config(ctx), progress=_progress)
    click.echo(f"valid: {len(compiled.documents)} documents, {compiled.facts} facts", err=True)


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
                                 "skipped"]),
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

    results = add_documents(_config(ctx), list(files), draft=draft)
    for r in results:
        if r.target:
            click.echo(f"added {r.source} -> {r.target}", err=True)
        if r.draft:
            click.echo(f"draft mapping: {r.draft}", err=True)
        if r.problem:
            click.echo(f"error: {r.problem}", err=True)
    if any(r.problem for r in results):
        ctx.exit(1)


@main.command()
@click.argument("folder", default="tests/archive", type=click.Path(exists=True, file_okay=False))
@click.option("--registry", "registry_dir", type=click.Path(exists=True, file_okay=False),
              help="Also score entity linking against the registry.yaml in this folder.")
@click.option("--gold", "gold", type=click.Path(exists=True, dir_okay=False),
              help="Score the built graph of FOLDER's pages against these hand-read facts "
                   "(a dev set's gold.yaml) instead of *.expected.json.")
@click.pass_context
def evaluate(ctx: click.Context, folder: str, registry_dir: str | None,
             gold: str | None) -> None:
    """Score the automatic layer against hand-read facts: *.expected.json beside the pages,
    or with --gold, a dev set's gold.yaml (the pages built as kg add and kg build would)."""
    from kg.curate.evaluate import evaluate as run_evaluate
    from kg.mapping.iris import Iris
    from kg.mapping.ontology import Ontology
    from kg.mapping.registry import Registry

    if gold:
        from kg.gold import evaluate_gold

        click.echo(evaluate_gold(folder, gold, _config(ctx)).markdown(), nl=False)
        return
    registry = None
    if registry_dir:
        config = _config(ctx)
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
@click.option("--user", help="User name for HTTP basic authentication.")
@click.option("--password", help="Password for HTTP basic authentication.")
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

    compiled = compile_graphs(_config(ctx))
    for item in compiled.review.items:
        click.echo(item)
    click.echo(f"({len(compiled.review.items)} item(s) to review)", err=True)


@main.command()
@click.option("--host", help="Address to listen on [KG_HOST].")
@click.option("--port", type=int, help="Port to listen on [KG_PORT].")
@click.option("--workers", type=int, help="Worker processes [KG_WORKERS].")
@click.option("--store", help="Serve this pyoxigraph store directory [KG_STORE].")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, workers: int | None,
          store: str | None) -> None:
    """Serve the SPARQL endpoint and linked data with gunicorn."""
    config = _config(ctx, host=host, port=port, workers=workers, store=store)
    if not config.store_path.exists():
        raise KGError(f"no store at {config.store_path}: run `kg build` first")
    env = dict(os.environ)
    for s in SETTINGS:
        env[s.env] = str(getattr(config, s.name))
    env["KG_STORE"] = str(config.store_path)
    from server import gunicorn_argv

    click.echo(f"serving {config.store_path} on http://{config.host}:{config.port}/ "
               f"({config.workers} workers, {config.threads} threads each)", err=True)
    _exec(gunicorn_argv(sys.executable, f"{config.host}:{config.port}", config.workers,
                        config.threads, config.query_timeout), env)


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
    main()
