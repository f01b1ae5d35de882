"""Encrypted case files (issue 25): created, opened, refused, copied, merged, converted and crashed, on real files;
the command line in subprocesses. The UI's dialogs are in tests/test_encryption_ui.py."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlcipher3

from workbench.core.exporters import export, plain_output_note
from workbench.core.merge import run_merge
from workbench.core.store import (
    SQLITE_MAGIC,
    CaseError,
    CaseRefused,
    PasswordNeeded,
    WrongPassword,
    check_case,
    cipher,
    create_case,
    open_case,
)
from workbench.core.store.encryption import change_password, decrypt_case, encrypt_case

PASSWORD = "correct horse — конь"
MARKER = "ZQXMARKERzqx-Кириллица"
CLI = [sys.executable, "-m", "workbench.cli"]


def marker_forms(text: str = MARKER) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]


def holds_marker(data: bytes, text: str = MARKER) -> bool:
    # the ASCII head of the marker as well: a page would show it even if the Cyrillic tail were split
    return any(form in data for form in marker_forms(text) + marker_forms(text[:12]))


def fill(case, text: str = MARKER) -> None:
    with case.transaction():
        actor = case.insert("actors", {"name": f"Actor {text}", "kind": "person", "description": text})
        event = case.insert("events", {"title": f"Event {text}", "start": "2020-08-15T10:00:00Z", "summary": text})
        case.link("event_actors", {"event_id": event, "actor_id": actor, "role": "participant"})
        case.insert("sources", {"url": "https://example.org/a", "title": f"Source {text}",
                                "archived_text": f"Archived {text}"})
        case.insert("notes", {"text": f"Note {text}"})


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An encrypted case holding the marker in every kind of text, closed."""
    path = tmp_path_factory.mktemp("encrypted") / "secret.case"
    with create_case(path, f"Title {MARKER}", key=PASSWORD) as case:
        fill(case)
    cipher.forget_password(path)
    return path


@pytest.fixture
def encrypted(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "secret.case"
    shutil.copy(template, path)
    return path


def files_beside(path: Path) -> list[Path]:
    return [p for p in path.parent.iterdir() if p.is_file()]


# -- creating and opening ------------------------------------------------------------------------------------------

def test_an_encrypted_case_has_no_header_and_no_plaintext_while_written_and_after(tmp_path: Path,
                                                                                   monkeypatch: pytest.MonkeyPatch):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr("tempfile.tempdir", None)
    path = tmp_path / "case" / "new.case"
    with create_case(path, f"Title {MARKER}", key=PASSWORD) as case:
        fill(case)
        fill(case, MARKER + " again")
        case.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        fill(case)  # some pages only in the WAL
        open_files = files_beside(path)
        assert {p.name for p in open_files} >= {"new.case", "new.case-wal"}
        for file in open_files:  # the case, its -wal and -shm while it is open
            assert not holds_marker(file.read_bytes()), file.name
        assert case.search(MARKER[:9])
    data = path.read_bytes()
    assert not data.startswith(SQLITE_MAGIC)
    assert not holds_marker(data)
    assert [p.name for p in files_beside(path)] == ["new.case"]
    for file in temporary.rglob("*"):  # nothing written to temporary files either
        assert not file.is_file() or not holds_marker(file.read_bytes()), file
    # readable with its key, by SQLCipher itself
    conn = sqlcipher3.connect(str(path))
    conn.execute(f"PRAGMA key = '{PASSWORD}'")
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 3
    conn.close()


def test_the_marker_test_would_see_plaintext(tmp_path: Path) -> None:
    """The check above can fail: a plain case shows the marker in UTF-8, and UTF-16 text is found too."""
    with create_case(tmp_path / "plain.case", "Plain") as case:
        fill(case)
    assert holds_marker((tmp_path / "plain.case").read_bytes())
    assert holds_marker(b"xx" + MARKER.encode("utf-16-le") + b"yy")


def test_opening_needs_the_password_and_a_wrong_one_is_one_sentence_without_noise(encrypted: Path, capfd) -> None:
    with pytest.raises(PasswordNeeded) as needed:
        open_case(encrypted)
    assert str(needed.value) == "Cannot open secret.case: it is encrypted, so it opens only with its password."
    for wrong in ("wrong", PASSWORD.upper(), PASSWORD + " "):
        with pytest.raises(WrongPassword) as refused:
            open_case(encrypted, key=wrong)
        message = str(refused.value)
        assert message.startswith("Cannot open secret.case: the password is not right") and message.endswith(".")
        assert ". " not in message and "\n" not in message
        with pytest.raises(WrongPassword):
            cipher.unlock(encrypted, wrong)
    out, err = capfd.readouterr()
    assert out == "" and err == "", "SQLCipher's log stays silent"
    assert cipher.password_for(encrypted) is None, "a wrong password is not remembered"
    cipher.unlock(encrypted, PASSWORD)  # another try
    with open_case(encrypted) as case:
        assert case.encrypted and case.counts()["events"] == 1
        assert PASSWORD not in repr(case)


def test_a_password_given_for_a_plain_case_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "plain.case"
    create_case(path, "Plain").close()
    with open_case(path, key="anything") as case:
        assert not case.encrypted
        case.insert("notes", {"text": "still plain"})
    assert path.read_bytes().startswith(SQLITE_MAGIC)


def test_files_that_are_no_case_are_refused_as_before(tmp_path: Path) -> None:
    zeros = tmp_path / "zeros.case"
    zeros.write_bytes(bytes(8192))
    text = tmp_path / "notes.case"
    text.write_text("not a case\n" * 1000)
    noise = tmp_path / "noise.bin"
    noise.write_bytes(random.Random(1).randbytes(8192))
    odd = tmp_path / "odd.case"
    odd.write_bytes(random.Random(2).randbytes(5000))  # not a whole number of pages
    for path in (zeros, text, noise, odd):
        with pytest.raises(CaseRefused, match="not a case file") as refused:
            open_case(path)
        assert not isinstance(refused.value, PasswordNeeded)
    # random bytes named as a case are tried with a password, and refused in one sentence
    named = tmp_path / "random.case"
    named.write_bytes(random.Random(3).randbytes(8192))
    with pytest.raises(PasswordNeeded):
        open_case(named)
    with pytest.raises(WrongPassword):
        open_case(named, key="x")


def test_hostile_file_checks_run_after_the_key(encrypted: Path) -> None:
    """A planted table, found only once the file is decrypted: refused as a plain case would be."""
    conn = sqlcipher3.connect(str(encrypted), isolation_level=None)
    conn.set_key(PASSWORD)
    conn.execute("CREATE TABLE planted (x)")
    conn.execute("CREATE TRIGGER sneaky AFTER INSERT ON events BEGIN DELETE FROM actors; END")
    conn.close()
    before = encrypted.read_bytes()
    with pytest.raises(CaseRefused, match="that Case Workbench does not create"):
        open_case(encrypted, key=PASSWORD)
    assert encrypted.read_bytes() == before


def test_an_unchanged_encrypted_case_is_known_by_its_bytes_and_any_changed_byte_is_checked_whole(
        encrypted: Path) -> None:
    """Opening an encrypted case this computer found sound skips the checks that decrypt every page only while its
    bytes are those it checked (store.verified): a byte changed behind the same size and times is checked whole,
    and refused."""
    from workbench.core.store import verified

    assert not verified.known_sound(verified.content_digest(encrypted))
    open_case(encrypted, key=PASSWORD).close()
    assert verified.known_sound(verified.content_digest(encrypted)), "a file that passed is known by its bytes"
    open_case(encrypted, key=PASSWORD).close()  # opens as before
    with open_case(encrypted, key=PASSWORD, read_only=True) as case:  # the events table's page: no cheap check reads it
        (page,) = case.conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'events'").fetchone()
    at = (page - 1) * cipher.CIPHER_PAGE_SIZE + 100  # inside its ciphertext
    stat = encrypted.stat()
    data = bytearray(encrypted.read_bytes())
    data[at] ^= 0x01
    encrypted.write_bytes(bytes(data))
    os.utime(encrypted, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert encrypted.stat().st_size == stat.st_size and encrypted.stat().st_mtime_ns == stat.st_mtime_ns
    with pytest.raises(CaseRefused, match="damaged"):  # the checks of an open alone (values were checked apart)
        check_case(encrypted, key=PASSWORD, remembered=True, check_values=False)
    with pytest.raises(CaseRefused, match="damaged"):
        open_case(encrypted, key=PASSWORD)
    # Check Case always reads it whole: a known file too
    data[at] ^= 0x01
    encrypted.write_bytes(bytes(data))
    assert verified.known_sound(verified.content_digest(encrypted))
    assert check_case(encrypted, key=PASSWORD) >= 1


def test_encrypted_connections_are_hardened_like_plain_ones(encrypted: Path) -> None:
    """Defensive mode and the value-size limit, which sqlcipher3 cannot set itself (cipher.harden_cipher)."""
    from workbench.core.store import MAX_VALUE_BYTES
    from workbench.core.store.checks import ENCRYPTED_CACHE_KIB

    with open_case(encrypted, key=PASSWORD) as case:
        reader = case.open_reader()
        for conn in (case.conn, reader.conn):
            assert cipher.is_cipher_connection(conn)
            with pytest.raises(cipher.DatabaseError, match="too big"):
                conn.execute("SELECT zeroblob(?)", (MAX_VALUE_BYTES + 1,)).fetchone()
            conn.execute("PRAGMA writable_schema = ON")
            with pytest.raises(cipher.Error, match="may not be modified"):
                conn.execute("UPDATE sqlite_schema SET sql = sql WHERE name = 'events'")
            conn.execute("PRAGMA writable_schema = OFF")
            # Decrypted pages are kept in a page cache of their own (plain pages come from the system's cache).
            assert conn.execute("PRAGMA cache_size").fetchone()[0] == -ENCRYPTED_CACHE_KIB
        reader.close()


def test_read_only_and_unchanged_opens_leave_the_file_byte_identical(encrypted: Path) -> None:
    before = encrypted.read_bytes()
    with open_case(encrypted, key=PASSWORD, read_only=True) as case:
        assert case.counts()["events"] == 1 and case.search(MARKER[:9])
        reader = case.open_reader()
        assert reader.counts()["actors"] == 1
        reader.close()
        assert case.search_index_ok()
    with open_case(encrypted, key=PASSWORD) as case:  # writable, nothing written
        assert case.title.startswith("Title")
    assert encrypted.read_bytes() == before
    assert [p.name for p in files_beside(encrypted)] == ["secret.case"]
    encrypted.chmod(0o444)
    try:
        with open_case(encrypted, key=PASSWORD) as case:
            assert case.read_only
    finally:
        encrypted.chmod(0o644)


def test_writers_readers_and_schema_work_on_an_encrypted_case(encrypted: Path) -> None:
    with open_case(encrypted, key=PASSWORD) as case:
        writer = case.open_writer()
        with writer.transaction():
            writer.insert("events", {"title": "from the worker", "start": "2020-08-16T10:00:00Z"})
        writer.close()
        assert case.counts()["events"] == 2
        assert case.search("worker")
    assert check_case(encrypted, key=PASSWORD) >= 5


def test_a_checked_copy_of_an_encrypted_case_is_encrypted(encrypted: Path, tmp_path: Path) -> None:
    from workbench.core.exporters.case_copy import CopyOptions

    with open_case(encrypted, key=PASSWORD) as case:
        case.save_copy(tmp_path / "saved.case")
        export(case, "case", tmp_path / "exported.case")
        export(case, "case", tmp_path / "subset.case",  # the pruned path: an in-memory copy, VACUUM INTO
               options=CopyOptions(start="2020-08-01T00:00:00Z", drop_notes=True))
    for name in ("saved.case", "exported.case", "subset.case"):
        copy = tmp_path / name
        assert not copy.read_bytes().startswith(SQLITE_MAGIC) and not holds_marker(copy.read_bytes()), name
        with pytest.raises(PasswordNeeded):
            check_case(copy)
        with open_case(copy, key=PASSWORD, read_only=True) as opened:
            assert opened.counts()["events"] == 1 and opened.search_index_ok(), name


def test_merge_reads_an_encrypted_case(encrypted: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.case"
    create_case(mine, "Mine").close()
    with pytest.raises(PasswordNeeded):
        run_merge(mine, encrypted)
    cipher.unlock(encrypted, PASSWORD)
    assert "Merged secret.case into mine.case" in run_merge(mine, encrypted)
    with open_case(mine) as case:
        assert case.counts()["events"] == 1
    # and into an encrypted one
    assert "Nothing to merge" in run_merge(encrypted, mine)


def test_exports_to_plain_formats_say_they_are_not_encrypted() -> None:
    assert plain_output_note(False, "json") is None
    assert plain_output_note(True, "case") is None
    for fmt in ("json", "csv", "graphml", "gexf", "stix", "timelinejs", "pdf", "pptx", "html"):
        note = plain_output_note(True, fmt)
        assert note and "not" in note and note.count(". ") == 0 and note.endswith(".")


# -- encrypt, change password, remove encryption --------------------------------------------------------------------

def test_encrypt_rekey_decrypt_round_trip_keeps_every_record(tmp_path: Path) -> None:
    path = tmp_path / "case.case"
    with create_case(path, "Plain") as case:
        fill(case)
    path.chmod(0o600)
    with open_case(path) as case:
        plain_counts = case.counts()
    assert "Encrypted" in encrypt_case(path, "first")
    assert not holds_marker(path.read_bytes()) and not path.read_bytes().startswith(SQLITE_MAGIC)
    assert path.stat().st_mode & 0o777 == 0o600, "the copy keeps the case's permissions"
    assert [p.name for p in files_beside(path)] == ["case.case"], "no temporary file left"
    cipher.forget_password(path)
    with pytest.raises(WrongPassword):
        open_case(path, key="second")
    with open_case(path, key="first") as case:
        assert case.counts() == plain_counts and case.search_index_ok()
    change_password(path, "second", password="first")
    with pytest.raises(WrongPassword):
        open_case(path, key="first")
    with open_case(path, key="second") as case:
        assert case.counts() == plain_counts
    with pytest.raises(CaseError, match="already encrypted"):
        encrypt_case(path, "third")
    decrypt_case(path, "second")
    assert path.read_bytes().startswith(SQLITE_MAGIC)
    with open_case(path) as case:
        assert case.counts() == plain_counts and not case.encrypted and case.search(MARKER[:9])
    with pytest.raises(CaseError, match="not encrypted"):
        decrypt_case(path)
    conn = sqlite3.connect(path)  # plain again: Python's own sqlite3 reads it
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_a_conversion_refuses_an_open_case_and_a_wrong_password(encrypted: Path) -> None:
    before = encrypted.read_bytes()
    with pytest.raises(WrongPassword):
        decrypt_case(encrypted, "wrong")
    with pytest.raises(WrongPassword):
        change_password(encrypted, "new", password="wrong")
    with open_case(encrypted, key=PASSWORD):
        with pytest.raises(CaseError):
            change_password(encrypted, "new", password=PASSWORD)
    assert encrypted.read_bytes() == before


# -- crash safety ---------------------------------------------------------------------------------------------------

KILL_TRIALS = 10
BATCH = 200
# The harness of tests/test_hardening_crash.py (batches of a bulk insert, the writer killed with SIGKILL at a
# random moment), run from one helper process that forks each writer: one interpreter start for all trials.
HARNESS = r"""
import json, os, random, signal, sys, time
from workbench.core.store import cipher, open_case
paths, batch, password = sys.argv[1].split(os.pathsep), int(sys.argv[2]), os.environ["WORKBENCH_PASSWORD"]
rng = random.Random(25)
for path in paths:
    cipher.unlock(path, password)  # the copies share the template's salt: its key is derived once, here
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            case = open_case(path)
            for n in range(1000):
                rows = [{"title": f"batch {n} row {i}", "start": "2020-08-15T10:00:00Z", "kind": f"batch-{n}",
                         "summary": "x" * 200} for i in range(batch)]
                case.bulk_insert("events", rows)
                os.write(write_end, f"{n}\n".encode())
        finally:
            os._exit(3)
    os.close(write_end)
    reader = os.fdopen(read_end)
    reported = [int(reader.readline()) for _ in range(rng.randint(1, 3))]
    time.sleep(rng.random() * 0.05)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    reported += [int(line) for line in reader.read().split()]
    reader.close()
    print(json.dumps({"path": path, "killed": os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL,
                      "reported": reported}), flush=True)
"""


def test_sigkill_during_encrypted_writes_leaves_a_sound_case(tmp_path: Path) -> None:
    import json

    template = tmp_path / "template.case"
    create_case(template, "Bulk", key=PASSWORD).close()
    paths = []
    for trial in range(KILL_TRIALS):
        path = tmp_path / f"trial{trial}" / "bulk.case"
        path.parent.mkdir()
        shutil.copy(template, path)
        paths.append(path)
    env = dict(os.environ, WORKBENCH_PASSWORD=PASSWORD)
    run = subprocess.run([sys.executable, "-c", HARNESS, os.pathsep.join(map(str, paths)), str(BATCH)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    trials = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(trials) == KILL_TRIALS
    for trial in trials:
        path, reported = Path(trial["path"]), trial["reported"]
        assert trial["killed"], f"{path}: the writer ended before the kill"
        assert check_case(path, key=PASSWORD) >= 5  # header, schema, quick_check, references, through the key
        with open_case(path, key=PASSWORD, read_only=True) as case:
            assert case.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            batches = dict(case.conn.execute(
                "SELECT kind, count(*) FROM events WHERE kind LIKE 'batch-%' GROUP BY kind").fetchall())
            assert set(batches.values()) <= {BATCH}, f"{path}: a partial batch {batches}"
            assert all(batches.get(f"batch-{n}") == BATCH for n in reported), f"{path}: a reported batch lost"
            assert case.search_index_ok()
        with open_case(path, key=PASSWORD) as case:  # takes new work after the crash
            case.insert("events", {"title": "after the kill", "start": "2020-08-16T10:00:00Z"})
        assert not path.read_bytes().startswith(SQLITE_MAGIC)


# -- the command line ----------------------------------------------------------------------------------------------

class Ran:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def cli(capfd, monkeypatch: pytest.MonkeyPatch):
    """`workbench ARGS` in this process (capfd sees SQLCipher's C-level stderr too), as a new process starts it:
    no password remembered, the password variables only as given."""
    from workbench.cli import main

    def run(*args: str, env: dict[str, str] | None = None) -> Ran:
        for variable in (cipher.PASSWORD_VARIABLE, cipher.NEW_PASSWORD_VARIABLE):
            monkeypatch.delenv(variable, raising=False)
        for variable, value in (env or {}).items():
            monkeypatch.setenv(variable, value)
        cipher._passwords.clear()  # noqa: SLF001 - each command is a new process (derived keys kept: only speed)
        capfd.readouterr()
        code = main(list(args))
        out, err = capfd.readouterr()
        return Ran(code, out, err)

    return run


def one_sentence(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


def test_cli_every_subcommand_takes_the_password_from_a_file_or_the_environment(tmp_path: Path, cli) -> None:
    secret = tmp_path / "password.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    case = tmp_path / "cli.case"
    made = cli("new", str(case), "--encrypt", "--password-file", str(secret), "--title", "CLI")
    assert made.returncode == 0 and "encrypted" in made.stdout, made.stderr
    assert not case.read_bytes().startswith(SQLITE_MAGIC)
    report = tmp_path / "report.md"
    report.write_text(f"# Report\n\nOn 15 August 2020 {MARKER} met the Kremlin in Minsk.\n", encoding="utf-8")

    needs = cli("info", str(case))
    assert needs.returncode == 2
    assert cipher.PASSWORD_VARIABLE in one_sentence(needs.stderr) and "--password-file" in needs.stderr
    wrong = cli("info", str(case), env={cipher.PASSWORD_VARIABLE: "wrong"})
    assert wrong.returncode == 2
    assert one_sentence(wrong.stderr) == ("Cannot open cli.case: the password is not right for it (or it is not an "
                                          "encrypted case file).")
    by_file = {"env": None, "args": ("--password-file", str(secret))}
    by_env = {"env": {cipher.PASSWORD_VARIABLE: PASSWORD}, "args": ()}
    for how in (by_file, by_env):
        info = cli("info", str(case), *how["args"], env=how["env"])
        assert info.returncode == 0 and info.stdout.startswith("CLI"), info.stderr
        check = cli("check", str(case), *how["args"], env=how["env"])
        assert check.returncode == 0 and "healthy" in check.stdout, check.stderr
    imported = cli("import", str(report), "--into", str(case), "--accept-all", *by_file["args"],
                   "--report-date", "2020-08-15")
    assert imported.returncode == 0, imported.stderr
    out = tmp_path / "case.json"
    exported = cli("export", str(case), "--format", "json", "--out", str(out), *by_file["args"])
    assert exported.returncode == 0, exported.stderr
    assert one_sentence(exported.stderr) == plain_output_note(True, "json")
    assert holds_marker(out.read_bytes()), "the JSON export is plain, as the note says"
    copy = tmp_path / "copy.case"
    copied = cli("export", str(case), "--format", "case", "--out", str(copy), *by_file["args"])
    assert copied.returncode == 0 and copied.stderr == "", copied.stderr
    assert not holds_marker(copy.read_bytes()) and not copy.read_bytes().startswith(SQLITE_MAGIC)
    plain = tmp_path / "plain.case"
    assert cli("new", str(plain)).returncode == 0
    merged = cli("merge", str(plain), str(case), env=by_env["env"])
    assert merged.returncode == 0 and "Merged cli.case" in merged.stdout, merged.stderr
    assert not case.read_bytes().startswith(SQLITE_MAGIC) and not holds_marker(case.read_bytes())
    for leftover in tmp_path.iterdir():  # the password is in no file but the one it was given in
        if leftover.is_file() and leftover != secret:
            assert PASSWORD.encode() not in leftover.read_bytes(), leftover.name


def test_cli_encrypt_rekey_decrypt(tmp_path: Path, cli) -> None:
    case = tmp_path / "conv.case"
    assert cli("new", str(case)).returncode == 0
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("first\n")
    second.write_text("second\r\n")
    no_password = cli("encrypt", str(case))
    assert no_password.returncode == 2 and "--password-file" in one_sentence(no_password.stderr)
    done = cli("encrypt", str(case), "--password-file", str(first))
    assert done.returncode == 0 and "Encrypted" in done.stdout, done.stderr
    again = cli("encrypt", str(case), "--password-file", str(first))
    assert again.returncode == 2 and "already encrypted" in one_sentence(again.stderr)
    wrong = cli("rekey", str(case), "--password-file", str(second), "--new-password-file", str(first))
    assert wrong.returncode == 2 and "not right" in one_sentence(wrong.stderr)
    rekeyed = cli("rekey", str(case), "--password-file", str(first), env={cipher.NEW_PASSWORD_VARIABLE: "second"})
    assert rekeyed.returncode == 0, rekeyed.stderr
    assert cli("info", str(case), "--password-file", str(first)).returncode == 2
    assert cli("info", str(case), "--password-file", str(second)).returncode == 0, "the line ending is not part of it"
    plain = cli("decrypt", str(case), env={cipher.PASSWORD_VARIABLE: "second"})
    assert plain.returncode == 0, plain.stderr
    assert case.read_bytes().startswith(SQLITE_MAGIC)
    assert cli("info", str(case)).returncode == 0
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    refused = cli("encrypt", str(case), "--password-file", str(empty))
    assert refused.returncode == 2 and "empty" in one_sentence(refused.stderr)
    assert case.read_bytes().startswith(SQLITE_MAGIC)


def test_cli_asks_on_a_terminal_and_gives_another_try(tmp_path: Path) -> None:
    """On a terminal (a pseudo-terminal here) a wrong password is said in one sentence and asked again."""
    import pty

    case = tmp_path / "asked.case"
    create_case(case, "Asked", key=PASSWORD).close()
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != cipher.PASSWORD_VARIABLE}
    # No controlling terminal (a new session): getpass reads the pseudo-terminal as standard input, with echo off,
    # and writes its prompt to standard error, the same terminal here.
    proc = subprocess.Popen([*CLI, "info", str(case)], stdin=follower, stdout=follower, stderr=follower,
                            env=environment, start_new_session=True)
    os.close(follower)
    seen = b""

    def read_until(text: bytes | None) -> None:
        nonlocal seen
        deadline = time.monotonic() + 60
        while (text is None or text not in seen) and time.monotonic() < deadline:
            try:
                chunk = os.read(leader, 1024)
            except OSError:  # the program ended and closed the terminal
                break
            if not chunk:
                break
            seen += chunk

    read_until(b"Password for asked.case")
    os.write(leader, b"wrong\n")
    read_until(b"Try again.")
    # the next prompt may have come in the same read as "Try again.": keep what follows it
    said_wrong, _, seen = seen.partition(b"Try again.")
    said_wrong += b"Try again."
    read_until(b"Password for asked.case")
    os.write(leader, PASSWORD.encode() + b"\n")
    read_until(None)
    proc.wait(timeout=60)
    os.close(leader)
    transcript = (said_wrong + seen).decode(errors="replace")
    assert proc.returncode == 0, transcript
    assert "the password is not right" in said_wrong.decode() and "Traceback" not in transcript
    assert "Asked" in seen.decode() and "classification" in seen.decode()
    assert "wrong" not in transcript and PASSWORD not in transcript, "nothing typed is echoed"
