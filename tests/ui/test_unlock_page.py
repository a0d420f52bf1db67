"""Issue 10 point 9: the demo passphrase on the unlock screen is shown whole and stays there
after a wrong try."""

from desktop.ui.unlock_page import UnlockPage

NOTE = (
    "Demo mode: fictional clients in a throw-away folder. The passphrase is: demo passphrase only"
)


def shown_page(qtbot):
    page = UnlockPage()
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.reset(NOTE)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_the_note_is_not_cut_off(qtbot):
    page = shown_page(qtbot)
    note = page.note
    assert note.text() == NOTE
    assert note.height() >= note.heightForWidth(note.width()), "the second line is cut"


def test_the_note_stays_after_a_wrong_try_and_after_unlocking_again(qtbot):
    page = shown_page(qtbot)
    page.show_error("That passphrase is not right. Check Caps Lock and try again.")
    assert page.note.isVisible() and page.note.text() == NOTE
    assert "not right" in page.message.text()
    note = page.note
    qtbot.waitUntil(lambda: note.height() >= note.heightForWidth(note.width()))
    page.reset(message="Locked.")  # locking keeps the note
    assert page.note.text() == NOTE and page.message.text() == "Locked."


def test_no_note_no_space(qtbot):
    page = UnlockPage()
    qtbot.addWidget(page)
    page.reset("")
    assert page.note.isHidden()
