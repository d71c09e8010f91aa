# jobmatch: one container serving the job stall. Data (SQLite database, generated secret) lives on the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    JOBMATCH_INSTANCE_PATH=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY jobmatch ./jobmatch
# The build copies models/ into the package (jobmatch/_models), so the installed service needs no models folder.
COPY models ./models
RUN pip install --no-cache-dir ".[postgres]" \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin jobmatch \
 && mkdir -p /data && chown jobmatch:jobmatch /data

USER jobmatch
VOLUME ["/data"]
EXPOSE 8000

# /readyz proves that a write can commit (a locked, read-only or full database answers 503), where /healthz only
# proves that the process answers and the database reads.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"

# `serve` upgrades the database, then runs gunicorn; a city-sized index takes about 20 s to build before /readyz
# answers. Set JOBMATCH_ENV=production and JOBMATCH_SECRET_KEY for real use.
CMD ["jobmatch", "serve", "--port", "8000"]
