"""Seeded synthetic vacancies and profiles at any scale, built from the demo fair's words, places, pay and shifts.

Texts are recombined clause by clause from different demo records, with years and pay redrawn, so that nearly
every text is new (a benchmark on 100 repeated texts would flatter every cache) while still reading like the fair.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_CLAUSE = re.compile(r"[^，。,；;！!？?]+[，。,；;！!？?]?")
_NUMBER = re.compile(r"\d{1,2}(?=多?年|个多?月)")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾汪方"
_GIVEN = "秀英桂兰玉梅春红霞芳丽华建国伟强军平志明海涛敏静燕云凤"
_FIRM_WORDS = "恒丰绣江华兴鑫源宏达金诚永安利民盛华东方瑞祥天成联合新业同心"
_FIRM_KINDS = [
    "服饰有限公司",
    "制衣厂",
    "塑业有限公司",
    "装饰材料有限公司",
    "包装有限公司",
    "电子厂",
    "食品有限公司",
    "物业服务中心",
]


def _clauses(text: str) -> list[str]:
    return [c for c in _CLAUSE.findall(text or "") if c.strip()]


def _load(name: str) -> list[dict]:
    with open(ROOT / "jobmatch" / "demo" / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class Synthetic:
    """`jobs(n)` and `profiles(n)` yield dicts shaped like the demo files (and the API's input), seeded."""

    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.demo_jobs = _load("jobs.jsonl")
        self.demo_profiles = _load("profiles.jsonl")
        places = json.loads((ROOT / "models" / "places.json").read_text(encoding="utf-8"))
        self.places = [
            (t["town"], c["name"], c["lat"], c["lon"]) for t in places["towns"] for c in t.get("communities", [])
        ]
        self.experience = [c for p in self.demo_profiles for c in _clauses(p.get("experience"))]
        self.desired = [c for p in self.demo_profiles for c in _clauses(p.get("desired"))]
        self.descriptions = [c for j in self.demo_jobs for c in _clauses(j.get("description"))]

    def _renumber(self, clause: str) -> str:
        rng = self.rng
        return _NUMBER.sub(lambda m: str(max(1, int(m.group(0)) + rng.randint(-3, 3))), clause)

    def _text(self, pool: list[str], low: int, high: int) -> str:
        return "".join(self._renumber(self.rng.choice(pool)) for _ in range(self.rng.randint(low, high)))

    def _place(self) -> tuple[str, str, float, float]:
        town, community, lat, lon = self.rng.choice(self.places)
        return (
            town,
            community,
            round(lat + self.rng.uniform(-0.02, 0.02), 4),
            round(lon + self.rng.uniform(-0.02, 0.02), 4),
        )

    def employer(self) -> str:
        rng = self.rng
        return f"池州{''.join(rng.sample(_FIRM_WORDS, 2))}{rng.choice(_FIRM_KINDS)}"

    def jobs(self, n: int, prefix: str = "J") -> Iterator[dict]:
        rng = self.rng
        employers = [self.employer() for _ in range(max(1, n // 8))]
        for i in range(n):
            base = dict(rng.choice(self.demo_jobs))
            town, community, lat, lon = self._place()
            scale = rng.uniform(0.85, 1.2)
            wage_min = base.get("wage_min")
            wage_max = base.get("wage_max")
            yield {
                **{k: v for k, v in base.items() if k not in ("id", "external_id")},
                "external_id": f"{prefix}{i}",
                "employer": rng.choice(employers),
                "description": self._text(self.descriptions, 2, 4),
                "town": town,
                "community": community,
                "lat": lat,
                "lon": lon,
                "wage_min": None if wage_min is None else round(wage_min * scale),
                "wage_max": None if wage_max is None else round(max(wage_max, wage_min or 0) * scale),
                "openings": rng.randint(1, 20),
            }

    def profiles(self, n: int, prefix: str = "P") -> Iterator[dict]:
        rng = self.rng
        for i in range(n):
            base = rng.choice(self.demo_profiles)
            town, community, lat, lon = self._place()
            yield {
                "external_id": f"{prefix}{i}",
                "name": rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.randint(1, 2))),
                "phone": "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9)),
                "age": rng.randint(22, 68),
                "town": town,
                "community": community,
                "lat": lat,
                "lon": lon,
                "experience": self._text(self.experience, 1, 2),
                "desired": self._text(self.desired, 1, 2),
                "expected_wage": rng.choice([None, *range(2500, 7001, 500)]),
                "availability": base.get("availability", "any"),
                "max_commute_km": rng.choice([None, 3, 5, 8, 10, 15, 20]),
            }
