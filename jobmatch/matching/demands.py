"""Reading what a vacancy demands and what a resident says they cannot do, hold or lack.

A counsellor weighs more than occupation and pay: heavy work, standing all shift, a driving-licence class, a
special-operations certificate, reading and writing, a computer, experience. Employers state these in passing ("一包五十斤",
"持证上岗", "有证优先"); residents state them indirectly ("前年腰椎间盘突出", "驾照去年刚拿的C本", "开过铲车但没证").

- `read_demands(title, description)`: each demand with whether it is required or only a plus, and the words that said it.
- `read_limits(experience, desired)`: what the resident cannot do (limits), holds, lacks, and whether they are new to the
  work they want.
- `covers(held, demanded)`, `unmet(demands, limits)`: which required demands the resident said they cannot meet, with the
  reason in plain Chinese.
- `score_reading(jobs, profiles, labels)`: precision and recall per label against a graded set's labels.

Plain Python: text is folded like the rest of the matcher (NFKC, simplified script, lower case), but every match keeps its
place in the original text so the words shown are the words written. A demand or limit nobody stated reads as nothing.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .text import arabic_numbers, strip_pictographs, to_simplified

# --- vocabulary ------------------------------------------------------------------------------------------------

LICENCE_CLASSES = ("A1", "A2", "A3", "B1", "B2", "C1", "C2", "C3")
# Which classes each class entitles its holder to drive (公安部《机动车驾驶证申领和使用规定》 准驾车型), itself included.
_ENTITLES = {
    "A1": {"A1", "A3", "B1", "B2", "C1", "C2", "C3"},
    "A2": {"A2", "B1", "B2", "C1", "C2", "C3"},
    "A3": {"A3", "C1", "C2", "C3"},
    "B1": {"B1", "C1", "C2", "C3"},
    "B2": {"B2", "C1", "C2", "C3"},
    "C1": {"C1", "C2", "C3"},
    "C2": {"C2"},
    "C3": {"C3"},
}
# A bare letter is the class people mean by it at a job stall: A照 the tractor-trailer, B本 the truck, C本 the car.
_BARE_CLASS = {"a": "A2", "b": "B2", "c": "C1"}
CERTIFICATES = ("forklift", "electric", "weld")

DEMAND_LABELS = ("heavy", "standing", "literate", "computer", "experienced")
LIMIT_LABELS = ("light_only", "no_standing", "illiterate", "no_computer")

# How a demand is said to a resident or a clerk.
DEMAND_NAMES = {
    "heavy": "搬运重活",
    "standing": "要整天站着",
    "literate": "要识字填单",
    "computer": "要会电脑",
    "experienced": "要有经验",
    "licence": "要有驾照",
    "cert:forklift": "要叉车证",
    "cert:electric": "要电工证",
    "cert:weld": "要焊工证",
}
LIMIT_NAMES = {
    "light_only": "腰不好/干不了重活",
    "no_standing": "站不久",
    "illiterate": "字认得不多",
    "no_computer": "不会电脑",
}
# The limit that rules out each demand.
_BLOCKED_BY = {"heavy": "light_only", "standing": "no_standing", "literate": "illiterate", "computer": "no_computer"}


# Structured fields: what an office may set a vacancy to demand, and what a resident may say they hold or lack.
CREDENTIALS = ("licence", *(f"licence:{c}" for c in LICENCE_CLASSES), *(f"cert:{c}" for c in CERTIFICATES))
DEMAND_CHOICES = (*DEMAND_LABELS, *CREDENTIALS)
# The kiosk's taps in the resident's own words, given back in reasons ("搬运重活，您说干不了重活").
TAP_WORDS = {
    "light_only": "干不了重活",
    "no_standing": "站不久",
    "illiterate": "不识字",
    "no_computer": "不会电脑",
    "licence": "有驾照",
    **{f"licence:{c}": f"有{c}驾照" for c in LICENCE_CLASSES},
    "cert:forklift": "有叉车证",
    "cert:electric": "有电工证",
    "cert:weld": "有焊工证",
}
LACK_WORDS = {"licence": "没有驾照", **{f"licence:{c}": f"没有{c}驾照" for c in LICENCE_CLASSES},
              "cert:forklift": "没有叉车证", "cert:electric": "没有电工证", "cert:weld": "没有焊工证"}


def demand_name(label: str) -> str:
    """A demand in a clerk's words: "要B2驾照", "要叉车证", "搬运重活"."""
    if label.startswith("licence:"):
        return f"要{label.split(':', 1)[1]}驾照"
    return DEMAND_NAMES.get(label, label)


def describe_demands(demands: Demands) -> list[str]:
    """Each demand in a clerk's words, a plus marked as one: ["要B2驾照", "叉车证优先"]."""
    out = []
    for demand in demands.items:
        name = demand_name(demand.label)
        if demand.required:
            out.append(name)
        elif demand.label in ("heavy", "standing"):
            out.append(f"{name}（偶尔）")
        else:
            out.append(f"{name.removeprefix('要')}优先")
    return out


# --- text folded for matching, with the way back to the words as written --------------------------------------

_CLAUSE_END = re.compile(r"[,。;!?\n|]|\.{3}|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_SENTENCE_END = re.compile(r"[。;!?\n]")


class _Text:
    """Text folded like `jobmatch.text.normalise` (NFKC, no pictographs, simplified, lower case), keeping, for every
    folded character, the place of the character it came from."""

    __slots__ = ("raw", "plain", "_index", "_clauses", "_sentences")

    def __init__(self, raw: str):
        pieces: list[str] = []
        index: list[int] = []
        for i, ch in enumerate(raw):
            folded = unicodedata.normalize("NFKC", ch).lower()
            pieces.append(folded)
            index.extend([i] * len(folded))
        nfkc = strip_pictographs("".join(pieces))
        plain = to_simplified(nfkc)
        if len(plain) != len(nfkc):  # a phrase conversion changed the length: convert character by character
            plain = "".join(to_simplified(ch) if len(to_simplified(ch)) == 1 else ch for ch in nfkc)
        self.raw, self.plain, self._index = raw, plain, index
        self._clauses = [m.start() for m in _CLAUSE_END.finditer(plain)]
        self._sentences = [m.start() for m in _SENTENCE_END.finditer(plain)]

    @staticmethod
    def _bounds(ends: list[int], pos: int, length: int) -> tuple[int, int]:
        i = bisect.bisect_right(ends, pos - 1)
        start = ends[i - 1] + 1 if i else 0
        return start, (ends[i] if i < len(ends) else length)

    def clause(self, pos: int) -> tuple[int, int]:
        return self._bounds(self._clauses, pos, len(self.plain))

    def sentence(self, pos: int) -> tuple[int, int]:
        return self._bounds(self._sentences, pos, len(self.plain))

    def original(self, start: int, end: int) -> str:
        if start >= end:
            return ""
        return self.raw[self._index[start] : self._index[end - 1] + 1].strip()

    def words(self, start: int, end: int, longest: int = 18) -> str:
        """The words that said it: the clause holding the match when short, else the match with a little around it."""
        c_start, c_end = self.clause(start)
        while c_start < start and self.plain[c_start] in " (（)）":
            c_start += 1
        if c_end - c_start > longest:
            room = max(0, (longest - (end - start)) // 2)
            c_start, c_end = max(c_start, start - room), min(c_end, end + room)
            # not half a bracket: "持有效电工证（特种作业操" reads as "持有效电工证"
            opened = self.plain.rfind("(", c_start, c_end)
            if opened >= end and self.plain.find(")", opened, c_end) < 0:
                c_end = opened
            closed = self.plain.find(")", c_start, start)
            if closed >= 0 and self.plain.rfind("(", c_start, closed) < 0:
                c_start = closed + 1
        return _balanced(self.original(c_start, c_end))


def _balanced(words: str) -> str:
    """Words without separators at their ends, nor a bracket left open or closed alone: "持有效叉车证（N1）" stays whole."""
    words = words.strip(" ,，、:：;；。")
    if words[:1] in "(（" and not any(c in words for c in ")）"):
        words = words[1:]
    if words[-1:] in ")）" and not any(c in words for c in "(（"):
        words = words[:-1]
    if any(c in words for c in "(（") and not any(c in words for c in ")）"):
        words = re.split(r"[(（]", words)[0]
    return words.strip(" ,，、:：")


@lru_cache(maxsize=4_096)
def _fold(text: str) -> _Text:
    return _Text(text)


# --- what was read ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Demand:
    """One thing a vacancy asks for: `label` in the vocabulary ("heavy", "licence:B2", "cert:forklift"), whether it is
    `required` (else only a plus, "有证优先"), and the `words` of the posting that said it."""

    label: str
    required: bool = True
    words: str = ""

    def as_dict(self) -> dict:
        return {"label": self.label, "required": self.required, "words": self.words}


@dataclass(frozen=True)
class Demands:
    """Everything a vacancy was read to ask for, in a stable order."""

    items: tuple[Demand, ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(d.label for d in self.items if d.required)

    @property
    def plus(self) -> tuple[str, ...]:
        return tuple(d.label for d in self.items if not d.required)

    def get(self, label: str) -> Demand | None:
        return next((d for d in self.items if d.label == label), None)

    def __bool__(self) -> bool:
        return bool(self.items)

    def as_dict(self) -> dict:
        return {"demands": [d.as_dict() for d in self.items]}

    @classmethod
    def from_dict(cls, data: dict | list | None) -> Demands:
        """From `as_dict()` or a clerk's list: dicts, or plain labels (required, no words)."""
        rows = data.get("demands", []) if isinstance(data, dict) else (data or [])
        items = []
        for row in rows:
            if isinstance(row, str):
                items.append(Demand(row))
            else:
                items.append(Demand(str(row["label"]), bool(row.get("required", True)), str(row.get("words") or "")))
        return cls(tuple(items))


@dataclass(frozen=True)
class Said:
    """One thing a resident said about themselves: a label and their words."""

    label: str
    words: str = ""

    def as_dict(self) -> dict:
        return {"label": self.label, "words": self.words}


@dataclass(frozen=True)
class Limits:
    """What a resident said they cannot do (`limits`: "light_only", "no_standing", "illiterate", "no_computer"), which
    licences and certificates they hold (`holds`: "licence:C1", "cert:forklift"; "licence" when no class was said) or
    lack (`lacks`: the same, "licence" for no licence at all), and `new_to`: their words saying they are new to the work
    they want (None when they said nothing of it)."""

    limits: tuple[Said, ...] = ()
    holds: tuple[Said, ...] = ()
    lacks: tuple[Said, ...] = ()
    new_to: Said | None = None

    @property
    def limit_labels(self) -> frozenset[str]:
        return frozenset(s.label for s in self.limits)

    @property
    def held(self) -> frozenset[str]:
        return frozenset(s.label for s in self.holds)

    @property
    def lacking(self) -> frozenset[str]:
        return frozenset(s.label for s in self.lacks)

    @property
    def is_new(self) -> bool:
        return self.new_to is not None

    def said(self, label: str) -> Said | None:
        return next((s for s in (*self.limits, *self.holds, *self.lacks) if s.label == label), None)

    def merged(self, other: Limits) -> Limits:
        """This reading with another one (the kiosk's taps, a clerk's correction), each label once. The other wins where
        they disagree: a tap "有驾照 B2" drops a read "没驾照", a tap of no licence drops the classes read."""

        def union(mine: tuple[Said, ...], theirs: tuple[Said, ...]) -> tuple[Said, ...]:
            out = {s.label: s for s in mine}
            out.update({s.label: s for s in theirs})
            return tuple(out.values())

        def contradicted_hold(label: str) -> bool:
            return label in other.lacking or (label.startswith("licence") and "licence" in other.lacking)

        def contradicted_lack(label: str) -> bool:
            if label == "licence":
                return any(h.startswith("licence") for h in other.held)
            return covers(other.held, label)

        return Limits(
            union(self.limits, other.limits),
            union(tuple(s for s in self.holds if not contradicted_hold(s.label)), other.holds),
            union(tuple(s for s in self.lacks if not contradicted_lack(s.label)), other.lacks),
            other.new_to or self.new_to,
        )

    def as_dict(self) -> dict:
        return {
            "limits": [s.as_dict() for s in self.limits],
            "holds": [s.as_dict() for s in self.holds],
            "lacks": [s.as_dict() for s in self.lacks],
            "new_to": self.new_to.as_dict() if self.new_to else None,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> Limits:
        """From `as_dict()` or structured fields (lists of labels, `new_to` true or words)."""
        data = data or {}

        def saids(rows, words: dict) -> tuple[Said, ...]:  # a plain label is a tap: it says the tap's words
            return tuple(Said(r, words.get(r, "")) if isinstance(r, str) else Said(str(r["label"]), str(r.get("words") or ""))
                         for r in rows or ())

        new = data.get("new_to")
        if isinstance(new, dict):
            new = Said(str(new.get("label") or "new_to"), str(new.get("words") or ""))
        elif isinstance(new, str) and new:
            new = Said("new_to", new)
        elif new is True or (isinstance(new, (list, tuple)) and new):  # a tap, or the occupations they are new to
            new = Said("new_to", "、".join(map(str, new)) if isinstance(new, (list, tuple)) else "")
        else:
            new = None
        return cls(saids(data.get("limits"), TAP_WORDS), saids(data.get("holds"), TAP_WORDS),
                   saids(data.get("lacks"), LACK_WORDS), new)


# --- shared phrase pieces --------------------------------------------------------------------------------------

_NUM = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十半几百]+)"
_CLASS_TOKEN = re.compile(
    r"(?<![a-z0-9])([abc])\s?([123])(?![0-9a-z])|(?<![a-z0-9])([abc])(?=本|照|驾照|驾驶证|牌照)|(小车本|小车驾照|小型车驾照|小型汽车驾照)"
)
# A text about driving reads "只有C1，没有B2" as licence classes even far from a licence word.
_DRIVING_TEXT = re.compile(r"驾照|驾驶证|驾证|驾龄|司机|开车|本子|货车|大车|小车|半挂|客车")
_LICENCE_CONTEXT = re.compile(r"驾|照|本|证|车|司机|开|考")
_CERT_NAMED = {
    # "本子" is how many say a certificate ("电工本子有"); N1 is the forklift's code on the special-equipment card.
    "forklift": r"(?:叉车|铲车|插车|堆高车)(?:司机)?(?:操作|上岗|作业)?(?:证|证书|执照|本子)|(?<![a-z0-9])n1(?:操作|作业)?(?:证|证书)",
    "electric": r"(?:低压|高压|特种作业)?电工(?:操作|上岗|作业|特种作业)?(?:证|证书|本子)",
    "weld": r"(?:电焊|焊工|焊接|气焊|氩弧焊|二保焊|熔化焊)(?:工)?(?:与热切割)?(?:操作|上岗|作业)?(?:证|证书|本子)",
}
_CERT_NAMED_RE = {kind: re.compile(p) for kind, p in _CERT_NAMED.items()}
# A certificate whose kind the words around it give: 特种作业操作证（电工）, 特种设备作业人员证.
_CERT_GENERIC = re.compile(r"特种(?:作业|设备)(?:人员)?(?:作业)?(?:人员)?(?:操作)?(?:资格)?(?:证|证书)|(?:场|厂)内(?:专用)?机动车(?:辆)?(?:驾驶|操作)?证")
_KIND_WORDS = {
    "forklift": re.compile(r"叉车|铲车|插车|堆高车|叉运"),
    "electric": re.compile(r"电工|配电|电气|电路|线路|水电(?!站)|强电|弱电|低压|高压|电力|接线|拉线"),
    "weld": re.compile(r"焊"),
}
# Certificates outside the vocabulary: a bare "持证上岗" beside one of these is about that one.
_OTHER_CERT = re.compile(
    r"(?:健康|会计|教师|从业资格|资格|育婴师?|护理|护士|厨师|保安|导游|职业|技能|营业|身份|残疾|毕业|学历|初级|中级|高级|"
    r"消防|安全员|电梯|登高|高处作业|挖掘机|挖机|装载机|压路机|塔吊|起重|司索|信号|上岗|母婴|月嫂|养老|美容|美发|驾驶)证"
)
_OTHER_PERSON = re.compile(
    r"孩子|小孩|娃|儿子|口子|那位|对象|女儿|闺女|老公|老伴|爱人|丈夫|媳妇|老婆|婆婆|公公|(?<!宝)爸|(?<!宝)妈|父亲|母亲|岳|老人|老头|老太|孙子|孙女|外孙|"
    r"家里人|家人|亲戚|朋友|邻居|同事|病人|(?<!其)他(?!们)|她|别人|人家"
)
_SELF = re.compile(r"我|自己|本人")


# --- what a vacancy demands ------------------------------------------------------------------------------------

# Each label: (pattern, strong). A strong pattern says the demand outright ("学徒不收", "一站一整天", "无证勿扰"): only a
# negation before it ("不用一直站着") or a plus ("...优先") changes it. A weak one ("经验", "电脑", "搬运") is a demand
# unless the words around it say it is not needed ("不用会电脑", "经验不限", "偶尔搬箱子，活不重") or only a plus.
_REFUSE = r"(?:的|者|人员?)?(?:一律|概)?(?:不要(?!紧)|不收|勿扰|免谈|不考虑|不予考虑|不招|别来|莫来|请勿|勿来|不用来|谢绝|不录用|绕道|绕行)"
# Loading and unloading, heavy by its nature when done by hand.
_LOADING = re.compile(r"装卸(?:工|货|车|搬运)?|装车卸车|装(?:货|车)[、和与及,]?卸(?:货|车)|卸(?:货|车)(?:工|员)?")
_DEMAND_SOURCES: dict[str, list[tuple[str, bool]]] = {
    "heavy": [
        (r"力气活|体力活|重体力|重活|苦力活|粗活累活|纯体力|体力要好|体力好|负重|重物|重货", False),
        (r"(?:要|得|需要?|须|必须)(?:有)?(?:把|点|些|一把|一定的?)?(?:力气|力量|体力)|有把力气|力气(?:要)?大|力气足|(?:手上|胳膊)?(?:要|得)?有(?:把)?劲", False),
        (r"扛(?!得住|不住|压)|肩挑|背(?:货|包|水泥|化肥|砖|麻袋)|抬(?:重|货|东西|家具|钢|板|病人|人)", False),
        (r"搬(?:运|货|砖|板|箱|重|东西|家具|水泥|化肥|米|面|大件|桶|桶装水|料|布)|(?:整箱|整包|整袋)搬", False),
        (rf"(?:一|每|单)(?:包|箱|袋|卷|件|桶|块|张|捆|根|匹|筐|担|麻袋|个|筒|板)[^,。;]{{0,4}}?{_NUM}(?:到|至|-|~)?{_NUM}?\s*(?:来|多|几)?\s*(?:斤|公斤|kg|千克)"
         rf"|{_NUM}(?:到|至|-|~)?{_NUM}?\s*(?:来|多|几)?\s*(?:斤|公斤|kg|千克)\s*(?:一|每)(?:包|箱|袋|卷|件|桶|块|张|捆|根|匹|筐|担|个|筒)", False),
        (r"抱(?:到|上|下|起)|(?:翻身|抱)[^,。;]{0,6}?(?:力气|体力)|有(?:一定的?|把|些)(?:力气|体力)|身强力壮|身体强壮|体格(?:健壮|强壮)", False),
        (r"(?:体力(?:消耗|要求)|劳动强度|强度)(?:很|较|比较)?(?:大|高)|活(?:比较|很|有点|挺|较)?重(?!不重)|(?:很|挺|比较)沉|大件", False),
        (r"(?:全靠|靠|用)?(?:手|人工|人力)(?:搬|扛|抬|装卸|搬运)|人力搬运|全靠人力", False),
        # Loading and unloading by hand is heavy by its nature, said or not (a forklift's is cancelled by _MACHINE).
        (_LOADING.pattern, False),
        (r"(?:腰不好|腰椎|腰间盘|腰肌劳损|身体不好|体弱|体质差|干不了重活|力气小|没(?:有)?力气(?!活)|体力(?:差|不好|不行))[^,。;]{0,4}?(?:的|者)?(?:勿|不要|不适合|不合适|慎|别|不考虑)|不适合(?:腰|身体不好|体弱)", True),
    ],
    "standing": [
        (r"(?:一|全|整|每)(?:整)?天(?:都|要|得|基本)?(?:是)?站着|(?:全程|一直|都是|全部|基本|整天|全天|整班|长期|长时间)(?:都)?(?:要|得|是)?站(?:着|立)", True),
        (r"一站(?:就是|就)?(?:一)?(?:整)?天|站(?:一|整|全)(?:整)?天|一站[^,。;]{0,2}?(?:八|十|几|[0-9])+个?(?:小时|钟头)|站[^,。;]{0,2}?(?:八|十|几|[0-9]+)个?(?:小时|钟头)", True),
        (r"站立|站姿(?:作业|操作|工作)|久站|站着(?:干|做|作业|工作|上班|操作|干活|的)?|站岗|站(?:柜台|门口|门岗|大门|前台)|(?:要|得)?能(?:久)?站|站得住", False),
        (r"站到(?:晚|天黑|下班|收工)|从早站到", True),
        # "一天要走十几公里": the distance walked in a shift (not "每天走两公里就到厂")
        (rf"(?:(?:一天|每天|天天|一个班|每班|全天)[^,。;]{{0,2}}?(?:要|得|至少|起码|少说)|(?:一天|一个班)下来)[^,。;]{{0,2}}?走[^,。;]{{0,3}}?"
         rf"{_NUM}\s*(?:多)?\s*(?:公里|里路|里地|km)", True),
        (r"(?:腿脚不便|腿脚不好|站不久|站不住|膝盖不好)[^,。;]{0,4}?(?:的|者)?(?:勿|不要|不适合|不合适|慎|别|不考虑)", True),
        (r"不设(?:凳子|椅子|座位)|没(?:有)?(?:地方|凳子|椅子|座位)(?:可以|能)?坐|不能坐|不许坐|不让坐|坐不了|没得坐|坐不下来|基本不坐|不坐(?!班)", True),
        (r"(?:全天|整天|一天到晚|一直|来回|不停|到处|经常|频繁|长时间|不断)(?:地)?(?:走动|走来走去|走|跑|巡|跑动|行走|步行)|走动(?:多|频繁|量大|较多)|走来走去|跑来跑去|来回跑|"
         r"走(?:路)?(?:多|很多)|走(?:路)?(?:几|两|一|好几|[0-9]+)万(?:多)?步|腿脚(?:要|得)(?:好|利索|灵便|勤快)|脚不沾地|腿勤", True),
    ],
    "literate": [
        (r"(?<!标)识字|识文断字|认字|文字功底|文字(?:表达)?能力|文笔|写写算算|认(?:得|识)(?:常用|几个)?字|会写字|能写字|写字(?!楼)|字(?:要|得)?写得|(?:能|会)写(?:会|能)算|会读会写|读写", False),
        (r"(?:写|填)[^,。;]{0,6}?(?:记录|台账|日志|报表|单据|单子|报告|表格|表|单|账|日报|周报|交接本|值班本)|做(?:好)?(?:记录|台账|日志|登记)|记账|台账"
         # the worker writes a register, not the firm enrolling hands ("提前登记采茶人手", "报名登记")
         r"|(?<!报名)(?<!提前)登记(?![^,。;]{0,4}?(?:人手|名额|报名))", False),
        (r"看(?:得)?懂[^,。;]{0,6}?(?:单|字|说明|表|票|标签|标识)|(?:看|对着|核对|按照?)(?:单据|单子|票据|送货单|出库单|入库单|发货单|订单)", False),
        (r"(?:小学|初中|高中|中专|大专)(?:及|或)?(?:以上)?(?:文化|学历)|(?:小学|初中|高中|中专|大专)(?:毕业)?(?:及|或)?以上|有(?:一定的?|点)?文化|文化(?:程度|水平)", False),
        (r"(?:不识字|不认字|文盲)" + _REFUSE, True),
    ],
    "computer": [
        (r"电脑(?!花|绣|横|平车|针|缝|套结|锁|钉|裁|绗|提花|机|车|控制|刺绣|印花|雕刻)|计算机(?!专业)", False),
        (r"(?<![a-z])(?:excel|word|wps|office|ppt|erp)(?![a-z])|办公软件|财务软件|用友|金蝶|电算化|打字|五笔|(?:录|输)(?:入|进)?系统|系统(?:录入|操作)|收银系统|(?:会|(?<![智功性可])能|熟悉|熟练|懂|操作)[^,。;]{0,3}?(?:开票|进销存|库存|仓储|财务)(?:系统|软件)|(?:开票|进销存|库存|仓储|财务)(?:系统|软件)[^,。;]{0,2}?(?:会|能|熟练)(?:用|操作|使用)|网上下单|(?:电商|网店)?后台操作|(?:用|做)(?:电子)?表格", False),
    ],
    "experienced": [
        (r"只(?:招|要|收|用)[^,。;]{0,6}?(?:熟手|熟练工|老手|师傅|有经验)", True),
        (r"(?:学徒|新手|生手|(?:无|没(?:有)?)(?:相关|驾驶|工作|行业|本行业?|同行业?|实际|操作)?(?:工作)?经验|零基础|小白|非熟手|非熟练工)" + _REFUSE, True),
        # "只要干过的": only those who have done it
        (r"只(?:招|要|收|用)(?:以前)?(?:干|做|开|当|带)过[^,。;\n]{0,6}?的(?:人|师傅)?(?![^,。;\n])", True),
        (r"不(?:招|收|要|带)(?:学徒|新手|生手|徒弟|小白|新人)", True),
        (r"没(?:有)?(?:干|做|开|学|碰|带|炒|修|焊|跑|摸|接触)过[^,。;]{0,8}?" + _REFUSE, True),
        # "三年以上工作经验", "驾龄5年", "本行业工作1年以上"; not "一年四季都有工作", "工作一年后转正".
        (rf"{_NUM}\s*年(?:以上|及以上|或以上)[^,。;]{{0,10}}?(?:经验|经历|工龄|驾龄|手艺|从业|工作)"
         rf"|{_NUM}\s*年(?:多|左右)?[^,。;]{{0,10}}?(?:经验|经历|工龄|驾龄|手艺|从业)"
         rf"|(?:驾龄|工龄|经验|从业|经历)\s*{_NUM}\s*年|(?:驾龄|工龄|经验|从业|经历|工作年限)(?:要求)?(?:须|需|要|必须)?(?:不低于|不少于|不短于|满)\s*{_NUM}\s*年|工作\s*{_NUM}\s*年(?:以上|及以上)", False),
        (r"(?:要|需要?|须|必须|要求)(?:是)?(?:有)?[^,。;跟]{0,8}?(?:经验|经历|熟手|熟练工|老手|老师傅|有基础)", False),
        (rf"(?:从事|干|做)过[^,。;]{{0,8}}?{_NUM}\s*年(?:以上|及以上)", False),
        (r"(?<!只)(?:要|需要?|须|必须|要求)(?:是)?(?:带|做|干|开|当)过|经验丰富|有(?:相关)?(?:工作)?经验", False),
        # "熟手计件", "熟练工月入五千" tell the pay, not who is hired: a bare 熟手 counts only when hired or preferred.
        (r"(?:招|聘|限|仅限)(?:聘)?熟(?:手|练工)|(?:招|聘)(?:聘|收)?熟练[^,。;]{0,4}?(?:工|师傅)|熟(?:手|练工)(?=者?优先|更好|为佳)", False),
    ],
}
_DEMAND_RES = {label: [(re.compile(p), strong) for p, strong in rows] for label, rows in _DEMAND_SOURCES.items()}

# Words that cancel a weak demand in its sentence: a sitting job is not standing all day; a light one is not heavy
# work. A machine doing the lifting cancels it in its clause ("叉车搬运", "卸货有推车").
_CANCEL = {
    "heavy": re.compile(r"不重|轻活|轻松|轻巧|活轻|不累|不费力|不吃力|不用(?:搬|扛|抬)|不需要?(?:搬|扛|抬|力气|体力)"),
    "standing": re.compile(r"(?<!没地方)(?<!不能)(?<!不许)(?<!不让)(?<!没有地方)坐(?:着|下|凳|椅|班)|有(?:凳子|椅子|座位)|可以坐|能坐|站坐都"),
    "literate": re.compile(r"不用写|不需要写|不识字也|不认字也"),
}
# Words that cancel a weak demand anywhere in the posting: "熟手计件，新手保底" welcomes both; a title "搬运工" is not
# heavy work when the text says "重的有机器吊，不用人扛".
_CANCEL_ANYWHERE = {
    "heavy": re.compile(r"不用(?:人)?(?:扛|搬|抬)|不需要?(?:人工)?(?:搬|扛|抬|力气|体力)|(?:有|用)机器(?:吊|搬|运)|机械化"),
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
    """"required", "plus", or None when the words around a mention say it is not needed. `tolerate`: whether "均可"
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


def _nearest_kind(text: _Text, pos: int, title_end: int, kinds=_KIND_WORDS) -> str | None:
    """The certificate kind named nearest to a bare "持证上岗": in its clause, its sentence, the title, then anywhere."""
    plain = text.plain
    for lo, hi in (text.clause(pos), text.sentence(pos), (0, title_end), (0, len(plain))):
        best = None
        for kind, pattern in kinds.items():
            for m in pattern.finditer(plain, lo, hi):
                distance = abs(m.start() - pos)
                if best is None or distance < best[0]:
                    best = (distance, kind)
        if best:
            return best[1]
    return None


_BARE_CERT = re.compile(
    r"持证|有证|证件齐全|证书齐全|证照齐全|(?:无|没|没有)(?:相关)?(?:证|证件|证书)" + _REFUSE + r"|(?:无|没)证勿扰|须持|持有效"
)
_LICENCE_WORDS = re.compile(r"驾照|驾驶证|驾证|驾驶执照|会开车|能开车")


def _licence_classes(text: _Text, resident: bool = False) -> list[tuple[str, int, int]]:
    """Each licence class the text names, with its place: "B2", "A2驾照", "C本", "B照". A resident's "C1" is a licence
    class wherever it stands; a posting's needs a word about driving (not a "C1区" or a "B2栋")."""
    plain = text.plain
    found = []
    driving = resident or _DRIVING_TEXT.search(plain)
    for m in _CLASS_TOKEN.finditer(plain):
        if m.group(1):
            name = (m.group(1) + m.group(2)).upper()
            window = plain[max(0, m.start() - 6) : m.end() + 6]
            if name not in _ENTITLES or not (driving or _LICENCE_CONTEXT.search(window)):
                continue
        else:
            name = _BARE_CLASS[m.group(3)] if m.group(3) else "C1"
        found.append((name, m.start(), m.end()))
    return found


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
                if label == "heavy" and ("斤" in m.group(0) or "kg" in m.group(0) or "公斤" in m.group(0) or "千克" in m.group(0)):
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
    for kind, pattern in _CERT_NAMED_RE.items():
        for m in pattern.finditer(plain):
            note(f"cert:{kind}", _modality(text, m.start(), m.end(), "cert", False), m.start(), m.end())
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


def _order(label: str) -> tuple[int, str]:
    kind = label.split(":", 1)[0]
    rank = {"heavy": 0, "standing": 1, "licence": 2, "cert": 3, "literate": 4, "computer": 5, "experienced": 6}
    return rank.get(kind, 9), label


# --- what a resident can't do, holds or lacks -----------------------------------------------------------------

_HEAVY_THING = r"(?:重活|重的|重东西|重物|力气活|体力活|累活|粗活|苦力|重体力|太重的?|大件)"
# Tiring work counts only when said to be beyond them ("太累的干不了"), not as a wish ("别太累").
_TIRING = r"(?:太累的?|累的)"
_CANNOT = r"(?:干不|做不|搞不|弄不|搬不|扛不|抬不|抱不|提不|拎不|背不|碰不|吃不消|受不了|不行|够呛|不能|不敢|不碰|不让|不了|不动|不得)"
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
    "light_only": re.compile(rf"{_HEAVY_THING}[^。不没]{{0,4}}?(?:能|可以|行|没问题|不怕|不在话下)|不怕(?:累|重|苦)[^。]{{0,3}}重|扛得动|搬得动|力气有的是|有把力气"),
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

_CERT_LACK_BEFORE = re.compile(r"(?:没|没有|无|未|还没|一直没|没去|想|要|准备|打算|正在|在|还在|想去|要去|没时间|没钱|正)(?:去)?(?:考|拿|办|报)?(?:个|张|本|了)?$")
_CERT_LACK_AFTER = re.compile(
    r"^(?:(?:、|和|与|及|跟|还有)[^,。;]{1,8}?证)*(?:是|也|都|一直|还|早就|至今|到现在|目前)?(?:没|未|没有|不在)|^[^,。;]{0,6}?(?:过期|到期|吊销|被收|注销|在考|没考|还没考|没去考|没拿到|没下来|没考下来|还在办|没办|(?:还|正)在(?:培训|学)(?!校)|培训中)"
)
_CERT_VALID = re.compile(r"^[^,。;]{0,4}?(?:没|未|不)(?:有)?(?:过期|到期|失效)|^(?:也|都|是)?没(?:问题|毛病)|^[^,。;]{0,4}?(?:还|仍然?|都)?(?:有效|在有效期)")
# "有焊工证，但过期了": gone later in the sentence.
_CERT_GONE = re.compile(r"[^。;]{0,8}?(?:过期|到期|吊销|被收|注销|作废)")
_BARE_HOLD = re.compile(r"持证|有证|证(?:是|都|也|件|书)?(?:齐|有|在手|全|拿到|拿了|考了|考到|考下来)|考(?:了|到|下|过|下来了)证|证件齐全")
_BARE_LACK = re.compile(
    r"(?:无|没|没有)(?:什么|啥)?(?:去)?(?:考|办|拿)?(?:过)?证(?!明|书齐)|(?:没|未|没有)(?:去)?考(?:过)?证|证(?:都|也|早)?(?:过期|到期|吊销|被收|被没收|没收|被扣)|证(?:也|都|还|一直|至今)?(?:没|没有|未)(?:去)?(?:考|拿|办|下来)?|证(?:还|正)?在(?:办|考|学)|无证"
)
_CLASS_LACK_BEFORE = re.compile(r"(?:正在|在|还在|想|要|准备|打算|没|还没|没有|未|快要?|马上)(?:去)?(?:考|拿|学|报|升|增驾|增|增到)(?:个|了|到)?$|没有?$|还没$")
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
    """"孩子腰不好", "我家老头子腰不好": the clause names another person before the words, and not the speaker after."""
    c_start, _ = text.clause(start)
    before = text.plain[c_start:start]
    other = None
    for other in _OTHER_PERSON.finditer(before):
        pass
    return bool(other) and not _SELF.search(before, other.end())


def _recovered(text: _Text, start: int, end: int) -> bool:
    """"以前腰不好，现在好了": the rest of the sentence says it has passed."""
    _, s_end = text.sentence(start)
    return bool(_RECOVERED.search(text.plain, end, s_end))


def _cert_holding(text: _Text, start: int, end: int) -> bool:
    """Whether a named certificate is held ("叉车证拿了十年", "叉车证还没过期") or lacking ("电工证一直没去考", "想考叉车证")."""
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
                limits[label] = Said(label, text.words(m.start(), m.end(), longest=10) or text.original(m.start(), m.end()))

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
    for kind, pattern in _CERT_NAMED_RE.items():
        for m in pattern.finditer(plain):
            named_spans.append((m.start(), m.end()))
            say(holds if _cert_holding(text, m.start(), m.end()) else lacks, f"cert:{kind}", m.start(), m.end())
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
            if _OTHER_CERT.search(plain, c_start, c_end) or (into is holds and _BARE_LACK.search(plain, c_start, c_end)):
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


# --- coverage and what can't be met -----------------------------------------------------------------------------


def covers(held: set[str] | frozenset[str], demanded: str) -> bool:
    """Whether what a resident holds meets a licence or certificate demand: A2 covers B2 and C1, B2 covers C1;
    a certificate only by the same kind; "licence" (any class) by any licence."""
    if demanded in held:
        return True
    if demanded == "licence":
        return any(h == "licence" or h.startswith("licence:") for h in held)
    if demanded.startswith("licence:"):
        wanted = demanded.split(":", 1)[1]
        return any(h.startswith("licence:") and wanted in _ENTITLES.get(h.split(":", 1)[1], ()) for h in held)
    return False


@dataclass(frozen=True)
class Unmet:
    """A required demand the resident said they cannot meet: the demand, the reason in plain Chinese, the vacancy's words
    and the resident's."""

    label: str
    reason: str
    words: str = ""
    said: str = ""

    def as_dict(self) -> dict:
        return {"label": self.label, "reason": self.reason, "words": self.words, "said": self.said}


def _their_words(said: Said, fallback: str) -> str:
    words = said.words.strip()
    return words if 0 < len(words) <= 10 else fallback


def _licence_unmet(label: str, limits: Limits) -> str | None:
    held, lacking = limits.held, limits.lacking
    name = demand_name(label)
    if "licence" in lacking:  # no licence, or it was revoked: whatever class they once held
        return f"{name}，您说没有驾照"
    if covers(held, label) or label == "licence":
        return None
    wanted = label.split(":", 1)[1]
    classes = [h.split(":", 1)[1] for h in held if h.startswith("licence:")]
    if classes:
        return f"{name}，您是{'/'.join(sorted(classes))}"
    # Lacking a class the demanded one entitles to ("C1还没考") means lacking the demanded one too.
    short = sorted(lack.split(":", 1)[1] for lack in lacking if lack.startswith("licence:") and lack.split(":", 1)[1] in _ENTITLES[wanted])
    if short:
        return f"{name}，您说还没有{short[0]}"
    return None


def unmet(demands: Demands, limits: Limits) -> list[Unmet]:
    """Each required demand the resident said they cannot meet, with a plain reason ("要B2驾照，您是C1",
    "搬运重活，您说腰不好"). A demand nobody stated either way counts nothing; experience is not judged here."""
    out = []
    for demand in demands.items:
        if not demand.required:
            continue
        label = demand.label
        if label in _BLOCKED_BY:
            said = limits.said(_BLOCKED_BY[label])
            if said:
                reason = f"{demand_name(label)}，您说{_their_words(said, LIMIT_NAMES[said.label])}"
                out.append(Unmet(label, reason, demand.words, said.words))
        elif label == "licence" or label.startswith("licence:"):
            reason = _licence_unmet(label, limits)
            if reason:
                said = next((s for s in (*limits.holds, *limits.lacks) if s.label.startswith("licence")), None)
                out.append(Unmet(label, reason, demand.words, said.words if said else ""))
        elif label.startswith("cert:"):
            if label in limits.lacking and label not in limits.held:
                out.append(Unmet(label, f"{demand_name(label)}，您说没有证", demand.words, limits.said(label).words))
    return out


# --- reading quality against a graded set ----------------------------------------------------------------------


def _counts(pairs: list[tuple[set[str], set[str]]]) -> dict[str, dict]:
    labels = sorted({label for gold, read in pairs for label in gold | read})
    out = {}
    for label in labels:
        tp = sum(label in gold and label in read for gold, read in pairs)
        fp = sum(label not in gold and label in read for gold, read in pairs)
        fn = sum(label in gold and label not in read for gold, read in pairs)
        out[label] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "support": tp + fn,
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
        }
    return out


def score_reading(jobs: list[dict], profiles: list[dict], labels: list[dict]) -> dict:
    """Precision, recall and counts per label: required demands of `jobs` against `labels`' `demands`; limits, holds,
    lacks of `profiles` against theirs, and whether a resident is new to some work against a non-empty `new_to`.
    Also `errors`: each record a label was wrongly read for or missed, to find what to fix."""
    by_job = {str(row["job_id"]): row for row in labels if "job_id" in row}
    by_profile = {str(row["profile_id"]): row for row in labels if "profile_id" in row}
    pairs: dict[str, list] = {"demands": [], "limits": [], "holds": [], "lacks": [], "new_to": []}
    errors: list[dict] = []

    def add(kind: str, record_id: str, gold: set[str], read: set[str]) -> None:
        pairs[kind].append((gold, read))
        for label in sorted(gold ^ read):
            errors.append({"id": record_id, "kind": kind, "label": label, "error": "missed" if label in gold else "wrong"})

    for job in jobs:
        gold = by_job.get(str(job["id"]))
        if gold is None:
            continue
        read = read_demands(job.get("title") or "", job.get("description") or "")
        add("demands", str(job["id"]), set(gold.get("demands") or ()), set(read.required))
    for profile in profiles:
        gold = by_profile.get(str(profile["id"]))
        if gold is None:
            continue
        read = read_limits(profile.get("experience") or "", profile.get("desired") or "")
        pid = str(profile["id"])
        add("limits", pid, set(gold.get("limits") or ()), set(read.limit_labels))
        add("holds", pid, set(gold.get("holds") or ()), set(read.held))
        add("lacks", pid, set(gold.get("lacks") or ()), set(read.lacking))
        add("new_to", pid, {"new_to"} if gold.get("new_to") else set(), {"new_to"} if read.is_new else set())
    result = {kind: _counts(rows) for kind, rows in pairs.items()}
    result["errors"] = errors
    return result
