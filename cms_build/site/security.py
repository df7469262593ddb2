"""What the browser is told to allow on the evidence site: one policy, in every page and header.

Records arrive through pull requests, so the site is built to show hostile text as text
(escape.py); the Content-Security-Policy is the second line of defence, should a value ever
reach the page as markup: no inline script or event handler runs (mkdocs-material's own
inline scripts are served as files from site/theme/assets/javascripts), no plugin, no
<base> to redirect links, no form that posts anywhere, and nothing is fetched from another
origin (the site is offline by construction: mkdocs.yml loads no web font or analytics).

Each page carries the policy as <meta http-equiv> (site/theme/main.html), so it holds
wherever the folder is served from; `cms serve` also sends it as a header, with the
directives a <meta> cannot carry (frame-ancestors), and nosniff so that an attached file is
never run as a script or page whatever its bytes.
"""

from __future__ import annotations

# 'unsafe-inline' for styles only: Markdown tables align their cells with style attributes,
# and a style cannot run code.
CSP_DIRECTIVES = (
    "default-src 'none'",
    "script-src 'self'",
    "worker-src 'self'",  # the search index is searched in a worker (a file of the theme)
    "connect-src 'self'",  # the worker fetches search/search_index.json
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",  # the theme's icons are data: SVGs in its stylesheet
    "font-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
)
CSP = "; ".join(CSP_DIRECTIVES)
# Only in an HTTP header: a <meta> policy cannot say who may frame the page.
CSP_HEADER = CSP + "; frame-ancestors 'none'"

HEADERS = {
    "Content-Security-Policy": CSP_HEADER,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
