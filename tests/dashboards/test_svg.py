"""Server-rendered charts: well-formed SVG, labelled, escaped, gaps where data is missing."""

import xml.etree.ElementTree as ET

from django.utils import translation

from dashboards import svg

NS = {"s": "http://www.w3.org/2000/svg"}


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - markup this code just produced


def test_bar_chart_is_labelled_and_writes_values():
    with translation.override("vi"):
        root = _parse(
            svg.bar_chart(
                chart_id="c1",
                title="Hồ sơ <tiếp nhận>",
                desc="Theo tuần",
                labels=["02/11", "09/11"],
                values=[1200, 3],
            )
        )
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-t"
    assert root.get("aria-describedby") == "c1-d"
    assert root.find("s:title", NS).text == "Hồ sơ <tiếp nhận>"  # escaped in the markup
    assert root.find("s:desc", NS).text == "Theo tuần"
    bars = root.findall("s:rect", NS)
    assert [b.find("s:title", NS).text for b in bars] == ["02/11: 1.200", "09/11: 3"]
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "1.200" in texts  # value written on the chart, Vietnamese grouping
    assert "2.000" in texts  # axis top: 1,200 rounded up to a 1/2/5 step


def test_line_chart_breaks_where_a_value_is_missing():
    root = _parse(
        svg.line_chart(
            chart_id="c2",
            title="t",
            desc="d",
            labels=["a", "b", "c", "d"],
            series=[svg.Series("On time", [80.0, None, 50.0, 60.0])],
        )
    )
    path = root.find("s:path", NS).get("d")
    assert path.count("M") == 2
    assert path.count("L") == 1
    assert len(root.findall("s:circle", NS)) == 1 + 3  # legend marker + three points


def test_ranking_chart_marks_the_target_and_missing_rates():
    with translation.override("en"):
        root = _parse(
            svg.ranking_chart(
                chart_id="c3",
                title="t",
                desc="d",
                labels=["Office & A", "Office B"],
                values=[75.0, None],
                target=100.0,
                target_label="target 100%",
            )
        )
    value_bars = [r for r in root.findall("s:rect", NS) if r.find("s:title", NS) is not None]
    assert [b.find("s:title", NS).text for b in value_bars] == ["Office & A: 75.0%"]
    assert root.find("s:line", NS).get("stroke-dasharray") == "4 3"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "—" in texts
    assert "target 100%" in texts
