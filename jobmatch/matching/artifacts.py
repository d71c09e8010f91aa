"""The shipped artefacts in models/: gazetteer, occupation taxonomy and fitted weights."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .matcher import Matcher
from .model import ScoreModel, default_model
from .occupations import Taxonomy
from .places import Gazetteer

log = logging.getLogger(__name__)

PLACES, OCCUPATIONS, WEIGHTS = "places.json", "occupations.json", "weights.json"


@dataclass
class Artefacts:
    gazetteer: Gazetteer
    taxonomy: Taxonomy
    model: ScoreModel

    @classmethod
    def load(cls, models_dir: str | Path) -> Artefacts:
        folder = Path(models_dir)
        missing = [name for name in (PLACES, OCCUPATIONS, WEIGHTS) if not (folder / name).exists()]
        if missing:
            log.warning("models folder %s lacks %s: matching runs without them", folder, ", ".join(missing))
        return cls(
            gazetteer=Gazetteer.load(folder / PLACES) if (folder / PLACES).exists() else Gazetteer.empty(),
            taxonomy=Taxonomy.load(folder / OCCUPATIONS) if (folder / OCCUPATIONS).exists() else Taxonomy.empty(),
            model=ScoreModel.load(folder / WEIGHTS) if (folder / WEIGHTS).exists() else default_model(),
        )

    def matcher(self, model: ScoreModel | None = None) -> Matcher:
        return Matcher(model=model or self.model, gazetteer=self.gazetteer, taxonomy=self.taxonomy)
