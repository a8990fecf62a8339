"""CSV in and out for `cslab aggregate`: names ↔ integer codes, repeats, results, worker skills.

Items and workers are numbered in order of first appearance; classes in sorted label order —
numerically when every label is a number, else by text — so the aggregation tie policy (lowest
class index) means "the class that comes first in sorted order".
"""

import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from cslab.aggregation import AggregationResult, Answers

Duplicates = Literal["keep-all", "keep-last", "error"]
DUPLICATE_POLICIES: tuple[Duplicates, ...] = ("keep-all", "keep-last", "error")


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
    item_names, item_codes = _codes_in_order_of_appearance(items)
    worker_names, worker_codes = _codes_in_order_of_appearance(workers)
    class_names = sorted_labels(set(labels))
    class_index = {name: index for index, name in enumerate(class_names)}
    label_codes = np.fromiter((class_index[label] for label in labels), np.int64, len(labels))
    keep, repeated = _apply_duplicate_policy(
        path, item_codes, worker_codes, len(worker_names), duplicates, item_names, worker_names
    )
    answers = Answers.from_arrays(
        item_codes[keep],
        worker_codes[keep],
        label_codes[keep],
        n_items=len(item_names),
        n_workers=len(worker_names),
        n_classes=len(class_names),
    )
    return LabelTable(answers, item_names, worker_names, class_names, repeated)


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
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["item", "label", "confidence", *(f"p_{name}" for name in table.class_names)])
    confidence = result.confidence
    for index, item in enumerate(table.item_names):
        writer.writerow(
            [
                item,
                table.class_names[int(result.labels[index])],
                _number(float(confidence[index])),
                *(_number(float(value)) for value in result.posteriors[index]),
            ]
        )


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
            header = next(reader, None)
            rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
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
) -> tuple[np.ndarray, int]:
    """(which rows to keep, how many repeated answers there were)."""
    pairs = item_codes * n_workers + worker_codes
    # The last occurrence of each (item, worker) pair: first occurrence in the reversed rows.
    _, first_in_reversed = np.unique(pairs[::-1], return_index=True)
    last_rows = np.sort(len(pairs) - 1 - first_in_reversed)
    repeated = len(pairs) - len(last_rows)
    if repeated == 0 or duplicates == "keep-all":
        return np.arange(len(pairs)), repeated
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
