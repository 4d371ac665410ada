import pytest

from linli.testing.scenario import build_grid_scenario


@pytest.fixture
def grid(scenario):
    """The grid scenario: alice leads 香樟苑 1号楼, bob is second secretary of 香樟苑."""
    return build_grid_scenario(scenario)
