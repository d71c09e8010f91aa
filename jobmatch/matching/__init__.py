"""The matching model: plain Python, no Flask. `rank(profile, jobs) -> list[Match]`."""
from .matcher import DEFAULT_WEIGHTS, Matcher, rank
from .places import Gazetteer
from .records import JobRecord, Match, ProfileRecord, job_from_dict, profile_from_dict

__all__ = [
    "DEFAULT_WEIGHTS",
    "Gazetteer",
    "JobRecord",
    "Match",
    "Matcher",
    "ProfileRecord",
    "job_from_dict",
    "profile_from_dict",
    "rank",
]
