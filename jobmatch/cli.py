"""The `jobmatch` command: serve, init-db, demo, import-jobs, rank."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup

from . import create_app
from .config import ConfigError


def _default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def _app_or_fail():
    """The app, or a plain message saying what in the settings stops it (no traceback for a clerk to decode)."""
    try:
        return create_app()
    except ConfigError as err:
        _fail(f"cannot start: {err}")


@click.group(cls=FlaskGroup, create_app=_app_or_fail, add_default_commands=False, load_dotenv=False)
def main():
    """jobmatch: the job stall service of the community fairs."""


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


@main.command("init-db")
def init_db_command():
    """Create or upgrade the database schema (Alembic migrations to head)."""
    from .db import upgrade

    upgrade(current_app.config["DATABASE_URL"])
    click.echo(f"database ready: {_safe_url(current_app.config['DATABASE_URL'])}")


@main.command("demo")
def demo_command():
    """Load the demo fair (Dongliu town): vacancies, resident profiles and the outcomes recorded after it."""
    from .db import db, upgrade
    from .demo import load_demo

    upgrade(current_app.config["DATABASE_URL"])
    counts = load_demo(db.session, current_app.extensions["jobmatch.index"])
    click.echo(
        f"demo fair {counts['fair_id']}: {counts['jobs_created']} vacancies created, "
        f"{counts['profiles_created']} profiles created, {counts['outcomes_recorded']} outcomes recorded"
    )


@main.command("import-jobs")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--fair", "fair_id", type=int, default=None, help="Attach the vacancies to this fair.")
def import_jobs_command(file: str, fair_id: int | None):
    """Import vacancies from a JSON Lines FILE; all or nothing, updating by `id`."""
    from .batch import BatchError, read_jsonl
    from .db import db
    from .errors import JobmatchError
    from .schemas import JobCreateSchema
    from .services import import_jobs

    from .auth import audit

    try:
        rows = read_jsonl(file, JobCreateSchema())
        audit(db.session, "import", f"{len(rows)} rows from {Path(file).name}"[:80])
        counts = import_jobs(db.session, rows, fair_id=fair_id)
    except BatchError as err:
        _fail(f"{err} (nothing was imported)")
    except JobmatchError as err:
        db.session.rollback()
        _fail(f"{err.message} {err.fields} (nothing was imported)")
    click.echo(f"imported {file}: {counts['created']} created, {counts['updated']} updated")


@main.command("rank", with_appcontext=False)
@click.option("--jobs", "jobs_file", required=True, type=click.Path(dir_okay=False), help="Vacancies, JSON Lines.")
@click.option("--profiles", "profiles_file", required=True, type=click.Path(dir_okay=False), help="Profiles, JSON Lines.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000), help="Matches per profile.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None, help="Write here instead of stdout.")
def rank_command(jobs_file: str, profiles_file: str, top: int, output: str | None):
    """Rank JOBS for every profile, with no database: one JSON line a profile, best match first."""
    from .matching.matcher import fork_map

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
    command = click.option("--qrels", required=True, type=click.Path(exists=True, dir_okay=False), help="Judgements: profile_id, job_id, grade (TSV).")(command)
    command = click.option("--profiles", "profiles_file", required=True, type=click.Path(dir_okay=False), help="Profiles, JSON Lines.")(command)
    return click.option("--jobs", "jobs_file", required=True, type=click.Path(dir_okay=False), help="Vacancies, JSON Lines.")(command)


@main.command("evaluate", with_appcontext=False)
@_eval_options
@click.option("--pool", "pools", nargs=2, multiple=True, type=click.Path(dir_okay=False), metavar="JOBS QRELS",
              help="Another pool of vacancies graded for the same profiles (e.g. real employer titles); repeatable.")
@click.option("--counsellor", "counsellor_dirs", multiple=True, type=click.Path(exists=True, file_okay=False), metavar="DIR",
              help="A demands-and-limits set (jobs, profiles, qrels, conflicts.tsv, labels.jsonl): scored with the "
                   "counsellor's metrics and the reader's precision and recall; repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def evaluate_command(jobs_file: str, profiles_file: str, qrels: str, pools: tuple, counsellor_dirs: tuple, as_json: bool):
    """Score jobmatch and two baselines (TF-IDF, BM25) on graded data, and check script invariance; --pool scores
    further vacancy pools for the same profiles in the same run; --counsellor scores demands-and-limits sets."""
    from .matching.evaluation import evaluate, load_qrels

    jobs, profiles = _load_records(jobs_file, profiles_file, "nothing was evaluated")
    extra = {}
    for pool_jobs, pool_qrels in pools:
        if not Path(pool_qrels).is_file():
            _fail(f"{pool_qrels}: no such file; nothing was evaluated")
        graded = _qrels(pool_qrels, load_qrels)
        if not set(graded) & {p.id for p in profiles}:
            _fail(f"{pool_qrels}: its judgements name none of the profiles in {profiles_file}; a pool is graded for the same profiles")
        extra[_pool_name(pool_jobs)] = (_load_jobs(pool_jobs, "nothing was evaluated"), graded)
    artefacts = _artefacts()
    report = evaluate(artefacts.matcher, jobs, profiles, _qrels(qrels, load_qrels), pools=extra)
    coder = artefacts.title_coder.metadata.get("cross_validation", {}) if artefacts.title_coder else {}
    if coder:
        report["title_coder"] = {k: coder[k] for k in ("mean_top1_detailed", "mean_top1_minor_group", "top1_detailed", "top1_minor_group")}
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
        click.echo(f"conflict in top 3 {c['conflict_in_top3']} ({c['conflict_profiles']} residents), good precision "
                   f"{c['good_precision']}, no-fit honesty {c['nofit_honesty']} ({c['nofit_profiles']} residents)")
        reading = part["reading"]
        click.echo(f"reading: lowest precision {reading['lowest_precision']}, lowest recall {reading['lowest_recall']} "
                   f"over {reading['labels']} labels (bench/reading.py lists them)")
    if coder:
        click.echo("")
        click.echo(f"title coder, cross-validated by title: top-1 detailed occupation {coder['mean_top1_detailed']:.4f}, "
                   f"minor group {coder['mean_top1_minor_group']:.4f}")


@main.command("calibrate-fit", with_appcontext=False)
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, help="Default: fit.json in the models folder.")
def calibrate_fit_command(folders: tuple, output: str | None):
    """Set the score thresholds of the words good / possible / weak from graded sets: each FOLDER holds jobs.jsonl,
    profiles.jsonl and qrels.tsv. Each resident's top 5, as the kiosk shows them, are compared with their grades."""
    from .config import DEFAULT_MODELS_DIR
    from .matching.evaluation import load_qrels
    from .matching.fit import FitScale

    scored, names = [], []
    artefacts = _artefacts()
    for folder in map(Path, folders):
        jobs, profiles = _load_records(str(folder / "jobs.jsonl"), str(folder / "profiles.jsonl"), "nothing was written")
        grades = _qrels(str(folder / "qrels.tsv"), load_qrels)
        matcher = artefacts.matcher().fit(jobs, profiles)
        with click.progressbar(profiles, label=f"ranking {folder.name}", file=sys.stderr) as bar:
            for profile in bar:
                for m in matcher.jobs_for(profile, top=5):
                    scored.append((m.score, m.eligible, grades.get(profile.id, {}).get(m.job_id, 0)))
        names.append(f"{folder.name} ({len(profiles)} profiles)")
    scale = FitScale.calibrate(scored, description=", ".join(names))
    target = Path(output) if output else Path(os.environ.get("JOBMATCH_MODELS_DIR") or DEFAULT_MODELS_DIR) / "fit.json"
    scale.save(target)
    meta = scale.metadata
    click.echo(f"wrote {target}: good from {scale.good} (precision {meta['good_precision']}), possible from "
               f"{scale.possible} (precision {meta['possible_precision']}), {meta['eligible_matches']} eligible matches")


def _counsellor_report(artefacts, folder: Path) -> dict:
    """One demands-and-limits set: nDCG and both baselines, the counsellor's metrics, and the reader's figures."""
    from .matching.demands import score_reading
    from .matching.evaluation import compare, counsellor_metrics, load_conflicts, load_qrels

    jobs, profiles = _load_records(str(folder / "jobs.jsonl"), str(folder / "profiles.jsonl"), "nothing was evaluated")
    graded = _qrels(str(folder / "qrels.tsv"), load_qrels)
    missing = [name for name in ("conflicts.tsv", "labels.jsonl") if not (folder / name).is_file()]
    if missing:
        _fail(f"{folder}: no {' or '.join(missing)}; a counsellor set has conflicts.tsv and labels.jsonl; nothing was evaluated")
    systems, _ = compare(artefacts.matcher, jobs, profiles, graded)
    matcher = artefacts.matcher().fit(jobs, profiles)
    conflicts = _qrels(str(folder / "conflicts.tsv"), load_conflicts)
    rows = lambda name: [json.loads(line) for line in (folder / name).read_text(encoding="utf-8").splitlines() if line.strip()]  # noqa: E731
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
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, help="Graded mode: default weights.json in the models folder.")
@click.option("--coder", is_flag=True, help="Build the occupation title coder instead (needs --csco and --titles).")
@click.option("--csco", "csco_file", type=click.Path(dir_okay=False), help="Coder: the CSCO 2022 classification (csco22.csv).")
@click.option("--titles", "titles_file", type=click.Path(dir_okay=False), help="Coder: real titles labelled with CSCO codes (csco-titles.csv).")
def train_command(jobs_file: str | None, profiles_file: str | None, qrels: str | None, output: str | None, coder: bool,
                  csco_file: str | None, titles_file: str | None):
    """Fit the score weights: from the outcomes recorded in the database (default), replacing the weights only when
    they do better on held-out residents; or, given --jobs, --profiles and --qrels, from graded files. With --coder,
    build the occupation title coder from the classification and labelled titles instead."""
    graded = [jobs_file, profiles_file, qrels]
    if coder or csco_file or titles_file:
        if any(graded) or output:
            _fail("--coder builds the title coder; give graded files in a separate run")
        if not (coder and csco_file and titles_file):
            _fail("building the title coder needs --coder, --csco FILE and --titles FILE together")
        _train_coder(csco_file, titles_file)
    elif any(graded):
        if not all(graded):
            _fail("graded training needs --jobs, --profiles and --qrels together (without them, train learns from outcomes)")
        _train_graded(jobs_file, profiles_file, qrels, output)
    else:
        if output:
            _fail("--output is for graded training; learning from outcomes writes weights.json in the models folder")
        _train_outcomes()


def _train_graded(jobs_file: str, profiles_file: str, qrels: str, output: str | None) -> None:
    from .config import DEFAULT_MODELS_DIR
    from .matching.evaluation import load_qrels
    from .matching.train import train

    jobs, profiles = _load_records(jobs_file, profiles_file, "nothing was trained")
    artefacts = _artefacts()
    description = f"{Path(jobs_file).name}, {Path(profiles_file).name}, {Path(qrels).name} ({len(jobs)} jobs, {len(profiles)} profiles)"
    model = train(artefacts.matcher, jobs, profiles, _qrels(qrels, load_qrels), description)
    target = Path(output) if output else Path(os.environ.get("JOBMATCH_MODELS_DIR") or DEFAULT_MODELS_DIR) / "weights.json"
    model.save(target)
    meta = model.metadata
    click.echo(
        f"wrote {target}: C={meta['C']}, cross-validated nDCG@5 {meta['cv_ndcg5']:.4f} "
        f"(hand-set default {meta['hand_set_default_ndcg5']:.4f}), P@1 {meta['cv_p1']:.4f}, {meta['pairs']} pairs"
    )


def _train_coder(csco_file: str, titles_file: str) -> None:
    from .config import DEFAULT_MODELS_DIR
    from .matching.artifacts import CLASSIFICATION, LEXICON, OCCUPATIONS, SYLLABLES, TITLE_CODER
    from .matching.csco_training import FOLDS, CoderDataError, build
    from .matching.lexicon import Lexicon, load_syllables
    from .matching.occupations import OccupationCoder, Taxonomy

    folder = Path(os.environ.get("JOBMATCH_MODELS_DIR") or DEFAULT_MODELS_DIR)
    taxonomy = Taxonomy.load(folder / OCCUPATIONS) if (folder / OCCUPATIONS).exists() else None

    def hints_for(classification):
        # The alias rules as they will run: the curated taxonomy with the new classification's names.
        with_codes = Taxonomy.load(folder / OCCUPATIONS, classification) if taxonomy else Taxonomy({}, classification)
        lexicon = Lexicon.load(folder / LEXICON) if (folder / LEXICON).exists() else None
        syllables = load_syllables(folder / SYLLABLES) if (folder / SYLLABLES).exists() else None
        return OccupationCoder(with_codes, lexicon, syllables).title_hints

    try:
        with click.progressbar(length=FOLDS + 1, label="cross-validating and fitting the title coder", file=sys.stderr) as bar:
            classification, coder = build(csco_file, titles_file, taxonomy, progress=bar.update, hints_for=hints_for)
        classification.save(folder / CLASSIFICATION)
        coder.save(folder / TITLE_CODER)
    except CoderDataError as err:
        _fail(f"{err}; nothing was written")
    except OSError as err:
        _fail(f"cannot write to {folder}: {err.strerror}; point JOBMATCH_MODELS_DIR at a writable copy")
    cv = coder.metadata["cross_validation"]
    used = coder.metadata["trained_on"]["titles"]
    click.echo(f"wrote {folder / CLASSIFICATION} ({len(classification)} codes) and {folder / TITLE_CODER} "
               f"({len(coder.classes_)} codes, {used['used']} labelled titles, {used['left_out']} left out)")
    click.echo(f"cross-validated top-1, split by title ({cv['folds']} folds):")
    click.echo(f"  detailed occupation {cv['mean_top1_detailed']:.4f}  by fold {' '.join(f'{a:.3f}' for a in cv['top1_detailed'])}")
    click.echo(f"  minor group         {cv['mean_top1_minor_group']:.4f}  by fold {' '.join(f'{a:.3f}' for a in cv['top1_minor_group'])}")


def _train_outcomes() -> None:
    from flask.cli import ScriptInfo

    from .db import db
    from .training import train_from_outcomes

    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    models_dir = Path(app.config["MODELS_DIR"])
    with app.app_context():
        try:
            decision, written = train_from_outcomes(db.session, models_dir)
        except OSError as err:  # e.g. a read-only models folder in a container
            _fail(f"cannot write the new weights to {models_dir}: {err.strerror}; point JOBMATCH_MODELS_DIR at a writable copy")
    m = decision.metrics
    if "candidate" in m:
        click.echo(f"held-out pairwise accuracy: current {m['current']:.3f}, new {m['candidate']:.3f}, "
                   f"gain 95% interval {m['ci95'][0]:+.3f} to {m['ci95'][1]:+.3f}")
    click.echo(decision.reason)
    if written is not None:
        click.echo(f"wrote {written} (weights {decision.model.version}); restart `jobmatch serve` to rank with them")


@main.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["staff", "office"]), required=True, help="staff: the stall; office: vacancies only.")
@click.password_option(help="At least 8 characters; asked for when not given.")
def create_user_command(username: str, role: str, password: str):
    """Create a login for the staff or office pages."""
    from .auth import create_user
    from .db import db, upgrade
    from .errors import JobmatchError

    upgrade(current_app.config["DATABASE_URL"])
    try:
        create_user(db.session, username, password, role)
    except JobmatchError as err:
        _fail(err.message)
    click.echo(f"created {role} user {username}")


@main.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from the first line of standard input.")
def set_password_command(username: str, password_stdin: bool):
    """Give USERNAME a new password (asked for twice); it unlocks the account and ends all of its sessions."""
    from .auth import find_user, set_password
    from .db import db, upgrade
    from .errors import JobmatchError

    upgrade(current_app.config["DATABASE_URL"])
    try:
        find_user(db.session, username)  # before the prompt: no password typed for a user who does not exist
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
        set_password(db.session, username, password)
    except JobmatchError as err:
        _fail(err.message)
    click.echo(f"set a new password for {username}; their sessions have ended")


@main.command("disable-user")
@click.argument("username")
@click.option("--enable", is_flag=True, help="Let a disabled user log in again.")
def disable_user_command(username: str, enable: bool):
    """Stop USERNAME from logging in and end their sessions at once; --enable undoes it."""
    from .auth import disable_user
    from .db import db, upgrade
    from .errors import JobmatchError

    upgrade(current_app.config["DATABASE_URL"])
    try:
        disable_user(db.session, username, enable=enable)
    except JobmatchError as err:
        _fail(err.message)
    click.echo(f"enabled {username}" if enable else f"disabled {username}; their sessions have ended")


@main.command("create-token")
@click.argument("name")
@click.option("--role", type=click.Choice(["staff", "office", "kiosk"]), required=True)
def create_token_command(name: str, role: str):
    """Create an API bearer token for ROLE; it is printed once and stored only as a hash."""
    from .auth import create_token
    from .db import db, upgrade
    from .errors import JobmatchError

    upgrade(current_app.config["DATABASE_URL"])
    try:
        token = create_token(db.session, name, role)
    except JobmatchError as err:
        _fail(err.message)
    click.echo(token)


@main.command("revoke-token")
@click.argument("name")
def revoke_token_command(name: str):
    """Revoke the API token called NAME; requests with it get 401 from now on."""
    from .auth import revoke_token
    from .db import db
    from .errors import JobmatchError

    try:
        revoke_token(db.session, name)
    except JobmatchError as err:
        _fail(err.message)
    click.echo(f"revoked {name}")


@main.command("purge")
@click.option("--older-than", "days", type=click.IntRange(min=1), required=True, help="Days since the profile was made.")
def purge_command(days: int):
    """Erase the personal data of profiles older than DAYS (for cron); outcomes stay, tied to no one."""
    from sqlalchemy.exc import DBAPIError

    from .auth import audit
    from .db import db
    from .erasures import ErasureLog
    from .errors import StorageUnavailable
    from .services import purge_profiles

    try:
        count = purge_profiles(db.session, days, ErasureLog.of(current_app))
    except (DBAPIError, StorageUnavailable) as err:
        _storage_failure(err, "nothing was purged")
    audit(db.session, "purge", f"{count} profiles older than {days} days")
    db.session.commit()
    click.echo(f"purged {count} profiles older than {days} days")


@main.command("recode")
@click.option("--all", "everything", is_flag=True, help="Recode every record, not only those missing a current coding.")
def recode_command(everything: bool):
    """Store the occupation coding of every vacancy and profile (after a taxonomy update); index builds then skip it."""
    from sqlalchemy import func, select

    from .db import db
    from .models import Job, Profile
    from .services import recode

    index = current_app.extensions["jobmatch.index"]
    total = sum(db.session.scalar(select(func.count()).select_from(m)) for m in (Job, Profile))
    with click.progressbar(length=total, label="recoding", file=sys.stderr) as bar:
        for done in recode(db.session, index.coder, everything):
            bar.update(done)
    click.echo(f"codings current for {total} records ({index.coder.fingerprint})")


@main.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def backup_command(file: str):
    """Write a consistent backup of the database to FILE (safe while the service runs)."""
    from .backup import BackupError, backup

    try:
        backup(current_app.config["DATABASE_URL"], file)
    except BackupError as err:
        _fail(str(err))
    click.echo(f"backed up {_safe_url(current_app.config['DATABASE_URL'])} to {file}")


@main.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore_command(file: str, yes: bool):
    """Replace the database with the backup in FILE, then erase again every resident erased since (the erasure log
    in the instance folder). Stop `jobmatch serve` first."""
    from sqlalchemy.exc import DBAPIError

    from .auth import audit
    from .backup import BackupError, restore
    from .db import db, upgrade
    from .erasures import ErasureLog
    from .errors import StorageUnavailable
    from .services import reapply_erasures

    url = current_app.config["DATABASE_URL"]
    if not yes:
        click.confirm(f"Replace everything in {_safe_url(url)} with {file}?", abort=True)
    try:
        restore(url, file)
    except BackupError as err:
        _fail(str(err))
    upgrade(url)  # an older backup has an older schema; erasing needs today's
    erasures = ErasureLog.of(current_app)
    if not erasures.path.exists():
        click.echo(f"restored {file}; no erasure log at {erasures.path}, so no resident was erased again "
                   f"(on a new machine, copy {erasures.path.name} from the old instance folder and restore again)")
        return
    try:
        count = reapply_erasures(db.session, erasures)
    except (DBAPIError, StorageUnavailable) as err:
        _storage_failure(err, f"the backup is restored, but erasing again failed: run `jobmatch restore {file}` again")
    audit(db.session, "restore", f"{Path(file).name[:50]}; {count} erased again")
    db.session.commit()
    click.echo(f"restored {file}; erased again {count} residents listed in {erasures.path}")


@main.command("print-fair")
@click.option("--fair", "fair_id", type=int, required=True, help="The fair whose residents to print.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), required=True, help="The PDF to write.")
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 20), help="Jobs per resident.")
def print_fair_command(fair_id: int, output: str, top: int):
    """One PDF of every resident of a fair, a page each, with their best jobs."""
    from sqlalchemy import select

    from .db import db
    from .errors import JobmatchError
    from .models import Profile
    from .printing import resident_shortlist, shortlists_pdf
    from .services import get_fair, record_shown, shortlist_with_ruled_out

    try:
        fair = get_fair(db.session, fair_id)
    except JobmatchError as err:
        _fail(err.message)
    index = current_app.extensions["jobmatch.index"]
    profiles = db.session.scalars(
        select(Profile).where(Profile.fair_id == fair_id, Profile.deleted_at.is_(None)).order_by(Profile.id)
    ).all()
    with click.progressbar(profiles, label=f"{fair.name}: {len(profiles)} residents", file=sys.stderr) as bar:
        shortlists, shown = [], []
        for p in bar:
            pairs, _ = shortlist_with_ruled_out(db.session, index, p.id, top=top)  # what the kiosk shows
            shortlists.append(resident_shortlist(p, pairs, fair.name))
            shown.append((p.id, pairs))
    data = shortlists_pdf(shortlists)
    Path(output).write_bytes(data)
    # Only once the file is written: these shortlists now go in front of the residents.
    for profile_id, pairs in shown:
        record_shown(db.session, profile_id, pairs, index.weights, recorder="cli")
    click.echo(f"wrote {output}: {len(shortlists)} pages")


@main.command("report")
@click.option("--fair", "fair_id", type=int, default=None, help="Report on this fair (its id).")
@click.option("--month", default=None, metavar="YYYY-MM", help="Report on this calendar month (Beijing time).")
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False, writable=True), default=None, help="Also write the one-page A4 PDF.")
@click.option("--xlsx", "xlsx_file", type=click.Path(dir_okay=False, writable=True), default=None, help="Also write the workbook.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON instead of tables.")
def report_command(fair_id: int | None, month: str | None, pdf_file: str | None, xlsx_file: str | None, as_json: bool):
    """Figures of one fair (--fair ID) or one month (--month YYYY-MM): residents, vacancies, outcomes, days to hire."""
    from .auth import audit
    from .db import db
    from .errors import JobmatchError
    from .reports import build_report, report_pdf, report_text, report_xlsx

    from marshmallow import ValidationError

    from .schemas import ReportQuery

    try:  # the same checks, and the same messages, as the report page's query
        scope = ReportQuery().load({"fair": fair_id, "month": month})
    except ValidationError as err:
        _fail("; ".join(f"{field}: {' '.join(map(str, messages))}" for field, messages in err.messages.items()))
    taxonomy = current_app.extensions["jobmatch.index"].artefacts.taxonomy
    try:
        report = build_report(db.session, taxonomy, fair_id=scope.get("fair"), month=scope.get("month"))
    except JobmatchError as err:
        _fail(err.message)
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if as_json else report_text(report))
    for path, render, kind in ((pdf_file, report_pdf, "pdf"), (xlsx_file, report_xlsx, "xlsx")):
        if path:
            try:
                Path(path).write_bytes(render(report))
            except OSError as err:
                _fail(f"cannot write {path}: {err.strerror}")
            audit(db.session, "export", f"report {report.slug} {kind}")
            db.session.commit()
            click.echo(f"wrote {path}", err=True)


@main.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=click.IntRange(1, 64), help="Default: JOBMATCH_WORKERS or 2 x cores + 1 (max 8).")
@click.option("--dev", is_flag=True, help="Werkzeug's development server with the reloader, one process, no debugger.")
def serve_command(host: str, port: int, workers: int | None, dev: bool):
    """Upgrade the database, then serve the app with gunicorn."""
    from .db import upgrade

    upgrade(current_app.config["DATABASE_URL"])
    if dev:
        from werkzeug.serving import run_simple

        # app.run() refuses to start inside the flask/click CLI, so the development server is started directly.
        # No interactive debugger: it would run any code for anyone who reaches the port.
        click.echo(f"development server on http://{host}:{port} (one process, reloads on code changes)", err=True)
        run_simple(host, port, current_app._get_current_object(), use_reloader=True, use_debugger=False, threaded=True)
        return
    workers = workers or int(os.environ.get("JOBMATCH_WORKERS") or _default_workers())
    # Workers must find the same instance folder (database, secret) as this command did.
    os.environ.setdefault("JOBMATCH_INSTANCE_PATH", current_app.instance_path)
    args = [
        sys.executable, "-m", "gunicorn",
        "--config", "python:jobmatch.gunicorn_conf",
        "--workers", str(workers),
        "--bind", f"{host}:{port}",
        "--access-logfile", "-",
        # Paths and status only: no query strings, no user agents.
        "--access-logformat", '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms',
        "jobmatch:create_app()",
    ]
    click.echo(f"serving on http://{host}:{port} with {workers} workers", err=True)
    os.execv(sys.executable, args)


def _storage_failure(err, consequence: str) -> None:
    """Exit with the storage's own reason, never SQL or its parameters (which may name residents)."""
    from .errors import StorageUnavailable, database_reason

    _fail(f"{err.reason if isinstance(err, StorageUnavailable) else database_reason(err.orig)}; {consequence}")


def _load_batch(path: str, kind: str, consequence: str) -> list[dict]:
    """Validated records of one batch file, each with its id; exits with the line and field of the first error."""
    from .batch import BatchError, read_jsonl
    from .schemas import JobSchema, ProfileSchema

    try:
        records = read_jsonl(path, JobSchema() if kind == "job" else ProfileSchema())
    except BatchError as err:
        _fail(f"{err} ({consequence})")
    for number, record in enumerate(records, start=1):
        if not record.get("external_id"):
            _fail(f"{path}: record {number}: field 'id': every {kind} needs an id ({consequence})")
    return [{**record, "id": record["external_id"]} for record in records]


def _load_jobs(jobs_file: str, consequence: str):
    from .matching import job_from_dict

    return [job_from_dict(j) for j in _load_batch(jobs_file, "job", consequence)]


def _load_records(jobs_file: str, profiles_file: str, consequence: str):
    """Validated job and profile records from two batch files."""
    from .matching import profile_from_dict

    jobs = _load_jobs(jobs_file, consequence)
    return jobs, [profile_from_dict(p) for p in _load_batch(profiles_file, "profile", consequence)]


def _qrels(path: str, load):
    try:
        return load(path)
    except ValueError as err:
        _fail(str(err))


def _artefacts():
    from .config import DEFAULT_MODELS_DIR
    from .matching.artifacts import Artefacts

    return Artefacts.load(os.environ.get("JOBMATCH_MODELS_DIR") or DEFAULT_MODELS_DIR)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
