"""Marshmallow schemas shared by the JSON API, the JSONL batch files, the importer, the CLI and the pages.

Each module holds one subject; every name the rest of jobmatch uses is re-exported here, so `from jobmatch.schemas
import JobSchema` and `schemas.JobOut` keep working. The OpenAPI document names its components after the classes.
"""

from .employers import EmployerOut, EmployerSchema, FairOut, FairSchema
from .fields import (
    ID_RANGE,
    IDEMPOTENCY_KEY,
    MAX_ID,
    MAX_WAGE,
    MONTH,
    DemandList,
    Phone,
    StrictSchema,
    Text,
    normalise_phone,
)
from .forms import KIOSK_AVAILABILITY, KIOSK_LICENCES, REACH_KM, KioskForm, OutcomeForm
from .jobs import JobCreateSchema, JobOut, JobSchema
from .matches import JobMatchesOut, JobMatchOut, ProfileMatchesOut, ProfileMatchOut
from .messages import CONTROL_CHARACTERS, PHONE_ERROR, TOO_LONG, Message, chinese_of
from .outcomes import OutcomeOut, OutcomeSchema
from .profiles import ProfileCreateSchema, ProfileOut, ProfileSchema
from .queries import (
    MAX_PAGE,
    EmployerQuery,
    JobMatchQuery,
    JobQuery,
    OutcomeQuery,
    PageNumber,
    PageQuery,
    ProfileMatchQuery,
    ProfileQuery,
    ReportQuery,
    TicketMatchQuery,
)
from .responses import AuditOut, ErrorBody, ErrorOut, HealthOut, page_schema

__all__ = [
    "AuditOut",
    "CONTROL_CHARACTERS",
    "DemandList",
    "EmployerOut",
    "EmployerQuery",
    "EmployerSchema",
    "ErrorBody",
    "ErrorOut",
    "FairOut",
    "FairSchema",
    "HealthOut",
    "IDEMPOTENCY_KEY",
    "ID_RANGE",
    "JobCreateSchema",
    "JobMatchOut",
    "JobMatchQuery",
    "JobMatchesOut",
    "JobOut",
    "JobQuery",
    "JobSchema",
    "KIOSK_AVAILABILITY",
    "KIOSK_LICENCES",
    "KioskForm",
    "MAX_ID",
    "MAX_PAGE",
    "MAX_WAGE",
    "MONTH",
    "Message",
    "OutcomeForm",
    "OutcomeOut",
    "OutcomeQuery",
    "OutcomeSchema",
    "PHONE_ERROR",
    "PageNumber",
    "PageQuery",
    "Phone",
    "ProfileCreateSchema",
    "ProfileMatchOut",
    "ProfileMatchQuery",
    "ProfileMatchesOut",
    "ProfileOut",
    "ProfileQuery",
    "ProfileSchema",
    "REACH_KM",
    "ReportQuery",
    "StrictSchema",
    "Text",
    "TOO_LONG",
    "TicketMatchQuery",
    "chinese_of",
    "normalise_phone",
    "page_schema",
]
