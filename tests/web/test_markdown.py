"""Organisers' Markdown is rendered and sanitised: no script, no javascript: links."""

import pytest

from podium.web.markdown import render_markdown

from .conftest import html

pytestmark = pytest.mark.django_db


def test_markdown_renders_emphasis_lists_and_code():
    out = render_markdown("Some *words*\n\n- one\n- two\n\n```\ncode <b>\n```")
    assert "<em>words</em>" in out and "<li>one</li>" in out
    assert "code &lt;b&gt;" in out


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>hello",
        "[click](javascript:alert('x'))",
        '<a href="javascript:alert(1)">click</a>',
        "<img src=x onerror=alert(1)>",
        '<p onclick="alert(1)">para</p>',
        "<iframe src='https://evil.example'></iframe>",
    ],
)
def test_dangerous_markup_is_stripped(text):
    out = render_markdown(text).lower()
    for bad in ("<script", "alert(", "javascript:", "onerror", "onclick", "<iframe", "<img"):
        assert bad not in out


def test_links_keep_safe_targets_with_nofollow():
    out = render_markdown("[site](https://example.org)")
    assert 'href="https://example.org"' in out and "nofollow" in out


def test_the_task_page_shows_sanitised_description_and_terms(cast):
    cast.task.description = "Intro **bold** <script>alert('d')</script>"
    cast.task.terms = "[rules](javascript:alert('t')) and *terms*"
    cast.task.save()
    page = html(None, "/tasks/tiny/")
    assert "<strong>bold</strong>" in page and "<em>terms</em>" in page
    assert "alert(" not in page and "javascript:" not in page
