"""The impact charts: accessible SVG whose marks match the data table, escaped text, empty
figures that say so, CSV that round-trips and cannot run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import timedelta
from xml.etree.ElementTree import Element

import pytest
from defusedxml import ElementTree
from django.template.loader import render_to_string
from django.utils import translation

from cslab.impact.charts import (
    MARK_COLOURS,
    PALETTE,
    Chart,
    bar_chart,
    chart_csv,
    charts_for_lab,
    charts_for_project,
    line_chart,
)
from cslab.impact.figures import CohortRow, ProjectComparisonRow, RetentionTable
from tests.impact.figure_samples import (
    empty_project_figures,
    sample_lab_figures,
    sample_project_figures,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE_NAME = "<script>alert('x')</script> & \"Birds\""

PROJECT_SLUGS = [
    "contributions-over-time",
    "new-and-returning",
    "retention",
    "participation-inequality",
    "h3-map",
    "by-hour",
    "by-weekday",
    "by-season",
    "data-quality",
    "consensus-confidence",
    "questions",
    "learning",
]
LAB_SLUGS = ["lab-contributions-over-time", "lab-participation-inequality", "projects-compared"]


def parse(chart: Chart) -> Element:
    root: Element = ElementTree.fromstring(str(chart.svg))
    return root


def marks(root: Element, css_class: str) -> list[Element]:
    return [element for element in root.iter() if css_class in (element.get("class") or "").split()]


def by_slug(charts: list[Chart]) -> dict[str, Chart]:
    return {chart.slug: chart for chart in charts}


def contrast_against_white(colour: str) -> float:
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(int(colour[index : index + 2], 16) / 255) for index in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def test_a_project_has_every_chart_in_the_fixed_order():
    assert [chart.slug for chart in charts_for_project(sample_project_figures())] == PROJECT_SLUGS


def test_the_lab_has_its_three_charts_in_order():
    assert [chart.slug for chart in charts_for_lab(sample_lab_figures())] == LAB_SLUGS


@pytest.mark.parametrize(
    "chart",
    [*charts_for_project(sample_project_figures()), *charts_for_lab(sample_lab_figures())],
    ids=lambda chart: chart.slug,
)
def test_every_chart_is_an_svg_image_labelled_by_its_title_and_description(chart):
    with translation.override("en"):
        root = parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart.slug}-title {chart.slug}-desc"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    assert title.get("id") == f"{chart.slug}-title"
    assert title.text == chart.title
    assert desc.get("id") == f"{chart.slug}-desc"
    assert desc.text == chart.description
    assert root.get("viewBox", "").startswith("0 0 640 ")
    # Text stays readable: no font smaller than 12 units in the 640-unit drawing.
    sizes = [int(element.get("font-size")) for element in root.iter() if element.get("font-size")]
    assert min(sizes) >= 12
    assert "<script" not in str(chart.svg)


def test_the_contributions_line_has_one_point_per_week_for_each_series():
    figures = sample_project_figures()
    chart = by_slug(charts_for_project(figures))["contributions-over-time"]
    root = parse(chart)
    assert len(chart.rows) == len(figures.weeks)
    assert len(marks(root, "series")) == 2
    assert len(marks(root, "point")) == 2 * len(figures.weeks)
    assert chart.rows[0] == [figures.weeks[0].week_start, 42, 9]


def test_the_two_lines_differ_by_marker_shape_and_dash_not_only_by_colour():
    root = parse(by_slug(charts_for_project(sample_project_figures()))["contributions-over-time"])
    first, second = marks(root, "series")
    assert first.get("stroke") != second.get("stroke")
    assert first.get("stroke-dasharray") != second.get("stroke-dasharray")
    shapes = {element.tag for element in marks(root, "point")}
    assert shapes == {f"{SVG}circle", f"{SVG}rect"}


def test_new_and_returning_draws_a_bar_part_for_each_kind_of_participant_each_week():
    figures = sample_project_figures()
    chart = by_slug(charts_for_project(figures))["new-and-returning"]
    root = parse(chart)
    assert len(marks(root, "bar-new")) == len(chart.rows) == len(figures.weeks)
    assert len(marks(root, "bar-returning")) == len(figures.weeks)
    assert "66 %" in chart.description


def test_the_retention_table_shades_one_cell_per_cohort_period_and_writes_its_percentage():
    figures = sample_project_figures()
    chart = by_slug(charts_for_project(figures))["retention"]
    root = parse(chart)
    assert len(marks(root, "cell")) == sum(len(row.retained) for row in figures.retention.rows)
    assert chart.columns[:2] == ["Cohort start", "Size"]
    assert chart.columns[2:] == [f"Week {period}" for period in range(5)]
    assert chart.rows[1] == [figures.retention.rows[1].cohort_start, 5, 5, 3, 0, 2, ""]
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "78 %" in texts  # 7 of the first cohort's 9 were back a week later


def test_the_retention_chart_shows_the_latest_cohorts_of_two_years_of_weeks():
    figures = sample_project_figures()
    start = figures.retention.rows[0].cohort_start
    cohorts = [
        CohortRow(start + timedelta(weeks=index), 10, [10] + [1] * (103 - index))
        for index in range(104)
    ]
    many = replace(figures, retention=RetentionTable("week", cohorts))
    chart = by_slug(charts_for_project(many))["retention"]
    root = parse(chart)
    assert [row[0] for row in chart.rows] == [row.cohort_start for row in cohorts[-26:]]
    assert len(marks(root, "cell")) == sum(len(row.retained) for row in cohorts[-26:])
    assert "latest 26 of 104 cohorts" in chart.description


def test_the_lorenz_curve_has_a_point_per_row_and_its_description_gives_the_gini():
    figures = sample_project_figures()
    chart = by_slug(charts_for_project(figures))["participation-inequality"]
    root = parse(chart)
    assert len(marks(root, "point")) == len(chart.rows) == len(figures.inequality.lorenz)
    assert len(marks(root, "equality")) == 1
    assert chart.columns == ["Share of participants", "Share of contributions"]
    assert chart.rows[4] == [0.8, 0.36]
    assert "Gini coefficient 0.62" in chart.description
    assert "top 10 % of participants made 48 %" in chart.description
    assert "top 1 % made 12 %" in chart.description


def test_the_map_draws_one_hexagon_of_six_corners_per_cell():
    figures = sample_project_figures()
    chart = by_slug(charts_for_project(figures))["h3-map"]
    root = parse(chart)
    hexagons = marks(root, "hexagon")
    assert len(hexagons) == len(chart.rows) == len(figures.space.cells)
    assert all(len(hexagon.get("points", "").split()) == 6 for hexagon in hexagons)
    assert chart.rows[0] == [figures.space.cells[0].cell, 96]
    assert "30.3 km²" in chart.description
    assert "35 %" in chart.description


def test_the_busiest_cell_is_shaded_darker_than_the_quietest():
    root = parse(by_slug(charts_for_project(sample_project_figures()))["h3-map"])
    fills = [hexagon.get("fill") for hexagon in marks(root, "hexagon")]

    def lightness(colour: str) -> int:
        return sum(int(colour[index : index + 2], 16) for index in (1, 3, 5))

    # The sample's cells are ordered from most observations to fewest.
    assert lightness(fills[0]) < lightness(fills[-1])


@pytest.mark.parametrize(
    ("slug", "bars"),
    [
        ("by-hour", 24),
        ("by-weekday", 7),
        ("by-season", 4),
        ("data-quality", 4),
        ("consensus-confidence", 10),
        ("questions", 3),
        ("learning", 4),
    ],
)
def test_bar_charts_draw_one_bar_per_table_row(slug, bars):
    chart = by_slug(charts_for_project(sample_project_figures()))[slug]
    assert len(marks(parse(chart), "bar")) == len(chart.rows) == bars


def test_the_weekdays_are_named_in_the_readers_language():
    with translation.override("nl"):
        chart = by_slug(charts_for_project(sample_project_figures()))["by-weekday"]
    assert chart.rows[0][0] == "maandag"
    assert chart.rows[6] == ["zondag", 80]


def test_data_quality_keeps_counts_and_shares_in_the_table_and_writes_percentages_on_bars():
    chart = by_slug(charts_for_project(sample_project_figures()))["data-quality"]
    assert chart.columns == ["Status", "Observations", "Share"]
    assert chart.rows[0] == ["accepted", 150, pytest.approx(150 / 210)]
    texts = [element.text for element in parse(chart).iter(f"{SVG}text")]
    assert "150 (71 %)" in texts


def test_every_category_bar_is_labelled_even_when_the_labels_are_long():
    chart = by_slug(charts_for_project(sample_project_figures()))["learning"]
    written = " ".join(element.text or "" for element in parse(chart).iter(f"{SVG}text"))
    for label, _count in chart.rows:
        assert all(word in written for word in str(label).split())


def test_the_projects_compared_draw_two_bars_per_project_and_table_every_field():
    lab = sample_lab_figures()
    chart = by_slug(charts_for_lab(lab))["projects-compared"]
    assert len(marks(parse(chart), "bar")) == 2 * len(lab.projects)
    assert len(chart.columns) == len(ProjectComparisonRow.__dataclass_fields__)
    assert chart.rows[0] == ["leiden-birds", "Birds of Leiden", 28, 355, 0.62, 0.48, 0.55, 7, 2, 1]
    # A project with no Gini coefficient yet has empty cells, not "None".
    assert chart.rows[2][4:7] == ["", "", ""]


def test_a_hostile_project_name_is_escaped_in_the_svg():
    lab = sample_lab_figures()
    hostile = replace(lab.projects[0], project_name=HOSTILE_NAME, contributions=5000)
    lab = replace(lab, projects=[hostile, *lab.projects[1:]])
    chart = by_slug(charts_for_lab(lab))["projects-compared"]
    markup = str(chart.svg)
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    assert "&amp; &quot;Birds&quot;" in markup
    root = parse(chart)
    # The name survives escaping intact: in the description and in the bars' tooltips.
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert HOSTILE_NAME in (desc.text or "")
    tooltips = [element.text or "" for element in root.iter(f"{SVG}title")]
    assert any(text.startswith(HOSTILE_NAME) for text in tooltips)


def test_hostile_titles_and_labels_are_escaped_in_the_generic_charts():
    line = line_chart(
        slug="hostile-line",
        title="<b>Title</b>",
        description="a & b",
        x_label="<i>x</i>",
        series={"<script>": [(1, 2.0), (2, 3.0)]},
    )
    bars = bar_chart(
        slug="hostile-bars",
        title='"quoted"',
        description="<img src=x onerror=alert(1)>",
        x_label="x",
        y_label="y",
        bars=[("<script>", 1.0), ("&", 2.0)],
    )
    for chart in (line, bars):
        markup = str(chart.svg)
        assert "<script" not in markup
        assert "<b>" not in markup
        assert "<img" not in markup
        parse(chart)
    assert parse(line).find(f"{SVG}title").text == "<b>Title</b>"  # type: ignore[union-attr]


def test_empty_figures_give_every_chart_an_empty_drawing_and_a_header_only_table():
    for chart in [*charts_for_project(empty_project_figures())]:
        assert str(chart.svg) == "", chart.slug
        assert chart.rows == [], chart.slug
        assert chart.columns, chart.slug
        assert "nothing to show yet" in chart.description.lower(), chart.slug


def test_a_lab_without_contributions_has_empty_drawings_but_still_lists_its_projects():
    lab = sample_lab_figures()
    quiet = [replace(project, participants=0, contributions=0) for project in lab.projects]
    empty = replace(
        lab,
        projects=quiet,
        participants=0,
        contributions=0,
        weeks=[],
        inequality=empty_project_figures().inequality,
    )
    charts = by_slug(charts_for_lab(empty))
    assert all(str(chart.svg) == "" for chart in charts.values())
    assert len(charts["projects-compared"].rows) == len(lab.projects)


def test_a_single_week_still_draws_its_points():
    figures = sample_project_figures()
    chart = by_slug(charts_for_project(replace(figures, weeks=figures.weeks[:1])))[
        "contributions-over-time"
    ]
    assert len(marks(parse(chart), "point")) == 2


def test_the_csv_round_trips_the_table():
    chart = by_slug(charts_for_project(sample_project_figures()))["retention"]
    read = list(csv.reader(io.StringIO(chart_csv(chart))))
    assert read[0] == chart.columns
    assert read[1:] == [
        [value.isoformat() if hasattr(value, "isoformat") else str(value) for value in row]
        for row in chart.rows
    ]


def test_the_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas():
    lab = sample_lab_figures()
    formula = replace(lab.projects[0], project_name='=HYPERLINK("http://evil")')
    plus = replace(lab.projects[1], project_name="+cmd|' /C calc'!A0")
    chart = by_slug(charts_for_lab(replace(lab, projects=[formula, plus])))["projects-compared"]
    read = list(csv.reader(io.StringIO(chart_csv(chart))))
    assert read[1][1] == '\'=HYPERLINK("http://evil")'
    assert read[2][1] == "'+cmd|' /C calc'!A0"
    # Numbers are written as they are, never prefixed.
    assert read[1][2] == "28"
    assert read[1][4] == "0.62"


def test_negative_numbers_in_a_table_stay_numbers_in_the_csv():
    chart = Chart(slug="numbers", title="t", description="d", columns=["a"], rows=[[-3], ["-3"]])
    assert chart_csv(chart).splitlines() == ["a", "-3", "'-3"]


def test_colours_used_for_lines_and_marks_contrast_at_least_three_to_one_with_white():
    assert set(MARK_COLOURS) <= set(PALETTE)
    assert all(contrast_against_white(colour) >= 3 for colour in MARK_COLOURS)
    charts = [*charts_for_project(sample_project_figures()), *charts_for_lab(sample_lab_figures())]
    for chart in charts:
        root = parse(chart)
        for element in [*marks(root, "series"), *marks(root, "point"), *marks(root, "bar")]:
            colour = element.get("stroke") if element.tag == f"{SVG}polyline" else None
            colour = colour or element.get("fill")
            if colour and colour.startswith("#"):
                assert contrast_against_white(colour) >= 3, (chart.slug, colour)


def test_the_light_palette_members_are_kept_off_lines_because_they_lack_contrast():
    too_light = [colour for colour in PALETTE if contrast_against_white(colour) < 3]
    assert too_light  # orange, sky blue and yellow
    assert not set(too_light) & set(MARK_COLOURS)


def test_the_chart_template_shows_title_drawing_description_table_and_csv_link():
    chart = by_slug(charts_for_project(sample_project_figures(project_name=HOSTILE_NAME)))[
        "data-quality"
    ]
    html = render_to_string(
        "impact/_chart.html", {"chart": chart, "csv_url": "/projects/x/impact/charts/q.csv"}
    )
    assert 'id="chart-data-quality"' in html
    assert f'<h3 id="chart-data-quality-heading">{chart.title}</h3>' in html
    assert 'role="img"' in html
    assert chart.description in html
    assert "<summary>Data table" in html
    assert f'<caption id="chart-data-quality-caption">{chart.title}</caption>' in html
    assert '<th scope="col">Observations</th>' in html
    assert '<th scope="row">accepted</th><td class="number">150</td>' in html
    # Shares keep their plain value in the table.
    assert '<td class="number">0.7143</td>' in html
    assert 'href="/projects/x/impact/charts/q.csv"' in html
    assert "Download the data (CSV)" in html


def test_the_chart_template_says_there_is_nothing_yet_and_offers_no_link_without_a_url():
    chart = charts_for_project(empty_project_figures())[0]
    html = render_to_string("impact/_chart.html", {"chart": chart})
    assert "Nothing to show yet." in html
    assert "<svg" not in html
    assert '<th scope="col">Contributions</th>' in html
    assert "<tbody>" in html
    assert "<td" not in html
    assert "Download the data" not in html


def test_dates_in_the_page_table_are_iso_whatever_the_language():
    chart = by_slug(charts_for_project(sample_project_figures()))["retention"]
    with translation.override("nl"):
        html = render_to_string("impact/_chart.html", {"chart": chart})
    assert '<th scope="row">2025-03-03</th>' in html
