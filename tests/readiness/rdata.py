"""Small scenario files written out in the tests (YAML text)."""

from __future__ import annotations

BASE = """\
detente: 1
id: two-parties
title: Two parties and a backer
as_of: 2022-12-04
issues:
  land:
    label: Land returned to A
    unit: "%"
    scale: [0, 100]
    status_quo: 0
  status:
    label: Status of the capital
    options: [b_rule, shared, a_rule]
    status_quo: b_rule
actors:
  A:
    name: Alpha
    role: party
    capability: 30
    positions: {land: 100, status: a_rule}
    salience: {land: 1.0, status: 0.5}
    red_lines:
      - rule: land >= 20
        label: Some land back
    no_deal: {outcome: {land: 60}, cost: 0.05}
    preconditions:
      - requires: guarantees_offered
        label: security guarantees are offered
  B:
    name: Beta
    role: party
    capability: 70
    positions: {land: 0, status: b_rule}
    salience: {land: 1.0, status: 0.8}
    red_lines:
      - rule: land <= 80 or status == "b_rule"
        label: Keep the capital or most land
    no_deal: {outcome: {land: 10}, cost: 0.05}
  C:
    name: Gamma
    role: backer
    supports: [A]
    positions: {land: 100}
    preconditions:
      - requires: b_signals and not escalation
        label: Beta signals willingness without escalating
facts:
  guarantees_offered: {value: false}
  b_signals: {value: false}
  escalation: {value: false}
timeline:
  - date: 2022-12-10
    set: {facts.guarantees_offered: true}
  - date: 2023-01-10
    set: {actors.A.no_deal.cost: 0.4, actors.B.no_deal.cost: 0.4}
uncertainty:
  actors.B.no_deal.cost: {normal: [0.05, 0.05]}
what_ifs:
  both-hurt:
    label: Fighting hurts both
    set: {actors.A.no_deal.cost: 0.4, actors.B.no_deal.cost: 0.4}
  guarantees:
    label: Guarantees offered
    set: {facts.guarantees_offered: true}
"""


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)
