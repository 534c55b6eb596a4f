import sys
from pathlib import Path

import pytest

import optimizer.model.registry  # noqa: F401 (declares the components' price keys to the inputs)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(Path(__file__).resolve().parent / "model"))


#: The real Phoenix NSRDB PSM3 typical year in ../shared (absent on users' machines).
PHOENIX_TMY = SHARED / "reference" / "weather" / "phoenix_az_33.450495_-111.983688_psmv3_60_tmy.csv"


@pytest.fixture(scope="session")
def phoenix_tmy():
    """The real Phoenix file read as :class:`~optimizer.inputs.weather.WeatherData`; skip the
    test when ``../shared`` is absent."""
    from optimizer.inputs.weather import read_weather

    if not PHOENIX_TMY.is_file():
        pytest.skip("../shared/reference is absent")
    data, problems = read_weather(PHOENIX_TMY)
    assert not problems
    return data


@pytest.fixture
def shared_reference() -> Path:
    """``../shared/reference`` beside the repository; skip the test when it is absent."""
    ref = SHARED / "reference"
    if not ref.is_dir():
        pytest.skip("../shared/reference is absent")
    return ref


def pytest_collection_modifyitems(config, items):
    """Skip every test marked ``shared`` when ``../shared/reference`` is absent (a user's clone)."""
    if (SHARED / "reference").is_dir():
        return
    skip = pytest.mark.skip(reason="../shared/reference is absent")
    for item in items:
        if "shared" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _pv_cache_in_a_temporary_folder(tmp_path_factory):
    """Keep the PV profile cache of the test session out of the user's home folder."""
    import os

    old = os.environ.get("ZOPT_CACHE_DIR")
    os.environ["ZOPT_CACHE_DIR"] = str(tmp_path_factory.mktemp("pv-cache"))
    yield
    if old is None:
        os.environ.pop("ZOPT_CACHE_DIR", None)
    else:
        os.environ["ZOPT_CACHE_DIR"] = old
