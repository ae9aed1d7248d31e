"""The about-the-data page and its error report form."""

import pytest
from django.test import Client

from commitments.models import Commitment, Origin, Status
from feedback.models import MAX_MESSAGE_LENGTH, ErrorReport

from . import factories

pytestmark = pytest.mark.django_db

REPORT = {"page": "/commitments/kept/", "message": "De datum klopt niet.", "email": ""}


def test_the_page_explains_statuses_deadlines_sources_and_coverage(client):
    factories.commitment(origin=Origin.REGISTER)
    factories.commitment(origin=Origin.REGISTER)
    factories.commitment(origin=Origin.DOCUMENT)
    response = client.get("/about/")
    assert response.status_code == 200
    html = response.content.decode()
    for status in Status:
        assert f'status-{status.value}"' in html
    assert "Over tijd" in html and "Geen nieuws" in html
    rows = {row["label"]: row for row in response.context["coverage"]}
    counts = [cell["count"] for cell in rows["Toezeggingen"]["counts"]]
    assert counts == [2, 1, 0]  # register, document, researcher
    assert rows["Toezeggingen"]["total"] == Commitment.objects.count() == 3
    english = client.get("/en/about/").content.decode()
    assert "About the data" in english and "Report an error" in english


def test_the_coverage_costs_one_query_per_kind(client, django_assert_num_queries):
    factories.commitment()
    with django_assert_num_queries(5):  # four kinds of record, and the source documents
        client.get("/about/")


def test_a_report_is_saved_with_a_message(client):
    response = client.post("/about/", REPORT, follow=True)
    assert response.redirect_chain[-1][0] == "/about/#report"
    assert "Dank u wel" in response.content.decode()
    report = ErrorReport.objects.get()
    assert report.message == REPORT["message"] and report.page == REPORT["page"]
    assert not report.handled


def test_the_page_field_is_filled_from_the_link(client):
    response = client.get("/about/?page=/motions/m-1/")
    assert 'value="/motions/m-1/"' in response.content.decode()


def test_a_robot_that_fills_the_trap_is_thanked_but_not_saved(client):
    response = client.post("/about/", {**REPORT, "website": "http://spam.example"}, follow=True)
    assert "Dank u wel" in response.content.decode()
    assert ErrorReport.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**REPORT, "message": "x" * (MAX_MESSAGE_LENGTH + 1)}, "message"),
        ({**REPORT, "message": ""}, "message"),
        ({**REPORT, "email": "not-an-address"}, "email"),
    ],
)
def test_an_invalid_report_is_a_400_with_the_reason(client, data, field):
    response = client.post("/about/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert ErrorReport.objects.count() == 0


def test_a_report_needs_the_csrf_token():
    response = Client(enforce_csrf_checks=True).post("/about/", REPORT)
    assert response.status_code == 403
    assert ErrorReport.objects.count() == 0


def test_researchers_see_and_handle_reports_in_the_admin(researcher_client):
    report = ErrorReport.objects.create(message="Verkeerde status bij de motie.")
    changelist = researcher_client.get("/admin/feedback/errorreport/?q=motie")
    assert changelist.status_code == 200
    assert "Verkeerde status" in changelist.content.decode()
    change = f"/admin/feedback/errorreport/{report.pk}/change/"
    assert researcher_client.get(change).status_code == 200
    response = researcher_client.post(
        "/admin/feedback/errorreport/",
        {"action": "mark_handled", "_selected_action": [report.pk]},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.handled
    assert researcher_client.get("/admin/feedback/errorreport/add/").status_code == 200
    delete = f"/admin/feedback/errorreport/{report.pk}/delete/"
    assert researcher_client.get(delete).status_code == 403  # only superusers delete


def test_every_page_links_to_the_about_page(client):
    assert 'href="/about/"' in client.get("/commitments/").content.decode()
