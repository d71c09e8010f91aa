"""The kinds of work the kiosk offers as buttons, and the occupations they stand for: what a resident may tap instead
of typing, through the kiosk's form or the API."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WorkKind:
    """A kind of work the kiosk offers as a button: its label, and the taxonomy's occupations it stands for (their
    names, as models/occupations.json spells them: the matcher reads them like typed words)."""

    key: str
    label: str
    occupations: tuple[str, ...]


# The common work of the fair's residents (50 to 65, many of whom type little), each one or two occupations: the
# matcher keeps a resident's three strongest, so a button that stood for many would crowd out the others tapped.
WORK_KINDS = (
    WorkKind("sewing", "缝纫/服装", ("缝纫工",)),
    WorkKind("packing", "包装/普工", ("包装工", "普工")),
    WorkKind("cleaning", "保洁", ("保洁员",)),
    WorkKind("guard", "保安/看门", ("保安", "门卫")),
    WorkKind("kitchen", "厨房/食堂", ("帮厨", "食堂炊事员")),
    WorkKind("restaurant", "饭店服务员/洗碗", ("餐厅服务员", "洗碗工")),
    WorkKind("loading", "搬运/装卸", ("装卸工",)),
    WorkKind("driving", "开车", ("送货司机", "货车司机")),
    WorkKind("warehouse", "仓库/分拣", ("仓管员", "分拣员")),
    WorkKind("elderly", "照顾老人/陪护", ("养老护理员", "护工")),
    WorkKind("childcare", "带孩子/保姆", ("保姆", "育儿嫂/保育员")),
    WorkKind("farming", "种地/采茶", ("采茶工", "农业工人")),
    WorkKind("machines", "工厂看机器", ("机台操作工", "注塑工")),
    WorkKind("shop", "超市/收银", ("收银员", "理货员")),
    WorkKind("greening", "绿化", ("绿化工",)),
    WorkKind("handwork", "手工活", ("在家手工活", "钉珠绣花工")),
)
WORK_KIND_KEYS = tuple(kind.key for kind in WORK_KINDS)


def occupations_of(keys) -> list[str]:
    """The occupations the tapped kinds stand for, in the buttons' order, each once."""
    chosen = set(keys)
    return list(dict.fromkeys(o for kind in WORK_KINDS if kind.key in chosen for o in kind.occupations))


# Every occupation a tap can stand for: what a profile's experience_occupations and desired_occupations may hold.
TAPPABLE_OCCUPATIONS = tuple(dict.fromkeys(o for kind in WORK_KINDS for o in kind.occupations))
