"""The evaluation report: scores, mismatches and errors, on small folders made in tmp."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.curate.evaluate import FIELDS, evaluate, main

ARCHIVE = Path(__file__).parent / "archive"
DOC = "1949-05-26-kovalev-to-filippov-nos"  # two citations, two codenames, numbers


def copy(folder: Path, stem: str = DOC, **changes) -> dict:
    """Copy a test document and its expectation into ``folder``, changing the expectation."""
    shutil.copy(ARCHIVE / f"{stem}.txt", folder / f"{stem}.txt")
    expected = json.loads((ARCHIVE / f"{stem}.expected.json").read_text("utf-8"))
    expected.update(changes)
    (folder / f"{stem}.expected.json").write_text(json.dumps(expected), encoding="utf-8")
    return expected


def test_a_right_expectation_scores_one_everywhere(tmp_path):
    copy(tmp_path)
    report = evaluate(tmp_path)
    assert report.documents == 1 and report.perfect
    assert list(report.scores) == list(FIELDS)
    for score in report.scores.values():
        assert (score.precision, score.recall, score.accuracy) == (1.0, 1.0, 1.0), score.field
    assert "No mismatches." in report.markdown()


def test_a_wrong_list_item_lowers_precision_and_recall(tmp_path):
    copy(tmp_path, recipients=[{"name": "Filippov", "identified_as": "Molotov"}],
         codenames={"Filippov": "Stalin", "Strakhov": "Li Lisan", "Andreev": "Mikoyan"})
    report = evaluate(tmp_path)
    recipients = report.scores["recipients"]
    assert (recipients.precision, recipients.recall, recipients.accuracy) == (0.0, 0.0, 0.0)
    codenames = report.scores["codenames"]
    assert codenames.precision == 1.0 and codenames.recall == pytest.approx(2 / 3)
    mismatch = next(m for m in report.mismatches if m.field == "recipients")
    assert (mismatch.file, mismatch.expected, mismatch.got) == (
        f"{DOC}.txt", ["Filippov = Molotov"], ["Filippov = Stalin"])
    assert not report.perfect


def test_a_wrong_scalar_counts_as_a_false_positive_and_a_false_negative(tmp_path):
    copy(tmp_path, translator="Someone Else", language=None)
    report = evaluate(tmp_path)
    translator, language = report.scores["translator"], report.scores["language"]
    assert (translator.precision, translator.recall, translator.accuracy) == (0.0, 0.0, 0.0)
    assert (language.precision, language.recall) == (0.0, 1.0)  # found one not expected
    fields = {(m.field, m.expected, m.got) for m in report.mismatches}
    assert fields == {("translator", "Someone Else", "Mikhail Orlovsky"),
                      ("language", None, "Russian")}


def test_markdown_lists_the_table_and_the_mismatches(tmp_path):
    copy(tmp_path, title="Another title | with a bar")
    text = evaluate(tmp_path).markdown()
    assert "| field | compared as | precision | recall | accuracy | documents right |" in text
    assert "| title | exact | 0.00 | 0.00 | 0.00 | 0/1 |" in text
    assert f"| {DOC}.txt | title | Another title \\| with a bar |" in text


def test_missing_expectation_unparseable_document_and_incomplete_expectation(tmp_path):
    (tmp_path / "orphan.txt").write_text("Skip to content\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "empty.expected.json").write_text(json.dumps({"date": "1949"}), "utf-8")
    report = evaluate(tmp_path)
    errors = dict(report.errors)
    assert errors["orphan.txt"] == "no expectation file orphan.expected.json"
    assert errors["empty.txt"].endswith("empty.txt: file is empty")
    assert errors["empty.expected.json"].startswith("lacks fields title, doc_type")
    assert report.documents == 1
    assert report.scores["date"].false_negatives == 1
    assert report.scores["title"].documents == 0  # not in that expectation: not scored


def test_persons_mentioned_is_not_scored(tmp_path):
    copy(tmp_path, persons_mentioned=["Somebody Unknown"])
    assert evaluate(tmp_path).perfect


def test_main_prints_the_report_and_fails_on_mismatches(tmp_path, capsys):
    copy(tmp_path)
    assert main([str(tmp_path)]) == 0
    assert "Parser evaluation: 1 documents" in capsys.readouterr().out
    copy(tmp_path, date="1950-01-01")
    assert main([str(tmp_path)]) == 1
    assert "| date |" in capsys.readouterr().out


def test_the_project_test_set_is_perfect():
    report = evaluate(ARCHIVE)
    assert report.documents >= 30
    assert report.perfect, report.markdown()
