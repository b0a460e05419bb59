"""Organisers' Markdown (task descriptions, terms) to HTML that is safe to show.

Python-Markdown keeps raw HTML, so its output goes through nh3 (the Rust `ammonia` sanitiser):
only the tags below survive, `<script>`/`<style>` are dropped with their content, and links keep
only http(s) and mailto targets, so `javascript:` URLs disappear.
"""

from __future__ import annotations

import markdown as markdown_lib
import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    html = markdown_lib.markdown(
        text or "", extensions=["fenced_code", "tables", "sane_lists"], output_format="html"
    )
    # h1 is the page's own title; organisers' headings start at h2.
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
