import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture
def corpus() -> pathlib.Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not beside the checkout ({CORPUS} is absent)")
    return CORPUS


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


os.environ.setdefault("NO_COLOR", "1")

# The longest tests start first, so that with two workers (pytest-xdist) neither is left
# running one of them alone at the end; the order of the others is kept.
_FIRST = ("test_precommit.py", "test_fuzz.py::test_fuzz", "test_robustness.py", "test_cli.py")


def pytest_collection_modifyitems(items) -> None:
    def rank(item) -> int:
        return next((i for i, key in enumerate(_FIRST) if key in item.nodeid), len(_FIRST))

    items.sort(key=rank)
