"""Help > Quick guide: a short text for a first session at the drop-in."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

GUIDE_HTML = """
<h3>Drop-in Desk in five minutes</h3>
<ol>
<li><b>Unlock</b> with the centre's passphrase. The window locks itself after some idle minutes
(Settings &gt; Settings…) and with Ctrl+L: nothing of a client stays on screen.</li>
<li><b>Find or add the client</b>: type in the search box (Ctrl+F) and press Enter, or press
Ctrl+N for a new client.</li>
<li><b>Record the history</b> on the History tab (Ctrl+3): permissions, applications, absences
from the UK and any custody. The verdict for each route is worked out as you type.</li>
<li><b>Check the deadlines</b> shown under the client's name (permission ending, appeal,
fee-waiver follow-up) and, for everyone at once, on the Deadlines board (Ctrl+D).</li>
<li><b>Save</b> the Details tab with Ctrl+S; the other tabs save each change as it is made.</li>
<li><b>Hand over</b> a checklist or a residence report from the Checklists and Residence tabs.</li>
</ol>
<p>The verdicts are a guide for the adviser, not advice on their own: each names the rule it
comes from. Records are encrypted on this computer; exports (File &gt; Export client) are not.</p>
<p>All keyboard shortcuts: Help &gt; Keyboard shortcuts (F1).</p>
"""


class GuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Quick guide")
        self.text = QTextBrowser()
        self.text.setAccessibleName("Quick guide")
        self.text.setHtml(GUIDE_HTML)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(620, 460)
