"""The model: rank, evaluate, calibrate-fit and train. All but `train` from outcomes read batch files (JSON Lines
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
from flask.cli import ScriptInfo

from ..config import ConfigError, Settings
from .base import fail, main


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

    jobs, profiles = _load_records(jobs_file, profiles_file, "nothing was written")
    matcher = _artefacts().matcher()
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
    from ..matching.evaluation import evaluate, load_qrels

    jobs, profiles = _load_records(jobs_file, profiles_file, "nothing was evaluated")
    extra = {}
    for pool_jobs, pool_qrels in pools:
        if not Path(pool_qrels).is_file():
            fail(f"{pool_qrels}: no such file; nothing was evaluated")
        graded = _qrels(pool_qrels, load_qrels)
        if not set(graded) & {p.id for p in profiles}:
            fail(
                f"{pool_qrels}: its judgements name none of the profiles in {profiles_file}; a pool is graded for the same profiles"
            )
        extra[_pool_name(pool_jobs)] = (_load_jobs(pool_jobs, "nothing was evaluated"), graded)
    artefacts = _artefacts()
    report = evaluate(artefacts.matcher, jobs, profiles, _qrels(qrels, load_qrels), pools=extra)
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
    from ..matching.evaluation import load_qrels
    from ..matching.fit import FitScale

    scored, names = [], []
    artefacts = _artefacts()
    for folder in map(Path, folders):
        jobs, profiles = _load_records(
            str(folder / "jobs.jsonl"), str(folder / "profiles.jsonl"), "nothing was written"
        )
        grades = _qrels(str(folder / "qrels.tsv"), load_qrels)
        matcher = artefacts.matcher().fit(jobs, profiles)
        with click.progressbar(profiles, label=f"ranking {folder.name}", file=sys.stderr) as bar:
            for profile in bar:
                for m in matcher.jobs_for(profile, top=5):
                    scored.append((m.score, m.eligible, grades.get(profile.id, {}).get(m.job_id, 0)))
        names.append(f"{folder.name} ({len(profiles)} profiles)")
    scale = FitScale.calibrate(scored, description=", ".join(names))
    target = Path(output) if output else Path(_models_dir()) / "fit.json"
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
    from ..matching.evaluation import compare, counsellor_metrics, load_conflicts, load_qrels

    jobs, profiles = _load_records(str(folder / "jobs.jsonl"), str(folder / "profiles.jsonl"), "nothing was evaluated")
    graded = _qrels(str(folder / "qrels.tsv"), load_qrels)
    missing = [name for name in ("conflicts.tsv", "labels.jsonl") if not (folder / name).is_file()]
    if missing:
        fail(
            f"{folder}: no {' or '.join(missing)}; a counsellor set has conflicts.tsv and labels.jsonl; nothing was evaluated"
        )
    systems, _ = compare(artefacts.matcher, jobs, profiles, graded)
    matcher = artefacts.matcher().fit(jobs, profiles)
    conflicts = _qrels(str(folder / "conflicts.tsv"), load_conflicts)

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


@main.command("train", with_appcontext=False)
@click.option("--jobs", "jobs_file", type=click.Path(dir_okay=False), help="Graded mode: vacancies, JSON Lines.")
@click.option("--profiles", "profiles_file", type=click.Path(dir_okay=False), help="Graded mode: profiles, JSON Lines.")
@click.option("--qrels", type=click.Path(exists=True, dir_okay=False), help="Graded mode: judgements (TSV).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Graded mode: default weights.json in the models folder.",
)
@click.option("--coder", is_flag=True, help="Build the occupation title coder instead (needs --csco and --titles).")
@click.option(
    "--csco", "csco_file", type=click.Path(dir_okay=False), help="Coder: the CSCO 2022 classification (csco22.csv)."
)
@click.option(
    "--titles",
    "titles_file",
    type=click.Path(dir_okay=False),
    help="Coder: real titles labelled with CSCO codes (csco-titles.csv).",
)
def train_command(
    jobs_file: str | None,
    profiles_file: str | None,
    qrels: str | None,
    output: str | None,
    coder: bool,
    csco_file: str | None,
    titles_file: str | None,
):
    """Fit the score weights: from the outcomes recorded in the database (default), replacing the weights only when
    they do better on held-out residents; or, given --jobs, --profiles and --qrels, from graded files. With --coder,
    build the occupation title coder from the classification and labelled titles instead."""
    graded = [jobs_file, profiles_file, qrels]
    if coder or csco_file or titles_file:
        if any(graded) or output:
            fail("--coder builds the title coder; give graded files in a separate run")
        if not (coder and csco_file and titles_file):
            fail("building the title coder needs --coder, --csco FILE and --titles FILE together")
        _train_coder(csco_file, titles_file)
    elif any(graded):
        if not (jobs_file and profiles_file and qrels):
            fail(
                "graded training needs --jobs, --profiles and --qrels together (without them, train learns from outcomes)"
            )
        _train_graded(jobs_file, profiles_file, qrels, output)
    else:
        if output:
            fail("--output is for graded training; learning from outcomes writes weights.json in the models folder")
        _train_outcomes()


def _train_graded(jobs_file: str, profiles_file: str, qrels: str, output: str | None) -> None:
    # lazy: 0.4 s for these
    from ..matching.evaluation import load_qrels
    from ..matching.train import train

    jobs, profiles = _load_records(jobs_file, profiles_file, "nothing was trained")
    artefacts = _artefacts()
    description = f"{Path(jobs_file).name}, {Path(profiles_file).name}, {Path(qrels).name} ({len(jobs)} jobs, {len(profiles)} profiles)"
    model = train(artefacts.matcher, jobs, profiles, _qrels(qrels, load_qrels), description)
    target = Path(output) if output else Path(_models_dir()) / "weights.json"
    model.save(target)
    meta = model.metadata
    click.echo(
        f"wrote {target}: C={meta['C']}, cross-validated nDCG@5 {meta['cv_ndcg5']:.4f} "
        f"(hand-set default {meta['hand_set_default_ndcg5']:.4f}), P@1 {meta['cv_p1']:.4f}, {meta['pairs']} pairs"
    )


def _train_coder(csco_file: str, titles_file: str) -> None:
    # lazy: 0.4 s for these
    from ..matching.artifacts import CLASSIFICATION, LEXICON, OCCUPATIONS, SYLLABLES, TITLE_CODER
    from ..matching.csco_training import FOLDS, CoderDataError, build
    from ..matching.lexicon import Lexicon, load_syllables
    from ..matching.occupations import OccupationCoder, Taxonomy

    folder = Path(_models_dir())
    taxonomy = Taxonomy.load(folder / OCCUPATIONS) if (folder / OCCUPATIONS).exists() else None

    def hints_for(classification):
        # The alias rules as they will run: the curated taxonomy with the new classification's names.
        with_codes = Taxonomy.load(folder / OCCUPATIONS, classification) if taxonomy else Taxonomy({}, classification)
        lexicon = Lexicon.load(folder / LEXICON) if (folder / LEXICON).exists() else None
        syllables = load_syllables(folder / SYLLABLES) if (folder / SYLLABLES).exists() else None
        return OccupationCoder(with_codes, lexicon, syllables).title_hints

    try:
        with click.progressbar(
            length=FOLDS + 1, label="cross-validating and fitting the title coder", file=sys.stderr
        ) as bar:
            classification, coder = build(csco_file, titles_file, taxonomy, progress=bar.update, hints_for=hints_for)
        classification.save(folder / CLASSIFICATION)
        coder.save(folder / TITLE_CODER)
    except CoderDataError as err:
        fail(f"{err}; nothing was written")
    except OSError as err:
        fail(f"cannot write to {folder}: {err.strerror}; point JOBMATCH_MODELS_DIR at a writable copy")
    cv = coder.metadata["cross_validation"]
    used = coder.metadata["trained_on"]["titles"]
    click.echo(
        f"wrote {folder / CLASSIFICATION} ({len(classification)} codes) and {folder / TITLE_CODER} "
        f"({len(coder.classes_)} codes, {used['used']} labelled titles, {used['left_out']} left out)"
    )
    click.echo(f"cross-validated top-1, split by title ({cv['folds']} folds):")
    click.echo(
        f"  detailed occupation {cv['mean_top1_detailed']:.4f}  by fold {' '.join(f'{a:.3f}' for a in cv['top1_detailed'])}"
    )
    click.echo(
        f"  minor group         {cv['mean_top1_minor_group']:.4f}  by fold {' '.join(f'{a:.3f}' for a in cv['top1_minor_group'])}"
    )


def _train_outcomes() -> None:
    # lazy: 0.8 s for these
    from ..db import db
    from ..training import train_from_outcomes

    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    models_dir = Path(app.config["MODELS_DIR"])
    with app.app_context():
        try:
            decision, written = train_from_outcomes(db.session, models_dir)
        except OSError as err:  # e.g. a read-only models folder in a container
            fail(
                f"cannot write the new weights to {models_dir}: {err.strerror}; point JOBMATCH_MODELS_DIR at a writable copy"
            )
    m = decision.metrics
    if "candidate" in m:
        click.echo(
            f"held-out pairwise accuracy: current {m['current']:.3f}, new {m['candidate']:.3f}, "
            f"gain 95% interval {m['ci95'][0]:+.3f} to {m['ci95'][1]:+.3f}"
        )
    click.echo(decision.reason)
    if written is not None:
        click.echo(f"wrote {written} (weights {decision.model.version}); restart `jobmatch serve` to rank with them")


def _load_batch(path: str, kind: str, consequence: str) -> list[dict]:
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


def _load_jobs(jobs_file: str, consequence: str):
    # lazy: 0.4 s
    from ..matching import job_from_dict

    return [job_from_dict(j) for j in _load_batch(jobs_file, "job", consequence)]


def _load_records(jobs_file: str, profiles_file: str, consequence: str):
    """Validated job and profile records from two batch files."""
    # lazy: 0.4 s
    from ..matching import profile_from_dict

    jobs = _load_jobs(jobs_file, consequence)
    return jobs, [profile_from_dict(p) for p in _load_batch(profiles_file, "profile", consequence)]


def _qrels(path: str, load):
    try:
        return load(path)
    except ValueError as err:
        fail(str(err))


def _artefacts():
    # lazy: 0.4 s
    from ..matching.artifacts import Artefacts

    return Artefacts.load(_models_dir())


def _models_dir() -> str:
    """The models folder of the settings; the batch commands start no app, so they need no secret."""
    try:
        return Settings.from_environment(serving=False).models_dir
    except ConfigError as err:
        fail(f"cannot start: {err}")
