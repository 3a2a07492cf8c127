"""The C heap settings are harmless wherever the worker runs."""
import sys

from bot.heap import limit_arenas, release_free_memory


def test_freed_heap_is_handed_back_on_glibc_and_skipped_elsewhere():
    done = release_free_memory()
    assert done is True or not sys.platform.startswith("linux")
    assert release_free_memory() is done


def test_the_arenas_are_limited_on_glibc_and_left_alone_elsewhere():
    assert limit_arenas(2) is sys.platform.startswith("linux")
    assert limit_arenas(0) is False  # 0 leaves the C library's default
