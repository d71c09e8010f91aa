"""The `jobmatch` command. `main` is the click group (base.py); each module beside it adds a group of commands:

- server.py: init-db and serve;
- data.py: the database's contents: demo, import-jobs, recode, purge, backup, restore, print-fair and report;
- access.py: logins and API tokens;
- model.py: the model's commands, which read batch files: rank, evaluate and calibrate-fit;
- training.py: train (the weights from outcomes or graded files, or the title coder);
- batchfiles.py: reading the batch files and artefacts the model's commands take.
"""

from . import access, data, model, server, training  # noqa: F401  (importing them adds their commands to main)
from .base import main

__all__ = ["main"]
