"""The matching model: plain Python, no Flask. `rank(profile, jobs) -> list[Match]`."""

from .matcher import Matcher, rank
from .model import ScoreModel, default_model
from .occupations import OccupationCoder
from .places import Gazetteer
from .records import JobRecord, Match, ProfileRecord, job_from_dict, profile_from_dict
from .taxonomy import Taxonomy

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
