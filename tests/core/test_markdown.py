from cslab.core.markdown import render_markdown


def test_pipe_tables_render_as_html_tables() -> None:
    html = render_markdown("| Output | For whom |\n|---|---|\n| Open dataset | Researchers |\n")

    assert "<table>" in html
    assert "<th>Output</th>" in html
    assert "<td>Open dataset</td>" in html


def test_raw_html_and_script_links_stay_inert_in_tables_and_text() -> None:
    html = render_markdown(
        "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |\n\n"
        "<img src=x onerror=alert(1)>"
    )

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    assert "<img" not in html


def test_strikethrough_renders() -> None:
    assert "<s>gone</s>" in render_markdown("~~gone~~")
