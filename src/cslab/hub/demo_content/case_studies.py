"""Six case studies: their resources (kind case_study) and their structure."""

from cslab.hub.demo_content import DemoCaseStudy, DemoResource

STAFF = "staff@demo.cslab.test"
RESEARCHER = "researcher@demo.cslab.test"
HEALTH = "health.researcher@demo.cslab.test"
ORGANISER = "organiser@demo.cslab.test"
NGO = "ngo@demo.cslab.test"
VOLUNTEER = "volunteer@demo.cslab.test"
STUDENT = "student@demo.cslab.test"
# Paths on the Lab's own site start with "/": the loader puts settings.SITE_URL in front.
LAB_SITE = ""

CASE_STUDY_RESOURCES: tuple[DemoResource, ...] = (
    DemoResource(
        slug="case-pollinators-leiden",
        kind="case_study",
        title="Case study: how gardeners changed Leiden's planting list",
        summary="Three seasons of 15-minute counts by 600 gardeners showed which plants feed"
        " wild bees; the municipality now plants them in public green space.",
        body="""In 2023 the Urban Ecology Group asked Leiden's gardeners a simple question:
*which of your plants do the bees visit?* Three seasons and 30,000 counts later, the answer
changed what the city plants.

## Why it worked

- **A task anyone could do**: 15 minutes, one plant, no identification beyond groups.
- **Fast feedback**: a weekly map and a monthly newsletter with the top ten plants.
- **A partner who wanted the answer**: the municipality's green-space department joined
  from the start and said what it would do with the results.

## What came out

| Output | For whom |
|---|---|
| Open dataset of all counts | Researchers |
| A list of 40 "bee plants" for public green space | Municipality |
| A paper on native and non-native plants | Scientists |
| A garden leaflet | Residents |

## In figures

The live figures on this page come from the project itself: participants, observations and
classifications are counted as they grow.

## Read more

The method is described in the [15-minute pollinator count](/hub/pollinator-timed-count/);
the data are in the [2025 dataset](/hub/dataset-pollinator-counts-2025/).
""",
        faculties=("science", "governance"),
        domains=("biodiversity", "urban"),
        phases=("collection", "analysis", "dissemination"),
        audiences=("researchers", "policy_makers", "general_public"),
        sdgs=("15", "11"),
        keywords=("pollinators", "municipality", "impact"),
        participation_level="collaborative",
        authors=(RESEARCHER, VOLUNTEER, STAFF),
        submitted_by=RESEARCHER,
        department="Urban Ecology Group",
        age_days=20,
        cover_alt="Dark green rings and blocks on a light green gradient, the colours of a"
        " garden in spring.",
        views=640,
    ),
    DemoResource(
        slug="case-rhine-water-quality",
        kind="case_study",
        title="Case study: River Guardians and three years of Rhine measurements",
        summary="An NGO's volunteers measured nitrate at 42 sites; matched with laboratory"
        " duplicates, their data entered the water authority's monitoring.",
        body="""River Guardians started measuring because its members saw algae blooms that
official reports did not mention. With the Lab they turned monthly test-kit readings into
data the water authority now uses.

## The turning point

The first year's data were dismissed as "test strips". The turning point was the duplicate
scheme: every tenth sample also went to a laboratory. When strip and lab agreed within one
class in 87 % of pairs, the water authority asked to receive the data monthly.

## What it took

- A two-hour training for every new volunteer, with the real kit
- Fixed sites with photos and coordinates
- A coordinator who checked every photo of a strip in the first months

## Results

- Three hot spots of nitrate below agricultural drains, now on the authority's inspection
  list
- A dataset under CC BY 4.0
- Two school projects that use the data in geography lessons

## Live figures

The project's observations on cslab are counted live on this page.
""",
        faculties=("science", "engineering"),
        domains=("water", "environment"),
        phases=("collection", "analysis", "dissemination"),
        audiences=("community_organisers", "policy_makers", "researchers"),
        sdgs=("6", "14"),
        keywords=("river", "NGO", "water authority"),
        participation_level="collaborative",
        authors=(NGO, RESEARCHER),
        organisation="River Guardians",
        submitted_by=NGO,
        age_days=35,
        revisions=("Added the school projects.",),
    ),
    DemoResource(
        slug="case-ship-logs",
        kind="case_study",
        title="Case study: 28,000 logbook pages for climate research",
        summary="Volunteers double-keyed the weather notes of 18th-century Dutch East India"
        " Company ships; climate scientists use them to reconstruct past monsoons.",
        body="""The logbooks of the Dutch East India Company (VOC) hold daily weather
observations from the Atlantic and Indian Oceans, decades before the first instruments
there. Volunteers made them readable for climate science.

## The project

- 28,000 page images from the National Archives
- Every page transcribed twice, disagreements settled by experienced volunteers
- 1,150 volunteers, of whom 40 transcribed more than 1,000 pages each

## What made it work

- Fields, not pages: date, position, wind, weather, remarks
- A glossary of 18th-century sailing terms, written with the volunteers
- A forum where historians answered questions within a day
- Monthly updates with a map of the voyages transcribed so far, and the volunteers' own
  finds: storms, sea monsters and the occasional complaint about the food

## What came of it

The wind observations were converted to modern units and delivered to international
climate-data archives, where they help reconstruct the monsoon of the 1770s. Two volunteers
co-authored the data paper.

## Live figures

This page shows the project's figures from cslab.
""",
        faculties=("humanities",),
        domains=("heritage", "climate"),
        phases=("collection", "analysis", "dissemination"),
        audiences=("researchers", "volunteers", "general_public"),
        sdgs=("13",),
        keywords=("VOC", "transcription", "climate history"),
        participation_level="contributory",
        authors=(RESEARCHER, STUDENT, "Dr. Clara Ruijs"),
        submitted_by=RESEARCHER,
        age_days=150,
        cover_alt="Brown rings and blocks on a parchment-coloured gradient, like old paper.",
    ),
    DemoResource(
        slug="case-air-quality-patients",
        kind="case_study",
        title="Case study: patients and researchers measuring air quality together",
        summary="People with asthma and COPD carried sensors and kept diaries; designing the"
        " study with them made it both feasible and more relevant.",
        body="""Air-quality research usually relies on fixed stations. People with lung
disease want to know what *they* breathe, on *their* routes. This project let them find out.

## Co-created from the start

The patients' association joined before the grant proposal. Its members shaped three
decisions: a three-question diary instead of a long one, a sensor small enough for a coat
pocket, and the question about the safest routes to work.

## Method

- 120 participants, each carrying a sensor for eight weeks
- A daily three-question diary, with a paper option
- Monthly meetings where participants looked at their own data
- Two sensor types compared beside an official station before the study began

## Findings

Symptoms rose on days with high particulate levels along participants' own routes, even when
the nearest station showed moderate values. Route choice mattered more than the time of day.

## Lessons

Paying patient experts for their time was essential, and so was allowing pauses: a flare-up
should not end someone's participation.
""",
        faculties=("medicine", "engineering"),
        domains=("health", "environment"),
        phases=("design", "collection", "interpretation"),
        audiences=("researchers", "community_organisers", "policy_makers"),
        sdgs=("3", "11"),
        keywords=("patients", "sensors", "asthma"),
        participation_level="co_created",
        authors=(HEALTH, "Els van Dam"),
        submitted_by=HEALTH,
        department="Department of Public Health",
        age_days=70,
    ),
    DemoResource(
        slug="case-dune-finds",
        kind="case_study",
        title="Case study: walkers who found three settlements in the dunes",
        summary="Records of surface finds by walkers led archaeologists to three unknown"
        " Iron Age and Roman-period sites between Katwijk and Noordwijk.",
        body="""Between 2019 and 2024, walkers in the coastal dunes photographed and located
the pottery, flint and bone that wind exposes. Their records were checked by archaeologists
of the Faculty of Archaeology and the provincial depot.

## How it ran

- A finds card explaining what to record, and to leave finds in place
- A web form with photo, location and description
- Monthly walks guided by archaeologists

## What was found

Over 1,800 records, of which about a third were archaeologically relevant. Clusters of
Iron Age and Roman pottery pointed to three settlement sites not known before. A small
excavation confirmed one of them.

## Why it ended

The project reached its aim and its funding ended. The data are archived with the
provincial depot; the finds card remains in use.

## What others can reuse

The [finds registration card](/hub/finds-registration-card/) and the agreement with the
landowners about access and reporting.
""",
        faculties=("archaeology",),
        domains=("heritage",),
        phases=("collection", "interpretation"),
        audiences=("researchers", "volunteers", "general_public"),
        keywords=("archaeology", "dunes", "finds"),
        participation_level="contributory",
        authors=(RESEARCHER, "Dr. Hanna Kok"),
        submitted_by=RESEARCHER,
        licence="CC-BY-SA-4.0",
        age_days=250,
    ),
    DemoResource(
        slug="case-hittestress-leiden-noord",
        kind="case_study",
        language="nl",
        title="Casus: bewoners van Leiden-Noord meten hittestress",
        summary="Een buurtvereniging zette samen met het Lab een onderzoek op naar hitte in"
        " huis; de metingen bepaalden waar de gemeente bomen plant.",
        body="""In de zomer van 2025 klaagden veel bewoners van Leiden-Noord over slapeloze
nachten. De buurtvereniging wilde weten hoe warm het werkelijk was, en waar. Met het Lab
zette ze een onderzoek op dat door bewoners zelf werd uitgevoerd.

## Zo ging het

- Tijdens twee bewonersavonden werd van de zorg een onderzoeksvraag gemaakt: *hoeveel
  nachten is het binnen warmer dan 25 °C, per type woning?*
- Zestig huishoudens kregen een temperatuurlogger en hielden een hittedagboek bij.
- Drie buurtwandelingen brachten de koele en hete plekken buiten in kaart.

## Wat het opleverde

| Resultaat | Voor wie |
|---|---|
| Kaart van hete straten en koele plekken | Bewoners en gemeente |
| Lijst met prioriteiten voor schaduwbomen | Gemeente |
| Tips voor koel blijven, in vier talen | Bewoners |

## Wat we leerden

- Bewoners die zelf meten, vertrouwen de uitkomsten en praten mee over oplossingen.
- Hittedagboeken gaan over mensen thuis: locaties zijn daarom afgeschermd.
- De gemeente moest vanaf het begin aan tafel zitten; dat gebeurde pas in maand drie.

Meer over de aanpak: [Klimaateffectatlas](https://www.klimaateffectatlas.nl/) en de
werkkaart voor de buurtwandeling.
""",
        faculties=("social_sciences", "governance"),
        domains=("climate", "urban", "health"),
        phases=("question", "collection", "interpretation"),
        audiences=("community_organisers", "policy_makers", "general_public"),
        sdgs=("3", "11", "13"),
        keywords=("hitte", "buurt", "klimaatadaptatie"),
        participation_level="co_created",
        authors=(ORGANISER, STAFF, "Yusuf Demir"),
        organisation="Buurtvereniging Leiden-Noord",
        submitted_by=ORGANISER,
        age_days=25,
        cover_alt="Oranjebruine ringen en blokken op een lichtgeel verloop, de kleuren van een"
        " hete zomerdag.",
    ),
)

CASE_STUDIES: tuple[DemoCaseStudy, ...] = (
    DemoCaseStudy(
        slug="case-pollinators-leiden",
        context="Leiden has many small private gardens and a municipal planting list that"
        " favoured low-maintenance, non-flowering shrubs. Little was known about which garden"
        " plants feed wild pollinators in a Dutch city.",
        methods="Gardeners made **15-minute timed counts** on one flowering plant at a time,"
        " weekly from April to October, and sent them with a cslab form. Photos of unknown"
        " insects went to iNaturalist. Counts were analysed per plant and month.",
        lessons="- Keep the task short and the same every week.\n- Give feedback within"
        " days, not months.\n- Bring the decision-maker in from the start: the municipality's"
        " interest kept volunteers motivated.",
        period=("2023-04-01", "2025-10-31"),
        place="Leiden, the Netherlands",
        groups=(
            ("volunteers", 600, "Gardeners and allotment holders"),
            ("students", 120, "Pupils of four secondary schools"),
            ("researchers", 4, "Urban Ecology Group"),
            ("professionals", 3, "Municipal green-space officers"),
        ),
        people=(
            (RESEARCHER, "Prof. Marieke de Boer", "Principal investigator"),
            (VOLUNTEER, "Anna Smit", "Volunteer and member of the advisory group"),
            ("", "Tom Hendriks", "Data manager"),
        ),
        outputs=(
            (
                "dataset",
                "Pollinator counts in Leiden gardens, 2025 season",
                f"{LAB_SITE}/hub/dataset-pollinator-counts-2025/",
                2026,
            ),
            (
                "paper",
                "Native and non-native garden plants as food for urban pollinators",
                "",
                2026,
            ),
            (
                "policy_brief",
                "Forty bee plants for public green space",
                "",
                2025,
            ),
            ("media", "Garden leaflet: plant for pollinators", "", 2025),
        ),
        impacts=(
            (
                "policy",
                "The municipality added 40 bee-friendly plants to its planting list for public "
                "green space.",
                (
                    (
                        "The counts behind the list",
                        f"{LAB_SITE}/hub/dataset-pollinator-counts-2025/",
                    ),
                ),
            ),
            (
                "scientific",
                "The first multi-year dataset of pollinator visits to garden plants in a Dutch "
                "city, open for reuse.",
                (("Dataset on GBIF", "https://www.gbif.org/"),),
            ),
            ("educational", "Four schools use the count in biology lessons each spring.", ()),
        ),
        project="pollinators",
    ),
    DemoCaseStudy(
        slug="case-rhine-water-quality",
        context="Members of River Guardians noticed algae blooms in side channels of the Rhine"
        " that did not appear in official monitoring, which samples fewer sites less often.",
        methods="Monthly sampling at 42 fixed sites with **nitrate and phosphate test strips**,"
        " a photo of every strip, and one laboratory duplicate in ten samples.",
        lessons="- Duplicate samples built the trust that made the data usable.\n- Check"
        " every photo in the first months; later, spot checks suffice.\n- Agree on data"
        " sharing with the authority before the first measurement.",
        period=("2023-03-01", ""),
        place="Waal, Nederrijn, Lek and IJssel, the Netherlands",
        groups=(
            ("volunteers", 85, "River Guardians' sampling teams"),
            ("ngos", 1, "River Guardians"),
            ("researchers", 3, "Faculty of Science"),
            ("students", 60, "Two secondary-school classes"),
        ),
        people=(
            (NGO, "Pieter Bakker", "Volunteer coordinator"),
            (RESEARCHER, "Prof. Marieke de Boer", "Scientific adviser"),
            ("", "Karin de Wit", "Laboratory analyst"),
        ),
        outputs=(
            (
                "dataset",
                "Nitrate and phosphate along the Rhine branches, 2023–2026",
                f"{LAB_SITE}/hub/dataset-rhine-nitrate-2023-2026/",
                2026,
            ),
            ("tool", "Sampling method card", f"{LAB_SITE}/hub/river-test-kit-sampling/", 2024),
            ("media", "Regional television item on the river volunteers", "", 2025),
        ),
        impacts=(
            (
                "policy",
                "Three nitrate hot spots below agricultural drains were put on the water "
                "authority's inspection list.",
                (
                    (
                        "Dataset with its quality report",
                        f"{LAB_SITE}/hub/dataset-rhine-nitrate-2023-2026/",
                    ),
                ),
            ),
            (
                "societal",
                "Volunteers report the river to the authority themselves and are invited to its "
                "annual meeting.",
                (),
            ),
            (
                "educational",
                "Two schools teach with the open data.",
                (("Teaching kit", f"{LAB_SITE}/hub/teaching-kit-secondary-school/"),),
            ),
        ),
        project="rhine-water",
    ),
    DemoCaseStudy(
        slug="case-ship-logs",
        context="Instrumental weather records over the oceans start late; ship logbooks hold"
        " earlier observations, but in handwriting no software reads reliably.",
        methods="Page images were transcribed field by field (**double keying**); disagreements"
        " went to experienced volunteers. Wind descriptions were converted to the Beaufort"
        " scale with a glossary.",
        lessons="- Transcribe fields, not pages.\n- A forum with fast answers from historians"
        " kept volunteers going.\n- Name the volunteers: two became co-authors.",
        period=("2021-01-15", "2025-06-30"),
        place="Online; logbooks from the National Archives, The Hague",
        groups=(
            ("volunteers", 1150, "Online transcribers in 30 countries"),
            ("researchers", 5, "Historians and climate scientists"),
        ),
        people=(
            (RESEARCHER, "Prof. Marieke de Boer", "Project lead at the Lab"),
            (STUDENT, "Noah Visser", "Volunteer transcriber and co-author"),
            ("", "Dr. Clara Ruijs", "Climate historian"),
        ),
        outputs=(
            ("dataset", "Weather observations from VOC ship logs, 1750–1790", "", 2025),
            (
                "paper",
                "Wind and weather in Dutch East India Company logbooks: a volunteer-transcribed "
                "dataset",
                "",
                2025,
            ),
            (
                "media",
                "Podcast: what old ship logs tell us about past climate",
                f"{LAB_SITE}/hub/podcast-archives-past-climate/",
                2026,
            ),
        ),
        impacts=(
            (
                "scientific",
                "The observations were delivered to international climate-data archives for "
                "reconstructions of the 1770s monsoon.",
                (("Copernicus Climate Change Service", "https://climate.copernicus.eu/"),),
            ),
            (
                "personal",
                "Volunteers report learning to read 18th-century handwriting; several joined other"
                " archive projects.",
                (),
            ),
        ),
        project="ship-logs",
    ),
    DemoCaseStudy(
        slug="case-air-quality-patients",
        context="People with asthma or COPD feel air pollution directly, but the official"
        " stations are far from where they walk and cycle.",
        methods="Participants carried **personal particulate sensors** for eight weeks and kept"
        " a three-question **symptom diary**; patient partners co-designed both.",
        lessons="- Pay patient experts for their time.\n- Allow pauses.\n- Let participants"
        " see their own data every month.",
        period=("2024-09-01", "2026-03-31"),
        place="The Netherlands",
        groups=(
            ("patients", 120, "People with asthma or COPD"),
            ("ngos", 2, "Patient associations"),
            ("researchers", 6, "Public health and engineering"),
        ),
        people=(
            (HEALTH, "Dr. Lucas Janssen", "Principal investigator"),
            ("", "Els van Dam", "Patient partner"),
        ),
        outputs=(
            (
                "paper",
                "Personal exposure to particulate matter and daily symptoms in people with asthma:"
                " a co-created study",
                "",
                2026,
            ),
            ("policy_brief", "Safer routes for people with lung disease", "", 2026),
        ),
        impacts=(
            (
                "personal",
                "Participants changed their routes on days with poor air and reported fewer bad "
                "days.",
                (),
            ),
            (
                "policy",
                "The patient association uses the findings in talks with two municipalities about "
                "clean-air routes.",
                (("EU-Citizen.Science project listing", "https://eu-citizen.science/"),),
            ),
        ),
    ),
    DemoCaseStudy(
        slug="case-dune-finds",
        context="The coastal dunes hold archaeological remains that wind exposes and covers"
        " again; professionals cannot survey them often enough.",
        methods="Walkers recorded surface finds **in place** with a photo, location and"
        " description; archaeologists checked every record and led monthly walks.",
        lessons="- Leaving finds in place must be explained, not only required.\n- Monthly"
        " guided walks trained walkers' eyes.\n- Archive the data before funding ends.",
        period=("2019-05-01", "2024-12-31"),
        place="Dunes between Katwijk and Noordwijk, the Netherlands",
        groups=(
            ("volunteers", 340, "Walkers and local history society members"),
            ("researchers", 4, "Faculty of Archaeology"),
            ("professionals", 2, "Provincial depot staff"),
        ),
        people=(
            (RESEARCHER, "Prof. Marieke de Boer", "Lab coordinator for the project"),
            ("", "Dr. Hanna Kok", "Archaeologist"),
        ),
        outputs=(
            ("dataset", "Surface finds in the Katwijk–Noordwijk dunes, 2019–2024", "", 2025),
            ("other", "Finds registration card", f"{LAB_SITE}/hub/finds-registration-card/", 2020),
        ),
        impacts=(
            (
                "scientific",
                "Three previously unknown settlement sites; one confirmed by excavation.",
                (("Finds registration card", f"{LAB_SITE}/hub/finds-registration-card/"),),
            ),
            ("societal", "The local history society now organises its own finds walks.", ()),
        ),
    ),
    DemoCaseStudy(
        slug="case-hittestress-leiden-noord",
        context="Veel bewoners van Leiden-Noord wonen in flats uit de jaren zestig die in de"
        " zomer slecht afkoelen. De gemeente had geen gegevens over hitte binnenshuis.",
        methods="Zestig huishoudens maten met een **temperatuurlogger** en hielden een"
        " **hittedagboek** bij; drie **buurtwandelingen** brachten hete en koele plekken buiten"
        " in kaart.",
        lessons="- Betrek de gemeente vanaf het begin.\n- Scherm locaties van woningen af.\n-"
        " Vertaal de uitkomsten naar de talen die in de buurt gesproken worden.",
        period=("2025-05-15", "2025-09-30"),
        place="Leiden-Noord",
        groups=(
            ("residents", 60, "Huishoudens met een temperatuurlogger"),
            ("ngos", 1, "Buurtvereniging Leiden-Noord"),
            ("researchers", 2, "Citizen Science Lab"),
        ),
        people=(
            (ORGANISER, "Fatima Oukili", "Initiatiefnemer en coördinator"),
            (STAFF, "Dr. Ingrid Vos", "Mentor vanuit het Lab"),
            ("", "Yusuf Demir", "Bewoner, organiseerde de wandelingen"),
        ),
        outputs=(
            ("other", "Kaart van hete straten en koele plekken", "", 2025),
            ("policy_brief", "Prioriteiten voor schaduwbomen in Leiden-Noord", "", 2025),
            ("media", "Tips voor koel blijven, in vier talen", "", 2025),
        ),
        impacts=(
            (
                "policy",
                "De gemeente plant in 2026 dertig schaduwbomen in de vijf heetste straten.",
                (("Klimaateffectatlas", "https://www.klimaateffectatlas.nl/"),),
            ),
            ("societal", "Buren met een koele woning bieden op hete dagen een koele plek aan.", ()),
        ),
    ),
)
