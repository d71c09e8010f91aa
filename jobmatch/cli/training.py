"""`jobmatch train`: the score weights from recorded outcomes or graded files, or the occupation title coder.

The imports inside the functions stay there because every command module loads with every command; the figure beside
them is their cost on top of `import jobmatch.cli` (python -X importtime, median of 5).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import ScriptInfo

from .base import fail, main
from .batchfiles import load_artefacts, load_records, models_dir, qrels_or_fail


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
                "graded training needs --jobs, --profiles and --qrels together "
                "(without them, train learns from outcomes)"
            )
        _train_graded(jobs_file, profiles_file, qrels, output)
    else:
        if output:
            fail("--output is for graded training; learning from outcomes writes weights.json in the models folder")
        _train_outcomes()


def _train_graded(jobs_file: str, profiles_file: str, qrels: str, output: str | None) -> None:
    # lazy: 0.4 s for these
    from ..matching.fitting.evaluation import load_qrels
    from ..matching.fitting.graded import train

    jobs, profiles = load_records(jobs_file, profiles_file, "nothing was trained")
    artefacts = load_artefacts()
    files = ", ".join(Path(name).name for name in (jobs_file, profiles_file, qrels))
    description = f"{files} ({len(jobs)} jobs, {len(profiles)} profiles)"
    model = train(artefacts.matcher, jobs, profiles, qrels_or_fail(qrels, load_qrels), description)
    target = Path(output) if output else Path(models_dir()) / "weights.json"
    model.save(target)
    meta = model.metadata
    click.echo(
        f"wrote {target}: C={meta['C']}, cross-validated nDCG@5 {meta['cv_ndcg5']:.4f} "
        f"(hand-set default {meta['hand_set_default_ndcg5']:.4f}), P@1 {meta['cv_p1']:.4f}, {meta['pairs']} pairs"
    )


def _train_coder(csco_file: str, titles_file: str) -> None:
    # lazy: 0.4 s for these
    from ..matching.artifacts import CLASSIFICATION, LEXICON, OCCUPATIONS, SYLLABLES, TITLE_CODER
    from ..matching.fitting.coder import FOLDS, CoderDataError, build
    from ..matching.lexicon import Lexicon, load_syllables
    from ..matching.occupations import OccupationCoder, Taxonomy

    folder = Path(models_dir())
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
    click.echo(f"  detailed occupation {cv['mean_top1_detailed']:.4f}  by fold {_folds(cv['top1_detailed'])}")
    click.echo(f"  minor group         {cv['mean_top1_minor_group']:.4f}  by fold {_folds(cv['top1_minor_group'])}")


def _train_outcomes() -> None:
    # lazy: 0.8 s for these
    from ..db import db
    from ..services.training import train_from_outcomes

    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    folder = Path(app.config["MODELS_DIR"])
    with app.app_context():
        try:
            decision, written = train_from_outcomes(db.session, folder)
        except OSError as err:  # e.g. a read-only models folder in a container
            fail(
                f"cannot write the new weights to {folder}: {err.strerror}; "
                "point JOBMATCH_MODELS_DIR at a writable copy"
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


def _folds(figures) -> str:
    return " ".join(f"{a:.3f}" for a in figures)
