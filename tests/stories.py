"""A made-up fair whose outcomes are decided by a known rule (distance, or chance): what learning from outcomes should
find, shared by the learning and training tests."""

from __future__ import annotations

import numpy as np

from jobmatch.matching.fitting.outcomes import LabelledPair
from jobmatch.matching.model import FEATURES, ScoreModel
from jobmatch.matching.places import haversine_km
from jobmatch.matching.records import job_from_dict, profile_from_dict

HOMES = ("东流镇", "尧渡镇", "蓉城镇", "仁里镇", "殷汇镇", "梅街镇", "九华镇", "大渡口镇")
POSITIVE = ("hired", "interviewed")
NEGATIVE = ("declined_by_resident", "declined_by_firm", "shown")


def sewing_job(job_id: str, town: str, wage: int):
    # No shuttle bus or lodging: either would double the resident's reach.
    return job_from_dict(
        {
            "id": job_id,
            "title": "平车工",
            "employer": f"{job_id}服饰有限公司",
            "description": "服装厂平车缝制，计件，长白班。",
            "skills": ["平车", "缝纫"],
            "openings": 5,
            "wage_min": wage - 500,
            "wage_max": wage,
            "wage_unit": "month",
            "town": town,
            "shift": "day",
            "age_min": 18,
            "age_max": 60,
        }
    )


def fair(towns, outcome, per_home: int = 5, seed: int = 0) -> list[LabelledPair]:
    """Seamstresses in eight towns, each shown four sewing jobs: in her own town or in the nearest other one (1.1-1.4
    times as far as she said she would travel), paying under or over her hope. `outcome(near, well_paid, rng)`
    decides."""
    rng = np.random.default_rng(seed)
    pairs = []
    for h, home in enumerate(HOMES):
        here = (towns[home]["lat"], towns[home]["lon"])
        far_km, far_town = min(
            (float(haversine_km(*here, t["lat"], t["lon"])), name) for name, t in towns.items() if name != home
        )
        jobs = {}
        for near in (True, False):
            for well_paid in (True, False):
                job_id = f"J{h}{'近远'[not near]}{'高低'[not well_paid]}"  # J0近高: home 0, near, well paid
                jobs[near, well_paid] = sewing_job(job_id, home if near else far_town, 5000 if well_paid else 3000)
        for i in range(per_home):
            resident = profile_from_dict(
                {
                    "id": f"P{h}-{i}",
                    "age": 45,
                    "town": home,
                    "community": towns[home]["communities"][0]["name"],
                    "experience": "在服装厂踩了十几年平车",
                    "desired": "想找缝纫的活",
                    "expected_wage": 4000,
                    "availability": "any",
                    "max_commute_km": round(far_km / rng.uniform(1.1, 1.4), 1),
                }
            )
            pairs += [LabelledPair(resident, job, outcome(*key, rng)) for key, job in jobs.items()]
    return pairs


def by_distance(near, well_paid, rng):
    return str(rng.choice(POSITIVE if near else NEGATIVE))


def by_chance(near, well_paid, rng):
    return str(rng.choice(POSITIVE if rng.random() < 0.4 else NEGATIVE))


def distance_weight(model: ScoreModel) -> float:
    return float(sum(model.coef[:, FEATURES.index(name)].sum() for name in ("distance_fit", "distance_ok")))
