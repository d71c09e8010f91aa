"""The matching model: plain Python, no Flask. `rank(profile, jobs) -> list[Match]`."""

from .matcher import Matcher, rank
from .model import ScoreModel, default_model
from .occupations import OccupationCoder, Taxonomy
from .places import Gazetteer
from .records import JobRecord, Match, ProfileRecord, job_from_dict, profile_from_dict

__all__ = [
    "Gazetteer",
    "JobRecord",
    "Match",
    "Matcher",
    "OccupationCoder",
    "ProfileRecord",
    "ScoreModel",
    "Taxonomy",
    "default_model",
    "job_from_dict",
    "profile_from_dict",
    "rank",
]
