import pytest

from .packs import build_bad_pack, copy_good_pack


@pytest.fixture
def good_pack(tmp_path):
    """A fresh copy of tests/pack/good_pack, free to modify."""
    return copy_good_pack(tmp_path / "good")


@pytest.fixture
def bad_pack(tmp_path):
    """bad_pack("bad_date") -> a pack folder: the good pack plus that case's defect."""
    return lambda case: build_bad_pack(case, tmp_path / case)
