"""The curation workbench's write path (kg.curate.workbench, kg.curate.files, server.curate):
every change lands in the mapping or registry YAML with nothing else in the file changed,
refused changes write nothing, an edit made elsewhere is never overwritten, every change can
be undone, and the HTTP layer changes nothing without POST, its CSRF token and (when set)
the workbench's token. The page is tests/curate/*.txt, written for these tests."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import build
from kg.config import PROJECT_ROOT, Config
from kg.curate.corpus import add_documents
from kg.curate.files import History, inside
from kg.curate.workbench import Workbench
from kg.errors import ConflictError, CurationError
from kg.mapping.curated import load_mapping
from kg.mapping.iris import Iris
from kg.mapping.linking import Linker
from kg.mapping.ontology import Ontology
from kg.mapping.registry import Registry

PAGE = next((PROJECT_ROOT / "tests" / "curate").glob("*.txt"))


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A project with the test page added by `kg add --draft` (made once, copied per test)."""
    root = tmp_path_factory.mktemp("drafted")
    for name in ("corpus", "mappings", "ontology", "queries"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    config = Config.load({"data_dir": str(root / "data")}, project=root, env={})
    (added,) = add_documents(config, [PAGE], draft=True)
    assert added.draft and not added.problem
    return root, Path(added.target).stem


@pytest.fixture
def curating(drafted: tuple[Path, str], tmp_path: Path) -> tuple[Config, str]:
    """A project of its own, the test page drafted and nothing curated yet."""
    root, doc = drafted
    for name in ("corpus", "mappings", "ontology", "queries"):
        shutil.copytree(root / name, tmp_path / name)
    return Config.load({"data_dir": str(tmp_path / "data")}, project=tmp_path, env={}), doc


def text_of(config: Config, doc: str) -> str:
    return (Path(config.mappings_dir) / "documents" / f"{doc}.yaml").read_text()


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def candidate(page: dict, words: str) -> dict:
    return next(f for f in page["facts"] if f["candidate"] and words in f["quote"])


def test_accepting_a_candidate_removes_its_mark_and_nothing_else(curating):
    config, doc = curating
    wb = Workbench(config)
    page = wb.page(doc)
    fact = candidate(page, "visited Zhou Enlai")
    before = text_of(config, doc)
    out = wb.accept(doc, fact["index"], page["version"])
    after = text_of(config, doc)
    assert changed_lines(before, after) == ["-    candidate: true"]
    assert out.version == wb.page(doc)["version"] != page["version"]
    assert not wb.page(doc)["facts"][fact["index"]]["candidate"]


def test_rejecting_a_candidate_removes_it_with_its_comment_and_unused_nodes(curating):
    config, doc = curating
    wb = Workbench(config)
    page = wb.page(doc)
    fact = candidate(page, "Foreign Affairs")
    holding = fact["properties"].get("holds") or fact["about"]
    before = text_of(config, doc)
    wb.reject(doc, fact["index"], page["version"])
    after = text_of(config, doc)
    assert len(wb.page(doc)["facts"]) == len(page["facts"]) - 1
    removed = [line for line in changed_lines(before, after) if line.startswith("-")]
    assert not [line for line in changed_lines(before, after) if line.startswith("+")]
    # The fact's own comment line goes with it; every other comment stays.
    assert sum(line.startswith("-  # candidate (") for line in removed) == 1
    assert [c for c in before.splitlines() if c.lstrip().startswith("#")
            and not c.lstrip().startswith("# candidate (")] == \
        [c for c in after.splitlines() if c.lstrip().startswith("#")
         and not c.lstrip().startswith("# candidate (")]
    assert f"  - about: {fact['about']}" in "\n".join(line[1:] for line in removed)
    others = [f for f in wb.page(doc)["facts"] if holding in str(f)]
    if not others:  # the node no fact names any more went with the fact
        assert f"  {holding}:" not in after


def test_an_edit_is_written_and_accepted_and_a_misquote_writes_nothing(curating):
    config, doc = curating
    wb = Workbench(config)
    page = wb.page(doc)
    fact = candidate(page, "visited Zhou Enlai")
    edited = {"about": fact["about"], "properties": {**fact["properties"], "date": "1950-03-01"},
              "quote": fact["quote"], "note": "Roshchin's own account"}
    wb.edit(doc, fact["index"], edited, page["version"])
    now = wb.page(doc)["facts"][fact["index"]]
    assert now["note"] == "Roshchin's own account" and not now["candidate"]
    assert now["properties"]["date"] == "1950-03-01"
    before = text_of(config, doc)
    bad = {**edited, "quote": "On 1 March I visited Mao Zedong"}
    with pytest.raises(CurationError, match="not in the document"):
        wb.edit(doc, fact["index"], bad, wb.page(doc)["version"])
    with pytest.raises(CurationError, match="not a property"):
        wb.edit(doc, fact["index"], {**edited, "properties": {"visitedBy": "x"}},
                wb.page(doc)["version"])
    assert text_of(config, doc) == before


def test_a_fact_from_a_passage_with_a_new_node_compiles(curating):
    config, doc = curating
    wb = Workbench(config)
    page = wb.page(doc)
    quote = "the government intends to send Li Fuchun to Moscow in the second half of March"
    wb.add(doc, {"about": "x", "claimed_by": "zhou-enlai",
                 "properties": {"destination": "moscow", "intendedBy": "li-fuchun"},
                 "quote": quote}, page["version"],
           node={"id": "plan-li-fuchun-to-moscow", "type": "Plan",
                 "label": "Li Fuchun to go to Moscow, March 1950"})
    ontology = Ontology.load(config.ontology_dir, Iris(config.base_iri))
    mapping = load_mapping(Path(config.mappings_dir) / "documents" / f"{doc}.yaml", ontology)
    assert "plan-li-fuchun-to-moscow" in mapping.nodes
    assert mapping.facts[-1]["claimed_by"] == "zhou-enlai"
    assert mapping.facts[-1]["quote"] == quote


def test_a_stale_version_is_a_conflict_and_writes_nothing(curating):
    config, doc = curating
    wb = Workbench(config)
    page = wb.page(doc)  # tab one
    other = wb.page(doc)  # tab two
    wb.accept(doc, candidate(page, "visited Zhou Enlai")["index"], page["version"])
    before = text_of(config, doc)
    with pytest.raises(ConflictError, match="changed since you loaded it"):
        wb.reject(doc, candidate(other, "Foreign Affairs")["index"], other["version"])
    assert text_of(config, doc) == before


def test_undo_puts_back_each_change_and_never_over_an_edit_made_since(curating):
    config, doc = curating
    wb = Workbench(config)
    original = text_of(config, doc)
    page = wb.page(doc)
    wb.accept(doc, candidate(page, "visited Zhou Enlai")["index"], page["version"])
    page = wb.page(doc)
    wb.reject(doc, candidate(page, "Foreign Affairs")["index"], page["version"])
    wb.undo()
    wb.undo()
    assert text_of(config, doc) == original
    with pytest.raises(CurationError, match="nothing to undo"):
        wb.undo()
    page = wb.page(doc)
    wb.accept(doc, candidate(page, "visited Zhou Enlai")["index"], page["version"])
    path = Path(config.mappings_dir) / "documents" / f"{doc}.yaml"
    path.write_text(path.read_text() + "# a curator's own line, in an editor\n")
    with pytest.raises(ConflictError):
        wb.undo()
    assert path.read_text().endswith("# a curator's own line, in an editor\n")


def test_merging_a_provisional_person_adds_a_spelling_and_an_identification(curating):
    config, doc = curating
    wb = Workbench(config)
    page = wb.page(doc)
    assert "Wu Syu-tsyuan" in [p["name"] for p in page["provisional"]]
    china = Path(config.mappings_dir) / "registry" / "china.yaml"
    before = china.read_text()
    wb.merge_person(doc, "Wu Syu-tsyuan", "wu-xiuquan", page["version"], "Probable")
    diff = changed_lines(before, china.read_text())
    assert len(diff) == 2 and diff[1].endswith("伍修权, Wu Syu-tsyuan]")  # comments kept
    page = wb.page(doc)
    assert "Wu Syu-tsyuan" not in [p["name"] for p in page["provisional"]]
    ident = next(f for f in page["facts"] if f["properties"].get("identifiedAs") == "wu-xiuquan")
    assert ident["claimed_by"] == "Curators" and ident["quote"] == "Wu Syu-tsyuan"
    # The candidate meeting now names the registry person, not a person of its own.
    meeting = candidate(page, "were present")
    assert "wu-xiuquan" in meeting["properties"]["participant"]
    with pytest.raises(CurationError, match="bare surname"):
        wb.merge_person(doc, "Zabelin", "wu-xiuquan", page["version"])


def test_registering_and_setting_aside_names(curating):
    config, doc = curating
    wb = Workbench(config)
    wb.register_person(doc, "Pavel Zabelin", description="counsellor of the Soviet embassy")
    registry = Registry.load(config.mappings_dir, Ontology.load(config.ontology_dir,
                                                                Iris(config.base_iri)))
    assert registry["pavel-zabelin"].label == "Pavel Zabelin"
    wb.not_person(doc, "Zabelin", note="the surname alone")
    registry = Registry.load(config.mappings_dir, registry_ontology(config))
    assert registry.is_not_person("ZABELIN")
    names = [p["name"] for p in wb.page(doc)["provisional"]]
    assert "Pavel Zabelin" not in names and "Zabelin" not in names
    from kg.ingest.document import parse_document
    mentions = Linker(registry).mentions(parse_document(Path(config.corpus_dir) / f"{doc}.txt"))
    assert not [m for m in mentions if m.provisional == "Zabelin"]
    wb.undo()
    assert "Zabelin" in [p["name"] for p in wb.page(doc)["provisional"]]


def registry_ontology(config: Config) -> Ontology:
    return Ontology.load(config.ontology_dir, Iris(config.base_iri))


def test_no_path_outside_the_mappings_folder_is_ever_written(curating, tmp_path):
    config, doc = curating
    wb = Workbench(config)
    for bad in ("../../etc/passwd", "..", "x/../../y", "registry", ""):
        with pytest.raises(CurationError):
            wb.page(bad)
    with pytest.raises(CurationError):
        inside(tmp_path / "elsewhere.yaml", Path(config.mappings_dir))
    with pytest.raises(CurationError):
        inside(Path(config.mappings_dir) / "documents" / "x.txt", Path(config.mappings_dir))
    # A history file edited to name another file cannot make undo write it.
    page = wb.page(doc)
    wb.accept(doc, candidate(page, "visited Zhou Enlai")["index"], page["version"])
    entry = next(wb.history.folder.glob("*.json"))
    target = tmp_path / "outside.yaml"
    target.write_text("x")
    entry.write_text(entry.read_text().replace(
        str(Path(config.mappings_dir) / "documents" / f"{doc}.yaml"), str(target)))
    with pytest.raises(CurationError, match="outside"):
        History(wb.history.folder, (Path(config.mappings_dir),)).undo()
    assert target.read_text() == "x"


def test_a_change_that_breaks_the_build_points_at_its_fact_and_keeps_the_store(curating):
    config, doc = curating
    wb = Workbench(config, build=build)
    first = wb.rebuild()
    assert first.built, first.message
    store = (Path(config.data_dir) / "store").resolve()
    page = wb.page(doc)
    fact = candidate(page, "visited Zhou Enlai")
    out = wb.edit(doc, fact["index"], {"about": fact["about"],
                                       "properties": {"participant": ["no-such-person"]},
                                       "quote": fact["quote"]}, page["version"])
    assert not out.built
    assert out.errors and out.errors[0]["fact"] == fact["index"]
    assert "no-such-person" in out.errors[0]["message"]
    assert (Path(config.data_dir) / "store").resolve() == store
    assert wb.undo().built


# --- the HTTP layer ----------------------------------------------------------------------

@pytest.fixture
def curate_app(curating):
    from server import create_app

    config, doc = curating
    settings = {k: getattr(config, k) for k in ("corpus_dir", "mappings_dir", "ontology_dir",
                                                "queries_dir", "data_dir")}
    app = create_app({**settings, "curate": True, "TESTING": True})
    app.extensions["kg.workbench"].build = None
    return app, config, doc


def test_changes_need_post_and_the_csrf_token(curate_app):
    app, config, doc = curate_app
    client = app.test_client()
    page = client.get(f"/curate/api/{doc}").get_json()
    index = candidate(page, "visited Zhou Enlai")["index"]
    url = f"/curate/api/{doc}/facts/{index}/accept"
    before = text_of(config, doc)
    assert client.get(url).status_code == 405
    assert client.post(url, json={"version": page["version"]}).status_code == 403
    wrong = client.post(url, json={"version": page["version"]}, headers={"X-CSRF-Token": "x"})
    assert wrong.status_code == 403 and "CSRF" in wrong.get_json()["message"]
    token = app.extensions["kg.csrf"]
    cross = client.post(url, json={"version": page["version"]},
                        headers={"X-CSRF-Token": token, "Origin": "http://evil.example"})
    assert cross.status_code == 403
    assert text_of(config, doc) == before
    html = client.get(f"/curate/{doc}").get_data(as_text=True)
    assert f'content="{token}"' in html
    ok = client.post(url, json={"version": page["version"]}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 200 and ok.get_json()["what"].startswith("accepted")
    stale = client.post(url, json={"version": page["version"]}, headers={"X-CSRF-Token": token})
    assert stale.status_code == 409
    bad = client.post(f"/curate/api/{doc}/facts/{index}/edit", headers={"X-CSRF-Token": token},
                      json={"version": ok.get_json()["version"], "fact": {"about": "x"}})
    assert bad.status_code == 400 and "property" in bad.get_json()["message"]
    sneaky = client.post("/curate/api/..%2F..%2Fregistry/facts", headers={"X-CSRF-Token": token},
                         json={"version": "", "fact": {}})
    assert sneaky.status_code in (400, 404)


def test_a_token_guards_every_workbench_request(curating):
    from server import create_app

    config, doc = curating
    settings = {k: getattr(config, k) for k in ("corpus_dir", "mappings_dir", "ontology_dir",
                                                "queries_dir", "data_dir")}
    app = create_app({**settings, "curate": True, "curate_token": "s3cret-token",
                      "TESTING": True})
    client = app.test_client()
    assert client.get(f"/curate/api/{doc}").status_code == 401
    assert client.get(f"/curate/api/{doc}",
                      headers={"Authorization": "Bearer s3cret-tokeN"}).status_code == 401
    assert client.get(f"/curate/api/{doc}",
                      headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    assert client.get("/curate", headers={"Accept": "text/html"}).status_code == 302
    assert client.post("/curate/sign-in", data={"token": "nope"}).status_code == 401
    signed = client.post("/curate/sign-in", data={"token": "s3cret-token"})
    assert signed.status_code == 302 and "HttpOnly" in signed.headers["Set-Cookie"]
    assert client.get(f"/curate/api/{doc}").status_code == 200  # the cookie


def test_the_public_server_has_no_workbench(app, client):
    assert client.get("/curate").status_code == 404
    assert client.post("/curate/api/undo").status_code == 404


def test_kg_curate_refuses_a_public_address_without_a_token(curating):
    from kg.cli import main

    config, _ = curating
    result = CliRunner().invoke(main, ["--project", str(Path(config.corpus_dir).parent),
                                       "curate", "--host", "0.0.0.0", "--port", "1"])
    assert result.exit_code != 0
    assert "refusing to serve the workbench on 0.0.0.0" in result.output
    assert "Traceback" not in result.output


def test_a_mapping_that_does_not_parse_is_listed_with_its_problem(curating):
    config, doc = curating
    path = Path(config.mappings_dir) / "documents" / f"{doc}.yaml"
    path.write_text(path.read_text() + "facts: [\n")
    (listed,) = [d for d in Workbench(config).documents() if d["id"] == doc]
    assert listed["problem"] and f"{doc}.yaml" in listed["problem"]
    others = [d for d in Workbench(config).documents() if d["id"] != doc]
    assert others and all(d["problem"] is None and d["facts"] > 0 for d in others)
