import pytest

from je_books import Books


@pytest.fixture
def books():
    """Empty books for one test: a small chart, three entities, no entries yet."""
    return Books()
