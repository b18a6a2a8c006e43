"""scripts/repo_activity.py counts commits, distinct authors and releases per quarter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "repo_activity.py"


def _commit(repo: Path, when: str, email: str) -> None:
    env = {**os.environ, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when}
    subprocess.run(["git", "-C", str(repo), "-c", f"user.email={email}", "-c", "user.name=x", "commit", "-q",
                    "--allow-empty", "-m", when], check=True, env=env)


def test_quarterly_activity_of_a_small_repository(tmp_path):
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    _commit(repo, "2024-02-01T10:00:00", "a@example.org")
    subprocess.run(["git", "-C", str(repo), "tag", "v1"], check=True)
    _commit(repo, "2024-05-01T10:00:00", "B@example.org")
    _commit(repo, "2024-05-02T10:00:00", "b@example.org")       # same author, other case
    _commit(repo, "2021-05-02T10:00:00", "old@example.org")     # before --since
    run = subprocess.run([sys.executable, str(SCRIPT), str(repo / ".git"), "--repo", "demo/repo", "--since",
                          "2024-01-01", "--until", "2026-11-22"], capture_output=True, text=True, check=True)
    assert run.stdout.splitlines() == [
        "repo,quarter,commits,authors,releases,observed",
        "demo/repo,2024-Q1,1,1,1,2024-05-02",
        "demo/repo,2024-Q2,2,1,0,2024-05-02",
    ]
    subprocess.run(["git", "-C", str(repo), "update-ref", "refs/pull/1/head", "HEAD~2"], check=True)
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-b", "side", "HEAD~3"], check=True)
    _commit(repo, "2024-06-01T10:00:00", "c@example.org")             # on a branch, not the default
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-"], check=True)
    default = subprocess.run([sys.executable, str(SCRIPT), str(repo / ".git"), "--repo", "demo/repo", "--no-header"],
                             capture_output=True, text=True, check=True).stdout.splitlines()
    branches = subprocess.run([sys.executable, str(SCRIPT), str(repo / ".git"), "--repo", "demo/repo", "--no-header",
                               "--refs", "branches"], capture_output=True, text=True, check=True).stdout.splitlines()
    assert default == ["demo/repo,2024-Q1,1,1,1,2024-05-02", "demo/repo,2024-Q2,2,1,0,2024-05-02"]
    assert branches == ["demo/repo,2024-Q1,1,1,1,2024-06-01", "demo/repo,2024-Q2,3,2,0,2024-06-01"]
