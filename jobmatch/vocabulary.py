"""The closed lists of values the records use, shared by the models and the schemas (no database import)."""

SHIFTS = ("day", "two_shift", "three_shift", "part_time", "flexible")
WAGE_UNITS = ("month", "day", "hour")
AVAILABILITIES = ("any", "day_only", "part_time")
OUTCOME_STATUSES = ("shown", "contacted", "interviewed", "hired", "declined", "no_show")
ROLES = ("office", "staff")
TOKEN_ROLES = ("office", "staff", "kiosk")
