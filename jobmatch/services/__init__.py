"""Every operation on the data: the API, the pages and the CLI parse, call one of these and serialise.

One module per subject; everything is re-exported here, so callers write `services.create_job(...)`.
A service writes and flushes but never commits: the caller owns the transaction and ends it with
`services.commit(session)`, once, together with its audit event.
"""

from ..matching.postings import (
    FIELD_GROUPS,  # the office's job form groups its fields the way the reader fills them
)
from .changes import (
    CHANGE_LOG_KEPT,
    MATCHING_VERSION,
    bump_version,
    read_version,
    recode,
    record_count,
    store_coding,
    track_changes,
)
from .employers import (
    create_employer,
    employer_by_name,
    get_employer,
    list_employers,
    update_employer,
)
from .fairs import create_fair, fair_of, get_fair, list_fairs
from .index import LOAD_CHUNK, REBUILD_SHARE, MatchIndex, job_record, profile_record
from .jobs import (
    close_job,
    create_job,
    demands_summary,
    every_job,
    fill_from_text,
    get_job,
    given_groups,
    import_jobs,
    job_demands_of,
    jobs_by_id,
    list_jobs,
    preview_summary,
    text_summary,
    update_job,
    words_demand,
)
from .outcomes import (
    UNDO_WINDOW_MINUTES,
    every_outcome,
    latest_steps,
    list_outcomes,
    pair_status,
    profiles_under_way,
    record_outcome,
    record_shown,
    undo_outcome,
    undoable,
)
from .paging import Page, get_or_not_found, paginate
from .profiles import (
    TICKET_ALPHABET,
    TICKET_LENGTH,
    check_kiosk_place,
    create_kiosk_profile,
    create_profile,
    delete_profile,
    get_profile,
    list_profiles,
    new_ticket,
    profile_by_ticket,
    profile_columns,
    purge_profiles,
    reapply_erasures,
    residents_of_fair,
    scoped_key,
    search_profiles,
    submission_digest,
)
from .ranking import (
    Ranker,
    jobs_for_profile,
    profiles_for_job,
    shortlist_with_ruled_out,
)
from .system import beat, database_alive, list_audit, usernames
from .transaction import commit

__all__ = [
    "FIELD_GROUPS",
    # changes
    "CHANGE_LOG_KEPT",
    "MATCHING_VERSION",
    "bump_version",
    "read_version",
    "record_count",
    "recode",
    "store_coding",
    "track_changes",
    # employers
    "create_employer",
    "employer_by_name",
    "get_employer",
    "list_employers",
    "update_employer",
    # fairs
    "create_fair",
    "fair_of",
    "get_fair",
    "list_fairs",
    # index
    "LOAD_CHUNK",
    "REBUILD_SHARE",
    "MatchIndex",
    "job_record",
    "profile_record",
    # jobs
    "close_job",
    "create_job",
    "demands_summary",
    "every_job",
    "fill_from_text",
    "get_job",
    "given_groups",
    "import_jobs",
    "job_demands_of",
    "jobs_by_id",
    "list_jobs",
    "preview_summary",
    "text_summary",
    "update_job",
    "words_demand",
    # outcomes
    "UNDO_WINDOW_MINUTES",
    "every_outcome",
    "latest_steps",
    "list_outcomes",
    "pair_status",
    "profiles_under_way",
    "record_outcome",
    "record_shown",
    "undo_outcome",
    "undoable",
    # paging
    "Page",
    "get_or_not_found",
    "paginate",
    # profiles
    "TICKET_ALPHABET",
    "TICKET_LENGTH",
    "check_kiosk_place",
    "create_kiosk_profile",
    "create_profile",
    "delete_profile",
    "get_profile",
    "list_profiles",
    "new_ticket",
    "profile_by_ticket",
    "profile_columns",
    "purge_profiles",
    "reapply_erasures",
    "residents_of_fair",
    "scoped_key",
    "search_profiles",
    "submission_digest",
    # ranking
    "Ranker",
    "jobs_for_profile",
    "profiles_for_job",
    "shortlist_with_ruled_out",
    # system
    "beat",
    "database_alive",
    "list_audit",
    "usernames",
    # transaction
    "commit",
]
