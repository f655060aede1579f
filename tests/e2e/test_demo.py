"""``helpline demo`` starts everything, serves, places calls and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_demo_runs_and_stops_on_ctrl_c() -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    demo = subprocess.Popen(
        [sys.executable, "-c", "from helpline.cli import main; main()", "demo",
         "--port", str(port), "--speed", "60", "--calls-per-hour", "120"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                    assert r.status == 200
                break
            except OSError:
                assert time.time() < deadline, "the demo's web service did not start"
                assert demo.poll() is None, demo.communicate()[0]
                time.sleep(0.3)
        time.sleep(6)  # a few simulated minutes of calls
        demo.send_signal(signal.SIGINT)
        output, _ = demo.communicate(timeout=30)
    finally:
        if demo.poll() is None:
            demo.kill()
    assert demo.returncode == 0, output
    assert f"http://127.0.0.1:{port}/coordinator/" in output
    assert "Double-booked volunteers: 0" in output
    assert "│ all" in output
