"""A rebuild renders only the pages whose Markdown changed (issue 19 win 5).

The rule: an incremental build gives the bytes a cold build of the same inputs gives, or it is
a full build. A page's HTML is a function of its own Markdown and of what every page shares:
the mkdocs configuration `cms build` wrote (navigation, site name, language, not_in_nav,
site_url), the theme (mkdocs-material and the bundled site/theme overrides), the libraries that
render Markdown and the engine. mkdocs also checks, in strict mode, every link against the set of
files and every anchor against the page it points into. So a page's HTML is taken from the last
build into the same --out only when

- the site-wide digest (`site_digest`: that configuration, those libraries and files, and the
  name of every file of the Markdown folder, so an added or removed page or attachment means
  a full build) equals the one the last build kept;
- its Markdown has the digest the last build kept for it;
- the HTML in --out still has the digest that build wrote (a page edited by hand, or another
  build's site, is rendered again);
- every anchor it links to in another page is still in that page (checked once the changed pages
  are read; else the whole build is done again without reuse: `Fallback`).

Everything else (static files, the sitemap, 404 page, the search index) is written as in a cold
build. mkdocs' own --dirty mode is not used: it trusts file times and skips the link checks of
the pages it skips; here the skip is decided by digests.

The record of the last build (`MANIFEST` in the build's work folder) is signed with this user's
cache key (cachefile.py): a planted or copied file is read as no record, so a full build.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .. import cachefile
from ..paths import bundled

MANIFEST = "incremental.json"
FORMAT = 1
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
# what turns Markdown into a page: another version of any of them may write other bytes
RENDERERS = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "markupsafe", "pygments", "babel")


class Fallback(Exception):
    """A reused page links to an anchor a changed page no longer has: build everything."""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def site_digest(config_file: Path, docs: Path, build: str = "") -> str:
    """What every page's HTML depends on besides its own Markdown (see the module's text); build
    names the build's own settings (as-of date and profile: the as-of date is the renderer's
    SOURCE_DATE_EPOCH, so a page the theme dated would change with it)."""
    from importlib import metadata

    from ..cache import engine_fingerprint

    h = hashlib.sha256()
    h.update(f"format {FORMAT}\npython {sys.version}\nengine {engine_fingerprint()}\nbuild {build}\n".encode())
    for name in RENDERERS:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{name} {version}\n".encode())
    h.update(b"config\n" + config_file.read_bytes())
    theme = bundled("site") / "theme"
    for path in sorted(p for p in theme.rglob("*") if p.is_file()):
        h.update(f"\ntheme {path.relative_to(theme).as_posix()}\n".encode() + path.read_bytes())
    for path in sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*")):
        h.update(f"\nfile {path}".encode())
    return h.hexdigest()


@dataclass
class Plan:
    """What one build may reuse from --out, and what it records for the next one."""

    site: str  # site_digest of this build
    markdown: dict[str, str]  # every page's Markdown digest, by its path in the Markdown folder
    previous: Path | None = None  # the last site (--out), when something of it may be reused
    reuse: dict[str, dict] = field(default_factory=dict)  # page -> the last build's entry
    entries: dict[str, dict] = field(default_factory=dict)  # page -> this build's entry
    rendered: int = 0  # pages mkdocs rendered (the rest copied from the last site)
    fell_back: bool = False

    def disable(self) -> None:
        self.reuse.clear()
        self.entries.clear()
        self.rendered = 0
        self.fell_back = True


def _read_manifest(work: Path, key: bytes) -> dict | None:
    stored = cachefile.read_signed_file(work, work / MANIFEST, key, MAX_MANIFEST_BYTES, "the build record's own limit")
    return stored if stored is not None and stored.get("format") == FORMAT else None


def _file_digest(path: Path) -> str | None:
    """The digest of a regular file (never through a link), None if there is none."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            h = hashlib.sha256()
            while chunk := fh.read(1 << 20):
                h.update(chunk)
            return h.hexdigest()
    except OSError:
        return None


def _link_or_copy(src: Path, dest: Path) -> None:
    """The last site's page into the new one: a hard link where the file system allows (the new
    site is written next to --out, so on the same one), else a copy. A link is safe: neither site
    is written again once built (a page edited by hand in --out fails plan()'s digest and is
    rendered, not linked), and the last site is removed once the new one is swapped in."""
    try:
        os.link(src, dest, follow_symlinks=False)
    except OSError:
        shutil.copyfile(src, dest, follow_symlinks=False)


def plan(work: Path, docs: Path, config_file: Path, out: Path, build: str = "", full: bool = False) -> Plan:
    """Decide which pages keep the HTML of the last build into out (none when full)."""
    markdown = {p.relative_to(docs).as_posix(): _sha(p.read_bytes()) for p in sorted(docs.rglob("*.md"))}
    result = Plan(site=site_digest(config_file, docs, build), markdown=markdown)
    key = cachefile.local_key()
    stored = None if full or key is None or not out.is_dir() else _read_manifest(work, key)
    if stored is None or stored.get("site") != result.site or not isinstance(stored.get("pages"), dict):
        return result
    result.previous = out
    for uri, digest in markdown.items():
        old = stored["pages"].get(uri)
        if not isinstance(old, dict) or old.get("md") != digest or old.get("links") is None or not old.get("html"):
            continue
        dest = old.get("dest")
        if not isinstance(dest, str) or Path(dest).is_absolute() or ".." in Path(dest).parts:
            continue
        if _file_digest(out / dest) == old["html"]:
            result.reuse[uri] = old
    return result


def save(work: Path, p: Plan) -> None:
    """Keep this build's record for the next one (signed; a failure means a full build next time)."""
    key = cachefile.local_key()
    if key is None:
        return
    cachefile.write_signed_file(work / MANIFEST, key, {"format": FORMAT, "site": p.site, "pages": dict(sorted(p.entries.items()))})


def forget(work: Path) -> None:
    """No record: the next build is a full one (a build that failed, or one that did not keep it)."""
    with contextlib.suppress(OSError):
        (work / MANIFEST).unlink()


@contextlib.contextmanager
def hooks(p: Plan):
    """mkdocs' reading (Markdown to HTML) and writing (theme) of a page, skipped for the pages the
    plan reuses, their HTML copied from the last site instead. mkdocs has no event that skips a
    page, so its two module functions are wrapped for the duration of the build (builds in one
    process run one after another: build.py's lock)."""
    import mkdocs.commands.build as mk

    populate, build_page = getattr(mk, "_populate_page", None), getattr(mk, "_build_page", None)
    if populate is None or build_page is None:  # another mkdocs: render every page, record none
        p.disable()
        yield
        p.rendered = len(p.markdown)
        return
    checked = [False]

    def read_page(page, config, files, *args, **kwargs):
        uri = page.file.src_uri
        if uri in p.reuse:
            return None
        populate(page, config, files, *args, **kwargs)
        links = page.links_to_anchors  # None when mkdocs did not collect them (debug logging)
        p.entries[uri] = {
            "md": p.markdown.get(uri),
            "anchors": sorted(page.present_anchor_ids or ()),
            "links": None if links is None else {f.src_uri: sorted(a) for f, a in sorted(links.items(), key=lambda kv: kv[0].src_uri)},
        }
        return None

    def check_anchors() -> None:
        """Every anchor a reused page links to is still there (a cold build would fail if not)."""
        for uri, old in p.reuse.items():
            for target, anchors in (old.get("links") or {}).items():
                entry = p.reuse.get(target) or p.entries.get(target)
                if entry is None or not set(anchors) <= set(entry.get("anchors") or ()):
                    raise Fallback(f"{uri} links to an anchor of {target} that changed")

    def write_page(page, config, doc_files, nav, env, *args, **kwargs):
        if not checked[0]:
            checked[0] = True
            check_anchors()
        uri = page.file.src_uri
        dest = Path(page.file.abs_dest_path)
        old = p.reuse.get(uri)
        if old is not None and p.previous is not None:
            dest.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(p.previous / old["dest"], dest)
            if _file_digest(dest) != old["html"]:  # the last site changed since plan() read it
                raise Fallback(f"{old['dest']} changed in the last site during the build")
            p.entries[uri] = old
            return None
        build_page(page, config, doc_files, nav, env, *args, **kwargs)
        p.rendered += 1
        entry = p.entries.setdefault(uri, {"md": p.markdown.get(uri), "anchors": [], "links": None})
        entry["dest"] = page.file.dest_uri
        entry["html"] = _file_digest(dest)
        return None

    mk._populate_page, mk._build_page = read_page, write_page
    try:
        yield
    finally:
        mk._populate_page, mk._build_page = populate, build_page
