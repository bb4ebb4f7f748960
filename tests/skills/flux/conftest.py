"""Flux tests build their books with the statements' tiny-books helper."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "stmt"))
