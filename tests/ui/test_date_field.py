"""Typing dates: the forms people use at a UK drop-in, and clear refusals."""

from datetime import date

import pytest

from desktop.ui.widgets.date_field import DateField, parse_user_date
from desktop.ui.widgets.dates import format_date, format_long


@pytest.mark.parametrize(
    "text",
    [
        "2024-09-01",
        "01/09/2024",
        "1/9/2024",
        "1.9.2024",
        "1-9-2024",
        "1 Sep 2024",
        "1 September 2024",
        "1st September 2024",
        "September 1, 2024",
        " 1  sept 2024 ",
    ],
)
def test_every_accepted_form_reads_as_1_september_2024(text):
    assert parse_user_date(text) == date(2024, 9, 1)


def test_day_comes_before_month():
    assert parse_user_date("02/03/2020") == date(2020, 3, 2)


def test_blank_is_no_date():
    assert parse_user_date("   ") is None


def test_impossible_date_is_refused_with_the_text_typed():
    with pytest.raises(ValueError, match=r"'31/02/2024' is not a real date"):
        parse_user_date("31/02/2024")


def test_two_digit_year_is_refused_to_avoid_century_errors():
    with pytest.raises(ValueError, match="year in full"):
        parse_user_date("1/9/24")


@pytest.mark.parametrize("text", ["tomorrow", "1 Smarch 2024", "13/13/2024", "2024/09"])
def test_nonsense_is_refused(text):
    with pytest.raises(ValueError):
        parse_user_date(text)


def test_display_forms_are_uk_style():
    assert format_date(date(2024, 9, 1)) == "1 Sep 2024"
    assert format_long(date(2020, 3, 3)) == "3 March 2020"


def test_field_parses_signals_and_normalises(qtbot):
    field = DateField(label="Date of birth")
    qtbot.addWidget(field)
    seen = []
    field.dateChanged.connect(seen.append)
    qtbot.keyClicks(field, "2024-09-01")
    assert field.date() == date(2024, 9, 1)
    assert field.is_valid()
    assert seen[-1] == date(2024, 9, 1)
    assert "September 2024" in field.toolTip()
    field.editingFinished.emit()
    assert field.text() == "1 Sep 2024"
    assert field.placeholderText() == "dd/mm/yyyy"


def test_field_reports_an_impossible_date_naming_itself(qtbot):
    field = DateField(label="Date of birth")
    qtbot.addWidget(field)
    field.setText("31/02/2024")
    assert field.date() is None
    assert not field.is_valid()
    assert field.error().startswith("Date of birth: '31/02/2024' is not a real date")


def test_empty_is_fine_unless_required(qtbot):
    optional = DateField()
    required = DateField(required=True, label="Departure date")
    qtbot.addWidget(optional)
    qtbot.addWidget(required)
    assert optional.is_valid() and optional.date() is None
    assert not required.is_valid()
    assert "Departure date is needed" in required.error()
    required.setDate(date(2020, 3, 5))
    assert required.is_valid() and required.text() == "5 Mar 2020"
