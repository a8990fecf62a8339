"""Templates (English): one of each kind the incubation checklist links to, and one more."""

from cslab.hub.demo_content import DemoResource

STAFF = "staff@demo.cslab.test"
RESEARCHER = "researcher@demo.cslab.test"
HEALTH = "health.researcher@demo.cslab.test"
TRAINER = "trainer@demo.cslab.test"
ORGANISER = "organiser@demo.cslab.test"

TEMPLATES: tuple[DemoResource, ...] = (
    DemoResource(
        slug="consent-form-template",
        kind="template",
        template_type="consent_form",
        title="Consent form for citizen-science participants",
        summary="A plain-language consent form that meets the GDPR, with optional parts for"
        " photos, health data and being named as a contributor.",
        body="""Use this form when participants give personal data: their name and e-mail, the
place of their garden, answers about their health. Adapt the parts in *italics*; keep the
structure.

## 1. What the project is

*In two sentences: what you study and why.* Taking part is voluntary. You may stop at any
time without giving a reason.

## 2. What we ask of you

*For example: count insects for 15 minutes a week and send the counts with the web form.*

## 3. What we collect and why

| Data | Why | Who sees it |
|---|---|---|
| Name and e-mail | To send you updates | The project team |
| Your observations | For the research | Everyone (published as open data) |
| Location of your garden | To map the results | Shown only to 1 km precision |

## 4. Your rights

You may see, correct or delete your data. Write to *contact address*. Complaints go to the
university's data protection officer or the Dutch Data Protection Authority.

## 5. Please tick

- [ ] I have read this information and agree to take part.
- [ ] *(optional)* I agree that photos I send are published under CC BY 4.0.
- [ ] *(optional)* I would like to be named as a contributor.

## Notes for the project team

- Health data needs **explicit** consent and usually an ethics review.
- Children under 16 need a parent's consent.
- Keep signed forms apart from the research data.

The printable version is attached as a PDF.
""",
        faculties=("law", "social_sciences"),
        domains=("social", "health"),
        phases=("design",),
        audiences=("researchers", "community_organisers"),
        sdgs=("16",),
        keywords=("consent", "GDPR", "privacy"),
        participation_level="contributory",
        authors=(STAFF, "mr. Sophie Lambrechts"),
        links=(("Dutch Data Protection Authority", "https://www.autoriteitpersoonsgegevens.nl/"),),
        department="Legal Affairs and Privacy Office",
        licence="CC0-1.0",
        age_days=320,
        revisions=("Optional consent for being named.", "Plain-language rewrite of section 3."),
        files=("pdf",),
        views=1870,
    ),
    DemoResource(
        slug="data-management-plan-template",
        kind="template",
        template_type="data_management_plan",
        title="Data-management plan for a citizen-science project",
        summary="A short DMP following the Science Europe structure, with examples from"
        " volunteer monitoring, and a spreadsheet to list your datasets.",
        body="""Most funders ask for a data-management plan (DMP). This template follows the
[Science Europe](https://www.scienceeurope.org/) core requirements and adds the questions
that matter when volunteers collect the data.

## 1. Data description

What data will you collect, in what format and how much? *Example: 20,000 counts a year as
CSV, 2,000 photos as JPEG.*

## 2. Documentation and quality

- Which form versions and protocols describe the data?
- How are volunteer records checked? (See the data-quality guide.)

## 3. Storage and backup

Keep data on university systems (cslab is one), not on volunteers' laptops. Name who is
responsible for backups.

## 4. Legal and ethical

| Question | Answer |
|---|---|
| Personal data? | *names, e-mail, locations of homes* |
| Legal basis | *consent* |
| Sensitive locations? | *obscured to 1 km* |
| Who owns the data? | *agreed with partners in writing* |

## 5. Sharing and long-term preservation

Which licence (CC0 for observations is common), which repository (GBIF for species,
[Zenodo](https://zenodo.org/) or DANS for other data), and when.

## 6. Responsibilities and resources

Who does what, and what does it cost (storage, a data steward's hours)?

The attached CSV lists each dataset with its format, personal data, licence and repository;
fill in one row per dataset.
""",
        faculties=("law", "science"),
        domains=("technology", "environment"),
        phases=("design", "dissemination"),
        audiences=("researchers", "funders"),
        sdgs=("9",),
        keywords=("DMP", "FAIR", "open data"),
        authors=(STAFF, "Dr. Rik van Leeuwen"),
        links=(
            ("Science Europe DMP guidance", "https://www.scienceeurope.org/"),
            ("Zenodo", "https://zenodo.org/"),
        ),
        department="University Library, Research Data Support",
        licence="CC0-1.0",
        age_days=280,
        files=("csv",),
        cover_alt="Indigo blocks stacked like folders, and rings, on a pale blue-grey gradient.",
    ),
    DemoResource(
        slug="recruitment-poster-template",
        kind="template",
        template_type="recruitment_poster",
        title="Recruitment poster with tear-off strips",
        summary="An A4 poster layout for libraries, garden centres and community centres,"
        " with tear-off strips that carry the project's web address.",
        body="""Posters still work, especially for people who are not on social media. This
layout was tested in libraries and garden centres around Leiden.

## The layout

1. **A question as the headline**, not the project's name: *"Which bees visit your
   garden?"*
2. **One picture** that shows the task, not the logo.
3. **Three lines** on what you do, how long it takes and what you get back.
4. **Tear-off strips** at the bottom with the web address and a QR code.

## Writing tips

- Write at B1 level: short sentences, common words.
- Say the time it takes: "15 minutes a week".
- Name a person and a face, not only an institution.

## Where to hang it

| Place | Worked for |
|---|---|
| Garden centres | Gardeners, pollinator counts |
| Libraries | Transcription projects, older volunteers |
| GP waiting rooms (with permission) | Health projects |
| Supermarket notice boards | Neighbourhood projects |

## Checklist before printing

- [ ] Web address short and tested
- [ ] QR code scanned on two phones
- [ ] Contrast checked (dark text on a light background)
- [ ] Alt text for the online version

The attached PNG shows the layout; replace the shapes with your own picture.
""",
        faculties=("social_sciences", "humanities"),
        domains=("social", "biodiversity"),
        phases=("collection",),
        audiences=("community_organisers", "researchers"),
        keywords=("poster", "recruitment", "print"),
        authors=(TRAINER, ORGANISER),
        licence="CC-BY-SA-4.0",
        age_days=230,
        files=("png",),
    ),
    DemoResource(
        slug="recruitment-plan-template",
        kind="template",
        template_type="recruitment_plan",
        title="Recruitment plan: who, where, when and how many",
        summary="A one-page plan that makes a team decide which participants it needs, how to"
        " reach each group and when to check progress.",
        body="""A recruitment plan prevents the most common mistake: inviting "the public" and
getting only retired men with a science degree. Fill in one table per participant group.

## 1. Who do you need?

*Describe each group: gardeners in Leiden, patients with COPD, secondary-school classes.*
Say why each group matters for the research question.

## 2. The plan per group

| | Group A | Group B |
|---|---|---|
| How many | *150 gardens* | *40 patients* |
| Where to reach them | *garden centres, allotments* | *patient association, doctors* |
| Who makes contact | *project coordinator* | *patient partner* |
| Message | *"Which bees visit your garden?"* | *"Help us find the safest routes"* |
| When | *March–April* | *before the autumn* |
| Barriers | *time* | *energy on bad days, no smartphone* |

## 3. Milestones

- Week 2: first 20 participants, test the onboarding
- Week 6: half the target; if not, change channel
- Week 10: target reached; close or keep open?

## 4. Diversity check

Compare who signed up with the population you want to reach (age, gender, neighbourhood,
education). Where a group is missing, ask someone *from* that group why.

## 5. Budget

Printing, advertising, volunteer allowances, translation, refreshments at meetings.
""",
        faculties=("social_sciences",),
        domains=("social",),
        phases=("design", "collection"),
        audiences=("researchers", "community_organisers"),
        sdgs=("10",),
        keywords=("recruitment", "diversity", "planning"),
        participation_level="collaborative",
        authors=(TRAINER,),
        age_days=190,
    ),
    DemoResource(
        slug="field-protocol-template",
        kind="template",
        template_type="protocol",
        title="Field protocol template",
        summary="A protocol skeleton that volunteers can follow in the field and researchers"
        " can cite in a methods section.",
        body="""A protocol serves two readers: the volunteer on a riverbank and the reviewer of
your paper. This template keeps both in mind: numbered steps for the first, the reasons and
versions for the second.

## Header

- Protocol name and **version** (change the version with every change that affects data)
- Project, contact person, date

## 1. Purpose

One paragraph: what the measurement is for.

## 2. Equipment

A list with quantities; where to get it; how to store it.

## 3. Where and when

- Sites (with codes and coordinates) or how to choose one
- Season, time of day, weather conditions, how often

## 4. Steps

Numbered, one action per step, with the expected duration. Add photos for steps that go
wrong often.

## 5. Recording

Which form, which fields; what to do when something does not fit the form.

## 6. Safety and ethics

Risks and how to avoid them; permission needed; what never to photograph.

## 7. Quality checks

Duplicates, calibration, what the coordinator checks.

## Change log

| Version | Date | Change |
|---|---|---|
| 1.0 | | First version |

The attached CSV is an example data sheet that matches section 5.
""",
        faculties=("science", "engineering"),
        domains=("environment", "biodiversity"),
        phases=("design", "collection"),
        audiences=("researchers", "community_organisers"),
        keywords=("protocol", "methods", "fieldwork"),
        authors=(RESEARCHER, STAFF),
        submitted_by=RESEARCHER,
        licence="CC-BY-4.0",
        age_days=110,
        files=("csv",),
        revisions=("Added the change log.",),
    ),
    DemoResource(
        slug="ethics-application-template",
        kind="template",
        template_type="ethics_application",
        title="Ethics application for participatory research",
        summary="The questions ethics committees ask about citizen-science projects, with"
        " model answers you can adapt.",
        body="""Ethics committees are used to studies *on* people, not studies *with* them.
This template helps you explain a participatory design. Check your faculty's own form
first; most ask the questions below in some order.

## Who are the participants?

Explain that volunteers are both **co-researchers** (collecting data) and **research
subjects** (when you study their experience or collect their personal data). Say which
parts apply.

## Risks

| Risk | Mitigation |
|---|---|
| Fieldwork accidents | Safety instructions, never alone near water |
| Exposure of home locations | Obscured coordinates, consent |
| Burden on patients | Short diaries, pausing allowed |
| Unequal power | Partners in the steering group, payment for expert time |

## Consent

Describe how consent is asked (the consent form template), renewed when the study changes,
and withdrawn.

## Data

Refer to your data-management plan; say what is published openly and what never is.

## Benefits and feedback

What participants get back, and when (see the guide on giving results back).

## Model answer: "Are participants research subjects?"

*"Volunteers collect environmental data and are not themselves studied. We collect their
names and e-mail addresses only to coordinate the work. An optional evaluation survey at the
end asks about their experience; this part is described separately in section 6."*

Further guidance: the [ALLEA Code of Conduct](https://allea.org/code-of-conduct/) for
research integrity.
""",
        faculties=("law", "medicine", "social_sciences"),
        domains=("health", "social"),
        phases=("design",),
        audiences=("researchers",),
        sdgs=("16",),
        keywords=("ethics", "committee", "consent"),
        authors=(HEALTH, "Prof. Anouk Verbeek"),
        links=(("ALLEA Code of Conduct", "https://allea.org/code-of-conduct/"),),
        submitted_by=HEALTH,
        licence="CC-BY-NC-4.0",
        age_days=160,
        cover_alt="Dark red rings and blocks on a pale pink gradient.",
    ),
    DemoResource(
        slug="research-question-worksheet",
        kind="template",
        template_type="research_question",
        title="From a concern to a research question: a worksheet",
        summary="A worksheet for a first meeting between residents and researchers that turns"
        " a shared concern into a question data can answer.",
        body="""Community projects often start with a worry: *it is too hot in our flats, the
river smells, the buses are unsafe at night*. This worksheet guides a two-hour meeting from
that worry to a question that data can answer.

## Step 1: The concern (20 minutes)

Everyone writes on sticky notes what bothers them. Group the notes; name each group.

## Step 2: What do we want to know? (30 minutes)

For the group with the most energy, ask:

- What do we already know? From whom?
- What would we like to know that nobody can tell us now?
- Who would use the answer, and for what?

## Step 3: Make it answerable (40 minutes)

| Vague | Answerable |
|---|---|
| Is it too hot here? | How many nights above 25 °C indoors in July, per building type? |
| Is the river polluted? | How does nitrate vary by month upstream and downstream of the outlet? |

Check each candidate question: can residents collect the data? In what time? Is it
ethical?

## Step 4: Agree on next steps (30 minutes)

Choose one question, name who works it out, and set the next meeting.

## Materials

Sticky notes in three colours, large paper, markers, this worksheet printed in A3.

Related: the [EU-Citizen.Science](https://eu-citizen.science/) training module on
co-creating research questions.
""",
        faculties=("social_sciences", "governance"),
        domains=("social", "climate", "urban"),
        phases=("question",),
        audiences=("community_organisers", "researchers", "educators"),
        sdgs=("11", "17"),
        keywords=("research question", "co-creation", "workshop"),
        participation_level="co_created",
        authors=(ORGANISER, STAFF, "Dr. Mei Lin"),
        submitted_by=ORGANISER,
        organisation="Leiden-Noord Neighbourhood Association",
        age_days=1,
        views=64,
    ),
    DemoResource(
        slug="data-sharing-agreement-template",
        kind="template",
        template_type="other",
        title="Data-sharing agreement between a university and a community group",
        summary="A short agreement on who owns, uses and publishes the data a community group"
        " and university researchers collect together.",
        body="""When a neighbourhood association or an NGO collects data with a university,
agree early on who may do what with it. Disputes start when a paper appears that the
group did not expect, or when the group wants to use the data in a campaign.

## Parties

The university (represented by the project leader) and *the community group*.

## Articles

1. **Ownership.** The data belong jointly to both parties.
2. **Use by the group.** The group may use the data for its own aims, including
   communication with the municipality.
3. **Use by the university.** Researchers may use the data for research and teaching.
4. **Publication.** Each party shares a draft of any publication with the other at least
   two weeks in advance. The other party may comment but not veto.
5. **Credit.** Publications name the group; individual volunteers are named with consent.
6. **Personal data.** Personal data stay with the university and are processed as
   described in the consent form.
7. **Open data.** After *12 months* the non-personal data are published under *CC BY 4.0*.
8. **Ending.** Either party may end the agreement; data collected until then stay usable
   under these articles.

## Signatures

| For the university | For the group |
|---|---|
| name, date | name, date |

Have the university's legal office check the final text; many have a standard for this.
""",
        faculties=("law", "governance"),
        domains=("social",),
        phases=("design", "dissemination"),
        audiences=("community_organisers", "researchers"),
        sdgs=("16", "17"),
        keywords=("agreement", "data ownership"),
        participation_level="co_created",
        authors=("mr. Sophie Lambrechts", ORGANISER),
        licence="CC0-1.0",
        age_days=75,
    ),
)
