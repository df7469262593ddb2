"""`cms serve`: build, serve on 127.0.0.1, rebuild when a source changes.

Watched: the records repository (records, cms.yaml, the organization's schemas, checks and
site templates) and the bundled schemas, checks and site. A change is noticed by polling
file times and sizes once a second (no extra dependency, and it works on every file
system). A failed rebuild prints why and keeps serving the last good site.
"""

from __future__ import annotations

import datetime as dt
import functools
import http
import http.server
import os
import threading
from pathlib import Path

import click

from ..paths import bundled
from . import security
from .build import BuildError, build_site

_SKIP = {".git", "_site", "_build", "node_modules", "__pycache__", ".pytest_cache"}


def watched_folders(root: Path) -> list[Path]:
    return [Path(root), bundled("schemas"), bundled("checks"), bundled("site")]


def snapshot(folders: list[Path], ignore: list[Path]) -> dict:
    """(mtime, size) of every file under the folders, except build output."""
    seen: dict = {}
    ignore_s = {str(p.resolve()) for p in ignore}
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP and not d.startswith(".") and str(Path(dirpath, d).resolve()) not in ignore_s)
            for name in filenames:
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                seen[path] = (st.st_mtime_ns, st.st_size)
    return seen


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Cache-Control", "no-store")  # a rebuilt page shows on reload
        for name, value in security.HEADERS.items():  # the site's CSP, nosniff (security.py)
            self.send_header(name, value)
        super().end_headers()

    def send_head(self):
        """The search index compressed when the browser accepts gzip (written by site/search.py):
        a 27 MB index of a large site is a few MB on the wire. Only that file: an attachment that
        happens to have a .gz beside it is sent as it is."""
        path = self.translate_path(self.path)
        gz = path + ".gz"
        accepts = "gzip" in (self.headers.get("Accept-Encoding") or "").lower()
        if not (accepts and path.replace(os.sep, "/").endswith("/search/search_index.json") and os.path.isfile(gz)):
            return super().send_head()
        try:
            fh = open(gz, "rb")  # noqa: SIM115 - the built site's own file, closed by copyfile's caller
        except OSError:
            return super().send_head()
        try:
            st = os.fstat(fh.fileno())
            self.send_response(http.HTTPStatus.OK)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
            self.send_header("Content-Length", str(st.st_size))
            self.end_headers()
            return fh
        except BaseException:
            fh.close()
            raise

    def list_directory(self, path):
        """No folder listings: a folder without index.html is not found (the site links pages,
        never folders, and a listing would show every file, attached ones included)."""
        self.send_error(http.HTTPStatus.NOT_FOUND, "Not found")
        return None

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        import sys

        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return  # the browser moved on before the file was sent: not an error
        super().handle_error(request, client_address)


def make_server(directory: Path, port: int = 0) -> http.server.ThreadingHTTPServer:
    """An HTTP server for the site folder, on 127.0.0.1 only."""
    handler = functools.partial(_Handler, directory=str(directory))
    return _Server(("127.0.0.1", port), handler)


def serve(
    root: Path,
    as_of: dt.date | None,
    profile: str = "internal",
    out="_site",
    language=None,
    port: int = 8000,
    interval: float = 1.0,
    stop: threading.Event | None = None,
    ready=None,
) -> None:
    """Serve until Ctrl-C (or until `stop` is set; `ready(url)` is called once serving)."""
    out = Path(out).resolve()
    shown: list[bool] = []

    def rebuild() -> bool:
        day = as_of or dt.date.today()
        try:
            report = build_site(root, day, profile=profile, out=out, language=language, cache=True)
        except BuildError as exc:
            click.echo(f"build failed; still serving the last good site: {exc}", err=True)
            return False
        if not shown and report.notices:  # the renderer's notices once, not at every rebuild
            shown.append(True)
            click.echo("\n".join(report.notices), err=True)
        click.echo(f"built {report.pages} pages in {report.seconds:.1f} s")
        return True

    try:  # take the port first: a port in use is said at once, not after a build
        server = make_server(out, port)
    except OSError as exc:
        raise click.ClickException(
            f"cannot serve on 127.0.0.1:{port}: {exc.strerror or exc}; give another port with --port, or --port 0 for any free one"
        ) from None
    if not rebuild() and not out.is_dir():
        server.server_close()
        raise click.ClickException("the first build failed and there is no previous site to serve")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    click.echo(f"serving {out} on {url} (Ctrl-C to stop)")
    if ready:
        ready(url)
    stop = stop or threading.Event()
    folders = watched_folders(root)
    ignore = [out, out.parent / ".cms-build"]
    state = snapshot(folders, ignore)
    try:
        while not stop.wait(interval):
            now = snapshot(folders, ignore)
            if now != state:
                state = now
                click.echo("change detected, rebuilding")
                rebuild()
                state = snapshot(folders, ignore)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
