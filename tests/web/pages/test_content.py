"""What the pages show, as data: judgment labels, slider ranges, diff hunks."""

from __future__ import annotations

import math

from detente.scenario import judgment_paths, load
from detente.web.pages.content import _step, judgment_label
from detente.web.pages.diffview import hunks
from tests.web.conftest import FLAGSHIP


def test_every_judgment_of_the_flagship_has_words() -> None:
    scenario = load(FLAGSHIP)
    labels = {j.path: judgment_label(scenario, j.path) for j in judgment_paths(scenario)}
    assert labels["actors.UKR.no_deal.cost"] == "UKR's cost of fighting on"
    assert labels["actors.RUS.salience.nato"] == "RUS's salience: Ukraine's membership of NATO"
    assert all(label and label != path for path, label in labels.items())
    assert labels["actors.UKR.red_lines.0.active"].startswith("UKR's red line holds: ")


def test_a_named_threshold_has_words() -> None:
    from detente.scenario import loads
    from tests.scenario.test_red_line_keys import scenario

    s = loads(scenario())
    assert judgment_label(s, "actors.A.red_lines.0.threshold") == (
        "A's red line threshold: half the land"
    )
    assert judgment_label(s, "actors.A.red_lines.1.active") == (
        'A\'s red line holds: status != "independence"'
    )


def test_slider_steps_are_round_and_about_a_two_hundredth() -> None:
    for low, high in [(0, 1), (0.05, 0.25), (0, 100), (43.46, 97.55), (-3, 7), (0, 2.5e-4)]:
        step = _step(low, high)
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert round(mantissa, 6) in (1.0, 2.0, 5.0)
        assert (high - low) / 500 <= step <= (high - low) / 80
    assert _step(1, 1) == 1.0


def _line(op: str, n: int) -> dict[str, object]:
    return {"op": op, "old": n, "new": n, "text": f"line {n}"}


def test_hunks_keep_three_lines_of_context_and_join_close_changes() -> None:
    lines = [_line("equal", i) for i in range(1, 31)]
    lines[9] = _line("delete", 10)
    lines[12] = _line("insert", 13)  # within 2 x 3 lines: one hunk
    lines[25] = _line("insert", 26)
    found = hunks(lines)
    assert [[x["old"] for x in h] for h in found] == [list(range(7, 17)), list(range(23, 30))]
    assert hunks([_line("equal", 1)]) == []
