"""Settings: the auto-lock minutes and the centre's name and contact line for handouts."""

from desktop.ui.settings_dialog import (
    CENTRE_CONTACT_SETTING,
    CENTRE_NAME_SETTING,
    SettingsDialog,
)


def test_the_old_constructor_still_works(qtbot):
    dialog = SettingsDialog(15)
    qtbot.addWidget(dialog)
    assert dialog.auto_lock_minutes() == 15
    assert (dialog.centre_name(), dialog.centre_contact()) == ("", "")


def test_centre_details_round_trip_as_one_tidy_line_each(qtbot, store):
    from desktop.store.repository import get_setting, set_setting

    assert (CENTRE_NAME_SETTING, CENTRE_CONTACT_SETTING) == ("centre_name", "centre_contact")
    dialog = SettingsDialog(10, centre_name="Riverside Advice", centre_contact="01632 960123")
    qtbot.addWidget(dialog)
    assert dialog.centre_name_field.text() == "Riverside Advice"
    assert dialog.centre_name_field.accessibleName().startswith("Centre name")
    assert dialog.centre_contact_field.accessibleName().startswith("Centre contact")
    dialog.centre_name_field.setText("  Riverside   Advice Drop-in ")
    dialog.centre_contact_field.setText("01632 960123,  4 Mill Lane")
    dialog.minutes.setValue(20)
    with store.session() as s:
        set_setting(s, CENTRE_NAME_SETTING, dialog.centre_name())
        set_setting(s, CENTRE_CONTACT_SETTING, dialog.centre_contact())
    with store.session() as s:
        name = get_setting(s, CENTRE_NAME_SETTING)
        contact = get_setting(s, CENTRE_CONTACT_SETTING)
    assert (name, contact) == ("Riverside Advice Drop-in", "01632 960123, 4 Mill Lane")
    again = SettingsDialog(20, centre_name=name, centre_contact=contact)
    qtbot.addWidget(again)
    assert (again.auto_lock_minutes(), again.centre_name(), again.centre_contact()) == (
        20,
        name,
        contact,
    )
