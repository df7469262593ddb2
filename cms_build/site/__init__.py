"""The evidence site for auditors: records and results rendered into Markdown by jinja2
templates (site/templates), built into HTML by mkdocs-material (mkdocs.yml).

`build.build_site` is the entry point; `commands.register` adds `cms build` and `cms serve`.
"""
