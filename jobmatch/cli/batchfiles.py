"""Reading what the model's commands take: batch files of vacancies and profiles (JSON Lines), judgements (TSV), and
the shipped artefacts of the models folder the settings name.

The imports inside the functions stay there because every command module loads with every command; the figure beside
them is their cost on top of `import jobmatch.cli` (python -X importtime, median of 5).
"""

from __future__ import annotations

from ..config import ConfigError, Settings
from .base import fail


def load_batch(path: str, kind: str, consequence: str) -> list[dict]:
    """Validated records of one batch file, each with its id; exits with the line and field of the first error."""
    # lazy: 0.6 s for these
    from ..batch import BatchError, read_jsonl
    from ..schemas import JobSchema, ProfileSchema

    try:
        records = read_jsonl(path, JobSchema() if kind == "job" else ProfileSchema())
    except BatchError as err:
        fail(f"{err} ({consequence})")
    for number, record in enumerate(records, start=1):
        if not record.get("external_id"):
            fail(f"{path}: record {number}: field 'id': every {kind} needs an id ({consequence})")
    return [{**record, "id": record["external_id"]} for record in records]


def load_jobs(jobs_file: str, consequence: str):
    # lazy: 0.4 s
    from ..matching import job_from_dict

    return [job_from_dict(j) for j in load_batch(jobs_file, "job", consequence)]


def load_records(jobs_file: str, profiles_file: str, consequence: str):
    """Validated job and profile records from two batch files."""
    # lazy: 0.4 s
    from ..matching import profile_from_dict

    jobs = load_jobs(jobs_file, consequence)
    return jobs, [profile_from_dict(p) for p in load_batch(profiles_file, "profile", consequence)]


def qrels_or_fail(path: str, load):
    try:
        return load(path)
    except ValueError as err:
        fail(str(err))


def load_artefacts():
    # lazy: 0.4 s
    from ..matching.artifacts import Artefacts

    return Artefacts.load(models_dir())


def models_dir() -> str:
    """The models folder of the settings; the batch commands start no app, so they need no secret."""
    try:
        return Settings.from_environment(serving=False).models_dir
    except ConfigError as err:
        fail(f"cannot start: {err}")
