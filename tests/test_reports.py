"""Office reports: every figure checked against counts made here with plain SQL, on both backends; the page with its
charts, the PDF and XLSX downloads, and `jobmatch report`."""

import io
import json
import os
import re
import shutil
import statistics
import subprocess
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from conftest import BACKENDS, new_database_url
from flask import current_app
from helpers import login, run
from sqlalchemy import Date, bindparam, text, update

from jobmatch import create_app, reports, services
from jobmatch.auth import create_user
from jobmatch.db import db
from jobmatch.erasures import ErasureLog
from jobmatch.errors import Invalid, NotFound
from jobmatch.localtime import LOCAL
from jobmatch.models import AuditEvent, Job, Outcome, Profile, UTCDateTime

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None, reason="poppler-utils not installed"
)


def at(moment: str) -> datetime:
    """The scenario's clock is the office's: Beijing time."""
    return datetime.fromisoformat(moment).replace(tzinfo=LOCAL)


# --- the fairs, vacancies, residents and outcomes every test reads ----------------------------------

FAIRS = {
    "F1": {"name": "东流镇三月社区服务大集", "date": date(2026, 3, 14), "town": "东流镇"},
    "F2": {"name": "香隅镇四月社区服务大集", "date": date(2026, 4, 20), "town": "香隅镇"},
}
# key: (title, firm, openings, fair, created)
JOBS = {
    "J1": ("平车工", "东至县示范服饰有限公司", 3, "F1", "2026-03-10 01:00"),
    "J2": ("叉车司机", "池州顺达物流有限公司", 1, "F1", "2026-03-10 01:00"),
    "J3": ("保洁员", "东流物业服务有限公司", 2, "F1", "2026-03-10 01:00"),
    "J4": ("包装工", "东至县示范服饰有限公司", 5, "F1", "2026-03-10 01:00"),
    "J5": ("见习岗位", "东流镇便民服务中心", 2, "F1", "2026-03-31 23:59:59"),  # its coding is erased below
    "J6": ("保安员", "东流物业服务有限公司", 2, None, "2026-02-27 08:00"),
    "J7": ("电工", "香隅机电有限公司", 1, "F2", "2026-04-18 08:00"),
}
# key: (fair, age, town, community, created); every resident gets a name and a phone that must never show up
PROFILES = {
    "P1": ("F1", 48, "东流镇", "东流社区", "2026-03-14 02:00"),
    "P2": ("F1", 55, "东流镇", "东流社区", "2026-03-14 02:05"),
    "P3": ("F1", 62, "东流镇", "兴隆社区", "2026-03-14 02:10"),
    "P4": ("F1", 29, "香隅镇", "香隅社区", "2026-03-14 02:15"),
    "P5": ("F1", 35, "东流镇", "兴隆社区", "2026-03-14 02:20"),  # deleted on request below
    "P6": ("F1", None, None, None, "2026-03-14 02:25"),
    "P7": ("F1", 44, "东流镇", "东流社区", "2026-03-14 02:30"),
    "P8": (
        "F1",
        50,
        "东流镇",
        "东流社区",
        "2026-04-01 00:00",
    ),  # registered just after midnight in Chizhou (16:00 UTC on 31 March): April
    "P9": ("F2", 40, "香隅镇", "香隅社区", "2026-04-20 02:00"),
    "P10": (None, 57, "东流镇", "菊江社区", "2026-04-10 03:00"),
}
NAMES = {
    key: name
    for key, name in zip(
        PROFILES, ["程桂芳", "汪德胜", "吴秀英", "章小军", "方玉兰", "檀立新", "钱淑珍", "姚庆华", "查国栋", "左红梅"]
    )
}
PHONES = {key: f"1390566{n:04d}" for n, key in enumerate(PROFILES, start=1)}
# In the order they happened (the lifecycle refuses anything else); the times are set afterwards.
OUTCOMES = [
    ("P1", "J1", "shown", "2026-03-14 03:00"),
    ("P1", "J1", "contacted", "2026-03-15 01:00"),
    ("P1", "J1", "interviewed", "2026-03-16 01:00"),
    ("P1", "J1", "hired", "2026-03-17 10:00"),
    ("P2", "J2", "hired", "2026-03-14 05:00"),  # on the spot
    ("P3", "J3", "shown", "2026-03-14 03:00"),
    ("P3", "J3", "contacted", "2026-03-15 01:00"),
    ("P3", "J3", "no_show", "2026-03-18 01:00"),
    ("P3", "J1", "shown", "2026-03-14 03:00"),
    ("P3", "J1", "declined_by_resident", "2026-03-14 06:00"),
    ("P4", "J4", "shown", "2026-03-14 03:00"),
    ("P4", "J4", "contacted", "2026-03-15 01:00"),
    ("P4", "J4", "interviewed", "2026-03-20 01:00"),
    ("P4", "J4", "declined_by_firm", "2026-03-22 01:00"),
    ("P4", "J6", "hired", "2026-03-24 02:00"),  # a vacancy of no fair
    ("P5", "J1", "shown", "2026-03-14 03:00"),
    ("P5", "J1", "contacted", "2026-03-15 01:00"),
    ("P6", "J3", "declined_by_resident", "2026-03-14 04:00"),  # declined before any forward step
    ("P7", "J3", "shown", "2026-03-14 03:00"),
    ("P7", "J3", "contacted", "2026-03-16 01:00"),
    ("P7", "J3", "interviewed", "2026-03-31 23:59:59"),
    ("P7", "J3", "hired", "2026-04-01 00:00"),
    ("P9", "J7", "shown", "2026-04-20 03:00"),
    ("P9", "J7", "hired", "2026-04-25 02:00"),
    ("P10", "J6", "contacted", "2026-04-12 02:00"),
    ("P10", "J6", "hired", "2026-04-15 02:00"),
]


@dataclass
class Seeded:
    app: object
    url: str
    folder: Path
    fairs: dict
    jobs: dict
    profiles: dict

    def report(self, **scope) -> reports.Report:
        taxonomy = self.app.extensions["jobmatch.index"].artefacts.taxonomy
        with self.app.app_context():
            return reports.build_report(db.session, taxonomy, **scope)


def _seed(session) -> tuple[dict, dict, dict]:
    fairs = {key: services.create_fair(session, dict(data)).id for key, data in FAIRS.items()}
    jobs = {}
    for key, (title, firm, openings, fair, _) in JOBS.items():
        body = {
            "title": title,
            "employer": firm,
            "openings": openings,
            "fair_id": fairs.get(fair),
            "contact_phone": "0566-7021234",
        }
        jobs[key] = services.create_job(session, body).id
    profiles = {}
    for key, (fair, age, town, community, _) in PROFILES.items():
        body = {
            "fair_id": fairs.get(fair),
            "name": NAMES[key],
            "phone": PHONES[key],
            "age": age,
            "town": town,
            "community": community,
            "experience": "做过几年厂里的活",
            "desired": "想找个离家近的活",
        }
        profiles[key] = services.create_profile(session, body).id
    recorded = []
    for resident, job, status, when in OUTCOMES:
        outcome = services.record_outcome(session, profiles[resident], jobs[job], status, recorder="tests")
        recorded.append((outcome.id, at(when)))
    services.delete_profile(session, profiles["P5"], ErasureLog.of(current_app))
    # Back-date everything to the scenario's calendar, and make J5 a vacancy stored before codings existed.
    for outcome_id, when in recorded:
        session.execute(update(Outcome).where(Outcome.id == outcome_id).values(created_at=when))
    for key, (*_, created) in JOBS.items():
        session.execute(update(Job).where(Job.id == jobs[key]).values(created_at=at(created)))
    session.execute(update(Job).where(Job.id == jobs["J5"]).values(coding=None))
    for key, (*_, created) in PROFILES.items():
        session.execute(update(Profile).where(Profile.id == profiles[key]).values(created_at=at(created)))
    session.commit()
    return fairs, jobs, profiles


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request, tmp_path_factory):
    """One database per backend for the whole module: the reports only read it (downloads add audit rows)."""
    folder = tmp_path_factory.mktemp(f"reports-{request.param}")
    url = new_database_url(request, request.param, folder)
    # Every test logs in afresh from the same address: more than the login rate limit allows in a minute.
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(folder / "instance"),
            "RATE_LIMIT_LOGIN": "1000 per minute",
        }
    )
    with app.app_context():
        fairs, jobs, profiles = _seed(db.session)
        create_user(db.session, "clerk", "clerk-password", "office")
    yield Seeded(app, url, folder, fairs, jobs, profiles)
    app.extensions["jobmatch.db"]["engine"].dispose()


@pytest.fixture
def clerk(seeded):
    client = seeded.app.test_client()
    assert login(client, "clerk", "clerk-password").status_code == 302
    return client


# --- the same figures, counted directly in the database --------------------------------------------


class Counts:
    """Plain SQL over one scope, written apart from reports.py: a stage is reached when the pair has any step at
    or after it; deleted or placeless profiles are one bucket; posts are openings left plus hires."""

    FORWARD = ("shown", "contacted", "interviewed", "hired")

    def __init__(self, session, fair_id: int | None = None, month: tuple[datetime, datetime] | None = None):
        self.session = session
        if fair_id is not None:
            self.params = {"fair": fair_id}
            self.profiles = "p.fair_id = :fair"
            self.jobs = "j.fair_id = :fair"
            self.outcomes = "o.profile_id IN (SELECT id FROM profiles WHERE fair_id = :fair)"
        else:
            self.params = {"start": month[0], "end": month[1]}
            self.profiles = "p.created_at >= :start AND p.created_at < :end"
            self.jobs = "j.created_at >= :start AND j.created_at < :end"
            self.outcomes = "o.created_at >= :start AND o.created_at < :end"

    def rows(self, sql: str, **extra):
        statement = text(sql)
        # Timestamps go through the models' column type, which stores UTC on both backends.
        typed = [bindparam(name, type_=UTCDateTime()) for name in ("start", "end") if f":{name}" in sql]
        return self.session.execute(
            statement.bindparams(*typed) if typed else statement, {**self.params, **extra}
        ).all()

    def one(self, sql: str, **extra):
        return self.rows(sql, **extra)[0][0]

    def residents(self, where: str = "1 = 1", **extra) -> int:
        return self.one(f"SELECT COUNT(*) FROM profiles p WHERE {self.profiles} AND ({where})", **extra)

    def posts(self, where: str = "1 = 1", **extra) -> tuple[int, int, int]:
        """(vacancies, posts offered, hires recorded) of the scope's jobs that meet `where`."""
        vacancies, left = self.rows(
            f"SELECT COUNT(*), COALESCE(SUM(j.openings), 0) FROM jobs j JOIN employers e ON e.id = j.employer_id "
            f"WHERE {self.jobs} AND ({where})",
            **extra,
        )[0]
        hired = self.one(
            f"SELECT COUNT(*) FROM outcomes o JOIN jobs j ON j.id = o.job_id JOIN employers e ON e.id = j.employer_id "
            f"WHERE o.status = 'hired' AND {self.jobs} AND ({where})",
            **extra,
        )
        return vacancies, left + hired, hired

    def pairs(self, statuses: tuple[str, ...] | None = None) -> int:
        among = "" if statuses is None else "AND o.status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")"
        return self.one(
            "SELECT COUNT(*) FROM (SELECT DISTINCT o.profile_id, o.job_id FROM outcomes o "
            f"WHERE {self.outcomes} {among}) t"
        )

    def hire_days(self) -> list[int]:
        statement = text(
            f"SELECT o.created_at AS hired, p.created_at AS registered, f.date AS fair_day FROM outcomes o "
            "JOIN profiles p ON p.id = o.profile_id LEFT JOIN fairs f ON f.id = p.fair_id "
            f"WHERE o.status = 'hired' AND {self.outcomes}"
        ).columns(hired=UTCDateTime(), registered=UTCDateTime(), fair_day=Date())
        typed = [bindparam(name, type_=UTCDateTime()) for name in ("start", "end") if name in self.params]
        rows = self.session.execute(statement.bindparams(*typed) if typed else statement, self.params).all()
        return [
            (r.hired.astimezone(LOCAL).date() - (r.fair_day or r.registered.astimezone(LOCAL).date())).days
            for r in rows
        ]


def assert_matches_database(report: reports.Report, counts: Counts, taxonomy) -> None:
    """Every number of the report against the database."""
    # Residents: the total, each community row, the deleted-or-unfilled bucket, and each age band.
    assert report.residents == counts.residents()
    listed = {(r.town, r.community): r.residents for r in report.residents_by_community if r.label != reports.UNFILLED}
    places = counts.rows(
        f"SELECT DISTINCT p.town, p.community FROM profiles p WHERE {counts.profiles} AND p.deleted_at IS NULL "
        "AND (p.town IS NOT NULL OR p.community IS NOT NULL)"
    )
    assert set(listed) == {tuple(r) for r in places}
    for (town, community), n in listed.items():
        assert n == counts.residents(
            "p.deleted_at IS NULL AND p.town IS NOT DISTINCT FROM :town AND p.community IS NOT DISTINCT FROM :community"
            if counts.session.bind.dialect.name == "postgresql"
            else "p.deleted_at IS NULL AND p.town IS :town AND p.community IS :community",
            town=town,
            community=community,
        )
    unfilled = [r.residents for r in report.residents_by_community if r.label == reports.UNFILLED]
    expected_unfilled = counts.residents("p.deleted_at IS NOT NULL OR (p.town IS NULL AND p.community IS NULL)")
    assert unfilled == ([expected_unfilled] if expected_unfilled else [])
    bands = {
        "30岁以下": "p.age < 30",
        "30-39岁": "p.age BETWEEN 30 AND 39",
        "40-49岁": "p.age BETWEEN 40 AND 49",
        "50-59岁": "p.age BETWEEN 50 AND 59",
        "60岁及以上": "p.age >= 60",
        "未填年龄": "p.age IS NULL",
    }
    assert {r.band: r.residents for r in report.residents_by_age} == {
        band: counts.residents(where) for band, where in bands.items()
    }

    # Vacancies: totals, each firm, each occupation.
    vacancies, posts, _ = counts.posts()
    assert (report.vacancies, report.posts) == (vacancies, posts)
    firms = [
        r[0]
        for r in counts.rows(
            f"SELECT DISTINCT e.name FROM jobs j JOIN employers e ON e.id = j.employer_id WHERE {counts.jobs}"
        )
    ]
    assert sorted(r.employer for r in report.vacancies_by_firm) == sorted(firms)
    for row in report.vacancies_by_firm:
        assert (row.vacancies, row.posts, row.hired) == counts.posts("e.name = :firm", firm=row.employer)
    by_code: dict[tuple, list[int]] = {}
    for job_id, coding in counts.rows(f"SELECT j.id, j.coding FROM jobs j WHERE {counts.jobs}"):
        coding = json.loads(coding) if isinstance(coding, str) else coding
        known = {k: v for k, v in ((coding or {}).get("occ") or {}).items() if k in taxonomy.occupations}
        if known:
            best = taxonomy.occupations[max(known, key=known.get)]
            key = (best.csco_code, best.csco_name)
        else:
            key = ("", "未识别")
        by_code.setdefault(key, []).append(job_id)
    assert {(r.code, r.name): r.vacancies for r in report.vacancies_by_occupation} == {
        k: len(v) for k, v in by_code.items()
    }
    for row in report.vacancies_by_occupation:
        ids = by_code[(row.code, row.name)]
        assert row.posts == counts.posts("j.id IN (" + ", ".join(str(i) for i in ids) + ")")[1]

    # The funnel: pairs with any step at or past each stage, pairs with each exit, residents hired.
    f = report.funnel
    assert f.pairs == counts.pairs()
    for n, stage in enumerate(Counts.FORWARD):
        assert getattr(f, stage) == counts.pairs(Counts.FORWARD[n:]), stage
    for exit_ in ("declined_by_resident", "declined_by_firm", "no_show"):
        assert getattr(f, exit_) == counts.pairs((exit_,)), exit_
    assert f.residents_hired == counts.one(
        f"SELECT COUNT(DISTINCT o.profile_id) FROM outcomes o WHERE o.status = 'hired' AND {counts.outcomes}"
    )

    # Days from the fair (or registration) to the hire.
    days = counts.hire_days()
    d = report.hire_days
    assert d.count == len(days)
    if days:
        assert (d.median, d.mean, d.min, d.max) == (
            statistics.median(days),
            round(sum(days) / len(days), 1),
            min(days),
            max(days),
        )
    else:
        assert (d.median, d.mean, d.min, d.max) == (None, None, None, None)


# --- the figures -----------------------------------------------------------------------------------


def test_fair_report_equals_counts_in_the_database(seeded):
    report = seeded.report(fair_id=seeded.fairs["F1"])
    taxonomy = seeded.app.extensions["jobmatch.index"].artefacts.taxonomy
    with seeded.app.app_context():
        assert_matches_database(report, Counts(db.session, fair_id=seeded.fairs["F1"]), taxonomy)
    # And the scenario as a person reads it, so that a mistake shared by both counts cannot hide.
    assert report.title == "东流镇三月社区服务大集（2026-03-14）"
    assert report.residents == 8
    assert {r.label: r.residents for r in report.residents_by_community} == {
        "东流镇 东流社区": 4,
        "东流镇 兴隆社区": 1,
        "香隅镇 香隅社区": 1,
        "已删除/未填": 2,
    }
    assert [r.residents for r in report.residents_by_age] == [1, 1, 2, 2, 1, 1]
    # J2 and J1, J3 had hires that counted their openings down: 3 + 1 + 2 + 5 + 2 posts were offered.
    assert (report.vacancies, report.posts) == (5, 13)
    assert report.vacancies_by_firm[0] == reports.FirmRow("东至县示范服饰有限公司", 2, 8, 1)
    names = {r.name: r.vacancies for r in report.vacancies_by_occupation}
    assert names["缝纫工"] == 1 and names["保洁员"] == 1 and names["未识别"] == 1
    assert report.vacancies_by_occupation[-1].name == "未识别"
    assert report.funnel == reports.Funnel(
        pairs=9,
        shown=8,
        contacted=7,
        interviewed=5,
        hired=4,
        declined_by_resident=2,
        declined_by_firm=1,
        no_show=1,
        residents_hired=4,
    )
    assert report.hire_days == reports.HireDays(count=4, median=6.5, mean=7.8, min=0, max=18)
    assert json.loads(json.dumps(report.to_dict()))["funnel"]["hired"] == 4


@pytest.mark.parametrize(
    "month, residents, vacancies, posts, funnel, days",
    [
        # March: P1-P7 (P8 came at 00:00 on 1 April), J1-J5 (J5 at 23:59:59), every F1 step but P7's hire.
        ("2026-03", 7, 5, 13, (9, 8, 7, 5, 3, 2, 1, 1, 3), (3, 3.0, 4.3, 0, 10)),
        # April: P8, P9, P10; J7; P7's hire (so its pair also counts as shown), P9's and P10's steps.
        ("2026-04", 3, 1, 1, (3, 3, 3, 3, 3, 0, 0, 0, 3), (3, 5.0, 9.3, 5, 18)),
        ("2026-02", 0, 1, 2, (0,) * 9, (0, None, None, None, None)),
        ("2025-12", 0, 0, 0, (0,) * 9, (0, None, None, None, None)),
    ],
)
def test_month_report_equals_counts_in_the_database(seeded, month, residents, vacancies, posts, funnel, days):
    report = seeded.report(month=month)
    taxonomy = seeded.app.extensions["jobmatch.index"].artefacts.taxonomy
    with seeded.app.app_context():
        assert_matches_database(report, Counts(db.session, month=reports.month_range(month)), taxonomy)
    assert (report.scope, report.month, report.fair_id) == ("month", month, None)
    assert (report.residents, report.vacancies, report.posts) == (residents, vacancies, posts)
    assert report.funnel == reports.Funnel(*funnel)
    assert report.hire_days == reports.HireDays(*days)


@pytest.mark.parametrize(
    "scope, error, field",
    [
        ({"fair_id": 999_999}, NotFound, "fair_id"),
        ({"fair_id": 0}, NotFound, "fair_id"),
        ({"month": "2026-13"}, Invalid, "month"),
        ({"month": "2026-3"}, Invalid, "month"),
        ({"month": "三月"}, Invalid, "month"),
        ({}, Invalid, "month"),
        ({"fair_id": 1, "month": "2026-03"}, Invalid, "fair_id"),
    ],
)
def test_a_bad_scope_is_a_domain_error_with_its_field(seeded, scope, error, field):
    with pytest.raises(error) as caught:
        seeded.report(**scope)
    assert field in caught.value.fields and caught.value.fields[field]


def test_month_range_is_the_calendar_month_in_beijing_time():
    assert reports.month_range("2026-12") == (at("2026-12-01 00:00"), at("2027-01-01 00:00"))
    assert reports.month_range("2026-02") == (at("2026-02-01 00:00"), at("2026-03-01 00:00"))
    assert reports.month_range("2026-04")[0] == datetime(2026, 3, 31, 16, tzinfo=timezone.utc)


def test_charts_without_a_cjk_font_still_carry_the_chinese_text(seeded, monkeypatch):
    """On a server with no CJK font matplotlib cannot measure Chinese: the SVG keeps the text for the browser to
    draw and no glyph warning escapes (pytest turns warnings into errors)."""
    monkeypatch.setattr(reports, "CHART_FONT_FILES", ())
    monkeypatch.delenv("JOBMATCH_PDF_FONT", raising=False)
    charts = reports.charts_svg(seeded.report(fair_id=seeded.fairs["F1"]))
    assert set(charts) == {"funnel", "ages", "firms"}
    assert (
        "已录用" in charts["funnel"] and "60岁及以上" in charts["ages"] and "东至县示范服饰有限公司" in charts["firms"]
    )
    assert "'Noto Sans CJK SC'" in charts["funnel"]  # the browser's fallback list


def test_report_text_lines_up_chinese_columns(seeded):
    lines = reports.report_text(seeded.report(fair_id=seeded.fairs["F1"])).splitlines()
    firms = lines[lines.index("== 岗位-企业 ==") + 1 :]
    header, rule, first = firms[0], firms[1], firms[2]
    assert header.split()[0] == "企业" and first.split() == ["东至县示范服饰有限公司", "2", "8", "1"]
    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in first)
    assert width == len(rule)  # numbers right-aligned to the rule, each Chinese character two columns wide


# --- the page and its downloads --------------------------------------------------------------------


def _no_personal_data(content: str) -> None:
    for key in PROFILES:
        assert NAMES[key] not in content and PHONES[key] not in content


def test_report_page_shows_figures_tables_and_inline_charts(seeded, clerk):
    form = clerk.get("/office/reports")
    page = form.get_data(as_text=True)
    assert form.status_code == 200 and 'type="month"' in page and "东流镇三月社区服务大集" in page
    assert 'href="/office/reports">报表</a>' in page  # the nav link
    fair = seeded.fairs["F1"]
    response = clerk.get(f"/office/reports?fair={fair}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        page.count("<svg") == 3 and page.count('role="img"') == 3 and "<title>推荐结果（居民-岗位对）</title>" in page
    )
    assert "<script" not in page and "style=" not in page and "<style" not in page  # the CSP allows neither
    assert len(set(re.findall(r'\bid="([^"]+)"', page))) == len(re.findall(r'\bid="([^"]+)"', page))
    assert "<dd>8 人</dd>" in page and "<dd>4 对 / 4 人</dd>" in page and "<dd>6.5 天</dd>" in page
    assert "东至县示范服饰有限公司" in page and "已删除/未填" in page and "未识别" in page
    assert f'href="/office/reports.pdf?fair={fair}"' in page and f'href="/office/reports.xlsx?fair={fair}"' in page
    _no_personal_data(page)
    month = clerk.get("/office/reports?month=2026-04")
    assert month.status_code == 200 and "2026年4月" in month.get_data(as_text=True)
    assert 'href="/office/reports.pdf?month=2026-04"' in month.get_data(as_text=True)


@pytest.mark.parametrize(
    "query, status, message",
    [
        ("fair=999999", 404, "没有编号为 999999 的集市"),
        ("fair=abc", 422, "集市编号应是数字"),
        ("fair=-3", 422, "集市编号不对"),
        ("month=2026-13", 422, "月份应写成 2026-03 这样"),
        ("month=13/2026", 422, "月份应写成 2026-03 这样"),
        ("fair=1&month=2026-03", 422, "一次只能选一场集市或一个月份"),
    ],
)
@pytest.mark.parametrize("path", ["/office/reports", "/office/reports.pdf", "/office/reports.xlsx"])
def test_bad_report_queries_get_a_friendly_page(clerk, path, query, status, message):
    response = clerk.get(f"{path}?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == status and response.mimetype == "text/html"
    assert message in page and 'role="alert"' in page and "<svg" not in page


def test_reports_need_an_office_login(seeded):
    anonymous = seeded.app.test_client()
    for path in ("/office/reports", "/office/reports.pdf?month=2026-03", "/office/reports.xlsx?month=2026-03"):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def _audited(seeded) -> list[str]:
    with seeded.app.app_context():
        return [e.target for e in db.session.query(AuditEvent).filter_by(action="export").order_by(AuditEvent.id)]


@needs_poppler
def test_pdf_download_is_one_a4_page_with_chinese_text_and_audited(seeded, clerk, tmp_path):
    fair = seeded.fairs["F1"]
    before = _audited(seeded)
    response = clerk.get(f"/office/reports.pdf?fair={fair}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"jobmatch-report-fair-{fair}.pdf" in response.headers["Content-Disposition"]
    assert _audited(seeded) == before + [f"report fair-{fair} pdf"]
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.data)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M) and "595.276 x 841.89" in info  # A4 in points
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in (
        "东流镇三月社区服务大集",
        "服务居民",
        "已录用",
        "东至县示范服饰有限公司",
        "缝纫工",
        "60岁及以上",
        "已删除/未填",
    ):
        assert expected in words
    _no_personal_data(words)


def test_xlsx_download_has_one_sheet_per_table_and_is_audited(seeded, clerk):
    from openpyxl import load_workbook

    before = _audited(seeded)
    response = clerk.get("/office/reports.xlsx?month=2026-03")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert _audited(seeded) == before + ["report month-2026-03 xlsx"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["概况", "居民-社区", "居民-年龄", "岗位-企业", "岗位-职业", "推荐结果", "录用用时"]
    summary = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=2, values_only=True)}
    assert summary["月份"] == "2026-03" and summary["服务居民（人）"] == 7 and summary["招聘人数（人）"] == 13
    assert [c.value for c in book["岗位-企业"][1]] == ["企业", "岗位（个）", "招聘人数", "已录用"]
    assert [c.value for c in book["居民-年龄"]["A"]][1:] == [band for band, _, _ in reports.AGE_BANDS]
    funnel = {row[0]: row[1] for row in book["推荐结果"].iter_rows(min_row=2, values_only=True)}
    assert funnel["已录用"] == 3 and funnel["未到场"] == 1
    days = {row[0]: row[1] for row in book["录用用时"].iter_rows(min_row=2, values_only=True)}
    assert days == {"录用数": 3, "中位数": 3.0, "平均": 4.3, "最短": 0, "最长": 10}
    _no_personal_data(" ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row))


# --- the command -----------------------------------------------------------------------------------


@pytest.fixture
def report_env(seeded):
    return {
        **os.environ,
        "JOBMATCH_DATABASE_URL": seeded.url,
        "JOBMATCH_INSTANCE_PATH": str(seeded.folder / "instance"),
    }


def test_cli_report_prints_tables_json_and_writes_files(seeded, report_env, tmp_path):
    shown = run("report", "--fair", str(seeded.fairs["F1"]), env=report_env)
    assert shown.returncode == 0, shown.stderr
    assert (
        "== 推荐结果 ==" in shown.stdout
        and "东流镇 东流社区" in shown.stdout
        and "东至县示范服饰有限公司" in shown.stdout
    )
    _no_personal_data(shown.stdout)
    pdf, xlsx = tmp_path / "april.pdf", tmp_path / "april.xlsx"
    written = run("report", "--month", "2026-04", "--json", "--pdf", str(pdf), "--xlsx", str(xlsx), env=report_env)
    assert written.returncode == 0, written.stderr
    printed = json.loads(written.stdout)
    expected = seeded.report(month="2026-04").to_dict()
    assert {k: v for k, v in printed.items() if k != "generated_at"} == {
        k: v for k, v in expected.items() if k != "generated_at"
    }
    assert pdf.read_bytes().startswith(b"%PDF") and xlsx.read_bytes().startswith(b"PK")
    assert f"wrote {pdf}" in written.stderr
    assert _audited(seeded)[-2:] == ["report month-2026-04 pdf", "report month-2026-04 xlsx"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--month", "2026-13"], "month must be YYYY-MM"),
        (["--fair", "999999"], "fair not found"),
        ([], "give fair_id or month"),
        (["--fair", "1", "--month", "2026-03"], "give fair or month, not both"),
        (["--fair", "abc"], "Invalid value for '--fair'"),
    ],
)
def test_cli_report_refuses_bad_input_with_exit_code_2(report_env, args, message):
    result = run("report", *args, env=report_env)
    assert result.returncode == 2 and message in result.stderr and result.stdout == ""
