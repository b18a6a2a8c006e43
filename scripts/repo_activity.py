"""Measure a git repository's activity per quarter: commits, distinct authors, releases (tags).

Usage: python scripts/repo_activity.py GIT_DIR --repo OWNER/NAME [--since 2022-01-01] [--until YYYY-MM-DD]

GIT_DIR is a clone (a work tree or a bare git directory). Prints CSV rows:
repo,quarter,commits,authors,releases,observed. Authors are distinct e-mail addresses (lower case)
of commits in the quarter; releases are tags whose tagged commit falls in the quarter. Merge commits
count as commits. Only the repository's history is read; nothing from it is copied.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import subprocess
import sys
from collections import defaultdict


def quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def git(git_dir: str, *args: str) -> str:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True, text=True).stdout


def activity(git_dir: str, since: str, until: str) -> dict[str, dict[str, object]]:
    """Per quarter: commit count, author set, release count."""
    quarters: dict[str, dict[str, object]] = defaultdict(lambda: {"commits": 0, "authors": set(), "releases": 0})
    # filter dates here: git's --since stops walking at the first older commit, missing later ones
    log = git(git_dir, "log", "--all", "--format=%ad%x09%ae", "--date=short")
    for line in log.splitlines():
        day, _, email = line.partition("\t")
        if not since <= day <= until:
            continue
        entry = quarters[quarter(dt.date.fromisoformat(day))]
        entry["commits"] += 1
        entry["authors"].add(email.strip().lower())
    tags = git(git_dir, "for-each-ref", "refs/tags", "--format=%(creatordate:short)")
    for day in tags.split():
        date = dt.date.fromisoformat(day)
        if since <= day <= until:
            quarters[quarter(date)]["releases"] += 1
    return quarters


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("git_dir")
    parser.add_argument("--repo", required=True, help="owner/name, written into each row")
    parser.add_argument("--since", default="2022-01-01")
    parser.add_argument("--until", default=dt.date.today().isoformat())
    args = parser.parse_args(argv)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["repo", "quarter", "commits", "authors", "releases", "observed"])
    for name, entry in sorted(activity(args.git_dir, args.since, args.until).items()):
        writer.writerow([args.repo, name, entry["commits"], len(entry["authors"]), entry["releases"], args.until])
    return 0


if __name__ == "__main__":
    sys.exit(main())
