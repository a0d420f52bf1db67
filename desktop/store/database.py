"""The encrypted store: one SQLCipher 4 database in the data folder.

Files in the data folder:
  store.db           the SQLCipher database (WAL journal, full sync)
  store.params.json  Argon2id salt and costs: no secret (desktop.store.crypto)
  store.lock         held by the running instance, with the folder itself (desktop.store.lock)
  backups/           automatic copies taken before a schema upgrade or a restore
  store.db.init      only while `init` runs: the database being built (see Store.create)

On POSIX the folder is 0700 and every file in it 0600, whatever the umask; on Windows the
per-user %LOCALAPPDATA% folder's ACL protects them instead (desktop.store.paths).

Every write goes through one SQLAlchemy transaction; with `journal_mode=WAL` and
`synchronous=FULL` a commit that has returned survives the process being killed.

Threads (issue 15): connections come from a QueuePool, each lent to one thread at a time
(`POOL_SIZE`); writes take turns (`Store.session`: one at a time in the process, then
`BEGIN IMMEDIATE`), reads never wait (WAL). A write first checks that store.db is still the
file this process opened (StoreReplaced otherwise). `Store.lock` zeroes the key and throws the
pool away: a connection still lent to a thread runs no further statement (StoreLocked) and is
closed when given back.

The copies in backups/ follow the store: a passphrase change re-encrypts them, and a client
erased from the store is taken out of them (`Store.erase_from_kept_copies`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import json
import os
import shutil
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, QueuePool
from sqlcipher3 import dbapi2 as sqlcipher

from desktop import MIGRATIONS_DIR, __version__
from desktop.files import FileReadProblem, WriteProblem, open_regular, shown_name, writable_target
from desktop.store import backups, sync_capture
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
    StoreBusy,
    StoreDamaged,
    StoreError,
    StoreLocked,
    StoreMissing,
    StoreReplaced,
    WrongPassphrase,
)
from desktop.store.lock import InstanceLock
from desktop.store.models import APPLICATION_ID
from desktop.store.network_drive import network_drive_warning
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


@dataclass(frozen=True)
class KeptCopiesResult:
    """What an erasure or a passphrase change did to the copies in backups/ (counts only)."""

    #: Copies rewritten: the erased client taken out, or re-encrypted under the new key.
    rewritten: int = 0
    #: Copies that did not hold the erased client (taken before they were added), or were
    #: already under the new key: nothing to do.
    untouched: int = 0
    #: Copies that could not be opened or rewritten (made under an older passphrase, or
    #: damaged), deleted instead.
    deleted: int = 0
    #: Copies that could be neither rewritten nor deleted (names, for the message).
    failed: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.rewritten + self.untouched + self.deleted + len(self.failed)


#: An erased client not yet taken out of every kept copy: a settings row written in the same
#: transaction as the erasure (so a crash between the two cannot forget it), holding the
#: client's created_at values (ids are reused; created_at tells one client from another).
PENDING_ERASURE_PREFIX = "kept_copies.erase."


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


#: The execution option that makes a transaction a write: `BEGIN IMMEDIATE` takes SQLite's write
#: lock at the start, so a write never fails half-way because another connection wrote first.
WRITE_OPTION = "dropin_write"

#: The connection pool (issue 15). With no file in its URL SQLAlchemy took the store for an
#: in-memory database and used a SingletonThreadPool: one connection per thread, and when a
#: sixth thread came it closed the oldest thread's connection - under a query that thread may
#: still have been running (QThreadPool threads expire and are replaced, so this happened in a
#: morning's use: segfaults and "Cannot operate on a closed database"). A QueuePool lends each
#: connection to one thread at a time, whichever thread. Opening and keying a connection costs
#: about 8 ms (SQLCipher's key schedule and page-1 read), so connections are kept for reuse.
#: POOL_SIZE are kept open: the window thread, the deadlines board's thread and QThreadPool's
#: workers (one a core) rarely need more at once. Up to POOL_OVERFLOW more are opened when
#: they do and closed when given back; a thread that finds every one in use waits up to
#: POOL_TIMEOUT_S and then gets StoreBusy.
POOL_SIZE = 4
POOL_OVERFLOW = 12
POOL_TIMEOUT_S = 30.0
#: A write waits this long for another write, a passphrase change or a restore to finish.
WRITE_WAIT_S = 15.0


def _engine(creator: Callable[[], sqlcipher.Connection], poolclass: type, **pool_args) -> Engine:
    engine = create_engine(
        "sqlite+pysqlite://",
        creator=creator,
        module=sqlcipher,
        poolclass=poolclass,
        pool_pre_ping=False,
        **pool_args,
    )

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001 - SQLAlchemy event signature
        write = conn.get_execution_options().get(WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _make_engine(db_path: Path, key: bytes) -> Engine:
    """An engine on one database file under `key`, for short work (building a store, a kept
    copy, tests): a connection is opened for each use and closed when it is given back, so
    nothing stays open once the work is done."""
    return _engine(lambda: _connect_raw(db_path, key), NullPool)


def _file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path` now; None when there is none. A file replaced by
    a rename, or deleted and written again, has a new identity (on Windows st_ino is the
    NTFS file index)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


_core_dumps_off = False


def _no_core_dumps() -> None:
    """Keep the key and client records out of core dumps, once a process (POSIX).

    RLIMIT_CORE 0 stops core files written by the kernel; on Linux PR_SET_DUMPABLE 0 also stops
    dumps piped to a collector (systemd-coredump, apport: RLIMIT_CORE does not bind them)
    and stops other processes of the same user attaching with ptrace and reading memory.
    Set DROPIN_DESK_CORE_DUMPS=1 to keep core dumps when debugging a crash."""
    global _core_dumps_off
    if _core_dumps_off or os.name != "posix" or os.environ.get("DROPIN_DESK_CORE_DUMPS") == "1":
        return
    _core_dumps_off = True
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, OSError, ValueError):
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            pr_set_dumpable = 4
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_dumpable, 0, 0, 0, 0)
        except (OSError, AttributeError):
            pass


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
        _no_core_dumps()
        self.folder = folder
        self.params = params
        #: The only reference the store keeps to the key: a bytearray, zeroed by `lock`.
        self._key: bytearray | None = bytearray(key)
        self._lock = lock
        #: store.db as opened: (device, inode). A write finding another file there refuses.
        self._identity = _file_identity(self.db_path)
        self._replaced = False
        #: Bumped whenever the pool is thrown away (lock, passphrase change, restore): a
        #: connection from an older pool is closed when it is given back.
        self._generation = 0
        self._made = threading.local()
        #: One write at a time in this process; a passphrase change or restore holds it while
        #: it copies and swaps the file, so no write lands in the file being replaced.
        self._write_gate = threading.RLock()
        #: Work on the copies in backups/ (erasure, re-keying, pruning) one at a time.
        self._kept_gate = threading.RLock()
        self.engine: Engine | None = None
        self._write_engine: Engine | None = None
        self._sessions = sessionmaker(expire_on_commit=False)
        self._open_engine()
        #: Set when opening ran a schema upgrade: the path of the copy taken first.
        self.upgrade_backup: Path | None = None
        #: What opening or creating did to finish or clear a half-made store (None: nothing).
        self.recovery_note: str | None = None
        #: What the last passphrase change did to the copies in backups/ (None: none yet).
        self.last_kept_rekey: KeptCopiesResult | None = None
        self._watch_erasures()

    def _watch_erasures(self) -> None:
        """Note every client deleted through this store's sessions (repository.delete_client,
        from the window or anywhere else) as an erasure the kept copies still owe, in the
        same transaction as the deletion: see `erase_from_kept_copies`."""
        from desktop.store.models import Client, Setting

        @event.listens_for(self._sessions, "before_flush")
        def _note_erasures(session, _context, _instances):  # noqa: ANN001 - event signature
            for obj in list(session.deleted):
                if not isinstance(obj, Client) or obj.created_at is None:
                    continue
                key = f"{PENDING_ERASURE_PREFIX}{obj.id}"
                stamp = obj.created_at.isoformat()
                with session.no_autoflush:
                    row = session.get(Setting, key)
                if row is None:
                    session.add(Setting(key=key, value=json.dumps([stamp])))
                else:
                    stamps = _stamps(row.value)
                    if stamp not in stamps:
                        row.value = json.dumps(stamps + [stamp])

    # ---- connections ---------------------------------------------------------------------------
    def _open_engine(self) -> None:
        engine = _engine(
            self._connect,
            QueuePool,
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
            pool_timeout=POOL_TIMEOUT_S,
        )
        event.listen(engine, "connect", self._on_connect)
        event.listen(engine, "checkin", self._on_checkin)
        event.listen(engine, "before_cursor_execute", self._on_execute)
        self.engine = engine
        self._write_engine = engine.execution_options(**{WRITE_OPTION: True})
        self._sessions.configure(bind=engine)

    def _drop_engine(self) -> None:
        """Close every idle connection now; one still lent to a thread is closed when that
        thread gives it back (`_on_checkin`), and can run no statement after a lock."""
        engine, self.engine, self._write_engine = self.engine, None, None
        self._generation += 1
        if engine is not None:
            engine.dispose()

    def _connect(self) -> sqlcipher.Connection:
        """The pool's creator: a keyed connection to store.db, if the store is unlocked and
        store.db is still the file this process opened."""
        key, generation = self._key, self._generation
        if key is None:
            raise StoreLocked()
        self._check_not_replaced()
        try:
            conn = _connect_raw(self.db_path, key)
        except WrongPassphrase:
            if self._key is None:  # locked (and the key zeroed) while connecting
                raise StoreLocked() from None
            self._check_not_replaced()
            raise
        if _file_identity(self.db_path) != self._identity:  # replaced while connecting
            conn.close()
            self._check_not_replaced()
        self._made.generation = generation
        return conn

    def _on_connect(self, _dbapi_connection, record) -> None:  # noqa: ANN001 - pool event
        record.info["generation"] = getattr(self._made, "generation", self._generation)

    def _on_checkin(self, dbapi_connection, record) -> None:  # noqa: ANN001 - pool event
        stale = record.info.get("generation") != self._generation
        if dbapi_connection is not None and (stale or self._key is None):
            record.close()  # lent before a lock or a swap: closed, not kept

    def _on_execute(self, *_args) -> None:  # noqa: ANN002 - SQLAlchemy event signature
        if self._key is None:
            raise StoreLocked()

    def _check_not_replaced(self) -> None:
        """Refuse (for good) once store.db is not the file this process opened. One stat."""
        if self._replaced or _file_identity(self.db_path) != self._identity:
            self._replaced = True
            raise StoreReplaced()

    def network_drive_warning(self) -> str | None:
        """A sentence for the window when the data folder is on a network drive (None when it
        is not, or it cannot be told): see desktop.store.network_drive."""
        return network_drive_warning(self.folder)

    @property
    def replaced(self) -> bool:
        """True once a write found that store.db had been replaced by another program."""
        return self._replaced

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
            store._settle_kept_params()
            if store._finish_empty():
                note = "Creating this store had been interrupted; it was finished."
            store._check_application_id()
            store._migrate_if_needed()
            sync_capture.ensure_triggers(store.engine)  # issue 21: capture triggers current
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
        with self._kept_gate:
            private_dir(self.backups_dir)
            kept = backups.new_kept_path(self.backups_dir, label, dt.datetime.now())
            shutil.copy2(self.header_path, backups.params_of(kept))
            partial = kept.with_name(kept.name + backups.PARTIAL_SUFFIX)
            _export_copy(self.engine, partial, self._key)
            os.replace(partial, kept)
            backups.prune(self.backups_dir, self._kept_copies_limit(), newest=kept)
            return kept

    def _settle_kept_params(self) -> None:
        """A kill between re-encrypting a kept copy and writing its key parameters (see
        `_rekey_copy`) leaves a copy the store's key opens but whose own parameters say
        otherwise, so the passphrase alone would not open it: set them right. A copy the
        store's key does not open (not yet re-encrypted, or older) is left as it is."""
        with self._kept_gate:
            for copy in self.kept_copies():
                params_file = backups.params_of(copy)
                try:
                    held = read_header(params_file, label=f"{copy.name}'s key parameters")
                except StoreError:
                    held = None
                if held is not None and held.salt_hex == self.params.salt_hex:
                    continue
                with contextlib.suppress(StoreError, OSError):
                    _open_copy_with(copy, params_file, self._key, self.params)

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
        with the store's passphrase (a passphrase change re-encrypts them) and hold the clients
        the store held then, less those erased since (`erase_from_kept_copies`)."""
        return backups.list_kept(self.backups_dir)

    def delete_kept_copies(self) -> int:
        """Delete every copy in backups/; returns how many were deleted."""
        with self._kept_gate:
            count = backups.delete_all_kept(self.backups_dir)
        if self.upgrade_backup is not None and not self.upgrade_backup.exists():
            self.upgrade_backup = None
        return count

    def prune_kept_copies(self) -> list[Path]:
        """Apply the `kept_copies` setting now (after it was lowered): the oldest copies go."""
        if self.engine is None:
            raise StoreLocked()
        with self._kept_gate:
            return backups.prune(self.backups_dir, self._kept_copies_limit())

    def pending_kept_erasures(self) -> dict[int, list[str]]:
        """Clients erased from the store and not yet from every kept copy: {client id: the
        created_at stamps of the clients erased under that id}. Normally empty; after a crash
        or a lock in the middle of `erase_from_kept_copies`, the window runs it again."""
        with self.read_session() as session:
            rows = session.execute(
                text("SELECT key, value FROM settings WHERE key LIKE :prefix"),
                {"prefix": PENDING_ERASURE_PREFIX + "%"},
            ).all()
        pending: dict[int, list[str]] = {}
        for key, value in rows:
            suffix = key[len(PENDING_ERASURE_PREFIX) :]
            if suffix.isdigit():
                pending[int(suffix)] = _stamps(value)
        return pending

    def erase_from_kept_copies(
        self,
        client_id: int | None = None,
        progress: Progress = _quiet,
        adviser: str = "Drop-in Desk",
    ) -> KeptCopiesResult:
        """Take erased clients out of every copy in backups/ (issue 15 point 4).

        Which clients: `client_id`, or (None) every erasure still owed
        (`pending_kept_erasures`: every client deleted through this store is noted there in
        the deletion's own transaction). A client is matched in a copy by id and created_at,
        so another client given the same id later is never touched; a `client_id` with no
        note (deleted by an older version) is matched by id alone.

        Each copy is opened with the store's key (a passphrase change re-encrypts the copies,
        so they share it) and the client deleted through repository.delete_client, as in the
        live store (a copy of an older schema: SQL deletes, with the same foreign-key
        cascades); then VACUUM, so no freed page holds the client (secure_delete is on too).
        A copy that cannot be opened or rewritten is deleted. When every copy is done the
        notes are cleared. Runs off the window thread (seconds for large stores); the
        store's own writes are not held up. Backup files made with backup_to (a USB stick)
        are out of reach."""
        with self._kept_gate:
            pending = self.pending_kept_erasures()
            if client_id is not None:
                pending = {client_id: pending.get(client_id, [])}
            copies = self.kept_copies()
            if not pending:
                return KeptCopiesResult(untouched=len(copies))
            key = self._key_copy()
            try:
                counts = {"rewritten": 0, "untouched": 0, "deleted": 0}
                failed: list[str] = []
                for number, copy in enumerate(copies):
                    if self._key is None:
                        raise StoreLocked()  # the notes stay: the next unlock finishes
                    progress(5 + 90 * number // max(1, len(copies)), "Updating kept copies")
                    try:
                        changed = _erase_in_copy(copy, self.params, key, pending, adviser)
                        counts["rewritten" if changed else "untouched"] += 1
                    except Exception:  # noqa: BLE001 - any failure: the copy goes instead
                        if _delete_copy(copy):
                            counts["deleted"] += 1
                        else:
                            failed.append(copy.name)
            finally:
                key[:] = bytes(len(key))
        # Outside the kept copies' gate: a restore holds the write gate, then takes that one.
        if not failed:
            with self.session() as session:
                for erased in pending:
                    session.execute(
                        text("DELETE FROM settings WHERE key = :key"),
                        {"key": f"{PENDING_ERASURE_PREFIX}{erased}"},
                    )
        progress(100, "Kept copies updated")
        return KeptCopiesResult(failed=tuple(failed), **counts)

    def _key_copy(self) -> bytearray:
        """A copy of the key for long work on the kept copies (zeroed by the caller)."""
        key = self._key
        if key is None:
            raise StoreLocked()
        return bytearray(key)

    def _rekey_kept_copies(
        self,
        old_params: KdfParams,
        old_key: bytearray,
        new_params: KdfParams,
        new_key: bytes,
        progress: Progress,
    ) -> KeptCopiesResult:
        """After a passphrase change: re-encrypt every kept copy under the new key (exported
        to `<copy>.partial`, renamed over the copy, then its key parameters replaced), so no
        copy still opens with the old passphrase. A copy the old key does not open (made
        under an even older passphrase, or damaged) is deleted."""
        with self._kept_gate:
            copies = self.kept_copies()
            counts = {"rewritten": 0, "untouched": 0, "deleted": 0}
            failed: list[str] = []
            for number, copy in enumerate(copies):
                progress(85 + 10 * number // max(1, len(copies)), "Re-encrypting kept copies")
                try:
                    done = _rekey_copy(copy, old_params, old_key, new_params, new_key)
                    counts["rewritten" if done else "untouched"] += 1
                except Exception:  # noqa: BLE001 - a copy left under the old passphrase: deleted
                    if _delete_copy(copy):
                        counts["deleted"] += 1
                    else:
                        failed.append(copy.name)
            return KeptCopiesResult(failed=tuple(failed), **counts)

    def _swap_in(self, new_db: Path, params: KdfParams, key: bytes) -> None:
        """Replace the database with `new_db` (encrypted under `key`) and its key parameters.
        Call with the write gate held (no write may land in the file being replaced).

        The pending header is written first and renamed last; `_unlock_files` finishes the
        job if the app dies in between."""
        write_header(self.folder / (HEADER_NAME + ".new"), params)
        self._drop_engine()
        for suffix in ("-wal", "-shm"):  # the old file's journal must never meet the new one
            (self.folder / (DB_NAME + suffix)).unlink(missing_ok=True)
        make_private(new_db)
        os.replace(new_db, self.db_path)
        os.replace(self.folder / (HEADER_NAME + ".new"), self.header_path)
        old_key = self._key
        self.params, self._key = params, bytearray(key)
        if old_key is not None:
            old_key[:] = bytes(len(old_key))
        self._identity = _file_identity(self.db_path)
        self._open_engine()

    # ---- sessions ----------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed whole on success, rolled back whole on any error.

        Writes take turns (one at a time in this process, `BEGIN IMMEDIATE` against any
        other connection), and each first checks that store.db is still the file this process
        opened (StoreReplaced otherwise). A write that waited more than WRITE_WAIT_S for its
        turn gets StoreBusy; a lock while it runs, StoreLocked. Nothing is half-written."""
        if self.engine is None:
            raise StoreLocked()
        if not self._write_gate.acquire(timeout=WRITE_WAIT_S):
            raise StoreBusy()
        try:
            engine = self._write_engine  # after the wait: a swap may have made a new one
            if engine is None:
                raise StoreLocked()
            self._check_not_replaced()
            with self._sessions(bind=engine) as session, session.begin():
                yield session
        except PoolTimeout:
            raise StoreBusy() from None
        except OperationalError as exc:
            if "locked" in str(exc.orig) or "busy" in str(exc.orig):
                raise StoreBusy() from None
            raise
        finally:
            self._write_gate.release()

    @contextmanager
    def _writes_held(self) -> Iterator[None]:
        """Hold every write in this process back (a passphrase change or restore copying and
        swapping the file); StoreBusy when a write does not finish within WRITE_WAIT_S."""
        if not self._write_gate.acquire(timeout=WRITE_WAIT_S):
            raise StoreBusy()
        try:
            if self.engine is None:
                raise StoreLocked()
            self._check_not_replaced()
            yield
        finally:
            self._write_gate.release()

    def read_session(self) -> Session:
        """A session for reading (use it as a context manager, so its connection goes back to
        the pool). Reads do not wait for writes (WAL)."""
        if self.engine is None:
            raise StoreLocked()
        return self._sessions(bind=self.engine)

    # ---- lock / unlock -----------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self.engine is None

    def lock(self) -> None:
        """Close every connection and forget the key; `unlock` re-derives it.

        The key bytearray is zeroed and dropped, and the pool thrown away: idle connections
        close now, one lent to another thread runs no further statement (StoreLocked) and is
        closed when given back. SQLCipher wipes its own copy of the key when a connection
        closes (cipher_memory_security). What Python cannot wipe: the immutable bytes and str
        copies made on the way (the key as Argon2 returned it, its hex form in the PRAGMA, the
        passphrase typed) stay in freed memory until reused."""
        key, self._key = self._key, None  # first: no new connection can be keyed
        self._drop_engine()
        if key is not None:
            key[:] = bytes(len(key))

    def unlock(self, passphrase: str) -> None:
        if self._identity != _file_identity(self.db_path):
            self._replaced = True
            raise StoreReplaced()
        found = _try_keys(self.db_path, self.params, passphrase)
        if found is None:
            raise WrongPassphrase()
        if found == "unreadable":
            raise _damaged(
                self.db_path,
                "the passphrase is right, but the first page of the database cannot be read",
            )
        key, typed_form = found
        self._drop_engine()  # unlocking an unlocked store: the old pool and key go first
        old_key, self._key = self._key, bytearray(key)
        if old_key is not None:
            old_key[:] = bytes(len(old_key))
        self._open_engine()
        self._after_unlock(passphrase, typed_form)

    def check_passphrase(self, passphrase: str) -> bool:
        if self._key is None:
            return False
        return hmac.compare_digest(derive_key(passphrase, self.params), self._key)

    def close(self) -> None:
        self.lock()
        self._lock.release()

    # ---- passphrase change -------------------------------------------------------------------
    def change_passphrase(
        self, old: str, new: str, progress: Progress = _quiet
    ) -> KeptCopiesResult:
        """Re-encrypt under a new passphrase and a new salt, and the copies in backups/ with it.

        The database is exported to a new file under the new key; only when that copy is
        complete and synced are the files swapped, so an interruption leaves a working store.
        Returns (and keeps in `last_kept_rekey`) what was done to the kept copies.
        """
        if not self.check_passphrase(old):
            raise WrongPassphrase("The current passphrase is not right.")
        problem = policy_problem(new)
        if problem:
            raise StoreError(problem)
        return self._rekey(new, progress)

    def _rekey(self, new: str, progress: Progress = _quiet) -> KeptCopiesResult:
        """Re-encrypt under `new` (NFC-normalised by derive_key), a new salt and key check;
        then the copies in backups/ (`last_kept_rekey` says what was done to them)."""
        progress(5, "Deriving the new key")
        new_params = self.params.with_new_salt()
        new_key = derive_key(new, new_params)
        new_params = new_params.with_key_check(new_key)
        staging = self.folder / (DB_NAME + ".rekey")
        old_params, old_key = self.params, self._key_copy()
        try:
            with self._writes_held():  # no write may land in the file being copied and replaced
                progress(30, "Re-encrypting the store")
                _export_copy(self.engine, staging, new_key)
                _connect_raw(staging, new_key).close()
                progress(80, "Swapping in the re-encrypted store")
                self._swap_in(staging, new_params, new_key)
            result = self._rekey_kept_copies(old_params, old_key, new_params, new_key, progress)
        finally:
            old_key[:] = bytes(len(old_key))
        self.last_kept_rekey = result
        progress(100, "Passphrase changed")
        return result

    # ---- backup and restore ------------------------------------------------------------------
    def backup_to(self, target: Path | str, progress: Progress = _quiet) -> Path:
        """Write an encrypted backup (the database under the current key, plus the key
        parameters) to `target`. The same passphrase opens it."""
        if self.engine is None:
            raise StoreLocked()
        target = Path(target)
        if target.suffix != BACKUP_SUFFIX:
            target = target.with_name(target.name + BACKUP_SUFFIX)
        try:  # never rename a backup over a device, pipe or folder named *.ddbackup
            target = writable_target(target, "a file name ending in .ddbackup")
        except WriteProblem as exc:
            raise StoreError(f"The backup was not written: {exc}.") from None
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

        Nothing is replaced until the backup has been checked whole (`_unpack_backup`: its
        members, their sizes, the manifest), unpacked, unlocked and passed SQLite's
        integrity and foreign-key checks; the store being replaced is kept in backups/ first.
        """
        backup = Path(backup)
        name = shown_name(backup)
        progress(5, "Checking the backup file")
        staging_db = self.folder / "restore.db.tmp"
        staging_header = self.folder / "restore.params.tmp"
        try:
            manifest = _unpack_backup(backup, staging_db, staging_header, self._room_for_restore())
            _refuse_unknown_revision(manifest.get("schema_revision"))
            params = read_header(staging_header, label="the backup's store.params.json")
            problem = _page1_problem(staging_db)
            if problem:
                raise BackupInvalid(f"{name} is damaged (its database: {problem}).")
            progress(25, "Checking the passphrase")
            key = derive_key(passphrase, params)
            try:
                conn = _connect_raw(staging_db, key)
            except WrongPassphrase:
                raise WrongPassphrase("That passphrase does not open this backup.") from None
            except StoreDamaged:
                raise BackupInvalid(f"{name} is damaged: its database cannot be read.") from None
            progress(30, "Checking the backup's records")
            try:
                _check_restored_db(conn, name)
                revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            except sqlcipher.DatabaseError:
                raise BackupInvalid(
                    f"{name} is damaged: its database cannot be read whole. Nothing was replaced."
                ) from None
            finally:
                conn.close()
            if revision is None:
                raise BackupInvalid(f"{name} is damaged or is not a Drop-in Desk store.")
            # The manifest may say anything: the database's own revision decides.
            _refuse_unknown_revision(revision[0], missing_ok=False)
            with self._writes_held():  # no write may land in the store being replaced
                progress(50, "Keeping a copy of the current store")
                self._keep_copy("before-restore")
                progress(70, "Replacing the store")
                self._swap_in(staging_db, params, key)
                progress(85, "Bringing the schema up to date")
                self._migrate_if_needed()
                sync_capture.ensure_triggers(self.engine)  # issue 21: capture triggers current
            progress(100, "Restored")
        finally:
            for leftover in (staging_db, staging_header):
                if leftover.exists():
                    leftover.unlink()

    def _room_for_restore(self) -> int:
        """Bytes a restored database may take: the free space in the data folder, less the
        copy of the current store taken first and a margin."""
        try:
            free = shutil.disk_usage(self.folder).free
            current = self.db_path.stat().st_size
        except OSError:
            return MAX_RESTORE_DB_BYTES
        return max(0, free - current - RESTORE_SPACE_MARGIN)


# ---- kept copies: erasure and re-keying ------------------------------------------------------
def _stamps(value: str | None) -> list[str]:
    try:
        stamps = json.loads(value or "[]")
    except ValueError:
        return []
    return [s for s in stamps if isinstance(s, str)] if isinstance(stamps, list) else []


def _open_copy_with(copy: Path, params_file: Path, key: bytearray, params: KdfParams) -> None:
    """Check that `key` opens a kept copy (StoreError when it does not: made under another
    passphrase, or damaged). Key parameters that do not match the key that opens it (left so
    by a kill in the middle of re-keying, see `_rekey_copy`) are set right to `params`."""
    try:
        _connect_raw(copy, key).close()
    except StoreError:
        raise StoreError(f"{copy.name} cannot be opened with the store's key.") from None
    try:
        held = read_header(params_file, label=f"{copy.name}'s key parameters")
    except StoreError:
        held = None
    if held is None or held.salt_hex != params.salt_hex:
        write_header(params_file, params)


def _erase_in_copy(
    copy: Path,
    store_params: KdfParams,
    key: bytearray,
    pending: dict[int, list[str]],
    adviser: str,
) -> bool:
    """Delete the pending clients from one kept copy; True when it held any of them."""
    from sqlalchemy import select

    from desktop.store import repository
    from desktop.store.models import Client

    _open_copy_with(copy, backups.params_of(copy), key, store_params)
    engine = _make_engine(copy, key)
    try:
        head = current_revision(engine) == head_revision()
        with engine.connect() as conn:
            present = {
                cid
                for cid, stamps in pending.items()
                if _holds(conn.execute(select(Client.created_at).where(Client.id == cid)), stamps)
            }
        if not present:
            return False
        if head:
            with Session(engine) as session, session.begin():
                for cid in present:
                    repository.delete_client(session, cid, adviser)
        else:  # an older schema: the same deletion, by the foreign keys' ON DELETE CASCADE
            with engine.begin() as conn:
                has_settings = conn.exec_driver_sql(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'settings'"
                ).scalar()
                for cid in present:
                    conn.exec_driver_sql("DELETE FROM clients WHERE id = ?", (cid,))
                    if has_settings:  # the client's drafts (desktop.store.drafts), old and new
                        conn.exec_driver_sql(
                            "DELETE FROM settings WHERE key = ? OR key LIKE ?",
                            (f"{repository.DETAILS_DRAFT_PREFIX}{cid}", f"draft.{cid}.%"),
                        )
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            raw.execute("VACUUM")  # freed pages go; the file is rebuilt without them
            left = raw.execute(
                f"SELECT count(*) FROM clients WHERE id IN ({','.join('?' * len(present))})",
                tuple(present),
            ).fetchone()[0]
            if left or raw.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise StoreError(f"{copy.name} could not be rewritten.")
    finally:
        engine.dispose()
    _fsync_file(copy)
    return True


def _holds(rows, stamps: list[str]) -> bool:  # noqa: ANN001 - a SQLAlchemy result
    """The copy's row for this id is the erased client (any of `stamps`; no stamps: any)."""
    row = rows.first()
    if row is None:
        return False
    if not stamps:
        return True
    created = row[0]
    return created is not None and created.isoformat() in stamps


def _rekey_copy(
    copy: Path,
    old_params: KdfParams,
    old_key: bytearray,
    new_params: KdfParams,
    new_key: bytes,
) -> bool:
    """Re-encrypt one kept copy under `new_key`; False when it already was."""
    params_file = backups.params_of(copy)
    try:
        params = read_header(params_file, label=f"{copy.name}'s key parameters")
    except StoreError:
        params = None
    if params is not None and params.salt_hex == new_params.salt_hex:
        return False
    key = old_key
    _open_copy_with(copy, params_file, key, old_params)
    partial = copy.with_name(copy.name + backups.PARTIAL_SUFFIX)
    engine = _make_engine(copy, key)
    try:
        _export_copy(engine, partial, new_key)
    finally:
        engine.dispose()
    try:
        _connect_raw(partial, new_key).close()
        for suffix in ("-wal", "-shm"):  # the old file's journal must never meet the new one
            copy.with_name(copy.name + suffix).unlink(missing_ok=True)
        os.replace(partial, copy)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    # A kill here leaves the copy under the new key with the old parameters: it opens with the
    # store's key all the same, and the next open of the store (Store._settle_kept_params), the
    # next erasure or the next re-keying sets them right (_open_copy_with).
    write_header(params_file, new_params)
    return True


def _delete_copy(copy: Path) -> bool:
    try:
        backups.delete_kept(copy)
    except OSError:
        return False
    return True


# ---- checking a backup before anything is replaced ---------------------------------------------
#: What a backup file holds, and nothing else: backup_to writes exactly these three members.
BACKUP_MEMBERS = ("manifest.json", HEADER_NAME, DB_NAME)
#: The manifest and the key parameters are a few hundred bytes.
MANIFEST_LIMIT = 64 * 1024
BACKUP_HEADER_LIMIT = 64 * 1024
#: A store of tens of thousands of clients with years of bank statements is a few hundred MB.
MAX_RESTORE_DB_BYTES = 8 * 1024**3
#: backup_to stores members uncompressed, and an encrypted database does not compress: a member
#: more than this many times its compressed size is an archive bomb.
MAX_COMPRESSION_RATIO = 20
#: Members smaller than this are not held to the ratio (a JSON manifest compresses well).
RATIO_FREE_BYTES = 1024 * 1024
#: Space left free on the disk after a restore.
RESTORE_SPACE_MARGIN = 64 * 1024 * 1024
_ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def _megabytes(count: int) -> str:
    return f"{count / 1024**2:,.0f} MB" if count >= 1024**2 else f"{max(1, count // 1024)} KB"


def _unpack_backup(backup: Path, staging_db: Path, staging_header: Path, room: int) -> dict:
    """Check a backup file's shape before reading any of it whole, then unpack the database
    and the key parameters to the staging names; returns the manifest.

    Refused (BackupInvalid, naming the file and what is wrong; nothing is written but the
    staging files, which the caller removes): not a regular file; not a zip; any member but
    the three backup_to writes, a name twice, a folder, a path; an encrypted member or an
    unknown compression; a manifest or key parameters over 64 KB; a database bigger than
    MAX_RESTORE_DB_BYTES or than the free disk space; a member that inflates more than
    MAX_COMPRESSION_RATIO times (an archive bomb); a member that holds more than its header
    declares (read with a limit, so a lying header does not help); a manifest that is not a
    JSON object of the expected fields."""
    name = shown_name(backup)
    not_backup = f"{name} is not a Drop-in Desk backup, or it is damaged."
    try:
        fd = open_regular(backup, "backup file")
    except FileReadProblem as exc:
        raise BackupInvalid(f"{exc}.") from None
    try:
        with os.fdopen(fd, "rb") as fh, zipfile.ZipFile(fh) as zf:
            members = zf.infolist()
            names = [m.filename for m in members]
            unexpected = [n for n in names if n not in BACKUP_MEMBERS]
            if unexpected or len(names) != len(set(names)):
                raise BackupInvalid(
                    f"{name} is not a Drop-in Desk backup: it holds files a backup does not "
                    "(a backup holds manifest.json, store.params.json and store.db only)."
                )
            if sorted(names) != sorted(BACKUP_MEMBERS):
                raise BackupInvalid(f"{name} is not a Drop-in Desk backup: a part is missing.")
            info = {m.filename: m for m in members}
            for member in members:
                _check_member(name, member)
            limits = {"manifest.json": MANIFEST_LIMIT, HEADER_NAME: BACKUP_HEADER_LIMIT}
            for member_name, limit in limits.items():
                if info[member_name].file_size > limit:
                    raise BackupInvalid(
                        f"{name} is not a Drop-in Desk backup: its {member_name} is "
                        f"{_megabytes(info[member_name].file_size)}, more than the "
                        f"{_megabytes(limit)} it can be."
                    )
            size = info[DB_NAME].file_size
            if size > MAX_RESTORE_DB_BYTES:
                raise BackupInvalid(
                    f"{name} is not a Drop-in Desk backup: its database is {_megabytes(size)}, "
                    f"more than the {_megabytes(MAX_RESTORE_DB_BYTES)} a store can be."
                )
            if size > room:
                raise BackupInvalid(
                    f"There is not enough free disk space to restore {name}: its database is "
                    f"{_megabytes(size)}. Free some space and try again. Nothing was replaced."
                )
            manifest = _parse_manifest(name, _read_member(zf, info["manifest.json"], name))
            header = _read_member(zf, info[HEADER_NAME], name)
            with open_private(staging_db, "wb") as dst:
                _read_member(zf, info[DB_NAME], name, into=dst)
            with open_private(staging_header, "wb") as dst:
                dst.write(header)
    except BackupInvalid:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise BackupInvalid(not_backup) from None
    return manifest


def _check_member(name: str, member: zipfile.ZipInfo) -> None:
    if member.is_dir() or member.flag_bits & 0x1 or member.compress_type not in _ZIP_METHODS:
        raise BackupInvalid(
            f"{name} is not a Drop-in Desk backup: {member.filename} is stored in a way "
            "backups never are (encrypted, a folder, or an unknown compression)."
        )
    if member.file_size > RATIO_FREE_BYTES and member.file_size > MAX_COMPRESSION_RATIO * max(
        1, member.compress_size
    ):
        raise BackupInvalid(
            f"{name} is not a Drop-in Desk backup: {member.filename} would unpack to "
            f"{_megabytes(member.file_size)} from {_megabytes(member.compress_size)} "
            "(an archive bomb). It was not unpacked."
        )


def _read_member(zf: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, into=None) -> bytes:  # noqa: ANN001
    """A member's bytes (or written to `into`), never more than its declared size: one byte
    more and it is refused, whatever the archive's headers say."""
    chunks: list[bytes] = []
    total = 0
    with zf.open(member) as src:
        while True:
            chunk = src.read(min(1 << 20, member.file_size + 1 - total))
            if not chunk:
                break
            total += len(chunk)
            if total > member.file_size:
                raise BackupInvalid(
                    f"{name} is damaged: {member.filename} holds more than its header says. "
                    "It was not unpacked."
                )
            if into is None:
                chunks.append(chunk)
            else:
                into.write(chunk)
    if total != member.file_size:
        raise BackupInvalid(f"{name} is damaged: {member.filename} is cut short.")
    return b"".join(chunks)


def _parse_manifest(name: str, data: bytes) -> dict:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BackupInvalid(f"{name} is damaged: its manifest.json is not JSON.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        raise BackupInvalid(f"{name} is not a Drop-in Desk backup.")
    for field in ("created", "app_version"):
        if field in manifest and not isinstance(manifest[field], str):
            raise BackupInvalid(f"{name} is damaged: its manifest's {field} is not text.")
    return manifest


def _check_restored_db(conn: sqlcipher.Connection, name: str) -> None:
    """The unpacked database is a Drop-in Desk store and whole: its application id, SQLite's
    full integrity check (every page, every index entry: quick_check skips the indexes) and
    no row pointing at a row that is not there."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id != APPLICATION_ID:
        raise BackupInvalid(f"{name} is damaged or is not a Drop-in Desk store.")
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    if rows != [("ok",)]:
        raise BackupInvalid(
            f"{name} is damaged: its database fails SQLite's integrity check "
            f"({_plural(len(rows), 'problem')}). Nothing was replaced."
        )
    orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
    if orphans:
        raise BackupInvalid(
            f"{name} is damaged: {_plural(len(orphans), 'record')} in its database "
            "point at records that are not there. Nothing was replaced."
        )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _refuse_unknown_revision(revision: object, missing_ok: bool = True) -> None:
    """Refuse a backup whose schema revision this version has no migration for (a newer
    version made it): swapping it in would leave a store that no version here can open."""
    if revision is None and missing_ok:
        return  # a manifest without one: the database's revision is checked after unlocking
    if not isinstance(revision, str) or revision not in known_revisions():
        raise BackupFromNewerVersion(revision, head_revision())
