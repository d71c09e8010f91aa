"""Logins for the staff and office pages, API tokens, who may open what, and the audit trail.

Callers import every name from `jobmatch.auth`; each lives in one of:
- tokens.py: API tokens, and the role of the request's bearer token;
- users.py: accounts and their passwords;
- logins.py: logging in, and the lock that follows wrong passwords in a row;
- sessions.py: login sessions, and the user of this request;
- actors.py: who acts, for the outcome trail and the audit trail (`audit`);
- access.py: the roles' grants, the page and API access decorators, and the checks against other sites.
"""

from .access import (
    ACCESS_LEVELS,
    ROLE_GRANTS,
    api_access,
    from_this_site,
    local_target,
    login_required,
    page_access,
    refuse_cross_site,
)
from .actors import api_recorder, audit, page_recorder
from .logins import LOCK_AFTER, LOCK_FIRST, LOCK_MAX, UNKNOWN_NAME_MEMORY, log_in
from .sessions import (
    SESSION_IDLE,
    SESSION_KEY,
    SESSION_TOUCH,
    close_session,
    current_user,
    end_sessions,
    open_session,
    session_user,
)
from .tokens import api_role, create_token, live_token, revoke_token, token_role
from .users import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    change_password,
    create_user,
    disable_user,
    find_user,
    password_problem,
    set_password,
)

__all__ = [
    "ACCESS_LEVELS",
    "LOCK_AFTER",
    "LOCK_FIRST",
    "LOCK_MAX",
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "ROLE_GRANTS",
    "SESSION_IDLE",
    "SESSION_KEY",
    "SESSION_TOUCH",
    "UNKNOWN_NAME_MEMORY",
    "api_access",
    "api_recorder",
    "api_role",
    "audit",
    "change_password",
    "close_session",
    "create_token",
    "create_user",
    "current_user",
    "disable_user",
    "end_sessions",
    "find_user",
    "from_this_site",
    "live_token",
    "local_target",
    "log_in",
    "login_required",
    "open_session",
    "page_access",
    "page_recorder",
    "password_problem",
    "refuse_cross_site",
    "revoke_token",
    "session_user",
    "set_password",
    "token_role",
]
