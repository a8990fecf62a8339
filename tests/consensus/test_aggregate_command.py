"""`cslab aggregate`: CSV in, labels with every class probability out, clear errors."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cslab.consensus.io import sorted_labels

ANSWERS = """item,worker,label
a,w1,cat
a,w2,cat
a,w3,dog
b,w1,dog
b,w2,dog
b,w3,dog
c,w3,cat
"""
TRUTH = "item,truth\na,cat\nb,cat\nz,dog\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _aggregate(*arguments: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("aggregate", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_result_has_item_label_confidence_and_one_probability_column_per_class(
    tmp_path: Path,
) -> None:
    answers = _write(tmp_path, "answers.csv", ANSWERS)
    out, _ = _aggregate(str(answers), "--method", "majority")
    assert out.splitlines()[0] == "item,label,confidence,p_cat,p_dog"
    rows = _rows(out)
    assert [(row["item"], row["label"]) for row in rows] == [
        ("a", "cat"),
        ("b", "dog"),
        ("c", "cat"),
    ]
    assert float(rows[0]["confidence"]) == pytest.approx(2 / 3, abs=1e-5)
    assert float(rows[0]["p_dog"]) == pytest.approx(1 / 3, abs=1e-5)


@pytest.mark.parametrize("method", ["majority", "dawid-skene", "one-coin", "mace"])
def test_every_method_writes_a_result_file(tmp_path: Path, method: str) -> None:
    answers = _write(tmp_path, "answers.csv", ANSWERS)
    result = tmp_path / "result.csv"
    out, _ = _aggregate(str(answers), "--method", method, "--out", str(result))
    assert out == ""
    rows = _rows(result.read_text())
    assert [row["item"] for row in rows] == ["a", "b", "c"]
    for row in rows:
        assert float(row["p_cat"]) + float(row["p_dog"]) == pytest.approx(1, abs=1e-5)


def test_gold_prints_the_accuracy_over_items_that_have_gold(tmp_path: Path) -> None:
    answers = _write(tmp_path, "answers.csv", ANSWERS)
    truth = _write(tmp_path, "truth.csv", TRUTH)
    out, err = _aggregate(
        str(answers),
        "--method",
        "majority",
        "--gold",
        str(truth),
        "--out",
        str(tmp_path / "result.csv"),
    )
    assert out.splitlines() == ["accuracy: 0.5000"]  # a right, b wrong; z has no answers
    assert "1 gold item(s) have no answers" in err


def test_accuracy_goes_to_stderr_when_the_csv_goes_to_stdout(tmp_path: Path) -> None:
    answers = _write(tmp_path, "answers.csv", ANSWERS)
    truth = _write(tmp_path, "truth.csv", TRUTH)
    out, err = _aggregate(str(answers), "--method", "majority", "--gold", str(truth))
    assert "accuracy" not in out
    assert "accuracy: 0.5000" in err.splitlines()


def test_weighted_uses_gold_accuracy_as_weights(tmp_path: Path) -> None:
    answers = _write(tmp_path, "answers.csv", ANSWERS)
    truth = _write(tmp_path, "truth.csv", "item,truth\nb,dog\nc,cat\n")
    out, _ = _aggregate(str(answers), "--method", "weighted", "--gold", str(truth))
    assert [row["label"] for row in _rows(out)] == ["cat", "dog", "cat"]


def test_weighted_without_gold_says_it_needs_gold(tmp_path: Path) -> None:
    answers = _write(tmp_path, "answers.csv", ANSWERS)
    with pytest.raises(CommandError, match="--method weighted needs --gold"):
        _aggregate(str(answers), "--method", "weighted")


def test_workers_file_has_each_workers_answers_and_skill(tmp_path: Path) -> None:
    answers = _write(tmp_path, "answers.csv", ANSWERS)
    workers = tmp_path / "workers.csv"
    _aggregate(str(answers), "--method", "majority", "--workers", str(workers))
    rows = _rows(workers.read_text())
    assert [(row["worker"], row["answers"], row["skill"]) for row in rows] == [
        ("w1", "2", "1"),
        ("w2", "2", "1"),
        ("w3", "3", "0.666667"),
    ]


def test_named_columns_are_picked_wherever_they_are(tmp_path: Path) -> None:
    answers = _write(tmp_path, "answers.csv", "when,label,who,what\n1,x,w1,i1\n2,y,w2,i1\n")
    out, _ = _aggregate(str(answers), "--method", "majority", "--columns", "what,who,label")
    assert _rows(out) == [
        {"item": "i1", "label": "x", "confidence": "0.5", "p_x": "0.5", "p_y": "0.5"}
    ]


def test_numeric_labels_are_ordered_as_numbers_so_ties_go_to_the_smallest() -> None:
    assert sorted_labels(["10", "2", "1"]) == ["1", "2", "10"]
    assert sorted_labels(["b", "10", "a"]) == ["10", "a", "b"]


def test_a_tie_goes_to_the_label_first_in_sorted_order(tmp_path: Path) -> None:
    answers = _write(tmp_path, "answers.csv", "i,w,l\n1,a,10\n1,b,2\n")
    out, _ = _aggregate(str(answers), "--method", "majority")
    assert _rows(out)[0]["label"] == "2"


def test_crlf_files_with_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_bytes("\ufeffitem,worker,label\r\na,w1,x\r\na,w2,x\r\n".encode())
    out, _ = _aggregate(str(path), "--method", "majority")
    assert _rows(out)[0]["label"] == "x"


# Repeated answers ------------------------------------------------------------------------------

REPEATS = "item,worker,label\na,w1,x\na,w1,y\na,w1,y\na,w2,x\n"


def test_repeats_are_counted_by_default_and_reported(tmp_path: Path) -> None:
    answers = _write(tmp_path, "answers.csv", REPEATS)
    out, err = _aggregate(str(answers), "--method", "majority")
    assert "2 repeated answers (same worker, same item) counted" in err
    assert float(_rows(out)[0]["p_y"]) == pytest.approx(0.5)


def test_keep_last_keeps_only_each_workers_last_answer(tmp_path: Path) -> None:
    answers = _write(tmp_path, "answers.csv", REPEATS)
    out, err = _aggregate(str(answers), "--method", "majority", "--duplicates", "keep-last")
    assert "2 repeated answers (same worker, same item) dropped" in err
    row = _rows(out)[0]
    assert (row["p_x"], row["p_y"]) == ("0.5", "0.5")  # w1's last: y; w2: x


def test_duplicates_error_stops_and_names_an_example(tmp_path: Path) -> None:
    answers = _write(tmp_path, "answers.csv", REPEATS)
    with pytest.raises(CommandError, match=r"2 repeated answer.*worker w1 on item a"):
        _aggregate(str(answers), "--method", "majority", "--duplicates", "error")


# Bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("item,worker,label\n", "has a header but no answers"),
        ("item,worker\na,w1\n", "has 2 column"),
        ("item,worker,label\na,w1,\n", "line 2: the label is empty"),
        ("item,worker,label\na,,x\n", "line 2: the worker is empty"),
    ],
)
def test_bad_answer_files_give_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    answers = _write(tmp_path, "answers.csv", text)
    with pytest.raises(CommandError, match=message):
        _aggregate(str(answers), "--method", "majority")


def test_a_missing_named_column_is_named(tmp_path: Path) -> None:
    answers = _write(tmp_path, "answers.csv", ANSWERS)
    with pytest.raises(CommandError, match="has no column species"):
        _aggregate(str(answers), "--method", "majority", "--columns", "item,worker,species")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        _aggregate(str(tmp_path / "nope.csv"), "--method", "majority")


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(CommandError, match="invalid choice"):
        _aggregate("answers.csv", "--method", "glad")


def _cslab(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "cslab.settings.test"}
    return subprocess.run(
        [str(Path(sys.executable).parent / "cslab"), "aggregate", *arguments],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_in_a_shell_bad_input_exits_non_zero_with_one_line_and_no_traceback(
    tmp_path: Path,
) -> None:
    _write(tmp_path, "empty.csv", "")
    for arguments, status in [
        (("empty.csv", "--method", "majority"), 1),
        (("missing.csv", "--method", "majority"), 1),
        (("empty.csv", "--method", "unknown"), 2),
    ]:
        completed = _cslab(*arguments, cwd=tmp_path)
        assert completed.returncode == status, completed.stderr
        assert "Traceback" not in completed.stderr
        assert len(completed.stderr.strip().splitlines()) == 1, completed.stderr


def test_in_a_shell_a_good_run_exits_zero_with_the_csv_on_stdout(tmp_path: Path) -> None:
    _write(tmp_path, "answers.csv", ANSWERS)
    completed = _cslab("answers.csv", "--method", "dawid-skene", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[0] == "item,label,confidence,p_cat,p_dog"
    assert "dawid-skene: converged after" in completed.stderr
