"""`dropin-desk --check-imports`: import every desktop.* module, to prove a bundle is complete.

PyInstaller finds what to pack by following imports; a module imported lazily (inside a
function) or by name can be left out, and the bundle then fails only when a volunteer reaches
that screen. This imports each module of the package, one by one, and reports the ones that
fail. tests/installers/test_bundle.py runs it inside the built bundle.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Iterable

#: Not code the app imports: the data folders a wheel and the bundle carry inside the package
#: (desktop/resources/, desktop/migrations/; Alembic runs the migration scripts from files).
SKIP_PREFIXES = ("desktop.migrations", "desktop.resources")


def app_modules() -> list[str]:
    """Every module name under the desktop package, sorted (the data folders excluded)."""
    import desktop

    names = {"desktop"}
    for info in pkgutil.walk_packages(desktop.__path__, prefix="desktop."):
        if not info.name.startswith(SKIP_PREFIXES):
            names.add(info.name)
    return sorted(names)


def check_imports(names: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """Import each module; return (module, "ErrorType: message") for every one that fails."""
    failures: list[tuple[str, str]] = []
    for name in app_modules() if names is None else names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - any failure is a missing piece of the bundle
            failures.append((name, f"{type(exc).__name__}: {exc}"))
    return failures


def main() -> int:
    """Print one line per module ("ok" or the error) and a summary; exit 0 only if all import."""
    names = app_modules()
    failures = dict(check_imports(names))
    for name in names:
        print(f"{name}: {failures.get(name, 'ok')}")
    print(f"{len(names) - len(failures)} of {len(names)} modules import")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
