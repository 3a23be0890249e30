"""Who sees which client: books, boutiques, head office; and moving books."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from clients.selectors import can_change_client, client_for_user, clients_visible_to
from stylists.models import BookAssignment, BookReassignment
from stylists.services import book_reassign
from tests.factories.stylists import make_stylist

pytestmark = pytest.mark.django_db

VISIBLE = {
    "owner": {"client", "other_client"},
    "colleague": set(),
    "stylist_elsewhere": {"milan_client"},
    "manager": {"client", "other_client"},
    "manager_elsewhere": {"milan_client"},
    "head_office": {"client", "other_client", "milan_client"},
    "client_user": set(),
    "other_client_user": set(),
}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_each_persona_sees_exactly_their_clients(cast, persona):
    # Given the cast, when we list what the persona may see on the stylist side
    visible = set(clients_visible_to(cast.user(persona)).values_list("pk", flat=True))
    # Then it is exactly the expected set
    expected = {getattr(cast, name).pk for name in VISIBLE[persona]}
    assert visible == expected


def test_anonymous_sees_nobody(cast):
    from django.contrib.auth.models import AnonymousUser

    assert not clients_visible_to(AnonymousUser()).exists()


@pytest.mark.parametrize(
    "persona",
    ["colleague", "stylist_elsewhere", "manager_elsewhere", "client_user", "other_client_user"],
)
def test_outsiders_get_404_not_403(cast, persona):
    with pytest.raises(Http404):
        client_for_user(cast.user(persona), cast.client.public_id)


def test_garbage_id_is_404(cast):
    with pytest.raises(Http404):
        client_for_user(cast.owner.user, "not-a-uuid")


def test_owner_may_change_manager_and_head_office_only_read(cast):
    assert client_for_user(cast.owner.user, cast.client.public_id, for_change=True) == cast.client
    for persona in ("manager", "head_office"):
        user = cast.user(persona)
        assert client_for_user(user, cast.client.public_id) == cast.client
        assert not can_change_client(user, cast.client)
        with pytest.raises(PermissionDenied):
            client_for_user(user, cast.client.public_id, for_change=True)


def test_reassign_moves_permissions_in_one_step_and_leaves_an_audit_row(cast):
    # Given the client in the owner's book, when the Paris manager moves her to the colleague
    moved = book_reassign(
        clients=[cast.client],
        to_stylist=cast.colleague,
        performed_by=cast.manager.user,
        reason="Owner on leave",
    )
    # Then the colleague sees and edits her, the owner no longer sees her
    assert moved == 1
    assert cast.client in clients_visible_to(cast.colleague.user)
    assert can_change_client(cast.colleague.user, cast.client)
    assert cast.client not in clients_visible_to(cast.owner.user)
    assert cast.other_client in clients_visible_to(cast.owner.user)
    # And exactly one open assignment remains, with an audit row naming who and why
    assert BookAssignment.objects.filter(client=cast.client, ended_at__isnull=True).count() == 1
    audit = BookReassignment.objects.filter(client=cast.client).latest("performed_at")
    assert audit.from_stylist == cast.owner
    assert audit.to_stylist == cast.colleague
    assert audit.performed_by == cast.manager.user
    assert audit.reason == "Owner on leave"


def test_reassign_twice_to_same_stylist_is_a_no_op(cast):
    assert (
        book_reassign(clients=[cast.client], to_stylist=cast.owner, performed_by=cast.manager.user)
        == 0
    )


@pytest.mark.parametrize("persona", ["owner", "colleague", "manager_elsewhere"])
def test_only_managers_of_the_boutique_reassign(cast, persona):
    with pytest.raises(PermissionDenied):
        book_reassign(
            clients=[cast.client], to_stylist=cast.colleague, performed_by=cast.user(persona)
        )
    # Nothing moved
    assert cast.client in clients_visible_to(cast.owner.user)


def test_manager_cannot_move_a_client_to_another_boutique(cast):
    with pytest.raises(PermissionDenied):
        book_reassign(
            clients=[cast.client], to_stylist=cast.stylist_elsewhere, performed_by=cast.manager.user
        )


def test_reassign_failure_rolls_back_everything(cast):
    inactive = make_stylist(boutique=cast.paris)
    inactive.active = False
    inactive.save(update_fields=["active"])
    with pytest.raises(ValidationError):
        book_reassign(clients=[cast.client], to_stylist=inactive, performed_by=None)
    assert cast.client in clients_visible_to(cast.owner.user)
    assert not BookReassignment.objects.filter(to_stylist=inactive).exists()


def test_head_office_moves_across_boutiques(cast):
    book_reassign(
        clients=[cast.client], to_stylist=cast.stylist_elsewhere, performed_by=cast.head_office.user
    )
    assert cast.client in clients_visible_to(cast.stylist_elsewhere.user)


# --- The permission ids the visibility filters name (read once per process) ------------


def test_visibility_names_the_permission_by_id_without_a_nested_select(cast):
    from django.contrib.auth.models import Permission

    sql = str(clients_visible_to(cast.owner.user).query)
    view = Permission.objects.get(content_type__app_label="clients", codename="view_client")
    assert "auth_permission" not in sql
    assert f'"permission_id" = {view.pk}' in sql


def test_a_migrate_or_flush_reads_the_permission_ids_again(cast):
    from django.core.management.sql import emit_post_migrate_signal

    from clients import selectors

    # Given ids the cache holds that no longer name the permissions (as after a flush,
    # which creates them again under new ids)
    for key in list(selectors._PERMISSION_IDS):
        selectors._PERMISSION_IDS[key] = -1
    assert not clients_visible_to(cast.owner.user).exists()
    assert not can_change_client(cast.owner.user, cast.client)
    # When migrate or flush signals that it is done
    emit_post_migrate_signal(0, False, "default")
    # Then the ids are read again, and the owner sees and may change her client
    visible = set(clients_visible_to(cast.owner.user).values_list("pk", flat=True))
    assert visible == {cast.client.pk, cast.other_client.pk}
    assert can_change_client(cast.owner.user, cast.client)


def test_a_permission_that_does_not_exist_lets_nobody_in(cast):
    from clients.models import ClientUserObjectPermission
    from clients.selectors import client_permission_filter, client_permission_id

    assert client_permission_id("no_such_permission") is None
    rows = ClientUserObjectPermission.objects.filter(client_permission_filter("no_such_permission"))
    assert not rows.exists()
    assert ClientUserObjectPermission.objects.filter(client_permission_filter("view_client"))
