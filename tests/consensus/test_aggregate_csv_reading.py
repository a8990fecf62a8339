"""`cslab aggregate`'s CSV reading and writing: the vectorised reader and writer read and write
exactly what the csv module does, and hostile files get a clear error."""

import csv
import io
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from cslab.consensus import io as consensus_io
from cslab.consensus.io import InputError, read_answers


def _write(tmp_path: Path, text: str, name: str = "answers.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def _aggregate(*arguments: str) -> str:
    out = io.StringIO()
    call_command("aggregate", *arguments, "--method", "majority", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _decoded(path: Path, **options: object) -> list[tuple[str, str, str]]:
    table = read_answers(path, **options)  # type: ignore[arg-type]
    answers = table.answers
    return [
        (table.item_names[item], table.worker_names[worker], table.class_names[label])
        for item, worker, label in zip(answers.items, answers.workers, answers.labels, strict=True)
    ]


def test_quoted_fields_with_commas_quotes_and_line_breaks_are_read_whole(tmp_path: Path) -> None:
    path = _write(tmp_path, 'item,worker,label\n"a, b",w1,"say ""hi"""\n"a, b","w\n2",cat\n')
    assert _decoded(path) == [("a, b", "w1", 'say "hi"'), ("a, b", "w\n2", "cat")]


def test_names_are_written_back_quoted_as_the_csv_module_quotes_them(tmp_path: Path) -> None:
    path = _write(tmp_path, 'item,worker,label\n"a, b",w1,"say ""hi"""\nplain,w1,"x\ny"\n')
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(["item", "label", "confidence", 'p_say "hi"', "p_x\ny"])
    writer.writerow(["a, b", 'say "hi"', "1", "1", "0"])
    writer.writerow(["plain", "x\ny", "1", "0", "1"])
    assert _aggregate(str(path)) == expected.getvalue()


def test_spaces_around_values_are_ignored_so_padded_names_are_one_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "item, worker, label\na, w1, x\n a ,w2,x \nb,w1 ,y\n")
    table = read_answers(path, columns=("item", "worker", "label"))
    assert (table.item_names, table.worker_names, table.class_names) == (
        ["a", "b"],
        ["w1", "w2"],
        ["x", "y"],
    )
    assert table.answers.items.tolist() == [0, 0, 1]


def test_rows_of_blanks_are_skipped_and_later_errors_name_their_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "item,worker,label\na,w1,x\n\n , , \nb,w2\n")
    with pytest.raises(InputError, match="line 5: the label is empty"):
        read_answers(path)
    path = _write(tmp_path, "item,worker,label\na,w1,x\n\n , , \nb,w2,y\n")
    assert _decoded(path) == [("a", "w1", "x"), ("b", "w2", "y")]


def test_the_fast_reader_and_the_csv_module_agree_on_a_messy_file(tmp_path: Path) -> None:
    generator = np.random.default_rng(7)
    names = ["a", " a", "b ", '"q"', "c,d", "e\nf", "7", "10", "ü"]
    lines = ["item,worker,label"]
    for _ in range(300):
        cells = [str(name) for name in generator.choice(names, 3)]
        lines.append(",".join(f'"{cell.replace(chr(34), chr(34) * 2)}"' for cell in cells))
    path = _write(tmp_path, "\r\n".join(lines) + "\r\n")
    fast = read_answers(path)
    coded = consensus_io._read_coded_with_csv(path, None)
    slow_items, _, slow_workers, _, slow_labels, _ = coded
    assert fast.item_names == slow_items
    assert fast.worker_names == slow_workers
    assert sorted(fast.class_names) == sorted(slow_labels)
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(path.read_text()))]
    assert _decoded(path) == [tuple(row) for row in rows[1:]]


@pytest.mark.parametrize("process_limit", [None, 2**31 - 1])
def test_a_field_longer_than_the_csv_limit_is_refused(
    tmp_path: Path, process_limit: int | None
) -> None:
    """Refused too when a library (frictionless does on import) raised csv's process limit."""
    previous = csv.field_size_limit()
    if process_limit is not None:
        csv.field_size_limit(process_limit)
    path = _write(tmp_path, f"item,worker,label,note\na,w1,x,{'n' * 200_000}\n")
    try:
        with pytest.raises(CommandError, match="is not valid CSV: field larger than field limit"):
            _aggregate(str(path))
    finally:
        csv.field_size_limit(previous)


def test_text_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_bytes(b"item,worker,label\na,w1,caf\xe9\n")
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        _aggregate(str(path))


def test_too_many_distinct_labels_are_refused_with_the_sizes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consensus_io, "MAX_RESULT_CELLS", 1_000)
    rows = "".join(f"i{index % 50},w1,label{index}\n" for index in range(100))
    path = _write(tmp_path, "item,worker,label\n" + rows)
    with pytest.raises(CommandError, match=r"100 different labels on 50 items: .* 5,000 prob"):
        _aggregate(str(path))


def test_a_result_longer_than_one_write_batch_keeps_every_item_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consensus_io, "WRITE_BATCH_ROWS", 7)
    items = [f"item{index}" for index in np.random.default_rng(3).permutation(30)]
    path = _write(tmp_path, "item,worker,label\n" + "".join(f"{item},w,x\n" for item in items))
    rows = list(csv.DictReader(io.StringIO(_aggregate(str(path)))))
    assert [row["item"] for row in rows] == items
    assert {row["confidence"] for row in rows} == {"1"}
