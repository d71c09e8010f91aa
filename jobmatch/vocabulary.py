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

# The Chinese a person reads for a value, where people type or pick it: a refused value lists these (schemas/messages).
# printing.py and the pages print shifts and availabilities with the same words.
SHIFT_LABELS = {
    "day": "白班",
    "two_shift": "两班倒",
    "three_shift": "三班倒",
    "part_time": "钟点/半天",
    "flexible": "时间灵活",
}
WAGE_UNIT_LABELS = {"month": "月", "day": "天", "hour": "小时"}  # as the import's 工资单位 column reads them
AVAILABILITY_LABELS = {"any": "都可以", "day_only": "只上白班", "part_time": "只做零工/半天"}
