"""What a vacancy demands: `read_demands(title, description)`, each demand required or a plus, with its words."""

from __future__ import annotations

import re

from ..text import arabic_numbers
from .credentials import (
    _CERT_GENERIC,
    _CERT_NAMED_RE,
    _OTHER_CERT,
    _licence_classes,
    _nearest_kind,
)
from .folding import _fold, _Text
from .labels import _ENTITLES, LICENCE_CLASSES, _order
from .records import Demand, Demands

_NUM = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十半几百]+)"

# Each label: (pattern, strong). A strong pattern says the demand outright ("学徒不收", "一站一整天", "无证勿扰"):
# only a negation before it ("不用一直站着") or a plus ("...优先") changes it. A weak one ("经验", "电脑", "搬运") is a
# demand unless the words around it say it is not needed ("不用会电脑", "经验不限", "偶尔搬箱子，活不重") or only a
# plus.
_REFUSE = (
    r"(?:的|者|人员?)?(?:一律|概)?"
    r"(?:不要(?!紧)|不收|勿扰|免谈|不考虑|不予考虑|不招|别来|莫来|请勿|勿来|不用来|谢绝|不录用|绕道|绕行)"
)
# Loading and unloading, heavy by its nature when done by hand.
_LOADING = re.compile(r"装卸(?:工|货|车|搬运)?|装车卸车|装(?:货|车)[、和与及,]?卸(?:货|车)|卸(?:货|车)(?:工|员)?")
_DEMAND_SOURCES: dict[str, list[tuple[str, bool]]] = {
    "heavy": [
        (r"力气活|体力活|重体力|重活|苦力活|粗活累活|纯体力|体力要好|体力好|负重|重物|重货", False),
        (
            r"(?:要|得|需要?|须|必须)(?:有)?(?:把|点|些|一把|一定的?)?(?:力气|力量|体力)|有把力气|力气(?:要)?大|力气足|(?:手上|胳膊)?(?:要|得)?有(?:把)?劲",
            False,
        ),
        (r"扛(?!得住|不住|压)|肩挑|背(?:货|包|水泥|化肥|砖|麻袋)|抬(?:重|货|东西|家具|钢|板|病人|人)", False),
        (r"搬(?:运|货|砖|板|箱|重|东西|家具|水泥|化肥|米|面|大件|桶|桶装水|料|布)|(?:整箱|整包|整袋)搬", False),
        (
            rf"(?:一|每|单)(?:包|箱|袋|卷|件|桶|块|张|捆|根|匹|筐|担|麻袋|个|筒|板)[^,。;]{{0,4}}?{_NUM}(?:到|至|-|~)?{_NUM}?\s*(?:来|多|几)?\s*(?:斤|公斤|kg|千克)"
            rf"|{_NUM}(?:到|至|-|~)?{_NUM}?\s*(?:来|多|几)?\s*(?:斤|公斤|kg|千克)\s*(?:一|每)(?:包|箱|袋|卷|件|桶|块|张|捆|根|匹|筐|担|个|筒)",
            False,
        ),
        (
            r"抱(?:到|上|下|起)|(?:翻身|抱)[^,。;]{0,6}?(?:力气|体力)|有(?:一定的?|把|些)(?:力气|体力)|身强力壮|身体强壮|体格(?:健壮|强壮)",
            False,
        ),
        (
            r"(?:体力(?:消耗|要求)|劳动强度|强度)(?:很|较|比较)?(?:大|高)|活(?:比较|很|有点|挺|较)?重(?!不重)|(?:很|挺|比较)沉|大件",
            False,
        ),
        (r"(?:全靠|靠|用)?(?:手|人工|人力)(?:搬|扛|抬|装卸|搬运)|人力搬运|全靠人力", False),
        # Loading and unloading by hand is heavy by its nature, said or not (a forklift's is cancelled by _MACHINE).
        (_LOADING.pattern, False),
        (
            r"(?:腰不好|腰椎|腰间盘|腰肌劳损|身体不好|体弱|体质差|干不了重活|力气小|没(?:有)?力气(?!活)|体力(?:差|不好|不行))[^,。;]{0,4}?(?:的|者)?(?:勿|不要|不适合|不合适|慎|别|不考虑)|不适合(?:腰|身体不好|体弱)",
            True,
        ),
    ],
    "standing": [
        (
            r"(?:一|全|整|每)(?:整)?天(?:都|要|得|基本)?(?:是)?站着|(?:全程|一直|都是|全部|基本|整天|全天|整班|长期|长时间)(?:都)?(?:要|得|是)?站(?:着|立)",
            True,
        ),
        (
            r"一站(?:就是|就)?(?:一)?(?:整)?天|站(?:一|整|全)(?:整)?天|一站[^,。;]{0,2}?(?:八|十|几|[0-9])+个?(?:小时|钟头)|站[^,。;]{0,2}?(?:八|十|几|[0-9]+)个?(?:小时|钟头)",
            True,
        ),
        (
            r"站立|站姿(?:作业|操作|工作)|久站|站着(?:干|做|作业|工作|上班|操作|干活|的)?|站岗|站(?:柜台|门口|门岗|大门|前台)|(?:要|得)?能(?:久)?站|站得住",
            False,
        ),
        (r"站到(?:晚|天黑|下班|收工)|从早站到", True),
        # "一天要走十几公里": the distance walked in a shift (not "每天走两公里就到厂")
        (
            rf"(?:(?:一天|每天|天天|一个班|每班|全天)[^,。;]{{0,2}}?(?:要|得|至少|起码|少说)|(?:一天|一个班)下来)[^,。;]{{0,2}}?走[^,。;]{{0,3}}?"
            rf"{_NUM}\s*(?:多)?\s*(?:公里|里路|里地|km)",
            True,
        ),
        (
            r"(?:腿脚不便|腿脚不好|站不久|站不住|膝盖不好)[^,。;]{0,4}?(?:的|者)?(?:勿|不要|不适合|不合适|慎|别|不考虑)",
            True,
        ),
        (
            r"不设(?:凳子|椅子|座位)|没(?:有)?(?:地方|凳子|椅子|座位)(?:可以|能)?坐|不能坐|不许坐|不让坐|坐不了|没得坐|坐不下来|基本不坐|不坐(?!班)",
            True,
        ),
        (
            r"(?:全天|整天|一天到晚|一直|来回|不停|到处|经常|频繁|长时间|不断)(?:地)?(?:走动|走来走去|走|跑|巡|跑动|行走|步行)|走动(?:多|频繁|量大|较多)|走来走去|跑来跑去|来回跑|"
            r"走(?:路)?(?:多|很多)|走(?:路)?(?:几|两|一|好几|[0-9]+)万(?:多)?步|腿脚(?:要|得)(?:好|利索|灵便|勤快)|脚不沾地|腿勤",
            True,
        ),
    ],
    "literate": [
        (
            r"(?<!标)识字|识文断字|认字|文字功底|文字(?:表达)?能力|文笔|写写算算|认(?:得|识)(?:常用|几个)?字|会写字|能写字|写字(?!楼)|字(?:要|得)?写得|(?:能|会)写(?:会|能)算|会读会写|读写",
            False,
        ),
        (
            r"(?:写|填)[^,。;]{0,6}?(?:记录|台账|日志|报表|单据|单子|报告|表格|表|单|账|日报|周报|交接本|值班本)|做(?:好)?(?:记录|台账|日志|登记)|记账|台账"
            # the worker writes a register, not the firm enrolling hands ("提前登记采茶人手", "报名登记")
            r"|(?<!报名)(?<!提前)登记(?![^,。;]{0,4}?(?:人手|名额|报名))",
            False,
        ),
        (
            r"看(?:得)?懂[^,。;]{0,6}?(?:单|字|说明|表|票|标签|标识)|(?:看|对着|核对|按照?)(?:单据|单子|票据|送货单|出库单|入库单|发货单|订单)",
            False,
        ),
        (
            r"(?:小学|初中|高中|中专|大专)(?:及|或)?(?:以上)?(?:文化|学历)|(?:小学|初中|高中|中专|大专)(?:毕业)?(?:及|或)?以上|有(?:一定的?|点)?文化|文化(?:程度|水平)",
            False,
        ),
        (r"(?:不识字|不认字|文盲)" + _REFUSE, True),
    ],
    "computer": [
        (r"电脑(?!花|绣|横|平车|针|缝|套结|锁|钉|裁|绗|提花|机|车|控制|刺绣|印花|雕刻)|计算机(?!专业)", False),
        (
            r"(?<![a-z])(?:excel|word|wps|office|ppt|erp)(?![a-z])|办公软件|财务软件|用友|金蝶|电算化|打字|五笔|(?:录|输)(?:入|进)?系统|系统(?:录入|操作)|收银系统|(?:会|(?<![智功性可])能|熟悉|熟练|懂|操作)[^,。;]{0,3}?(?:开票|进销存|库存|仓储|财务)(?:系统|软件)|(?:开票|进销存|库存|仓储|财务)(?:系统|软件)[^,。;]{0,2}?(?:会|能|熟练)(?:用|操作|使用)|网上下单|(?:电商|网店)?后台操作|(?:用|做)(?:电子)?表格",
            False,
        ),
    ],
    "experienced": [
        (r"只(?:招|要|收|用)[^,。;]{0,6}?(?:熟手|熟练工|老手|师傅|有经验)", True),
        (
            r"(?:学徒|新手|生手|(?:无|没(?:有)?)(?:相关|驾驶|工作|行业|本行业?|同行业?|实际|操作)?(?:工作)?经验|零基础|小白|非熟手|非熟练工)"
            + _REFUSE,
            True,
        ),
        # "只要干过的": only those who have done it
        (r"只(?:招|要|收|用)(?:以前)?(?:干|做|开|当|带)过[^,。;\n]{0,6}?的(?:人|师傅)?(?![^,。;\n])", True),
        (r"不(?:招|收|要|带)(?:学徒|新手|生手|徒弟|小白|新人)", True),
        (r"没(?:有)?(?:干|做|开|学|碰|带|炒|修|焊|跑|摸|接触)过[^,。;]{0,8}?" + _REFUSE, True),
        # "三年以上工作经验", "驾龄5年", "本行业工作1年以上"; not "一年四季都有工作", "工作一年后转正".
        (
            rf"{_NUM}\s*年(?:以上|及以上|或以上)[^,。;]{{0,10}}?(?:经验|经历|工龄|驾龄|手艺|从业|工作)"
            rf"|{_NUM}\s*年(?:多|左右)?[^,。;]{{0,10}}?(?:经验|经历|工龄|驾龄|手艺|从业)"
            rf"|(?:驾龄|工龄|经验|从业|经历)\s*{_NUM}\s*年|(?:驾龄|工龄|经验|从业|经历|工作年限)(?:要求)?(?:须|需|要|必须)?(?:不低于|不少于|不短于|满)\s*{_NUM}\s*年|工作\s*{_NUM}\s*年(?:以上|及以上)",
            False,
        ),
        (r"(?:要|需要?|须|必须|要求)(?:是)?(?:有)?[^,。;跟]{0,8}?(?:经验|经历|熟手|熟练工|老手|老师傅|有基础)", False),
        (rf"(?:从事|干|做)过[^,。;]{{0,8}}?{_NUM}\s*年(?:以上|及以上)", False),
        (r"(?<!只)(?:要|需要?|须|必须|要求)(?:是)?(?:带|做|干|开|当)过|经验丰富|有(?:相关)?(?:工作)?经验", False),
        # "熟手计件", "熟练工月入五千" tell the pay, not who is hired: a bare 熟手 counts only when hired or preferred.
        (
            r"(?:招|聘|限|仅限)(?:聘)?熟(?:手|练工)|(?:招|聘)(?:聘|收)?熟练[^,。;]{0,4}?(?:工|师傅)|熟(?:手|练工)(?=者?优先|更好|为佳)",
            False,
        ),
    ],
}
_DEMAND_RES = {label: [(re.compile(p), strong) for p, strong in rows] for label, rows in _DEMAND_SOURCES.items()}

# Words that cancel a weak demand in its sentence: a sitting job is not standing all day; a light one is not heavy
# work. A machine doing the lifting cancels it in its clause ("叉车搬运", "卸货有推车").
_CANCEL = {
    "heavy": re.compile(r"不重|轻活|轻松|轻巧|活轻|不累|不费力|不吃力|不用(?:搬|扛|抬)|不需要?(?:搬|扛|抬|力气|体力)"),
    "standing": re.compile(
        r"(?<!没地方)(?<!不能)(?<!不许)(?<!不让)(?<!没有地方)坐(?:着|下|凳|椅|班)|有(?:凳子|椅子|座位)|可以坐|能坐|站坐都"
    ),
    "literate": re.compile(r"不用写|不需要写|不识字也|不认字也"),
}
# Words that cancel a weak demand anywhere in the posting: "熟手计件，新手保底" welcomes both; a title "搬运工" is not
# heavy work when the text says "重的有机器吊，不用人扛".
_CANCEL_ANYWHERE = {
    "heavy": re.compile(
        r"不用(?:人)?(?:扛|搬|抬)|不需要?(?:人工)?(?:搬|扛|抬|力气|体力)|(?:有|用)机器(?:吊|搬|运)|机械化"
    ),
    "experienced": re.compile(
        r"新手(?!不|勿|免|请|一律)[^,。;]{0,8}?(?:保底|可以|可|也|欢迎|培训|带|教|按天|计时|学)|学徒(?:也|可|期)|零基础|可(?:学|教|带)|包教|带薪培训|手把手|"
        r"(?:无|没)经验(?:也|可|的也)|没(?:做|干)过的?也|师傅带|有人带|(?<!不)带新人|教你"
    ),
}
_LIGHT_LOAD = re.compile(r"^(?:一下|点|些)?(?:少量|少许|零星|小件|轻|不重|一些小)")
# "配备电脑", "公司提供电脑": the firm's computer, not a skill asked for.
_PROVIDED = re.compile(r"(?:配备|提供|配发|配有|公司配|配|免费用)$")
_MACHINE = re.compile(r"叉车|推车|拖车|机器|机械|吊车|行车|传送带|电梯|专人|用车拉|地牛")
_WEIGHT = re.compile(rf"({_NUM})(?:(?:到|至|-|~)({_NUM}))?\s*(?:来|多|几)?\s*(斤|公斤|kg|千克)")
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")

# Negation before a weak mention ("不用会电脑", "无需经验", "没有重活"), unless a turn comes after it ("不累但要站着").
_NEG_BEFORE = re.compile(
    r"(?:不(?!怕|管|论|仅|但|光|只|停|断|少|同|错|定)|没(?!地方)|无(?!论)|免(?!费)|非(?!常)|(?<![特区分])别|毋)[^,。;]{0,4}$"
)
_TURN = re.compile(r"但是?|不过|可是|而且|并且|还(?:要|得|需)|就是|只是|必须|一定要")
_TOLERATE_AFTER = re.compile(
    r"^[^,。;]{0,5}?(?:也|都)(?:行|可以?|能|没关系|没事|不要紧|欢迎|ok|没问题)"
    r"|^[^,。;]{0,4}?(?:均可|皆可|都可|不限|不论|无所谓|不要紧|没关系|可学|可教|可以学|可以教|包教|带教|手把手|"
    r"不是必须|非必须|不强求|不作要求|不做要求|不要求|不需要|不用|不多|很少|不常|偶尔|可以(?:帮|代|培训)|(?:公司|厂里|单位)(?:出钱|负责|帮|包))"
)
_REFUSE_AFTER = re.compile("^" + _REFUSE)
_PLUS_AFTER = re.compile(
    r"^([^,。;]{0,10}?)(?:者|的)?(?:优先|更好|为佳|更佳|尤佳|加分|最好|可优先|好些|更受欢迎|(?:收入|工资|待遇|提成)?更高|从优|另议|(?:薪酬|工资|待遇|薪资)?面议)"
)
_PLUS_BEFORE = re.compile(r"(?:最好|优先|如有|若有|如果有|有的话|能有|加分项?)[^,。;]{0,8}$")
_REQUIRED_CUE = re.compile(r"上岗|必须|须|要求|一定")
# Now and then is not the job: "偶尔搬箱子", "有时要站一会儿".
_NOW_AND_THEN = re.compile(r"(?:偶尔|有时候?|少量|偶|间或|个别时候)[^,。;]{0,3}$")


def _modality(text: _Text, start: int, end: int, label: str, strong: bool, tolerate: bool = True) -> str | None:
    """ "required", "plus", or None when the words around a mention say it is not needed. `tolerate`: whether "均可"
    after it means "not needed" (not for a licence class: "B2、A2均可" accepts either)."""
    plain = text.plain
    c_start, c_end = text.clause(start)
    before, after = plain[c_start:start], plain[end:c_end]
    plus = _PLUS_AFTER.match(after)
    if plus and _REQUIRED_CUE.search(plus.group(1)):
        plus = None
    plus = plus or _PLUS_BEFORE.search(before)
    turn = None
    for turn in _TURN.finditer(before):
        pass
    negated = _NEG_BEFORE.search(before[turn.end() :] if turn else before)
    if negated and _REFUSE_AFTER.match(after):
        return "plus" if plus else "required"  # 没证的不要, 不会电脑的不要
    if negated:
        return None  # 不用一直站着, 不需要经验
    if strong:
        return "plus" if plus else "required"
    if (tolerate and _TOLERATE_AFTER.match(after)) or _NOW_AND_THEN.search(before):
        return None
    if label == "heavy" and _LIGHT_LOAD.match(after):
        return None
    if label == "computer" and _PROVIDED.search(before):
        return None
    cancel = _CANCEL.get(label)
    if cancel and cancel.search(plain, *text.sentence(start)):
        return None
    cancel = _CANCEL_ANYWHERE.get(label)
    if cancel and cancel.search(plain):
        return None
    if label == "heavy" and _MACHINE.search(plain, c_start, c_end):
        return None
    if label == "heavy" and _LOADING.fullmatch(plain, start, end) and _MACHINE.search(plain):
        return None  # a forklift driver's 装卸 anywhere in the posting is the machine's
    return "plus" if plus else "required"


def _heavy_weight(found: re.Match) -> bool:
    """Whether a weight a load is said to have ("一箱三四十斤", "每袋25公斤") is heavy: 30 jin (15 kg) or more."""
    weight = _WEIGHT.search(found.group(0))
    if not weight:
        return False
    values = [float(n) for n in _PLAIN_NUMBER.findall(arabic_numbers(weight.group(0)))]
    if not values:
        return False
    jin = max(values) * (1 if weight.group(3) == "斤" else 2)
    return jin >= 30


_BARE_CERT = re.compile(
    r"持证|有证|证件齐全|证书齐全|证照齐全|(?:无|没|没有)(?:相关)?(?:证|证件|证书)"
    + _REFUSE
    + r"|(?:无|没)证勿扰|须持|持有效"
)
_LICENCE_WORDS = re.compile(r"驾照|驾驶证|驾证|驾驶执照|会开车|能开车")


def _lowest(classes: list[str]) -> str:
    """The least a list of accepted classes asks for: "B2" of "A2/B2", "B2" of "B2及以上"."""
    return max(classes, key=lambda c: sum(c in _ENTITLES[other] for other in LICENCE_CLASSES))


def read_demands(title: str | None, description: str | None = "") -> Demands:
    """What a vacancy demands, read from its title and description; each demand required or a plus, with its words."""
    title = title or ""
    text = _fold(f"{title}\n{description or ''}")
    plain, title_end = text.plain, len(_fold(title).plain) if title else 0
    found: dict[str, list[tuple[str, int, int]]] = {}  # label -> [(modality, start, end)]

    def note(label: str, modality: str | None, start: int, end: int) -> None:
        if modality:
            found.setdefault(label, []).append((modality, start, end))

    for label, patterns in _DEMAND_RES.items():
        for pattern, strong in patterns:
            for m in pattern.finditer(plain):
                if label == "heavy" and (
                    "斤" in m.group(0) or "kg" in m.group(0) or "公斤" in m.group(0) or "千克" in m.group(0)
                ):
                    if not _heavy_weight(m):
                        continue
                note(label, _modality(text, m.start(), m.end(), label, strong), m.start(), m.end())

    # Licences: the lowest class a required mention accepts; "要有驾照" without a class is "licence".
    classes = _licence_classes(text)
    by_modality: dict[str, list[tuple[str, int, int]]] = {}
    for name, start, end in classes:
        modality = _modality(text, start, end, "licence", False, tolerate=False)
        if modality:
            by_modality.setdefault(modality, []).append((name, start, end))
    for modality in ("required", "plus"):
        if by_modality.get(modality):
            lowest = _lowest([name for name, _, _ in by_modality[modality]])
            start, end = next((s, e) for name, s, e in by_modality[modality] if name == lowest)
            note(f"licence:{lowest}", modality, start, end)
            break
    if not classes:
        for m in _LICENCE_WORDS.finditer(plain):
            note("licence", _modality(text, m.start(), m.end(), "licence", False), m.start(), m.end())

    # Certificates: named ones, then bare "持证上岗" / "无证勿扰" given a kind by the words around them.
    for named, pattern in _CERT_NAMED_RE.items():
        for m in pattern.finditer(plain):
            note(f"cert:{named}", _modality(text, m.start(), m.end(), "cert", False), m.start(), m.end())
    for pattern, strong in ((_CERT_GENERIC, False), (_BARE_CERT, False)):
        for m in pattern.finditer(plain):
            c_start, c_end = text.clause(m.start())
            if any(p.search(plain, c_start, c_end) for p in _CERT_NAMED_RE.values()):
                continue  # the clause names the certificate itself
            if _OTHER_CERT.search(plain, c_start, c_end):
                continue  # 持健康证上岗, 无证勿扰 beside 健康证
            kind = _nearest_kind(text, m.start(), title_end)
            if kind:
                note(f"cert:{kind}", _modality(text, m.start(), m.end(), "cert", strong), m.start(), m.end())

    items = []
    for label in sorted(found, key=_order):
        mentions = found[label]
        required = [m for m in mentions if m[0] == "required"]
        modality, start, end = (required or mentions)[0]
        items.append(Demand(label, modality == "required", text.words(start, end)))
    return Demands(tuple(items))
