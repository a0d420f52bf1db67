"""The encrypted store: one SQLCipher 4 database in the data folder.

Files in the data folder:
  store.db           the SQLCipher database (WAL journal, full sync)
  store.params.json  Argon2id salt and costs: no secret (desktop.store.crypto)
  store.lock         held by the running instance (desktop.store.lock)
  backups/           automatic copies taken before a schema upgrade or a restore
  store.db.init      only while `init` runs: the database being built (see Store.create)

On POSIX the folder is 0700 and every file in it 0600, whatever the umask; on Windows the
per-user %LOCALAPPDATA% folder's ACL protects them instead (desktop.store.paths).

Every write goes through one SQLAlchemy transaction; with `journal_mode=WAL` and
`synchronous=FULL` a commit that has returned survives the process being killed.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os
import shutil
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlcipher3 import dbapi2 as sqlcipher

from desktop import MIGRATIONS_DIR, __version__
from desktop.store import backups
from desktop.store.backups import BackupFromNewerVersion, StoreFromNewerVersion
from desktop.store.crypto import (
    KdfParams,
    derive_key,
    key_pragma_value,
    read_header,
    write_header,
)
from desktop.store.errors import (
    BackupInvalid,
    StoreDamaged,
    StoreError,
    StoreMissing,
    WrongPassphrase,
)
from desktop.store.lock import InstanceLock
from desktop.store.models import APPLICATION_ID
from desktop.store.passphrase import normalise, policy_problem
from desktop.store.paths import create_private_file, make_private, open_private, private_dir

DB_NAME = "store.db"
HEADER_NAME = "store.params.json"
#: `init` builds the database under this name and renames it to DB_NAME last (see Store.create).
BUILDING_NAME = DB_NAME + ".init"
#: A store.params.json found without any database is moved aside to this name, never deleted.
ORPHAN_HEADER_NAME = HEADER_NAME + ".orphaned"
#: SQLCipher 4's page size: a store.db that is not a whole number of pages is damaged.
PAGE_SIZE = 4096
BACKUP_FORMAT = "dropin-desk.backup/1"
BACKUP_SUFFIX = ".ddbackup"

Progress = Callable[[int, str], None]


def _quiet(_percent: int, _message: str) -> None:
    pass


def _init_step(step: str) -> None:
    """Called after each step of Store.create; the kill tests replace it with os._exit."""


def _page1_problem(db_path: Path) -> str | None:
    """Damage visible without the key: a file cut short, or a plain (unencrypted) SQLite file."""
    try:
        size = db_path.stat().st_size
        with open(db_path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or type(exc).__name__})"
    if size % PAGE_SIZE:
        return f"the file is {size} bytes long, not a whole number of {PAGE_SIZE}-byte pages"
    if head == b"SQLite format 3\x00":
        return "it is not encrypted, so it is not a Drop-in Desk store"
    return None


def _damaged(db_path: Path, why: str) -> StoreDamaged:
    return StoreDamaged(
        f"{db_path.name} is damaged ({why}). Restore the store from a backup "
        "(File > Restore from backup, or a copy in backups/)."
    )


def _connect_raw(db_path: Path, key: bytes) -> sqlcipher.Connection:
    """Open and key a connection, and prove the key with a first read.

    isolation_level=None hands transaction control to SQLAlchemy (see `_begin` below), which
    makes DDL transactional too: a failed migration rolls back whole.
    """
    conn = sqlcipher.connect(str(db_path), check_same_thread=False, isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        # Wipe freed memory and lock key material in RAM (a process-wide SQLCipher setting,
        # set on every connection so no path opens one without it).
        conn.execute("PRAGMA cipher_memory_security = ON")
        conn.execute(f"PRAGMA key = {key_pragma_value(key)}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc):
            raise WrongPassphrase() from None
        raise StoreDamaged(f"The store could not be read: {exc}") from None
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    # An erased client's pages are overwritten, not just marked free (they are encrypted
    # anyway, but a later key compromise should not bring them back).
    conn.execute("PRAGMA secure_delete = ON")
    return conn


def _try_keys(db_path: Path, params: KdfParams, passphrase: str):
    """Try the NFC form of `passphrase`, then (only if it differs) the form as typed, which is
    what stores made before normalisation were keyed with. Returns (key, typed_form), None
    when neither opens it, or "unreadable" when a key matches the header's key check but
    SQLCipher still cannot read page 1 (damage, not a wrong passphrase)."""
    forms = [True] if normalise(passphrase) == passphrase else [True, False]
    unreadable = False
    for nfc in forms:
        key = derive_key(passphrase, params, nfc=nfc)
        matches = params.key_matches(key)
        if matches is False:
            continue
        try:
            _connect_raw(db_path, key).close()
        except WrongPassphrase:
            unreadable = unreadable or matches is True
            continue
        return key, not nfc
    return "unreadable" if unreadable else None


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _tighten_modes(folder: Path) -> None:
    """Owner-only permissions on the data folder and the store's files (stores made by
    versions that created them 0644/0755 are tightened when opened). POSIX only; see
    desktop.store.paths for Windows."""
    if os.name != "posix":
        return
    make_private(folder)
    names = [DB_NAME + x for x in ("", "-wal", "-shm")] + [HEADER_NAME, "store.lock"]
    for path in [folder / n for n in names] + [folder / "backups"]:
        if path.exists():
            make_private(path)
    if (folder / "backups").is_dir():
        for path in (folder / "backups").iterdir():
            if path.is_file():
                make_private(path)


def _make_engine(db_path: Path, key: bytes) -> Engine:
    engine = create_engine(
        "sqlite+pysqlite://",
        creator=lambda: _connect_raw(db_path, key),
        module=sqlcipher,
        pool_pre_ping=False,
    )

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001 - SQLAlchemy event signature
        conn.exec_driver_sql("BEGIN")

    return engine


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _export_copy(engine: Engine, target: Path, key: bytes) -> None:
    """Write a consistent encrypted copy of the whole database to `target` under `key`.
    The file is made owner-only before SQLCipher writes into it."""
    if target.exists():
        target.unlink()
    create_private_file(target, exclusive=True)
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        raw.execute(
            f"ATTACH DATABASE {_sql_string(str(target))} AS export KEY {key_pragma_value(key)}"
        )
        try:
            raw.execute("SELECT sqlcipher_export('export')")
            raw.execute(f"PRAGMA export.application_id = {APPLICATION_ID}")
        finally:
            raw.execute("DETACH DATABASE export")
    _fsync_file(target)


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    """Every schema revision this version has a migration for."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


class Store:
    """An open, unlocked store. Create with `Store.create` or `Store.open`."""

    def __init__(self, folder: Path, params: KdfParams, key: bytes, lock: InstanceLock) -> None:
        self.folder = folder
        self.params = params
        self._key: bytes | None = key
        self._lock = lock
        self.engine: Engine | None = _make_engine(self.db_path, key)
        self._sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        #: Set when opening ran a schema upgrade: the path of the copy taken first.
        self.upgrade_backup: Path | None = None
        #: What opening or creating did to finish or clear a half-made store (None: nothing).
        self.recovery_note: str | None = None

    # ---- paths -------------------------------------------------------------------------------
    @property
    def db_path(self) -> Path:
        return self.folder / DB_NAME

    @property
    def header_path(self) -> Path:
        return self.folder / HEADER_NAME

    @property
    def backups_dir(self) -> Path:
        return self.folder / "backups"

    @staticmethod
    def exists(folder: Path | str) -> bool:
        """A store is there: a database, or a creation that got as far as writing its key
        parameters (opening finishes it). A lone store.params.json or a half-built
        store.db.init is not a store: `create` clears it away (see `_recover_half_made`)."""
        folder = Path(folder)
        if (folder / DB_NAME).exists():
            return True
        return (folder / HEADER_NAME).exists() and (folder / BUILDING_NAME).exists()

    # ---- opening -----------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        folder: Path | str,
        passphrase: str,
        kdf_costs: dict[str, int] | None = None,
        lock: InstanceLock | None = None,
    ) -> Store:
        """`lock`: an InstanceLock the caller already holds (the app takes it at start-up so a
        second instance is turned away before anyone types a passphrase).

        Atomic: the database is built whole as store.db.init, then the key parameters are
        written, then store.db.init is renamed to store.db. A kill at any point leaves either
        no store (the next `create` removes the pieces) or a complete one under the
        temporary name (the next `open` finishes the rename). `recovery_note` says which.
        """
        folder = Path(folder)
        problem = policy_problem(passphrase)
        if problem:
            raise StoreError(problem)
        owned = lock is None or not lock.held
        lock = cls._take_lock(folder, lock)
        try:
            private_dir(folder)
            note = cls._recover_half_made(folder, passphrase, creating=True)
            if cls.exists(folder):
                raise StoreError(f"There is already a store in {folder}.")
            _init_step("folder")
            params = KdfParams.fresh(**(kdf_costs or {}))
            key = derive_key(passphrase, params)
            params = params.with_key_check(key)
            building = folder / BUILDING_NAME
            create_private_file(building, exclusive=True)
            engine = _make_engine(building, key)
            try:
                with engine.begin() as conn:
                    conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
                _init_step("database")
                upgrade_schema(engine)
            finally:
                engine.dispose()  # the last connection closing checkpoints the WAL into the file
            _fsync_file(building)
            _init_step("schema")
            write_header(folder / HEADER_NAME, params)
            _init_step("params")
            os.replace(building, folder / DB_NAME)
            _fsync_folder(folder)
            _init_step("renamed")
            store = cls(folder, params, key, lock)
            store.recovery_note = note
            return store
        except BaseException:
            if owned:
                lock.release()
            raise

    @classmethod
    def _recover_half_made(cls, folder: Path, passphrase: str, creating: bool) -> str | None:
        """Clear up after an `init` that was killed (the instance lock is held). Returns a
        sentence saying what was done, or None. A database that may hold records is never
        deleted: only pieces no store can depend on are.

        - store.db.init without store.db.init's key parameters: killed while building, no
          client was ever added: removed.
        - store.db.init with store.params.json and no store.db: built whole, killed before the
          rename: `open` finishes the rename; `create` removes it (it is empty, and the new
          passphrase is about to replace it).
        - store.params.json alone (older versions wrote it first): moved aside to
          store.params.json.orphaned.
        - store.db and store.params.json from an older version killed before the schema was
          made: `create` removes them if the passphrase opens the database and it holds no
          table; `open` finishes them (see `_finish_empty`).
        """
        db, header, building = folder / DB_NAME, folder / HEADER_NAME, folder / BUILDING_NAME
        building_parts = [building] + [folder / (BUILDING_NAME + x) for x in ("-wal", "-shm")]
        if any(p.exists() for p in building_parts):
            if db.exists():
                for part in building_parts:
                    part.unlink(missing_ok=True)
                return None  # a stray: the real store is store.db
            if header.exists() and building.exists() and not creating:
                os.replace(building, db)
                _fsync_folder(folder)
                return "Creating this store had been interrupted at the end; it was finished."
            for part in building_parts:
                part.unlink(missing_ok=True)
            if header.exists():
                header.unlink()
            (folder / (HEADER_NAME + ".tmp")).unlink(missing_ok=True)
            _fsync_folder(folder)
            return "An empty store left by an interrupted 'init' was removed."
        if header.exists() and not db.exists() and not (folder / (DB_NAME + "-wal")).exists():
            os.replace(header, folder / ORPHAN_HEADER_NAME)
            return (
                f"{HEADER_NAME} was there without a database (left by an interrupted 'init'); "
                f"it was moved aside to {ORPHAN_HEADER_NAME}."
            )
        if creating and db.exists() and header.exists() and cls._is_empty_db(folder, passphrase):
            for suffix in ("", "-wal", "-shm"):
                (folder / (DB_NAME + suffix)).unlink(missing_ok=True)
            header.unlink()
            _fsync_folder(folder)
            return "An empty store left by an interrupted 'init' was removed."
        return None

    @staticmethod
    def _is_empty_db(folder: Path, passphrase: str) -> bool:
        """True when `passphrase` opens store.db and it holds no table (an older `init` killed
        before the schema was made). Any doubt is False: the store is kept."""
        db = folder / DB_NAME
        if db.stat().st_size == 0 and not (folder / (DB_NAME + "-wal")).exists():
            return True
        try:
            params = read_header(folder / HEADER_NAME)
            conn = _connect_raw(db, derive_key(passphrase, params))
        except StoreError:
            return False
        try:
            return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        finally:
            conn.close()

    def _finish_empty(self) -> bool:
        """An older `init` killed after making the database but before the schema: no table
        and no application id. Give it both (the schema upgrade then runs as for a new store)."""
        with self.engine.connect() as conn:
            app_id = conn.exec_driver_sql("PRAGMA application_id").scalar()
            tables = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        if app_id != 0 or tables != 0:
            return False
        with self.engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        return True

    @classmethod
    def open(cls, folder: Path | str, passphrase: str, lock: InstanceLock | None = None) -> Store:
        folder = Path(folder)
        if not cls.exists(folder):
            raise StoreMissing(f"There is no store in {folder} yet.")
        owned = lock is None or not lock.held
        lock = cls._take_lock(folder, lock)
        try:
            note = cls._recover_half_made(folder, passphrase, creating=False)
            _tighten_modes(folder)
            params, key, typed_form = cls._unlock_files(folder, passphrase)
            backups.remove_leftovers(folder)  # temp files of a killed process (lock is held)
            store = cls(folder, params, key, lock)
            if store._finish_empty():
                note = "Creating this store had been interrupted; it was finished."
            store._check_application_id()
            store._migrate_if_needed()
            store.recovery_note = note
            store._after_unlock(passphrase, typed_form)
            return store
        except BaseException:
            if owned:
                lock.release()
            raise

    @staticmethod
    def _take_lock(folder: Path, lock: InstanceLock | None) -> InstanceLock:
        if lock is None:
            lock = InstanceLock(folder)
        if not lock.held:
            lock.acquire()
        return lock

    @staticmethod
    def _unlock_files(folder: Path, passphrase: str) -> tuple[KdfParams, bytes, bool]:
        """Find the key parameters that open the database: (params, key, typed_form), where
        typed_form is True when only the passphrase as typed (not its NFC form) opened it.

        A passphrase change writes `store.params.json.new` before swapping the database in and
        renames it after; if the app died between the two, the new parameters are the right ones.
        """
        header = folder / HEADER_NAME
        pending = folder / (HEADER_NAME + ".new")
        candidates = [(header, read_header(header))]
        if pending.exists():
            candidates.append((pending, read_header(pending)))
        problem = _page1_problem(folder / DB_NAME)
        if problem:
            raise _damaged(folder / DB_NAME, problem)
        right_key_unreadable = False
        for path, params in candidates:
            found = _try_keys(folder / DB_NAME, params, passphrase)
            if found is None:
                continue
            if found == "unreadable":
                right_key_unreadable = True
                continue
            key, typed_form = found
            if path == pending:
                os.replace(pending, header)
            elif pending.exists():
                pending.unlink()
            return params, key, typed_form
        if right_key_unreadable and not pending.exists():
            raise _damaged(
                folder / DB_NAME,
                "the passphrase is right, but the first page of the database cannot be read",
            )
        raise WrongPassphrase()

    def _after_unlock(self, passphrase: str, typed_form: bool) -> None:
        """Bring an opened store's key up to date:
        - a store made before passphrases were NFC-normalised, opened with the passphrase as
          typed: re-keyed (new salt) to the NFC form, so the NFC form opens it from now on;
        - a header from before key checks: the check is added (the same key and salt)."""
        if typed_form:
            self._rekey(normalise(passphrase))
        elif not self.params.key_check_hex:
            self.params = self.params.with_key_check(self._key)
            write_header(self.header_path, self.params)

    def _check_application_id(self) -> None:
        with self.engine.connect() as conn:
            app_id = conn.exec_driver_sql("PRAGMA application_id").scalar()
        if app_id != APPLICATION_ID:
            raise StoreDamaged("This file is not a Drop-in Desk store.")

    def _migrate_if_needed(self) -> None:
        current, head = current_revision(self.engine), head_revision()
        if current == head:
            return
        if current is not None and current not in known_revisions():
            raise StoreFromNewerVersion(current, head)  # before any copy or change
        if current is not None:
            self.upgrade_backup = self._keep_copy(f"before-upgrade-{current}-to-{head}")
        upgrade_schema(self.engine)

    def _keep_copy(self, label: str) -> Path:
        """An encrypted copy of the store (and its key parameters) in backups/; then the oldest
        copies beyond the `kept_copies` setting are deleted.

        The key parameters are written first and the database under a `.partial` name renamed
        when complete, so a kill leaves no half copy that looks whole (`remove_leftovers`)."""
        private_dir(self.backups_dir)
        kept = backups.new_kept_path(self.backups_dir, label, dt.datetime.now())
        shutil.copy2(self.header_path, backups.params_of(kept))
        partial = kept.with_name(kept.name + backups.PARTIAL_SUFFIX)
        _export_copy(self.engine, partial, self._key)
        os.replace(partial, kept)
        backups.prune(self.backups_dir, self._kept_copies_limit(), newest=kept)
        return kept

    def _kept_copies_limit(self) -> int:
        """The `kept_copies` setting (a store older than the settings table has the default)."""
        try:
            with self.engine.connect() as conn:
                value = conn.exec_driver_sql(
                    "SELECT value FROM settings WHERE key = ?", (backups.KEEP_COPIES_SETTING,)
                ).scalar()
        except SQLAlchemyError:
            value = None
        return backups.kept_limit(value)

    # ---- kept copies (backups/) --------------------------------------------------------------
    def kept_copies(self) -> list[Path]:
        """The copies in backups/ (taken before upgrades and restores), oldest first. They open
        with the passphrase in use when they were taken and hold every client in the store then.
        """
        return backups.list_kept(self.backups_dir)

    def delete_kept_copies(self) -> int:
        """Delete every copy in backups/ (after an erasure or a passphrase change); returns how
        many were deleted."""
        count = backups.delete_all_kept(self.backups_dir)
        if self.upgrade_backup is not None and not self.upgrade_backup.exists():
            self.upgrade_backup = None
        return count

    def prune_kept_copies(self) -> list[Path]:
        """Apply the `kept_copies` setting now (after it was lowered): the oldest copies go."""
        if self.engine is None:
            raise StoreError("The store is locked.")
        return backups.prune(self.backups_dir, self._kept_copies_limit())

    def _swap_in(self, new_db: Path, params: KdfParams, key: bytes) -> None:
        """Replace the database with `new_db` (encrypted under `key`) and its key parameters.

        The pending header is written first and renamed last; `_unlock_files` finishes the
        job if the app dies in between."""
        write_header(self.folder / (HEADER_NAME + ".new"), params)
        self.engine.dispose()
        self.engine = None
        for suffix in ("-wal", "-shm"):  # the old file's journal must never meet the new one
            (self.folder / (DB_NAME + suffix)).unlink(missing_ok=True)
        make_private(new_db)
        os.replace(new_db, self.db_path)
        os.replace(self.folder / (HEADER_NAME + ".new"), self.header_path)
        self.params, self._key = params, key
        self.engine = _make_engine(self.db_path, key)
        self._sessions.configure(bind=self.engine)

    # ---- sessions ----------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed whole on success, rolled back whole on any error."""
        if self.engine is None:
            raise StoreError("The store is locked.")
        with self._sessions() as session, session.begin():
            yield session

    def read_session(self) -> Session:
        if self.engine is None:
            raise StoreError("The store is locked.")
        return self._sessions()

    # ---- lock / unlock -----------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self.engine is None

    def lock(self) -> None:
        """Close every connection and forget the key; `unlock` re-derives it."""
        if self.engine is not None:
            self.engine.dispose()
        self.engine = None
        self._key = None

    def unlock(self, passphrase: str) -> None:
        found = _try_keys(self.db_path, self.params, passphrase)
        if found is None:
            raise WrongPassphrase()
        if found == "unreadable":
            raise _damaged(
                self.db_path,
                "the passphrase is right, but the first page of the database cannot be read",
            )
        key, typed_form = found
        self._key = key
        self.engine = _make_engine(self.db_path, key)
        self._sessions.configure(bind=self.engine)
        self._after_unlock(passphrase, typed_form)

    def check_passphrase(self, passphrase: str) -> bool:
        if self._key is None:
            return False
        return hmac.compare_digest(derive_key(passphrase, self.params), self._key)

    def close(self) -> None:
        self.lock()
        self._lock.release()

    # ---- passphrase change -------------------------------------------------------------------
    def change_passphrase(self, old: str, new: str, progress: Progress = _quiet) -> None:
        """Re-encrypt under a new passphrase and a new salt.

        The database is exported to a new file under the new key; only when that copy is
        complete and synced are the files swapped, so an interruption leaves a working store.
        """
        if not self.check_passphrase(old):
            raise WrongPassphrase("The current passphrase is not right.")
        problem = policy_problem(new)
        if problem:
            raise StoreError(problem)
        self._rekey(new, progress)

    def _rekey(self, new: str, progress: Progress = _quiet) -> None:
        """Re-encrypt under `new` (NFC-normalised by derive_key), a new salt and key check."""
        progress(5, "Deriving the new key")
        new_params = self.params.with_new_salt()
        new_key = derive_key(new, new_params)
        new_params = new_params.with_key_check(new_key)
        staging = self.folder / (DB_NAME + ".rekey")
        progress(30, "Re-encrypting the store")
        _export_copy(self.engine, staging, new_key)
        _connect_raw(staging, new_key).close()
        progress(80, "Swapping in the re-encrypted store")
        self._swap_in(staging, new_params, new_key)
        progress(100, "Passphrase changed")

    # ---- backup and restore ------------------------------------------------------------------
    def backup_to(self, target: Path | str, progress: Progress = _quiet) -> Path:
        """Write an encrypted backup (the database under the current key, plus the key
        parameters) to `target`. The same passphrase opens it."""
        target = Path(target)
        if target.suffix != BACKUP_SUFFIX:
            target = target.with_name(target.name + BACKUP_SUFFIX)
        progress(5, "Copying the encrypted store")
        snapshot = self.folder / (DB_NAME + ".backup-snapshot")
        try:
            _export_copy(self.engine, snapshot, self._key)
            progress(60, "Writing the backup file")
            manifest = {
                "format": BACKUP_FORMAT,
                "created": dt.datetime.now().isoformat(timespec="seconds"),
                "app_version": __version__,
                "schema_revision": current_revision(self.engine),
            }
            partial = target.with_name(target.name + ".partial")
            with (
                open_private(partial, "wb") as fh,
                zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as zf,
            ):
                zf.writestr("manifest.json", json.dumps(manifest, indent=2))
                zf.write(self.header_path, HEADER_NAME)
                zf.write(snapshot, DB_NAME)
            _fsync_file(partial)
            os.replace(partial, target)
        finally:
            if snapshot.exists():
                snapshot.unlink()
        progress(100, "Backup written")
        return target

    def restore_from(
        self, backup: Path | str, passphrase: str, progress: Progress = _quiet
    ) -> None:
        """Replace this store with a backup, after checking the file and its passphrase.

        Nothing is replaced until the backup has been unpacked, unlocked and checked; the store
        being replaced is kept in backups/ first.
        """
        backup = Path(backup)
        progress(5, "Checking the backup file")
        staging_db = self.folder / "restore.db.tmp"
        staging_header = self.folder / "restore.params.tmp"
        try:
            try:
                with zipfile.ZipFile(backup) as zf:
                    manifest = json.loads(zf.read("manifest.json"))
                    if manifest.get("format") != BACKUP_FORMAT:
                        raise BackupInvalid(f"{backup.name} is not a Drop-in Desk backup.")
                    _refuse_unknown_revision(manifest.get("schema_revision"))
                    with zf.open(DB_NAME) as src, open_private(staging_db, "wb") as dst:
                        shutil.copyfileobj(src, dst)
                    staging_header.write_bytes(zf.read(HEADER_NAME))
            except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
                raise BackupInvalid(
                    f"{backup.name} is not a Drop-in Desk backup, or it is damaged."
                ) from exc
            params = read_header(staging_header, label="the backup's store.params.json")
            progress(25, "Checking the passphrase")
            key = derive_key(passphrase, params)
            try:
                conn = _connect_raw(staging_db, key)
            except WrongPassphrase:
                raise WrongPassphrase("That passphrase does not open this backup.") from None
            try:
                app_id = conn.execute("PRAGMA application_id").fetchone()[0]
                check = conn.execute("PRAGMA quick_check").fetchone()[0]
                revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            except sqlcipher.DatabaseError as exc:
                raise BackupInvalid(f"{backup.name} is damaged: {exc}") from None
            finally:
                conn.close()
            if app_id != APPLICATION_ID or check != "ok" or revision is None:
                raise BackupInvalid(f"{backup.name} is damaged or is not a Drop-in Desk store.")
            # The manifest may say anything: the database's own revision decides.
            _refuse_unknown_revision(revision[0], missing_ok=False)
            progress(50, "Keeping a copy of the current store")
            self._keep_copy("before-restore")
            progress(70, "Replacing the store")
            self._swap_in(staging_db, params, key)
            progress(85, "Bringing the schema up to date")
            self._migrate_if_needed()
            progress(100, "Restored")
        finally:
            for leftover in (staging_db, staging_header):
                if leftover.exists():
                    leftover.unlink()


def _refuse_unknown_revision(revision: object, missing_ok: bool = True) -> None:
    """Refuse a backup whose schema revision this version has no migration for (a newer
    version made it): swapping it in would leave a store that no version here can open."""
    if revision is None and missing_ok:
        return  # a manifest without one: the database's revision is checked after unlocking
    if not isinstance(revision, str) or revision not in known_revisions():
        raise BackupFromNewerVersion(revision, head_revision())
