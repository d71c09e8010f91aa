"""Text folding lives with the model (`jobmatch.matching.text`), which imports nothing from the rest of jobmatch; this
name stays for the pages, prints and reports that fold text too."""

from .matching.text import *  # noqa: F401,F403
from .matching.text import PICTOGRAPHS, normalise, strip_pictographs  # noqa: F401  (named for readers and linters)
