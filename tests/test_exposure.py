"""Exposure: ``sousei serve`` binds 127.0.0.1 unless told otherwise; another address must be asked
for explicitly and is logged as a warning; uploads are limited in size (engine, UI handler and
the web server's own upload endpoint).

No test binds anything but 127.0.0.1: the non-local cases replace ``Blocks.launch`` with a recorder.
"""

from __future__ import annotations

import logging
import re
import signal
import subprocess
import sys

import pytest

from bench.measure import free_port
from chat.config import PROJECT_ROOT, Config
from ingest.errors import SouseiError
from tests.reliability_support import TRACEBACK, make_setup, run_cli, tiny_model, wait_until

MB = 1024 * 1024


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    setup = make_setup(tmp_path_factory.mktemp("exposure"), tiny_model(tmp_path_factory))
    assert run_cli(setup.argv("build", "--json")).code == 0
    return setup


def test_serve_defaults_to_this_machine_only(built, launches, caplog):
    with caplog.at_level(logging.WARNING, logger="sousei.ui"):
        result = run_cli(built.argv("serve"))
    assert result.code == 0 and TRACEBACK not in result.err, result.err
    assert launches and launches[0]["server_name"] == "127.0.0.1"
    assert launches[0]["share"] is False
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "warning" not in result.err.lower()


def test_gradio_environment_cannot_widen_the_default(built, launches, monkeypatch):
    """GRADIO_SERVER_NAME / GRADIO_SHARE in the environment do not override the explicit 127.0.0.1."""
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    monkeypatch.setenv("GRADIO_SHARE", "True")
    assert run_cli(built.argv("serve")).code == 0
    assert launches[0]["server_name"] == "127.0.0.1" and launches[0]["share"] is False


def test_an_address_not_of_this_machine_is_one_clear_line(built, launches):
    result = run_cli(built.argv("serve", "--host", "192.0.2.20"))  # TEST-NET-1: never local
    assert result.code == 1 and TRACEBACK not in result.err
    assert "192.0.2.20" in result.err and "--host" in result.err
    assert not launches


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_another_address_is_explicit_and_logged(built, launches, caplog, host):
    with caplog.at_level(logging.WARNING, logger="sousei.ui"):
        result = run_cli(built.argv("serve", "--host", host))
    assert result.code == 0, result.err
    assert launches[0]["server_name"] == host
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any(host in message and "其他電腦" in message for message in warnings), warnings
    assert host in result.err  # the person starting it sees it too


@pytest.mark.parametrize("host", ["localhost", "::1"])
def test_loopback_names_are_quiet(built, launches, caplog, host):
    with caplog.at_level(logging.WARNING, logger="sousei.ui"):
        assert run_cli(built.argv("serve", "--host", host)).code == 0
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_launch_carries_the_upload_limit(built, launches):
    assert run_cli(built.argv("serve")).code == 0
    assert launches[0]["max_file_size"] == Config().max_upload_mb * MB


@pytest.mark.slow
def test_real_serve_process_listens_on_loopback_only(built):
    """``python -m chat.cli serve`` as a user starts it: only 127.0.0.1:PORT is listening."""
    import urllib.request

    import psutil

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "chat.cli", "serve", "--port", str(port), *built.options()],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:

        def listening():
            assert proc.poll() is None, proc.stderr.read()
            return [c for c in psutil.Process(proc.pid).net_connections(kind="inet") if c.status == "LISTEN"]

        sockets = wait_until(listening, timeout=240, interval=0.2, what="the server to listen")
        assert {(c.laddr.ip, c.laddr.port) for c in sockets} == {("127.0.0.1", port)}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            assert response.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


# --------------------------------------------------------------------------- upload size limit


def write_text_file(path, size: int):
    """``size``+ bytes of distinct sentences (repeated lines would be cleaned away as page furniture)."""
    lines, total, n = [], 0, 0
    while total < size:
        n += 1
        line = f"第{n}段：{n}號地區的關係人口與地方創生計畫，預算為{n * 7}億日圓。\n\n"
        lines.append(line)
        total += len(line.encode("utf-8"))
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_service_refuses_a_file_over_the_limit_and_accepts_one_under(built, tmp_path):
    engine = built.engine(max_upload_mb=1)
    before = sorted(p.name for p in built.corpus.iterdir())
    over = write_text_file(tmp_path / "over.txt", MB + 10)
    with pytest.raises(SouseiError, match=r"over\.txt.*上傳上限 1\.0 MB"):
        engine.add([over])
    assert sorted(p.name for p in built.corpus.iterdir()) == before
    under = write_text_file(tmp_path / "under.txt", 20_000)
    added, report = engine.add([under])
    assert [a.name for a in added] == ["under.txt"] and report.documents == 3
    engine.remove("under")


def test_web_server_upload_endpoint_enforces_the_limit(built, tmp_path):
    """The running server's own upload route refuses files over ``max_upload_mb`` before any handler."""
    import httpx

    from chat import ui

    engine = built.engine(max_upload_mb=1, port=free_port())
    app = ui.serve(engine, block=False)
    try:
        base = f"http://127.0.0.1:{engine.config.port}"
        big = write_text_file(tmp_path / "big.txt", 2 * MB)
        small = write_text_file(tmp_path / "small.txt", 10_000)
        with httpx.Client(timeout=60) as client:
            refused = client.post(f"{base}/gradio_api/upload", files={"files": ("big.txt", big.read_bytes())})
            accepted = client.post(f"{base}/gradio_api/upload", files={"files": ("small.txt", small.read_bytes())})
        assert refused.status_code == 413, (refused.status_code, refused.text[:200])
        assert accepted.status_code == 200, accepted.text[:200]
        assert re.search(r"small\.txt", accepted.text)
    finally:
        app.close()
    assert not (built.corpus / "big.txt").exists()
