import pytest

from tests.support.books import journal_books


@pytest.fixture
def books():
    """Empty books for one test: a small chart, three entities, no entries yet."""
    return journal_books()
