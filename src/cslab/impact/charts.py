"""Charts as accessible SVG drawn on the server: every chart has a title, a description and
the data table behind it (also downloadable as CSV), and reads without JavaScript. Colours come
from a colour-blind-safe palette (Okabe–Ito), and no series is told apart by colour alone.

A `Chart` is plain data plus its SVG markup; `charts_for_project` and `charts_for_lab` give
every chart of the dashboards in the order they are shown. Templates include
`impact/_chart.html` with `chart` in the context.

Every text that reaches the markup goes through `format_html` (or `escape`); only the assembled
markup is marked safe. The drawings share one coordinate width (`WIDTH`) so that their text has
the same size on the page; the stylesheet keeps them wide enough for that text to stay readable.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import h3
from django.utils.dates import WEEKDAYS
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cslab.impact.figures import (
    CellCount,
    InequalityFigures,
    LabFigures,
    ProjectComparisonRow,
    ProjectFigures,
    RetentionTable,
    WeekFigures,
)
from cslab.participants.services.contributors import csv_safe

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency; the first is the default series colour.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

# The members that keep at least 3:1 against white (WCAG 1.4.11, graphical objects): blue,
# vermillion, bluish green and black. Lines, markers and bars use only these; orange, sky blue
# and yellow are too light to stand on white on their own.
MARK_COLOURS = (PALETTE[0], PALETTE[5], PALETTE[2], PALETTE[7])
# Marker shapes and dash patterns, in the same order as MARK_COLOURS, so that a series is told
# apart in greyscale and by readers who do not see its colour.
MARKER_SHAPES = ("circle", "square", "triangle", "diamond")
DASH_PATTERNS = ("", "8 4", "2 3", "10 3 2 3")

INK = "#18212b"
MUTED = "#4d5866"
GRID = "#d5dcd8"
# A single-hue sequential scale (light to dark blue) for shaded cells and hexagons.
SCALE_LIGHT = (0xEF, 0xF6, 0xFB)
SCALE_DARK = (0x08, 0x30, 0x6B)

WIDTH = 640
FONT_SIZE = 14
SMALL_FONT_SIZE = 12
MARGIN_LEFT = 64
MARGIN_RIGHT = 16
MARGIN_TOP = 44  # room for the legend
MARGIN_BOTTOM = 56  # tick labels and the axis title
PLOT_HEIGHT = 240
# Past this many points a line's markers would crowd into a smudge: the line alone is drawn.
MAX_MARKERS = 120


@dataclass(frozen=True)
class Chart:
    # Unique on its page, [a-z0-9-]; names the CSV download (`<slug>.csv`) and the anchors.
    slug: str
    title: str
    description: str
    # The data table behind the chart: header cells, then rows of plain values (str, int,
    # float, date). The CSV download writes exactly these.
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)
    # The <svg role="img" aria-labelledby=…> markup with <title> and <desc>; empty when there
    # is nothing to draw (the page then says so and still shows the table).
    svg: SafeString = field(default_factory=lambda: SafeString(""))

    @property
    def table_rows(self) -> list[list[TableCell]]:
        """The rows as the page writes them: dates in ISO form, numbers in the reader's
        locale (shares with four decimals), empty cells where a value has no meaning."""
        return [[_table_cell(value) for value in row] for row in self.rows]


@dataclass(frozen=True)
class TableCell:
    text: str
    is_number: bool


def _table_cell(value: object) -> TableCell:
    if value is None or value == "":
        return TableCell(text="", is_number=False)
    if isinstance(value, date):
        return TableCell(text=value.isoformat(), is_number=False)
    if isinstance(value, bool):
        return TableCell(text=str(value), is_number=False)
    if isinstance(value, int):
        return TableCell(text=number_format(value), is_number=True)
    if isinstance(value, float):
        return TableCell(text=number_format(round(value, 4)), is_number=True)
    return TableCell(text=str(value), is_number=False)


# Formatting ------------------------------------------------------------------------------------


def _coordinate(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _count(value: float) -> str:
    return number_format(value, decimal_pos=0 if float(value).is_integer() else 1)


def _percent(share: float) -> str:
    return f"{number_format(round(share * 100), decimal_pos=0)} %"


def _decimal(value: float) -> str:
    return number_format(value, decimal_pos=2)


def _nothing_yet() -> str:
    return _("There is nothing to show yet: no contributions in this period.")


def _nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Return round tick values from 0 to at least `maximum` (whole numbers when it is ≥ 1)."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw_step = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(
        multiple * magnitude for multiple in (1, 2, 2.5, 5, 10) if multiple * magnitude >= raw_step
    )
    if maximum >= 1:
        step = max(step, 1)
    ticks = [0.0]
    while ticks[-1] < maximum:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _scale_colour(fraction: float) -> str:
    fraction = min(max(fraction, 0.0), 1.0)
    red, green, blue = (
        round(light + (dark - light) * fraction)
        for light, dark in zip(SCALE_LIGHT, SCALE_DARK, strict=True)
    )
    return f"#{red:02x}{green:02x}{blue:02x}"


def _relative_luminance(colour: str) -> float:
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [
        channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4
        for channel in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _text_colour_on(fill: str) -> str:
    """Black or white, whichever reads better on `fill` (always at least 4.5:1)."""
    luminance = _relative_luminance(fill)
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


# SVG pieces ------------------------------------------------------------------------------------


def _svg(*, slug: str, title: str, description: str, height: float, body: Iterable[str]) -> str:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="impact-chart-drawing" role="img" '
        'aria-labelledby="{slug}-title {slug}-desc" viewBox="0 0 {width} {height}" '
        'font-size="{font_size}" font-family="system-ui, sans-serif" fill="{ink}">'
        '<title id="{slug}-title">{title}</title><desc id="{slug}-desc">{description}</desc>'
        "{body}</svg>",
        slug=slug,
        width=WIDTH,
        height=_coordinate(height),
        font_size=FONT_SIZE,
        ink=INK,
        title=title,
        description=description,
        body=mark_safe("".join(body)),  # noqa: S308 - every piece was built by format_html  # nosec B308, B703
    )


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "middle",
    size: int = FONT_SIZE,
    fill: str = INK,
    extra: str = "",
) -> str:
    return format_html(
        '<text x="{}" y="{}" text-anchor="{}" font-size="{}" fill="{}"{}>{}</text>',
        _coordinate(x),
        _coordinate(y),
        anchor,
        size,
        fill,
        mark_safe(extra),  # noqa: S308 - only fixed attribute strings from this module  # nosec B308, B703
        content,
    )


def _line(x1: float, y1: float, x2: float, y2: float, *, stroke: str, dash: str = "") -> str:
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"{}/>',
        _coordinate(x1),
        _coordinate(y1),
        _coordinate(x2),
        _coordinate(y2),
        stroke,
        format_html(' stroke-dasharray="{}"', dash) if dash else "",
    )


def _marker(shape: str, x: float, y: float, colour: str, tooltip: str, *, size: float = 5) -> str:
    """A point of a series, drawn as `shape`, with its value as a hover tooltip."""
    tip = format_html("<title>{}</title>", tooltip) if tooltip else ""
    if shape == "square":
        return format_html(
            '<rect class="point" x="{}" y="{}" width="{}" height="{}" fill="{}">{}</rect>',
            _coordinate(x - size),
            _coordinate(y - size),
            _coordinate(size * 2),
            _coordinate(size * 2),
            colour,
            tip,
        )
    if shape in ("triangle", "diamond"):
        if shape == "triangle":
            corners = [(x, y - size * 1.2), (x + size * 1.1, y + size), (x - size * 1.1, y + size)]
        else:
            corners = [(x, y - size * 1.3), (x + size, y), (x, y + size * 1.3), (x - size, y)]
        return format_html(
            '<polygon class="point" points="{}" fill="{}">{}</polygon>',
            " ".join(f"{_coordinate(px)},{_coordinate(py)}" for px, py in corners),
            colour,
            tip,
        )
    return format_html(
        '<circle class="point" cx="{}" cy="{}" r="{}" fill="{}">{}</circle>',
        _coordinate(x),
        _coordinate(y),
        _coordinate(size),
        colour,
        tip,
    )


def _line_sample(index: int) -> str:
    colour = MARK_COLOURS[index % len(MARK_COLOURS)]
    dash = DASH_PATTERNS[index % len(DASH_PATTERNS)]
    return _legend_sample_with_marker(
        format_html(
            '<line x1="__X__" y1="__Y__" x2="__X2__" y2="__Y__" stroke="{}" stroke-width="2.5"{}/>',
            colour,
            format_html(' stroke-dasharray="{}"', dash) if dash else "",
        ),
        index,
    )


def _legend_sample_with_marker(line_markup: str, index: int) -> str:
    # The sample line spans 24 units; the marker sits in its middle.
    marker = _marker(
        MARKER_SHAPES[index % len(MARKER_SHAPES)],
        0,
        0,
        MARK_COLOURS[index % len(MARK_COLOURS)],
        "",
        size=4,
    ).replace(' class="point"', "")
    return format_html(
        '<g class="legend-sample">{}<g transform="translate(__X12__ __Y__)">{}</g></g>',
        mark_safe(line_markup),  # noqa: S308 - built by format_html above  # nosec B308, B703
        mark_safe(marker),  # noqa: S308 - built by format_html  # nosec B308, B703
    )


def _place_sample(sample: str, x: float, y: float) -> str:
    return (
        sample.replace("__X2__", _coordinate(x + 24))
        .replace("__X12__", _coordinate(x + 12))
        .replace("__X__", _coordinate(x))
        .replace("__Y__", _coordinate(y))
    )


def _legend_row(entries: Sequence[tuple[str, str]], *, y: float = 20) -> list[str]:
    pieces: list[str] = []
    x = float(MARGIN_LEFT)
    for sample, name in entries:
        pieces.append(_place_sample(sample, x, y))
        pieces.append(_text(x + 32, y + 5, name, anchor="start"))
        x += 48 + len(name) * FONT_SIZE * 0.55
    return pieces


def _swatch(fill: str, *, stroke: str = INK) -> str:
    return format_html(
        '<rect x="__X__" y="__Y__" width="24" height="14" fill="{}" stroke="{}"'
        ' transform="translate(0 -7)"/>',
        fill,
        stroke,
    )


def _y_axis(
    ticks: list[float], *, top: float, bottom: float, left: float, right: float, label: str
) -> list[str]:
    """Horizontal grid lines with their tick labels, and the axis title written sideways."""
    pieces: list[str] = []
    highest = ticks[-1] or 1
    for tick in ticks:
        y = bottom - (bottom - top) * tick / highest
        pieces.append(_line(left, y, right, y, stroke=GRID if tick else MUTED))
        pieces.append(_text(left - 6, y + 5, _count(tick), anchor="end"))
    if label:
        middle = (top + bottom) / 2
        pieces.append(
            _text(16, middle, label, extra=f' transform="rotate(-90 16 {_coordinate(middle)})"')
        )
    return pieces


def _x_label_indexes(count: int, room: float, longest_label: int) -> list[int]:
    """Which of `count` evenly spaced x labels to write so that they do not overlap."""
    label_width = longest_label * FONT_SIZE * 0.6 + 8
    fits = max(1, int(room // label_width))
    if count <= fits:
        return list(range(count))
    step = math.ceil(count / fits)
    return list(range(0, count, step))


def _category_label_lines(labels: list[str], slot: float) -> list[list[str]]:
    """The lines to write under each bar: every label on one line when they all fit, else
    on two lines split between words; a long run of numbers (hours) writes only every few."""
    room = int(slot // (FONT_SIZE * 0.55))
    if all(len(label) <= room for label in labels):
        return [[label] for label in labels]
    halves = [_split_in_two(label) for label in labels]
    if all(max(map(len, lines)) <= room for lines in halves):
        return halves
    shown = set(_x_label_indexes(len(labels), slot * len(labels), max(map(len, labels))))
    return [[label] if index in shown else [] for index, label in enumerate(labels)]


def _split_in_two(label: str) -> list[str]:
    words = label.split()
    if len(words) < 2:
        return [label]
    best = min(
        range(1, len(words)),
        key=lambda cut: max(len(" ".join(words[:cut])), len(" ".join(words[cut:]))),
    )
    return [" ".join(words[:best]), " ".join(words[best:])]


# Public chart builders -------------------------------------------------------------------------


def _x_position(value: object) -> float | None:
    if isinstance(value, date):
        return float(value.toordinal())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _plain_label(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def line_chart(
    *,
    slug: str,
    title: str,
    description: str,
    x_label: str,
    series: dict[str, list[tuple[object, float]]],
) -> Chart:
    """Lines over an ordered x axis (dates or numbers), one per named series, with markers of
    different shapes so they are told apart without colour."""
    names = list(series)
    x_values: list[object] = []
    for points in series.values():
        for x_value, _value in points:
            if x_value not in x_values:
                x_values.append(x_value)
    positions = [_x_position(value) for value in x_values]
    if all(position is not None for position in positions):
        order = sorted(range(len(x_values)), key=lambda index: positions[index] or 0.0)
        x_values = [x_values[index] for index in order]
    values_by_series = {name: dict(points) for name, points in series.items()}
    rows: list[list[object]] = [
        [x_value, *(values_by_series[name].get(x_value, "") for name in names)]
        for x_value in x_values
    ]
    chart = Chart(slug=slug, title=title, description=description, columns=[x_label, *names])
    if not x_values or not any(value for points in series.values() for _x, value in points):
        return Chart(slug=slug, title=title, description=description, columns=chart.columns)

    plot_left, plot_right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    plot_top, plot_bottom = MARGIN_TOP, MARGIN_TOP + PLOT_HEIGHT
    numeric = [_x_position(value) for value in x_values]
    if all(position is not None for position in numeric):
        low = min(position for position in numeric if position is not None)
        high = max(position for position in numeric if position is not None)
    else:
        numeric = [float(index) for index in range(len(x_values))]
        low, high = 0.0, float(len(x_values) - 1)
    span = (high - low) or 1.0
    inset = 12.0 if len(x_values) > 1 else (plot_right - plot_left) / 2

    def x_at(index: int) -> float:
        position = numeric[index] or 0.0
        if len(x_values) == 1:
            return plot_left + inset
        return plot_left + inset + (plot_right - plot_left - 2 * inset) * (position - low) / span

    maximum = max(value for points in series.values() for _x, value in points)
    ticks = _nice_ticks(maximum)

    def y_at(value: float) -> float:
        return plot_bottom - (plot_bottom - plot_top) * value / ticks[-1]

    pieces = _y_axis(
        ticks,
        top=plot_top,
        bottom=plot_bottom,
        left=plot_left,
        right=plot_right,
        label="",
    )
    labels = [_plain_label(value) for value in x_values]
    for index in _x_label_indexes(len(x_values), plot_right - plot_left, max(map(len, labels))):
        pieces.append(_line(x_at(index), plot_bottom, x_at(index), plot_bottom + 5, stroke=MUTED))
        pieces.append(_text(x_at(index), plot_bottom + 22, labels[index]))
    pieces.append(_text((plot_left + plot_right) / 2, plot_bottom + 46, x_label))

    index_of = {_plain_label(value): index for index, value in enumerate(x_values)}
    for series_index, name in enumerate(names):
        colour = MARK_COLOURS[series_index % len(MARK_COLOURS)]
        dash = DASH_PATTERNS[series_index % len(DASH_PATTERNS)]
        shape = MARKER_SHAPES[series_index % len(MARKER_SHAPES)]
        placed = sorted((index_of[_plain_label(x_value)], value) for x_value, value in series[name])
        pieces.append(
            format_html(
                '<polyline class="series" fill="none" stroke="{}" stroke-width="2.5"'
                ' stroke-linejoin="round" points="{}"{}/>',
                colour,
                " ".join(
                    f"{_coordinate(x_at(index))},{_coordinate(y_at(value))}"
                    for index, value in placed
                ),
                format_html(' stroke-dasharray="{}"', dash) if dash else "",
            )
        )
        if len(placed) <= MAX_MARKERS:
            pieces.extend(
                _marker(
                    shape,
                    x_at(index),
                    y_at(value),
                    colour,
                    f"{name}, {labels[index]}: {_count(value)}",
                )
                for index, value in placed
            )
    pieces.extend(_legend_row([(_line_sample(index), name) for index, name in enumerate(names)]))
    svg = _svg(
        slug=slug,
        title=title,
        description=description,
        height=plot_bottom + MARGIN_BOTTOM,
        body=pieces,
    )
    return Chart(
        slug=slug,
        title=title,
        description=description,
        columns=chart.columns,
        rows=rows,
        svg=SafeString(svg),  # the output of _svg, built by format_html  # nosec B703
    )


def bar_chart(
    *,
    slug: str,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    bars: list[tuple[str, float]],
    value_labels: list[str] | None = None,
) -> Chart:
    """Vertical bars with their value labels (`value_labels`, when given, replaces the plain
    numbers written above the bars; the table keeps the plain values)."""
    columns = [x_label, y_label]
    if not bars or not any(value for _label, value in bars):
        return Chart(slug=slug, title=title, description=description, columns=columns)
    labels = value_labels or [_count(value) for _label, value in bars]
    plot_left, plot_right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    plot_top, plot_bottom = MARGIN_TOP, MARGIN_TOP + PLOT_HEIGHT
    ticks = _nice_ticks(max(value for _label, value in bars))
    slot = (plot_right - plot_left) / len(bars)
    bar_width = slot * 0.7
    pieces = _y_axis(
        ticks, top=plot_top, bottom=plot_bottom, left=plot_left, right=plot_right, label=y_label
    )
    # Value labels need room above their bars: drawn only when they fit the bar's width.
    write_values = max(map(len, labels)) * SMALL_FONT_SIZE * 0.6 <= slot
    label_lines = _category_label_lines([label for label, _value in bars], slot)
    wrapped = any(len(lines) > 1 for lines in label_lines)
    for index, (label, value) in enumerate(bars):
        height = (plot_bottom - plot_top) * value / ticks[-1]
        left = plot_left + slot * index + (slot - bar_width) / 2
        centre = left + bar_width / 2
        pieces.append(
            format_html(
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}">'
                "<title>{}: {}</title></rect>",
                _coordinate(left),
                _coordinate(plot_bottom - height),
                _coordinate(bar_width),
                _coordinate(height),
                MARK_COLOURS[0],
                label,
                labels[index],
            )
        )
        if write_values:
            pieces.append(
                _text(centre, plot_bottom - height - 5, labels[index], size=SMALL_FONT_SIZE)
            )
        pieces.extend(
            _text(centre, plot_bottom + 20 + line_number * 16, line)
            for line_number, line in enumerate(label_lines[index])
        )
    pieces.append(
        _text((plot_left + plot_right) / 2, plot_bottom + (62 if wrapped else 46), x_label)
    )
    svg = _svg(
        slug=slug,
        title=title,
        description=description,
        height=plot_bottom + MARGIN_BOTTOM + (16 if wrapped else 0),
        body=pieces,
    )
    return Chart(
        slug=slug,
        title=title,
        description=description,
        columns=columns,
        rows=[[label, value] for label, value in bars],
        svg=SafeString(svg),  # the output of _svg, built by format_html  # nosec B703
    )


# The project's charts --------------------------------------------------------------------------


def _contributions_over_time(
    slug: str, weeks: list[WeekFigures], *, title: str | None = None
) -> Chart:
    title = title or _("Contributions and active participants per week")
    if not any(week.contributions for week in weeks):
        description = _nothing_yet()
    else:
        busiest = max(weeks, key=lambda week: week.contributions)
        description = (
            ngettext(
                "%(contributions)s contributions over %(weeks)d week from %(start)s.",
                "%(contributions)s contributions over %(weeks)d weeks from %(start)s.",
                len(weeks),
            )
            % {
                "contributions": _count(sum(week.contributions for week in weeks)),
                "weeks": len(weeks),
                "start": weeks[0].week_start.isoformat(),
            }
            + " "
            + _(
                "The busiest week, from %(week)s, had %(contributions)s contributions from "
                "%(participants)s active participants."
            )
            % {
                "week": busiest.week_start.isoformat(),
                "contributions": _count(busiest.contributions),
                "participants": _count(busiest.active_participants),
            }
        )
    return line_chart(
        slug=slug,
        title=title,
        description=description,
        x_label=_("Week starting"),
        series={
            _("Contributions"): [(week.week_start, week.contributions) for week in weeks],
            _("Active participants"): [
                (week.week_start, week.active_participants) for week in weeks
            ],
        },
    )


def _new_and_returning(weeks: list[WeekFigures]) -> Chart:
    slug = "new-and-returning"
    title = _("New and returning participants per week")
    columns = [_("Week starting"), _("New participants"), _("Returning participants")]
    active = sum(week.new_participants + week.returning_participants for week in weeks)
    if not active:
        return Chart(slug=slug, title=title, description=_nothing_yet(), columns=columns)
    new = sum(week.new_participants for week in weeks)
    description = (
        ngettext(
            "%(new)s participant contributed for the first time in these weeks.",
            "%(new)s participants contributed for the first time in these weeks.",
            new,
        )
        % {"new": _count(new)}
        + " "
        + _("Of the participants active in a week, %(share)s had contributed in an earlier week.")
        % {"share": _percent(sum(week.returning_participants for week in weeks) / active)}
    )

    plot_left, plot_right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    plot_top, plot_bottom = MARGIN_TOP, MARGIN_TOP + PLOT_HEIGHT
    ticks = _nice_ticks(max(week.new_participants + week.returning_participants for week in weeks))
    slot = (plot_right - plot_left) / len(weeks)
    bar_width = slot * 0.7
    hatch_id = f"{slug}-hatch"
    # Returning participants are drawn hatched as well as in another colour, so the two parts
    # of a bar differ without colour.
    pieces = [
        format_html(
            '<defs><pattern id="{}" patternUnits="userSpaceOnUse" width="6" height="6"'
            ' patternTransform="rotate(45)"><rect width="6" height="6" fill="{}"/>'
            '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern>'
            "</defs>",
            hatch_id,
            MARK_COLOURS[1],
        ),
        *_y_axis(
            ticks,
            top=plot_top,
            bottom=plot_bottom,
            left=plot_left,
            right=plot_right,
            label=_("Participants"),
        ),
    ]
    labels = [week.week_start.isoformat() for week in weeks]
    label_indexes = set(_x_label_indexes(len(weeks), plot_right - plot_left, 10))
    unit = (plot_bottom - plot_top) / ticks[-1]
    for index, week in enumerate(weeks):
        left = plot_left + slot * index + (slot - bar_width) / 2
        new_height = week.new_participants * unit
        returning_height = week.returning_participants * unit
        for kind, value, top, height, fill in (
            ("new", week.new_participants, plot_bottom - new_height, new_height, MARK_COLOURS[0]),
            (
                "returning",
                week.returning_participants,
                plot_bottom - new_height - returning_height,
                returning_height,
                f"url(#{hatch_id})",
            ),
        ):
            pieces.append(
                format_html(
                    '<rect class="bar bar-{}" x="{}" y="{}" width="{}" height="{}" fill="{}"'
                    ' stroke="{}" stroke-width="{}"><title>{}, {}: {}</title></rect>',
                    kind,
                    _coordinate(left),
                    _coordinate(top),
                    _coordinate(bar_width),
                    _coordinate(height),
                    fill,
                    MARK_COLOURS[1] if kind == "returning" else "none",
                    "1" if kind == "returning" and value else "0",
                    labels[index],
                    _("New participants") if kind == "new" else _("Returning participants"),
                    _count(value),
                )
            )
        if index in label_indexes:
            pieces.append(_text(left + bar_width / 2, plot_bottom + 22, labels[index]))
    pieces.append(_text((plot_left + plot_right) / 2, plot_bottom + 46, _("Week starting")))
    pieces.extend(
        _legend_row(
            [
                (_swatch(MARK_COLOURS[0], stroke=MARK_COLOURS[0]), _("New participants")),
                (_swatch(f"url(#{hatch_id})", stroke=MARK_COLOURS[1]), _("Returning participants")),
            ]
        )
    )
    return Chart(
        slug=slug,
        title=title,
        description=description,
        columns=columns,
        rows=[
            [week.week_start, week.new_participants, week.returning_participants] for week in weeks
        ],
        svg=SafeString(  # the output of _svg, built by format_html  # nosec B703
            _svg(
                slug=slug,
                title=title,
                description=description,
                height=plot_bottom + MARGIN_BOTTOM,
                body=pieces,
            )
        ),
    )


# The latest cohorts only: two years of weekly cohorts are over 5,000 cells, too many to read
# on a page (and seconds to draw); the API gives the whole table.
RETENTION_COHORTS_SHOWN = {"week": 26, "month": 24}


def _retention(retention: RetentionTable) -> Chart:
    slug = "retention"
    monthly = retention.granularity == "month"
    shown = RETENTION_COHORTS_SHOWN["month" if monthly else "week"]
    all_cohorts = len(retention.rows)
    if all_cohorts > shown:
        retention = replace(retention, rows=retention.rows[-shown:])
    title = (
        _("Retention by month of first contribution")
        if monthly
        else _("Retention by week of first contribution")
    )
    periods = max((len(row.retained) for row in retention.rows), default=0)
    columns = [_("Cohort start"), _("Size")] + [
        (_("Month %(number)d") if monthly else _("Week %(number)d")) % {"number": period}
        for period in range(periods)
    ]
    rows = [
        [row.cohort_start, row.size, *row.retained, *[""] * (periods - len(row.retained))]
        for row in retention.rows
    ]
    if not any(row.size for row in retention.rows):
        return Chart(slug=slug, title=title, description=_nothing_yet(), columns=columns)
    participants = sum(row.size for row in retention.rows)
    description = ngettext(
        "%(participants)s participants in %(cohorts)d cohort.",
        "%(participants)s participants in %(cohorts)d cohorts.",
        len(retention.rows),
    ) % {"participants": _count(participants), "cohorts": len(retention.rows)}
    if all_cohorts > shown:
        description += " " + _(
            "Shown: the latest %(shown)d of %(all)d cohorts (the API gives them all)."
        ) % {"shown": shown, "all": all_cohorts}
    reached = [row for row in retention.rows if len(row.retained) > 1 and row.size]
    if reached:
        share = sum(row.retained[1] for row in reached) / sum(row.size for row in reached)
        description += " " + (
            _("%(share)s of them contributed again in the month after their first.")
            if monthly
            else _("%(share)s of them contributed again in the week after their first.")
        ) % {"share": _percent(share)}

    label_width = 104
    grid_left, grid_right = MARGIN_LEFT + label_width - 40, WIDTH - MARGIN_RIGHT
    cell_width = (grid_right - grid_left) / periods
    cell_height = 28.0
    grid_top = MARGIN_TOP + 4
    # Percentages are written in the cells only when they fit; the table always has them.
    write_numbers = cell_width >= 40
    pieces = [
        _text(
            (grid_left + grid_right) / 2,
            22,
            _("Months since the first contribution")
            if monthly
            else _("Weeks since the first contribution"),
        )
    ]
    header_indexes = set(_x_label_indexes(periods, grid_right - grid_left, 2))
    pieces.extend(
        _text(grid_left + cell_width * (period + 0.5), grid_top - 6, str(period))
        for period in range(periods)
        if period in header_indexes
    )
    for row_index, row in enumerate(retention.rows):
        top = grid_top + row_index * cell_height
        pieces.append(
            _text(
                grid_left - 8, top + cell_height / 2 + 5, row.cohort_start.isoformat(), anchor="end"
            )
        )
        for period, retained in enumerate(row.retained):
            share = retained / row.size if row.size else 0.0
            fill = _scale_colour(share)
            left = grid_left + cell_width * period
            pieces.append(
                format_html(
                    '<rect class="cell" x="{}" y="{}" width="{}" height="{}" fill="{}"'
                    ' stroke="#ffffff"><title>{}, {}: {} ({})</title></rect>',
                    _coordinate(left),
                    _coordinate(top),
                    _coordinate(cell_width),
                    _coordinate(cell_height),
                    fill,
                    row.cohort_start.isoformat(),
                    period,
                    _count(retained),
                    _percent(share),
                )
            )
            if write_numbers:
                pieces.append(
                    _text(
                        left + cell_width / 2,
                        top + cell_height / 2 + 4,
                        _percent(share),
                        size=SMALL_FONT_SIZE,
                        fill=_text_colour_on(fill),
                    )
                )
    height = grid_top + cell_height * len(retention.rows) + 16
    return Chart(
        slug=slug,
        title=title,
        description=description,
        columns=columns,
        rows=rows,
        svg=SafeString(  # the output of _svg, built by format_html  # nosec B703
            _svg(slug=slug, title=title, description=description, height=height, body=pieces)
        ),
    )


def _inequality_description(inequality: InequalityFigures) -> str:
    if inequality.gini is None:
        return _nothing_yet()
    description = _(
        "Gini coefficient %(gini)s (0: everyone contributed equally; 1: one participant did all)."
    ) % {"gini": _decimal(inequality.gini)}
    if inequality.top_10_percent_share is not None:
        description += " " + _("The top 10 %% of participants made %(share)s of contributions.") % {
            "share": _percent(inequality.top_10_percent_share)
        }
    if inequality.top_1_percent_share is not None:
        description += " " + _("The top 1 %% made %(share)s.") % {
            "share": _percent(inequality.top_1_percent_share)
        }
    return description


def _participation_inequality(slug: str, inequality: InequalityFigures) -> Chart:
    title = _("Participation inequality (Lorenz curve)")
    columns = [_("Share of participants"), _("Share of contributions")]
    if inequality.gini is None or not inequality.lorenz:
        return Chart(slug=slug, title=title, description=_nothing_yet(), columns=columns)
    description = _inequality_description(inequality)
    side = PLOT_HEIGHT
    plot_left = (WIDTH - side) / 2
    plot_top, plot_bottom = MARGIN_TOP, MARGIN_TOP + side
    plot_right = plot_left + side

    def point(share_of_participants: float, share_of_contributions: float) -> tuple[float, float]:
        return (
            plot_left + side * share_of_participants,
            plot_bottom - side * share_of_contributions,
        )

    pieces: list[str] = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x, y = point(tick, tick)
        pieces.append(_line(plot_left, y, plot_right, y, stroke=GRID if tick else MUTED))
        pieces.append(_line(x, plot_top, x, plot_bottom, stroke=GRID if tick else MUTED))
        pieces.append(_text(plot_left - 6, y + 5, _percent(tick), anchor="end"))
        pieces.append(_text(x, plot_bottom + 20, _percent(tick)))
    pieces.append(_text((plot_left + plot_right) / 2, plot_bottom + 44, columns[0]))
    middle = (plot_top + plot_bottom) / 2
    pieces.append(
        _text(
            plot_left - 56,
            middle,
            columns[1],
            extra=f' transform="rotate(-90 {_coordinate(plot_left - 56)} {_coordinate(middle)})"',
        )
    )
    # The line of equality: every participant contributing the same.
    pieces.append(
        format_html(
            '<line class="equality" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"'
            ' stroke-width="2" stroke-dasharray="{}"/>',
            _coordinate(plot_left),
            _coordinate(plot_bottom),
            _coordinate(plot_right),
            _coordinate(plot_top),
            MARK_COLOURS[3],
            DASH_PATTERNS[1],
        )
    )
    points = [point(x, y) for x, y in inequality.lorenz]
    pieces.append(
        format_html(
            '<polyline class="series" fill="none" stroke="{}" stroke-width="2.5" points="{}"/>',
            MARK_COLOURS[0],
            " ".join(f"{_coordinate(x)},{_coordinate(y)}" for x, y in points),
        )
    )
    if len(points) <= MAX_MARKERS:
        pieces.extend(
            _marker(
                "circle",
                x,
                y,
                MARK_COLOURS[0],
                f"{_percent(participants)} → {_percent(contributions)}",
                size=4,
            )
            for (x, y), (participants, contributions) in zip(points, inequality.lorenz, strict=True)
        )
    equality_sample = format_html(
        '<line x1="__X__" y1="__Y__" x2="__X2__" y2="__Y__" stroke="{}" stroke-width="2"'
        ' stroke-dasharray="{}"/>',
        MARK_COLOURS[3],
        DASH_PATTERNS[1],
    )
    pieces.extend(
        _legend_row(
            [
                (_line_sample(0), _("Lorenz curve")),
                (equality_sample, _("Equal participation")),
            ]
        )
    )
    return Chart(
        slug=slug,
        title=title,
        description=description,
        columns=columns,
        rows=[[x, y] for x, y in inequality.lorenz],
        svg=SafeString(  # the output of _svg, built by format_html  # nosec B703
            _svg(
                slug=slug,
                title=title,
                description=description,
                height=plot_bottom + MARGIN_BOTTOM,
                body=pieces,
            )
        ),
    )


def _scale_classes(maximum: int, count: int = 5) -> list[tuple[int, int]]:
    """Split 1..maximum into up to `count` ranges of whole numbers, lowest first."""
    step = max(1, math.ceil(maximum / count))
    return [(low, min(low + step - 1, maximum)) for low in range(1, maximum + 1, step)]


def _h3_map(figures: ProjectFigures) -> Chart:
    slug = "h3-map"
    space = figures.space
    title = _("Where observations were made")
    columns = [_("H3 cell"), _("Observations")]
    cells: list[CellCount] = [cell for cell in space.cells if cell.count > 0]
    if not cells:
        return Chart(slug=slug, title=title, description=_nothing_yet(), columns=columns)
    description = ngettext(
        "Observations in %(cells)d hexagonal cell (H3 resolution %(resolution)d), covering "
        "%(area)s km².",
        "Observations in %(cells)d hexagonal cells (H3 resolution %(resolution)d), covering "
        "%(area)s km².",
        len(cells),
    ) % {
        "cells": len(cells),
        "resolution": space.resolution,
        "area": _count(space.area_covered_km2),
    }
    if space.project_area_share is not None:
        description += " " + _("%(share)s of the project's area has observations.") % {
            "share": _percent(space.project_area_share)
        }
    busiest = max(cells, key=lambda cell: cell.count)
    description += " " + _("The busiest cell has %(count)s observations.") % {
        "count": _count(busiest.count)
    }

    boundaries = {cell.cell: h3.cell_to_boundary(cell.cell) for cell in cells}
    latitudes = [lat for boundary in boundaries.values() for lat, _lng in boundary]
    longitudes = [lng for boundary in boundaries.values() for _lat, lng in boundary]
    # Equirectangular, with longitudes shrunk by the cosine of the middle latitude so that
    # hexagons keep their shape away from the equator.
    shrink = math.cos(math.radians((min(latitudes) + max(latitudes)) / 2))
    west, east = min(longitudes) * shrink, max(longitudes) * shrink
    south, north = min(latitudes), max(latitudes)
    legend_width = 150
    map_left, map_top = MARGIN_LEFT / 2, 16.0
    room_width, room_height = WIDTH - legend_width - map_left - MARGIN_RIGHT, 320.0
    scale = min(room_width / ((east - west) or 1e-9), room_height / ((north - south) or 1e-9))
    map_width = (east - west) * scale

    def project(latitude: float, longitude: float) -> tuple[float, float]:
        return (
            map_left + (room_width - map_width) / 2 + (longitude * shrink - west) * scale,
            map_top + (north - latitude) * scale,
        )

    classes = _scale_classes(busiest.count)

    def class_fill(count: int) -> str:
        index = next(number for number, (_low, high) in enumerate(classes) if count <= high)
        return _scale_colour((index + 1) / len(classes))

    pieces: list[str] = [
        format_html(
            '<polygon class="hexagon" points="{}" fill="{}" stroke="{}" stroke-width="1">'
            "<title>{}: {}</title></polygon>",
            " ".join(
                "{},{}".format(*map(_coordinate, project(latitude, longitude)))
                for latitude, longitude in boundaries[cell.cell]
            ),
            class_fill(cell.count),
            INK,
            cell.cell,
            _count(cell.count),
        )
        for cell in cells
    ]
    legend_left = WIDTH - legend_width
    pieces.append(_text(legend_left, 28, _("Observations"), anchor="start"))
    for index, (low, high) in enumerate(classes):
        top = 40 + index * 26
        pieces.append(
            format_html(
                '<rect x="{}" y="{}" width="24" height="18" fill="{}" stroke="{}"/>',
                legend_left,
                top,
                _scale_colour((index + 1) / len(classes)),
                INK,
            )
        )
        pieces.append(
            _text(
                legend_left + 32,
                top + 14,
                _count(low) if low == high else f"{_count(low)}–{_count(high)}",
                anchor="start",
            )
        )
    height = max(map_top + (north - south) * scale, 40 + len(classes) * 26) + 16
    return Chart(
        slug=slug,
        title=title,
        description=description,
        columns=columns,
        rows=[[cell.cell, cell.count] for cell in cells],
        svg=SafeString(  # the output of _svg, built by format_html  # nosec B703
            _svg(slug=slug, title=title, description=description, height=height, body=pieces)
        ),
    )


def _counted_bars(
    *,
    slug: str,
    title: str,
    x_label: str,
    y_label: str,
    bars: list[tuple[str, float]],
    summary: str,
) -> Chart:
    """A bar chart of counts, or an empty one that says there is nothing yet."""
    if not any(value for _label, value in bars):
        return bar_chart(
            slug=slug,
            title=title,
            description=_nothing_yet(),
            x_label=x_label,
            y_label=y_label,
            bars=[],
        )
    return bar_chart(
        slug=slug, title=title, description=summary, x_label=x_label, y_label=y_label, bars=bars
    )


def _busiest_summary(bars: list[tuple[str, float]], sentence: str) -> str:
    """`sentence` names the busiest bar (%(label)s), its count and the total."""
    if not any(value for _label, value in bars):
        return ""
    label, value = max(bars, key=lambda bar: bar[1])
    return sentence % {
        "label": label,
        "count": _count(value),
        "total": _count(sum(value for _label, value in bars)),
    }


def _by_hour(hours: list[int]) -> Chart:
    bars: list[tuple[str, float]] = [(str(hour), count) for hour, count in enumerate(hours)]
    busiest = max(range(len(hours)), key=lambda hour: hours[hour]) if hours else 0
    return _counted_bars(
        slug="by-hour",
        title=_("Contributions by hour of day"),
        x_label=_("Hour of day (local time)"),
        y_label=_("Contributions"),
        bars=bars,
        summary=_("Most contributions in the hour from %(hour)s:00: %(count)s of %(total)s.")
        % {
            "hour": busiest,
            "count": _count(hours[busiest]) if hours else "0",
            "total": _count(sum(hours)),
        },
    )


def _by_weekday(weekdays: list[int]) -> Chart:
    bars: list[tuple[str, float]] = [
        (str(WEEKDAYS[index]), count) for index, count in enumerate(weekdays)
    ]
    return _counted_bars(
        slug="by-weekday",
        title=_("Contributions by day of the week"),
        x_label=_("Day of the week"),
        y_label=_("Contributions"),
        bars=bars,
        summary=_busiest_summary(
            bars, _("Most contributions on %(label)s: %(count)s of %(total)s.")
        ),
    )


def _by_season(seasons: list[int]) -> Chart:
    names = [_("winter"), _("spring"), _("summer"), _("autumn")]
    bars: list[tuple[str, float]] = list(zip(names, seasons, strict=True))
    return _counted_bars(
        slug="by-season",
        title=_("Contributions by season"),
        x_label=_("Season"),
        y_label=_("Contributions"),
        bars=bars,
        summary=_busiest_summary(
            bars, _("Most contributions in %(label)s: %(count)s of %(total)s.")
        ),
    )


def _data_quality(figures: ProjectFigures) -> Chart:
    slug = "data-quality"
    title = _("Observations by moderation status")
    statuses = [
        ("accepted", _("accepted")),
        ("pending", _("pending")),
        ("flagged", _("flagged")),
        ("rejected", _("rejected")),
    ]
    counts = figures.quality.observations_by_status
    total = sum(counts.get(status, 0) for status, _name in statuses)
    columns = [_("Status"), _("Observations"), _("Share")]
    if not total:
        return Chart(slug=slug, title=title, description=_nothing_yet(), columns=columns)
    bars: list[tuple[str, float]] = [(name, counts.get(status, 0)) for status, name in statuses]
    shares = [count / total for _name, count in bars]
    description = _(
        "%(total)s observations: %(accepted)s accepted, %(flagged)s flagged and %(rejected)s "
        "rejected."
    ) % {
        "total": _count(total),
        "accepted": _percent(shares[0]),
        "flagged": _percent(shares[2]),
        "rejected": _percent(shares[3]),
    }
    if figures.quality.expert_agreement is not None:
        description += " " + ngettext(
            "Experts agreed with the consensus in %(share)s of %(count)s decision.",
            "Experts agreed with the consensus in %(share)s of %(count)s decisions.",
            figures.quality.expert_decisions,
        ) % {
            "share": _percent(figures.quality.expert_agreement),
            "count": _count(figures.quality.expert_decisions),
        }
    chart = bar_chart(
        slug=slug,
        title=title,
        description=description,
        x_label=columns[0],
        y_label=columns[1],
        bars=bars,
        value_labels=[
            f"{_count(count)} ({_percent(share)})"
            for (_name, count), share in zip(bars, shares, strict=True)
        ],
    )
    return Chart(
        slug=slug,
        title=title,
        description=description,
        columns=columns,
        rows=[[name, count, share] for (name, count), share in zip(bars, shares, strict=True)],
        svg=chart.svg,
    )


def _consensus_confidence(bins: list[int]) -> Chart:
    bars: list[tuple[str, float]] = [
        (
            f"{number_format(index / len(bins), decimal_pos=1)}–"
            f"{number_format((index + 1) / len(bins), decimal_pos=1)}",
            count,
        )
        for index, count in enumerate(bins)
    ]
    subjects = sum(bins)
    confident = sum(bins[len(bins) * 8 // 10 :])
    summary = (
        ngettext(
            "%(subjects)s subject with a consensus; %(share)s of them with a confidence of 0.8 "
            "or more.",
            "%(subjects)s subjects with a consensus; %(share)s of them with a confidence of 0.8 "
            "or more.",
            subjects,
        )
        % {"subjects": _count(subjects), "share": _percent(confident / subjects)}
        if subjects
        else ""
    )
    return _counted_bars(
        slug="consensus-confidence",
        title=_("Consensus confidence of classified subjects"),
        x_label=_("Confidence"),
        y_label=_("Subjects"),
        bars=bars,
        summary=summary,
    )


def _questions(figures: ProjectFigures) -> Chart:
    questions = figures.questions
    return _counted_bars(
        slug="questions",
        title=_("Research questions"),
        x_label=_("Stage"),
        y_label=_("Questions"),
        bars=[
            (_("raised"), questions.raised),
            (_("adopted"), questions.adopted),
            (_("answered"), questions.answered),
        ],
        summary=_(
            "%(raised)s research questions raised, %(adopted)s adopted and %(answered)s answered."
        )
        % {
            "raised": _count(questions.raised),
            "adopted": _count(questions.adopted),
            "answered": _count(questions.answered),
        },
    )


def _learning(figures: ProjectFigures) -> Chart:
    learning = figures.learning
    return _counted_bars(
        slug="learning",
        title=_("Events and training"),
        x_label=_("Activity"),
        y_label=_("Number"),
        bars=[
            (_("events"), learning.events),
            (_("registrations"), learning.event_registrations),
            (_("attendances"), learning.event_attendances),
            (_("training completions"), learning.training_completions),
        ],
        summary=_(
            "%(events)s events with %(registrations)s registrations and %(attendances)s "
            "attendances; %(completions)s training modules completed."
        )
        % {
            "events": _count(learning.events),
            "registrations": _count(learning.event_registrations),
            "attendances": _count(learning.event_attendances),
            "completions": _count(learning.training_completions),
        },
    )


def charts_for_project(figures: ProjectFigures) -> list[Chart]:
    """Every chart of a project's dashboard and impact report: participants and contributions
    over time, active/new/returning per week, retention cohorts (a shaded table), the Lorenz
    curve with the Gini coefficient, the H3 hexagon map, hour/weekday/season, data quality,
    consensus confidence, questions, events and training."""
    return [
        _contributions_over_time("contributions-over-time", figures.weeks),
        _new_and_returning(figures.weeks),
        _retention(figures.retention),
        _participation_inequality("participation-inequality", figures.inequality),
        _h3_map(figures),
        _by_hour(figures.time.by_hour),
        _by_weekday(figures.time.by_weekday),
        _by_season(figures.time.by_season),
        _data_quality(figures),
        _consensus_confidence(figures.quality.confidence_bins),
        _questions(figures),
        _learning(figures),
    ]


# The Lab's charts ------------------------------------------------------------------------------


def _shorten(name: str, length: int = 26) -> str:
    return name if len(name) <= length else name[: length - 1] + "…"


def _projects_compared(projects: list[ProjectComparisonRow]) -> Chart:
    slug = "projects-compared"
    title = _("Projects compared")
    columns = [
        _("Project slug"),
        _("Project"),
        _("Participants"),
        _("Contributions"),
        _("Gini coefficient"),
        _("Share made by the top 10 %"),
        _("Returning share"),
        _("H3 cells"),
        _("Outputs"),
        _("Impact statements"),
    ]
    rows: list[list[object]] = [
        [
            project.project_slug,
            project.project_name,
            project.participants,
            project.contributions,
            "" if project.gini is None else project.gini,
            "" if project.top_10_percent_share is None else project.top_10_percent_share,
            "" if project.returning_share is None else project.returning_share,
            project.h3_cells,
            project.outputs,
            project.impact_statements,
        ]
        for project in projects
    ]
    if not any(project.participants or project.contributions for project in projects):
        return Chart(slug=slug, title=title, description=_nothing_yet(), columns=columns, rows=rows)
    most = max(projects, key=lambda project: project.contributions)
    description = (
        ngettext(
            "%(projects)d project side by side.",
            "%(projects)d projects side by side.",
            len(projects),
        )
        % {"projects": len(projects)}
        + " "
        + _(
            "Most contributions: %(project)s, with %(contributions)s from %(participants)s "
            "participants."
        )
        % {
            "project": most.project_name,
            "contributions": _count(most.contributions),
            "participants": _count(most.participants),
        }
    )
    # Two panels, each with its own scale, because contributions outnumber participants many
    # times over; the panel tells the two measures apart, the colour only repeats it.
    names_width = 200
    gap = 24
    panel_width = (WIDTH - names_width - MARGIN_RIGHT - gap) / 2
    row_height = 26.0
    top = 48.0
    pieces: list[str] = []
    for panel, (name, colour, values) in enumerate(
        (
            (_("Participants"), MARK_COLOURS[0], [project.participants for project in projects]),
            (_("Contributions"), MARK_COLOURS[1], [project.contributions for project in projects]),
        )
    ):
        left = names_width + panel * (panel_width + gap)
        highest = max(values) or 1
        pieces.append(_text(left, 28, name, anchor="start"))
        for index, value in enumerate(values):
            y = top + index * row_height
            # Room is kept on the right of each panel for the value written after the bar.
            width = (panel_width - 56) * value / highest
            pieces.append(
                format_html(
                    '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}, {}: {}</title></rect>",
                    _coordinate(left),
                    _coordinate(y + 4),
                    _coordinate(width),
                    _coordinate(row_height - 8),
                    colour,
                    projects[index].project_name,
                    name,
                    _count(value),
                )
            )
            pieces.append(
                _text(left + width + 4, y + row_height / 2 + 5, _count(value), anchor="start")
            )
        pieces.append(_line(left, top, left, top + row_height * len(projects), stroke=MUTED))
    for index, project in enumerate(projects):
        pieces.append(
            _text(
                names_width - 8,
                top + index * row_height + row_height / 2 + 5,
                _shorten(project.project_name),
                anchor="end",
            )
        )
    height = top + row_height * len(projects) + 16
    return Chart(
        slug=slug,
        title=title,
        description=description,
        columns=columns,
        rows=rows,
        svg=SafeString(  # the output of _svg, built by format_html  # nosec B703
            _svg(slug=slug, title=title, description=description, height=height, body=pieces)
        ),
    )


def charts_for_lab(figures: LabFigures) -> list[Chart]:
    """The Lab dashboard's charts: contributions and participants over time, inequality, and
    the projects side by side."""
    return [
        _contributions_over_time(
            "lab-contributions-over-time",
            figures.weeks,
            title=_("Contributions and active participants per week, all projects shown"),
        ),
        _participation_inequality("lab-participation-inequality", figures.inequality),
        _projects_compared(figures.projects),
    ]


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return csv_safe(value)
    return value


def chart_csv(chart: Chart) -> str:
    """The chart's data table as CSV text (header row first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_safe(column) for column in chart.columns])
    writer.writerows([_csv_cell(value) for value in row] for row in chart.rows)
    return buffer.getvalue()
