"""New to the work: an experience-only vacancy counts against a resident who says they are new to it, and against one
whose words say what they have done when the vacancy's occupation is none of that (nor near it). A resident who said
nothing about their experience is not new to anything."""

import pytest
from helpers import HERE, LEARNER_SEWING, PACKER

from jobmatch.config import DEFAULT_MODELS_DIR
from jobmatch.matching import JobRecord, ProfileRecord
from jobmatch.matching import matcher as matcher_module
from jobmatch.matching.artifacts import Artefacts
from jobmatch.matching.features import EXPERIENCED, job_demands, profile_limits
from jobmatch.matching.matcher import coding_from_json, coding_to_json

SKILLED_DRIVER = JobRecord(
    id="driver",
    title="送货司机",
    description="开厢式货车给超市送货，要两年以上驾驶经验，新手勿扰",
    skills=("开车", "送货"),
    wage_min=5000,
    wage_max=6500,
    lat=30.2236,
    lon=116.87,
    shift="day",
    age_min=22,
    age_max=55,
)
JOBS = [SKILLED_DRIVER, LEARNER_SEWING, PACKER]
SAID_NEW = "只招有经验的熟手，您说没做过"
NEW_TO_THE_LINE = "只招有经验的熟手，您没做过这一行"


def resident(**fields) -> ProfileRecord:
    base = {"id": "p", "age": 45, "lat": HERE[0], "lon": HERE[1], "availability": "day_only", "max_commute_km": 10}
    return ProfileRecord(**(base | fields))


SEAMSTRESS = resident(id="seamstress", experience="在服装厂踩了十年缝纫机", desired="想开车送货")
DRIVER = resident(id="driver", experience="开了五年货车", desired="想开车送货")
SILENT = resident(id="silent", experience="", desired="想开车送货")
BOTH = resident(id="both", experience="开了几年货车，以前在服装厂做过缝纫", desired="还想开货车")
PROFILES = [SEAMSTRESS, DRIVER, SILENT, BOTH]


@pytest.fixture(scope="module")
def matcher():
    return Artefacts.load(DEFAULT_MODELS_DIR).matcher().fit(JOBS, PROFILES)


def driving(matcher, profile):
    return next(m for m in matcher.jobs_for(profile, top=len(JOBS)) if m.job_id == "driver")


def test_the_vacancy_asks_for_experience_and_nobody_says_they_are_new_in_words():
    assert EXPERIENCED in job_demands(SKILLED_DRIVER).required
    assert not any(profile_limits(p).is_new for p in PROFILES)


def test_a_seamstress_who_wants_to_drive_is_new_to_an_experienced_only_driving_vacancy(matcher, monkeypatch):
    match = driving(matcher, SEAMSTRESS)
    assert match.eligible  # it counts against, it does not exclude
    assert match.features["new_to_occ"] and not match.features["new_hand"]
    assert NEW_TO_THE_LINE in match.reasons and SAID_NEW not in match.reasons
    # Lowered by exactly the newcomer's factor.
    monkeypatch.setattr(matcher_module, "NEW_HAND_FACTOR", 1.0)
    unbent = driving(matcher, SEAMSTRESS)
    assert match.score == pytest.approx(0.75 * unbent.score, abs=1e-3)
    assert match.score < unbent.score


def test_the_same_vacancy_is_not_lowered_for_a_resident_who_has_driven(matcher):
    match = driving(matcher, DRIVER)
    assert not match.features["new_to_occ"] and not match.features["new_hand"]
    assert not any("熟手" in r for r in match.reasons)
    assert match.score > driving(matcher, SEAMSTRESS).score


def test_a_resident_who_said_nothing_of_their_experience_is_not_new(matcher):
    match = driving(matcher, SILENT)
    assert not match.features["new_to_occ"] and not match.features["new_hand"]
    assert not any("熟手" in r for r in match.reasons)


def test_work_both_done_and_asked_for_is_not_new(matcher):
    # Driving is what she asks for and what she did; sewing she did too. Driving is not new to her.
    wanted, _, evidence = matcher.code_profile(BOTH)
    assert evidence["truck_driver"][0] == "both" and evidence["sewing_machinist"][0] == "done"
    match = driving(matcher, BOTH)
    assert not match.features["new_to_occ"]
    assert not any("熟手" in r for r in match.reasons)
    assert any(r.startswith("想做") and "对口" in r for r in match.reasons)  # the reason still speaks of the wish


def test_words_saying_new_win_over_the_occupation(matcher):
    said = resident(id="said", experience="在服装厂踩了十年缝纫机，车没开过", desired="想开车送货")
    assert profile_limits(said).is_new
    match = driving(matcher, said)
    assert SAID_NEW in match.reasons and NEW_TO_THE_LINE not in match.reasons


def test_an_experience_only_vacancy_only_counts_against_newcomers(matcher):
    # The learner's sewing vacancy asks for no experience: nobody is new to it.
    for profile in PROFILES:
        sewing = next(m for m in matcher.jobs_for(profile, top=len(JOBS)) if m.job_id == "learner-sew")
        assert not sewing.features["new_to_occ"]


def test_ranking_residents_for_the_vacancy_agrees(matcher):
    matches = {m.profile_id: m for m in matcher.profiles_for(SKILLED_DRIVER, top=len(PROFILES))}
    assert matches["seamstress"].features["new_to_occ"] and NEW_TO_THE_LINE in matches["seamstress"].reasons
    for pid in ("driver", "silent", "both"):
        assert not matches[pid].features["new_to_occ"], pid
    assert matches["seamstress"].score < matches["driver"].score


def test_stored_codings_keep_what_was_done():
    artefacts = Artefacts.load(DEFAULT_MODELS_DIR)
    fresh = artefacts.matcher()
    version = fresh.coder.fingerprint
    codings = [coding_from_json(coding_to_json(fresh.code_profile(p), version), version) for p in PROFILES]
    assert codings[3][2]["truck_driver"][0] == "both"
    stored = fresh.fit(JOBS, PROFILES, profile_codings=codings)
    matches = {m.profile_id: m for m in stored.profiles_for(SKILLED_DRIVER, top=len(PROFILES))}
    assert [pid for pid, m in matches.items() if m.features["new_to_occ"]] == ["seamstress"]
