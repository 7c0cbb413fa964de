"""A small valid scenario (the example of docs/format.md, completed with a second party)."""

MINIMAL = """\
detente: 1
id: example
title: Example talks
question: Can A and B open talks?
as_of: 2022-12-04
sources:
  art:
    title: An article
    publisher: A paper
    date: 2022-12-04
issues:
  territory:
    label: Land returned
    unit: "%"
    scale: [0, 100]
    status_quo: 0
  crimea:
    label: Status of Crimea
    options: [russian, deferred, ukrainian]
    status_quo: russian
actors:
  UKR:
    name: Ukraine
    role: party
    capability: 30
    positions: {territory: 100, crimea: ukrainian}
    salience: {territory: 1.0, crimea: 0.6}
    values:
      crimea: {ukrainian: 1, deferred: 0.5, russian: 0}
    red_lines:
      - rule: territory >= 50
        label: No ceding of most territory
        source: art
    no_deal:
      horizon: 6 months
      outcome: {territory: 40}
      cost: 0.15
      source: art
    preconditions:
      - requires: security_commitments_offered
        label: Western security commitments first
        source: art
    considerations:
      - text: Seeks total victory.
        source: art
        quote: "seeking total victory"
  RUS:
    name: Russia
    role: party
    capability: 60
    positions: {territory: 0, crimea: russian}
    red_lines:
      - rule: crimea == "russian"
        source: art
    no_deal: {outcome: {territory: 10}, cost: 0.1}
    preconditions:
      - requires: not sanctions_tightened or security_commitments_offered
  USA:
    name: United States
    role: backer
    supports: [UKR]
    positions: {territory: 80}
facts:
  security_commitments_offered: {value: false, label: Security commitments, source: art}
  sanctions_tightened: {value: true}
statements:
  - date: 2022-12-01
    actor: USA
    target: RUS
    stance: open
    quote: Ready to talk.
    source: art
  - date: 2022-11-09
    actor: USA
    stance: open
    cameo: "036"
timeline:
  - date: 2022-12-01
    set: {facts.security_commitments_offered: true}
    note: commitments offered
  - date: 2022-12-02
    set: {facts.security_commitments_offered: false}
uncertainty:
  actors.UKR.no_deal.outcome.territory: {triangular: [20, 40, 70]}
  actors.RUS.no_deal.cost: {normal: [0.10, 0.03]}
  actors.UKR.salience.territory: {uniform: [0.4, 1.0]}
  issues.crimea.status_quo: {choice: [russian, deferred]}
  facts.sanctions_tightened: {choice: [true, false]}
what_ifs:
  pressure:
    label: The West presses Kyiv
    set:
      actors.UKR.no_deal.outcome.territory: 15
      facts.security_commitments_offered: true
"""
