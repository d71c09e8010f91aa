"""The closed lists of values the records use, shared by the models and the schemas (no database import)."""

# Record ids are 32-bit integers on every backend; a larger number cannot name a record.
MAX_ID = 2**31 - 1

SHIFTS = ("day", "two_shift", "three_shift", "part_time", "flexible")
WAGE_UNITS = ("month", "day", "hour")
AVAILABILITIES = ("any", "day_only", "part_time")
OUTCOME_STATUSES = ("shown", "contacted", "interviewed", "hired", "declined_by_resident", "declined_by_firm", "no_show")
ROLES = ("office", "staff")
TOKEN_ROLES = ("office", "staff", "kiosk")
# The steps staff record with a button; "shown" is recorded when a shortlist is printed or shown at the kiosk.
STAFF_STEPS = tuple(s for s in OUTCOME_STATUSES if s != "shown")
