"""Best-practice guides, method cards and tools (English)."""

from cslab.hub.demo_content import DemoResource

RESEARCHER = "researcher@demo.cslab.test"
HEALTH = "health.researcher@demo.cslab.test"
TRAINER = "trainer@demo.cslab.test"
ORGANISER = "organiser@demo.cslab.test"
NGO = "ngo@demo.cslab.test"
VOLUNTEER = "volunteer@demo.cslab.test"
STUDENT = "student@demo.cslab.test"
STAFF = "staff@demo.cslab.test"

ECSA = ("ECSA: Ten principles of citizen science", "https://www.ecsa.ngo/10-principles/")
EU_CS = ("EU-Citizen.Science platform", "https://eu-citizen.science/")

GUIDES: tuple[DemoResource, ...] = (
    DemoResource(
        slug="ten-principles-in-practice",
        kind="best_practice",
        title="The ten principles of citizen science, applied to a university project",
        summary="How the Lab turns the ECSA ten principles into concrete decisions at each"
        " stage of a project, with questions to ask your team.",
        body="""The European Citizen Science Association's *ten principles* are the common ground
of most citizen-science work in Europe. They are easy to agree with and hard to apply. This
guide translates each principle into a decision your team takes, and the moment to take it.

## Before you start

- **Participants contribute to real research.** Write down the research question and who
  needs the answer. If nobody does, the project is outreach, which is fine, but call it that.
- **Both sides benefit.** List what volunteers gain (skills, answers, recognition) next to
  what the researchers gain. Ask a few future participants whether the list is right.

## While you design

| Principle | The decision it asks for |
|---|---|
| Participants may join several stages | Which stages are open: question, design, analysis? |
| Participants get feedback | How often, in what form, by whom? |
| Data and metadata are open where possible | Which licence, which repository, what stays closed? |
| Participants are acknowledged | Names in papers, a contributor list, or anonymity by choice? |

## While you run it

Evaluate as you go, not only at the end: the scientific output, data quality, what
participants learn and the effect on policy. Keep the legal and ethical questions (privacy,
copyright, consent) on the agenda of every team meeting, not only in the ethics application.

## Further reading

The principles and their explanatory notes are on the [ECSA website](https://www.ecsa.ngo/10-principles/);
the [EU-Citizen.Science](https://eu-citizen.science/) platform collects guides that apply them.
""",
        faculties=("science", "social_sciences", "governance"),
        domains=("social", "education"),
        phases=("question", "design"),
        audiences=("researchers", "community_organisers", "funders"),
        sdgs=("17",),
        keywords=("principles", "ethics", "ECSA"),
        participation_level="collaborative",
        authors=(STAFF, "Jonas Verhoeven"),
        links=(ECSA, EU_CS),
        age_days=340,
        revisions=("Added the section on further reading.", "Table of decisions extended."),
        cover_alt="Purple rings and blocks scattered over a lilac gradient, standing for many"
        " people joining one project.",
        views=1210,
    ),
    DemoResource(
        slug="recruiting-and-keeping-volunteers",
        kind="best_practice",
        title="Recruiting volunteers, and keeping them after the first month",
        summary="What the Lab's projects learned about finding participants beyond the usual"
        " circles and about why people stop.",
        body="""Most projects find their first hundred volunteers easily and lose half of them
within a month. Recruitment and retention are one problem: people stay when the project keeps
the promise that made them join.

## Where people come from

1. **Existing groups**: nature societies, patient organisations, neighbourhood associations.
   Ask the group's coordinator to co-sign the invitation.
2. **Places people already are**: garden centres, libraries, the GP's waiting room.
3. **Local media**: a regional newspaper article brought the pollinator project 300 sign-ups
   in one week.
4. **Schools**: teachers welcome a ready-made lesson; plan for the school calendar.

## Why people stop

- The task was harder or longer than announced.
- They never heard what happened with their data.
- Technical trouble at the first attempt (a log-in that failed, an app that crashed).
- Life: seasons, exams, illness. Make pausing easy and coming back easier.

## What helps

- A **first task of ten minutes** that ends with a visible result.
- A personal welcome message, signed by a person with a name.
- A **monthly update** with one number, one picture and one thing you learned.
- Recognition that fits the group: certificates for students, named credits for naturalists,
  nothing public at all for patients who prefer privacy.

See also the [recruitment plan template](/hub/recruitment-plan-template/) and the
[EU-Citizen.Science resources](https://eu-citizen.science/resources) on engagement.
""",
        faculties=("social_sciences", "science"),
        domains=("social", "biodiversity"),
        phases=("design", "collection"),
        audiences=("researchers", "community_organisers"),
        sdgs=("4", "17"),
        keywords=("recruitment", "retention", "motivation"),
        participation_level="contributory",
        authors=(TRAINER, STAFF),
        links=(EU_CS,),
        age_days=290,
        revisions=("Added what helps, from the 2026 volunteer survey.",),
    ),
    DemoResource(
        slug="feeding-back-results",
        kind="best_practice",
        title="Giving results back to participants",
        summary="Five ways to report back to the people who collected the data, and how to"
        " choose between them.",
        body="""People who give their time want to know what came of it. Feedback is also the
cheapest way to keep volunteers: in the Lab's surveys, *not hearing back* is the most common
reason to stop.

## Five forms of feedback

1. **Instant**: the app shows the observation on a map, with the running total.
2. **Personal**: "your counts this season", sent once, with a thank-you.
3. **Collective**: a monthly newsletter or a short blog post with one chart.
4. **Meeting**: a results evening where researchers present and participants interpret.
5. **Co-authored output**: participants review the report or the paper before it goes out.

## Choosing

| If your participants… | start with |
|---|---|
| contribute once | instant feedback and a final summary |
| contribute weekly | personal and collective feedback |
| helped design the study | meetings and co-authored output |

## Writing it

- One message, one finding. Put the number in the first sentence.
- Say what is *not* known yet, and when you expect to know.
- Use the participants' words for things ("the bumblebee on the lavender"), not the species
  code.
- Translate: if the project ran in Dutch, the results go out in Dutch too.

## Timing

Send the first feedback within two weeks of the first data, even if it is only "we received
1,240 counts, thank you". Silence is read as indifference.
""",
        faculties=("social_sciences", "humanities"),
        domains=("social", "education"),
        phases=("interpretation", "dissemination"),
        audiences=("researchers", "community_organisers", "volunteers"),
        sdgs=("4",),
        keywords=("feedback", "communication", "newsletter"),
        participation_level="collaborative",
        authors=(STAFF, RESEARCHER),
        age_days=5,
        cover_alt="Purple rings like speech bubbles, and blocks, on a lilac gradient.",
        views=342,
    ),
    DemoResource(
        slug="working-with-patient-organisations",
        kind="best_practice",
        title="Working with patient organisations as research partners",
        summary="How to involve patient organisations from the research question onwards,"
        " with agreements on roles, payment and data.",
        body="""Patients know things about their illness that no measurement shows: which days
are bad, what triggers symptoms, what a study asks too much of. Patient organisations can
bring that knowledge into a project as partners rather than as a recruitment channel.

## Start early

Invite the organisation before the grant proposal is final. Ask them what question *they*
would like answered. In the air-quality project the patients' association added the question
"which routes to work are safest on bad days?", which became the most cited result.

## Agree on roles in writing

- Who sits on the steering group, and with what say?
- Who speaks to the press?
- Who sees the data before publication?

## Pay for the work

Patient experts spend hours on advisory meetings. Budget a fee or a volunteer allowance
(in the Netherlands the tax-free *vrijwilligersvergoeding*) and travel costs. Check whether
payment affects benefits.

## Protect the participants

- Health data is special-category personal data under the GDPR: collect the minimum and
  keep it on university systems.
- Offer participation without a smartphone.
- Plan for flares: a participant who drops out for a month is not a lost participant.

## Useful sources

The [PatientsIncluded](https://patientsincluded.org/) charter lists conditions for
conferences and projects; [EUPATI](https://eupati.eu/) offers training for patient experts.
""",
        faculties=("medicine",),
        domains=("health",),
        phases=("question", "design", "interpretation"),
        audiences=("researchers", "community_organisers"),
        sdgs=("3", "10"),
        keywords=("patients", "co-creation", "GDPR"),
        participation_level="co_created",
        authors=(HEALTH, "Els van Dam"),
        links=(
            ("EUPATI", "https://eupati.eu/"),
            ("PatientsIncluded", "https://patientsincluded.org/"),
        ),
        age_days=210,
    ),
    DemoResource(
        slug="data-quality-volunteer-monitoring",
        kind="best_practice",
        title="Data quality in volunteer monitoring",
        summary="Practical checks that make volunteer measurements trustworthy enough for"
        " research and for the water authority.",
        body="""Volunteer data is often as good as professional data when the protocol is
simple and the checks are built in. Quality is designed, not inspected afterwards.

## Before collection

- **Train with the real kit.** A 30-minute hands-on session beats a 20-page manual.
- **Standardise the place**: fixed sampling points with a photo and coordinates.
- **Calibrate** meters against a reference before the season.

## During collection

| Check | How | Catches |
|---|---|---|
| Plausibility rules in the form | Limits on values, required photos | Typing errors |
| Duplicate samples | One in ten sent to the lab | Drift, kit problems |
| Blind samples | Known concentrations, now and then | Reading errors |
| Metadata | Time, weather, observer | Context for odd values |

## After collection

- Flag, do not delete: keep odd values with a reason code, so others can decide.
- Publish the quality checks with the data.
- Compare with official stations where they exist; in the Rhine project, volunteer nitrate
  readings were within 10 % of the lab values in 87 % of duplicate samples.

## Talking about it

Tell participants how their data is checked. People take more care when they know a lab looks
again, and they trust the results more when they see that it does.

The [GBIF data-quality guide](https://www.gbif.org/data-quality-requirements) gives
requirements for biodiversity data in particular.
""",
        faculties=("science", "engineering"),
        domains=("water", "environment"),
        phases=("design", "collection", "analysis"),
        audiences=("researchers", "community_organisers", "volunteers"),
        sdgs=("6", "14"),
        keywords=("data quality", "validation", "monitoring"),
        participation_level="contributory",
        authors=(NGO, RESEARCHER),
        links=(
            ("GBIF data-quality requirements", "https://www.gbif.org/data-quality-requirements"),
        ),
        organisation="River Guardians",
        age_days=150,
        revisions=("Added the duplicate-sample figures from the Rhine project.",),
    ),
    DemoResource(
        slug="running-a-bioblitz",
        kind="best_practice",
        title="Running a BioBlitz in your neighbourhood",
        summary="Plan a 24-hour species count with residents and experts, from permits to"
        " uploading the records.",
        body="""A BioBlitz brings residents, naturalists and scientists together to record as
many species as possible in one place within 24 hours. It is a festival and a survey at once.

## Six months before

- Choose a site with several habitats and safe access.
- Ask the landowner and the municipality for permission.
- Find experts per group: plants, birds, insects, fungi.

## One month before

- Set up a project on [iNaturalist](https://www.inaturalist.org/) for the area and date.
- Announce it in schools and local media.

## On the day

- A base tent with identification tables and microscopes.
- Guided walks each hour, including a night walk for moths and bats.
- A live species counter on a screen.

## Afterwards

Upload the records, ask experts to verify them, and share the count with everyone who came.
""",
        faculties=("science",),
        domains=("biodiversity",),
        phases=("collection",),
        audiences=("community_organisers", "general_public"),
        sdgs=("15",),
        keywords=("bioblitz", "event"),
        participation_level="contributory",
        authors=(NGO,),
        submitted_by=NGO,
        status="changes_requested",
        age_days=9,
        review_comment="A good start. Please add what it costs and who insures the event, and"
        " say how records are checked before they reach GBIF; the checklist item on personal"
        " data needs a sentence on photos of participants.",
    ),
    DemoResource(
        slug="citizen-science-is-always-cheaper",
        kind="publication",
        title="Why citizen science is always cheaper than professional monitoring",
        summary="An opinion piece arguing that volunteers can replace paid field staff.",
        body="""Volunteers work for free, so monitoring by citizens costs nothing. Every
municipality should stop paying consultants and ask residents instead.

## The argument

Paid field staff are expensive. Volunteers are not. Therefore citizen science is cheaper.

## Conclusion

Replace professional monitoring with volunteers.
""",
        faculties=("governance",),
        domains=("environment",),
        phases=("dissemination",),
        audiences=("policy_makers",),
        authors=(STUDENT,),
        submitted_by=STUDENT,
        status="declined",
        age_days=60,
        review_comment="Thank you for writing. We decline this one: it makes claims without"
        " sources, ignores the costs of coordination, training and quality control, and"
        " presents volunteers as free labour, which goes against the Lab's principles. A"
        " balanced piece on costs and benefits would be welcome.",
    ),
    # Method cards.
    DemoResource(
        slug="pollinator-timed-count",
        kind="method_card",
        title="The 15-minute pollinator count",
        summary="Count every insect that visits one flowering plant for 15 minutes: a simple,"
        " repeatable method for gardens and parks.",
        body="""The timed count is the backbone of the *Pollinators of Leiden gardens* project.
It needs no expertise to start and gives numbers that can be compared across gardens and
years.

## What you need

- A flowering plant (or patch of one species) of about one square metre
- A timer, and the cslab web form or the paper sheet
- A dry, calm day above 13 °C, between 10:00 and 17:00

## Counting

1. Note the plant, the time and the weather.
2. For **15 minutes**, count every insect that *lands on a flower*. A hoverfly that touches
   the flower counts, even for a second.
3. Sort them into groups: honeybees, bumblebees, other bees, hoverflies, butterflies, other.
4. Do not chase insects; if one leaves and returns, count it again.

## Recording

| Field | Example |
|---|---|
| Plant | Lavender |
| Start time | 10:05 |
| Groups and counts | bumblebees 6, honeybees 3 |
| Photo (optional) | of an insect you could not place |

## Why it works

The fixed time and area make counts comparable. Group-level identification keeps errors low;
photos of unknown insects go to [iNaturalist](https://www.inaturalist.org/) for experts. The
method follows the UK Pollinator Monitoring Scheme's
[FIT Count](https://ukpoms.org.uk/fit-counts).
""",
        faculties=("science",),
        domains=("biodiversity",),
        phases=("collection",),
        audiences=("volunteers", "researchers", "educators"),
        sdgs=("15", "11"),
        keywords=("pollinators", "bees", "timed count"),
        participation_level="contributory",
        authors=(RESEARCHER, VOLUNTEER, "Tom Hendriks"),
        links=(
            ("UK PoMS FIT Count", "https://ukpoms.org.uk/fit-counts"),
            ("iNaturalist", "https://www.inaturalist.org/"),
        ),
        submitted_by=RESEARCHER,
        department="Urban Ecology Group",
        age_days=300,
        revisions=("Added the recording table.", "Clarified when a short visit counts."),
        cover_alt="Dark green rings and blocks on a light green gradient, the colours of a"
        " flowering garden.",
        files=("csv",),
        views=2480,
    ),
    DemoResource(
        slug="river-test-kit-sampling",
        kind="method_card",
        title="Sampling river water with a nitrate and phosphate test kit",
        summary="A monthly routine for volunteer teams: take the sample, read the strips,"
        " record the result with a photo.",
        body="""This card describes the routine River Guardians' teams follow each month. It
takes about 30 minutes per site, including the walk.

## Kit

- Nitrate and phosphate test strips (kept cool and dry)
- A clean 500 ml bottle on a rope, gloves
- Thermometer, phone for the photo and the form

## Steps

1. **Rinse** the bottle three times with river water, downstream of where you stand.
2. **Fill** from the flowing water, 20 cm below the surface, away from the bank.
3. **Measure** the water temperature straight away.
4. **Dip** a strip for two seconds; wait exactly the time on the packet (60 s for nitrate).
5. **Read** the colour against the chart in daylight, not in the shade of a tree.
6. **Photograph** the strip on the chart; the photo lets a coordinator check the reading.
7. **Record** in the form: site, time, temperature, readings, anything unusual (foam, dead
   fish, a smell).

## Safety

Never sample alone, never enter the water, and skip the month when the river is high.

## Good to know

- Every tenth sample is also sent to the laboratory (see the data-quality guide).
- Readings between two colours: write down the lower value and note "between".

Similar kits are used by the [FreshWater Watch](https://freshwaterwatch.thewaterhub.org/)
programme worldwide.
""",
        faculties=("science",),
        domains=("water", "environment"),
        phases=("collection",),
        audiences=("volunteers", "community_organisers"),
        sdgs=("6", "14"),
        keywords=("nitrate", "phosphate", "river"),
        participation_level="contributory",
        authors=(NGO, "Karin de Wit"),
        links=(("FreshWater Watch", "https://freshwaterwatch.thewaterhub.org/"),),
        organisation="River Guardians",
        submitted_by=NGO,
        age_days=240,
        revisions=("Added the safety section.",),
        cover_alt="Dark blue rings and blocks on a light blue gradient, like ripples on water.",
        views=890,
    ),
    DemoResource(
        slug="transcription-double-keying",
        kind="method_card",
        title="Transcribing historical documents with double keying",
        summary="Two volunteers transcribe each page independently; differences go to a"
        " third reader. Reliable text from handwriting without experts for every page.",
        body="""Handwritten archives are full of information that no computer reads well yet:
weather notes in ship logs, names in civil registers, prices in merchants' ledgers. Double
keying gets trustworthy transcriptions from volunteers.

## How it works

1. Each page image is shown to **two volunteers** who do not see each other's work.
2. The transcriptions are compared field by field.
3. Where they agree, the value is accepted.
4. Where they differ, a **third reader** (an experienced volunteer) decides, seeing both.

## Designing the task

- Transcribe **fields**, not whole pages: date, wind direction, wind force, remarks.
- Keep the spelling of the source; offer a separate field for a modern reading.
- Provide a glossary of old abbreviations and units, with images.

## What it costs

| Pages | Transcriptions | Disagreements (typical) |
|---|---|---|
| 1,000 | 2,000 | 8–15 % of fields |

## Tools

[Zooniverse](https://www.zooniverse.org/) supports this design with its transcription tasks
and aggregation; cslab's classification workflows do the same with a consensus threshold.

## Credits

List transcribers by name (if they agree) in the dataset's metadata and the paper's
acknowledgements.
""",
        faculties=("humanities",),
        domains=("heritage", "climate"),
        phases=("collection", "analysis"),
        audiences=("researchers", "volunteers"),
        sdgs=("13",),
        keywords=("transcription", "archives", "handwriting"),
        participation_level="contributory",
        authors=(RESEARCHER, STUDENT),
        links=(("Zooniverse", "https://www.zooniverse.org/"),),
        submitted_by=RESEARCHER,
        age_days=260,
    ),
    DemoResource(
        slug="neighbourhood-walk-audit",
        kind="method_card",
        title="The neighbourhood walk audit",
        summary="Residents walk a fixed route in small groups and record what helps or hinders"
        " them: heat, shade, benches, unsafe crossings.",
        body="""A walk audit turns residents' everyday knowledge of their street into data a
municipality can act on. It suits questions about heat, accessibility, safety and green
space.

## Preparing

- Draw a route of 2–3 km with the residents, passing places they mention.
- Make groups of three or four, mixing ages; include someone with a walker or pram if you can.
- Prepare a map and a short form per stop: what do you see, how does it feel, what would help?

## On the walk

1. Stop at each marked point for five minutes.
2. One person notes, one photographs, everyone talks.
3. Measure what can be measured: temperature in sun and shade, width of the pavement.

## Afterwards

- Put every group's notes on one map the same evening, while memories are fresh.
- Let residents rank the problems; the ranking is a result in itself.
- Share the map with the municipality together with the residents, not on their behalf.

## Pitfalls

- Photographing people or front doors: ask first, and avoid faces.
- Walks at noon in a heat wave: go early in the morning, with water.

The method is related to the *walkability audits* used in public-health research and
described on [Civic Tech Field Guide](https://civictech.guide/).
""",
        faculties=("governance", "social_sciences"),
        domains=("urban", "climate"),
        phases=("question", "collection"),
        audiences=("community_organisers", "general_public"),
        sdgs=("11", "13"),
        keywords=("walk audit", "heat", "neighbourhood"),
        participation_level="co_created",
        authors=(ORGANISER, "Yusuf Demir"),
        organisation="Leiden-Noord Neighbourhood Association",
        submitted_by=ORGANISER,
        age_days=3,
        views=88,
    ),
    DemoResource(
        slug="symptom-diary-method",
        kind="method_card",
        title="A daily symptom diary that patients keep up",
        summary="Three questions a day, answered in under a minute, designed with patients"
        " so the diary survives a whole season.",
        body="""Long diaries are abandoned within weeks. The diary of the air-quality project
asks three questions a day and still gives researchers what they need.

## The three questions

1. How was your breathing today? (five faces, from "very good" to "very bad")
2. Did you use your reliever inhaler more than usual? (yes / no)
3. Anything special today? (free text, optional)

## Design choices

- **Same time every day**: participants choose the time of the reminder.
- **Missing days are allowed.** A gap is data too; do not send guilt-inducing reminders.
- **Paper option** for those without a smartphone, collected monthly.

## Pilot first

Try the diary for two weeks with five patients. In the Lab's pilot, a fourth question about
sleep was dropped: people found it intrusive and it added little.

## Linking to measurements

Diaries become powerful next to sensor data: the date and postcode area are enough to join
them to air-quality readings without storing exact addresses.

## Privacy

Diary answers are health data. Store them separately from names, use pseudonyms, and tell
participants who can see what. See the [consent form template](/hub/consent-form-template/).
""",
        faculties=("medicine",),
        domains=("health", "environment"),
        phases=("design", "collection"),
        audiences=("researchers", "volunteers"),
        sdgs=("3",),
        keywords=("diary", "asthma", "self-report"),
        participation_level="co_created",
        authors=(HEALTH, "Marloes Kuipers"),
        submitted_by=HEALTH,
        department="Department of Public Health",
        age_days=180,
        revisions=("Added the pilot's findings.",),
    ),
    DemoResource(
        slug="sky-brightness-measurement",
        kind="method_card",
        title="Measuring night-sky brightness",
        summary="How to measure light pollution with a sky-quality meter or a phone app, and"
        " how to make the readings comparable.",
        body="""Light pollution hides the stars and disturbs animals and people. Volunteers can
map it with an inexpensive meter or simply with their eyes.

## Two methods

| Method | Equipment | Precision |
|---|---|---|
| Sky-quality meter | A handheld SQM (about €150) | 0.1 magnitude |
| Counting stars | Your eyes and a star chart | Coarse, but anyone can do it |

## When to measure

- Clear nights, no moon above the horizon
- At least 90 minutes after sunset
- Away from direct lamps; let your eyes adapt for 15 minutes

## With a meter

1. Point the meter straight up (zenith).
2. Take five readings and note the median.
3. Record the place, time and cloud cover.

## Counting stars

Compare the sky around a known constellation with charts showing different limiting
magnitudes; the [Globe at Night](https://globeatnight.org/) programme provides the charts and
collects results worldwide. The [Loss of the Night](https://lossofthenight.blogspot.com/) app
guides you through star counts on a phone.

## Making readings comparable

Write down the equipment's serial number and calibrate against a shared meter once a year.
""",
        faculties=("science",),
        domains=("astronomy", "environment"),
        phases=("collection",),
        audiences=("volunteers", "educators", "students"),
        sdgs=("11", "15"),
        keywords=("light pollution", "stars", "SQM"),
        participation_level="contributory",
        authors=(TRAINER,),
        links=(("Globe at Night", "https://globeatnight.org/"),),
        submitted_by=TRAINER,
        age_days=120,
        cover_alt="Pale yellow rings and blocks on a dark blue gradient, like lights in a"
        " night sky.",
    ),
    DemoResource(
        slug="finds-registration-card",
        kind="method_card",
        title="Registering an archaeological find you spot on a walk",
        summary="Photograph, locate and describe a surface find without moving it, so"
        " archaeologists can judge it.",
        body="""Walkers in the dunes and on ploughed fields see pottery, flint and metal that
wind and rain bring to the surface. A good record lets archaeologists decide whether to look
further; a find taken home loses most of its value.

## Leave it where it is

The place and the layer tell more than the object. In most places taking finds is not
allowed; in the Netherlands metal-detecting needs permission of the landowner and the
municipality.

## Record

1. **Photograph** the find where it lies, with a scale (a coin or a ruler) and then close
   up from above.
2. **Locate** it with your phone's GPS; note the accuracy the phone shows.
3. **Describe** material, size and anything special (decoration, glaze, a worked edge).
4. **Photograph the surroundings** in four directions.

## Report

Submit the record through the project form or the national portal for finds
([PAN](https://www.portable-antiquities.nl/) for metal finds). An archaeologist answers
within a few weeks.

## Why it matters

Volunteer records found three previously unknown settlement sites in the dunes project.
""",
        faculties=("archaeology",),
        domains=("heritage",),
        phases=("collection",),
        audiences=("volunteers", "general_public"),
        keywords=("archaeology", "finds", "dunes"),
        participation_level="contributory",
        authors=(RESEARCHER, "Dr. Hanna Kok"),
        links=(
            ("Portable Antiquities of the Netherlands", "https://www.portable-antiquities.nl/"),
        ),
        submitted_by=RESEARCHER,
        licence="CC-BY-SA-4.0",
        age_days=330,
        cover_alt="Brown rings and blocks on a sand-coloured gradient, like sherds in the dunes.",
    ),
    DemoResource(
        slug="butterfly-garden-count",
        kind="method_card",
        title="Counting butterflies in your garden: a beginner's card",
        summary="A weekly ten-minute butterfly count that retired teachers, children and"
        " anyone else can do.",
        body="""I have counted butterflies in my garden every week for four years. This card
describes how, for anyone who wants to start.

## When

Once a week, on a sunny day, between 11:00 and 15:00, from April to October.

## How

1. Sit in one place with a view of the garden.
2. For ten minutes, note the highest number of each species you see *at the same time*.
3. Use a simple chart with the twenty most common species.

## Recording

Send the counts with the project form, or keep a notebook and enter them monthly.
The [Vlinderstichting](https://www.vlinderstichting.nl/) runs the national garden count.
""",
        faculties=("science",),
        domains=("biodiversity",),
        phases=("collection",),
        audiences=("volunteers", "general_public"),
        keywords=("butterflies", "garden"),
        participation_level="contributory",
        authors=(VOLUNTEER,),
        submitted_by=VOLUNTEER,
        status="submitted",
        age_days=2,
    ),
    DemoResource(
        slug="bat-detector-transects",
        kind="method_card",
        title="Bat detector transects along canals",
        summary="Walk a fixed canal route at dusk with a bat detector and record passes per"
        " species group.",
        body="""## Draft

Notes for a card on bat transects, to be finished after the summer fieldwork.

- Route: 2 km along the Rijn-Schiekanaal
- Start 20 minutes after sunset
- Heterodyne detector at 45 kHz and 25 kHz
""",
        faculties=("science",),
        domains=("biodiversity", "urban"),
        phases=("collection",),
        audiences=("researchers", "volunteers"),
        keywords=("bats", "acoustic"),
        authors=(RESEARCHER,),
        submitted_by=RESEARCHER,
        status="draft",
        age_days=1,
    ),
    # Tools.
    DemoResource(
        slug="odk-collect-field-forms",
        kind="tool",
        title="ODK Collect for offline field forms",
        summary="Free Android app for collecting data in the field without a connection; works"
        " with cslab's form server.",
        body="""[ODK Collect](https://getodk.org/) is an open-source Android app for field
data collection. It is used worldwide in health surveys, biodiversity monitoring and
humanitarian work, and cslab speaks its protocol (OpenRosa).

## When to use it

- Fieldwork without reliable mobile internet (rivers, dunes, rural areas)
- Long forms with skip logic, repeats and calculations
- Photos, audio and GPS points attached to records

## Getting started with cslab

1. Build your form in cslab (or upload an XLSForm).
2. Create an *app user* for the project in cslab; it shows a QR code.
3. In ODK Collect, scan the QR code: the project's forms appear.
4. Fill in forms offline; send them when back in range.

## Strengths and limits

| Strengths | Limits |
|---|---|
| Offline, robust, free | Android only (iPhone users use the web form) |
| XLSForm standard | Form design has a learning curve |
| Large community and documentation | Updates need the Play Store or an APK |

## Training

The ODK [documentation](https://docs.getodk.org/) is excellent; the Lab's trainer runs a
two-hour workshop each term. The [XLSForm reference](https://xlsform.org/) explains every
column of a form.
""",
        faculties=("science", "engineering"),
        domains=("technology", "environment"),
        phases=("collection",),
        audiences=("researchers", "community_organisers"),
        keywords=("ODK", "mobile", "offline", "XLSForm"),
        authors=(TRAINER,),
        links=(("ODK", "https://getodk.org/"), ("XLSForm", "https://xlsform.org/")),
        submitted_by=TRAINER,
        licence="CC-BY-SA-4.0",
        age_days=200,
        revisions=("Updated for app users with QR codes.",),
        cover_alt="Indigo blocks like phone screens, and rings, on a pale blue-grey gradient.",
    ),
    DemoResource(
        slug="inaturalist-for-projects",
        kind="tool",
        title="iNaturalist for project photos of plants and animals",
        summary="Use iNaturalist's community and image recognition to identify species on"
        " volunteers' photos, and get the records into GBIF.",
        body="""[iNaturalist](https://www.inaturalist.org/) is a global platform where people
share photos of living things and a community helps to identify them. Records that reach
"research grade" are shared with [GBIF](https://www.gbif.org/).

## Ways to use it in a project

- **Identification help**: volunteers upload photos of insects they cannot place; experts on
  iNaturalist suggest a name.
- **Collection project**: create a *collection project* for your area and dates; every
  observation there shows up automatically.
- **BioBlitz**: see the best-practice guide on running one.

## What to tell volunteers

- One organism per observation, several photos from different sides.
- Exact location is public unless obscured; sensitive species are obscured automatically.
- Licences: ask participants to choose CC BY or CC BY-NC for photos so the data can be reused.

## Combining with cslab

Keep counts and effort (time, area) in cslab, and link to the iNaturalist observation for
the identification. That keeps the numbers comparable and the identification transparent.

## Limits

Automatic suggestions are good for common species and weaker for insects and fungi. Treat
names as hypotheses until verified.
""",
        faculties=("science",),
        domains=("biodiversity",),
        phases=("collection", "analysis"),
        audiences=("volunteers", "researchers", "educators"),
        sdgs=("15",),
        keywords=("iNaturalist", "identification", "photos"),
        authors=(RESEARCHER, TRAINER),
        links=(("iNaturalist", "https://www.inaturalist.org/"), ("GBIF", "https://www.gbif.org/")),
        age_days=4,
        views=120,
    ),
    DemoResource(
        slug="zooniverse-project-builder",
        kind="tool",
        title="Zooniverse Project Builder",
        summary="Build an online classification or transcription project in an afternoon and"
        " reach Zooniverse's million volunteers.",
        body="""[Zooniverse](https://www.zooniverse.org/) is the largest platform for online
citizen science, with more than two million registered volunteers. Its free Project Builder
lets a team set up image classification or transcription without programming.

## Good fits

- Thousands of images (camera traps, galaxies, scanned documents) that need human eyes
- Simple questions: *is there an animal? which one? transcribe this line*

## Steps

1. Create a project and describe the research.
2. Upload subjects (images with metadata) in sets.
3. Design the workflow: questions, drawing tasks, transcription.
4. Test with your team, then request a beta review by Zooniverse volunteers.
5. Launch; answer volunteers on the Talk forum.

## Compared with cslab classification

| | Zooniverse | cslab |
|---|---|---|
| Audience | Large, international | Your own community |
| Data location | Zooniverse servers (UK/US) | University servers |
| Best for | Big public datasets | Sensitive or local material |

## Tips

Budget time for the Talk forum: volunteers' discoveries often come from discussions there.
Read the [Zooniverse policies](https://help.zooniverse.org/getting-started/lab-policies/)
before planning a launch.
""",
        faculties=("humanities", "science"),
        domains=("heritage", "astronomy"),
        phases=("collection", "analysis"),
        audiences=("researchers",),
        keywords=("Zooniverse", "classification", "online"),
        authors=(STAFF,),
        links=(("Zooniverse", "https://www.zooniverse.org/"),),
        age_days=270,
    ),
    DemoResource(
        slug="low-cost-air-sensors",
        kind="tool",
        title="Low-cost particulate sensors for citizen air monitoring",
        summary="What cheap PM2.5 sensors can and cannot tell you, and how to place and"
        " calibrate them.",
        body="""Low-cost sensors for fine particles (PM2.5 and PM10) cost €30–€300 and have
made air monitoring by residents common. Used carefully they show patterns; used naively
they mislead.

## Popular options

- **Sensor.Community** kits (SDS011 sensor): build-it-yourself, data on a public
  [map](https://sensor.community/)
- Commercial all-in-one devices with an app
- The Dutch national portal [Samen Meten](https://samenmeten.rivm.nl/) collects data from
  many of them

## Known problems

| Problem | Effect | Remedy |
|---|---|---|
| High humidity | Overestimates PM | Correct with humidity data, or discard > 90 % RH |
| Drift | Readings creep up over months | Compare with a reference station yearly |
| Placement | Kitchen or smoker nearby | Outdoors, 1.5–3 m high, away from vents |

## Good practice

- Co-locate a few sensors with an official station for two weeks before deployment.
- Report trends and differences, not absolute health limits.
- Publish the raw and corrected data with the correction method.

## In the air-quality project

Patients carried personal sensors; the team compared two types first and chose the one
with the smaller humidity error.
""",
        faculties=("engineering", "medicine"),
        domains=("environment", "health", "technology"),
        phases=("design", "collection"),
        audiences=("researchers", "community_organisers"),
        sdgs=("3", "11"),
        keywords=("sensors", "air quality", "PM2.5"),
        authors=(HEALTH, "Ir. Bas Mulder"),
        links=(
            ("Sensor.Community", "https://sensor.community/"),
            ("Samen Meten (RIVM)", "https://samenmeten.rivm.nl/"),
        ),
        submitted_by=HEALTH,
        department="Faculty of Engineering, Sensor Lab",
        age_days=95,
        cover_alt="Dark teal rings and blocks on a mint gradient, like particles in the air.",
    ),
    DemoResource(
        slug="obsidentify-invasive-plants",
        kind="tool",
        title="Spotting invasive plants with ObsIdentify",
        summary="Use the ObsIdentify app to recognise invasive plants such as Japanese"
        " knotweed and report them to the municipality.",
        body="""The free ObsIdentify app from [Observation.org](https://observation.org/)
recognises plants and animals from a photo and stores the record.

## Species to look for

- Japanese knotweed
- Giant hogweed (do not touch: the sap burns skin in sunlight)
- Himalayan balsam

## Reporting

Save the record in the app; the municipality's ecologist receives a monthly export.
""",
        faculties=("science",),
        domains=("biodiversity",),
        phases=("collection",),
        audiences=("volunteers", "general_public"),
        keywords=("invasive species", "app"),
        authors=(TRAINER,),
        submitted_by=TRAINER,
        status="submitted",
        age_days=6,
    ),
    DemoResource(
        slug="lab-survey-server-2019",
        kind="tool",
        title="The Lab's survey server (2019–2025)",
        summary="How to run surveys on the Lab's old LimeSurvey server, which has been"
        " replaced by cslab forms.",
        body="""From 2019 to 2025 the Lab ran a LimeSurvey server for project questionnaires.
This page explained how to request an account and set up a survey.

## Requesting an account

Projects asked the Lab's coordinator for an account and received a personal log-in and a
survey group.

## Building a survey

- Question groups for each topic
- Conditions to skip questions
- Token tables for invited participants

## Exporting

Results were exported as CSV or SPSS files and stored on the faculty drive.

## Why it was retired

All new questionnaires are built as cslab forms, which keep data on the same servers as the
project, support offline collection with ODK Collect and record consent with each submission.
Old surveys were archived with their projects.
""",
        faculties=("social_sciences",),
        domains=("technology",),
        phases=("collection",),
        audiences=("researchers",),
        keywords=("survey", "LimeSurvey"),
        authors=(STAFF,),
        status="retired",
        age_days=700,
        retirement_notice="The survey server was switched off on 1 October 2026. Build new"
        " questionnaires as cslab forms; see the ODK Collect tool page for offline use.",
    ),
)
