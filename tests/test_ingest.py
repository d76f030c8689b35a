"""Adding documents: `kg add` copies them unchanged and never twice, drafts are valid
mappings to start from, and bad files are reported by name without stopping the build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import CORPUS, MAPPINGS
from kg.build import build, check, compile_graphs
from kg.cli import main
from kg.config import Config
from kg.errors import DocumentError
from kg.store.query import select

KOVALEV = CORPUS / "1949-05-17-kovalev-to-filippov.txt"


@pytest.fixture
def empty_project(tmp_path: Path) -> Config:
    """The real registry (every file) and the Mao cable's mapping, over a corpus with only
    that cable."""
    (tmp_path / "corpus").mkdir()
    shutil.copy(CORPUS / "1948-12-30-mao-to-stalin.txt", tmp_path / "corpus")
    maps = tmp_path / "mappings"
    (maps / "documents").mkdir(parents=True)
    shutil.copy(MAPPINGS / "registry.yaml", maps)
    shutil.copytree(MAPPINGS / "registry", maps / "registry")
    shutil.copy(MAPPINGS / "documents" / "1948-12-30-mao-to-stalin.yaml", maps / "documents")
    return Config.load({"data_dir": str(tmp_path / "data"), "corpus_dir": str(tmp_path / "corpus"),
                        "mappings_dir": str(maps)}, env={})


def kg(config: Config, *args: str):
    env = {"KG_CORPUS_DIR": config.corpus_dir, "KG_MAPPINGS_DIR": config.mappings_dir}
    return CliRunner(env=env).invoke(main, ["--data-dir", config.data_dir, *args])


def test_add_copies_unchanged_and_refuses_a_duplicate(empty_project: Config) -> None:
    first = kg(empty_project, "add", str(KOVALEV))
    assert first.exit_code == 0, first.output
    added = list(Path(empty_project.corpus_dir).glob("1949-05-17-*.txt"))
    assert len(added) == 1
    assert added[0].read_bytes() == KOVALEV.read_bytes()

    again = kg(empty_project, "add", str(KOVALEV))
    assert again.exit_code == 1
    assert f"already in the corpus as {added[0].name}" in again.stderr
    assert len(list(Path(empty_project.corpus_dir).glob("*.txt"))) == 2


def test_added_document_builds_without_a_mapping(empty_project: Config) -> None:
    kg(empty_project, "add", str(KOVALEV))
    report = build(empty_project)
    assert report.documents == 2
    table = select(empty_project.store_path, """
        SELECT DISTINCT ?sender ?recipient WHERE {
          ?c a kg:CipheredTelegram ; kg:sender/rdfs:label ?sender ;
             kg:recipient/rdfs:label ?recipient }""", base=empty_project.base_iri)
    assert table.rows == [["Ivan Kovalev", "Joseph Stalin"]]
    mentioned = select(empty_project.store_path, """
        SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?d kg:reproduces/a kg:CipheredTelegram ; kg:mentions ?e }""",
                       base=empty_project.base_iri)
    assert int(mentioned.rows[0][0]) > 30


def test_draft_is_valid_and_a_candidate_becomes_a_fact(empty_project: Config) -> None:
    result = kg(empty_project, "add", "--draft", str(KOVALEV))
    assert result.exit_code == 0, result.output
    draft = next(Path(empty_project.mappings_dir, "documents").glob("1949-05-17-*.yaml"))
    text = draft.read_text()
    assert "author: ivan-kovalev" in text
    assert "#   recipient: Filippov [Stalin] -> joseph-stalin" in text
    drafted = check(empty_project)  # the draft as written is a valid mapping
    assert any(item.startswith(f"{draft.stem}: ") and
               "candidate fact(s) not yet reviewed" in item for item in drafted.review.items)

    # A curator takes the first candidate passage with a figure and states it.
    quote = next(line.split("quote: ", 1)[1] for line in text.splitlines()
                 if line.startswith("#   quote: ") and "100 thousand" in line)
    data = yaml.safe_load(text)
    data["facts"] = [{"about": "communication", "subjectText": "prisoners taken",
                      "quote": yaml.safe_load(quote)}]
    draft.write_text(yaml.safe_dump(data, allow_unicode=True))
    assert check(empty_project).facts > 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "file is empty"),
        ("binary.txt", b"\x00\x01\x02PK\x03\x04", "binary file"),
        ("latin1.txt", "Skip to content\n\nMay 17, 1949\n\nT\u00e9l\u00e9gramme\n".encode(
            "latin-1"), "not valid UTF-8"),
    ],
)
def test_bad_file_is_named_and_skipped_or_stops_a_strict_build(
        empty_project: Config, name: str, content: bytes, message: str) -> None:
    bad = Path(empty_project.corpus_dir) / name
    bad.write_bytes(content)
    compiled = compile_graphs(empty_project)
    assert [d.id for d in compiled.documents] == ["1948-12-30-mao-to-stalin"]
    assert any(item.startswith(f"{bad.stem}: skipped") and message in item
               for item in compiled.review.items)
    with pytest.raises(DocumentError, match=message) as err:
        compile_graphs(empty_project, strict=True)
    assert err.value.file and err.value.file.endswith(name)


def test_bad_file_loses_nothing_already_built(empty_project: Config) -> None:
    build(empty_project)
    (Path(empty_project.corpus_dir) / "binary.txt").write_bytes(b"\x00\x01")
    with pytest.raises(DocumentError):
        build(empty_project, strict=True)
    assert select(empty_project.store_path, "SELECT ?s WHERE { ?s a kg:Cable }",
                  base=empty_project.base_iri).rows
    assert build(empty_project).documents == 1  # and a lenient build goes on


def test_add_reports_an_unreadable_file_and_adds_the_others(empty_project: Config,
                                                           tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x00")
    result = kg(empty_project, "add", str(bad), str(KOVALEV))
    assert result.exit_code == 1
    assert f"error: {bad}: binary file" in result.stderr
    assert "added" in result.stderr


def test_type_field_posts_and_stray_lines_in_the_built_graph(empty_project: Config) -> None:
    """kg:documentType holds the page's "Type" field (the title's kind only chooses the
    class); an empty "Record ID" before a sponsor line stays absent; a post is no person;
    a page whose first line is another document's summary still builds."""
    corpus = Path(empty_project.corpus_dir)
    shutil.copy(Path(__file__).parent / "archive" / "1952-07-18-razuvaev-transmitting-pak.txt",
                corpus)
    (corpus / "1953-07-04-molotov-to-ambassador.txt").write_text(
        "A request to brief the Chinese leadership on the armistice talks.\n"
        "July 4, 1953\n"
        "Telegram from USSR Foreign Minister V.M. Molotov to Soviet Ambassador in Beijing\n"
        "Visit Mao Zedong and inform him of our view of the armistice talks.\n"
        "V. Molotov\n", encoding="utf-8")
    report = build(empty_project)
    assert report.documents == 3
    types = select(empty_project.store_path, """
        SELECT ?file ?type ?id WHERE { ?r kg:sourceFile ?file .
          OPTIONAL { ?r kg:documentType ?type } OPTIONAL { ?r kg:recordId ?id } }
        ORDER BY ?file""", base=empty_project.base_iri)
    rows = {row[0]: row[1:] for row in types.rows}
    assert rows["1952-07-18-razuvaev-transmitting-pak.txt"] == ["Telegram", ""]
    assert rows["1953-07-04-molotov-to-ambassador.txt"] == ["", ""]  # unbound
    classes = select(empty_project.store_path, """
        SELECT ?c WHERE { ?r kg:sourceFile "1952-07-18-razuvaev-transmitting-pak.txt" ;
          kg:reproduces ?c . ?c a kg:CipheredTelegram }""", base=empty_project.base_iri)
    assert len(classes.rows) == 1
    persons = select(empty_project.store_path, """
        SELECT ?label WHERE { ?p a kg:Person ; rdfs:label ?label .
          FILTER(CONTAINS(LCASE(STR(?label)), "ambassador")) }""", base=empty_project.base_iri)
    assert persons.rows == []
    assert any("is a post, not a person" in item for item in report.review)
    assert any("'record_id': ignored 'Leon Levy Foundation'" in item for item in report.review)


def test_pages_in_another_language_or_naming_nobody_enter_with_what_can_be_read(
        empty_project: Config) -> None:
    corpus = Path(empty_project.corpus_dir)
    (corpus / "ru.txt").write_text(
        "Skip to content\n\n17 мая 1949 г.\n\nШифртелеграмма Ковалева Филиппову\n\n"
        "Тов. Филиппову.\n\nМао Цзэдун сообщил мне, что армия Чэнь И взяла Шанхай.\n\n"
        "Ковалев\n", encoding="utf-8")
    (corpus / "nobody.txt").write_text(
        "Skip to content\n\nMay 1, 1950\n\nOn the Situation in Korea\n\n"
        "The harvest in the north is expected to be good this year.\n", encoding="utf-8")
    compiled = compile_graphs(empty_project)
    assert {d.id for d in compiled.documents} == {"1948-12-30-mao-to-stalin", "ru", "nobody"}
    for doc in ("ru", "nobody"):
        assert f"{doc}: no sender could be read from the title" in compiled.review.items
    report = build(empty_project)
    assert report.documents == 3
    dates = select(empty_project.store_path, """
        SELECT ?file ?date (COUNT(?p) AS ?paragraphs) WHERE {
          ?r kg:sourceFile ?file ; kg:paragraph ?p ; kg:reproduces/kg:date ?date }
        GROUP BY ?file ?date ORDER BY ?file""", base=empty_project.base_iri)
    assert [row[:2] for row in dates.rows if row[0] != "1948-12-30-mao-to-stalin.txt"] == [
        ["nobody.txt", "1950-05-01"], ["ru.txt", "1949-05-17"]]


def test_a_record_of_conversation_has_its_keeper_not_a_sender(empty_project: Config) -> None:
    (Path(empty_project.corpus_dir) / "1955-03-12-yudin-journal.txt").write_text(
        "Skip to content\n\nMarch 12, 1955\n\nFrom the Journal of Ambassador Pavel Yudin: "
        "Record of Conversation with Mao Zedong on 8 March 1955\n\nFrom the Journal of "
        "P. F. Yudin, 12 March 1955, Top Secret\n\nI called on Mao Zedong and told him about "
        "the plenum.\n", encoding="utf-8")
    build(empty_project)
    rows = select(empty_project.store_path, """
        SELECT ?role ?who WHERE { ?r kg:sourceFile "1955-03-12-yudin-journal.txt" ;
          kg:recordOf ?m . ?m a kg:Meeting ; ?role ?p . ?p rdfs:label ?who .
          FILTER(?role IN (kg:recordedBy, kg:participant, kg:sender)) } ORDER BY ?role ?who""",
                  base=empty_project.base_iri)
    assert rows.rows == [["kg:participant", "Mao Zedong"],
                         ["kg:participant", "Pavel Yudin"],
                         ["kg:recordedBy", "Pavel Yudin"]]


def test_review_lists_every_merge_of_provisional_persons(empty_project: Config) -> None:
    corpus = Path(empty_project.corpus_dir)
    for day, title in (("2", "Memorandum of Conversation between Cde. Ri Tong-hwi and "
                             "Ambassador Puzanov"),
                       ("9", "Telegram from Puzanov to Gromyko")):
        (corpus / f"1958-05-0{day}-puzanov.txt").write_text(
            f"Skip to content\n\nMay {day}, 1958\n\n{title}\n\nCde. Ri Tong-hwi said that "
            "the harvest would be good. Cde. Pak said nothing.\n", encoding="utf-8")
    result = kg(empty_project, "review")
    assert result.exit_code == 0, result.output
    merges = [line for line in result.stdout.splitlines() if line.startswith("merged:")]
    # A full name is one person in both documents; a bare surname ("Pak") never merges.
    assert merges == ["merged: person 'Ri Tong-hwi' is one person in 2 documents, by the same "
                      "full name: 1958-05-02-puzanov, 1958-05-09-puzanov"]
