"""`cslab aggregate ANSWERS.csv --method M`: one label per item from many workers' answers.

The result CSV (`item,label,confidence,p_<class>...`) goes to --out, or to stdout. Notes
(repeats seen, iterations) go to stderr; `accuracy: 0.xxxx` goes to stdout when the result
went to a file and to stderr when stdout carries the CSV, so the CSV stays clean for a pipe.
"""

import os
import sys
from argparse import ArgumentParser
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cslab.aggregation import (
    AggregationError,
    AggregationResult,
    dawid_skene,
    ebcc,
    mace,
    majority_vote,
    one_coin_dawid_skene,
    weighted_majority_vote,
)
from cslab.consensus.io import (
    DUPLICATE_POLICIES,
    InputError,
    LabelTable,
    TextSink,
    read_answers,
    read_gold,
    write_result,
    write_workers,
)

METHODS = ("majority", "weighted", "dawid-skene", "one-coin", "mace", "ebcc")


class Command(BaseCommand):
    help = (
        "Aggregate crowd answers (CSV: header, then item, worker, label) into one label per "
        "item with the probability of every class."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # A bad option gives one line ("cslab aggregate: error: …"), not the whole usage.
        parser.print_usage = _print_no_usage  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("answers", metavar="ANSWERS.csv", help="header row, then answers")
        parser.add_argument("--method", required=True, choices=METHODS)
        parser.add_argument(
            "--gold",
            metavar="TRUTH.csv",
            help="header row, then item, truth: prints the accuracy over items with gold "
            "(needed by --method weighted, whose worker weights are their gold accuracy)",
        )
        parser.add_argument("--out", metavar="RESULT.csv", help="write here instead of stdout")
        parser.add_argument(
            "--workers", metavar="WORKERS.csv", help="write worker,answers,skill here"
        )
        parser.add_argument(
            "--columns",
            metavar="ITEM,WORKER,LABEL",
            help="names of the item, worker and label columns (default: the first three)",
        )
        parser.add_argument(
            "--duplicates",
            choices=DUPLICATE_POLICIES,
            default="keep-all",
            help="the same worker answering the same item again: count every answer "
            "(default), keep only the last one, or stop with an error",
        )
        parser.add_argument(
            "--iterations", type=int, default=100, help="most EM iterations (default 100)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._aggregate(options)
        except (InputError, AggregationError) as error:
            raise CommandError(str(error)) from None
        except BrokenPipeError:
            # The reader of stdout (`| head`) has gone: stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError as error:
            raise CommandError(f"{error.filename or 'output'}: {error.strerror}") from None

    def _aggregate(self, options: dict[str, Any]) -> None:
        method = options["method"]
        if method == "weighted" and not options["gold"]:
            raise CommandError(
                "--method weighted needs --gold TRUTH.csv: its weights are each worker's "
                "accuracy on the gold items"
            )
        if options["iterations"] < 1:
            raise CommandError("--iterations must be at least 1")
        table = read_answers(
            Path(options["answers"]),
            columns=_parse_columns(options["columns"]),
            duplicates=options["duplicates"],
        )
        self._report_repeats(table, options["duplicates"])
        gold = read_gold(Path(options["gold"])) if options["gold"] else None
        result = _run_method(method, table, gold, options["iterations"])
        if result.iterations:
            state = "converged" if result.converged else "stopped without converging"
            self.stderr.write(
                f"{method}: {state} after {result.iterations} iteration(s), "
                f"log-likelihood {result.log_likelihood:.4f}"
            )
        if options["out"]:
            with Path(options["out"]).open("w", newline="", encoding="utf-8") as stream:
                write_result(stream, table, result)
        else:
            write_result(self.stdout, table, result)
        if options["workers"]:
            with Path(options["workers"]).open("w", newline="", encoding="utf-8") as stream:
                write_workers(stream, table, result)
        if gold is not None:
            accuracy_stream = self.stdout if options["out"] else self.stderr
            self._report_accuracy(table, result, gold, accuracy_stream)

    def _report_repeats(self, table: LabelTable, duplicates: str) -> None:
        if not table.repeated:
            return
        if duplicates == "keep-last":
            self.stderr.write(
                f"{table.repeated} repeated answers (same worker, same item) dropped; "
                "the last answer of each worker on each item kept"
            )
        else:
            self.stderr.write(f"{table.repeated} repeated answers (same worker, same item) counted")

    def _report_accuracy(
        self,
        table: LabelTable,
        result: AggregationResult,
        gold: dict[str, str],
        stream: TextSink,
    ) -> None:
        chosen = [table.class_names[int(label)] for label in result.labels]
        pairs = [
            (label, gold[item])
            for item, label in zip(table.item_names, chosen, strict=True)
            if item in gold
        ]
        if not pairs:
            raise CommandError("no item of the gold file appears in the answers")
        unseen = len(gold) - len(pairs)
        if unseen:
            self.stderr.write(f"{unseen} gold item(s) have no answers and are left out")
        correct = sum(label == truth for label, truth in pairs)
        stream.write(f"accuracy: {correct / len(pairs):.4f}")


def _print_no_usage(file: Any = None) -> None:
    return None


def _parse_columns(raw: str | None) -> tuple[str, str, str] | None:
    if raw is None:
        return None
    names = [name.strip() for name in raw.split(",")]
    if len(names) != 3 or not all(names):
        raise CommandError("--columns needs three names: item,worker,label")
    return names[0], names[1], names[2]


def _run_method(
    method: str, table: LabelTable, gold: dict[str, str] | None, iterations: int
) -> AggregationResult:
    answers = table.answers
    if method == "weighted" and gold is not None:
        return weighted_majority_vote(answers, **_gold_codes(table, gold))
    if method == "ebcc":
        return ebcc(answers, max_iterations=iterations)
    iterative: dict[str, Callable[..., AggregationResult]] = {
        "dawid-skene": dawid_skene,
        "one-coin": one_coin_dawid_skene,
        "mace": mace,
    }
    if method in iterative:
        return iterative[method](answers, max_iterations=iterations)
    return majority_vote(answers)


def _gold_codes(table: LabelTable, gold: dict[str, str]) -> dict[str, Any]:
    """Gold as item and class indexes; truths no worker gave cannot weigh and are skipped."""
    item_index = {name: index for index, name in enumerate(table.item_names)}
    class_index = {name: index for index, name in enumerate(table.class_names)}
    pairs = [
        (item_index[item], class_index[truth])
        for item, truth in gold.items()
        if item in item_index and truth in class_index
    ]
    if not pairs:
        raise CommandError(
            "--method weighted: no gold item appears in the answers with a truth some worker gave"
        )
    codes = np.array(pairs, dtype=np.int64)
    return {"gold_items": codes[:, 0], "gold_labels": codes[:, 1]}
