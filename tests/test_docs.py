"""The documentation is true of the code, and the repository stands alone.

- the complete example file of docs/format.md is a valid scenario;
- the Elmira example of docs/strategy.md is the file docs/examples/elmira.yaml, reproduces the
  published stability sets, and the JSON the page shows is what ``detente stability --json``
  prints for it;
- every relative link of the docs points at a file (and a heading) of the repository;
- nothing in the repository's docs, code, tests or benchmarks points outside it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from detente.graph import stability
from detente.scenario import load, loads
from tests.conftest import DATA, ROOT

DOCS = ROOT / "docs"
PAGES = [*sorted(DOCS.glob("*.md")), ROOT / "README.md", ROOT / "scenarios" / "README.md"]


def blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_format_example_is_a_valid_scenario() -> None:
    (example,) = [b for b in blocks(DOCS / "format.md", "yaml") if b.startswith("detente: 1")]
    scenario = loads(example, filename="docs/format.md")
    sections = {"sources", "issues", "actors", "facts", "statements", "timeline"}
    sections |= {"uncertainty", "what_ifs", "strategy"}
    assert all(getattr(scenario, name) for name in sections)  # every section is shown


def test_strategy_example_is_the_example_file() -> None:
    example = blocks(DOCS / "strategy.md", "yaml")[0]
    assert example == (DOCS / "examples" / "elmira.yaml").read_text(encoding="utf-8")


def _published_elmira() -> dict[str, dict[str, set[str]]]:
    case = YAML(typ="safe").load(DATA / "cases" / "gmcr" / "elmira.yaml")
    pattern = {s["id"]: s["pattern"] for s in case["states"]}
    return {
        concept: {"equilibria": {pattern[i] for i in case["expected"][concept]["equilibria"]}}
        for concept in ("nash", "gmr", "smr", "seq")
    }


def test_strategy_example_reproduces_the_published_elmira_results() -> None:
    result = stability(load(DOCS / "examples" / "elmira.yaml"))
    patterns = {s.id: s.pattern for s in result.states}
    for concept, expected in _published_elmira().items():
        got = {patterns[i] for i in result.equilibria[concept]}
        assert got == expected["equilibria"], concept


def test_strategy_json_is_what_the_command_prints() -> None:
    (shown,) = [json.loads(b) for b in blocks(DOCS / "strategy.md", "json")]
    real = stability(load(DOCS / "examples" / "elmira.yaml")).to_dict()
    for key in ("options", "equilibria", "status_quo", "coalitions"):
        assert shown[key] == real[key], key
    assert shown["stability"]["nash"] == real["stability"]["nash"]
    listed = [s for s in shown["states"] if isinstance(s, dict)]
    assert listed and all(s == real["states"][s["id"] - 1] for s in listed)
    assert set(shown) == set(real)


def _slug(heading: str) -> str:
    # GitHub's anchors: lower case, punctuation dropped, spaces to hyphens
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_relative_links_resolve(page: Path) -> None:
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        if not path.exists() or ROOT.resolve() not in path.parents:
            broken.append(target)
        elif anchor and path.suffix == ".md":
            headings = re.findall(r"^#+ (.*)$", path.read_text(encoding="utf-8"), re.M)
            if anchor not in {_slug(h) for h in headings}:
                broken.append(target)
    assert broken == []


# What a file must not point at: the design documents, the folder beside the checkout,
# scratch and machine paths.  Spelled in pieces so that this file does not itself name them.
_SHARED, _SCRATCH, _MACHINE = "shar" + "ed", "tm" + "p", "wo" + "rk"
OUTSIDE = re.compile(
    r"SCENARIO_FORMAT\.md|MODELS\.md|GRAPH_MODEL\.md|PRODUCT\.md"
    rf"|/{_SCRATCH}/|\.\./{_SHARED}|{_SHARED}/(cases|data|design|seeds)"
    rf"|DETENTE_{_SHARED.upper()}|/{_MACHINE}/"
)


def test_nothing_points_outside_the_repository() -> None:
    roots = ["docs", "scenarios", "src", "benchmarks", "tests", "tools", ".ci"]
    files = [ROOT / "README.md", ROOT / "Makefile", ROOT / "pyproject.toml"]
    for name in roots:
        files += [p for p in (ROOT / name).rglob("*") if p.is_file() and p.suffix != ".pyc"]
    this = Path(__file__).resolve()
    hits = []
    for path in files:
        if path.resolve() == this or path.suffix in {".png", ".csv"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert hits == []
