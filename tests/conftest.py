"""Test-wide set-up: Qt runs headless, SQLCipher stays quiet, Hypothesis is deterministic."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "*.debug=false")
