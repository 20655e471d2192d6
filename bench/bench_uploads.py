"""Uploads benchmark: the server's memory while clients upload and download 20 MB files at once.

Starts a real ``zcrm serve`` (SQLite, or PostgreSQL with ``--database-url``; ``--workers`` processes) with
bench/bench-org.yaml. ``--clients`` threads each upload ``--files`` files of ``--size-mb`` MB (random bytes, one
multipart ``POST /crm/v5/files`` each) at the same time, then download them all (``GET /crm/v5/files?id=``) at the
same time, checking every byte. Meanwhile the server's resident memory (its process and its workers', from
/proc/<pid>/status VmRSS) is sampled every few milliseconds. Prints the baseline and peak RSS of each phase and the
throughput; the issue's target is a peak under 300 MB with 8 clients uploading 20 MB files.

    .venv/bin/python bench/bench_uploads.py [--clients 8] [--files 2] [--size-mb 20] [--database-url URL]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from _serve import add_server_options, fresh_database, server_args, start_server

HERE = Path(__file__).parent
MB = 1024 * 1024


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the server's workers)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in task.read_text().split()]
    return out


def rss_bytes(pid: int) -> int:
    total = 0
    for member in _tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


class Sampler:
    """Samples the server's RSS every ``every`` seconds in a thread; ``peak`` since the last ``reset``."""

    def __init__(self, pid: int, every: float = 0.005) -> None:
        self.pid, self.every, self.peak, self.samples = pid, every, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes(self.pid))
            self.samples += 1
            time.sleep(self.every)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def reset(self) -> None:
        self.peak = rss_bytes(self.pid)


def timed(work: Callable[[], int]) -> tuple[int, float]:
    started = time.perf_counter()
    moved = work()
    return moved, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--files", type=int, default=2, help="files each client uploads")
    parser.add_argument("--size-mb", type=int, default=20)
    add_server_options(parser)
    args = parser.parse_args()
    size = args.size_mb * MB
    contents = [os.urandom(size) for _ in range(args.clients)]  # one per client, each uploaded --files times
    digests = [hashlib.sha256(c).hexdigest() for c in contents]
    with fresh_database(args.database_url) as database_url, tempfile.TemporaryDirectory() as tmp:
        extra = server_args(database_url, args.workers)
        server, base, token = start_server(Path(tmp) / "data", "--org", str(HERE / "bench-org.yaml"), *extra)
        headers = {"Authorization": f"Zoho-oauthtoken {token}"}
        try:
            with httpx.Client(base_url=base, headers=headers, timeout=600) as warm:
                warm.get("/crm/v5/org")
            baseline = rss_bytes(server.pid)
            ids: list[list[str]] = [[] for _ in contents]

            def upload(n: int) -> int:
                with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
                    for k in range(args.files):
                        response = client.post(
                            "/crm/v5/files", files=[("file", (f"c{n}-{k}.bin", contents[n], "a/b"))]
                        )
                        assert response.status_code == 200, response.text
                        ids[n].append(response.json()["data"][0]["details"]["id"])
                return size * args.files

            def download(n: int) -> int:
                moved = 0
                with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
                    for file_id in ids[n]:
                        digest = hashlib.sha256()
                        with client.stream("GET", "/crm/v5/files", params={"id": file_id}) as response:
                            assert response.status_code == 200
                            for piece in response.iter_bytes():
                                digest.update(piece)
                                moved += len(piece)
                        assert digest.hexdigest() == digests[n], "a download differs from its upload"
                return moved

            with Sampler(server.pid) as sampler, ThreadPoolExecutor(args.clients) as pool:
                up_bytes, up_time = timed(lambda: sum(pool.map(upload, range(args.clients))))
                up_peak = sampler.peak
                sampler.reset()
                down_bytes, down_time = timed(lambda: sum(pool.map(download, range(args.clients))))
                down_peak = sampler.peak
                samples = sampler.samples
        finally:
            server.terminate()
            server.wait(30)
    database = "PostgreSQL" if database_url else "SQLite"
    print(
        f"uploads benchmark: {database}, {args.workers} worker(s), {args.clients} clients x {args.files} files"
    )
    print(f"  of {args.size_mb} MB ({samples} RSS samples)")
    print(f"  baseline RSS        {baseline / MB:8.1f} MB")
    print(f"  peak RSS, uploads   {up_peak / MB:8.1f} MB   {up_bytes / MB / up_time:8.1f} MB/s")
    print(f"  peak RSS, downloads {down_peak / MB:8.1f} MB   {down_bytes / MB / down_time:8.1f} MB/s")
    verdict = "under" if max(up_peak, down_peak) < 300 * MB else "OVER"
    print(f"  target: peak under 300 MB: {verdict}")


if __name__ == "__main__":
    main()
