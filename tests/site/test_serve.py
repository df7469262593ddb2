"""cms serve: serves the site on 127.0.0.1, rebuilds on change, keeps the last good site on failure."""

from __future__ import annotations

import threading
import time
import urllib.request

from cms_build.site.serve import make_server, serve

from .conftest import AS_OF, mini_org


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a local test server
        return response.read().decode("utf-8")


def wait_for(predicate, seconds: float = 180.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_server_listens_on_localhost_only(tmp_path):
    (tmp_path / "index.html").write_text("ok", encoding="utf-8")
    server = make_server(tmp_path)
    try:
        assert server.server_address[0] == "127.0.0.1" and server.server_address[1] > 0
    finally:
        server.server_close()


def test_serve_rebuilds_on_change_and_keeps_the_last_good_site(org, tmp_path):
    root = mini_org(org)
    out = tmp_path / "site"
    stop, ready = threading.Event(), []
    thread = threading.Thread(target=serve, kwargs=dict(root=root, as_of=AS_OF, out=out, port=0, interval=0.2, stop=stop, ready=ready.append), daemon=True)
    thread.start()
    try:
        assert wait_for(lambda: ready), "the first build did not finish"
        url = ready[0] + "records/policy/POL-1.html"
        assert "推进燃料清洁化" in fetch(url)
        # a record changes: the page changes
        path = root / "policy" / "POL-1.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("推进燃料清洁化", "推进燃料低碳化"), encoding="utf-8")
        assert wait_for(lambda: "推进燃料低碳化" in fetch(url)), "no rebuild after a record changed"
        # a template breaks the build: the last good site is still served
        (root / "site" / "templates").mkdir(parents=True)
        (root / "site" / "templates" / "home.md.j2").write_text("[坏链接](missing.md)\n", encoding="utf-8")
        time.sleep(5)
        assert "推进燃料低碳化" in fetch(url) and "测试发电有限公司" in fetch(ready[0] + "index.html")
    finally:
        stop.set()
        thread.join(timeout=120)
    assert not thread.is_alive()


def test_a_port_in_use_is_said_at_once(org, tmp_path):
    import subprocess
    import sys

    busy = make_server(tmp_path)  # holds a port
    try:
        root = mini_org(org)
        port = str(busy.server_address[1])
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "cms_build.cli", "serve", str(root), "--port", port, "--out", str(tmp_path / "site")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode != 0 and f"cannot serve on 127.0.0.1:{port}" in proc.stderr and "--port 0" in proc.stderr
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
        assert not (tmp_path / "site").exists() and time.monotonic() - started < 60  # before any build
        bad = subprocess.run([sys.executable, "-m", "cms_build.cli", "serve", str(root), "--port", "99999"], capture_output=True, text=True, timeout=60)
        assert bad.returncode == 2 and "99999" in bad.stderr and "Traceback" not in bad.stderr
    finally:
        busy.server_close()


def test_server_sends_the_sites_policy_and_lists_no_folder(tmp_path):
    import urllib.error

    from cms_build.site.security import CSP

    (tmp_path / "index.html").write_text("ok", encoding="utf-8")
    (tmp_path / "files" / "R-1").mkdir(parents=True)
    (tmp_path / "files" / "R-1" / "1.csv").write_text("a,b\n", encoding="utf-8")
    server = make_server(tmp_path)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with urllib.request.urlopen(base + "/index.html", timeout=10) as response:  # noqa: S310
            headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Content-Security-Policy"] == CSP + "; frame-ancestors 'none'"
        assert "script-src 'self'" in CSP and "object-src 'none'" in CSP and "base-uri 'none'" in CSP
        for folder in ("/files/", "/files/R-1/"):  # a folder without index.html: no listing
            try:
                urllib.request.urlopen(base + folder, timeout=10)  # noqa: S310
                raise AssertionError(f"{folder} was listed")
            except urllib.error.HTTPError as exc:
                assert exc.code == 404 and "1.csv" not in exc.read().decode("utf-8", "replace")
                assert exc.headers["X-Content-Type-Options"] == "nosniff"
        assert fetch(base + "/files/R-1/1.csv") == "a,b\n"  # the files themselves are served
    finally:
        server.shutdown()
        server.server_close()


def test_the_search_index_is_sent_compressed_to_a_browser_that_accepts_gzip(tmp_path):
    import gzip
    import json

    (tmp_path / "search").mkdir()
    index = json.dumps({"config": {}, "docs": [{"location": "a.html", "title": "NC-2025-02", "text": "x" * 5000}]})
    (tmp_path / "search/search_index.json").write_text(index, encoding="utf-8")
    (tmp_path / "search/search_index.json.gz").write_bytes(gzip.compress(index.encode(), mtime=0))
    (tmp_path / "a.csv").write_text("plain", encoding="utf-8")
    (tmp_path / "a.csv.gz").write_bytes(gzip.compress(b"other", mtime=0))
    server = make_server(tmp_path)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:

        def get(path, encoding=None):
            req = urllib.request.Request(base + path, headers={"Accept-Encoding": encoding} if encoding else {})
            with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310 - a local test server
                return response.headers, response.read()

        headers, body = get("/search/search_index.json", "gzip, deflate, br")
        assert headers["Content-Encoding"] == "gzip" and headers["Content-Type"] == "application/json"
        assert headers["Vary"] == "Accept-Encoding" and int(headers["Content-Length"]) == len(body)
        assert gzip.decompress(body).decode() == index and len(body) < len(index) / 5
        headers, body = get("/search/search_index.json")  # no Accept-Encoding: the JSON as it is
        assert headers["Content-Encoding"] is None and body.decode() == index
        headers, body = get("/a.csv", "gzip")  # only the search index is ever sent from its .gz
        assert headers["Content-Encoding"] is None and body == b"plain"
    finally:
        server.shutdown()
        server.server_close()
