#!/usr/bin/python3
"""The konbit's backups, beside borgmatic (docs/backups.md).

  konbit-backup list [--repository NAME]
  konbit-backup restore SOURCE [--archive A] [--repository NAME] [--path P]... [--database D]...
                        [--target DIR]
  konbit-backup check [--verify-data] [--repository NAME|URL]
  konbit-backup drill [--repository NAME|URL] [--scratch DIR]
  konbit-backup stale
  konbit-backup alert UNIT
  konbit-backup partner-rollback REPOSITORY_DIR --to TRANSACTION     (on the partner)
  konbit-backup forget-manifest REPOSITORY_URL                        (on the client, after it)

borgmatic makes the archives (one configuration per source in /etc/borgmatic.d); restores
use borg and pg_restore directly, because borgmatic 1.7's restore fails on configurations
with command hooks.
"""

import argparse
import datetime
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time

SETTINGS = pathlib.Path("/etc/konbit-backup/settings.json")
ALERT_LOG = pathlib.Path("/var/log/konbit-backup-alerts.log")
# Where borgmatic 1.7 puts its PostgreSQL dumps inside an archive.
DUMPS = "root/.borgmatic/postgresql_databases/localhost/"


class Failure(Exception):
    """An error the sysadmin reads: printed, exit status 1."""


def settings():
    return json.loads(SETTINGS.read_text())


def borg_env(conf):
    env = dict(os.environ)
    env["BORG_PASSCOMMAND"] = f"cat {conf['passphrase_file']}"
    env["BORG_RSH"] = conf["ssh_command"]
    return env


def repository(conf, name):
    repos = conf["repositories"]
    if name is None:
        return repos[0]["url"]
    for repo in repos:
        if name in (repo["name"], repo["url"]):
            return repo["url"]
    if "/" in name:  # a path or URL not in the settings (a copy, a partner's disk)
        return name
    raise Failure(f"no repository {name!r}: the konbit has {[r['name'] for r in repos]}")


def borg(conf, *args, stdout=subprocess.PIPE, check=True, cwd=None):
    result = subprocess.run(
        ["borg", *args],
        env=borg_env(conf),
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
    )
    # borg: 0 success, 1 warning (e.g. a path not in the archive), 2+ error.
    if check and result.returncode >= 2:
        raise Failure(f"borg {args[0]} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def source(conf, name):
    path = pathlib.Path(conf["sources_dir"]) / f"{name}.json"
    if not path.exists():
        known = sorted(p.stem for p in pathlib.Path(conf["sources_dir"]).glob("*.json"))
        raise Failure(f"no backup source {name!r}: the sources are {', '.join(known)}")
    return json.loads(path.read_text())


def latest_archive(conf, repo, name):
    out = borg(conf, "list", "--short", "--glob-archives", f"{name}-*", "--last", "1", repo)
    archives = out.stdout.split()
    if not archives:
        raise Failure(f"no archive of {name!r} in {repo}")
    return archives[0]


def cmd_list(conf, args):
    repos = (
        [repository(conf, args.repository)]
        if args.repository
        else [r["url"] for r in conf["repositories"]]
    )
    for repo in repos:
        print(f"== {repo}")
        print(borg(conf, "list", repo).stdout, end="")


def run_shell(command, what):
    print(f"{what}: {command}")
    if subprocess.run(["/bin/sh", "-ec", command]).returncode != 0:
        raise Failure(f"{what} failed: {command}")


def systemctl(action, units):
    if units:
        print(f"systemctl {action} {' '.join(units)}")
        subprocess.run(["systemctl", action, *units], check=True)


def database_exists(name):
    out = subprocess.run(
        ["psql", "-U", "postgres", "-At", "-v", f"name={name}"],
        input="SELECT 1 FROM pg_database WHERE datname = :'name';\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip() == "1"


def restore_database(conf, repo, archive, name):
    """Load the archive's pg_dump -Fc of NAME: into the database if it exists (its objects
    dropped and created again), else the database is created as it was."""
    if database_exists(name):
        target = ["-d", name, "--clean", "--if-exists", "--single-transaction"]
    else:
        target = ["-d", "postgres", "--create"]
    print(f"restoring database {name} from {archive}")
    extract = subprocess.Popen(
        ["borg", "extract", "--stdout", f"{repo}::{archive}", DUMPS + name],
        env=borg_env(conf),
        stdout=subprocess.PIPE,
    )
    load = subprocess.run(
        ["pg_restore", "-U", "postgres", "--no-password", *target], stdin=extract.stdout
    )
    extract.stdout.close()
    if extract.wait() != 0 or load.returncode != 0:
        raise Failure(f"restoring database {name} from {archive} failed")


def archive_databases(conf, repo, archive):
    out = borg(conf, "list", "--short", f"{repo}::{archive}", DUMPS.rstrip("/"))
    names = (line[len(DUMPS) :] for line in out.stdout.splitlines() if line.startswith(DUMPS))
    return sorted(name for name in names if name and "/" not in name)


def cmd_restore(conf, args):
    src = source(conf, args.source)
    repo = repository(conf, args.repository)
    archive = args.archive or latest_archive(conf, repo, src["name"])
    if not archive.startswith(src["name"] + "-"):
        raise Failure(f"archive {archive} is not one of source {src['name']!r}")
    paths = args.path or src["paths"]
    for path in args.path:
        if not any(path == p or path.startswith(p.rstrip("/") + "/") for p in src["paths"]):
            raise Failure(f"{path} is not under the paths of {src['name']!r}: {src['paths']}")
    members = [p.lstrip("/") for p in paths]
    if args.target:
        # A scratch copy (a drill, or picking one file by hand): nothing on the server changes.
        target = pathlib.Path(args.target)
        target.mkdir(parents=True, exist_ok=True)
        print(f"extracting {archive} from {repo} into {target}")
        borg(
            conf,
            "extract",
            f"{repo}::{archive}",
            *(members if args.path else []),
            stdout=None,
            cwd=target,
        )
        return
    databases = archive_databases(conf, repo, archive) if src["databases"] else []
    if args.database:
        missing = set(args.database) - set(databases)
        if missing:
            raise Failure(
                f"archive {archive} has no dump of {sorted(missing)} (it has {databases})"
            )
        databases = args.database
    whole = not args.path and not args.database
    systemctl("stop", src["stop"])
    try:
        if members and not (args.database and not args.path):
            print(f"extracting {', '.join(paths)} from {repo}::{archive}")
            result = subprocess.run(
                ["borg", "extract", f"{repo}::{archive}", *members], env=borg_env(conf), cwd="/"
            )
            if result.returncode >= 2:
                raise Failure(f"extracting {archive} failed ({result.returncode})")
        for name in databases:
            restore_database(conf, repo, archive, name)
        if whole and src["restore"]:
            run_shell(src["restore"], f"restore command of {src['name']}")
    finally:
        systemctl("start", src["stop"])
    print(f"restored {src['name']} from {archive}")


def cmd_drill(conf, args):
    """Restore the latest archive of every source into a scratch directory, and every
    database dump in it into a scratch database; the server's data is not touched."""
    repo = repository(conf, args.repository)
    scratch = pathlib.Path(args.scratch)
    shutil.rmtree(scratch, ignore_errors=True)
    failed = []
    names = sorted(p.stem for p in pathlib.Path(conf["sources_dir"]).glob("*.json"))
    for name in names:
        try:
            archive = latest_archive(conf, repo, name)
        except Failure as error:
            failed.append(f"{name}: {error}")
            continue
        target = scratch / name
        target.mkdir(parents=True)
        start = time.monotonic()
        result = borg(conf, "extract", f"{repo}::{archive}", check=False, cwd=target)
        if result.returncode != 0:
            last = result.stderr.strip().splitlines()[-1:] or [""]
            failed.append(
                f"{name}: archive {archive}: extract failed ({result.returncode}) {last[0]}"
            )
            continue
        files = [p for p in target.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        loaded = []
        for dump in sorted((target / DUMPS).glob("*")) if (target / DUMPS).is_dir() else []:
            if not drill_load(dump):
                failed.append(f"{name}: archive {archive}: the dump of {dump.name} does not load")
            else:
                loaded.append(dump.name)
        proof = drill_proof(conf, name, target)
        seconds = time.monotonic() - start
        dumps = f"; databases loaded: {', '.join(loaded)}" if loaded else ""
        if proof is not None and proof.returncode != 0:
            why = (proof.stderr.strip() or proof.stdout.strip() or "no message").splitlines()
            failed.append(f"{name}: archive {archive}: its proof failed: {' '.join(why[:5])}")
        print(
            f"{name}: {archive}: {len(files)} files, {size / 1e6:.1f} MB in {seconds:.1f} s{dumps}"
        )
        if proof is not None and proof.returncode == 0 and proof.stdout.strip():
            print(f"  {name}: {proof.stdout.strip()}")
    shutil.rmtree(scratch, ignore_errors=True)
    if failed:
        raise Failure("restore drill FAILED in " + repo + ":\n  " + "\n  ".join(failed))
    print(f"restore drill passed: {len(names)} sources from {repo}")


def drill_proof(conf, name, target):
    """The source's own proof that its restored copy holds what it held (its `drill`
    command, run with KONBIT_DRILL_ROOT naming the scratch copy), or None."""
    command = source(conf, name).get("drill")
    if not command:
        return None
    return subprocess.run(
        ["/bin/sh", "-ec", command],
        env=dict(os.environ, KONBIT_DRILL_ROOT=str(target)),
        capture_output=True,
        text=True,
    )


def drill_load(dump):
    """Load a pg_dump -Fc into a scratch database, then drop it."""
    psql = ["psql", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c"]
    quiet = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    subprocess.run([*psql, "DROP DATABASE IF EXISTS konbit_drill"], check=True, env=quiet)
    subprocess.run([*psql, "CREATE DATABASE konbit_drill"], check=True)
    try:
        load = [
            "pg_restore",
            "-U",
            "postgres",
            "--no-owner",
            "--exit-on-error",
            "-d",
            "konbit_drill",
        ]
        return subprocess.run([*load, str(dump)]).returncode == 0
    finally:
        subprocess.run([*psql, "DROP DATABASE konbit_drill"], check=True)


def cmd_check(conf, args):
    repos = (
        [repository(conf, args.repository)]
        if args.repository
        else [r["url"] for r in conf["repositories"]]
    )
    failed = []
    for repo in repos:
        print(f"checking {repo}" + (" (every chunk)" if args.verify_data else ""), flush=True)
        result = borg(
            conf, "check", *(["--verify-data"] if args.verify_data else []), repo, check=False
        )
        if result.returncode != 0:
            print(result.stderr, end="")
            failed.append(repo)
    if failed:
        raise Failure(f"backup check FAILED for {', '.join(failed)}")
    print("every repository is sound")


def cmd_stale(conf, args):
    stamp = pathlib.Path(conf["state_dir"]) / "last-success"
    # Before the first good backup, count from when the role created the state directory.
    reference = stamp if stamp.exists() else pathlib.Path(conf["state_dir"])
    age = datetime.datetime.now().timestamp() - reference.stat().st_mtime
    hours = int(conf["stale_hours"])
    if age > hours * 3600:
        what = (
            "the last good backup"
            if stamp.exists()
            else "no good backup since installation; installed"
        )
        raise Failure(f"backups are stale: {what} {age / 3600:.1f} hours ago (limit {hours} h)")
    print(f"last good backup {age / 3600:.1f} hours ago")


def cmd_alert(conf, args):
    host = socket.getfqdn()
    journal = subprocess.run(
        ["journalctl", "-u", args.unit, "-n", "40", "--no-pager", "-o", "short-iso"],
        capture_output=True,
        text=True,
    ).stdout
    subject = f"[{host}] backup problem: {args.unit} failed"
    body = f"{args.unit} failed on {host}.\n\nIts last lines:\n\n{journal}"
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    with ALERT_LOG.open("a") as log:
        log.write(f"{now} {subject}\n")
    os.chmod(ALERT_LOG, 0o600)
    print(subject, file=sys.stderr)
    sendmail = shutil.which("sendmail", path="/usr/sbin:/usr/bin")
    if conf["alert_email"] and sendmail:
        message = f"To: {conf['alert_email']}\nSubject: {subject}\n\n{body}"
        subprocess.run([sendmail, "-t"], input=message, text=True, check=True)
    elif conf["alert_email"]:
        note = f"no sendmail on this server: the alert for {conf['alert_email']} is only logged"
        print(note, file=sys.stderr)


def cmd_partner_rollback(conf, args):
    """Undo what a partner's client did after transaction N (append-only repository):
    segments, hints, index and integrity files newer than N go; borg then serves the
    repository as it was at N."""
    repo = pathlib.Path(args.repository)
    transactions = (repo / "transactions").read_text().splitlines()
    ids = [
        int(line.split()[1].rstrip(",")) for line in transactions if line.startswith("transaction ")
    ]
    if args.to not in ids:
        raise Failure(f"transaction {args.to} is not in {repo / 'transactions'}: {ids}")
    removed = 0
    for segment in (repo / "data").glob("*/*"):
        if segment.name.isdigit() and int(segment.name) > args.to:
            segment.unlink()
            removed += 1
    for pattern in ("hints.*", "index.*", "integrity.*"):
        for path in repo.glob(pattern):
            if path.suffix.lstrip(".").isdigit() and int(path.suffix.lstrip(".")) > args.to:
                path.unlink()
    print(
        f"{repo}: back at transaction {args.to} ({removed} newer segments removed); "
        "the client must now run: konbit-backup forget-manifest URL"
    )


def cmd_forget_manifest(conf, args):
    """After a rollback on the partner, borg on the client refuses the older manifest
    (replay protection): forget the timestamp it remembered for that repository, and its
    cache of it (rebuilt from the repository on the next run)."""
    security = pathlib.Path.home() / ".config/borg/security"
    url = repository(conf, args.repository)
    for directory in security.glob("*"):
        location = directory / "location"
        if location.exists() and location.read_text().strip() == url:
            (directory / "manifest-timestamp").unlink(missing_ok=True)
            shutil.rmtree(pathlib.Path.home() / ".cache/borg" / directory.name, ignore_errors=True)
            print(f"forgot the manifest timestamp and the cache of {url}")
            return
    raise Failure(f"borg has no security record of {url}")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="konbit-backup",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list")
    p.add_argument("--repository")
    p = sub.add_parser("restore")
    p.add_argument("source")
    p.add_argument("--archive")
    p.add_argument("--repository")
    p.add_argument("--path", action="append", default=[])
    p.add_argument("--database", action="append", default=[])
    p.add_argument("--target")
    p = sub.add_parser("check")
    p.add_argument("--verify-data", action="store_true")
    p.add_argument("--repository")
    p = sub.add_parser("drill")
    p.add_argument("--repository")
    p.add_argument("--scratch", default="/var/tmp/konbit-restore-drill")
    sub.add_parser("stale")
    p = sub.add_parser("alert")
    p.add_argument("unit")
    p = sub.add_parser("partner-rollback")
    p.add_argument("repository")
    p.add_argument("--to", type=int, required=True)
    p = sub.add_parser("forget-manifest")
    p.add_argument("repository")
    args = parser.parse_args(argv)
    handlers = {
        "list": cmd_list,
        "restore": cmd_restore,
        "check": cmd_check,
        "drill": cmd_drill,
        "stale": cmd_stale,
        "alert": cmd_alert,
        "partner-rollback": cmd_partner_rollback,
        "forget-manifest": cmd_forget_manifest,
    }
    try:
        conf = settings() if args.command != "partner-rollback" else {}
        handlers[args.command](conf, args)
    except Failure as error:
        print(f"konbit-backup: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
