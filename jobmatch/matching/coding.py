"""How the matcher reads a record: the text it compares, and the occupations it codes from the words."""

from __future__ import annotations

from .occupations import Coding, OccupationCoder
from .postings import clean_title
from .records import JobRecord, ProfileRecord
from .taxonomy import Taxonomy
from .text import normalise

# How much each part of a text says about the occupation.
JOB_FIELD_WEIGHTS = {"title": 1.0, "skills": 0.9, "description": 0.4}
EXPERIENCE_WEIGHT = 0.8  # what someone did counts a little less than what they ask for
MAX_OCCUPATIONS = 3
LEARNED_CODES = 2  # CSCO codes kept from the title coder

# (wanted or done occupations, occupations turned down, evidence: occupation -> (want|done|both, words))
ProfileCoding = tuple[dict[str, float], dict[str, float], dict[str, tuple[str, str]]]
# Evidence kinds: asked for, done, or both (asked for and done: the reason says 想做, the resident is no newcomer
# to it).
DONE_KINDS = ("done", "both")


def job_text(job: JobRecord) -> str:
    # The title and skills say what the work is; repeating them weighs them above the description.
    head = " ".join([job.title, *job.skills])
    return normalise(" ".join([head, head, job.description]))


def profile_text(profile: ProfileRecord) -> str:
    return normalise(" ".join([profile.experience or "", profile.desired or ""]))


def code_job(coder: OccupationCoder, job: JobRecord) -> dict[str, float]:
    """The job's occupations with confidences: 1-3 named by aliases (the strongest is 1), then the CSCO codes the
    learned title coder gives its title, at their probabilities.

    The title is read without its firm, place, pay and perks ("青田母婴护理店招聘后厨" names 后厨, not 母婴护理).
    """
    scores: dict[str, float] = {}
    title = clean_title(job.title) or job.title
    parts = {"title": title, "skills": " ".join(job.skills), "description": job.description}
    for name, text in parts.items():
        for occ_id, score in coder.code(text, groups=False).scores.items():
            scores[occ_id] = max(scores.get(occ_id, 0.0), score * JOB_FIELD_WEIGHTS[name])
    best = max(scores.values(), default=0.0)
    top = sorted(scores.items(), key=lambda kv: -kv[1])[:MAX_OCCUPATIONS]
    coding = {occ_id: round(score / best, 3) for occ_id, score in top} if best else {}
    for code, probability in coder.code_title(job.title, LEARNED_CODES).items():
        if probability > coding.get(code, 0.0):
            coding[code] = probability
    return coding


def code_profile(coder: OccupationCoder, profile: ProfileRecord) -> ProfileCoding:
    """(wanted or done occupations, occupations turned down, evidence: occupation -> (want|done|both, words)).

    The wanted side holds the 1-3 occupations named outright, plus every member of a field named broadly, plus the
    CSCO codes the curated ones stand for (a job coded only by the classification matches them too).
    """
    want: Coding = coder.code(profile.desired)
    done: Coding = coder.code(profile.experience)
    scores = dict(want.scores)
    evidence = {occ_id: ("want", words) for occ_id, words in want.evidence.items()}
    for occ_id, score in done.scores.items():
        if score * EXPERIENCE_WEIGHT > scores.get(occ_id, 0.0):
            scores[occ_id] = score * EXPERIENCE_WEIGHT
        if occ_id in done.evidence:
            if occ_id not in evidence:
                evidence[occ_id] = ("done", done.evidence[occ_id])
            elif evidence[occ_id][0] == "want":  # asked for and done: the words asked for stay, for reasons
                evidence[occ_id] = ("both", evidence[occ_id][1])
    negated = {**done.negated, **want.negated}
    for occ_id in negated:
        if occ_id not in want.scores:  # "不想再进厂了" outweighs what they did, not what they ask for
            scores.pop(occ_id, None)
    wanted = dict(sorted(scores.items(), key=lambda kv: -kv[1])[:MAX_OCCUPATIONS])
    # Only occupations named outright stand for their codes: several curated occupations share one code, and 想进厂
    # (anyone can start 剪线头) must not reach 缝纫工, which shares its code. A field word has codes of its own.
    taxonomy = coder.taxonomy
    for code, score in taxonomy.implied(negated).items():
        negated[code] = max(negated.get(code, 0.0), score)
    for code, score in taxonomy.implied(wanted).items():
        if code not in negated and score > wanted.get(code, 0.0):
            wanted[code] = score
            source = max((o for o in wanted if code in taxonomy.codes_of.get(o, ())), key=wanted.__getitem__)
            if source in evidence:
                evidence[code] = evidence[source]
    for occ_id, score in {**done.group_scores, **want.group_scores}.items():
        if occ_id not in negated and score > wanted.get(occ_id, 0.0):
            wanted[occ_id] = score
    return wanted, negated, evidence


def done_codes(taxonomy: Taxonomy, evidence: dict[str, tuple[str, str]]) -> dict[str, float]:
    """The occupations the resident's words say they have done, with the CSCO codes those stand for."""
    done = {occ_id: 1.0 for occ_id, (kind, _) in evidence.items() if kind in DONE_KINDS}
    for code in taxonomy.implied(done):
        done[code] = 1.0
    return done


def coding_to_json(coding: dict[str, float] | ProfileCoding, version: str) -> dict:
    """A job's or a profile's coding as stored beside the record (the evidence words are not kept)."""
    if isinstance(coding, dict):
        return {"v": version, "occ": coding}
    wanted, negated, evidence = coding
    return {"v": version, "want": wanted, "neg": negated, "kind": {o: kind for o, (kind, _) in evidence.items()}}


def coding_from_json(data: dict | None, version: str):
    """The stored coding, or None when it is missing or was made by another taxonomy or coder."""
    if not data or data.get("v") != version:
        return None
    if "occ" in data:
        return dict(data["occ"])
    return dict(data["want"]), dict(data["neg"]), {o: (kind, "") for o, kind in data["kind"].items()}
