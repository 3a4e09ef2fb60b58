"""The pre-commit hook, for real: pre-commit installs this checkout into its own
environment and runs it on a throwaway git repository, as a user's commit would.
Skipped, saying why, when pre-commit cannot install the hook (no network, no git).

The checkout, uncommitted changes included, is committed once into a copy, and each
throwaway repository's `.pre-commit-config.yaml` names that copy and revision, as a
user's names ours. pre-commit keys its environments on both, so it builds the hook's
environment once per session (`try-repo` clones anew, and so installs, every call)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import FIXTURES, ROOT

# What pip prints when the package index is out of reach.
OFFLINE = (
    "Could not find a version",
    "No matching distribution",
    "NewConnectionError",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "Connection refused",
    "ProxyError",
)


_NOT_PACKAGED = {"fixtures", "tests", "benchmarks"}

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def git(cwd, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, check=True, capture_output=True)
    return proc.stdout.decode()


@pytest.fixture(scope="session")
def home(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if not (ROOT / ".git").exists():
        pytest.skip(f"{ROOT} is not a git checkout, so pre-commit cannot try it")
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="session")
def hook(home, tmp_path_factory) -> tuple[str, str]:
    """(repository, revision) of this checkout as it is now, committed in a copy."""
    copy = tmp_path_factory.mktemp("hook-repo")
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        # What installing the package needs: fixtures and tests only slow the clone.
        if name.split("/", 1)[0] in _NOT_PACKAGED:
            continue
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    git(copy, "init", "-q")
    git(copy, "add", "-A")
    git(copy, "commit", "-qm", "the checkout under test")
    return str(copy), git(copy, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path, hook):
    source, rev = hook
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: fargate-lint\n"
    )
    shutil.copy(ROOT / "examples" / "private-subnet-no-nat.yaml", tmp_path / "app.yaml")
    shutil.copy(FIXTURES / "FG000" / "cfn_valid.yaml", tmp_path / "clean.yaml")
    net = tmp_path / "net"
    shutil.copytree(FIXTURES / "FG011" / "tf_public_ip", net)
    text = (net / "main.tf").read_text()
    cut = text.index('resource "aws_ecs_service"')
    (net / "main.tf").write_text(text[:cut])  # the network
    (net / "svc.tf").write_text(text[cut:])  # the services it strands
    (net / "bucket.tf").write_text('resource "aws_s3_bucket" "logs" {}\n')
    shutil.copy(FIXTURES / "FG010" / "tf_private_no_nat" / "main.tf", tmp_path / "main.tf")
    (tmp_path / "README.md").write_text("not ours\n")
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "x"]):
        git(tmp_path, *args)
    return tmp_path


def run_hook(home, repo, *args: str) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "fargate-lint", *args],
        cwd=repo,
        # pip byte-compiles every installed module (sympy alone is thousands) unless
        # told not to; the hook compiles what it imports on first use anyway.
        env={**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "PIP_NO_COMPILE": "1"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    out = proc.stdout + proc.stderr
    if "fargate-lint..." not in out:
        log = home / "pre-commit.log"
        detail = out + (log.read_text() if log.exists() else "")
        if any(marker in detail for marker in OFFLINE):
            pytest.skip("pre-commit could not install the hook offline: " + detail[-300:])
        pytest.fail(f"pre-commit did not run the hook:\n{detail}")
    return proc.returncode, out


def test_hook_fails_the_commit_on_a_fault(home, repo) -> None:
    code, out = run_hook(home, repo, "--all-files")
    assert code == 1 and "fargate-lint....." in out and "Failed" in out
    assert "app.yaml:36:21: FG010 [error] " in out
    assert "clean.yaml:" not in out and "README" not in out


def test_hook_passes_clean_files(home, repo) -> None:
    code, out = run_hook(home, repo, "--files", "clean.yaml", "README.md")
    assert code == 0 and "Passed" in out


def test_hook_lints_the_terraform_directory_of_a_changed_file(home, repo) -> None:
    # Only the network changed, yet the services it strands are reported.
    code, out = run_hook(home, repo, "--files", "net/main.tf")
    assert code == 1
    assert "net/svc.tf:14:25: FG010 [error]" in out and "net/svc.tf:15:24: FG011" in out
    # An unrelated file of the same directory reports nothing.
    code, out = run_hook(home, repo, "--files", "net/bucket.tf")
    assert code == 0 and "Passed" in out
    # Terraform at the repository root, named bare.
    code, out = run_hook(home, repo, "--files", "main.tf")
    assert code == 1 and "main.tf:39:" in out and "FG010 [error]" in out
