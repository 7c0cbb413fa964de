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


#: The only clash is A's red line (x >= THETA against B's x <= 60), a real one with probability
#: 0.5 (replace THETA with the threshold).
CLASH = """\
detente: 1
id: clash
title: One probable red line
issues:
  x: {label: X, scale: [0, 100], status_quo: 50}
actors:
  A:
    name: Alpha
    role: party
    positions: {x: 100}
    no_deal: {outcome: {x: 50}, cost: 0.2}
    red_lines:
      - rule: x >= threshold
        threshold: THETA
        probability: 0.5
        label: keeps at least THETA
  B:
    name: Beta
    role: party
    positions: {x: 0}
    no_deal: {outcome: {x: 50}, cost: 0.2}
    red_lines:
      - rule: x <= 60
        label: gives at most 60
uncertainty:
  actors.A.no_deal.cost: {uniform: [0.1, 0.3]}
what_ifs:
  preference: {label: only a strong preference, set: {actors.A.red_lines.0.active: false}}
  lower: {label: lower, set: {actors.A.red_lines.0.threshold: 55}}
"""

#: A deal exists and talks can open; A will not sign until a referendum is scheduled (replace
#: COST with B's cost of fighting on).
STAGED = """\
detente: 1
id: staged
title: Staged
issues:
  x: {label: X, scale: [0, 100], status_quo: 50}
facts:
  talks_ok: {value: true, label: the envoys are named}
  referendum: {value: false, label: a referendum on the constitution is scheduled}
actors:
  A:
    name: Alpha
    role: party
    positions: {x: 100}
    no_deal: {outcome: {x: 50}, cost: 0.2}
    preconditions:
      - requires: talks_ok
        label: the envoys are named
      - requires: referendum
        for: agreement
        label: a referendum on the constitution is scheduled
  B:
    name: Beta
    role: party
    positions: {x: 0}
    no_deal: {outcome: {x: 50}, cost: COST}
  C:
    name: Gamma
    role: mediator
    preconditions:
      - requires: referendum
        for: agreement
        label: the referendum is scheduled
"""
