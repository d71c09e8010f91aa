"""The live index: append-only stores, incremental adds and removals that agree with a fresh build."""

import numpy as np
import pytest
from scipy import sparse

from jobmatch.config import DEFAULT_MODELS_DIR
from jobmatch.matching import job_from_dict, profile_from_dict
from jobmatch.matching.artifacts import Artefacts
from jobmatch.matching.store import Growable, OccupationPostings, TextPostings


@pytest.fixture(scope="module")
def artefacts():
    return Artefacts.load(DEFAULT_MODELS_DIR)


@pytest.fixture(scope="module")
def demo():
    from jobmatch.batch import read_jsonl
    from jobmatch.demo import demo_file
    from jobmatch.schemas import JobCreateSchema, ProfileSchema

    jobs = [
        job_from_dict({**j, "id": j["external_id"]}) for j in read_jsonl(demo_file("jobs.jsonl"), JobCreateSchema())
    ]
    profiles = [
        profile_from_dict({**p, "id": p["external_id"]})
        for p in read_jsonl(demo_file("profiles.jsonl"), ProfileSchema())
    ]
    return jobs, profiles


def test_growable_keeps_every_value_across_growth():
    column = Growable(np.int32, capacity=2)
    for i in range(1000):
        column.append(i)
    column.extend(range(1000, 1500))
    assert column.view.tolist() == list(range(1500))


@pytest.mark.parametrize("open_limit, chunks", [(3, [5, 1, 1, 4, 2]), (100, [7, 9]), (4, [4, 4, 4])])
def test_text_postings_in_sealed_and_open_blocks_score_as_one_matrix(open_limit, chunks):
    rng = np.random.default_rng(1)
    rows = sparse.random(sum(chunks), 40, density=0.2, format="csr", random_state=rng, dtype=np.float32)
    store = TextPostings(40, open_limit=open_limit)
    start = 0
    for size in chunks:
        store.extend(rows[start : start + size])
        start += size
    query = sparse.random(1, 40, density=0.3, format="csr", random_state=rng, dtype=np.float32)
    np.testing.assert_allclose(store.scores(query), (rows @ query.T).toarray().ravel(), rtol=1e-5)
    for term in range(40):
        assert store.has_term(term).tolist() == (rows[:, term].toarray().ravel() != 0).tolist()


def test_occupation_postings_overlap_is_max_of_min_over_occupations():
    rng = np.random.default_rng(2)
    dense = np.where(rng.random((30, 6)) < 0.3, rng.random((30, 6)), 0.0).astype(np.float32)
    store = OccupationPostings(6)
    store.extend(0, [{c: float(v) for c, v in enumerate(row) if v} for row in dense[:10]])
    for i, row in enumerate(dense[10:], start=10):  # one at a time too, as a live index adds them
        store.extend(i, [{c: float(v) for c, v in enumerate(row) if v}])
    vector = np.array([0.0, 0.5, 1.0, 0.0, 0.2, 0.9])
    np.testing.assert_allclose(store.overlap(vector, 30), np.minimum(dense, vector).max(axis=1), rtol=1e-6)
    assert store.row(4) == pytest.approx({c: float(v) for c, v in enumerate(dense[4]) if v})


def _scores(matches):
    return {(m.job_id, m.profile_id): (m.score, m.eligible, tuple(m.reasons)) for m in matches}


def test_removing_and_adding_back_gives_the_same_rankings_as_the_first_build(artefacts, demo):
    jobs, profiles = demo
    built = artefacts.matcher().fit(jobs, profiles)
    live = artefacts.matcher().fit(jobs, profiles)
    for record in jobs[:20]:
        assert live.remove_job(record.id)
    for record in profiles[:30]:
        assert live.remove_profile(record.id)
    live.add_jobs(jobs[:20])
    live.add_profiles(profiles[:30])
    for profile in profiles[::7]:
        assert _scores(live.jobs_for(profile, top=62)) == _scores(built.jobs_for(profile, top=62))
    for job in jobs[::5]:
        assert _scores(live.profiles_for(job, top=100)) == _scores(built.profiles_for(job, top=100))


def test_a_changed_vacancy_replaces_its_old_row(artefacts, demo):
    from dataclasses import replace

    jobs, profiles = demo
    matcher = artefacts.matcher().fit(jobs, profiles)
    seamstress = profiles[0]
    first = matcher.jobs_for(seamstress, top=1)[0]
    changed = replace(
        next(j for j in jobs if j.id == first.job_id), title="夜班保安", skills=("保安",), description="夜间巡逻"
    )
    matcher.add_jobs([changed])
    ids = [m.job_id for m in matcher.jobs_for(seamstress, top=62)]
    assert ids.count(first.job_id) == 1
    assert ids.index(first.job_id) > 0
    assert len(matcher.jobs) == len(jobs)


def test_a_removed_record_is_never_returned_and_a_new_one_is(artefacts, demo):
    jobs, profiles = demo
    matcher = artefacts.matcher().fit(jobs, profiles)
    seamstress = profiles[0]
    best = matcher.jobs_for(seamstress, top=1)[0].job_id
    matcher.remove_job(best)
    assert best not in [m.job_id for m in matcher.jobs_for(seamstress, top=100)]
    newcomer = job_from_dict(
        {
            "id": "new",
            "title": "平车工",
            "description": "东流镇服装厂招平车工，长白班",
            "skills": ["平车", "缝纫"],
            "wage_min": 5000,
            "wage_max": 7000,
            "town": seamstress.town,
            "community": seamstress.community,
            "shift": "day",
            "perks": ["班车接送"],
        }
    )
    matcher.add_jobs([newcomer])
    assert "new" in [m.job_id for m in matcher.jobs_for(seamstress, top=5)]
    assert matcher.remove_profile(seamstress.id) and not matcher.remove_profile(seamstress.id)
    assert seamstress.id not in [m.profile_id for m in matcher.profiles_for(newcomer, top=100)]


def test_filters_narrow_by_fair_town_and_shift(artefacts, demo):
    from dataclasses import replace

    jobs, profiles = demo
    tagged = [replace(j, fair="1" if i % 2 else "2") for i, j in enumerate(jobs)]
    matcher = artefacts.matcher().fit(tagged, profiles)
    by_id = {j.id: j for j in matcher.jobs}
    found = matcher.jobs_for(profiles[0], top=100, fair="1", town="东流镇", shift="day")
    assert found and all(
        by_id[m.job_id].fair == "1" and by_id[m.job_id].town == "东流镇" and by_id[m.job_id].shift == "day"
        for m in found
    )
    assert matcher.jobs_for(profiles[0], top=10, fair="no such fair") == []


def test_a_city_sized_fit_learns_its_vocabulary_from_a_sample(artefacts, demo):
    jobs, profiles = demo
    small_sample = artefacts.matcher()
    small_sample.vocabulary_sample = 10
    small_sample.fit(jobs, profiles)
    # Every profile is indexed although only ten taught the vocabulary.
    assert len(small_sample.profiles) == len(profiles)
    assert small_sample.profiles_for(jobs[0], top=3)


def test_the_vectoriser_gives_scikit_learns_tfidf(demo):
    from sklearn.feature_extraction.text import TfidfVectorizer

    from jobmatch.matching.matcher import job_text, profile_text
    from jobmatch.matching.vectoriser import CharTfidf

    jobs, profiles = demo
    texts = [job_text(j) for j in jobs] + [profile_text(p) for p in profiles] + ["", "  两个  空格 ABC"]
    ours = CharTfidf((1, 3)).fit(texts[:100])
    theirs = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True).fit(texts[:100])
    assert ours.vocabulary_ == theirs.vocabulary_
    np.testing.assert_allclose(ours.transform(texts).toarray(), theirs.transform(texts).toarray(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("prune_from", [0, 30])
def test_skipping_rows_that_cannot_place_changes_no_ranking(artefacts, demo, monkeypatch, prune_from):
    import jobmatch.matching.matcher as module

    jobs, profiles = demo
    matcher = artefacts.matcher().fit(jobs, profiles)
    monkeypatch.setattr(module, "PRUNE_FROM", 10**9)
    full_jobs = [_scores(matcher.jobs_for(p, top=t)) for p in profiles for t in (1, 5)]
    full_profiles = [_scores(matcher.profiles_for(j, top=t)) for j in jobs for t in (1, 5)]
    monkeypatch.setattr(module, "PRUNE_FROM", prune_from)
    skipped = []
    original = module.Matcher._scored

    def counting(self, rows, signals, context):
        skipped.append(len(rows))
        return original(self, rows, signals, context)

    monkeypatch.setattr(module.Matcher, "_scored", counting)
    assert [_scores(matcher.jobs_for(p, top=t)) for p in profiles for t in (1, 5)] == full_jobs
    assert [_scores(matcher.profiles_for(j, top=t)) for j in jobs for t in (1, 5)] == full_profiles
    assert sum(skipped) < len(profiles) * 2 * len(jobs) + len(jobs) * 2 * len(profiles)  # some rows went unscored


@pytest.mark.parametrize("model", ["shipped", "default"])
def test_each_bound_is_above_the_score_its_pair_can_reach(artefacts, model):
    from jobmatch.matching.model import FEATURES, default_model

    score_model = artefacts.model if model == "shipped" else default_model()
    rng = np.random.default_rng(3)
    X = rng.random((20000, len(FEATURES)))
    for name in ("occ_same", "employer_named", "fit_all", "text_same"):
        X[:, FEATURES.index(name)] = 0
    X[:, FEATURES.index("near_all")] = X[:, FEATURES.index("occ_near")] * (rng.random(20000) < 0.7)
    for a, b in (("pay_ok", "pay_bent"), ("distance_ok", "distance_bent")):
        first = rng.random(20000) < 0.5
        X[:, FEATURES.index(a)] = first
        X[:, FEATURES.index(b)] = ~first & (rng.random(20000) < 0.5)
    bounds = score_model.bounds(
        X[:, FEATURES.index("text")], X[:, FEATURES.index("occ_near")], X[:, FEATURES.index("occ_group")]
    )
    assert np.all(score_model.score(X) <= bounds + 1e-12)
