"""Every user string is escaped: markup in a scenario renders as text, never as markup."""

from __future__ import annotations

import re

from detente.briefing import build_briefing, markdown
from detente.scenario import Scenario
from tests.briefing._scenarios import SCRIPT


def test_no_markup_from_the_scenario_survives(hostile_html: str) -> None:
    lower = hostile_html.lower()
    assert "<script" not in lower  # the page has no script of its own either
    assert "<img" not in lower
    assert "<b>a</b>" not in lower
    assert "javascript:" not in " ".join(re.findall(r'href="([^"]*)"', lower))
    # the strings are there, as text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in hostile_html
    assert "Talks &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in hostile_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile_html
    assert "Article &lt;/a&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in hostile_html


def test_charts_escape_labels(hostile_html: str) -> None:
    svgs = re.findall(r"<svg.*?</svg>", hostile_html, flags=re.S)
    assert len(svgs) >= 3
    joined = "".join(svgs)
    assert "<script" not in joined.lower()
    assert "uk&apos;&lt;r&gt;" in joined or "uk'&lt;r&gt;" in joined or "uk&#39;&lt;r&gt;" in joined


def test_markdown_escapes(hostile: Scenario) -> None:
    text = markdown(build_briefing(hostile, sections=()))
    assert "<script>" not in text
    assert SCRIPT not in text
    assert "\\<script\\>" in text
    assert "javascript:" not in text.replace("javascript:alert", "")  # no link made from it
    assert "](javascript" not in text


def test_the_page_loads_nothing(hostile_html: str) -> None:
    lower = hostile_html.lower()
    assert not re.search(r"<[^>]*\ssrc\s*=", lower)  # escaped text may say src=, tags may not
    assert "@import" not in lower and "url(" not in lower
    assert "<link" not in lower and "<iframe" not in lower and "<object" not in lower
    # the only absolute URLs are the SVG namespaces and the sources' own links
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", lower))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
