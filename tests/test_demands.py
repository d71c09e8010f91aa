"""Reading what a vacancy demands and what a resident can't do, hold or lack: phrases written the way employers and
residents at a fair say them (not taken from the graded sets). Plain Python, no app or database."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jobmatch.matching.demands import (
    Demand,
    Demands,
    Limits,
    Said,
    covers,
    demand_name,
    read_demands,
    read_limits,
    score_reading,
    unmet,
)

ROOT = Path(__file__).resolve().parents[1]


def required(title, description=""):
    return set(read_demands(title, description).required)


def plus(title, description=""):
    return set(read_demands(title, description).plus)


# --- what a vacancy demands -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title, description, expected",
    [
        # heavy work, said as the work, the load or the strength it takes
        ("搬家师傅", "主要搬冰箱洗衣机，上下楼全靠人扛", {"heavy"}),
        ("水泥装卸工", "每袋水泥100斤，按吨计件", {"heavy"}),
        ("化肥装卸", "五十斤一袋的化肥，一天卸两车", {"heavy"}),
        ("仓库理货", "货物单件重20-50公斤，手工码放", {"heavy"}),
        ("建材厂普工", "要身强力壮，不怕脏", {"heavy"}),
        ("养老院护工", "协助老人翻身、移位，要有一定体力", {"heavy"}),
        ("家具厂打包", "劳动强度较大，腰不好的勿扰", {"heavy"}),
        ("物流中心普工", "卸货上架，出力的活，就是体力活", {"heavy"}),
        ("装卸工", "", {"heavy"}),  # loading by hand is heavy by its nature
        ("塑料厂日结", "周转箱装车卸车，来一天算一天", {"heavy"}),
        # standing and walking all shift
        ("纺织挡车工", "车间里来回巡回走动，一个班下来一两万步", {"standing"}),
        ("商场导购", "站柜台，一天八小时", {"standing"}),
        ("流水线普工", "吃苦耐劳，能适应长时间站立作业", {"standing"}),
        ("酒店迎宾", "门口迎客，整天都得站着", {"standing"}),
        ("餐厅服务员", "端盘子走来走去，一天下来腿都酸", {"standing"}),
        ("注塑工", "一个班八小时基本不坐", {"standing"}),
        ("厨房打荷", "一天站到晚，饭点最忙", {"standing"}),
        ("服装店员", "要求：1.会电脑 2.能站 3.有经验", {"computer", "standing", "experienced"}),
        # reading and writing
        ("小区门岗", "外来车辆和人员进出要登记", {"literate"}),
        ("仓库理货员", "按送货单核对数量，会写会算", {"literate"}),
        ("物业前台", "初中以上文化，接待业主来访", {"literate"}),
        ("收发员", "每天填写收发记录表", {"literate"}),
        # computer
        ("库管", "出入库在ERP里做，要会用电子表格", {"computer"}),
        ("前台文员", "电脑操作熟练，打字速度每分钟四十字", {"computer"}),
        ("网店客服", "会用WPS、会上网就行", {"computer"}),
        # experience
        ("西点师", "三年以上烘焙工作经验", {"experienced"}),
        ("设备机修", "要求本行业工作1年以上", {"experienced"}),
        ("车工", "非熟手勿扰", {"experienced"}),
        ("挖机司机", "要求驾龄5年以上，能独立作业", {"experienced"}),
        ("厨师", "只要会做本地菜的老手", {"experienced"}),
        ("焊工", "新手请绕道，不带徒弟", {"experienced"}),
        # licences and certificates
        ("货车司机", "持B照，驾龄三年以上", {"licence:B2", "experienced"}),
        ("牵引车司机", "A2驾驶证，跑省内线路", {"licence:A2"}),
        ("面包车送货", "有C1驾照就行，市区配送", {"licence:C1"}),
        ("大客车司机", "需A1驾照", {"licence:A1"}),
        ("城区配送员", "开蓝牌厢货，小车本就能开", {"licence:C1"}),
        ("物流叉车工", "持证上岗，两班倒", {"cert:forklift"}),
        ("仓储叉车司机", "无证勿扰，月休四天", {"cert:forklift"}),
        ("物业水电工", "负责小区水电维修，须持有效电工操作证", {"cert:electric"}),
        ("钢结构焊工", "焊工证要有，手工焊、气保焊都要会", {"cert:weld"}),
        ("设备维修", "要有特种作业操作证（电工）", {"cert:electric"}),
    ],
)
def test_demands_read_from_a_posting(title, description, expected):
    assert required(title, description) == expected


@pytest.mark.parametrize(
    "title, description",
    [
        ("缝纫工", "零基础可学，老师傅带，不要经验"),
        ("超市理货员", "补货上架，偶尔搬箱子，活不重"),
        ("剪线头", "坐着干，不用站，活轻"),
        ("小区保洁", "不识字也能干，扫扫楼道就行"),
        ("仓库保管", "手写就行，不用会电脑"),
        ("包装工", "经验不限，有无经验均可，包教包会"),
        ("酒店前台", "企业文化好，同事好相处"),
        ("写字楼保洁", "负责写字楼大堂卫生"),
        ("电脑平车工", "用电脑花样机做牛仔裤"),
        ("配送员", "会用手机导航，电动车公司配"),
        ("食堂帮厨", "每天备菜五十斤米饭的量，活不累"),
        ("厨房帮工", "健康证要有，无证勿扰"),
        ("质检员", "能看懂图纸，会用卡尺"),
        ("车位工", "熟手计件，新手前三个月有保底"),
        ("电话销售", "配备电脑，专车接送"),
        ("带货主播", "不坐班，时间自由"),
        ("标识字牌制作", "刻字、喷漆、安装"),
        ("门卫", "身体好就行，不用写东西"),
        ("叉车司机", "仓库里开叉车装卸货，要会开"),  # the forklift does the loading
        ("送货司机", "开车送货，不用装卸"),
        ("采茶工", "为明年春茶季提前登记采茶人手，按斤计价"),  # the cooperative enrols hands; the pickers write nothing
        ("摘果工", "报名登记后统一派车接送"),
    ],
)
def test_words_that_do_not_make_a_demand(title, description):
    assert required(title, description) == set()


@pytest.mark.parametrize(
    "title, description, demanded, plussed",
    [
        ("叉车工", "有叉车证优先，没证的公司出钱考", set(), {"cert:forklift"}),
        ("叉车工", "持叉车证上岗，有经验者优先", {"cert:forklift"}, {"experienced"}),
        ("叉车工", "持证上岗，会电脑者优先", {"cert:forklift"}, {"computer"}),
        ("叉车工", "会电脑，持证者优先", {"computer"}, {"cert:forklift"}),
        ("叉车工（有证优先）", "仓库装卸，长白班", set(), {"cert:forklift"}),
        ("电工", "有电工证者优先考虑", set(), {"cert:electric"}),
        ("焊工", "最好有焊工证", set(), {"cert:weld"}),
        ("收银员", "会简单电脑操作更好", set(), {"computer"}),
        ("司机", "有C1驾照的优先", set(), {"licence:C1"}),
        ("月嫂", "做过月嫂的优先，新手可培训", set(), set()),
        ("育婴员", "有经验者工资更高", set(), {"experienced"}),
        ("维修电工", "没证的不要，两年以上经验", {"cert:electric", "experienced"}, set()),
        ("仓管", "不会电脑的不要", {"computer"}, set()),
        ("保安", "不识字的不要", {"literate"}, set()),
    ],
)
def test_a_plus_is_not_a_demand(title, description, demanded, plussed):
    reading = read_demands(title, description)
    assert set(reading.required) == demanded
    assert set(reading.plus) == plussed


def test_the_lowest_class_a_posting_accepts_is_its_demand():
    assert required("货车司机", "B2及以上驾照，A2也可以") == {"licence:B2"}
    assert required("货车司机", "驾照B2、A2均可") == {"licence:B2"}
    assert required("司机", "无需驾照，骑电动车送") == set()


def test_traditional_script_and_full_width_digits_read_alike():
    simplified = read_demands("叉车司机", "持叉车证上岗，须有两年以上经验，每天搬货")
    traditional = read_demands("叉車司機", "持叉車證上崗，須有兩年以上經驗，每天搬貨")
    assert set(traditional.required) == set(simplified.required) == {"cert:forklift", "experienced", "heavy"}
    assert required("貨車司機", "Ｂ２驾照，驾龄５年以上") == {"licence:B2", "experienced"}
    assert required("装卸工", "每箱４０斤") == {"heavy"}


def test_the_words_kept_are_the_words_written():
    reading = read_demands("貨車司機", "跑周邊縣市，持Ｂ２以上駕照，長白班")
    assert reading.get("licence:B2").words == "持Ｂ２以上駕照"
    electrician = read_demands("维修电工", "厂区配电检修，必须持有效低压电工证（特种作业操作证），无证勿扰")
    assert electrician.get("cert:electric").words == "必须持有效低压电工证"
    assert (
        f"{demand_name('licence:B2')}（原文：{reading.get('licence:B2').words}）" == "要B2驾照（原文：持Ｂ２以上駕照）"
    )


def test_demands_round_trip_and_a_clerks_list():
    reading = read_demands("叉车工", "持证上岗，有经验者优先")
    assert Demands.from_dict(reading.as_dict()) == reading
    corrected = Demands.from_dict(["heavy", {"label": "cert:forklift", "required": False}])
    assert corrected.required == ("heavy",) and corrected.plus == ("cert:forklift",)


# --- what a resident can't do, holds, lacks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "experience, desired, expected",
    [
        ("前几年闪了腰，重活干不了", "", {"light_only"}),
        ("在工地干了十年", "腰上有老伤，想找个不累的", {"light_only"}),
        ("", "年纪大了，力气活吃不消", {"light_only"}),
        ("去年心脏搭过桥", "想找个看门的", {"light_only"}),
        ("厂里干过打包", "提重物不行，医生交代的", {"light_only"}),
        ("膝盖半月板伤过", "站久了吃不消", {"no_standing"}),
        ("腿脚不太灵便", "", {"no_standing"}),
        ("静脉曲张好几年", "想坐着干", {"no_standing"}),
        ("", "站时间一长就受不了", {"no_standing"}),
        ("在纺织厂挡了二十年车，腿脚已经不利索了", "", {"no_standing"}),
        ("在工地扛了十几年水泥，身体扛不住了", "", {"light_only"}),
        ("", "我不太识字，能干简单的活", {"illiterate"}),
        ("小时候家里穷没念过书", "", {"illiterate"}),
        ("大字不识几个", "", {"illiterate"}),
        ("认识几个字，表也填不来", "", {"illiterate"}),
        ("電腦完全不會", "", {"no_computer"}),
        ("手机会用，电脑不行", "", {"no_computer"}),
        ("", "电脑这东西搞不懂", {"no_computer"}),
        ("书没念过几天", "", {"illiterate"}),
        ("上个月刚做完手术", "", {"light_only"}),
        ("从没碰过电脑", "", {"no_computer"}),
        ("腰椎間盤突出，幹不了重活", "站久了腿發麻", {"light_only", "no_standing"}),
    ],
)
def test_limits_read_from_a_residents_words(experience, desired, expected):
    assert set(read_limits(experience, desired).limit_labels) == expected


@pytest.mark.parametrize(
    "experience, desired",
    [
        ("孩子腰不好，我得早点回家", "想找白班"),
        ("老伴腿脚不便，要人照顾", ""),
        ("以前腰不好现在好了", "啥活都能干"),
        ("腰扭过一回，早就好了", "力气活也行"),
        ("不怕苦不怕累，力气大", "工资高点就行"),
        ("能吃苦", "重活也能干"),
        ("我妈不识字", "我自己初中毕业"),
        ("在工厂干了十年，身体倍儿棒", "站着干活没问题"),
        ("", "想找个轻松点的活"),
        ("写字楼做过保洁", "电脑会一点"),
        ("", "离家近点，别太累"),
        ("腰椎有点问题，不过不影响干活", ""),
        ("我有高血压，但干活没问题", ""),
    ],
)
def test_words_that_are_not_a_limit(experience, desired):
    assert read_limits(experience, desired).limit_labels == frozenset()


@pytest.mark.parametrize(
    "experience, desired, holds, lacks",
    [
        ("驾照去年刚拿的C本", "", {"licence:C1"}, set()),
        ("A照，开大货十几年", "", {"licence:A2"}, set()),
        ("持A2驾驶证，跑过长途", "", {"licence:A2"}, set()),
        ("有C1驾照", "想考B2", {"licence:C1"}, {"licence:B2"}),
        ("开了几年小车", "B本快考下来了", set(), {"licence:B2"}),
        ("驾照被吊销了", "", set(), {"licence"}),
        ("在外面打工，一直没考驾照", "", set(), {"licence"}),
        ("本子前年被吊销了", "想找个开车以外的活", set(), {"licence"}),
        ("叉车会开，但是没证", "", set(), {"cert:forklift"}),
        ("叉车开得溜，证还在办", "", set(), {"cert:forklift"}),
        ("开过几年铲车，证一直没去考", "", set(), {"cert:forklift"}),
        ("在物流园开叉车，证是齐的", "", {"cert:forklift"}, set()),
        ("高压电工证有，干了五年电工", "", {"cert:electric"}, set()),
        ("电工证正在考", "", set(), {"cert:electric"}),
        ("有焊工证，不过过期了", "", set(), {"cert:weld"}),
        ("叉车证还没过期", "", {"cert:forklift"}, set()),
        ("叉车证和电工证都没有", "", set(), {"cert:forklift", "cert:electric"}),
        ("驾照考了两次没过", "", set(), {"licence"}),
        ("去年考的B2", "", {"licence:B2"}, set()),
        ("C1本，正在增驾B2", "", {"licence:C1"}, {"licence:B2"}),
        ("有C1没B2", "", {"licence:C1"}, {"licence:B2"}),
        ("C1、B2都没有", "", set(), {"licence:C1", "licence:B2"}),
        ("只有C1，没有B2", "", {"licence:C1"}, {"licence:B2"}),
        ("A2和B2都有", "", {"licence:A2", "licence:B2"}, set()),
        ("做了十年车位，没证", "", set(), set()),
        ("开了十年车，没证", "", set(), {"licence"}),
        ("氩弧焊、二保焊都会，就是没证", "", set(), {"cert:weld"}),
        ("叉车证、电工证都有", "", {"cert:forklift", "cert:electric"}, set()),
        ("有初级会计证", "想做出纳", set(), set()),
        ("开过挖机，没证", "", set(), set()),
    ],
)
def test_licences_and_certificates_held_or_lacking(experience, desired, holds, lacks):
    reading = read_limits(experience, desired)
    assert set(reading.held) == holds
    assert set(reading.lacking) == lacks


@pytest.mark.parametrize(
    "experience, desired, new",
    [
        ("一直在家带孩子，厂里没进过", "想学个手艺", True),
        ("送了两年外卖", "想跟师傅学电工，从学徒干起", True),
        ("", "零基础，什么都愿意学", True),
        ("叉车证刚考下来，还没正式上班开过", "", True),
        ("缝纫机一次都没碰过", "想试试踩车", True),
        ("做了二十年车位", "还做老本行", False),
        ("没上过学，不识字", "想看大门", False),
        ("开车十年没出过事", "", False),
        ("我儿子想学电焊", "我自己想找保洁", False),
        ("职高刚毕业，还没正经上过班", "", True),
        ("", "下午要接孩子放学", False),
    ],
)
def test_new_to_the_work(experience, desired, new):
    reading = read_limits(experience, desired)
    assert reading.is_new is new
    if new:
        assert reading.new_to.words


def test_limit_words_are_the_residents_own():
    reading = read_limits("前年腰椎間盤突出", "站久了就疼")
    assert reading.said("light_only").words == "前年腰椎間盤突出"
    assert reading.said("no_standing").words == "站久了就疼"


def test_kiosk_taps_win_over_the_words_they_contradict():
    reading = read_limits("驾照被吊销了，开过铲车但没证")
    assert reading.lacking == {"licence", "cert:forklift"}
    taps = Limits.from_dict({"holds": ["licence:B2", "cert:forklift"]})
    merged = reading.merged(taps)
    assert merged.held == {"licence:B2", "cert:forklift"} and merged.lacking == frozenset()
    assert unmet(read_demands("货车司机", "需B2驾照，持叉车证"), merged) == []
    assert read_limits("B2本").merged(Limits.from_dict({"lacks": ["licence"]})).held == frozenset()
    assert Limits.from_dict({"new_to": ["SEW"]}).is_new


def test_limits_round_trip_and_kiosk_taps_merge():
    reading = read_limits("字认得不多，驾照是C1的", "没进过厂，想试试")
    assert Limits.from_dict(reading.as_dict()) == reading
    taps = Limits.from_dict({"limits": ["light_only"], "holds": ["cert:forklift"]})
    merged = reading.merged(taps)
    assert merged.limit_labels == {"illiterate", "light_only"}
    assert merged.held == {"licence:C1", "cert:forklift"}
    assert merged.is_new


# --- coverage and unmet demands ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "held, demanded, expected",
    [
        ({"licence:A2"}, "licence:B2", True),
        ({"licence:A2"}, "licence:C1", True),
        ({"licence:B2"}, "licence:C1", True),
        ({"licence:B2"}, "licence:B2", True),
        ({"licence:C1"}, "licence:B2", False),
        ({"licence:B2"}, "licence:A2", False),
        ({"licence:C2"}, "licence:C1", False),
        ({"licence:C1"}, "licence", True),
        (set(), "licence:C1", False),
        ({"cert:forklift"}, "cert:forklift", True),
        ({"cert:electric"}, "cert:weld", False),
        ({"licence:A2"}, "cert:forklift", False),
    ],
)
def test_licence_classes_cover_the_ones_below(held, demanded, expected):
    assert covers(held, demanded) is expected


def reasons(title, description, experience, desired=""):
    return [u.reason for u in unmet(read_demands(title, description), read_limits(experience, desired))]


@pytest.mark.parametrize(
    "title, description, experience, expected",
    [
        ("厢式货车司机", "需B2及以上驾照", "驾照是C1的，开面包车送货", ["要B2驾照，您是C1"]),
        ("半挂司机", "A2驾照", "B2本，开过厢货", ["要A2驾照，您是B2"]),
        ("厢式货车司机", "需B2驾照", "没驾照", ["要B2驾照，您说没有驾照"]),
        ("厢式货车司机", "需B2驾照", "开过几年车", []),  # nobody said which class: counts nothing
        ("厢式货车司机", "需B2驾照", "A2本", []),
        ("厢式货车司机", "需B2驾照", "以前是B2，驾照被吊销了", ["要B2驾照，您说没有驾照"]),
        ("半挂司机", "A2驾照", "B2本还没考下来", ["要A2驾照，您说还没有B2"]),
        ("配送司机", "C1驾照就能开", "B2本，开过十年货车", []),
        ("装卸工", "一包五十斤，力气活", "腰不好", ["搬运重活，您说腰不好"]),
        ("快递分拣", "全程站着", "站不久", ["要整天站着，您说站不久"]),
        ("门卫", "来访要登记，要识字", "字认得不多", ["要识字填单，您说字认得不多"]),
        ("超市收银", "要会操作电脑收银系统", "不会电脑", ["要会电脑，您说不会电脑"]),
        ("叉车司机", "持叉车证上岗", "开过铲车但没证", ["要叉车证，您说没有证"]),
        ("叉车司机", "持叉车证上岗", "开过六年叉车", []),
        ("叉车司机", "有叉车证优先", "开过铲车但没证", []),  # a plus is never unmet
        ("熟练车位工", "只招熟手", "缝纫机没碰过，想学", []),  # experience is the ranking's to weigh
        ("包装工", "坐着干，活轻", "腰不好，站不久", []),
    ],
)
def test_unmet_demands_say_why_in_plain_chinese(title, description, experience, expected):
    assert reasons(title, description, experience) == expected


def test_an_unmet_demand_keeps_both_sides_words():
    [reason] = unmet(read_demands("装卸工", "码头卸化肥，一包五十斤"), read_limits("前年腰椎间盘突出"))
    assert reason.label == "heavy"
    assert reason.words == "一包五十斤"
    assert reason.said == "前年腰椎间盘突出"
    assert reason.reason == "搬运重活，您说前年腰椎间盘突出"


def test_unmet_from_structured_fields_alone():
    demands = Demands((Demand("licence:B2"), Demand("heavy", required=False)))
    limits = Limits(limits=(Said("light_only"),), holds=(Said("licence:C1"),))
    assert [u.reason for u in unmet(demands, limits)] == ["要B2驾照，您是C1"]


# --- reading quality, speed, and no web framework -----------------------------------------------------------------


def test_score_reading_counts_per_label():
    jobs = [
        {"id": "j1", "title": "叉车工", "description": "持证上岗"},
        {"id": "j2", "title": "叉车工", "description": "有证优先"},
    ]
    profiles = [{"id": "p1", "experience": "腰不好", "desired": "想学踩车"}]
    labels = [
        {"job_id": "j1", "demands": ["cert:forklift"]},
        {"job_id": "j2", "demands": ["cert:forklift"]},
        {"profile_id": "p1", "limits": ["light_only"], "holds": [], "lacks": [], "new_to": ["SEW"]},
    ]
    result = score_reading(jobs, profiles, labels)
    assert result["demands"]["cert:forklift"] == {
        "tp": 1,
        "fp": 0,
        "fn": 1,
        "support": 2,
        "precision": 1.0,
        "recall": 0.5,
    }
    assert result["limits"]["light_only"]["recall"] == 1.0
    assert result["new_to"]["new_to"]["tp"] == 1
    assert result["errors"] == [{"id": "j2", "kind": "demands", "label": "cert:forklift", "error": "missed"}]


def test_bench_script_skips_a_missing_set(tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "reading.py"), "--set", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("skipped:")


def test_bench_script_prints_figures(tmp_path):
    rows = {
        "jobs.jsonl": [{"id": "j1", "title": "装卸工", "description": "力气活"}],
        "profiles.jsonl": [{"id": "p1", "experience": "站不久", "desired": ""}],
        "labels.jsonl": [{"job_id": "j1", "demands": ["heavy"]}, {"profile_id": "p1", "limits": ["no_standing"]}],
    }
    for name, records in rows.items():
        (tmp_path / name).write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "reading.py"), "--set", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert result["demands"]["heavy"]["precision"] == 1.0
    assert result["limits"]["no_standing"]["recall"] == 1.0


def test_reading_is_fast():
    texts = [
        (f"第{i}号岗位 叉车司机", f"持证上岗，一箱{30 + i % 20}斤，全程站着，要会电脑，{i}号库") for i in range(300)
    ]
    start = time.perf_counter()
    for title, description in texts:
        read_demands(title, description)
        read_limits(description, title)
    assert time.perf_counter() - start < 3.0


def test_the_reader_does_not_import_flask_or_sqlalchemy():
    code = (
        "import sys, jobmatch.matching.demands as d; d.read_demands('叉车工', '持证上岗'); "
        "print('flask' in sys.modules or 'sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
