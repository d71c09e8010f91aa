"""What a resident says they cannot do, hold or lack, and whether they are new to the work they want: `read_limits`."""

from __future__ import annotations

import re

from .credentials import (
    _CERT_GENERIC,
    _CERT_NAMED_RE,
    _OTHER_CERT,
    _licence_classes,
    _nearest_kind,
)
from .folding import _fold, _Text
from .labels import LIMIT_LABELS, _order
from .records import Limits, Said

_OTHER_PERSON = re.compile(
    r"孩子|小孩|娃|儿子|口子|那位|对象|女儿|闺女|老公|老伴|爱人|丈夫|媳妇|老婆|婆婆|公公|(?<!宝)爸|(?<!宝)妈|父亲|母亲|岳|老人|老头|老太|孙子|孙女|外孙|"
    r"家里人|家人|亲戚|朋友|邻居|同事|病人|(?<!其)他(?!们)|她|别人|人家"
)
_SELF = re.compile(r"我|自己|本人")

_HEAVY_THING = r"(?:重活|重的|重东西|重物|力气活|体力活|累活|粗活|苦力|重体力|太重的?|大件)"
# Tiring work counts only when said to be beyond them ("太累的干不了"), not as a wish ("别太累").
_TIRING = r"(?:太累的?|累的)"
_CANNOT = (
    r"(?:干不|做不|搞不|弄不|搬不|扛不|抬不|抱不|提不|拎不|背不|碰不"
    r"|吃不消|受不了|不行|够呛|不能|不敢|不碰|不让|不了|不动|不得)"
)
_LIMIT_SOURCES = {
    "light_only": [
        rf"(?:{_HEAVY_THING}|{_TIRING})[^,。;不没]{{0,4}}?{_CANNOT}|{_HEAVY_THING}(?:就|是|可|也|都|还|先|再)?(?:不|别)(?:碰|干|做|搬|拿|提|行|能)",
        rf"(?:不能|不可以|不让|不宜|不敢|别|干不了|做不了|干不动|做不动|干不得|做不得|干不来|做不来|搞不了|搞不来|吃不消|碰不了|受不了)(?:再)?(?:干|做|搬|扛|抬|提|拿|拎|背|碰|出)?(?:点|些|太)?{_HEAVY_THING}"
        rf"|(?:干不了|做不了|干不动|做不动|吃不消|受不了)(?:干|做)?(?:点|些)?{_TIRING}",
        r"(?:一|只要|稍微)(?:搬|扛|抬|提|拎|拿|干)(?:点|些)?(?:重|力气|累)[^,。;]{0,4}?(?:就)?(?:疼|痛|喘|受不了|吃不消|不行|犯)|"
        r"(?:搬|扛|抬|提|拎|拿|干)(?:点|些|个)?(?:重的|重东西|东西|重活|力气活|累活|活)[^,。;]{0,3}?就(?:喘|疼|痛|受不了|吃不消)|"
        r"(?:搬|扛|抬|抱|拎|提|背|拿)(?:个|点|些)?(?:人|东西|货|布|板|箱|重)?[^,。;不没]{0,3}?(?:不动|不了|不起|吃不消|受不了|够呛|干不了|做不了|不行)",
        r"腰(?:椎|间盘|肌|部|杆子?)?[^,。;]{0,4}?(?:伤|不能|弯不|直不|不好|不行|有伤|受过伤|扭过|扭伤|突出|劳损|(?<![不没])(?:疼|痛|酸)|有毛病|有问题|不太好|使不上劲|(?:做|动)(?:过|了)(?:大)?手术|开(?:过|了)刀|打过钢钉|不得劲|吃不住)",
        r"腰椎|椎间盘|腰间盘|腰突|闪了腰|闪过腰|腰伤|腰不好|疝气|脊柱|脊椎|哮喘|肺气肿|怀孕|怀着孕|有身孕|"
        r"刚(?:做完|做了|动了|开了|动完)(?:个|一个)?(?:大)?(?:手术|刀)|肩周炎|肩膀(?:不好|疼|痛|受过伤|抬不起)|胳膊(?:不好|受过伤|使不上劲|抬不起)",
        r"心脏(?:不好|病|有毛病|搭桥|搭过桥|放过支架|支架)|身体(?:不(?:太|大)?好|差|弱|虚|不行)|身子骨?(?:不行|差|弱|不好)|体质(?:差|弱)|"
        r"(?:没|没有|没啥|没什么)力气|力气(?:小|不大|不够)|身(?:体|子|子骨)(?:扛|吃|顶|撑)不住|体力(?:不行|差|跟不上|不好|不如)|不能再?(?:累着|劳累|太累)|累不得|出不了(?:大)?力|使不上(?:劲|力)|使不了(?:大)?劲",
        r"(?:只能|只适合|只做得了|只干得了|只能做|只能干)(?:点|些)?(?:轻|坐着|不累|不重)",
    ],
    "no_standing": [
        r"站(?:久|长|时间长|时间久|一会儿?|多|太久|一天|一整天|半天|不了太?久)?(?:了|点)?[^,。;]{0,6}?(?:就|都)?(?:(?<![不没])(?:疼|痛|肿|麻|酸)|受不了|吃不消|不行|够呛|顶不住|扛不住|撑不住|难受)",
        r"站不(?:久|住|了|得|长|动)|不能(?:久站|长时间站|站太?久|一直站|站一天|多站)|久站不|不能站",
        r"腿(?:脚)?(?:已经|也|都|有点|有些|一直|现在)?(?:不(?:太|大|怎么)?(?:好|便|利索|方便|灵便|灵活|行|得劲)|有(?:伤|毛病|问题)|疼|痛|受过伤|做过手术|瘸|发麻|肿)|脚(?:后跟|底|踝|板|上)?(?:不好|疼|痛|肿|发麻|有伤|受过伤|长了?骨刺|不方便|不利索)|腿脚(?:没以前|大不如前|不比从前|不如以前)|(?:腿|脚|腿脚)[^,。;]{0,2}?不听使唤",
        r"(?:腿|脚)[^,。;]{0,4}?(?:钢板|钢钉|骨折|断过|残疾)|膝(?:盖|关节)[^,。;]{0,6}?(?:不好|疼|痛|钢钉|钢板|骨折|积水|积液|换|手术|受过伤|有伤|有问题|毛病|磨损|退化|半月板|不行)",
        r"半月板|关节炎|老寒腿|风湿|髋关节|足底筋膜|静脉曲张|骨刺|痛风|坐骨神经|骨质增生|股骨头|拄拐|拐杖|跛|瘸|走(?:路)?不(?:稳|利索|方便|了远|了多)|走不了(?:远路|多久|远)",
        r"(?:只能|必须|得|要|需要)坐着(?:干|做|上班)",
    ],
    "illiterate": [
        r"不(?:太|大|怎么)?(?:识|认)(?:得|识)?字|字只认(?:得|识)?几个|只认(?:得|识)?几个字|写字(?:困难|吃力|费劲|不行)|读书少|书读得少|没读(?:什么|多少|几年)书|"
        r"只(?:上|读|念)(?:到|了)(?:小学)?(?:一|二|两|三)年级|(?<![中学专科校])只(?:上|读|念)(?:过|了)(?:一|二|两|三|1|2|3)年(?:的)?(?:书|学)|认不(?:了|得)(?:几个|多少)字|(?:识|认)字(?:不多|少|有限|不全)|认(?:识|得)?(?:几个|没几个)字|字(?:也|都)?不(?:太|大|怎么)?(?:认得|认识|识|会写|会认)|字(?:认|识)(?:得|识)?(?:不多|少|不全|有限)|认(?:得|识)?的字(?:不多|少|有限)",
        r"(?:没|没有|没怎么)(?:上过|念过|读过)(?:几天|一天)?(?:学|书)|(?:学|书)(?:也|都)?没(?:上|念|读)(?:过|几天)|文化(?:程度|水平)?(?:很|比较)?低|没(?:上|念|读)(?:几天|两天|过几天|几年)(?:学|书)|小学(?:都)?没(?:毕业|念完|读完|上完)",
        r"文盲|大字不识|斗大的字|不会写(?:字|名字)|名字都写不|只会写(?:自己)?(?:的)?名字|写不来|写不了字|(?:表|单子|表格|单)(?:也|都)?填不(?:来|了|好)|不会填(?:表|单)|看不懂(?:字|单子|表)|没(?:什么|啥)?文化",
    ],
    "no_computer": [
        r"(?:不会|不懂|不太会|不大会|不怎么会|没学过|没碰过|没摸过|没用过|没接触过|玩不转|搞不来)(?:用|弄|玩|操作|使|打)?(?:电脑|打字|excel|word|计算机)"
        r"|(?:用|弄|搞|玩)不(?:来|转|了|明白)(?:电脑|计算机)",
        r"(?:电脑|计算机)[^,。;]{0,6}?(?:完全|根本|压根|从来|一直|一点也|一点都)?(?:一窍不通|只会开机|别提|一点不(?:会|懂)|不(?:太|大|怎么)?(?:会|懂|行|熟|灵)|玩不(?:转|来)|用不(?:来|了|好)|弄不(?:来|了|好|明白)|搞不(?:来|懂|明白)|没(?:学|碰|摸|用|接触)过|不在行|外行|是外行)",
        r"不会打字|打字(?:也|都)?不会|不会上网|电脑盲",
        # "手机都玩不转，更别说电脑"
        r"(?:不会|不懂|玩不转|玩不来|用不来|弄不来|搞不来|搞不懂|用不好)[^。;]{0,8}?(?:更别说|别说|更不用说|甭说|更别提|别提|何况)(?:是|用|玩|弄)?(?:电脑|计算机)",
    ],
}
_LIMIT_RES = {label: [re.compile(p) for p in rows] for label, rows in _LIMIT_SOURCES.items()}
# Saying the opposite in the same sentence cancels a limit: "腰不好，但重活也能干", "膝盖以前伤过，站着没问题".
_CAN_DO = {
    "light_only": re.compile(
        rf"{_HEAVY_THING}[^。不没]{{0,4}}?(?:能|可以|行|没问题|不怕|不在话下)|不怕(?:累|重|苦)[^。]{{0,3}}重|扛得动|搬得动|力气有的是|有把力气"
    ),
    "no_standing": re.compile(r"站[^。不没]{0,4}?(?:没问题|没事|能行|可以|不怕)|站得住|能站|不怕站"),
}
_RECOVERED = re.compile(
    r"(?:现在|如今|目前)?(?:已经|早就?|都)?(?:好了|治好|养好了|康复|恢复|没事了|不疼了|不痛了|好利索|好多了|痊愈)|没(?:什么|啥)?(?:大)?(?:事|问题|影响)了|不碍事|不影响干活|(?:后来|现在|已经|早就?|如今)[^,。;]{0,6}?学会了"
)

_NEW_TO = re.compile(
    r"零基础|(?:没|没有)(?:任何|什么|啥)?(?:工作)?经验|(?:从来|从|一次都|还|都|也)?没(?:有)?(?:正式|正经)?(?:上班)?"
    r"(?:做|干|学|碰|摸|踩|开|修|刷|进|带|接触|弄|炒|焊|烧|当|跑|织|缝|烫|绣|养|护理|照顾)过(?!学|书|字|电脑|事|错|苦|病|大病|夜班|重活|兵|力气活|体力活|什么苦)"
    r"|(?:想|愿意|可以|肯|打算|准备|要)(?:去|跟|跟着|从头)?[^,。;]{0,6}?(?<![放上开同小中大])学(?!历|校|生|费|会了|期)|从学徒(?:干|做|开始)|学(?:一)?门手艺|"
    r"想(?:进[^,。;]{0,6}?)?试试|试一试|想转行|转行|换行|改行|换个行当|新手|(?<!电脑)(?<!计算机)(?<!电脑是)一窍不通|没(?:正式|正经)?(?:上过班|工作过|出来工作过|(?:出来|出去)?打过工)|外行|门外汉|不会的可以教|(?:第一|头一)(?:次|回)(?:出来)?(?:做|干|找|上班)"
)
_NOT_NEW = re.compile(r"(?:不|没)(?:想|愿意|打算)学|学(?:过|了)\d|学会了")

_CERT_LACK_BEFORE = re.compile(
    r"(?:没|没有|无|未|还没|一直没|没去|想|要|准备|打算|正在|在|还在|想去|要去|没时间|没钱|正)(?:去)?(?:考|拿|办|报)?(?:个|张|本|了)?$"
)
_CERT_LACK_AFTER = re.compile(
    r"^(?:(?:、|和|与|及|跟|还有)[^,。;]{1,8}?证)*(?:是|也|都|一直|还|早就|至今|到现在|目前)?(?:没|未|没有|不在)|^[^,。;]{0,6}?(?:过期|到期|吊销|被收|注销|在考|没考|还没考|没去考|没拿到|没下来|没考下来|还在办|没办|(?:还|正)在(?:培训|学)(?!校)|培训中)"
)
_CERT_VALID = re.compile(
    r"^[^,。;]{0,4}?(?:没|未|不)(?:有)?(?:过期|到期|失效)|^(?:也|都|是)?没(?:问题|毛病)|^[^,。;]{0,4}?(?:还|仍然?|都)?(?:有效|在有效期)"
)
# "有焊工证，但过期了": gone later in the sentence.
_CERT_GONE = re.compile(r"[^。;]{0,8}?(?:过期|到期|吊销|被收|注销|作废)")
_BARE_HOLD = re.compile(
    r"持证|有证|证(?:是|都|也|件|书)?(?:齐|有|在手|全|拿到|拿了|考了|考到|考下来)|考(?:了|到|下|过|下来了)证|证件齐全"
)
_BARE_LACK = re.compile(
    r"(?:无|没|没有)(?:什么|啥)?(?:去)?(?:考|办|拿)?(?:过)?证(?!明|书齐)|(?:没|未|没有)(?:去)?考(?:过)?证|证(?:都|也|早)?(?:过期|到期|吊销|被收|被没收|没收|被扣)|证(?:也|都|还|一直|至今)?(?:没|没有|未)(?:去)?(?:考|拿|办|下来)?|证(?:还|正)?在(?:办|考|学)|无证"
)
_CLASS_LACK_BEFORE = re.compile(
    r"(?:正在|在|还在|想|要|准备|打算|没|还没|没有|未|快要?|马上)(?:去)?(?:考|拿|学|报|升|增驾|增|增到)(?:个|了|到)?$|没有?$|还没$"
)
_CLASS_LIST = re.compile(r"^\s*(?:本|照|驾照)?\s*(?:、|和|与|跟|及|/|或)?\s*$")
_CLASS_LACK_AFTER = re.compile(
    r"^(?:本|照|驾照|驾驶证|证|的)?(?:本子|驾照)?(?:还|也|都|正|目前|现在|一直)?(?:在考|没考|没拿|未考|没有|考不|正在考|还没|没|快|马上|准备|要考|想考|没过|挂了|在学)"
    r"|^[^,。;]{0,6}?(?:被吊销|吊销|注销|过期|被扣|扣了|被收)"
)
_NO_LICENCE = re.compile(
    r"(?:驾照|驾驶证)[^,。;]{0,6}?(?:没过(?!期)|没考过|挂了|没考上|没拿到)|科目[一二三四](?:还)?(?:挂|没过|没考|在考)|(?:在|还在)学车|学车中|"
    r"(?:没|没有|无|未)(?:考|拿|办)?(?:过)?(?:驾照|驾驶证|驾证|驾驶执照)|(?:驾照|驾驶证|驾证)(?:也|都|一直|还|至今|到现在)?(?:没|未|没有)(?!有?(?:问题|毛病|事|过期|到期|失效|被|扣|违章|出过事))"
    r"|(?:驾照|驾驶证|驾证|本子|车本|驾驶本)(?:去年|前年|早就|已经|早)?(?:被|给)?(?:吊销|注销|扣了(?![^,。;]{0,3}?分)|收了|没收|过期|扣完|扣满|吊了)|不会开车"
    r"|(?:驾照|驾驶证)(?:还)?(?:在学|在考|正在考|没考下来)|(?:在|正在|还在)(?:学|考)(?:驾照|车|驾驶证)"
)
_HAS_LICENCE = re.compile(
    r"有(?:个)?(?:驾照|驾驶证|驾证)|(?:驾照|驾驶证)(?:有|在手|是有的|齐)|会开车|(?:驾照|驾驶证)(?:也|都|还)?(?:没问题|没过期|未过期|有效)"
)
# Driving, not 车位/车工/踩车 (sewing) nor 车床 (a lathe).
_DRIVING = re.compile(r"开车|驾|司机|货车|大车|小车|客车|面包车|出租车|网约车|开[^,。;]{0,4}?车(?!床|位|工)")


def _about_someone_else(text: _Text, start: int) -> bool:
    """ "孩子腰不好", "我家老头子腰不好": the clause names another person before the words, and not the speaker
    after."""
    c_start, _ = text.clause(start)
    before = text.plain[c_start:start]
    other = None
    for other in _OTHER_PERSON.finditer(before):
        pass
    return other is not None and not _SELF.search(before, other.end())


def _recovered(text: _Text, start: int, end: int) -> bool:
    """ "以前腰不好，现在好了": the rest of the sentence says it has passed."""
    _, s_end = text.sentence(start)
    return bool(_RECOVERED.search(text.plain, end, s_end))


def _cert_holding(text: _Text, start: int, end: int) -> bool:
    """Whether a named certificate is held ("叉车证拿了十年", "叉车证还没过期") or lacking ("电工证一直没去考",
    "想考叉车证")."""
    c_start, c_end = text.clause(start)
    before, after = text.plain[c_start:start], text.plain[end:c_end]
    if _CERT_VALID.match(after):
        return True
    if _CERT_LACK_BEFORE.search(before) or _CERT_LACK_AFTER.search(after):
        return False
    return not _CERT_GONE.match(text.plain, end, text.sentence(start)[1])


def read_limits(experience: str | None, desired: str | None = "") -> Limits:
    """What a resident says they cannot do, which licences and certificates they hold or lack, and whether they are new
    to the work they want; each with their words."""
    text = _fold(f"{experience or ''}\n{desired or ''}")
    plain = text.plain
    limits: dict[str, Said] = {}
    for label, patterns in _LIMIT_RES.items():
        for pattern in patterns:
            for m in pattern.finditer(plain):
                if label in limits:
                    break
                if _about_someone_else(text, m.start()) or _recovered(text, m.start(), m.end()):
                    continue
                can_do = _CAN_DO.get(label)
                s_start, s_end = text.sentence(m.start())
                if can_do and can_do.search(plain, s_start, s_end):
                    continue
                limits[label] = Said(
                    label, text.words(m.start(), m.end(), longest=10) or text.original(m.start(), m.end())
                )

    holds: dict[str, Said] = {}
    lacks: dict[str, Said] = {}

    def say(into: dict[str, Said], label: str, start: int, end: int) -> None:
        if label not in into and not _about_someone_else(text, start):
            into[label] = Said(label, text.words(start, end, longest=12))

    # Licence classes, then a licence without a class.
    classes = _licence_classes(text, resident=True)
    lacking: list[bool] = [False] * len(classes)
    listed = [False] * len(classes)  # listed[i]: class i and the next are one list ("C1、B2", "A2和B2")
    for i in reversed(range(len(classes))):
        name, start, end = classes[i]
        c_start, c_end = text.clause(start)
        lo = max(c_start, classes[i - 1][2]) if i else c_start
        leads_on = i + 1 < len(classes) and classes[i + 1][1] < c_end
        after = plain[end : classes[i + 1][1] if leads_on else c_end]
        if leads_on and _CLASS_LIST.match(after):
            listed[i] = True
            lacking[i] = lacking[i + 1]  # "C1、B2都没有": a list shares what is said after it
        else:
            if leads_on and _CLASS_LACK_BEFORE.search(after):
                after = ""  # "有C1没B2": the words between two classes belong to the one they lead to
            lacking[i] = bool(_CLASS_LACK_AFTER.search(after))
        lacking[i] = lacking[i] or bool(_CLASS_LACK_BEFORE.search(plain[lo:start]))
    for i in range(1, len(classes)):
        if listed[i - 1] and lacking[i - 1]:
            lacking[i] = True  # "没有C1和B2": and what is said before it
    for (name, start, end), lack in zip(classes, lacking):
        say(lacks if lack else holds, f"licence:{name}", start, end)
    for m in _NO_LICENCE.finditer(plain):
        c_start, c_end = text.clause(m.start())
        if not any(c_start <= s < c_end for _, s, _ in classes):
            say(lacks, "licence", m.start(), m.end())
    if not classes and "licence" not in lacks:
        for m in _HAS_LICENCE.finditer(plain):
            say(holds, "licence", m.start(), m.end())

    # Certificates named, then a bare "证是齐的" / "就是没证" about the machine or trade the resident names nearest.
    named_spans = []
    for named, pattern in _CERT_NAMED_RE.items():
        for m in pattern.finditer(plain):
            named_spans.append((m.start(), m.end()))
            say(holds if _cert_holding(text, m.start(), m.end()) else lacks, f"cert:{named}", m.start(), m.end())
    for m in _CERT_GENERIC.finditer(plain):
        named_spans.append((m.start(), m.end()))
        kind = _nearest_kind(text, m.start(), 0)
        if kind:
            say(holds if _cert_holding(text, m.start(), m.end()) else lacks, f"cert:{kind}", m.start(), m.end())
    for pattern, into in ((_BARE_LACK, lacks), (_BARE_HOLD, holds)):
        for m in pattern.finditer(plain):
            if any(s <= m.start() < e or m.start() <= s < m.end() for s, e in named_spans):
                continue
            c_start, c_end = text.clause(m.start())
            if _OTHER_CERT.search(plain, c_start, c_end) or (
                into is holds and _BARE_LACK.search(plain, c_start, c_end)
            ):
                continue
            kind = _nearest_kind(text, m.start(), 0)
            if kind:
                label = f"cert:{kind}"
            elif _DRIVING.search(plain, *text.sentence(m.start())):
                label = "licence"
                if into is holds and classes:
                    continue
            else:
                continue
            if label not in holds and label not in lacks:
                say(into, label, m.start(), m.end())
    for label in list(holds):
        if label in lacks:  # said both ways: the lack is the careful reading ("有证，过期了")
            del holds[label]

    new_to = None
    for m in _NEW_TO.finditer(plain):
        s_start, s_end = text.sentence(m.start())
        if _about_someone_else(text, m.start()) or _NOT_NEW.search(plain, s_start, s_end):
            continue
        new_to = Said("new_to", text.words(m.start(), m.end(), longest=12))
        break
    return Limits(
        tuple(limits[label] for label in LIMIT_LABELS if label in limits),
        tuple(holds[label] for label in sorted(holds, key=_order)),
        tuple(lacks[label] for label in sorted(lacks, key=_order)),
        new_to,
    )
