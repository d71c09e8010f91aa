"""Offline evaluation: ranking metrics, the two baselines, and script invariance."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..matcher import Matcher
from ..records import JobRecord, ProfileRecord
from ..text import normalise

Rankings = dict[str, list[str]]
Qrels = dict[str, dict[str, int]]


def load_qrels(path: str | Path) -> Qrels:
    """profile_id -> job_id -> grade from a TSV with a header line; unlisted pairs are grade 0."""
    qrels: Qrels = defaultdict(dict)
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f):
            if number == 0 or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or not parts[2].strip().lstrip("-").isdigit():
                raise ValueError(f"{path}:{number + 1}: expected profile_id<TAB>job_id<TAB>grade")
            qrels[parts[0]][parts[1]] = int(parts[2])
    return dict(qrels)


def _ndcg(ranked: Sequence[str], rel: dict[str, int], k: int) -> float:
    dcg = sum((2 ** rel.get(j, 0) - 1) / math.log2(i + 2) for i, j in enumerate(ranked[:k]))
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def metrics(rankings: Rankings, qrels: Qrels) -> dict[str, float]:
    """nDCG@5, nDCG@10, MRR (first job of grade >= 2, within 10), P@1 (grade >= 2), over profiles with a grade-3 job."""
    profiles = [p for p, rel in qrels.items() if max(rel.values(), default=0) >= 3]
    totals = dict.fromkeys(("ndcg5", "ndcg10", "mrr", "p1"), 0.0)
    for p in profiles:
        ranked, rel = rankings.get(p, []), qrels[p]
        totals["ndcg5"] += _ndcg(ranked, rel, 5)
        totals["ndcg10"] += _ndcg(ranked, rel, 10)
        totals["mrr"] += next((1 / (i + 1) for i, j in enumerate(ranked[:10]) if rel.get(j, 0) >= 2), 0.0)
        totals["p1"] += 1.0 if ranked and rel.get(ranked[0], 0) >= 2 else 0.0
    n = len(profiles) or 1
    return {**{k: v / n for k, v in totals.items()}, "profiles": len(profiles)}


def _job_doc(job: JobRecord) -> str:
    return normalise(" ".join([job.title, job.description, *job.skills]))


def _profile_doc(profile: ProfileRecord) -> str:
    return normalise(" ".join([profile.experience, profile.desired]))


def tfidf_baseline(jobs: Sequence[JobRecord], profiles: Sequence[ProfileRecord], top: int = 10) -> Rankings:
    """Plain TF-IDF over character 1-3-grams with cosine similarity, nothing else."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
    vectorizer.fit([_job_doc(j) for j in jobs] + [_profile_doc(p) for p in profiles])
    J = vectorizer.transform([_job_doc(j) for j in jobs])
    P = vectorizer.transform([_profile_doc(p) for p in profiles])
    sims = (P @ J.T).toarray()
    return {p.id: [jobs[i].id for i in np.argsort(-sims[row], kind="stable")[:top]] for row, p in enumerate(profiles)}


_WORD = re.compile(r"\w")


def _tokens(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(60)
    return [t for t in jieba.lcut(text) if _WORD.search(t)]


def bm25_baseline(
    jobs: Sequence[JobRecord], profiles: Sequence[ProfileRecord], top: int = 10, k1: float = 1.5, b: float = 0.75
) -> Rankings:
    """Okapi BM25 over jieba tokens: the profile's words as the query, each job as a document."""
    docs = [_tokens(_job_doc(j)) for j in jobs]
    lengths = np.array([len(d) for d in docs], dtype=float)
    average = lengths.mean() if len(docs) else 0.0
    frequency: dict[str, int] = defaultdict(int)
    counts = []
    for doc in docs:
        tf: dict[str, int] = defaultdict(int)
        for token in doc:
            tf[token] += 1
        counts.append(tf)
        for token in tf:
            frequency[token] += 1
    n = len(docs)
    idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in frequency.items()}
    rankings = {}
    for profile in profiles:
        scores = np.zeros(n)
        for token in set(_tokens(_profile_doc(profile))):
            if token not in idf:
                continue
            for i, tf in enumerate(counts):
                f = tf.get(token, 0)
                if f:
                    scores[i] += idf[token] * f * (k1 + 1) / (f + k1 * (1 - b + b * lengths[i] / average))
        rankings[profile.id] = [jobs[i].id for i in np.argsort(-scores, kind="stable")[:top]]
    return rankings


def matcher_rankings(matcher: Matcher, profiles: Sequence[ProfileRecord], top: int = 10) -> Rankings:
    return {p.id: [m.job_id for m in matcher.jobs_for(p, top=top)] for p in profiles}


def to_traditional(profile: ProfileRecord) -> ProfileRecord:
    import opencc

    convert = opencc.OpenCC("s2t").convert
    return replace(profile, experience=convert(profile.experience or ""), desired=convert(profile.desired or ""))


def with_pinyin_annotations(profile: ProfileRecord, every: int = 3) -> ProfileRecord:
    """The profile as if pasted from an annotated web page: 时(shí) after every third Han character."""
    from pypinyin import Style, pinyin

    def annotate(text: str) -> str:
        out, count = [], 0
        for ch in text:
            out.append(ch)
            if "\u4e00" <= ch <= "\u9fff":
                count += 1
                if count % every == 0:
                    out.append(f"({pinyin(ch, style=Style.TONE)[0][0]})")
        return "".join(out)

    return replace(profile, experience=annotate(profile.experience or ""), desired=annotate(profile.desired or ""))


def top_overlap(a: Rankings, b: Rankings, k: int = 5) -> float:
    """Mean share of the top-k jobs two rankings have in common."""
    shared = [len(set(a[p][:k]) & set(b.get(p, [])[:k])) / max(1, min(k, len(a[p]))) for p in a]
    return sum(shared) / len(shared) if shared else 1.0


def compare(make_matcher: Callable[[], Matcher], jobs, profiles, qrels: Qrels, top: int = 10) -> tuple[dict, Rankings]:
    """jobmatch and both baselines on one pool of vacancies, and jobmatch's rankings."""
    ours = matcher_rankings(make_matcher().fit(jobs, profiles), profiles, top)
    systems = {
        "jobmatch": metrics(ours, qrels),
        "tfidf_char_1_3": metrics(tfidf_baseline(jobs, profiles, top), qrels),
        "bm25_jieba": metrics(bm25_baseline(jobs, profiles, top), qrels),
    }
    return systems, ours


def evaluate(
    make_matcher: Callable[[], Matcher],
    jobs: Sequence[JobRecord],
    profiles: Sequence[ProfileRecord],
    qrels: Qrels,
    top: int = 10,
    pools: dict[str, tuple[Sequence[JobRecord], Qrels]] | None = None,
) -> dict:
    """jobmatch and both baselines on the same data, plus top-5 overlap under script changes; each further pool of
    vacancies (real employer titles, say) is ranked for the same profiles and scored the same way."""
    variants = {
        "traditional": [to_traditional(p) for p in profiles],
        "pinyin_annotated": [with_pinyin_annotations(p) for p in profiles],
    }
    systems, ours = compare(make_matcher, jobs, profiles, qrels, top)
    report = {"systems": systems, "invariance": {}, "pools": {}}
    for name, changed in variants.items():
        # Same jobs, same profile set size; only the script of the profiles' text differs.
        variant_matcher = make_matcher().fit(jobs, changed)
        report["invariance"][name] = top_overlap(ours, matcher_rankings(variant_matcher, changed, top), 5)
    for name, (pool_jobs, pool_qrels) in (pools or {}).items():
        report["pools"][name] = {
            "vacancies": len(pool_jobs),
            "systems": compare(make_matcher, pool_jobs, profiles, pool_qrels, top)[0],
        }
    return report


def counsellor_metrics(
    matcher: Matcher, profiles: Sequence[ProfileRecord], qrels: Qrels, conflicts: dict[str, set[str]]
) -> dict:
    """What a counsellor checks of the top matches: how many residents with a conflict (a vacancy they want whose
    demand they said they cannot meet) still see one in their top 3; how often `good` in a top 5 is a vacancy graded
    2+; and, for residents with nothing graded above 0, how often the first match is honestly not `good`."""
    ranked = {p.id: matcher.jobs_for(p, top=5) for p in profiles}
    leaks = [p for p, jobs in conflicts.items() if any(m.job_id in jobs for m in ranked.get(p, [])[:3])]
    good = [(p, m.job_id) for p, matches in ranked.items() for m in matches if m.fit == "good"]
    nofit = [p for p in ranked if ranked[p] and max(qrels.get(p, {}).values(), default=0) == 0]
    return {
        "conflict_profiles": len(conflicts),
        "conflict_in_top3": round(len(leaks) / len(conflicts), 4) if conflicts else None,
        "good_precision": round(sum(qrels.get(p, {}).get(j, 0) >= 2 for p, j in good) / len(good), 4) if good else None,
        "nofit_profiles": len(nofit),
        "nofit_honesty": round(sum(ranked[p][0].fit != "good" for p in nofit) / len(nofit), 4) if nofit else None,
    }


def load_conflicts(path: str | Path) -> dict[str, set[str]]:
    """profile_id -> the job ids it conflicts with, from a TSV with a header line (profile_id, job_id)."""
    out: dict[str, set[str]] = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f):
            parts = line.rstrip("\n").split("\t")
            if number == 0 or not line.strip():
                continue
            if len(parts) != 2:
                raise ValueError(f"{path}:{number + 1}: expected profile_id<TAB>job_id")
            out.setdefault(parts[0], set()).add(parts[1])
    return out
