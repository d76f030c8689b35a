"""Scoring the built graph against hand-read facts (``kg evaluate DIR --gold FILE``), on a
page of the project's own test archive: the dev set's real pages are never in the
repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kg.cli import main
from kg.config import PROJECT_ROOT, Config
from kg.errors import MappingError
from kg.gold import evaluate_gold, fold, load_gold

PAGE = PROJECT_ROOT / "tests" / "archive" / "1949-01-10-filippov-to-mao-via-terebin.txt"
GOLD = {
    "file": "01.txt",
    "date": "1949-01-10",
    "title": "Ciphered Telegram No. 1362 from Filippov [Stalin] to Mao Zedong (via Terebin)",
    "type": "Ciphered Telegram",
    "record_id": "119301",
    "translator": "Anna Korsakova",
    "archival_source": "APRF, F. 45, Op. 1, D. 330, Ll. 95-96.",
    "senders": ["Joseph Stalin"],
    "recipients": ["Mao Zedong"],
    "intermediaries": ["Terebin"],
    "participants": [],
    "pseudonyms_stated": [{"alias": "Filippov", "person": "Joseph Stalin"}],
    "persons_mentioned": [],
    "places_mentioned": [],
    "organizations_mentioned": [],
}


def dev_set(tmp_path: Path, *entries: dict) -> tuple[Path, Path]:
    texts = tmp_path / "texts"
    texts.mkdir()
    shutil.copyfile(PAGE, texts / "01.txt")
    gold = tmp_path / "gold.yaml"
    gold.write_text(yaml.safe_dump(list(entries)), encoding="utf-8")
    return texts, gold


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config.load({"data_dir": str(tmp_path / "unused")}, env={})


def test_a_page_read_right_scores_full_marks(tmp_path: Path, config: Config) -> None:
    report = evaluate_gold(*dev_set(tmp_path, GOLD), config)
    assert (report.pages, report.all_right, report.refused) == (1, 1, [])
    for name in ("date", "title", "record_id", "translator", "senders", "recipients",
                 "intermediaries", "pseudonyms_stated"):
        s = report.scores[name]
        assert (s.precision, s.recall, s.correct) == (1.0, 1.0, 1), name
    # The graph's own data, scored as a user would query it: nothing else was built.
    assert not Path(config.data_dir).exists()


def test_what_the_graph_lacks_or_adds_is_counted_and_shown(tmp_path: Path,
                                                           config: Config) -> None:
    wrong = {**GOLD, "recipients": ["Mao Zedong", "Zhou Enlai"], "senders": [],
             "date": "1949-01-11", "persons_mentioned": ["Joseph Stalin"]}
    report = evaluate_gold(*dev_set(tmp_path, wrong), config)
    assert report.all_right == 0
    recipients, senders = report.scores["recipients"], report.scores["senders"]
    assert (recipients.precision, recipients.recall) == (1.0, 0.5)
    assert (senders.false_positives, senders.precision) == (1, 0.0)
    assert report.scores["date"].correct == 0
    misses = {(page, name): (want, got) for page, name, want, got in report.misses}
    assert misses["01.txt", "recipients"] == ("Zhou Enlai", "")
    assert misses["01.txt", "senders"] == ("", "Joseph Stalin")
    assert misses["01.txt", "date"] == ("1949-01-11", "1949-01-10")
    assert "| 01.txt | recipients | Zhou Enlai | - |" in report.markdown()


def test_a_page_the_build_skips_is_refused_and_a_page_not_collected_is_left_out(
        tmp_path: Path, config: Config) -> None:
    texts, gold = dev_set(tmp_path, GOLD, {**GOLD, "file": "02.txt"},
                          {**GOLD, "file": "03.txt"})
    (texts / "02.txt").write_bytes(b"\x00\x01\x02 not a page")
    report = evaluate_gold(texts, gold, config)
    assert report.pages == 2 and report.refused == ["02.txt"]
    assert report.scores["senders"].false_negatives == 1


def test_names_compare_folded_and_bad_gold_is_one_line(tmp_path: Path) -> None:
    assert fold("  Pak Hŏn-yŏng ") == fold("pak hon yong") == "pak hon yong"
    assert fold("Grigor’yan") == fold("Grigoryan")
    bad = tmp_path / "gold.yaml"
    bad.write_text("- file: 01.txt\n  title: x\n", encoding="utf-8")
    with pytest.raises(MappingError, match="page 1 lacks senders, recipients"):
        load_gold(bad)
    texts = tmp_path / "texts"
    texts.mkdir()
    result = CliRunner().invoke(main, ["evaluate", str(texts), "--gold", str(bad)])
    assert result.exit_code != 0
    assert "page 1 lacks senders" in result.output and "Traceback" not in result.output
