"""Handing freed heap back to the system is harmless wherever it runs."""
import sys

from bot.search.trim import release_free_memory


def test_freed_heap_is_handed_back_on_glibc_and_skipped_elsewhere():
    done = release_free_memory()
    assert done is True or not sys.platform.startswith("linux")
    assert release_free_memory() is done
