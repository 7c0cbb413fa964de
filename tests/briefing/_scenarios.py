"""Scenarios for the report tests: the minimal example, and one full of hostile strings."""

from __future__ import annotations

from tests.scenario.minimal import MINIMAL

SCRIPT = "<script>alert('x')</script>"

# Every kind of user string the report shows, carrying markup that must render as text.
HOSTILE = (
    MINIMAL.replace("title: Example talks", 'title: "Talks <script>alert(1)</script> & co"')
    .replace(
        "question: Can A and B open talks?",
        'question: "Can <b>A</b> & B talk? <img src=x onerror=alert(1)>"',
    )
    .replace("name: Ukraine", f'name: "{SCRIPT}"')
    .replace("title: An article", 'title: "Article </a><script>alert(2)</script>"')
    .replace("publisher: A paper", 'publisher: A paper\n    url: "javascript:alert(3)"')
    .replace('quote: "seeking total victory"', f'quote: "{SCRIPT} \\" quote"')
    .replace("text: Seeks total victory.", f'text: "Seeks {SCRIPT} victory."')
    .replace("label: No ceding of most territory", f'label: "No {SCRIPT} ceding"')
    .replace("label: The West presses Kyiv", f'label: "{SCRIPT} presses"')
    .replace("quote: Ready to talk.", f'quote: "Ready {SCRIPT}"')
    .replace("label: Land returned", f'label: "Land {SCRIPT}"')
    .replace(
        "options: [russian, deferred, ukrainian]", 'options: [russian, deferred, "uk\'<r>\\""]'
    )
    .replace("crimea: ukrainian}", 'crimea: "uk\'<r>\\""}')
    .replace("values:\n      crimea: {ukrainian: 1", 'values:\n      crimea: {"uk\'<r>\\"": 1')
)
