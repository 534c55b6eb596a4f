import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(Path(__file__).resolve().parent / "model"))


@pytest.fixture
def shared_reference() -> Path:
    """``../shared/reference`` beside the repository; skip the test when it is absent."""
    ref = SHARED / "reference"
    if not ref.is_dir():
        pytest.skip("../shared/reference is absent")
    return ref
