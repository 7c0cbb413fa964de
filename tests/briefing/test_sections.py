"""The section table, and what a failing engine does to a briefing: an engine's DetenteError or
a missing optional dependency marks the section unavailable; anything else is a bug and raises."""

from __future__ import annotations

import dataclasses

import pytest

from detente.briefing import CHART_KINDS, SECTIONS, build_briefing, render_html
from detente.briefing.build import CHART_SECTIONS, SECTION_TABLE
from detente.briefing.model import Section, SectionUnavailable, unavailable_reason
from detente.briefing.views.html import WRITERS
from detente.errors import InputError
from detente.scenario import Scenario


def test_the_table_covers_every_section_chart_and_writer(minimal: Scenario) -> None:
    names = [s.name for s in SECTION_TABLE]
    assert len(set(names)) == len(names)
    assert set(WRITERS) == set(names)
    assert set(CHART_SECTIONS) == set(CHART_KINDS)
    assert tuple(s.name for s in SECTION_TABLE if s.optional) == SECTIONS
    b = build_briefing(minimal, simulate=50)
    for spec in SECTION_TABLE:
        section = b.sections.get(spec.name)
        if section is None:
            assert spec.name in b.unavailable
            continue
        assert type(section) is spec.result and isinstance(section, Section)
        assert set(section.charts) <= set(spec.charts)
        assert set(section.captions) == set(section.charts)  # every chart has its caption


def _failing(exc: BaseException):  # type: ignore[no-untyped-def]
    def build(ctx: object) -> Section:
        raise exc

    return build


def _with_failing_forecast(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    import detente.bargaining

    def forecast(*args: object, **kwargs: object) -> None:
        raise exc

    monkeypatch.setattr(detente.bargaining, "forecast", forecast)


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (InputError("bad issue", path="issues.x"), "not available: issues.x: bad issue"),
        (
            ModuleNotFoundError("No module named 'altair'", name="altair"),
            "not available: altair is not installed (pip install 'detente[charts]')",
        ),
        (
            ModuleNotFoundError("No module named 'dask.array'", name="dask.array"),
            "not available: dask is not installed (pip install 'detente[dask]')",
        ),
    ],
)
def test_engine_errors_and_missing_extras_mark_a_section_unavailable(
    minimal: Scenario, monkeypatch: pytest.MonkeyPatch, exc: BaseException, reason: str
) -> None:
    _with_failing_forecast(monkeypatch, exc)
    b = build_briefing(minimal, sections=["forecast", "space"])
    assert b.unavailable == {"forecast": reason}
    space = b.charts["space"]["territory"]  # the space is drawn, without the forecasts
    assert not (space["layer"] == "forecast").any()
    assert b.captions["space"].endswith(f"Forecasts {reason}.")


@pytest.mark.parametrize(
    "exc",
    [
        TypeError("a bug"),
        KeyError("a bug"),
        ValueError("a bug"),
        AttributeError("a bug"),
        ModuleNotFoundError("No module named 'numpy'", name="numpy"),
    ],
)
def test_bugs_are_not_hidden_as_unavailable_sections(
    minimal: Scenario, monkeypatch: pytest.MonkeyPatch, exc: BaseException
) -> None:
    _with_failing_forecast(monkeypatch, exc)
    with pytest.raises(type(exc)):
        build_briefing(minimal, sections=["forecast"])
    with pytest.raises(type(exc)):
        build_briefing(minimal, sections=["space"])


def test_unavailable_reason() -> None:
    assert unavailable_reason(SectionUnavailable("nothing")) == "nothing"
    assert unavailable_reason(RuntimeError("x")) is None
    assert unavailable_reason(ImportError("x")) is None  # no module named: not an extra


def test_a_required_section_that_fails_fails_the_briefing(
    minimal: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    import detente.briefing.build as build

    table = tuple(
        dataclasses.replace(s, build=_failing(InputError("broken"))) if s.name == "actors" else s
        for s in build.SECTION_TABLE
    )
    monkeypatch.setattr(build, "SECTION_TABLE", table)
    with pytest.raises(InputError, match="broken"):
        build_briefing(minimal, sections=())


def test_a_page_without_the_charts_extra(
    minimal: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    import detente.briefing.views.html as html

    def no_charts(briefing: object) -> dict[str, str]:
        raise ModuleNotFoundError("No module named 'vl_convert'", name="vl_convert")

    monkeypatch.setattr(html, "render_svgs", no_charts)
    page = render_html(build_briefing(minimal, sections=["shortfalls"]))
    assert "Chart not available: not available: vl_convert is not installed" in page
    assert "<svg" not in page
