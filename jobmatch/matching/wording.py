"""A reason in its two wordings. The kiosk and the shortlist handed to the resident speak to them ("超出您能去的 10
公里"); stall staff's pages speak about them ("超出居民能去的 10 公里"). Only the person differs, so a reason that
names the resident is written once, as a function of the person."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

# Who the reason names: the resident addressed, or the resident spoken of to staff.
TO_RESIDENT = "您"
ABOUT_RESIDENT = "居民"


class Reason(NamedTuple):
    to_resident: str
    about_resident: str


def naming_the_resident(words: Callable[[str], str]) -> Reason:
    """`words(person)` in both wordings."""
    return Reason(words(TO_RESIDENT), words(ABOUT_RESIDENT))


def plain(text: str) -> Reason:
    """A reason that names nobody reads the same to either."""
    return Reason(text, text)
