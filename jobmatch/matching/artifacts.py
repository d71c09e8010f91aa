"""The shipped artefacts in models/: gazetteer, occupation taxonomy, the classification and its title coder, weights."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from .csco import Classification, TitleCoder
from .fit import FitScale
from .lexicon import Lexicon, load_syllables
from .matcher import Matcher
from .model import ScoreModel, default_model
from .occupations import OccupationCoder
from .places import Gazetteer
from .taxonomy import Taxonomy

log = logging.getLogger(__name__)

PLACES, OCCUPATIONS, WEIGHTS, LEXICON, SYLLABLES = (
    "places.json",
    "occupations.json",
    "weights.json",
    "lexicon.npz",
    "syllables.json",
)
CLASSIFICATION, TITLE_CODER, FIT = "csco.json", "title_coder.npz", "fit.json"
ALL = (PLACES, OCCUPATIONS, WEIGHTS, LEXICON, SYLLABLES, CLASSIFICATION, TITLE_CODER, FIT)


class MissingArtefacts(FileNotFoundError):
    """The models folder lacks files the matcher needs, and running without them was not allowed."""


@dataclass
class Artefacts:
    gazetteer: Gazetteer
    taxonomy: Taxonomy
    model: ScoreModel
    lexicon: Lexicon = field(default_factory=Lexicon.empty)
    syllables: dict[str, str] = field(default_factory=dict)
    title_coder: TitleCoder | None = None
    fit: FitScale = field(default_factory=FitScale)
    _coder: OccupationCoder | None = field(default=None, repr=False)

    @classmethod
    def load(cls, models_dir: str | Path, required: bool = False) -> Artefacts:
        """The artefacts in `models_dir`. A missing file is a warning and a fallback (no places, no occupations,
        hand-set weights), unless `required`: then it is MissingArtefacts, naming the folder and the files."""
        folder = Path(models_dir)
        missing = [name for name in ALL if not (folder / name).exists()]
        if missing and required:
            raise MissingArtefacts(
                f"the models folder {folder} lacks {', '.join(missing)}: without them matching would rank with no "
                f"places, no occupations or hand-set weights. Reinstall jobmatch, or point JOBMATCH_MODELS_DIR at a "
                f"folder holding them (the repository's models/)"
            )
        if missing:
            log.warning("models folder %s lacks %s: matching runs without them", folder, ", ".join(missing))
        classification = Classification.load(folder / CLASSIFICATION) if (folder / CLASSIFICATION).exists() else None
        return cls(
            gazetteer=Gazetteer.load(folder / PLACES) if (folder / PLACES).exists() else Gazetteer.empty(),
            taxonomy=Taxonomy.load(folder / OCCUPATIONS, classification)
            if (folder / OCCUPATIONS).exists()
            else Taxonomy.empty(),
            model=ScoreModel.load(folder / WEIGHTS) if (folder / WEIGHTS).exists() else default_model(),
            lexicon=Lexicon.load(folder / LEXICON) if (folder / LEXICON).exists() else Lexicon.empty(),
            syllables=load_syllables(folder / SYLLABLES) if (folder / SYLLABLES).exists() else {},
            title_coder=TitleCoder.load(folder / TITLE_CODER) if (folder / TITLE_CODER).exists() else None,
            fit=FitScale.load(folder / FIT) if (folder / FIT).exists() else FitScale(),
        )

    @property
    def coder(self) -> OccupationCoder:
        if self._coder is None:
            self._coder = OccupationCoder(self.taxonomy, self.lexicon, self.syllables, title_coder=self.title_coder)
        return self._coder

    def matcher(self, model: ScoreModel | None = None, **options) -> Matcher:
        return Matcher(
            model=model or self.model, gazetteer=self.gazetteer, coder=self.coder, fit_scale=self.fit, **options
        )
