"""Reading what a vacancy demands and what a resident says they cannot do, hold or lack.

A counsellor weighs more than occupation and pay: heavy work, standing all shift, a driving-licence class, a
special-operations certificate, reading and writing, a computer, experience. Employers state these in passing
("一包五十斤", "持证上岗", "有证优先"); residents state them indirectly ("前年腰椎间盘突出", "驾照去年刚拿的C本",
"开过铲车但没证").

- `read_demands(title, description)` (vacancy.py): each demand with whether it is required or only a plus, and the words
  that said it.
- `read_limits(experience, desired)` (resident.py): what the resident cannot do (limits), holds, lacks, and whether they
  are new to the work they want.
- `covers(held, demanded)` (labels.py), `unmet(demands, limits)` (judging.py): which required demands the resident said
  they cannot meet, with the reason in plain Chinese.
- `score_reading(jobs, profiles, labels)` (scoring.py): precision and recall per label against a graded set's labels.

The records read are in records.py, the label vocabulary and its names in labels.py, the folded text with the way back
to the words in folding.py, and the licence and certificate phrases both readers share in credentials.py.

Plain Python: text is folded like the rest of the matcher (NFKC, simplified script, lower case), but every match keeps
its place in the original text so the words shown are the words written. A demand or limit nobody stated reads as
nothing.
"""

from .judging import Unmet, unmet
from .labels import (
    CERTIFICATES,
    CREDENTIALS,
    DEMAND_CHOICES,
    DEMAND_LABELS,
    DEMAND_NAMES,
    LACK_WORDS,
    LICENCE_CLASSES,
    LIMIT_LABELS,
    LIMIT_NAMES,
    TAP_WORDS,
    covers,
    demand_name,
)
from .records import Demand, Demands, Limits, Said, describe_demands
from .resident import read_limits
from .scoring import score_reading
from .vacancy import read_demands

__all__ = [
    "CERTIFICATES",
    "CREDENTIALS",
    "DEMAND_CHOICES",
    "DEMAND_LABELS",
    "DEMAND_NAMES",
    "LACK_WORDS",
    "LICENCE_CLASSES",
    "LIMIT_LABELS",
    "LIMIT_NAMES",
    "TAP_WORDS",
    "Demand",
    "Demands",
    "Limits",
    "Said",
    "Unmet",
    "covers",
    "demand_name",
    "describe_demands",
    "read_demands",
    "read_limits",
    "score_reading",
    "unmet",
]
