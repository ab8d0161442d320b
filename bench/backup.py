"""Backup figures of a converged konbit: time and size of a first and a second
(incremental) backup, of a scratch restore of every source, of the restore drill and of a
full in-place restore.

Runs on the server (as root), or through `docker exec` into a Molecule container:

    .venv/bin/python bench/backup.py --container konbit-backup

The first backup is a fresh one: the repositories are emptied first (every archive
deleted), so run it on a test server only. Prints figures; decides nothing.
"""

import argparse
import json
import subprocess
import time


def runner(container):
    def run(*argv, check=True):
        command = ["docker", "exec", container, *argv] if container else list(argv)
        return subprocess.run(command, capture_output=True, text=True, check=check)

    return run


def timed(run, *argv):
    start = time.perf_counter()
    run(*argv)
    return time.perf_counter() - start


def repositories(run):
    settings = json.loads(run("cat", "/etc/konbit-backup/settings.json").stdout)
    return settings["repositories"]


def borg_json(run, *argv):
    env = [
        "env",
        "BORG_PASSCOMMAND=cat /etc/borgmatic/passphrase",
        "BORG_RSH="
        + json.loads(run("cat", "/etc/konbit-backup/settings.json").stdout)["ssh_command"],
    ]
    return json.loads(run(*env, "borg", *argv, "--json").stdout)


def sizes(run):
    """Deduplicated size on disk of each repository, and the original size of its archives."""
    result = {}
    for repo in repositories(run):
        info = borg_json(run, "info", repo["url"])
        stats = info["cache"]["stats"]
        result[repo["name"]] = (stats["unique_csize"], stats["total_size"])
    return result


def sources(run):
    out = run("sh", "-c", "ls /etc/konbit-backup/sources").stdout.split()
    return [name.removesuffix(".json") for name in out]


def mb(n):
    return f"{n / 1e6:.1f} MB"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--container", help="a Molecule container (docker exec)")
    args = parser.parse_args()
    run = runner(args.container)

    env = "BORG_PASSCOMMAND=cat /etc/borgmatic/passphrase"
    ssh = (
        "BORG_RSH="
        + json.loads(run("cat", "/etc/konbit-backup/settings.json").stdout)["ssh_command"]
    )
    for repo in repositories(run):
        names = run("env", env, ssh, "borg", "list", "--short", repo["url"]).stdout.split()
        for name in names:
            run("env", env, ssh, "borg", "delete", f"{repo['url']}::{name}")
        run("env", env, ssh, "borg", "compact", repo["url"], check=False)

    names = sources(run)
    print(f"sources: {', '.join(names)}; repositories: {[r['name'] for r in repositories(run)]}")
    first = timed(run, "systemctl", "start", "konbit-backup.service")
    after_first = sizes(run)
    second = timed(run, "systemctl", "start", "konbit-backup.service")
    after_second = sizes(run)
    for label, seconds, size in (
        ("first backup", first, after_first),
        ("second backup", second, after_second),
    ):
        parts = ", ".join(
            f"{name}: {mb(u)} stored for {mb(t)} of data" for name, (u, t) in size.items()
        )
        print(f"{label}: {seconds:.1f} s (every source, both repositories); {parts}")

    run("rm", "-rf", "/var/tmp/bench-restore")
    scratch = sum(
        timed(run, "konbit-backup", "restore", name, "--target", f"/var/tmp/bench-restore/{name}")
        for name in names
    )
    run("rm", "-rf", "/var/tmp/bench-restore")
    print(f"scratch restore of every source (latest archives, local repository): {scratch:.1f} s")

    for repo in repositories(run):
        seconds = timed(run, "konbit-backup", "drill", "--repository", repo["name"])
        print(f"restore drill from the {repo['name']} repository: {seconds:.1f} s")

    in_place = [name for name in names if name != "system"]
    full = sum(timed(run, "konbit-backup", "restore", name) for name in in_place)
    print(f"full in-place restore of {', '.join(in_place)} (local repository): {full:.1f} s")
    partner = sum(
        timed(run, "konbit-backup", "restore", name, "--repository", "partner") for name in in_place
    )
    print(f"the same from the partner's repository over SSH: {partner:.1f} s")


if __name__ == "__main__":
    main()
