"""The package as users get it: a built wheel carries the model artefacts and ranks exactly as the source tree does;
in production, a missing artefact stops start-up with a plain message."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from jobmatch import create_app
from jobmatch.config import ConfigError
from jobmatch.matching.artifacts import ALL

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "eval_sample"


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory) -> Path:
    """The wheel built from this tree, unpacked: importing from it is importing the installed package."""
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = out.glob("jobmatch-*.whl")
    target = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def _jobmatch(site: Path | None, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    # From a folder away from the source tree, with the unpacked wheel first on the path when given.
    env = (
        {**os.environ, "PYTHONPATH": str(site)} if site else {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    )
    env.pop("JOBMATCH_MODELS_DIR", None)
    return subprocess.run(
        [sys.executable, "-c", "from jobmatch.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=cwd,
    )


@pytest.mark.slow
def test_the_wheel_ships_every_artefact_and_finds_them(unpacked_wheel, tmp_path):
    shipped = unpacked_wheel / "jobmatch" / "_models"
    assert sorted(name for name in ALL if (shipped / name).is_file()) == sorted(ALL)
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "import jobmatch, jobmatch.config as c; print(jobmatch.__file__); print(c.DEFAULT_MODELS_DIR)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(unpacked_wheel)},
    )
    package, models = found.stdout.split()
    assert package.startswith(str(unpacked_wheel)) and Path(models) == shipped


@pytest.mark.slow
def test_the_wheel_ranks_exactly_as_the_source_tree(unpacked_wheel, tmp_path):
    args = ("rank", "--jobs", str(SAMPLE / "jobs.jsonl"), "--profiles", str(SAMPLE / "profiles.jsonl"), "--top", "5")
    installed = _jobmatch(unpacked_wheel, *args, "-o", str(tmp_path / "wheel.jsonl"), cwd=tmp_path)
    source = _jobmatch(None, *args, "-o", str(tmp_path / "source.jsonl"), cwd=ROOT)
    assert installed.returncode == 0 and source.returncode == 0, installed.stderr + source.stderr
    assert "lacks" not in installed.stderr  # no warning about missing artefacts
    ranked = (tmp_path / "wheel.jsonl").read_text(encoding="utf-8")
    assert ranked == (tmp_path / "source.jsonl").read_text(encoding="utf-8") and ranked.count("\n") == 40


def test_production_refuses_to_start_without_the_artefacts(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBMATCH_ENV", "production")
    monkeypatch.setenv("JOBMATCH_SECRET_KEY", "a-random-enough-secret")
    monkeypatch.setenv("JOBMATCH_MODELS_DIR", str(tmp_path / "empty"))
    with pytest.raises(ConfigError, match=r"lacks places\.json.*JOBMATCH_MODELS_DIR"):
        create_app({"INSTANCE_PATH": str(tmp_path / "instance")})


def test_development_warns_and_falls_back(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("JOBMATCH_MODELS_DIR", str(tmp_path / "empty"))
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    )
    assert len(app.extensions["jobmatch.index"].artefacts.taxonomy.occupations) == 0  # ranks without occupations
    assert "lacks" in caplog.text
    app.extensions["jobmatch.db"]["engine"].dispose()


def test_the_command_says_why_it_cannot_start(tmp_path):
    env = {
        **os.environ,
        "JOBMATCH_ENV": "production",
        "JOBMATCH_SECRET_KEY": "a-random-enough-secret",
        "JOBMATCH_MODELS_DIR": str(tmp_path / "empty"),
        "JOBMATCH_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    result = subprocess.run(
        [sys.executable, "-c", "from jobmatch.cli import main; main()", "init-db"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot start: the models folder") and "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_wheel_ships_the_pdf_font_and_its_licence_and_finds_them(unpacked_wheel, tmp_path):
    fonts = unpacked_wheel / "jobmatch" / "fonts"
    font = "WenQuanYiZenHei-subset.ttf"
    assert all((fonts / name).is_file() for name in (font, "LICENSE", "GPL-2"))
    found = subprocess.run(
        [sys.executable, "-c", "from jobmatch.fonts import cjk_font_file; print(cjk_font_file())"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(unpacked_wheel)},
    )
    assert Path(found.stdout.strip()) == fonts / font
    assert (fonts / font).read_bytes() == (ROOT / "jobmatch" / "fonts" / font).read_bytes()
