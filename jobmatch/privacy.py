"""Masking a resident's phone and name for lists, prints and the kiosk (plain Python, no Flask)."""

from __future__ import annotations

import re

from .text import strip_pictographs


def mask_phone(phone: str | None) -> str | None:
    """138****5678: enough for a resident to recognise, not enough to call."""
    if not phone:
        return phone
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_name(name: str | None) -> str:
    """王桂兰 -> 王*兰, 李强 -> 李*; decorations are left out first (王阿姨🌸 -> 王*姨)."""
    name = "".join(strip_pictographs(name or "").split())
    if not name:
        return ""
    return name[0] + "*" if len(name) <= 2 else name[0] + "*" * (len(name) - 2) + name[-1]
