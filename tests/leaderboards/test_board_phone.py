"""On a 390 px phone the results table scrolls inside its box; the page itself never widens."""

from __future__ import annotations

import pytest

from tests.browser.conftest import chromium  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_ranking_scrolls_inside_its_box_on_a_phone(board, chromium, live_server):  # noqa: F811
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto("/tasks/mgt/results/?phase=test")
        page.wait_for_selector("table.ranking")
        widths = page.evaluate(
            """() => {
                const wrap = document.querySelector('.board .table-wrap');
                return {
                    page: document.documentElement.scrollWidth,
                    viewport: window.innerWidth,
                    box: wrap.clientWidth,
                    table: wrap.scrollWidth,
                };
            }"""
        )
        assert widths["page"] <= widths["viewport"], widths
        assert widths["table"] > widths["box"], widths  # the wide table scrolls in its box
    finally:
        context.close()
