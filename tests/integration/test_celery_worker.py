"""Tasks run by a real Celery worker on Redis: enqueued on commit, executed once, effects stored."""

from __future__ import annotations

import pytest
from django.db import transaction

from consent.models import PrivacyRequest
from consent.services import privacy_export_request
from stylists.models import Message
from stylists.services import message_send
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]


def test_a_message_is_delivered_by_the_worker_after_commit(cast, celery_worker):
    # Given the owner writes to her client in the concierge thread
    with transaction.atomic():
        message = message_send(
            client=cast.client,
            stylist=cast.owner,
            channel="concierge",
            kind="service",
            body="Your alterations are ready; may I send them to the rue de Grenelle?",
        )
        # Then nothing is delivered before the transaction commits
        assert Message.objects.get(pk=message.pk).status == "queued"
    # And the worker delivers it once committed
    assert wait_for(lambda: Message.objects.get(pk=message.pk).status in {"sent", "delivered"}), (
        Message.objects.get(pk=message.pk).status
    )


def test_an_export_is_built_by_the_worker(cast, celery_worker):
    request = privacy_export_request(client=cast.client, requested_by=cast.client.user)
    assert wait_for(lambda: PrivacyRequest.objects.get(pk=request.pk).status == "ready", timeout=30)
    built = PrivacyRequest.objects.get(pk=request.pk)
    assert built.sha256
    assert built.expires_at is not None
