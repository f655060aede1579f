"""The statistics page's SVG charts, read back as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from helpline.coordinator.charts import ANSWERED, UNANSWERED, stacked_bars, week_grid

SVG = "{http://www.w3.org/2000/svg}"
HEIGHT = 240
PLOT_HEIGHT = HEIGHT - 40 - 24  # less the room for labels below and the peak above


def svg(markup: str) -> ET.Element:
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg"
    return root


def bars(root: ET.Element) -> list[list[tuple[str, float, float]]]:
    """Per period, its bars as ``(fill, y, height)``, bottom first."""
    return [
        [(rect.attrib["fill"], float(rect.attrib["y"]), float(rect.attrib["height"]))
         for rect in group.iter(f"{SVG}rect")]
        for group in root.iter(f"{SVG}g")
    ]


def chart(labels: list[str], answered: list[int], unanswered: list[int],
          title: str = "Calls per day") -> ET.Element:
    return svg(stacked_bars(labels, answered, unanswered, title=title,
                            answered_label="answered", unanswered_label="not answered"))


def test_bars_have_a_title_and_say_their_numbers() -> None:
    root = chart(["11-30", "12-01"], [3, 1], [1, 0])
    assert root.find(f"{SVG}title").text == "Calls per day"  # type: ignore[union-attr]
    assert root.attrib["aria-label"] == "Calls per day"
    tips = [group.find(f"{SVG}title").text for group in root.iter(f"{SVG}g")]  # type: ignore[union-attr]
    assert tips == ["11-30: 3 answered, 1 not answered", "12-01: 1 answered, 0 not answered"]


def test_bar_heights_are_proportional_and_the_tallest_fills_the_plot() -> None:
    root = chart(["a", "b", "c"], [2, 4, 0], [2, 0, 1])
    (a_ans, a_un), (b_ans,), (c_un,) = bars(root)
    assert (a_ans[0], a_un[0], b_ans[0], c_un[0]) == (ANSWERED, UNANSWERED, ANSWERED, UNANSWERED)
    unit = PLOT_HEIGHT / 4  # the peak is 4 calls
    assert [a_ans[2], a_un[2], b_ans[2], c_un[2]] == pytest.approx(
        [2 * unit, 2 * unit, 4 * unit, 1 * unit], abs=0.05)
    # answered at the bottom, the rest stacked right on top of it
    assert a_un[1] + a_un[2] == pytest.approx(a_ans[1], abs=0.05)
    assert a_ans[1] + a_ans[2] == pytest.approx(24 + PLOT_HEIGHT, abs=0.05)
    # the axis says the peak
    assert [t.text for t in root.findall(f"{SVG}text")][:2] == ["4", "0"]


def test_labels_and_title_are_escaped() -> None:
    root = svg(stacked_bars(["<b>", "Q&A"], [1, 1], [0, 0], title="Calls <by> day & week",
                            answered_label="a<1", unanswered_label="b&c"))
    assert root.find(f"{SVG}title").text == "Calls <by> day & week"  # type: ignore[union-attr]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"<b>", "Q&A", "a<1", "b&c"} <= set(texts)


@pytest.mark.parametrize("labels, answered, unanswered", [
    (["a", "b"], [0, 0], [0, 0]),
    ([], [], []),
])
def test_no_calls_draw_no_bars_and_divide_by_nothing(
    labels: list[str], answered: list[int], unanswered: list[int]
) -> None:
    root = chart(labels, answered, unanswered)
    assert all(group == [] for group in bars(root))
    assert len(bars(root)) == len(labels)


def test_many_periods_label_only_every_few() -> None:
    labels = [f"{day:02d}" for day in range(1, 31)]
    root = chart(labels, [1] * 30, [0] * 30)
    shown = [t.text for t in root.iter(f"{SVG}text") if t.text in labels]
    assert shown == labels[::2]


def grid(values: list[list[int]], days: list[str] | None = None) -> ET.Element:
    return svg(week_grid(values, days or ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                         title="Unanswered by hour"))


def cells(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{SVG}rect"))


def test_week_grid_shades_by_value_and_writes_it() -> None:
    values = [[0] * 24 for _ in range(7)]
    values[0][9] = 4
    values[6][23] = 1
    root = grid(values)
    assert root.find(f"{SVG}title").text == "Unanswered by hour"  # type: ignore[union-attr]
    rects = cells(root)
    assert len(rects) == 7 * 24
    opacity = [float(rect.attrib["fill-opacity"]) for rect in rects]
    assert opacity[9] == 1.0  # the peak
    assert opacity[6 * 24 + 23] == pytest.approx(0.08 + 0.92 / 4, abs=0.005)
    assert sorted(set(opacity)) == [0.0, pytest.approx(0.31, abs=0.005), 1.0]
    numbers = [t.text for t in root.iter(f"{SVG}text") if t.text in {"1", "4"}]
    assert numbers == ["4", "1"]


def test_week_grid_without_any_value_and_escaped_day_names() -> None:
    root = grid([[0] * 24 for _ in range(7)], ["<M>", "T&", "W", "T", "F", "S", "S"])
    assert {float(rect.attrib["fill-opacity"]) for rect in cells(root)} == {0.0}
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<M>" in texts and "T&" in texts
