"""Two researchers saving the same commitment at the same moment, on PostgreSQL: one save
wins, the other is refused; neither edit is silently lost."""

import threading

import pytest
from django.db import connection, connections

from commitments import services
from commitments.models import Commitment

from . import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are a PostgreSQL matter"
    ),
]


def test_concurrent_saves_from_the_same_version(settings):
    commitment = factories.commitment(title="Origineel")
    barrier = threading.Barrier(2)
    results = {}

    def editor(name):
        try:
            mine = Commitment.objects.get(pk=commitment.pk)  # both load version 1
            barrier.wait()
            mine.title = f"Editie {name}"
            services.save_tracked(mine, expected_version=1)
            results[name] = "saved"
        except services.StaleEditError:
            results[name] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=editor, args=(name,)) for name in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results.values()) == ["refused", "saved"]
    winner = next(name for name, result in results.items() if result == "saved")
    commitment.refresh_from_db()
    assert (commitment.title, commitment.version) == (f"Editie {winner}", 2)
    assert commitment.history.count() == 2  # the creation and the one accepted edit


def test_a_save_waits_for_the_row_lock_then_sees_the_new_version():
    """Editor B saves while editor A's transaction holds the row: B blocks, then is refused."""
    from django.db import transaction

    commitment = factories.commitment(title="Origineel")
    a_locked, b_done = threading.Event(), threading.Event()
    outcome = {}

    def editor_a():
        with transaction.atomic():
            mine = Commitment.objects.get(pk=commitment.pk)
            mine.title = "A"
            services.save_tracked(mine, expected_version=1)
            a_locked.set()
            b_done.wait(timeout=1)  # B is blocked on the lock meanwhile
            outcome["b_finished_before_a_committed"] = b_done.is_set()
        connections.close_all()

    def editor_b():
        a_locked.wait(timeout=10)
        mine = Commitment.objects.get(pk=commitment.pk)
        mine.title = "B"
        try:
            services.save_tracked(mine, expected_version=1)
            outcome["b"] = "saved"
        except services.StaleEditError:
            outcome["b"] = "refused"
        b_done.set()
        connections.close_all()

    threads = [threading.Thread(target=editor_a), threading.Thread(target=editor_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcome == {"b_finished_before_a_committed": False, "b": "refused"}
    commitment.refresh_from_db()
    assert commitment.title == "A"
