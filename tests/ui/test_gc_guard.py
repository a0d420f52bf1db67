import gc

from desktop.ui.gc_guard import UiThreadGarbageCollector


def test_automatic_collection_is_off_and_the_timer_collects(qtbot, ui_thread_gc):
    assert not gc.isenabled()

    class Node:
        pass

    for _ in range(gc.get_threshold()[0] + 50):  # enough cycles to pass generation 0's threshold
        a, b = Node(), Node()
        a.other, b.other = b, a
    assert gc.get_count()[0] > gc.get_threshold()[0]
    qtbot.waitUntil(lambda: gc.get_count()[0] < gc.get_threshold()[0], timeout=2_000)


def test_stop_turns_automatic_collection_back_on(qapp):
    collector = UiThreadGarbageCollector()
    collector.start()
    assert not gc.isenabled()
    collector.stop()
    assert gc.isenabled()
