"""The EC car-emissions case (Bueno de Mesquita 1994; Scholz et al. 2011), read from tests/data/cases."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from ruamel.yaml import YAML


@dataclass(frozen=True)
class ECCase:
    data: dict[str, Any]
    names: tuple[str, ...]
    position: np.ndarray
    capability: np.ndarray
    salience: np.ndarray  # in [0, 1]
    low: float
    high: float


DATA = Path(__file__).resolve().parents[1] / "data"
EC_CASE = DATA / "cases" / "eum" / "ec_car_emissions_1985.yaml"


def load_ec(path: Path = EC_CASE) -> ECCase:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    actors = data["actors"]
    return ECCase(
        data=data,
        names=tuple(a["name"] for a in actors),
        position=np.array([float(a["position"]) for a in actors]),
        capability=np.array([float(a["capability"]) for a in actors]),
        # Printed 0-100; Scholz's Appendix uses s_j as a probability (case file, uncertainty).
        salience=np.array([float(a["salience"]) / 100 for a in actors]),
        low=float(data["scale"]["observed_min"]),
        high=float(data["scale"]["observed_max"]),
    )
