"""cslab's aggregation methods against crowd-kit 1.4.2, on the same data in the same run.

Issue 5 (item 12): at the same fixed number of EM iterations, cslab's Dawid–Skene must be at
least 10× faster than crowd-kit's on every real label set and at least 5× faster (under 0.4 s)
on a generated set of 1,000,000 answers (100,000 items × 10 answers, 4 classes, 5,000
workers), with the same accuracy.

Data: the real sets with gold in ../shared/data/crowd-labels (D_Product, D_PosSent; left out,
and said so, when absent) and the generated set (seeded; workers of accuracy uniform in
[0.3, 0.9], wrong answers uniform over the other classes).

For each set and each method both libraries have, the same answers go to both: crowd-kit gets
a pandas DataFrame (task, worker, label) and its `fit`, cslab gets the integer-coded arrays
(`Answers.from_arrays`, timed too). Times are the best of several runs (`time.perf_counter`);
iterative methods run a fixed number of iterations on both sides (crowd-kit: tol=-inf;
cslab: tolerance=None). Figures: accuracy against gold (peer: crowd-kit's), time in ms (peer:
crowd-kit's; a ratio below 1 means cslab is faster) and the speed-up crowd-kit time / cslab
time. Accuracy with each library's own default stopping rule is reported for Dawid–Skene too.
crowd-kit's Wawa weighs workers by agreement with the majority, cslab's `weighted` by gold
accuracy: they are shown side by side, not as the same method.

End to end (issue 17, target 2): `cslab aggregate ANSWERS.csv --method dawid-skene --out
RESULT.csv` run as a subprocess on a generated CSV of 1,000,000 answers with string IDs (the
generated set's shape, names like `item-000042`, `worker-0042`, `cat`), against the same job
with crowd-kit in a subprocess (pandas `read_csv` → `DawidSkene.fit` → labels and posteriors
`to_csv`). cslab stops on its own rule (it prints how many EM iterations it ran); crowd-kit then
runs exactly as many (`tol=-inf`), so both do the same work (with its own rule crowd-kit may
run many more). Wall-clock times, best of END_TO_END_RUNS, and the ratio (target ≥ 3×). Then
the same command on 10,000,000 answers (1,000,000 items): wall-clock time (target under 15 s)
and the child's peak memory (`ru_maxrss` from `os.wait4`; target under 2 GB). The CSVs are
written once into var/bench/consensus/ and reused. BENCH_CONSENSUS=end-to-end runs only this part;
BENCH_CONSENSUS=algorithms only the in-memory comparison.
"""

import logging
import os
import re
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.support import BENCH_DIR, REPO_ROOT, Result, cslab_environment, cslab_executable
from cslab.aggregation import (
    AggregationResult,
    Answers,
    dawid_skene,
    mace,
    majority_vote,
    one_coin_dawid_skene,
    weighted_majority_vote,
)
from cslab.consensus.io import read_answers, read_gold

logger = logging.getLogger("benchmarks.consensus")

BENCHMARK = "consensus"
CROWD_LABELS = REPO_ROOT.parent / "shared" / "data" / "crowd-labels"
REAL_SETS = ("D_Product", "D_PosSent")
REAL_ITERATIONS = 50
GENERATED_ITERATIONS = 10
GENERATED = {"items": 100_000, "answers_per_item": 10, "classes": 4, "workers": 5_000}
SEED = 20_251_125
CSLAB_RUNS = 5
CROWD_KIT_RUNS = 3
# A crowd-kit run slower than this is not repeated (MACE and GLAD take tens of seconds).
REPEAT_BELOW_SECONDS = 8.0
TARGET_SPEEDUP_REAL = 10.0
TARGET_SPEEDUP_GENERATED = 5.0
TARGET_GENERATED_SECONDS = 0.4
END_TO_END_DIR = BENCH_DIR / "consensus"
END_TO_END_SIZES = {
    "1M": {"items": 100_000, "answers_per_item": 10, "classes": 4, "workers": 5_000},
    "10M": {"items": 1_000_000, "answers_per_item": 10, "classes": 4, "workers": 50_000},
}
END_TO_END_CLASS_NAMES = ("cat", "dog", "bird", "fish")
END_TO_END_RUNS = 2
TARGET_END_TO_END_SPEEDUP = 3.0
TARGET_10M_SECONDS = 15.0
TARGET_10M_PEAK_MB = 2048.0
CROWD_KIT_JOB = """
import sys, warnings
warnings.filterwarnings("ignore")
import pandas as pd
from crowdkit.aggregation import DawidSkene
frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
frame.columns = ["task", "worker", "label"]
model = DawidSkene(n_iter=int(sys.argv[3]), tol=float("-inf")).fit(frame)
result = model.probas_.add_prefix("p_")
result.insert(0, "label", model.labels_)
result.to_csv(sys.argv[2], index_label="item")
print(len(model.loss_history_))
"""


@dataclass(frozen=True)
class LabelSet:
    name: str
    items: np.ndarray
    workers: np.ndarray
    labels: np.ndarray
    n_classes: int
    truth: np.ndarray  # class per item, -1 without gold

    @property
    def scale(self) -> str:
        return f"{self.name}: {len(self.items):,} answers, {len(self.truth):,} items"


@dataclass(frozen=True)
class Pair:
    """One method on both sides: cslab's function of Answers, crowd-kit's estimator factory."""

    name: str
    cslab: Callable[[Answers], AggregationResult]
    crowd_kit: Callable[[], Any]
    crowd_kit_label: str


def run() -> list[Result]:
    warnings.filterwarnings("ignore", module="crowdkit")
    warnings.filterwarnings("ignore", category=FutureWarning)
    try:
        import crowdkit.aggregation as crowd_kit
    except ImportError as error:
        raise RuntimeError(
            "crowd-kit is a benchmark dependency: pip install -e '.[bench]' (make bench does)"
        ) from error
    part = os.environ.get("BENCH_CONSENSUS", "").strip()
    if part not in {"", "algorithms", "end-to-end"}:
        raise RuntimeError(f"BENCH_CONSENSUS must be algorithms or end-to-end, not {part!r}")
    results: list[Result] = []
    if part != "end-to-end":
        results += _algorithms(crowd_kit)
    if part != "algorithms":
        results += _end_to_end()
    return results


def _algorithms(crowd_kit: Any) -> list[Result]:
    results: list[Result] = []
    for label_set in _label_sets():
        iterations = GENERATED_ITERATIONS if label_set.name == "generated" else REAL_ITERATIONS
        for pair in _pairs(crowd_kit, label_set, iterations):
            results += _compare(label_set, pair, iterations)
        results += _default_stopping(crowd_kit, label_set)
    return results


def _pairs(crowd_kit: Any, label_set: LabelSet, iterations: int) -> list[Pair]:
    fixed = {"n_iter": iterations, "tol": float("-inf")}
    has_gold = np.flatnonzero(label_set.truth >= 0)
    pairs = [
        Pair("majority", majority_vote, crowd_kit.MajorityVote, "MajorityVote"),
        Pair(
            "dawid-skene",
            lambda answers: dawid_skene(answers, max_iterations=iterations, tolerance=None),
            lambda: crowd_kit.DawidSkene(**fixed),
            f"DawidSkene, {iterations} iterations",
        ),
    ]
    if label_set.name == "generated":
        return pairs  # crowd-kit's one-coin, Wawa and MACE take minutes on a million answers
    return [
        *pairs,
        Pair(
            "one-coin",
            lambda answers: one_coin_dawid_skene(
                answers, max_iterations=iterations, tolerance=None
            ),
            lambda: crowd_kit.OneCoinDawidSkene(**fixed),
            f"OneCoinDawidSkene, {iterations} iterations",
        ),
        Pair(
            "weighted (gold) vs Wawa",
            lambda answers: weighted_majority_vote(
                answers, gold_items=has_gold, gold_labels=label_set.truth[has_gold]
            ),
            crowd_kit.Wawa,
            "Wawa (weights from agreement, not gold)",
        ),
        Pair(
            "mace",
            lambda answers: mace(answers, max_iterations=iterations, tolerance=None),
            lambda: crowd_kit.MACE(n_iter=iterations),
            f"MACE (EM, 10 random restarts), {iterations} iterations",
        ),
    ]


def _compare(label_set: LabelSet, pair: Pair, iterations: int) -> list[Result]:
    import pandas as pd

    frame = pd.DataFrame(
        {"task": label_set.items, "worker": label_set.workers, "label": label_set.labels}
    )

    def cslab_run() -> AggregationResult:
        answers = Answers.from_arrays(
            label_set.items, label_set.workers, label_set.labels, n_classes=label_set.n_classes
        )
        return pair.cslab(answers)

    def crowd_kit_run() -> Any:
        return pair.crowd_kit().fit_predict(frame)

    ours_seconds, ours = _best_time(cslab_run, CSLAB_RUNS)
    theirs_seconds, predicted = _best_time(crowd_kit_run, CROWD_KIT_RUNS)
    ours_accuracy = _accuracy(ours.labels, label_set.truth)
    theirs_labels = predicted.reindex(np.arange(len(label_set.truth))).to_numpy()
    theirs_accuracy = _accuracy(theirs_labels, label_set.truth)
    speedup = theirs_seconds / ours_seconds
    details = {
        "cslab_seconds": ours_seconds,
        "crowd_kit_seconds": theirs_seconds,
        "speedup": speedup,
        "cslab_iterations": ours.iterations,
        "crowd_kit_estimator": pair.crowd_kit_label,
    }
    if pair.name == "dawid-skene":
        details.update(_check_targets(label_set, ours_seconds, speedup))
    logger.info(
        "%s %s: accuracy %.4f vs crowd-kit %.4f; %.1f ms vs %.1f ms (%.1fx)",
        label_set.name,
        pair.name,
        ours_accuracy,
        theirs_accuracy,
        ours_seconds * 1000,
        theirs_seconds * 1000,
        speedup,
    )
    return [
        Result(
            benchmark=BENCHMARK,
            name=f"{pair.name} accuracy",
            scale=label_set.scale,
            figure=round(ours_accuracy * 100, 2),
            unit="%",
            peer=round(theirs_accuracy * 100, 2),
            peer_label=f"crowd-kit 1.4.2 {pair.crowd_kit_label}",
            details=details,
        ),
        Result(
            benchmark=BENCHMARK,
            name=f"{pair.name} time",
            scale=label_set.scale,
            figure=round(ours_seconds * 1000, 2),
            unit="ms",
            better="lower",
            peer=round(theirs_seconds * 1000, 2),
            peer_label=f"crowd-kit 1.4.2 {pair.crowd_kit_label}",
            details=details,
        ),
        Result(
            benchmark=BENCHMARK,
            name=f"{pair.name} speed-up over crowd-kit",
            scale=label_set.scale,
            figure=round(speedup, 1),
            unit="×",
            details=details,
        ),
    ]


def _check_targets(label_set: LabelSet, seconds: float, speedup: float) -> dict[str, Any]:
    if label_set.name == "generated":
        met = speedup >= TARGET_SPEEDUP_GENERATED and seconds < TARGET_GENERATED_SECONDS
        target = (
            f"≥{TARGET_SPEEDUP_GENERATED:.0f}× and under {TARGET_GENERATED_SECONDS} s "
            f"at {GENERATED_ITERATIONS} iterations"
        )
    else:
        met = speedup >= TARGET_SPEEDUP_REAL
        target = f"≥{TARGET_SPEEDUP_REAL:.0f}× at {REAL_ITERATIONS} iterations"
    logger.info("%s dawid-skene target %s: %s", label_set.name, target, "met" if met else "MISSED")
    return {"target": target, "target_met": met}


def _default_stopping(crowd_kit: Any, label_set: LabelSet) -> list[Result]:
    """Dawid–Skene with each library's own stopping rule: crowd-kit's surrogate at tol=1e-5,
    cslab's log-likelihood at tolerance=1e-7 (both at most 100 iterations)."""
    import pandas as pd

    frame = pd.DataFrame(
        {"task": label_set.items, "worker": label_set.workers, "label": label_set.labels}
    )
    answers = Answers.from_arrays(
        label_set.items, label_set.workers, label_set.labels, n_classes=label_set.n_classes
    )
    ours = dawid_skene(answers)
    theirs = crowd_kit.DawidSkene(n_iter=100).fit(frame)
    theirs_labels = theirs.labels_.reindex(np.arange(len(label_set.truth))).to_numpy()
    theirs_iterations = len(theirs.loss_history_)
    return [
        Result(
            benchmark=BENCHMARK,
            name="dawid-skene accuracy, own stopping rule",
            scale=label_set.scale,
            figure=round(_accuracy(ours.labels, label_set.truth) * 100, 2),
            unit="%",
            peer=round(_accuracy(theirs_labels, label_set.truth) * 100, 2),
            peer_label="crowd-kit 1.4.2 DawidSkene(n_iter=100, tol=1e-5)",
            details={
                "cslab_iterations": ours.iterations,
                "crowd_kit_iterations": theirs_iterations,
            },
        )
    ]


def _best_time(run_once: Callable[[], Any], runs: int) -> tuple[float, Any]:
    best = float("inf")
    outcome: Any = None
    for _ in range(runs):
        started = time.perf_counter()
        outcome = run_once()
        elapsed = time.perf_counter() - started
        best = min(best, elapsed)
        if elapsed > REPEAT_BELOW_SECONDS:
            break
    return best, outcome


def _accuracy(labels: np.ndarray, truth: np.ndarray) -> float:
    has_gold = truth >= 0
    return float(np.mean(labels[has_gold] == truth[has_gold]))


def _label_sets() -> list[LabelSet]:
    sets = []
    for name in REAL_SETS:
        folder = CROWD_LABELS / name
        if not (folder / "answer.csv").exists():
            logger.warning("%s left out: no %s", name, folder / "answer.csv")
            continue
        sets.append(_real_set(name, folder))
    sets.append(_generated_set())
    return sets


def _real_set(name: str, folder: Path) -> LabelSet:
    table = read_answers(folder / "answer.csv")
    gold = read_gold(folder / "truth.csv")
    class_index = {label: index for index, label in enumerate(table.class_names)}
    truth = np.array([class_index.get(gold.get(item, ""), -1) for item in table.item_names])
    answers = table.answers
    return LabelSet(name, answers.items, answers.workers, answers.labels, answers.n_classes, truth)


def _generated_set() -> LabelSet:
    generator = np.random.default_rng(SEED)
    n_items, per_item = GENERATED["items"], GENERATED["answers_per_item"]
    n_classes, n_workers = GENERATED["classes"], GENERATED["workers"]
    truth = generator.integers(0, n_classes, n_items)
    items = np.repeat(np.arange(n_items), per_item)
    workers = generator.integers(0, n_workers, len(items))
    accuracy = generator.uniform(0.3, 0.9, n_workers)
    right = generator.random(len(items)) < accuracy[workers]
    other = (truth[items] + generator.integers(1, n_classes, len(items))) % n_classes
    labels = np.where(right, truth[items], other)
    return LabelSet("generated", items, workers, labels, n_classes, truth)


# End to end: CSV → Dawid–Skene → CSV --------------------------------------------------------


@dataclass(frozen=True)
class ProcessRun:
    seconds: float
    cpu_seconds: float
    peak_megabytes: float
    stdout: str
    stderr: str


def _end_to_end() -> list[Result]:
    small = _end_to_end_csv("1M")
    result = _result_path(small)
    ours = _best_process_run(_cslab_job(small, result), result)
    iterations = re.search(r"after (\d+) iteration", ours.stderr)
    if iterations is None:
        raise RuntimeError(f"cslab aggregate did not say how many iterations it ran: {ours.stderr}")
    theirs = _best_process_run(
        [sys.executable, "-c", CROWD_KIT_JOB, str(small), str(result), iterations[1]], result
    )
    speedup = theirs.seconds / ours.seconds
    met = speedup >= TARGET_END_TO_END_SPEEDUP
    details: dict[str, Any] = {
        "cslab_seconds": ours.seconds,
        "crowd_kit_seconds": theirs.seconds,
        "cslab_cpu_seconds": ours.cpu_seconds,
        "crowd_kit_cpu_seconds": theirs.cpu_seconds,
        "cslab_peak_megabytes": ours.peak_megabytes,
        "crowd_kit_peak_megabytes": theirs.peak_megabytes,
        "cslab_note": ours.stderr.strip().splitlines()[-1:],
        "iterations": int(iterations[1]),
        "crowd_kit_iterations": theirs.stdout.strip(),
        "target": f"≥{TARGET_END_TO_END_SPEEDUP:.0f}×",
        "target_met": met,
    }
    logger.info(
        "end to end 1M: cslab %.2f s (CPU %.2f s, %.0f MB), crowd-kit %.2f s (CPU %.2f s, "
        "%.0f MB): %.2fx, target %s",
        ours.seconds,
        ours.cpu_seconds,
        ours.peak_megabytes,
        theirs.seconds,
        theirs.cpu_seconds,
        theirs.peak_megabytes,
        speedup,
        "met" if met else "MISSED",
    )
    scale_1m = "1,000,000 answers, 100,000 items, string IDs, CSV → CSV"
    peer_label = "crowd-kit 1.4.2: pandas read_csv → DawidSkene → to_csv"
    results = [
        Result(
            benchmark=BENCHMARK,
            name="aggregate end to end time (dawid-skene)",
            scale=scale_1m,
            figure=round(ours.seconds, 2),
            unit="s",
            better="lower",
            peer=round(theirs.seconds, 2),
            peer_label=peer_label,
            details=details,
        ),
        Result(
            benchmark=BENCHMARK,
            name="aggregate end to end speed-up over crowd-kit",
            scale=scale_1m,
            figure=round(speedup, 2),
            unit="×",
            details=details,
        ),
    ]
    large = _end_to_end_csv("10M")
    big = _process_run(_cslab_job(large, _result_path(large)), _result_path(large))
    met_time = big.seconds < TARGET_10M_SECONDS
    met_memory = big.peak_megabytes < TARGET_10M_PEAK_MB
    logger.info(
        "end to end 10M: cslab %.2f s (CPU %.2f s; target < %.0f s: %s), peak %.0f MB "
        "(target < %.0f MB: %s)",
        big.seconds,
        big.cpu_seconds,
        TARGET_10M_SECONDS,
        "met" if met_time else "MISSED",
        big.peak_megabytes,
        TARGET_10M_PEAK_MB,
        "met" if met_memory else "MISSED",
    )
    scale_10m = "10,000,000 answers, 1,000,000 items, string IDs, CSV → CSV"
    big_details = {
        "cpu_seconds": big.cpu_seconds,
        "target_seconds": TARGET_10M_SECONDS,
        "target_peak_megabytes": TARGET_10M_PEAK_MB,
        "target_met": met_time and met_memory,
        "cslab_note": big.stderr.strip().splitlines()[-1:],
    }
    return [
        *results,
        Result(
            benchmark=BENCHMARK,
            name="aggregate end to end time (dawid-skene)",
            scale=scale_10m,
            figure=round(big.seconds, 2),
            unit="s",
            better="lower",
            details=big_details,
        ),
        Result(
            benchmark=BENCHMARK,
            name="aggregate end to end peak memory",
            scale=scale_10m,
            figure=float(round(big.peak_megabytes)),
            unit="MB",
            better="lower",
            details=big_details,
        ),
    ]


def _cslab_job(answers: Path, result: Path) -> list[str]:
    return [
        str(cslab_executable()),
        *("aggregate", str(answers), "--method", "dawid-skene", "--out", str(result)),
    ]


def _result_path(answers: Path) -> Path:
    return answers.with_name(f"{answers.stem}-result.csv")


def _best_process_run(arguments: list[str], result_path: Path) -> ProcessRun:
    runs = [_process_run(arguments, result_path) for _ in range(END_TO_END_RUNS)]
    return min(runs, key=lambda run: run.seconds)


def _process_run(arguments: list[str], result_path: Path) -> ProcessRun:
    """Run one job that writes result_path; its wall-clock time and peak memory."""
    result_path.unlink(missing_ok=True)
    out_path, err_path = END_TO_END_DIR / "stdout.txt", END_TO_END_DIR / "stderr.txt"
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.perf_counter()
        process = subprocess.Popen(arguments, stdout=out, stderr=err, env=cslab_environment())
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = out_path.read_text(), err_path.read_text()
    if process.returncode != 0 or not result_path.exists():
        raise RuntimeError(f"{' '.join(arguments[:3])} failed: {stderr.strip()[-2000:]}")
    # ru_maxrss is in kilobytes on Linux.
    cpu_seconds = usage.ru_utime + usage.ru_stime
    return ProcessRun(seconds, cpu_seconds, usage.ru_maxrss / 1024, stdout, stderr)


def _end_to_end_csv(size: str) -> Path:
    """item,worker,label with string IDs, generated with numpy and written with pyarrow once."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.csv as pa_csv  # type: ignore[import-untyped,unused-ignore]

    shape = END_TO_END_SIZES[size]
    path = END_TO_END_DIR / f"answers-{size}-{SEED}.csv"
    if path.exists():
        return path
    END_TO_END_DIR.mkdir(parents=True, exist_ok=True)
    generator = np.random.default_rng(SEED)
    n_items, per_item = shape["items"], shape["answers_per_item"]
    n_classes, n_workers = shape["classes"], shape["workers"]
    truth = generator.integers(0, n_classes, n_items)
    # Items in a shuffled order, as answers arrive from many workers at once.
    items = generator.permutation(np.repeat(np.arange(n_items), per_item))
    workers = generator.integers(0, n_workers, len(items))
    accuracy = generator.uniform(0.3, 0.9, n_workers)
    right = generator.random(len(items)) < accuracy[workers]
    other = (truth[items] + generator.integers(1, n_classes, len(items))) % n_classes
    labels = np.where(right, truth[items], other)

    def named(prefix: str, codes: np.ndarray, width: int) -> pa.Array:
        digits = pc.utf8_lpad(pa.array(codes).cast(pa.string()), width, "0")
        return pc.binary_join_element_wise(prefix, digits, "")

    table = pa.table(
        {
            "item": named("item-", items, 7),
            "worker": named("worker-", workers, 5),
            "label": pa.DictionaryArray.from_arrays(
                pa.array(labels, pa.int32()), pa.array(END_TO_END_CLASS_NAMES)
            ).cast(pa.string()),
        }
    )
    partial = path.with_suffix(".partial")
    pa_csv.write_csv(table, partial, pa_csv.WriteOptions(quoting_style="none"))
    partial.rename(path)
    return path
