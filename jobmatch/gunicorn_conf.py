"""Gunicorn settings for `jobmatch serve`: the match index is built once, in the master, before the workers fork.

The workers inherit it copy-on-write, so a city-sized index is in memory once rather than once per worker, a worker
that gunicorn restarts is ready at once, and each worker then follows the change log from the version it inherited.
"""

import gc
import logging
import time

preload_app = True
# A city-sized index takes tens of seconds to build; a worker that must rebuild (a gap in the change log) would be
# killed mid-build by gunicorn's default of 30.
timeout = 120


def when_ready(server):
    from .db import db

    app = server.app.wsgi()
    started = time.perf_counter()
    with app.app_context():
        index = app.extensions["jobmatch.index"]
        index.refresh(db.session)
        sizes = (index.matcher.job_count, index.matcher.profile_count)
        db.session.close()
        db.engine.dispose()  # the workers open their own connections: none may be shared across a fork
    # Out of the cyclic collector's sight, the index's objects are never written to by a collection, so their
    # pages stay shared with the workers; they are still freed by reference count.
    gc.collect()
    gc.freeze()
    logging.getLogger("jobmatch").info(
        "index of %d vacancies and %d profiles built in %.1f s, before the workers start",
        *sizes,
        time.perf_counter() - started,
    )
