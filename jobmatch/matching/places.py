"""The place gazetteer in models/places.json: town and community names to coordinates."""

from __future__ import annotations

import json
from pathlib import Path

from .text import normalise

_SUFFIXES = ("街道", "镇", "乡", "社区", "村", "居委会")


def _stem(name: str) -> str:
    name = normalise(name)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


class Gazetteer:
    def __init__(self, towns: list[dict]):
        self._listing = [(t["town"], [c["name"] for c in t.get("communities", [])]) for t in towns]
        self._towns: dict[str, tuple[float, float]] = {}
        self._communities: dict[tuple[str, str], tuple[float, float]] = {}
        self._community_anywhere: dict[str, tuple[float, float] | None] = {}
        for town in towns:
            point = (float(town["lat"]), float(town["lon"]))
            keys = {_stem(town["town"]), *(_stem(a) for a in town.get("aliases", []))}
            for key in keys:
                self._towns[key] = point
            for community in town.get("communities", []):
                cpoint = (float(community["lat"]), float(community["lon"]))
                cstem = _stem(community["name"])
                for key in keys:
                    self._communities[(key, cstem)] = cpoint
                # A community name found in two towns is ambiguous without its town.
                self._community_anywhere[cstem] = None if cstem in self._community_anywhere else cpoint

    @classmethod
    def load(cls, path: str | Path) -> Gazetteer:
        with open(path, encoding="utf-8") as f:
            return cls(json.load(f)["towns"])

    @classmethod
    def empty(cls) -> Gazetteer:
        return cls([])

    def locate(self, town: str | None, community: str | None) -> tuple[float, float] | None:
        tstem = _stem(town) if town else None
        cstem = _stem(community) if community else None
        if tstem and cstem and (tstem, cstem) in self._communities:
            return self._communities[(tstem, cstem)]
        if tstem and tstem in self._towns:
            return self._towns[tstem]
        if cstem:
            return self._community_anywhere.get(cstem)
        return None

    def towns(self) -> list[tuple[str, list[str]]]:
        """(town, its communities) in the gazetteer's order, for pickers."""
        return [(town, list(communities)) for town, communities in self._listing]

    def offers(self, town: str, community: str | None) -> bool:
        """Whether (town, community) is exactly a choice of the pickers (`towns`); no community means the town."""
        return any(t == town and (not community or community in communities) for t, communities in self._listing)

    def knows(self, name: str) -> bool:
        """Whether `name` is a town or community of the gazetteer."""
        stem = _stem(name)
        return stem in self._towns or stem in self._community_anywhere

    def __len__(self) -> int:
        return len(self._towns)


EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km; works element-wise on numpy arrays."""
    import numpy as np

    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def unit_vectors(lat, lon):
    """Points on the unit sphere (x, y, z) for degrees of latitude and longitude; NaN stays NaN."""
    import numpy as np

    phi, lam = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
    return np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)


def distance_km(x1, y1, z1, x2, y2, z2):
    """Great-circle distance between unit vectors: the haversine formula with the trigonometry done in advance."""
    import numpy as np

    half_chord_sq = (1.0 - (x1 * x2 + y1 * y2 + z1 * z2)) / 2.0  # = sin^2(angle / 2)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(half_chord_sq, 0.0, 1.0)))


__all__ = ["Gazetteer", "distance_km", "haversine_km", "unit_vectors"]
