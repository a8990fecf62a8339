"""Publications, datasets, recordings and training materials (English)."""

from cslab.hub.demo_content import DemoResource

STAFF = "staff@demo.cslab.test"
RESEARCHER = "researcher@demo.cslab.test"
HEALTH = "health.researcher@demo.cslab.test"
TRAINER = "trainer@demo.cslab.test"
ORGANISER = "organiser@demo.cslab.test"
NGO = "ngo@demo.cslab.test"
STUDENT = "student@demo.cslab.test"

MATERIALS: tuple[DemoResource, ...] = (
    DemoResource(
        slug="lab-annual-report-2025",
        kind="publication",
        title="Citizen Science Lab annual report 2025",
        summary="What the Lab's 14 projects did in 2025: participants, data, publications and"
        " what changed because of them.",
        body="""The Citizen Science Lab supports researchers and communities who do research
together. This report looks back on 2025.

## In numbers

| | 2024 | 2025 |
|---|---|---|
| Active projects | 11 | 14 |
| Participants | 3,900 | 5,600 |
| Observations and classifications | 210,000 | 348,000 |
| Peer-reviewed papers with participants acknowledged | 6 | 9 |
| Projects started by community groups | 2 | 4 |

## Highlights

- **Pollinators of Leiden gardens** completed its third season; the municipality changed
  its planting list for public green space (see the case study).
- **River Guardians** and the Faculty of Science published three years of nitrate
  measurements as open data.
- The **ship-logs** transcription finished: 28,000 pages, all keyed twice.

## What we learned

Community-led projects need more time before the first data: an average of five months
from first meeting to protocol, against two for researcher-led ones. The Lab now budgets
for that phase in its incubation track.

## Looking ahead

In 2026 the Lab opens this knowledge hub, so that methods, templates and lessons are shared
beyond the projects that made them.

## Acknowledgements

We thank every volunteer, partner organisation and the university's faculties for their
work and support.
""",
        faculties=("governance", "science", "humanities", "medicine"),
        domains=("social", "education"),
        phases=("dissemination",),
        audiences=("funders", "policy_makers", "general_public"),
        sdgs=("17",),
        keywords=("annual report", "impact"),
        authors=(STAFF,),
        licence="CC-BY-4.0",
        age_days=200,
        cover_alt="Purple rings and blocks over a lilac gradient, like a chart of a year.",
    ),
    DemoResource(
        slug="policy-brief-volunteer-data-climate-adaptation",
        kind="publication",
        title="Policy brief: volunteer data in municipal climate adaptation",
        summary="How municipalities can use residents' measurements of heat and flooding in"
        " their climate-adaptation plans, and what they need to trust them.",
        body="""Dutch municipalities must carry out *climate stress tests* and adaptation
plans. Residents measure heat in their homes, rain in their gardens and water in their
streets; few plans use those measurements. This brief explains why they should, and how.

## Key messages

1. Residents' data fill gaps that official stations leave: **indoor heat** and **street-
   level flooding**.
2. Data quality is sufficient for *where* and *when* questions if protocols are simple and
   sensors are checked.
3. Involving residents in measuring raises support for adaptation measures.

## Recommendations

- Reserve part of the adaptation budget for **co-created monitoring** with neighbourhoods.
- Agree with the residents, before measuring, what the municipality will do with the data.
- Publish the data openly and report back what changed.
- Use the national [Klimaateffectatlas](https://www.klimaateffectatlas.nl/) as the frame,
  and add residents' data as a layer.

## Evidence

| Project | Data | Use |
|---|---|---|
| Heat stress in Leiden-Noord | Indoor temperatures, diaries | Priority list for shade trees |
| Rain gauges in gardens | Daily rainfall | Check of the sewer model |

## About

Written by the Lab with the Faculty of Governance and Global Affairs, for policy officers
and councillors.
""",
        faculties=("governance",),
        domains=("climate", "urban"),
        phases=("dissemination",),
        audiences=("policy_makers",),
        sdgs=("11", "13"),
        keywords=("policy", "climate adaptation", "municipality"),
        participation_level="co_created",
        authors=(STAFF, ORGANISER, "Dr. Jeroen Smits"),
        department="Faculty of Governance and Global Affairs",
        licence="CC-BY-4.0",
        age_days=45,
        revisions=("Added the evidence table.",),
    ),
    DemoResource(
        slug="dataset-pollinator-counts-2025",
        kind="dataset",
        title="Pollinator counts in Leiden gardens, 2025 season",
        summary="12,400 timed counts of insect visits to garden flowers, by plant and insect"
        " group, with effort and weather, released under CC0.",
        body="""This dataset holds all timed counts made by volunteers of the *Pollinators of
Leiden gardens* project between April and October 2025.

## Contents

| Column | Meaning |
|---|---|
| `date`, `start_time` | When the 15-minute count started |
| `site_id` | A garden code; locations generalised to 1 km |
| `plant` | Plant species or cultivar counted |
| `group` | Honeybee, bumblebee, other bee, hoverfly, butterfly, other |
| `count` | Visits in 15 minutes |
| `temperature`, `wind` | Weather at the start |

## Method

Counts follow the [15-minute pollinator count](/hub/pollinator-timed-count/) method card.
Counts with missing weather, or made below 13 °C, are flagged, not removed.

## Quality

A random 5 % of counts with photos were checked by the team; 94 % of insect groups matched.

## Licence and citation

Released under **CC0 1.0**. We ask (but do not require) that you cite it as: *Pollinators of
Leiden gardens volunteers and Urban Ecology Group (2026). Pollinator counts in Leiden gardens,
2025 season. Citizen Science Lab.*

## Also available

Species-level records from photos were shared through iNaturalist and are on
[GBIF](https://www.gbif.org/).
""",
        faculties=("science",),
        domains=("biodiversity",),
        phases=("analysis", "dissemination"),
        audiences=("researchers", "educators"),
        sdgs=("15",),
        keywords=("open data", "pollinators", "counts"),
        authors=(RESEARCHER, "Tom Hendriks"),
        submitted_by=RESEARCHER,
        department="Urban Ecology Group",
        licence="CC0-1.0",
        age_days=100,
        files=("csv",),
    ),
    DemoResource(
        slug="dataset-rhine-nitrate-2023-2026",
        kind="dataset",
        title="Nitrate and phosphate along the Rhine branches, 2023–2026",
        summary="Three years of monthly volunteer measurements at 42 sites, with laboratory"
        " duplicates, for water managers and researchers.",
        body="""River Guardians' volunteers measured nitrate and phosphate monthly at 42 sites
along the Waal, Nederrijn, Lek and IJssel from March 2023. The data are shared for reuse by
water authorities, researchers and schools.

## Contents

- 4,100 measurements of nitrate (NO₃) and phosphate (PO₄) with test strips
- 410 laboratory duplicates (every tenth sample)
- Water temperature, weather, remarks and a photo reference for each measurement

## Method

See the method card on sampling with a test kit. Strip readings are ordinal classes; the
dataset gives both the class and its midpoint in mg/l.

## Quality

Strip and laboratory values agreed within one class in 87 % of duplicate pairs. Sites and
months with systematic differences are listed in the accompanying quality report.

## Licence

**CC BY 4.0**: cite River Guardians and the Citizen Science Lab.

## Related

Compare with the official measurements published by the water authorities on
[Waterkwaliteitsportaal](https://www.waterkwaliteitsportaal.nl/).
""",
        faculties=("science", "engineering"),
        domains=("water", "environment"),
        phases=("analysis", "dissemination"),
        audiences=("researchers", "policy_makers"),
        sdgs=("6", "14"),
        keywords=("open data", "nitrate", "river"),
        authors=(NGO, RESEARCHER),
        organisation="River Guardians",
        submitted_by=NGO,
        licence="CC-BY-4.0",
        age_days=40,
    ),
    DemoResource(
        slug="webinar-protocol-with-volunteers",
        kind="recording",
        title="Webinar: designing a protocol together with volunteers",
        summary="A one-hour recording in which a researcher and two volunteers show how they"
        " rewrote a field protocol after a pilot season.",
        body="""In this webinar from the Lab's spring series, Prof. Marieke de Boer and two
volunteers of the pollinator project tell how the first protocol failed and how they fixed
it together.

## Contents

| Time | Topic |
|---|---|
| 00:00 | Introduction by the Lab |
| 04:30 | The first protocol, and why half the counts were unusable |
| 18:00 | The volunteers' workshop: what they changed |
| 35:00 | Testing the new protocol |
| 47:00 | Questions from the audience |

## Key points

- Pilot with the people who will do the work, not with colleagues.
- Volunteers removed two steps the researchers thought essential, and added one they had
  never thought of (noting the wind).
- Write the protocol in the words volunteers use.

## Accessibility

The recording has captions in English and Dutch; a transcript is available on request.

## Watch

The recording is on the Lab's video channel; slides are attached to the recording page.
The [EU-Citizen.Science](https://eu-citizen.science/) platform lists similar webinars from
other European labs.
""",
        faculties=("science", "social_sciences"),
        domains=("biodiversity", "education"),
        phases=("design",),
        audiences=("researchers", "volunteers"),
        keywords=("webinar", "protocol", "co-design"),
        participation_level="collaborative",
        authors=(RESEARCHER, TRAINER),
        links=(("EU-Citizen.Science", "https://eu-citizen.science/"),),
        licence="CC-BY-NC-4.0",
        age_days=130,
        cover_alt="Dark green rings and blocks on a light green gradient, like people around a"
        " table.",
    ),
    DemoResource(
        slug="podcast-archives-past-climate",
        kind="recording",
        title="Podcast: what old ship logs tell us about past climate",
        summary="A 30-minute conversation with a climate historian and a volunteer transcriber"
        " about the ship-logs project.",
        body="""Between 1750 and 1790, the officers of Dutch East India Company ships wrote
down the wind and weather several times a day. In this episode of the Lab's podcast, a
climate historian and one of the project's most active transcribers talk about what those
notes reveal.

## In this episode

- How a logbook page looks, and why computers cannot read it yet
- What "a stiff breeze from the WSW" means in numbers
- How two volunteers who disagree on a word lead to a better transcription
- What the data add to climate reconstructions of the Indian Ocean

## Guests

- Noah Visser, history student and volunteer transcriber
- Dr. Clara Ruijs, climate historian

## Listen

The episode is published on the Lab's podcast feed. A full transcript is attached for
people who prefer to read.

## Read more

Similar projects: [Old Weather](https://www.oldweather.org/) on Zooniverse transcribes Royal
Navy and US logbooks; the [Copernicus Climate Change Service](https://climate.copernicus.eu/)
uses rescued weather data in its reanalyses.
""",
        faculties=("humanities",),
        domains=("heritage", "climate"),
        phases=("dissemination",),
        audiences=("general_public", "volunteers"),
        sdgs=("13",),
        keywords=("podcast", "archives", "climate history"),
        authors=(STUDENT, "Dr. Clara Ruijs"),
        links=(("Old Weather", "https://www.oldweather.org/"),),
        licence="CC-BY-NC-SA-4.0",
        age_days=6,
        views=51,
    ),
    DemoResource(
        slug="workshop-question-to-protocol",
        kind="training_material",
        title="Workshop kit: from research question to protocol in one day",
        summary="Slides, exercises and a facilitator's script for a one-day workshop that"
        " takes a project team from question to first protocol.",
        body="""The Lab runs this workshop for every project in incubation. The kit lets you
run it yourself with 6–20 participants.

## Programme

| Time | Part | Output |
|---|---|---|
| 09:30 | Welcome and expectations | Group agreements |
| 10:00 | The question (worksheet) | One answerable question |
| 11:30 | What data would answer it? | A list of variables |
| 13:30 | Drafting the protocol | Steps 1–7 of the template |
| 15:00 | Walk-through and test | A list of problems |
| 16:00 | Next steps | Who does what before the pilot |

## The kit contains

- Facilitator's script with timings and tips
- Slides (editable)
- The research-question worksheet and the field protocol template
- An evaluation form

## Facilitation tips

- Mix researchers and community members in every small group.
- Ban jargon: whoever uses a word the group does not know puts a coin in the jar.
- Test the draft protocol *outside*, even for ten minutes.

## Learning goals

Participants can formulate an answerable question, list the data it needs, and write a
protocol others can follow.
""",
        faculties=("social_sciences", "science"),
        domains=("education", "social"),
        phases=("question", "design"),
        audiences=("educators", "researchers", "community_organisers"),
        sdgs=("4",),
        keywords=("workshop", "training", "facilitation"),
        participation_level="co_created",
        authors=(TRAINER, STAFF),
        submitted_by=TRAINER,
        licence="CC-BY-SA-4.0",
        age_days=170,
        revisions=("Added the learning goals.",),
        cover_alt="Ochre rings and blocks on a cream gradient, like a workshop table seen from"
        " above.",
    ),
    DemoResource(
        slug="teaching-kit-secondary-school",
        kind="training_material",
        title="Teaching kit: citizen science in secondary school",
        summary="Four lessons in which pupils aged 13–16 collect real data for a running"
        " project, and learn what makes research reliable.",
        body="""Teachers ask the Lab for lessons that are more than a one-off excursion. This
kit links four biology or geography lessons to a real project, so pupils contribute data
that researchers use.

## The four lessons

1. **What is research?** Pupils guess which garden plants bees like most, then learn how to
   test it.
2. **Measuring**: the 15-minute pollinator count in the school garden or a nearby park.
3. **Data**: pupils enter their counts and compare them with the project's map.
4. **Reporting**: a short poster on one finding, presented to the class.

## Curriculum links

| Subject | Topic |
|---|---|
| Biology | Ecosystems, pollination, biodiversity |
| Geography | Urban green space |
| Mathematics | Averages, variation, charts |

## Practicalities

- Best from May to September; an indoor alternative with photos is included.
- No personal data: the class submits under the teacher's account.
- Each lesson is 50 minutes.

## Materials

Lesson plans, worksheets, an identification card for insect groups, and a certificate of
participation. For more projects suitable for schools, see
[EU-Citizen.Science](https://eu-citizen.science/) and [Zooniverse](https://www.zooniverse.org/).
""",
        faculties=("science", "social_sciences"),
        domains=("education", "biodiversity"),
        phases=("collection", "analysis"),
        audiences=("educators", "students"),
        sdgs=("4", "15"),
        keywords=("school", "lessons", "pupils"),
        participation_level="contributory",
        authors=(TRAINER, RESEARCHER, "Ilse Jacobs"),
        licence="CC-BY-NC-SA-4.0",
        age_days=80,
    ),
)
