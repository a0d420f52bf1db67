"""The encrypted store: one SQLCipher 4 database in the data folder.

Files in the data folder:
  store.db           the SQLCipher database (WAL journal, full sync)
  store.params.json  Argon2id salt and costs: no secret (desktop.store.crypto)
  store.lock         held by the running instance (desktop.store.lock)
  backups/           automatic copies taken before a schema upgrade or a restore

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
from sqlalchemy.orm import Session, sessionmaker
from sqlcipher3 import dbapi2 as sqlcipher

from desktop import MIGRATIONS_DIR, __version__
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

DB_NAME = "store.db"
HEADER_NAME = "store.params.json"
BACKUP_FORMAT = "dropin-desk.backup/1"
BACKUP_SUFFIX = ".ddbackup"

Progress = Callable[[int, str], None]


def _quiet(_percent: int, _message: str) -> None:
    pass


def _connect_raw(db_path: Path, key: bytes) -> sqlcipher.Connection:
    """Open and key a connection, and prove the key with a first read.

    isolation_level=None hands transaction control to SQLAlchemy (see `_begin` below), which
    makes DDL transactional too: a failed migration rolls back whole.
    """
    conn = sqlcipher.connect(str(db_path), check_same_thread=False, isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
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
    return conn


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
    """Write a consistent encrypted copy of the whole database to `target` under `key`."""
    if target.exists():
        target.unlink()
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
        folder = Path(folder)
        return (folder / DB_NAME).exists() or (folder / HEADER_NAME).exists()

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
        second instance is turned away before anyone types a passphrase)."""
        folder = Path(folder)
        if cls.exists(folder):
            raise StoreError(f"There is already a store in {folder}.")
        if not passphrase:
            raise StoreError("The passphrase cannot be empty.")
        owned = lock is None or not lock.held
        lock = cls._take_lock(folder, lock)
        try:
            params = KdfParams.fresh(**(kdf_costs or {}))
            key = derive_key(passphrase, params)
            write_header(folder / HEADER_NAME, params)
            store = cls(folder, params, key, lock)
            with store.engine.begin() as conn:
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            upgrade_schema(store.engine)
            return store
        except BaseException:
            if owned:
                lock.release()
            raise

    @classmethod
    def open(cls, folder: Path | str, passphrase: str, lock: InstanceLock | None = None) -> Store:
        folder = Path(folder)
        if not (folder / DB_NAME).exists():
            raise StoreMissing(f"There is no store in {folder} yet.")
        owned = lock is None or not lock.held
        lock = cls._take_lock(folder, lock)
        try:
            params, key = cls._unlock_files(folder, passphrase)
            store = cls(folder, params, key, lock)
            store._check_application_id()
            store._migrate_if_needed()
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
    def _unlock_files(folder: Path, passphrase: str) -> tuple[KdfParams, bytes]:
        """Find the key parameters that open the database.

        A passphrase change writes `store.params.json.new` before swapping the database in and
        renames it after; if the app died between the two, the new parameters are the right ones.
        """
        header = folder / HEADER_NAME
        pending = folder / (HEADER_NAME + ".new")
        candidates = [(header, read_header(header))]
        if pending.exists():
            candidates.append((pending, read_header(pending)))
        for path, params in candidates:
            key = derive_key(passphrase, params)
            try:
                _connect_raw(folder / DB_NAME, key).close()
            except WrongPassphrase:
                continue
            if path == pending:
                os.replace(pending, header)
            elif pending.exists():
                pending.unlink()
            return params, key
        raise WrongPassphrase()

    def _check_application_id(self) -> None:
        with self.engine.connect() as conn:
            app_id = conn.exec_driver_sql("PRAGMA application_id").scalar()
        if app_id != APPLICATION_ID:
            raise StoreDamaged("This file is not a Drop-in Desk store.")

    def _migrate_if_needed(self) -> None:
        current, head = current_revision(self.engine), head_revision()
        if current == head:
            return
        if current is not None:
            self.upgrade_backup = self._keep_copy(f"before-upgrade-{current}-to-{head}")
        upgrade_schema(self.engine)

    def _keep_copy(self, label: str) -> Path:
        """An encrypted copy of the store (and its key parameters) in backups/."""
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        self.backups_dir.mkdir(exist_ok=True)
        kept = self.backups_dir / f"{label}-{stamp}.db"
        _export_copy(self.engine, kept, self._key)
        shutil.copy2(self.header_path, kept.with_suffix(".params.json"))
        return kept

    def _swap_in(self, new_db: Path, params: KdfParams, key: bytes) -> None:
        """Replace the database with `new_db` (encrypted under `key`) and its key parameters.

        The pending header is written first and renamed last; `_unlock_files` finishes the
        job if the app dies in between."""
        write_header(self.folder / (HEADER_NAME + ".new"), params)
        self.engine.dispose()
        self.engine = None
        for suffix in ("-wal", "-shm"):  # the old file's journal must never meet the new one
            (self.folder / (DB_NAME + suffix)).unlink(missing_ok=True)
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
        key = derive_key(passphrase, self.params)
        _connect_raw(self.db_path, key).close()
        self._key = key
        self.engine = _make_engine(self.db_path, key)
        self._sessions.configure(bind=self.engine)

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
        if not new:
            raise StoreError("The new passphrase cannot be empty.")
        progress(5, "Deriving the new key")
        new_params = self.params.with_new_salt()
        new_key = derive_key(new, new_params)
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
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as zf:
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
                    with zf.open(DB_NAME) as src, open(staging_db, "wb") as dst:
                        shutil.copyfileobj(src, dst)
                    staging_header.write_bytes(zf.read(HEADER_NAME))
            except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
                raise BackupInvalid(
                    f"{backup.name} is not a Drop-in Desk backup, or it is damaged."
                ) from exc
            params = read_header(staging_header)
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
