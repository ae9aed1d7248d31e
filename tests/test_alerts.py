"""E-mail alerts: subscribe, confirm, the daily digest, unsubscribe, and what each kind
of subscription covers. Mail goes to Django's locmem backend (``mail.outbox``)."""

import re
from datetime import date, timedelta
from io import StringIO
from unittest import mock
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from alerts import services
from alerts.models import Subscription
from commitments.services import record_status_update

from . import factories

pytestmark = pytest.mark.django_db

ADDRESS = "lid@example.org"


def follow_url(**target):
    return f"{reverse('alerts:follow')}?{urlencode(target)}"


def links(message):
    return [urlsplit(url).path for url in re.findall(r"https?://\S+", message.body)]


def link_to(message, name):
    prefix = reverse(f"alerts:{name}", args=["x"]).rsplit("x/", 1)[0]
    found = [path for path in links(message) if path.startswith(prefix)]
    assert found, f"no {name} link in {message.body}"
    return found[0]


def subscribe(client, address=ADDRESS, **target):
    """Follow the target and confirm through the links of the mail; the subscription."""
    mail.outbox.clear()
    response = client.post(follow_url(**target), {"email": address})
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    confirm = link_to(mail.outbox[0], "confirm")
    assert client.post(confirm).status_code == 200
    mail.outbox.clear()
    return Subscription.objects.get(email=address, target_kind=next(iter(target)))


def without_csrf_token(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def send_alerts(*args):
    out = StringIO()
    call_command("send_alerts", *args, stdout=out)
    return out.getvalue()


def test_whole_flow(client):
    commitment = factories.commitment(title="Rapport over lhbtiq+ rechten")
    other = factories.commitment(title="Iets anders")

    response = client.get(follow_url(commitment=commitment.key))
    assert response.status_code == 200
    assert "Rapport over lhbtiq+ rechten" in response.content.decode()

    response = client.post(follow_url(commitment=commitment.key), {"email": ADDRESS})
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == [ADDRESS]
    assert "Rapport over lhbtiq+ rechten" in confirmation.body
    assert "Bevestig" in confirmation.subject  # Dutch by default

    # Nothing is sent before the subscription is confirmed.
    record_status_update(subject=commitment, status="in_progress", date=date(2024, 1, 5))
    mail.outbox.clear()
    send_alerts()
    assert mail.outbox == []

    confirm = link_to(confirmation, "confirm")
    response = client.get(confirm)
    assert response.status_code == 200
    assert Subscription.objects.get().confirmed_at is None  # GET only shows the button
    assert "<form" in response.content.decode()
    assert client.post(confirm).status_code == 200
    assert Subscription.objects.get().confirmed_at is not None

    record_status_update(
        subject=commitment,
        status="fulfilled",
        date=date(2024, 5, 1),
        note="Rapport verzonden.",
        evidence_url="https://example.org/brief",
    )
    record_status_update(subject=other, status="fulfilled", date=date(2024, 5, 1))
    output = send_alerts()
    assert "1 messages sent" in output
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [ADDRESS]
    assert "Rapport over lhbtiq+ rechten" in digest.body
    assert "in uitvoering → voldaan" in digest.body
    assert "Rapport verzonden." in digest.body
    assert "https://example.org/brief" in digest.body
    assert "Iets anders" not in digest.body
    assert "openstaand → in uitvoering" not in digest.body  # recorded before confirming
    unsubscribe = link_to(digest, "unsubscribe")
    unsubscribe_all = link_to(digest, "unsubscribe-all")
    assert digest.extra_headers["List-Unsubscribe"].endswith(f"{unsubscribe_all}>")
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Running again sends nothing.
    mail.outbox.clear()
    assert "0 messages sent" in send_alerts()
    assert mail.outbox == []

    # The unsubscribe link: GET asks, POST unsubscribes.
    response = client.get(unsubscribe)
    assert response.status_code == 200
    assert Subscription.objects.count() == 1
    assert client.post(unsubscribe).status_code == 200
    assert Subscription.objects.count() == 0

    record_status_update(subject=commitment, status="lapsed", date=date(2024, 6, 1))
    send_alerts()
    assert mail.outbox == []


def test_one_click_unsubscribe_without_csrf_token(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    commitment = factories.commitment()
    subscription = subscribe(Client(), commitment=commitment.key)
    subscribe(Client(), motion=factories.motion().key)
    url = reverse(
        "alerts:unsubscribe-all", args=[services.unsubscribe_all_path(ADDRESS).split("/")[-2]]
    )
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.filter(email=ADDRESS).exists()
    response = client.post(reverse("alerts:unsubscribe", args=[subscription.token]))
    assert response.status_code == 200  # the same answer for a token no longer known


def test_digest_combines_targets_in_one_message(client):
    person = factories.person()
    followed = factories.commitment(made_by=factories.office(person=person))
    motion = factories.motion(title="over gelijke behandeling")
    subscribe(client, person=person.key)
    subscribe(client, motion=motion.key)
    record_status_update(subject=followed, status="fulfilled", date=date(2024, 5, 1))
    record_status_update(subject=motion, status="in_progress", date=date(2024, 5, 2))
    send_alerts()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert followed.title in body and "over gelijke behandeling" in body
    assert body.count("/alerts/unsubscribe/") == 2


@pytest.mark.parametrize("address", ["geen-adres", "a@b", "lid@@example.org", "", "x" * 300])
def test_bad_addresses_are_refused(client, address):
    commitment = factories.commitment()
    response = client.post(follow_url(commitment=commitment.key), {"email": address})
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert 'role="alert"' in response.content.decode()
    assert mail.outbox == []
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        {"commitment": "bestaat-niet"},
        {"person": "bestaat-niet"},
        {"ministry": "bestaat-niet"},
        {"theme": "bestaat-niet"},
        {"motion": "bestaat-niet"},
    ],
)
def test_unknown_keys_are_404(client, query):
    assert client.get(follow_url(**query)).status_code == 404


@pytest.mark.parametrize(
    "query", [{}, {"search": "year=abc"}, {"search": "onbekend=1"}, {"letter": "x"}]
)
def test_bad_targets_are_400(client, query):
    response = client.get(f"{reverse('alerts:follow')}?{urlencode(query)}")
    assert response.status_code == 400


def test_no_second_confirmation_within_minutes(client):
    commitment = factories.commitment()
    url = follow_url(commitment=commitment.key)
    client.post(url, {"email": ADDRESS})
    first = client.post(url, {"email": ADDRESS.upper()})
    assert len(mail.outbox) == 1
    assert Subscription.objects.count() == 1
    later = timezone.now() + services.RESEND_AFTER + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        client.post(url, {"email": ADDRESS})
    assert len(mail.outbox) == 2
    # A confirmed address gets no new mail, and the page says the same as for a new one.
    client.post(link_to(mail.outbox[1], "confirm"))
    mail.outbox.clear()
    again = client.post(url, {"email": ADDRESS})
    assert mail.outbox == []
    assert without_csrf_token(again) == without_csrf_token(first)


def test_expired_or_forged_confirmation_link(client):
    commitment = factories.commitment()
    client.post(follow_url(commitment=commitment.key), {"email": ADDRESS})
    confirm = link_to(mail.outbox[0], "confirm")
    assert client.post(confirm[:-3] + "xx/").status_code == 404
    later = timezone.now() + services.CONFIRM_WITHIN + timedelta(minutes=1)
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        mock.patch("time.time", return_value=later.timestamp()),
    ):
        assert client.post(confirm).status_code == 404
    assert Subscription.objects.get().confirmed_at is None


def scoped_setup():
    ministry = factories.ministry()
    person = factories.person()
    theme = factories.theme()
    office = factories.office(person=person, ministry=ministry)
    in_scope = factories.commitment(title="Binnen bereik", made_by=office, themes=[theme])
    elsewhere = factories.commitment(title="Buiten bereik")
    themed_motion = factories.motion(title="over het thema", themes=[theme])
    return ministry, person, theme, in_scope, elsewhere, themed_motion


@pytest.mark.parametrize("kind", ["person", "ministry", "theme", "search"])
def test_each_kind_gets_its_own_changes(client, kind):
    ministry, person, theme, in_scope, elsewhere, themed_motion = scoped_setup()
    key = {
        "person": person.key,
        "ministry": ministry.key,
        "theme": theme.key,
        "search": f"?ministry={ministry.key}&order=-made_on&page=2",
    }[kind]
    subscription = subscribe(client, **{kind: key})
    if kind == "search":
        assert subscription.target_key == f"ministry={ministry.key}"
    record_status_update(subject=in_scope, status="fulfilled", date=date(2024, 5, 1))
    record_status_update(subject=elsewhere, status="fulfilled", date=date(2024, 5, 1))
    record_status_update(subject=themed_motion, status="fulfilled", date=date(2024, 5, 1))
    send_alerts()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Binnen bereik" in body
    assert "Buiten bereik" not in body
    assert ("over het thema" in body) == (kind == "theme")


def test_new_commitments_and_passed_deadlines(client):
    ministry = factories.ministry()
    office = factories.office(ministry=ministry)
    today = timezone.localdate()
    due_today = factories.commitment(title="Deadline vandaag", made_by=office, due_end=today)
    subscribe(client, ministry=ministry.key)
    fresh = factories.commitment(title="Nieuwe toezegging", made_by=office)
    factories.commitment(title="Nieuw elders")
    closed = factories.commitment(title="Al voldaan", made_by=office, due_end=today)
    record_status_update(subject=closed, status="fulfilled", date=today)
    mail.outbox.clear()

    tomorrow = timezone.now() + timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        send_alerts()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert fresh.title in body and "Nieuw elders" not in body
    deadlines = body.split("Deadlines verstreken", 1)[1]
    assert due_today.title in deadlines
    assert "Al voldaan" not in deadlines
    mail.outbox.clear()
    with mock.patch("django.utils.timezone.now", return_value=tomorrow + timedelta(hours=1)):
        send_alerts()
    assert mail.outbox == []  # the deadline is not reported twice


def test_failed_send_marks_nothing_sent(client):
    commitment = factories.commitment(title="Wordt opnieuw verstuurd")
    subscription = subscribe(client, commitment=commitment.key)
    record_status_update(subject=commitment, status="fulfilled", date=date(2024, 5, 1))
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=ConnectionRefusedError("smtp down"),
        ),
        pytest.raises(ConnectionRefusedError),
    ):
        send_alerts()
    assert Subscription.objects.get(pk=subscription.pk).sent_until == subscription.sent_until
    send_alerts()
    assert len(mail.outbox) == 1
    assert "Wordt opnieuw verstuurd" in mail.outbox[0].body


def test_dry_run_sends_and_records_nothing(client):
    commitment = factories.commitment()
    subscription = subscribe(client, commitment=commitment.key)
    record_status_update(subject=commitment, status="fulfilled", date=date(2024, 5, 1))
    output = send_alerts("--dry-run")
    assert "Would send 1 changes" in output
    assert mail.outbox == []
    assert Subscription.objects.get().sent_until == subscription.sent_until
    send_alerts()
    assert len(mail.outbox) == 1


def test_english_subscriber_gets_english_mail(client):
    commitment = factories.commitment()
    with translation.override("en"):  # the English page: /en/alerts/follow/
        subscribe(client, commitment=commitment.key)
    record_status_update(subject=commitment, status="fulfilled", date=date(2024, 5, 1))
    send_alerts()
    assert "open → fulfilled" not in mail.outbox[0].body  # there was no earlier update
    assert "new → fulfilled" in mail.outbox[0].body
    assert "Stop following this" in mail.outbox[0].body


def test_unconfirmed_subscriptions_are_forgotten(client):
    commitment = factories.commitment()
    client.post(follow_url(commitment=commitment.key), {"email": ADDRESS})
    later = timezone.now() + services.CONFIRM_WITHIN + timedelta(hours=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        send_alerts()
    assert not Subscription.objects.exists()


def test_follow_links_on_pages(client):
    person = factories.person()
    commitment = factories.commitment(made_by=factories.office(person=person))
    motion = factories.motion()
    for url, query in [
        (commitment.get_absolute_url(), {"commitment": commitment.key}),
        (motion.get_absolute_url(), {"motion": motion.key}),
        (person.get_absolute_url(), {"person": person.key}),
        (f"{reverse('commitments:commitments')}?year=2020", {"search": "year=2020"}),
    ]:
        html = client.get(url).content.decode()
        assert "Volg per e-mail" in html
        assert follow_url(**query).replace("&", "&amp;") in html


def test_admin_counts_and_hides_addresses(client, researcher):
    commitment = factories.commitment()
    subscribe(client, commitment=commitment.key)
    url = reverse("admin:alerts_subscription_changelist")
    client.force_login(researcher)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert commitment.key in html
    assert ADDRESS not in html
    assert [(r["target_key"], r["confirmed"]) for r in response.context["target_counts"]] == [
        (commitment.key, 1)
    ]
    assert client.get(reverse("admin:alerts_subscription_add")).status_code == 403
    superuser = User.objects.create_superuser("admin", password="not-used-in-tests")
    client.force_login(superuser)
    assert ADDRESS in client.get(url).content.decode()


def test_email_settings_from_environment():
    from tracker.settings import email_settings

    url = email_settings({"DJANGO_EMAIL_URL": "smtp://al%40erts:p%3Ass@mail.example.org:587?tls=1"})
    assert url["EMAIL_HOST"] == "mail.example.org"
    assert url["EMAIL_PORT"] == 587
    assert (url["EMAIL_HOST_USER"], url["EMAIL_HOST_PASSWORD"]) == ("al@erts", "p:ss")
    assert url["EMAIL_USE_TLS"] and not url["EMAIL_USE_SSL"]
    implicit = email_settings({"DJANGO_EMAIL_URL": "smtps://mail.example.org"})
    assert implicit["EMAIL_PORT"] == 465 and implicit["EMAIL_USE_SSL"]
    host = email_settings({"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "2525"})
    assert (host["EMAIL_HOST"], host["EMAIL_PORT"]) == ("smtp.example.org", 2525)
    with pytest.raises(ImproperlyConfigured):
        email_settings({"DJANGO_EMAIL_URL": "http://mail.example.org"})


def test_long_digests_are_capped_with_a_link(client):
    theme = factories.theme()
    subscribe(client, theme=theme.key)
    subjects = [
        factories.commitment(title=f"Toezegging nummer {n}", themes=[theme]) for n in range(4)
    ]
    for subject in subjects:
        record_status_update(subject=subject, status="fulfilled", date=date(2024, 5, 1))
    with mock.patch.object(services, "MAX_ITEMS", 3):
        send_alerts()
    body = mail.outbox[0].body
    shown = [s.title for s in subjects if f"{s.title}:" in body]
    assert shown == [s.title for s in subjects[:3]]
    assert "Meer dan 3" in body
