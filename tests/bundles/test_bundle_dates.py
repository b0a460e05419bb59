"""Dates as Codabench and CodaLab bundles write them."""

from datetime import UTC, date, datetime

import pytest

from podium.programs.bundles.draft import parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2027-01-31", datetime(2027, 1, 31, tzinfo=UTC)),
        ("2027-01-31T12:30:00Z", datetime(2027, 1, 31, 12, 30, tzinfo=UTC)),
        ("2027-01-31 12:30:00", datetime(2027, 1, 31, 12, 30, tzinfo=UTC)),
        ("1-31-2027", datetime(2027, 1, 31, tzinfo=UTC)),
        ("01/31/2027 23:59", datetime(2027, 1, 31, 23, 59, tzinfo=UTC)),
        (date(2027, 1, 31), datetime(2027, 1, 31, tzinfo=UTC)),
        (datetime(2027, 1, 31, 8), datetime(2027, 1, 31, 8, tzinfo=UTC)),
    ],
)
def test_accepted_dates(value, expected):
    errors = []
    assert parse_date(value, "phases[0].start", errors) == expected
    assert errors == []


@pytest.mark.parametrize("value", ["soon", "13-45-2027", "31.01.2027"])
def test_refused_dates_name_the_key(value):
    errors = []
    assert parse_date(value, "phases[2].end", errors) is None
    assert errors and errors[0].startswith("phases[2].end: ")


def test_a_missing_date_is_none_without_error():
    errors = []
    assert parse_date(None, "phases[0].end", errors) is None and errors == []
