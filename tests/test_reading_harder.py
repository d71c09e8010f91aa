"""Harder wording for the demand and limit reader: demands only implied, colloquial and dialect-ish limits, negations,
someone else's troubles, pluses against requirements, traditional script and full-width digits. Written for this file
the way older residents of rural Anhui and small local firms say things (none taken from the graded sets)."""

import pytest

from jobmatch.matching.demands import read_demands, read_limits

# --- what a vacancy demands -------------------------------------------------------------------------------------

# (title, description, required, plus)
DEMANDS = [
    # heavy work said indirectly
    ("建材店送货", "瓷砖送上门，货很沉，要自己搬上楼", {"heavy"}, set()),
    ("粮站临时工", "力气小的勿扰，按天结", {"heavy"}, set()),
    ("农资店帮工", "化肥一袋一百来斤，要帮客户装车", {"heavy"}, set()),
    ("搬運工", "每袋５０公斤，全靠人工", {"heavy"}, set()),
    # standing and walking, implied
    ("仓库拣货员", "货架区一天要走十几公里", {"standing"}, set()),
    ("注塑车间操作工", "站姿作业，两班倒", {"standing"}, set()),
    ("超市理货员", "整天在卖场里走来走去补货", {"standing"}, set()),
    # reading and writing, implied
    ("办公室文员", "需要有一定的文字功底", {"literate"}, set()),
    ("库房记账员", "要会写写算算", {"literate"}, set()),
    ("门卫", "能识文断字，夜里值班", {"literate"}, set()),
    ("物业保安", "学历要求初中以上", {"literate"}, set()),
    ("车间统计员", "每天下班前写日报", {"literate"}, set()),
    ("仓库分拣", "能看懂简单的中文说明就行", {"literate"}, set()),
    # a computer, implied
    ("开票员", "会使用开票系统", {"computer"}, set()),
    ("小超市店员", "进销存软件要会用", {"computer"}, set()),
    # experience, said in passing
    ("货车司机", "无驾驶经验者勿扰，B2驾照", {"experienced", "licence:B2"}, set()),
    ("貨車司機", "須持Ｂ２駕駛證，駕齡不低於３年", {"licence:B2", "experienced"}, set()),
    ("饭店厨师", "只要干过的，不带新人", {"experienced"}, set()),
    ("服装厂", "招熟练平车工若干名，计件", {"experienced"}, set()),
    ("装修木工", "从业经验不少于五年", {"experienced"}, set()),
    # licences and certificates
    ("货车司机", "A照B照都行，跑省内", {"licence:B2"}, set()),
    ("仓储叉车工", "持特种设备作业证（叉车）", {"cert:forklift"}, set()),
    ("叉车司机", "持N1证上岗，白班", {"cert:forklift"}, set()),
    ("維修電工", "須持有效低壓電工證", {"cert:electric"}, set()),
    # a plus is not a demand
    ("叉车工", "有证的优先，没有的也可以培训", set(), {"cert:forklift"}),
    ("办公室文员", "懂点电脑就更好了", set(), {"computer"}),
    ("货车司机", "B2驾照有的话更好", set(), {"licence:B2"}),
]


@pytest.mark.parametrize("title, description, demanded, plussed", DEMANDS)
def test_implied_demands_and_pluses(title, description, demanded, plussed):
    reading = read_demands(title, description)
    assert set(reading.required) == demanded
    assert set(reading.plus) == plussed


@pytest.mark.parametrize(
    "title, description",
    [
        ("快递员", "要会用手机拍照上传签收单"),  # a phone is not a computer
        ("超市收银", "会用手机扫码就行"),
        ("车站保洁", "负责站台和候车大厅卫生"),
        ("仓库管理", "货物有叉车搬运，不用人工"),
        ("电脑绣花工", "操作电脑绣花机"),
        ("保洁", "年龄不限，识不识字都行"),
        ("叉车司机", "有证没证都可以，公司包考"),
        ("焊工", "焊工证有没有都行，会焊就行"),
        ("门卫", "不会电脑也没关系"),
        ("餐厅传菜员", "活轻，走动不多"),
        ("电子厂普工", "流水线坐着干，不用站"),
        ("服务员", "熟手新手都要"),
        ("电工学徒", "没有电工证可以跟师傅学，公司帮考"),
        ("宿舍管理员", "B2栋宿舍值班"),
        ("保安", "退伍军人优先"),
        ("仓库员", "公司采用智能仓储系统，工作轻松"),  # the firm's system, nobody asked to run it
        ("服务员", "只要做过的都给结工资"),  # 只要: "as long as", not "only want"
        ("保安", "每天走两公里就到厂，包住"),  # the way to work, not the work
    ],
)
def test_words_that_do_not_make_a_demand(title, description):
    assert read_demands(title, description).required == ()


# --- what a resident can't do -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "experience, desired, expected",
    [
        ("在砖厂干过，腰杆子不行了", "", {"light_only"}),
        ("", "干不得重活", {"light_only"}),
        ("年纪大了，重活搞不来了", "", {"light_only"}),
        ("有腰突，去年犯过一回", "", {"light_only"}),
        ("搬点东西就喘", "", {"light_only"}),
        ("肩膀抬不起来", "想找个看门的", {"light_only"}),
        ("腰桿子不行了，重活幹不得", "", {"light_only"}),
        ("腿上有老寒腿", "", {"no_standing"}),
        ("膝盖里打了钢钉", "", {"no_standing"}),
        ("腿脚不听使唤了", "", {"no_standing"}),
        ("只念过两年书", "", {"illiterate"}),
        ("小时候没上过一天学", "", {"illiterate"}),
        ("认不了几个字", "", {"illiterate"}),
        ("識字不多", "", {"illiterate"}),
        ("手机都玩不转更别说电脑", "", {"no_computer"}),
        ("我是电脑盲", "", {"no_computer"}),
        ("拼音打字都不会", "", {"no_computer"}),
        ("沒碰過電腦", "", {"no_computer"}),
    ],
)
def test_colloquial_limits(experience, desired, expected):
    assert set(read_limits(experience, desired).limit_labels) == expected


@pytest.mark.parametrize(
    "experience, desired",
    [
        ("眼睛花了看不清小字", ""),  # poor sight is not illiteracy
        ("腰不疼腿不酸，啥活都能干", ""),
        ("在超市站一天腿都不酸", ""),
        ("我老伴腰不好，我得照顾她", ""),
        ("腰疼的老毛病早就治好了", ""),
        ("儿媳妇怀孕了，我要带孙子", ""),
        ("以前不会电脑，后来在社区学会了", ""),
        ("身体不错，没毛病", ""),
        ("以前干过重活", "现在也能干"),
        ("能识字，会写", ""),
        ("高中只读了两年书就去当兵了", ""),
        ("干活就犯困", ""),
        ("以前腿上有老寒腿，现在治好了", ""),
        ("我老伴有老寒腿", ""),
        ("儿子不会电脑，手机都玩不转", ""),
    ],
)
def test_words_that_are_not_a_limit(experience, desired):
    assert read_limits(experience, desired).limit_labels == frozenset()


# --- licences and certificates held or lacking ------------------------------------------------------------------


@pytest.mark.parametrize(
    "experience, desired, holds, lacks",
    [
        ("驾照扣满分了", "", set(), {"licence"}),
        ("驾照过期没去换", "", set(), {"licence"}),
        ("驾照被扣了3分", "", set(), set()),  # points off, the licence is still theirs
        ("驾照没问题，开了十年车", "", {"licence"}, set()),
        ("驾照没过期", "", {"licence"}, set()),
        ("A照B照都没有", "", set(), {"licence:A2", "licence:B2"}),
        ("有C照", "", {"licence:C1"}, set()),
        ("我家老头有B2", "我自己没开过车", set(), set()),
        ("持特种设备作业人员证（叉车）", "", {"cert:forklift"}, set()),
        ("叉车证没问题，开了八年", "", {"cert:forklift"}, set()),
        ("电工本子有，在村里接过线", "", {"cert:electric"}, set()),
        ("电工证还在培训", "", set(), {"cert:electric"}),
        ("焊工证早过期了", "", set(), {"cert:weld"}),
        ("會開叉車，沒考證", "", set(), {"cert:forklift"}),
        ("電工證有，幹了五年", "", {"cert:electric"}, set()),
        ("驾照没有被吊销", "", set(), set()),
        ("电工证是在培训学校考的", "", {"cert:electric"}, set()),
    ],
)
def test_held_or_lacking_in_plain_words(experience, desired, holds, lacks):
    reading = read_limits(experience, desired)
    assert set(reading.held) == holds
    assert set(reading.lacking) == lacks


@pytest.mark.parametrize(
    "experience, desired, new",
    [
        ("一直在家种地，没出来打过工", "", True),
        ("这行我是头一回干", "", True),
        ("学过两年电焊", "想找电焊的活", False),
        ("在厂里干了十年", "还干老本行", False),
    ],
)
def test_new_to_the_work_in_plain_words(experience, desired, new):
    assert read_limits(experience, desired).is_new is new
