"""CSV in and out for `cslab aggregate`: names ↔ integer codes, repeats, results, worker skills.

Items and workers are numbered in order of first appearance; classes in sorted label order —
numerically when every label is a number, else by text — so the aggregation tie policy (lowest
class index) means "the class that comes first in sorted order".

Reading is vectorised: pyarrow parses the CSV (every column as text) and factorises each column
(`dictionary_encode`), so Python touches each distinct name once, not each answer. A file
pyarrow cannot take as it is — ragged rows, an empty or blank value, a field over the csv
module's limit, text that is not UTF-8 — is read again with the csv module, which finds the
first problem and names its line: both readers accept the same files and give the same answers.
Writing is vectorised too (pyarrow joins the columns of many rows at once).
"""

import csv
import math
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped,unused-ignore]

from cslab.aggregation import AggregationResult, Answers
from cslab.core import csv_fields

Duplicates = Literal["keep-all", "keep-last", "error"]
DUPLICATE_POLICIES: tuple[Duplicates, ...] = ("keep-all", "keep-last", "error")

# The csv module's default limit (131,072 characters per field), fixed here (the process-wide
# setting is changed by libraries such as frictionless): a longer field is refused, by either
# reader, with the same message.
FIELD_LIMIT = csv_fields.FIELD_LIMIT
# Every method returns items × classes probabilities (8 bytes each, several copies while it
# runs): above this many the file is refused with the sizes, before any memory is spent on it.
# Millions of distinct labels are nearly always the wrong column.
MAX_RESULT_CELLS = 50_000_000
# Rows written per vectorised batch: bounds the memory the text of the result takes.
WRITE_BATCH_ROWS = 65_536


class TextSink(Protocol):
    """Anything with write(str): a text file, sys.stdout, a management command's stdout."""

    def write(self, text: str, /) -> object: ...


class InputError(Exception):
    """A problem with an input file, in one sentence for the user."""


@dataclass(frozen=True)
class LabelTable:
    """Answers read from a CSV: the coded answers and the names behind the codes."""

    answers: Answers
    item_names: list[str]
    worker_names: list[str]
    class_names: list[str]
    # Answers beyond the first of a worker on an item: counted (keep-all) or dropped (keep-last).
    repeated: int


def read_answers(
    path: Path,
    *,
    columns: Sequence[str] | None = None,
    duplicates: Duplicates = "keep-all",
) -> LabelTable:
    """Read ANSWERS.csv: a header row, then item, worker, label (first three columns, or the
    columns named in `columns`)."""
    coded = _read_coded_with_pyarrow(path, columns)
    if coded is None:
        coded = _read_coded_with_csv(path, columns)
    item_names, item_codes, worker_names, worker_codes, label_names, label_codes = coded
    cells = len(item_names) * len(label_names)
    if cells > MAX_RESULT_CELLS:
        raise InputError(
            f"{path.name} has {len(label_names):,} different labels on {len(item_names):,} "
            f"items: the result would hold {cells:,} probabilities, above the limit of "
            f"{MAX_RESULT_CELLS:,} (is the label column the right one? see --columns)"
        )
    class_names = sorted_labels(label_names)
    class_index = {name: index for index, name in enumerate(class_names)}
    to_class = np.array([class_index[name] for name in label_names], dtype=np.int64)
    keep, repeated = _apply_duplicate_policy(
        path, item_codes, worker_codes, len(worker_names), duplicates, item_names, worker_names
    )
    codes = [item_codes, worker_codes, to_class[label_codes]]
    if keep is not None:
        codes = [array[keep] for array in codes]
    answers = Answers.from_arrays(
        *codes,
        n_items=len(item_names),
        n_workers=len(worker_names),
        n_classes=len(class_names),
    )
    return LabelTable(answers, item_names, worker_names, class_names, repeated)


# (names in order of first appearance, code of each answer) for item, worker and label.
Coded = tuple[list[str], np.ndarray, list[str], np.ndarray, list[str], np.ndarray]


def _read_coded_with_pyarrow(path: Path, columns: Sequence[str] | None) -> Coded | None:
    """The fast reader; None when the file needs the csv module (to read it or to say what is
    wrong with it, with its line number)."""
    header = _raw_header(path)
    if header is None or len(set(header)) != len(header):
        return None
    stripped = [cell.strip() for cell in header]
    if not any(stripped):
        return None
    positions = _column_positions(path, stripped, columns)
    try:
        table = pa_csv.read_csv(
            path,
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, OSError):
        return None
    if table.column_names != header or table.num_rows == 0:
        return None
    for column in table.columns:
        if len(column) and pc.max(pc.binary_length(column)).as_py() > FIELD_LIMIT:
            return None
    # pyarrow hashes without the GIL: the three columns are factorised at the same time.
    with ThreadPoolExecutor(max_workers=len(positions)) as pool:
        item, worker, label = pool.map(_factorise, (table.column(index) for index in positions))
    if item is None or worker is None or label is None:
        return None
    return (*item, *worker, *label)


def _raw_header(path: Path) -> list[str] | None:
    """The first record, as the csv module reads it; None if it cannot."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            return next(csv.reader(stream), None)
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


def _factorise(column: pa.ChunkedArray) -> tuple[list[str], np.ndarray] | None:
    """(names in order of first appearance, code of each row); values are stripped as the csv
    reader strips them, so " a" and "a" are one name. None if a value is empty once stripped."""
    # One dictionary for every chunk (pyarrow hashes the chunks in order into one table).
    encoded = pc.dictionary_encode(column)
    codes = np.concatenate(
        [np.empty(0, np.int64)]
        + [chunk.indices.to_numpy(zero_copy_only=False) for chunk in encoded.chunks]
    ).astype(np.int64, copy=False)
    raw = encoded.chunk(0).dictionary.to_pylist()
    names = [value.strip() for value in raw]
    if names != raw:
        # Stripping can make names equal: renumber in order of first appearance.
        index: dict[str, int] = {}
        renumber = np.array([index.setdefault(name, len(index)) for name in names], np.int64)
        names, codes = list(index), renumber[codes]
    if "" in names:
        return None
    return names, codes


def _read_coded_with_csv(path: Path, columns: Sequence[str] | None) -> Coded:
    header, rows = _read_rows(path)
    positions = _column_positions(path, header, columns)
    items: list[str] = []
    workers: list[str] = []
    labels: list[str] = []
    names = ("item", "worker", "label")
    for line_number, row in rows:
        values = [row[position].strip() if position < len(row) else "" for position in positions]
        for name, value in zip(names, values, strict=True):
            if not value:
                raise InputError(f"{path.name} line {line_number}: the {name} is empty")
        items.append(values[0])
        workers.append(values[1])
        labels.append(values[2])
    if not items:
        raise InputError(f"{path.name} has a header but no answers")
    return (
        *_codes_in_order_of_appearance(items),
        *_codes_in_order_of_appearance(workers),
        *_codes_in_order_of_appearance(labels),
    )


def read_gold(path: Path) -> dict[str, str]:
    """Read TRUTH.csv: a header row, then item, truth (first two columns)."""
    _, rows = _read_rows(path)
    gold: dict[str, str] = {}
    for line_number, row in rows:
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise InputError(f"{path.name} line {line_number}: needs an item and a truth")
        gold[row[0].strip()] = row[1].strip()
    if not gold:
        raise InputError(f"{path.name} has a header but no truth rows")
    return gold


def sorted_labels(labels: Iterable[str]) -> list[str]:
    """Numerically when every label is a number ("2" before "10"), else by text."""
    unique = set(labels)
    numbers = {label: _as_number(label) for label in unique}
    if all(number is not None for number in numbers.values()):
        return sorted(unique, key=lambda label: (numbers[label], label))
    return sorted(unique)


def write_result(stream: TextSink, table: LabelTable, result: AggregationResult) -> None:
    """`item,label,confidence,p_<class>...`, one row per item in order of first appearance."""
    header = ["item", "label", "confidence", *(f"p_{name}" for name in table.class_names)]
    stream.write(",".join(_csv_fields(pa.array(header, pa.string())).to_pylist()) + "\n")
    items = _csv_fields(pa.array(table.item_names, pa.string()))
    classes = _csv_fields(pa.array(table.class_names, pa.string()))
    labels = np.asarray(result.labels)
    for start in range(0, len(table.item_names), WRITE_BATCH_ROWS):
        rows = slice(start, start + WRITE_BATCH_ROWS)
        chosen = pa.array(labels[rows])
        probabilities = [
            _numbers(result.posteriors[rows, k]) for k in range(len(table.class_names))
        ]
        # The confidence is the chosen class's probability: its text is already made.
        confidence = pc.choose(chosen, *probabilities)
        stream.write(_lines([items[rows], classes.take(chosen), confidence, *probabilities]))


def write_workers(stream: TextSink, table: LabelTable, result: AggregationResult) -> None:
    """`worker,answers,skill`; skill is empty when the method has no estimate for the worker."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["worker", "answers", "skill"])
    given = table.answers.answers_per_worker()
    for index, worker in enumerate(table.worker_names):
        skill = float(result.worker_skill[index])
        writer.writerow([worker, int(given[index]), "" if math.isnan(skill) else _number(skill)])


def _number(value: float) -> str:
    return f"{value:.6g}"


def _numbers(values: np.ndarray) -> pa.Array:
    return pa.array(list(map("{:.6g}".format, values.tolist())), pa.string())


def _csv_fields(values: pa.Array) -> pa.Array:
    """Quoted as csv.writer quotes (QUOTE_MINIMAL): only a value with a comma, a quote or a line
    break, its quotes doubled."""
    needs_quotes = pc.match_substring_regex(values, '[,"\r\n]')
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(values, '"', '""'), '"', "")
    return pc.if_else(needs_quotes, quoted, values)


def _lines(columns: list[pa.Array]) -> str:
    """The columns joined with commas, each row ended by a line feed, as one string."""
    rows = pc.binary_join_element_wise(*columns, ",")
    lines = pc.binary_join_element_wise(rows, "", "\n")
    offsets = np.frombuffer(lines.buffers()[1], np.int32)
    first, last = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    return bytes(lines.buffers()[2])[first:last].decode("utf-8")


def _as_number(label: str) -> float | None:
    try:
        number = float(label)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            reader = csv.reader(stream)
            limited = csv_fields.limited_rows(reader)
            header = next(limited, None)
            rows = [(reader.line_num, row) for row in limited if any(cell.strip() for cell in row)]
    except FileNotFoundError:
        raise InputError(f"{path} does not exist") from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not UTF-8 text") from None
    except csv.Error as error:
        raise InputError(f"{path.name} is not valid CSV: {error}") from None
    if header is None or not any(cell.strip() for cell in header):
        raise InputError(f"{path.name} is empty (expected a header row, then answers)")
    return [cell.strip() for cell in header], rows


def _column_positions(path: Path, header: list[str], columns: Sequence[str] | None) -> list[int]:
    if columns is None:
        if len(header) < 3:
            raise InputError(
                f"{path.name} has {len(header)} column(s); expected item, worker and label "
                "(or name them with --columns item,worker,label)"
            )
        return [0, 1, 2]
    missing = [name for name in columns if name not in header]
    if missing:
        raise InputError(
            f"{path.name} has no column {', '.join(missing)} (its columns: {', '.join(header)})"
        )
    return [header.index(name) for name in columns]


def _codes_in_order_of_appearance(values: list[str]) -> tuple[list[str], np.ndarray]:
    index: dict[str, int] = {}
    codes = np.fromiter(
        (index.setdefault(value, len(index)) for value in values), np.int64, len(values)
    )
    return list(index), codes


def _apply_duplicate_policy(
    path: Path,
    item_codes: np.ndarray,
    worker_codes: np.ndarray,
    n_workers: int,
    duplicates: Duplicates,
    item_names: list[str],
    worker_names: list[str],
) -> tuple[np.ndarray | None, int]:
    """(which rows to keep, None for all; how many repeated answers there were)."""
    pairs = item_codes * n_workers + worker_codes
    # Counting repeats needs only a sort; which row is each pair's last needs a stable one.
    ordered = np.sort(pairs)
    repeated = int(np.count_nonzero(ordered[1:] == ordered[:-1]))
    if repeated == 0 or duplicates == "keep-all":
        return None, repeated
    # The last occurrence of each (item, worker) pair: first occurrence in the reversed rows.
    _, first_in_reversed = np.unique(pairs[::-1], return_index=True)
    last_rows = np.sort(len(pairs) - 1 - first_in_reversed)
    if duplicates == "keep-last":
        return last_rows, repeated
    is_last = np.zeros(len(pairs), dtype=bool)
    is_last[last_rows] = True
    example = int(np.flatnonzero(~is_last)[0])
    raise InputError(
        f"{path.name} has {repeated} repeated answer(s) (same worker, same item), e.g. worker "
        f"{worker_names[int(worker_codes[example])]} on item "
        f"{item_names[int(item_codes[example])]}; use --duplicates keep-all or keep-last"
    )
