"""Background work of notices: posting a message to a group robot (`deliver`), run by
`linli worker`, with retries.

A 5xx answer or a connection error is tried again after 30 s, 60 s, 120 s, … (doubling; the
setting LINLI_ROBOT_BACKOFF_SECONDS is the first wait) until MAX_ATTEMPTS tries, then given up;
a 4xx or the robot's own error code is given up at once. Each try is recorded
(`DeliveryAttempt`: the status code and the robot's answer, never the address or the secret);
a delivery given up flags the notice's page.

A task may run twice (a restarted worker): a delivery already delivered or given up is left
alone, and the attempt is counted under the row's lock.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from linli.notices import robots
from linli.notices.models import Delivery, DeliveryAttempt

MAX_ATTEMPTS = 5
DONE = (Delivery.Status.DELIVERED, Delivery.Status.FAILED)


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next try after `attempts` failed ones: base × 2^(attempts − 1)."""
    base = getattr(settings, "LINLI_ROBOT_BACKOFF_SECONDS", 30)
    return dt.timedelta(seconds=base * 2 ** (attempts - 1))


@task()
def deliver(delivery_id: int) -> str:
    """Post one delivery's message once; on a passing failure queue the next try."""
    delivery = Delivery.objects.select_related("channel", "notice").get(pk=delivery_id)
    if delivery.status in DONE:
        return str(delivery.status)
    channel = delivery.channel
    title = f"【{delivery.notice.get_urgency_display()}】{delivery.notice.title}"
    outcome = robots.post(channel.kind, channel.webhook_url, channel.secret, title, delivery.text)
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery_id)
        if locked.status in DONE:
            return str(locked.status)
        locked.attempts += 1
        DeliveryAttempt.objects.create(
            delivery=locked,
            status_code=outcome.status_code,
            answer=outcome.answer,
            error=outcome.error,
        )
        if outcome.ok:
            locked.status = Delivery.Status.DELIVERED
        elif outcome.retry and locked.attempts < MAX_ATTEMPTS:
            locked.status = Delivery.Status.RETRYING
        else:
            locked.status = Delivery.Status.FAILED
        if locked.status in DONE:
            locked.finished_at = timezone.now()
        locked.save(update_fields=["attempts", "status", "finished_at"])
    if locked.status == Delivery.Status.RETRYING:
        wait = backoff(locked.attempts)
        if wait and deliver.get_backend().supports_defer:
            deliver.using(run_after=timezone.now() + wait).enqueue(delivery_id)
        else:  # the immediate backend (tests with no wait): the next try now
            deliver.enqueue(delivery_id)
    return str(locked.status)
