"""What the database holds: demo, import-jobs, recode, purge, backup, restore, print-fair and report.

The imports inside the commands stay there because every command module loads with every command (rank too); the
figure beside them is their cost on top of `import jobmatch.cli` (python -X importtime, median of 5).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app

from .base import fail, main, safe_url


@main.command("demo")
def demo_command():
    """Load the demo fair (Dongliu town): vacancies, resident profiles and the outcomes recorded after it."""
    # lazy: 1.1 s for these
    from ..db import db, upgrade
    from ..demo import load_demo

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
    # lazy: 1.2 s for these
    from ..auth import audit
    from ..batch import BatchError, read_jsonl
    from ..db import db
    from ..errors import JobmatchError
    from ..schemas import JobCreateSchema
    from ..services import commit, import_jobs

    try:
        rows = read_jsonl(file, JobCreateSchema())
        audit(db.session, "import", f"{len(rows)} rows from {Path(file).name}"[:80])
        counts = import_jobs(db.session, rows, fair_id=fair_id)
    except BatchError as err:
        fail(f"{err} (nothing was imported)")
    except JobmatchError as err:
        db.session.rollback()
        fail(f"{err.message} {err.fields} (nothing was imported)")
    commit(db.session)
    click.echo(f"imported {file}: {counts['created']} created, {counts['updated']} updated")


@main.command("purge")
@click.option(
    "--older-than", "days", type=click.IntRange(min=1), required=True, help="Days since the profile was made."
)
def purge_command(days: int):
    """Erase the personal data of profiles older than DAYS (for cron); outcomes stay, tied to no one."""
    # lazy: 0.8 s for these
    from sqlalchemy.exc import DBAPIError

    from ..auth import audit
    from ..db import db
    from ..erasures import ErasureLog
    from ..errors import StorageUnavailable
    from ..services import commit, purge_profiles

    try:
        count = purge_profiles(db.session, days, ErasureLog.of(current_app))
        audit(db.session, "purge", f"{count} profiles older than {days} days")
        commit(db.session)
    except (DBAPIError, StorageUnavailable) as err:
        _storage_failure(err, "nothing was purged")
    click.echo(f"purged {count} profiles older than {days} days")


@main.command("recode")
@click.option("--all", "everything", is_flag=True, help="Recode every record, not only those missing a current coding.")
def recode_command(everything: bool):
    """Store the occupation coding of every vacancy and profile (after a taxonomy update); index builds then skip it."""
    # lazy: 0.7 s for these
    from ..db import db
    from ..services import commit, recode, record_count

    index = current_app.extensions["jobmatch.index"]
    total = record_count(db.session)
    with click.progressbar(length=total, label="recoding", file=sys.stderr) as bar:
        for done in recode(db.session, index.coder, everything):
            commit(db.session)  # batch by batch: an interrupted recode keeps what it did
            bar.update(done)
    click.echo(f"codings current for {total} records ({index.coder.fingerprint})")


@main.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def backup_command(file: str):
    """Write a consistent backup of the database to FILE (safe while the service runs)."""
    # lazy: 0.25 s
    from ..backup import BackupError, backup

    try:
        backup(current_app.config["DATABASE_URL"], file)
    except BackupError as err:
        fail(str(err))
    click.echo(f"backed up {safe_url(current_app.config['DATABASE_URL'])} to {file}")


@main.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore_command(file: str, yes: bool):
    """Replace the database with the backup in FILE, then erase again every resident erased since (the erasure log
    in the instance folder). Stop `jobmatch serve` first."""
    # lazy: 0.75 s for these
    from sqlalchemy.exc import DBAPIError

    from ..auth import audit
    from ..backup import BackupError, restore
    from ..db import db, upgrade
    from ..erasures import ErasureLog
    from ..errors import StorageUnavailable
    from ..services import commit, reapply_erasures

    url = current_app.config["DATABASE_URL"]
    if not yes:
        click.confirm(f"Replace everything in {safe_url(url)} with {file}?", abort=True)
    try:
        restore(url, file)
    except BackupError as err:
        fail(str(err))
    upgrade(url)  # an older backup has an older schema; erasing needs today's
    erasures = ErasureLog.of(current_app)
    if not erasures.path.exists():
        click.echo(
            f"restored {file}; no erasure log at {erasures.path}, so no resident was erased again "
            f"(on a new machine, copy {erasures.path.name} from the old instance folder and restore again)"
        )
        return
    try:
        count = reapply_erasures(db.session, erasures)
        audit(db.session, "restore", f"{Path(file).name[:50]}; {count} erased again")
        commit(db.session)
    except (DBAPIError, StorageUnavailable) as err:
        _storage_failure(err, f"the backup is restored, but erasing again failed: run `jobmatch restore {file}` again")
    click.echo(f"restored {file}; erased again {count} residents listed in {erasures.path}")


@main.command("print-fair")
@click.option("--fair", "fair_id", type=int, required=True, help="The fair whose residents to print.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), required=True, help="The PDF to write.")
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 20), help="Jobs per resident.")
def print_fair_command(fair_id: int, output: str, top: int):
    """One PDF of every resident of a fair, a page each, with their best jobs."""
    # lazy: 0.8 s for these
    from ..db import db
    from ..errors import JobmatchError
    from ..printing import resident_shortlist, shortlists_pdf
    from ..services import commit, get_fair, record_shown, residents_of_fair, shortlist_with_ruled_out

    try:
        fair = get_fair(db.session, fair_id)
    except JobmatchError as err:
        fail(err.message)
    index = current_app.extensions["jobmatch.index"]
    profiles = residents_of_fair(db.session, fair_id)
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
    commit(db.session)
    click.echo(f"wrote {output}: {len(shortlists)} pages")


@main.command("report")
@click.option("--fair", "fair_id", type=int, default=None, help="Report on this fair (its id).")
@click.option("--month", default=None, metavar="YYYY-MM", help="Report on this calendar month (Beijing time).")
@click.option(
    "--pdf",
    "pdf_file",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Also write the one-page A4 PDF.",
)
@click.option(
    "--xlsx", "xlsx_file", type=click.Path(dir_okay=False, writable=True), default=None, help="Also write the workbook."
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON instead of tables.")
def report_command(fair_id: int | None, month: str | None, pdf_file: str | None, xlsx_file: str | None, as_json: bool):
    """Figures of one fair (--fair ID) or one month (--month YYYY-MM): residents, vacancies, outcomes, days to hire."""
    # lazy: 0.9 s for these
    from marshmallow import ValidationError

    from ..auth import audit
    from ..db import db
    from ..errors import JobmatchError, in_both
    from ..reports import build_report, report_pdf, report_text, report_xlsx
    from ..schemas import ReportQuery, chinese_of
    from ..services import commit

    try:  # the same checks, and the same messages, as the report page's query
        scope = ReportQuery().load({"fair": fair_id, "month": month})
    except ValidationError as err:
        said = {
            field: " ".join(in_both(chinese_of(m), m) for m in messages)
            for field, messages in err.messages_dict.items()
        }
        fail("; ".join(f"{field}: {text}" for field, text in said.items()))
    taxonomy = current_app.extensions["jobmatch.index"].artefacts.taxonomy
    try:
        report = build_report(db.session, taxonomy, fair_id=scope.get("fair"), month=scope.get("month"))
    except JobmatchError as err:
        fail(err.message)
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if as_json else report_text(report))
    for path, render, kind in ((pdf_file, report_pdf, "pdf"), (xlsx_file, report_xlsx, "xlsx")):
        if path:
            try:
                Path(path).write_bytes(render(report))
            except OSError as err:
                fail(f"cannot write {path}: {err.strerror}")
            audit(db.session, "export", f"report {report.slug} {kind}")
            commit(db.session)
            click.echo(f"wrote {path}", err=True)


def _storage_failure(err, consequence: str) -> None:
    """Exit with the storage's own reason, never SQL or its parameters (which may name residents)."""
    # lazy: 0.3 s
    from ..errors import StorageUnavailable, database_reason

    fail(f"{err.reason if isinstance(err, StorageUnavailable) else database_reason(err.orig)}; {consequence}")
