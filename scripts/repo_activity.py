"""Measure a git repository's activity per quarter: commits, distinct authors, releases (tags).

Usage: python scripts/repo_activity.py GIT_DIR --repo OWNER/NAME [--since 2023-01-01] [--until YYYY-MM-DD]
       [--refs default|branches]

GIT_DIR is a clone or a mirror (a work tree or a bare git directory). Prints CSV rows:
repo,quarter,commits,authors,releases,observed.

- commits: commits by author date on the default branch (``--refs default``, HEAD), or on every branch
  and tag (``--refs branches``; version branches then count cherry-picked fixes again). Pull-request
  refs that mirrors of GitHub carry (refs/pull/*) are never counted.
- authors: distinct author e-mail addresses (lower case) among those commits.
- releases: tags created in the quarter (tag date for annotated tags, commit date for lightweight ones).
- observed: the newest commit date in the measured refs (where the data stops; its quarter is partial).

Only the repository's history is read; nothing from it is copied.
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


def activity(git_dir: str, since: str, until: str, refs: str = "default") -> tuple[dict[str, dict[str, object]], str]:
    """Per quarter: commit count, author set, release count; and the newest commit date measured."""
    quarters: dict[str, dict[str, object]] = defaultdict(lambda: {"commits": 0, "authors": set(), "releases": 0})
    selection = ["HEAD"] if refs == "default" else ["--branches", "--tags"]
    # filter dates here: git's --since stops walking at the first older commit, missing later ones
    log = git(git_dir, "log", *selection, "--format=%ad%x09%ae", "--date=short")
    newest = max((line.partition("\t")[0] for line in log.splitlines()), default="")
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
    return quarters, newest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("git_dir")
    parser.add_argument("--repo", required=True, help="owner/name, written into each row")
    parser.add_argument("--since", default="2023-01-01")
    parser.add_argument("--until", default=dt.date.today().isoformat())
    parser.add_argument("--refs", choices=("default", "branches"), default="default",
                        help="count the default branch (HEAD) or every branch and tag")
    parser.add_argument("--header", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args(argv)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    if args.header:
        writer.writerow(["repo", "quarter", "commits", "authors", "releases", "observed"])
    quarters, newest = activity(args.git_dir, args.since, args.until, args.refs)
    for name, entry in sorted(quarters.items()):
        writer.writerow([args.repo, name, entry["commits"], len(entry["authors"]), entry["releases"], newest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
