"""The model: rank, evaluate and calibrate-fit. They read batch files (JSON Lines
vacancies and profiles, TSV judgements) and need no database.

The imports inside the functions stay there because every command module loads with every command; the figure beside
them is their cost on top of `import jobmatch.cli` (python -X importtime, median of 5). Most of it is the model itself
(jobmatch.matching with numpy), which only these commands need.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .base import fail, main
from .batchfiles import load_artefacts, load_jobs, load_records, models_dir, qrels_or_fail


@main.command("rank", with_appcontext=False)
@click.option("--jobs", "jobs_file", required=True, type=click.Path(dir_okay=False), help="Vacancies, JSON Lines.")
@click.option(
    "--profiles", "profiles_file", required=True, type=click.Path(dir_okay=False), help="Profiles, JSON Lines."
)
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000), help="Matches per profile.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None, help="Write here instead of stdout."
)
def rank_command(jobs_file: str, profiles_file: str, top: int, output: str | None):
    """Rank JOBS for every profile, with no database: one JSON line a profile, best match first."""
    # lazy: 0.4 s
    from ..matching.matcher import fork_map

    jobs, profiles = load_records(jobs_file, profiles_file, "nothing was written")
    matcher = load_artefacts().matcher()
    # Reading the texts and ranking are independent per record: both run on every core.
    job_codings = [c for part in fork_map(lambda i: matcher.code_job(jobs[i]), len(jobs)) for c in part]
    profile_codings = []
    with click.progressbar(length=len(profiles), label="reading profiles", file=sys.stderr) as bar:
        for part in fork_map(lambda i: matcher.code_profile(profiles[i]), len(profiles)):
            profile_codings.extend(part)
            bar.update(len(part))
    matcher.fit(jobs, profiles, job_codings, profile_codings)

    def line(i: int) -> str:
        matches = [
            {"job_id": m.job_id, "score": m.score, "eligible": m.eligible, "fit": m.fit, "reasons": m.reasons}
            for m in matcher.jobs_for(profiles[i], top=top, coding=profile_codings[i])
        ]
        return json.dumps({"profile_id": profiles[i].id, "matches": matches}, ensure_ascii=False)

    lines = []
    with click.progressbar(length=len(profiles), label="ranking", file=sys.stderr) as bar:
        for part in fork_map(line, len(profiles)):
            lines.extend(part)
            bar.update(len(part))
    text = "\n".join(lines) + ("\n" if lines else "")
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _eval_options(command):
    command = click.option(
        "--qrels",
        required=True,
        type=click.Path(exists=True, dir_okay=False),
        help="Judgements: profile_id, job_id, grade (TSV).",
    )(command)
    command = click.option(
        "--profiles", "profiles_file", required=True, type=click.Path(dir_okay=False), help="Profiles, JSON Lines."
    )(command)
    return click.option(
        "--jobs", "jobs_file", required=True, type=click.Path(dir_okay=False), help="Vacancies, JSON Lines."
    )(command)


@main.command("evaluate", with_appcontext=False)
@_eval_options
@click.option(
    "--pool",
    "pools",
    nargs=2,
    multiple=True,
    type=click.Path(dir_okay=False),
    metavar="JOBS QRELS",
    help="Another pool of vacancies graded for the same profiles (e.g. real employer titles); repeatable.",
)
@click.option(
    "--counsellor",
    "counsellor_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    metavar="DIR",
    help="A demands-and-limits set (jobs, profiles, qrels, conflicts.tsv, labels.jsonl): scored with the "
    "counsellor's metrics and the reader's precision and recall; repeatable.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def evaluate_command(
    jobs_file: str, profiles_file: str, qrels: str, pools: tuple, counsellor_dirs: tuple, as_json: bool
):
    """Score jobmatch and two baselines (TF-IDF, BM25) on graded data, and check script invariance; --pool scores
    further vacancy pools for the same profiles in the same run; --counsellor scores demands-and-limits sets."""
    # lazy: 0.4 s
    from ..matching.fitting.evaluation import evaluate, load_qrels

    jobs, profiles = load_records(jobs_file, profiles_file, "nothing was evaluated")
    extra = {}
    for pool_jobs, pool_qrels in pools:
        if not Path(pool_qrels).is_file():
            fail(f"{pool_qrels}: no such file; nothing was evaluated")
        graded = qrels_or_fail(pool_qrels, load_qrels)
        if not set(graded) & {p.id for p in profiles}:
            fail(
                f"{pool_qrels}: its judgements name none of the profiles in {profiles_file}; "
                "a pool is graded for the same profiles"
            )
        extra[_pool_name(pool_jobs)] = (load_jobs(pool_jobs, "nothing was evaluated"), graded)
    artefacts = load_artefacts()
    report = evaluate(artefacts.matcher, jobs, profiles, qrels_or_fail(qrels, load_qrels), pools=extra)
    coder = artefacts.title_coder.metadata.get("cross_validation", {}) if artefacts.title_coder else {}
    if coder:
        report["title_coder"] = {
            k: coder[k] for k in ("mean_top1_detailed", "mean_top1_minor_group", "top1_detailed", "top1_minor_group")
        }
    report["counsellor"] = {Path(d).name: _counsellor_report(artefacts, Path(d)) for d in counsellor_dirs}
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    weights = artefacts.model.metadata.get("source") or artefacts.model.metadata.get("trained_on", "?")
    _print_systems(f"{_pool_name(jobs_file)}: {len(jobs)} vacancies", report["systems"])
    click.echo(f"weights: {weights}")
    for name, overlap in report["invariance"].items():
        click.echo(f"top-5 overlap, as given vs {name.replace('_', ' ')}: {overlap:.4f}")
    for name, pool in report["pools"].items():
        click.echo("")
        _print_systems(f"{name}: {pool['vacancies']} vacancies", pool["systems"])
    for name, part in report["counsellor"].items():
        click.echo("")
        _print_systems(f"{name}: {part['vacancies']} vacancies", part["systems"])
        c = part["counsellor"]
        click.echo(
            f"conflict in top 3 {c['conflict_in_top3']} ({c['conflict_profiles']} residents), good precision "
            f"{c['good_precision']}, no-fit honesty {c['nofit_honesty']} ({c['nofit_profiles']} residents)"
        )
        reading = part["reading"]
        click.echo(
            f"reading: lowest precision {reading['lowest_precision']}, lowest recall {reading['lowest_recall']} "
            f"over {reading['labels']} labels (bench/reading.py lists them)"
        )
    if coder:
        click.echo("")
        click.echo(
            f"title coder, cross-validated by title: top-1 detailed occupation {coder['mean_top1_detailed']:.4f}, "
            f"minor group {coder['mean_top1_minor_group']:.4f}"
        )


@main.command("calibrate-fit", with_appcontext=False)
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), default=None, help="Default: fit.json in the models folder."
)
def calibrate_fit_command(folders: tuple, output: str | None):
    """Set the score thresholds of the words good / possible / weak from graded sets: each FOLDER holds jobs.jsonl,
    profiles.jsonl and qrels.tsv. Each resident's top 5, as the kiosk shows them, are compared with their grades."""
    # lazy: 0.4 s for these
    from ..matching.fit import FitScale
    from ..matching.fitting.evaluation import load_qrels

    scored, names = [], []
    artefacts = load_artefacts()
    for folder in map(Path, folders):
        jobs, profiles = load_records(str(folder / "jobs.jsonl"), str(folder / "profiles.jsonl"), "nothing was written")
        grades = qrels_or_fail(str(folder / "qrels.tsv"), load_qrels)
        matcher = artefacts.matcher().fit(jobs, profiles)
        with click.progressbar(profiles, label=f"ranking {folder.name}", file=sys.stderr) as bar:
            for profile in bar:
                for m in matcher.jobs_for(profile, top=5):
                    scored.append((m.score, m.eligible, grades.get(profile.id, {}).get(m.job_id, 0)))
        names.append(f"{folder.name} ({len(profiles)} profiles)")
    scale = FitScale.calibrate(scored, description=", ".join(names))
    target = Path(output) if output else Path(models_dir()) / "fit.json"
    scale.save(target)
    meta = scale.metadata
    click.echo(
        f"wrote {target}: good from {scale.good} (precision {meta['good_precision']}), possible from "
        f"{scale.possible} (precision {meta['possible_precision']}), {meta['eligible_matches']} eligible matches"
    )


def _counsellor_report(artefacts, folder: Path) -> dict:
    """One demands-and-limits set: nDCG and both baselines, the counsellor's metrics, and the reader's figures."""
    # lazy: 0.5 s for these
    from ..matching.demands import score_reading
    from ..matching.fitting.evaluation import compare, counsellor_metrics, load_conflicts, load_qrels

    jobs, profiles = load_records(str(folder / "jobs.jsonl"), str(folder / "profiles.jsonl"), "nothing was evaluated")
    graded = qrels_or_fail(str(folder / "qrels.tsv"), load_qrels)
    missing = [name for name in ("conflicts.tsv", "labels.jsonl") if not (folder / name).is_file()]
    if missing:
        fail(
            f"{folder}: no {' or '.join(missing)}; a counsellor set has conflicts.tsv and labels.jsonl; "
            "nothing was evaluated"
        )
    systems, _ = compare(artefacts.matcher, jobs, profiles, graded)
    matcher = artefacts.matcher().fit(jobs, profiles)
    conflicts = qrels_or_fail(str(folder / "conflicts.tsv"), load_conflicts)

    def rows(name):
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    reading = score_reading(rows("jobs.jsonl"), rows("profiles.jsonl"), rows("labels.jsonl"))
    figures = [row for kind in ("demands", "limits", "holds", "lacks") for row in reading[kind].values()]
    return {
        "vacancies": len(jobs),
        "systems": systems,
        "counsellor": counsellor_metrics(matcher, profiles, graded, conflicts),
        "reading": {
            "labels": len(figures),
            "lowest_precision": min((r["precision"] for r in figures if r["precision"] is not None), default=None),
            "lowest_recall": min((r["recall"] for r in figures if r["recall"] is not None), default=None),
            "by_label": {kind: reading[kind] for kind in ("demands", "limits", "holds", "lacks", "new_to")},
        },
    }


def _pool_name(jobs_file: str) -> str:
    """A pool is named by its folder (real-dev/jobs.jsonl is real-dev), else by its file."""
    path = Path(jobs_file)
    return path.parent.name if path.stem == "jobs" and path.parent.name else path.stem


def _print_systems(heading: str, systems: dict) -> None:
    n = next(iter(systems.values()))["profiles"]
    click.echo(f"{heading}; {n} profiles with a grade-3 job")
    click.echo(f"{'system':<16}{'nDCG@5':>8}{'nDCG@10':>9}{'MRR':>8}{'P@1':>8}")
    for name, m in systems.items():
        click.echo(f"{name:<16}{m['ndcg5']:>8.4f}{m['ndcg10']:>9.4f}{m['mrr']:>8.4f}{m['p1']:>8.4f}")
