"""The rows and items rendered in Python (``commitments/templatetags/rows.py``) are the
markup the per-row templates gave, character for character: each tag is compared with the
template it replaced, on records that take every branch (no office, a date from the
letter, estimated dates, overdue and no news, corrections, evidence, text to escape), in
Dutch and in English."""

from datetime import date

import pytest
from django.db.models import Prefetch
from django.template import Context, Template
from django.utils import translation

from commitments.choices import DatePrecision, Role, Status
from commitments.models import Commitment, Letter, Motion, StatusUpdate
from commitments.templatetags import rows
from commitments.views import PersonList, updates_queryset

from . import factories

pytestmark = pytest.mark.django_db

COMMITMENT_ROW = """{% load i18n precision status_badge %}{% translate "Made by" as made_by_label %}{% translate "made on" as made_on_label %}{% translate "due" as due_label %}{% translate "status" as status_label %}{% for c in object_list %}
    <tr>
      <td class="card-title"><a href="{{ c.get_absolute_url }}">{{ c.title }}</a></td>
      <td data-label="{{ made_by_label }}">{% if c.made_by %}{{ c.made_by_label }}<br><small>{{ c.made_by.ministry.abbreviation|default:c.made_by.ministry.name }}</small>{% endif %}</td>
      <td data-label="{{ made_on_label|capfirst }}">{% if c.made_on %}{{ c.made_on|date:"SHORT_DATE_FORMAT" }}{% elif c.made_on_or_letter %}{{ c.made_on_or_letter|date:"SHORT_DATE_FORMAT"|precision:c.source_letter.date_precision }}<br><small>{% translate "date of the letter" %}</small>{% else %}—{% endif %}</td>
      <td data-label="{{ due_label|capfirst }}">{{ c.due_phrase|default:"—" }} {% if c.deadline_state == "overdue" %}<strong class="overdue">{% translate "overdue" %}</strong>{% elif c.deadline_state == "no_news" %}<strong class="no-news">{% if c.no_news_since %}{% blocktranslate with date=c.no_news_since|date:"DATE_FORMAT" %}no news since {{ date }}{% endblocktranslate %}{% else %}{% translate "no news" %}{% endif %}</strong>{% endif %}</td>
      <td data-label="{{ status_label|capfirst }}">{{ c|status_badge }}{% if c.status_date %}<br><small>{{ c.status_date|date:"SHORT_DATE_FORMAT"|precision:c.status_date_precision }}</small>{% endif %}</td>
    </tr>
  {% empty %}
    <tr><td colspan="5">{% translate "No commitments match these filters." %}</td></tr>
  {% endfor %}"""  # noqa: E501

MOTION_ROW = """{% load i18n status_badge %}{% translate "Kamerstuk" as kamerstuk_label %}{% translate "Submitters" as submitters_label %}{% translate "date" as date_label %}{% translate "status" as status_label %}{% for m in object_list %}
    <tr>
      <td data-label="{{ kamerstuk_label }}">{{ m.get_kind_display|capfirst }} {{ m.kamerstuk_label|default:"" }}</td>
      <td class="card-title"><a href="{{ m.get_absolute_url }}">{{ m.title }}</a></td>
      <td data-label="{{ submitters_label }}">{{ m.submitters_label|default:"—" }}</td>
      <td data-label="{{ date_label|capfirst }}">{{ m.date|date:"SHORT_DATE_FORMAT"|default:"—" }}</td>
      <td data-label="{{ status_label|capfirst }}">{{ m|status_badge }}</td>
    </tr>
  {% empty %}
    <tr><td colspan="5">{% translate "No motions match these filters." %}</td></tr>
  {% endfor %}"""  # noqa: E501

LETTER_ROW = """{% load i18n precision %}{% translate "Kamerstuk" as kamerstuk_label %}{% translate "Signatories" as signatories_label %}{% translate "date" as date_label %}{% for letter in object_list %}
    <tr>
      <td data-label="{{ kamerstuk_label }}">{{ letter.kamerstuk_label|default:"—" }}{% if letter.vergaderjaar %}<br><small>{{ letter.vergaderjaar }}</small>{% endif %}</td>
      <td class="card-title"><a href="{{ letter.get_absolute_url }}">{{ letter.title }}</a><br><small>{{ letter.get_kind_display }}</small></td>
      <td data-label="{{ signatories_label }}">{{ letter.signatories_label|default:"—" }}</td>
      <td data-label="{{ date_label|capfirst }}">{{ letter.date|date:"SHORT_DATE_FORMAT"|precision:letter.date_precision|default:"—" }}</td>
    </tr>
  {% empty %}
    <tr><td colspan="4">{% translate "No letters match these filters." %}</td></tr>
  {% endfor %}"""  # noqa: E501

PERSON_ROW = """{% load i18n %}{% translate "Offices" as offices_label %}{% translate "Commitments" as commitments_label %}{% for person in object_list %}
    <tr>
      <td class="card-title"><a href="{{ person.get_absolute_url }}">{{ person }}</a></td>
      <td data-label="{{ offices_label }}">{% for office in person.offices.all %}{{ office.post }}{% if office.cabinet %}, {{ office.cabinet }}{% endif %}{% if not forloop.last %}<br>{% endif %}{% endfor %}</td>
      <td data-label="{{ commitments_label }}">{{ person.commitment_count }}</td>
    </tr>
  {% empty %}
    <tr><td colspan="3">{% translate "No ministers or state secretaries match these filters." %}</td></tr>
  {% endfor %}"""  # noqa: E501

TIMELINE_ITEM = """{% load i18n precision status_badge %}{% translate "Evidence" as evidence %}{% for u in updates %}
  <li>
    <p><time datetime="{{ u.date|date:'Y-m-d' }}">{{ u.date|date:"DATE_FORMAT"|precision:u.date_precision }}</time> —
      {{ u|status_badge }}
      {% if u.corrects %}<small>({% blocktranslate with date=u.corrects.date|date:"DATE_FORMAT"|precision:u.corrects.date_precision %}corrects the update of {{ date }}{% endblocktranslate %})</small>{% endif %}</p>
    {% if u.note %}<p>{{ u.note|linebreaksbr }}</p>{% endif %}
    {% if u.evidence_letter %}<p>{{ evidence }}: <a href="{{ u.evidence_letter.get_absolute_url }}">{{ u.evidence_letter }}</a></p>{% endif %}
    {% if u.evidence_url %}<p><a href="{{ u.evidence_url }}" rel="nofollow">{{ u.evidence_url }}</a></p>{% endif %}
    {% if u.source_passage %}
<figure class="passage">
  <blockquote lang="nl">{{ u.source_passage }}</blockquote>
  {% if u.source_document %}<figcaption>{% translate "Source" %}: <a href="{{ u.source_document.get_absolute_url }}?cite=statusupdate:{{ u.key }}#passage">{{ u.source_document }}</a></figcaption>{% endif %}
</figure>
{% endif %}
  </li>
  {% endfor %}"""  # noqa: E501

ITEMS = """{% load status_badge precision %}{% for u in updates %}<li>{{ u.date|date:"SHORT_DATE_FORMAT"|precision:u.date_precision }}: <a href="{{ u.subject.get_absolute_url }}">{{ u.subject }}</a> — {{ u|status_badge }}</li>{% endfor %}|{% for c in commitments %}<li><a href="{{ c.get_absolute_url }}">{{ c }}</a> — {{ c.get_status_display }}</li>{% endfor %}|{% for c in commitments %}<li><a href="{{ c.get_absolute_url }}">{{ c }}</a> — {{ c|status_badge }}</li>{% endfor %}|{% for l in letters %}<li><a href="{{ l.get_absolute_url }}">{{ l }}</a></li>{% endfor %}"""  # noqa: E501


def template(source, **context):
    return Template(source).render(Context(context))


@pytest.fixture
def records():
    vws = factories.ministry(key="vws", name="Ministerie van VWS", abbreviation="VWS")
    ezk = factories.ministry(key="ezk", name="Ministerie van EZK", abbreviation="")
    person = factories.person(key="hugo", first_name="Hugo", tussenvoegsel="de", name="Jonge")
    minister = factories.office(ministry=vws, person=person, role=Role.MINISTER)
    post = factories.office(
        ministry=ezk, role=Role.STAATSSECRETARIS, portfolio="Energie & <Klimaat>"
    )
    document = factories.source_document(key="doc", text="Zie de brief. Dit is 'gedaan'.")
    estimated = factories.letter(
        key="brief-ca", title="Brief \"over\" <stikstof>", date=date(2019, 3, 4),
        date_precision=DatePrecision.APPROXIMATE, signatories=[minister, post],
        vergaderjaar="2018-2019",
    )  # fmt: skip
    factories.letter(key="brief-uiterlijk", date=None, signatories=[])
    overdue = factories.commitment(
        key="tz-laat", title="Wet & regels <indienen>", made_by=minister,
        due_phrase="voor de zomer", due_end=date(2020, 6, 30), made_on=date(2020, 1, 1),
    )  # fmt: skip
    first = factories.status_update(
        overdue, Status.IN_PROGRESS, date(2020, 8, 1), evidence_letter=estimated,
        note="Eerste regel\nTweede <regel>", date_precision=DatePrecision.NOT_AFTER,
        evidence_url="https://example.org/?a=1&b=2", source_document=document,
        source_passage="Zie de brief.",
    )  # fmt: skip
    factories.status_update(
        overdue, Status.FULFILLED, date(2020, 9, 1), corrects=first,
        source_passage="Dit is 'gedaan'.",
    )  # fmt: skip
    factories.commitment(
        key="tz-stil", title="Stil", made_by=post, made_on=None, source_letter=estimated,
        due_end=date(2021, 1, 1),
    )  # fmt: skip
    factories.commitment(key="tz-niemand", made_by=None, made_on=None)
    member = factories.member(name="Hul", tussenvoegsel="van den", party="PvdA")
    motion = factories.motion(key="motie-x", title="over <iets>", submitter=member, date=None)
    factories.status_update(motion, Status.OPEN, date(2021, 1, 1), evidence_letter=estimated)
    factories.motion(key="motie-y", number="12", has_unnamed_co_submitters=True)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_rows_are_what_the_row_templates_gave(records, language):
    with translation.override(language):
        commitments = list(Commitment.objects.for_list().with_labels().order_by("key"))
        motions = list(Motion.objects.with_labels().order_by("key"))
        letters = list(Letter.objects.for_list().with_labels().order_by("key"))
        persons = list(PersonList().get_queryset())
        for source, tag, items in [
            (COMMITMENT_ROW, rows.commitment_rows, commitments),
            (MOTION_ROW, rows.motion_rows, motions),
            (LETTER_ROW, rows.letter_rows, letters),
            (PERSON_ROW, rows.person_rows, persons),
        ]:
            assert tag(items) == template(source, object_list=items)
            assert tag([]) == template(source, object_list=[])


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_items_are_what_the_item_templates_gave(records, language):
    with translation.override(language):
        commitment = (
            Commitment.objects.for_list()
            .prefetch_related(Prefetch("updates", queryset=updates_queryset()))
            .get(key="tz-laat")
        )
        updates = list(commitment.updates.all())
        assert rows.timeline_items(updates) == template(TIMELINE_ITEM, updates=updates)
        reported = list(
            StatusUpdate.objects.select_related("commitment", "motion__submitter").order_by("pk")
        )
        commitments = list(Commitment.objects.order_by("key"))
        letters = list(Letter.objects.select_related("dossier").order_by("key"))
        expected = template(ITEMS, updates=reported, commitments=commitments, letters=letters)
        ours = "|".join(
            [
                rows.update_items(reported),
                rows.record_items(commitments),
                rows.record_items(commitments, badge=True),
                rows.link_items(letters),
            ]
        )
        assert ours == expected
