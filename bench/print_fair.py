"""Benchmark: `jobmatch print-fair` for a fair of N residents (default 1,200) against the demo vacancies.

    python bench/print_fair.py [--residents 1200]

Residents are the demo fair's, repeated with new names, ages and phones (seeded). Prints the wall time of the whole
command and the pages written.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=1200)
    args = parser.parse_args()
    from jobmatch import create_app
    from jobmatch.db import db, upgrade
    from jobmatch.demo import load_demo
    from jobmatch.models import Profile

    folder = Path(tempfile.mkdtemp(prefix="jobmatch-bench-"))
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(folder)})
    rng = random.Random(7)
    with app.app_context():
        fair_id = load_demo(db.session)["fair_id"]
        demo = db.session.query(Profile).all()
        for i in range(args.residents - len(demo)):
            src = rng.choice(demo)
            db.session.add(
                Profile(
                    fair_id=fair_id,
                    name=f"{src.name[0]}{'秀建国兰芳明'[i % 6]}{i}",
                    phone=f"139{i:08d}",
                    age=rng.randint(35, 68),
                    town=src.town,
                    community=src.community,
                    lat=src.lat,
                    lon=src.lon,
                    experience=src.experience,
                    desired=src.desired,
                    expected_wage=src.expected_wage,
                    availability=src.availability,
                    max_commute_km=src.max_commute_km,
                )
            )
        db.session.commit()
        total = db.session.query(Profile).filter_by(fair_id=fair_id).count()
    env = dict(os.environ, JOBMATCH_DATABASE_URL=url, JOBMATCH_INSTANCE_PATH=str(folder))
    out = folder / "fair.pdf"
    jobmatch = Path(sys.executable).with_name("jobmatch")
    started = time.perf_counter()
    subprocess.run([str(jobmatch), "print-fair", "--fair", str(fair_id), "-o", str(out)], env=env, check=True)
    elapsed = time.perf_counter() - started
    print(
        f"print-fair: {total} residents -> {out.stat().st_size / 1e6:.1f} MB PDF in {elapsed:.1f} s "
        f"({elapsed / total * 1000:.1f} ms per page, whole command)"
    )


if __name__ == "__main__":
    main()
