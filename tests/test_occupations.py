"""Occupation coding from residents' and recruiters' own words, with the shipped taxonomy."""

import csv
import json
from pathlib import Path

import pytest

from jobmatch.config import DEFAULT_MODELS_DIR
from jobmatch.matching import JobRecord, ProfileRecord
from jobmatch.matching.artifacts import Artefacts
from jobmatch.matching.lexicon import Lexicon, load_syllables
from jobmatch.matching.occupations import OccupationCoder, Taxonomy

TAXONOMY_FILE = DEFAULT_MODELS_DIR / "occupations.json"


@pytest.fixture(scope="module")
def coder():
    return OccupationCoder(
        Taxonomy.load(TAXONOMY_FILE),
        Lexicon.load(DEFAULT_MODELS_DIR / "lexicon.npz"),
        load_syllables(DEFAULT_MODELS_DIR / "syllables.json"),
    )


@pytest.mark.parametrize(
    "text, occupation",
    [
        ("在厂里踩了十几年车", "sewing_machinist"),
        ("以前开铲车", "forklift_driver"),
        ("想看大门", "gatekeeper"),
        ("给人家烧饭", "kitchen_helper"),
        ("以前做逢纫", "sewing_machinist"),  # homophone typo
        ("开过茶车", "forklift_driver"),  # homophone typo
        ("会住塑", "injection_moulder"),
        ("养老户理", "elderly_carer"),
        ("縫紉做了十年", "sewing_machinist"),  # traditional script
        ("缝(féng)纫(rèn)做了十年", "sewing_machinist"),  # pasted with pinyin readings
        ("打过包", "packer"),
        ("采了三年茶", "tea_picker"),
        ("在超市收银", "cashier"),
        ("當過保安", "security_guard"),
    ],
)
def test_resident_phrases_code_to_their_occupation(coder, text, occupation):
    assert occupation in dict(coder.code(text).top(3))


@pytest.mark.parametrize(
    "text, occupation",
    [
        ("服务员不想干了", "waiter"),
        ("不想再进厂了", "general_worker"),  # a whole field turned down
        ("不想再进厂了", "sewing_machinist"),
        ("缝纫机我踩不来", "sewing_machinist"),
        ("不要上工地", "construction_labourer"),
    ],
)
def test_negated_phrases_lower_the_occupation(coder, text, occupation):
    coding = coder.code(text)
    assert occupation in coding.negated
    assert occupation not in coding.scores and occupation not in coding.group_scores


@pytest.mark.parametrize(
    "text, absent",
    [
        ("倒班惯了", "road_sweeper"),  # 倒班 is a word, not a typo of 道班
        ("纺织机械厂", "shoe_worker"),  # 械厂 cuts through 机械厂
        ("按派单上门为社区老人服务", "gatekeeper"),  # 上门为 holds no 门卫
        ("出师后转计件", "cook"),  # 出师 is a word, not 厨师
        ("缝纫机我踩不来", "garment_cutter"),  # 踩不 shares no character with 裁布
        ("开心地坐车", "truck_driver"),
    ],
)
def test_sound_alikes_that_are_real_words_do_not_code(coder, text, absent):
    coding = coder.code(text)
    assert absent not in coding.scores and absent not in coding.group_scores


def test_a_broad_wish_means_entry_level_work(coder):
    coding = coder.code("想进厂")
    assert coding.scores == {}
    assert {"general_worker", "packer", "injection_moulder", "garment_trimmer"} <= set(coding.group_scores)
    assert "electrician" not in coding.group_scores and "sewing_machinist" not in coding.group_scores


def test_a_broad_field_words_do_not_code_a_vacancy():
    matcher = Artefacts.load(DEFAULT_MODELS_DIR).matcher()
    codes = matcher.code_job(JobRecord(id="j", title="工业园办公楼保洁（钟点）", description="车间和办公楼早晚保洁"))
    assert list(codes)[0] == "cleaner"
    assert 1 <= len(codes) <= 3 and max(codes.values()) == 1.0


def test_title_only_vacancy_is_completed_from_its_title():
    matcher = Artefacts.load(DEFAULT_MODELS_DIR).matcher()
    job = JobRecord(id="t", title="长白班普工包吃住5-6k")
    resident = ProfileRecord(
        id="r", desired="想进厂，只做白班", expected_wage=5500, availability="day_only", town="东流镇", max_commute_km=3
    )
    match = matcher.fit([job], [resident]).jobs_for(resident)[0]
    assert match.eligible
    assert "月薪 5000-6000，能达到期望" in match.reasons
    assert "只有白班" in match.reasons
    assert match.features["occ_same"] > 0


def test_profile_negation_demotes_even_a_close_text_match():
    matcher = Artefacts.load(DEFAULT_MODELS_DIR).matcher()
    sewing = JobRecord(id="sew", title="缝纫工", skills=("缝纫", "踩缝纫机"), shift="day")
    packing = JobRecord(id="pack", title="包装工", skills=("打包",), shift="day")
    resident = ProfileRecord(id="r", experience="踩了十年缝纫机", desired="缝纫机不想踩了，想做打包")
    matches = matcher.fit([sewing, packing], [resident]).jobs_for(resident)
    assert [m.job_id for m in matches] == ["pack", "sew"]
    assert "您说过不想做缝纫工" in matches[1].reasons


def test_taxonomy_codes_are_csco_2022_facts():
    data = json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))
    taxonomy = Taxonomy(data)
    assert len(taxonomy) >= 90
    assert {o.group for o in taxonomy.occupations.values()} <= set(taxonomy.groups)
    for occupation in taxonomy.occupations.values():
        assert set(occupation.neighbours) <= set(taxonomy.occupations) and occupation.id not in occupation.neighbours
        assert occupation.aliases and occupation.csco_code.count("-") == 3
    reference = Path(__file__).resolve().parents[2] / "shared" / "data" / "csco22.csv"
    if reference.exists():  # beside the checkout in development and CI
        with open(reference, encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        names = {row["code"]: row["name"].rstrip("SL") for row in rows}
        detailed = {row["code"] for row in rows if row["level"] == "4"}
        for occupation in taxonomy.occupations.values():
            assert names.get(occupation.csco_code) == occupation.csco_name, occupation.id
            # a detailed occupation, or (普工) the major group of work that belongs to no one trade
            assert occupation.csco_code in detailed or occupation.csco_code == "6-00-00-00", occupation.id
        for entry in data["occupations"]:
            assert set(entry.get("csco_also", [])) <= set(names), entry["id"]
        for group in data["groups"]:
            assert set(group.get("csco", [])) <= set(names), group["id"]


@pytest.mark.parametrize(
    "text",
    [
        "纺织机械厂",
        "我踩不来缝纫机",
        "上门为老人服务",
        "以前在杭州逢纫厂做平车会拷边",
        "想找个倒班的活",
        "在厂里踩了十几年缝纫机在宁波做童装的",
        "会开茶车，想找仓库的活",
    ],
)
def test_shipped_lexicon_splits_text_as_jieba_does(text):
    import jieba

    jieba.setLogLevel(60)
    ends, position = {0}, 0
    for token in jieba.cut(text, HMM=False):
        position += len(token)
        ends.add(position)
    assert Lexicon.load(DEFAULT_MODELS_DIR / "lexicon.npz").cuts(text) == ends


def test_clause_by_clause_coding_keeps_a_turn_down_from_another_clause(coder):
    # "缝纫" named in one clause, turned down in the next: the turn-down wins, as it did for the whole text.
    coding = coder.code("以前踩缝纫机，缝纫不想干了")
    assert "sewing_machinist" not in coding.scores
    assert "sewing_machinist" in coding.negated


def test_shipped_syllable_table_reads_as_pypinyin_does():
    from pypinyin import Style, lazy_pinyin

    table = load_syllables(DEFAULT_MODELS_DIR / "syllables.json")
    for char in "缝纫逢叉茶车注住塑门卫保洁女":
        assert table[char] == lazy_pinyin(char, style=Style.NORMAL)[0]


def test_the_fuzzy_prefilter_drops_no_term_rapidfuzz_would_find(coder):
    from rapidfuzz import fuzz, process

    from jobmatch.batch import read_jsonl
    from jobmatch.demo import demo_file
    from jobmatch.schemas import ProfileSchema
    from jobmatch.text import normalise

    texts = [
        normalise(p[k])
        for p in read_jsonl(demo_file("profiles.jsonl"), ProfileSchema())
        for k in ("experience", "desired")
    ]
    texts += ["纺织机械", "在厂里逢纫机修工作", "纫机修工", "服装厂的普工", "叉车司"]
    checked = 0
    for text in texts:
        everything = process.extract(
            text, coder._fuzzy_terms, scorer=fuzz.partial_ratio, score_cutoff=coder.fuzzy_threshold, limit=None
        )
        assert {t for t, _, _ in everything} <= set(coder._fuzzy_candidates(text)), text
        checked += len(everything)
    assert checked > 0  # the comparison saw real fuzzy hits
