"""desktop.ui.widgets.kept_fields: a form's fields as plain values for a kept draft, and back."""

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QSpinBox

from desktop.ui.widgets.kept_fields import field_values, put_values


def _fields(qtbot):
    text, line, combo, spin = QPlainTextEdit(), QLineEdit(), QComboBox(), QSpinBox()
    for widget in (text, line, combo, spin):
        qtbot.addWidget(widget)
    line.setMaxLength(5)
    combo.addItem("None", None)
    combo.addItem("Phone", "phone")
    spin.setRange(0, 1440)
    return {"text": text, "line": line, "combo": combo, "spin": spin}


def test_values_round_trip_and_wrong_types_leave_a_field_as_it_is(qtbot):
    fields = _fields(qtbot)
    put_values(fields, {"text": "two\nlines", "line": "31/1", "combo": "phone", "spin": 45})
    assert field_values(fields) == {
        "text": "two\nlines",
        "line": "31/1",
        "combo": "phone",
        "spin": 45,
    }
    # A hand-edited or older draft: wrong types and unknown items change nothing; a number
    # is kept inside the box's range and text inside the line's length.
    put_values(fields, {"text": 7, "line": None, "combo": "carrier pigeon", "spin": True})
    assert field_values(fields) == {
        "text": "two\nlines",
        "line": "31/1",
        "combo": "phone",
        "spin": 45,
    }
    put_values(fields, {"spin": 10**9, "line": "much too long"})
    assert fields["spin"].value() == 1440 and fields["line"].text() == "much "
    put_values(fields, {})  # a missing name leaves its field alone
    assert field_values(fields)["combo"] == "phone"


def test_a_tick_box_keeps_whether_it_is_ticked_and_only_a_bool_changes_it(qtbot):
    box = QCheckBox("Extended")
    qtbot.addWidget(box)
    fields = {"box": box}
    assert field_values(fields) == {"box": False}
    put_values(fields, {"box": True})
    assert box.isChecked() and field_values(fields) == {"box": True}
    put_values(fields, {"box": 0})  # not a bool (a hand-edited draft): left as it is
    put_values(fields, {"box": "no"})
    assert box.isChecked()
    put_values(fields, {"box": False})
    assert not box.isChecked()
