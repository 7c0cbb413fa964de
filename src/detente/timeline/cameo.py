"""CAMEO event codes, their Goldstein values, and the stance codes of scenario statements.

CAMEO (Conflict and Mediation Event Observations, version 1.1b3; Schrodt 2012, *CAMEO Conflict
and Mediation Event Observations Event and Actor Codebook*, Penn State) codes an event with a
two-digit root ("01" make public statement ... "20" use unconventional mass violence), a
three-digit base code ("036" express intent to meet or negotiate) and, for some, a four-digit
sub-code ("0871" declare truce, ceasefire).  Codes are **strings**: ``"036" != "36"``.

Each code carries a Goldstein value in [-10, +10] (Goldstein 1992, "A Conflict-Cooperation Scale
for WEIS Events Data", *Journal of Conflict Resolution* 36(2): 369-385), as adapted to CAMEO and
published by the GDELT project in ``CAMEO.goldsteinscale.txt``; :data:`GOLDSTEIN` reproduces that
table.  The cooperative and rejecting code sets are those of docs/models.md section 5.
"""

from __future__ import annotations

from typing import Final, Literal

import pandas as pd

from detente.errors import InputError, did_you_mean

__all__ = [
    "COOPERATIVE_CODES",
    "GOLDSTEIN",
    "REJECTING_CODES",
    "ROOT_LABELS",
    "STANCES",
    "STANCE_CODES",
    "Stance",
    "code_label",
    "goldstein",
    "goldstein_values",
    "is_cooperative",
    "is_rejecting",
    "normalise_code",
    "normalise_codes",
    "stance_code",
]

Stance = Literal["reject", "conditional", "open", "propose", "mediate"]
STANCES: Final[tuple[str, ...]] = ("reject", "conditional", "open", "propose", "mediate")

# A statement is a verbal act, so every stance maps to a code of the "express intent" family 03
# (or its rejecting mirror 12), never to the corresponding material act (046 negotiate, 045
# mediate): the statement says the actor is willing, not that talks took place.
STANCE_CODES: Final[dict[str, str]] = {
    # 125: "Reject proposal to meet, discuss, or negotiate" (-5.0).
    "reject": "125",
    # 030: "Express intent to cooperate, not specified below" (+4.0).  A conditional offer is an
    # intent whose realisation the speaker makes depend on the other side; it raises the mean
    # Goldstein score but is deliberately neither a cooperative nor a rejecting signal in the NRI.
    # A statement that should count as cooperative sets ``cameo: "036"`` explicitly.
    "conditional": "030",
    # 036: "Express intent to meet or negotiate" (+4.0).
    "open": "036",
    # 037: "Express intent to settle dispute" (+5.0): a proposal puts terms on the table.
    "propose": "037",
    # 039: "Express intent to mediate" (+5.0): a third party offers its good offices.
    "mediate": "039",
}

COOPERATIVE_CODES: Final[frozenset[str]] = frozenset(
    {"036", "037", "038", "039", "045", "046", "057", "0841", "0871"}
)
REJECTING_CODES: Final[frozenset[str]] = frozenset(
    {"125", "126", "127", "134", "164", "165", "1246", "139"}
)

ROOT_LABELS: Final[dict[str, str]] = {
    "01": "Make public statement",
    "02": "Appeal",
    "03": "Express intent to cooperate",
    "04": "Consult",
    "05": "Engage in diplomatic cooperation",
    "06": "Engage in material cooperation",
    "07": "Provide aid",
    "08": "Yield",
    "09": "Investigate",
    "10": "Demand",
    "11": "Disapprove",
    "12": "Reject",
    "13": "Threaten",
    "14": "Protest",
    "15": "Exhibit force posture",
    "16": "Reduce relations",
    "17": "Coerce",
    "18": "Assault",
    "19": "Fight",
    "20": "Use unconventional mass violence",
}

# Labels (CAMEO 1.1b3) of the codes this package names: stance defaults, the NRI sets, and the
# targets of the ACLED mapping.  Other codes are described by their root.
_CODE_LABELS: Final[dict[str, str]] = {
    "030": "Express intent to cooperate",
    "036": "Express intent to meet or negotiate",
    "037": "Express intent to settle dispute",
    "038": "Express intent to accept mediation",
    "039": "Express intent to mediate",
    "045": "Mediate",
    "046": "Engage in negotiation",
    "057": "Sign formal agreement",
    "0841": "Return, release person(s)",
    "0871": "Declare truce, ceasefire",
    "125": "Reject proposal to meet, discuss, or negotiate",
    "126": "Reject mediation",
    "127": "Reject plan, agreement to settle dispute",
    "1246": "Refuse to de-escalate military engagement",
    "134": "Threaten to halt negotiations",
    "139": "Give ultimatum",
    "164": "Halt negotiations",
    "165": "Halt mediation",
    "140": "Engage in political dissent",
    "141": "Demonstrate or rally",
    "145": "Protest violently, riot",
    "154": "Mobilize or increase armed forces",
    "171": "Seize or damage property",
    "1711": "Confiscate property",
    "173": "Arrest, detain",
    "175": "Use tactics of violent repression",
    "180": "Use unconventional violence",
    "181": "Abduct, hijack, or take hostage",
    "1821": "Sexually assault",
    "183": "Conduct suicide, car, or other non-military bombing",
    "1831": "Carry out suicide bombing",
    "190": "Use conventional military force",
    "192": "Occupy territory",
    "194": "Fight with artillery and tanks",
    "195": "Employ aerial weapons",
    "2041": "Use chemical, biological, or radiological weapons",
}

# The CAMEO Goldstein scale as published by GDELT (CAMEO.goldsteinscale.txt), code -> value.
_GOLDSTEIN_TEXT: Final[str] = """
01 0.0 010 0.0 011 -0.1 012 -0.4 013 0.4 014 0.0 015 0.0 016 -2.0 017 0.0 018 3.4 019 3.4
02 3.0 020 3.0 021 3.4 0211 3.4 0212 3.4 0213 3.4 0214 3.4 022 3.2 023 3.4 0231 3.4 0232 3.4
0233 3.4 0234 3.4 024 -0.3 0241 -0.3 0242 -0.3 0243 -0.3 0244 -0.3 025 -0.3 0251 -0.3
0252 -0.3 0253 -0.3 0254 -0.3 0255 -0.3 0256 -0.3 026 4.0 027 4.0 028 4.0
03 4.0 030 4.0 031 5.2 0311 5.2 0312 5.2 0313 5.2 0314 5.2 032 4.5 033 5.2 0331 5.2 0332 5.2
0333 5.2 0334 6.0 034 7.0 0341 7.0 0342 7.0 0343 7.0 0344 7.0 035 7.0 0351 7.0 0352 7.0
0353 7.0 0354 7.0 0355 7.0 0356 7.0 036 4.0 037 5.0 038 7.0 039 5.0
04 1.0 040 1.0 041 1.0 042 1.9 043 2.8 044 2.5 045 5.0 046 7.0
05 3.5 050 3.5 051 3.4 052 3.5 053 3.8 054 6.0 055 7.0 056 7.0 057 8.0
06 6.0 060 6.0 061 6.4 062 7.4 063 7.4 064 7.0
07 7.0 070 7.0 071 7.4 072 8.3 073 7.4 074 8.5 075 7.0
08 5.0 080 5.0 081 5.0 0811 5.0 0812 5.0 0813 5.0 0814 5.0 082 5.0 083 5.0 0831 5.0 0832 5.0
0833 5.0 0834 5.0 084 7.0 0841 7.0 0842 7.0 085 7.0 086 9.0 0861 9.0 0862 9.0 0863 9.0
087 9.0 0871 9.0 0872 9.0 0873 9.0 0874 10.0
09 -2.0 090 -2.0 091 -2.0 092 -2.0 093 -2.0 094 -2.0
10 -5.0 100 -5.0 101 -5.0 1011 -5.0 1012 -5.0 1013 -5.0 1014 -5.0 102 -5.0 103 -5.0
1031 -5.0 1032 -5.0 1033 -5.0 1034 -5.0 104 -5.0 1041 -5.0 1042 -5.0 1043 -5.0 1044 -5.0
105 -5.0 1051 -5.0 1052 -5.0 1053 -5.0 1054 -5.0 1055 -5.0 1056 -5.0 106 -5.0 107 -5.0
108 -5.0
11 -2.0 110 -2.0 111 -2.0 112 -2.0 1121 -2.0 1122 -2.0 1123 -2.0 1124 -2.0 1125 -2.0
113 -2.0 114 -2.0 115 -2.0 116 -2.0
12 -4.0 120 -4.0 121 -4.0 1211 -4.0 1212 -4.0 122 -4.0 1221 -4.0 1222 -4.0 1223 -4.0
1224 -4.0 123 -4.0 1231 -4.0 1232 -4.0 1233 -4.0 1234 -4.0 124 -4.0 1241 -4.0 1242 -4.0
1243 -4.0 1244 -4.0 1245 -4.0 1246 -4.0 125 -5.0 126 -5.0 127 -5.0 128 -5.0 129 -5.0
13 -6.0 130 -4.4 131 -5.8 1311 -5.8 1312 -5.8 1313 -5.8 132 -5.8 1321 -5.8 1322 -5.8
1323 -5.8 1324 -5.8 133 -5.8 134 -5.8 135 -5.8 136 -7.0 137 -7.0 138 -7.0 1381 -7.0
1382 -7.0 1383 -7.0 1384 -7.0 1385 -7.0 139 -7.0
14 -6.5 140 -6.5 141 -6.5 1411 -6.5 1412 -6.5 1413 -6.5 1414 -6.5 142 -6.5 1421 -6.5
1422 -6.5 1423 -6.5 1424 -6.5 143 -6.5 1431 -6.5 1432 -6.5 1433 -6.5 1434 -6.5 144 -7.5
1441 -7.5 1442 -7.5 1443 -7.5 1444 -7.5 145 -7.5 1451 -7.5 1452 -7.5 1453 -7.5 1454 -7.5
15 -7.2 150 -7.2 151 -7.2 152 -7.2 153 -7.2 154 -7.2
16 -4.0 160 -4.0 161 -4.0 162 -5.6 1621 -5.6 1622 -5.6 1623 -5.6 163 -8.0 164 -7.0 165 -6.5
166 -7.0 1661 -7.0 1662 -7.0 1663 -7.0
17 -7.0 170 -7.0 171 -9.2 1711 -9.2 1712 -9.2 172 -5.0 1721 -5.0 1722 -5.0 1723 -5.0
1724 -5.0 173 -5.0 174 -5.0 175 -9.0
18 -9.0 180 -9.0 181 -9.0 182 -9.5 1821 -9.0 1822 -9.0 1823 -10.0 183 -10.0 1831 -10.0
1832 -10.0 1833 -10.0 184 -8.0 185 -8.0 186 -10.0
19 -10.0 190 -10.0 191 -9.5 192 -9.5 193 -10.0 194 -10.0 195 -10.0 196 -9.5
20 -10.0 200 -10.0 201 -9.5 202 -10.0 203 -10.0 204 -10.0 2041 -10.0 2042 -10.0
"""


def _parse_table(text: str) -> dict[str, float]:
    tokens = text.split()
    return {tokens[i]: float(tokens[i + 1]) for i in range(0, len(tokens), 2)}


GOLDSTEIN: Final[dict[str, float]] = _parse_table(_GOLDSTEIN_TEXT)


def normalise_code(code: str | int, *, path: str = "cameo") -> str:
    """Return a CAMEO code as its canonical string, restoring a lost leading zero.

    Codes are 2 to 4 digits.  A spreadsheet that stored ``"036"`` as the number 36 yields
    ``"36"``; since no root code exceeds 20 and no three-digit code starts with 3-9, such a
    value is unambiguous and is restored to ``"036"`` (likewise ``"871"`` -> ``"0871"``).

    Raises
    ------
    InputError
        If the value is not a run of 2 to 4 digits.
    """
    text = str(code).strip()
    if not text.isdigit() or not 2 <= len(text) <= 4:
        raise InputError(
            f"'{text}' is not a CAMEO event code (2 to 4 digits, e.g. \"036\")", path=path
        )
    if text not in GOLDSTEIN and len(text) < 4 and ("0" + text) in GOLDSTEIN:
        return "0" + text
    return text


def normalise_codes(codes: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_code` (invalid codes are returned unchanged)."""
    text = codes.astype(str).str.strip()
    padded = "0" + text
    known = text.isin(GOLDSTEIN.keys())
    restore = ~known & (text.str.len() < 4) & padded.isin(GOLDSTEIN.keys())
    return text.where(~restore, padded)


def goldstein(code: str, *, path: str = "cameo") -> float:
    """The Goldstein value of a CAMEO code.

    A four-digit code missing from the GDELT table (e.g. ``"1834"``, added in CAMEO 1.1b3) takes
    the value of its base code, a base code missing takes that of its root.

    Raises
    ------
    InputError
        If neither the code, its base nor its root is a CAMEO code.
    """
    norm = normalise_code(code, path=path)
    for key in (norm, norm[:3], norm[:2]):
        if key in GOLDSTEIN:
            return GOLDSTEIN[key]
    raise InputError(f"unknown CAMEO event code '{norm}'{did_you_mean(norm, GOLDSTEIN)}", path=path)


def goldstein_values(codes: pd.Series) -> pd.Series:
    """Vectorised :func:`goldstein`: NaN where a code is unknown."""
    table = pd.Series(GOLDSTEIN, dtype="float64")
    text = codes.astype(str)
    values = text.map(table)
    values = values.fillna(text.str[:3].map(table))
    return values.fillna(text.str[:2].map(table)).astype("float64")


def stance_code(stance: str, *, path: str = "stance") -> str:
    """The default CAMEO code of a statement's stance (see :data:`STANCE_CODES`)."""
    try:
        return STANCE_CODES[stance]
    except KeyError:
        raise InputError(
            f"unknown stance '{stance}'{did_you_mean(stance, STANCES)}; "
            f"use one of {', '.join(STANCES)}",
            path=path,
        ) from None


def is_cooperative(code: str) -> bool:
    """Whether a code is in the cooperative (negotiation-ready) set of docs/models.md section 5."""
    return code in COOPERATIVE_CODES


def is_rejecting(code: str) -> bool:
    """Whether a code is in the rejecting set of docs/models.md section 5."""
    return code in REJECTING_CODES


def code_label(code: str) -> str:
    """A short CAMEO label: the code's own where known, else its root's."""
    if code in _CODE_LABELS:
        return _CODE_LABELS[code]
    root = ROOT_LABELS.get(code[:2])
    return f"{root} ({code})" if root else f"CAMEO {code}"
