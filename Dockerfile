# zcrm in a container: `docker build -t zcrm .` then `docker run -p 8000:8000 -v zcrm-data:/data zcrm`
# (docs/deploy.md). Two stages: the first builds zcrm's wheel, the second installs only that wheel (with the
# PostgreSQL driver) into a slim image that runs as a non-root user with its data dir on a volume.

FROM python:3.11-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir --upgrade pip build
COPY pyproject.toml README.md ./
COPY src ./src
RUN python -m build --wheel --outdir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ZCRM_HOST=0.0.0.0 \
    ZCRM_PORT=8000 \
    ZCRM_DATA_DIR=/data
COPY --from=build /wheels /wheels
RUN set -eux; \
    wheel="$(ls /wheels/zcrm-*.whl)"; \
    pip install --no-cache-dir "${wheel}[postgres]"; \
    rm -rf /wheels; \
    groupadd --system --gid 10001 zcrm; \
    useradd --system --uid 10001 --gid zcrm --home-dir /data --no-create-home zcrm; \
    mkdir -p /data; \
    chown zcrm:zcrm /data
USER zcrm
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/__zcrm/health', timeout=2).status == 200 else 1)"]
CMD ["zcrm", "serve"]
