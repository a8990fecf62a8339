"""Dutch resources: six translations of English ones, and three written in Dutch only."""

from cslab.hub.demo_content import DemoResource

STAFF = "staff@demo.cslab.test"
RESEARCHER = "researcher@demo.cslab.test"
TRAINER = "trainer@demo.cslab.test"
ORGANISER = "organiser@demo.cslab.test"
NGO = "ngo@demo.cslab.test"
VOLUNTEER = "volunteer@demo.cslab.test"

DUTCH: tuple[DemoResource, ...] = (
    DemoResource(
        slug="tien-principes-in-de-praktijk",
        translation_of="ten-principles-in-practice",
        language="nl",
        kind="best_practice",
        title="De tien principes van burgerwetenschap, toegepast op een universitair project",
        summary="Hoe het Lab de tien principes van ECSA vertaalt naar concrete keuzes in elke"
        " fase van een project, met vragen voor je team.",
        body="""De *tien principes* van de European Citizen Science Association vormen de
gemeenschappelijke basis van burgerwetenschap in Europa. Iedereen is het ermee eens, maar
toepassen is lastig. Deze handreiking vertaalt elk principe naar een keuze die je team maakt,
en het moment waarop.

## Voordat je begint

- **Deelnemers dragen bij aan echt onderzoek.** Schrijf de onderzoeksvraag op en wie het
  antwoord nodig heeft. Is dat niemand, dan is het project publieksvoorlichting. Dat mag,
  maar noem het dan ook zo.
- **Beide kanten hebben er baat bij.** Zet op een rij wat vrijwilligers eraan hebben
  (vaardigheden, antwoorden, erkenning) naast wat de onderzoekers eraan hebben. Vraag een
  paar toekomstige deelnemers of het lijstje klopt.

## Tijdens het ontwerp

| Principe | De keuze die het vraagt |
|---|---|
| Deelnemers kunnen in meerdere fasen meedoen | Welke fasen staan open: vraag, ontwerp, analyse? |
| Deelnemers krijgen terugkoppeling | Hoe vaak, in welke vorm, door wie? |
| Data en metadata zijn waar mogelijk open | Welke licentie, welke repository, wat blijft dicht? |
| Deelnemers worden erkend | Namen in artikelen, een lijst van bijdragers, of anoniem naar keuze? |

## Tijdens de uitvoering

Evalueer onderweg, niet alleen aan het eind: de wetenschappelijke opbrengst, de kwaliteit van
de gegevens, wat deelnemers leren en het effect op beleid. Houd juridische en ethische vragen
(privacy, auteursrecht, toestemming) op de agenda van elk teamoverleg, niet alleen in de
aanvraag bij de ethische commissie.

## Verder lezen

De principes en hun toelichting staan op de [website van ECSA](https://www.ecsa.ngo/10-principles/);
het platform [EU-Citizen.Science](https://eu-citizen.science/) verzamelt handreikingen die ze
toepassen.
""",
        faculties=("science", "social_sciences", "governance"),
        domains=("social", "education"),
        phases=("question", "design"),
        audiences=("researchers", "community_organisers", "funders"),
        sdgs=("17",),
        keywords=("principes", "ethiek", "ECSA"),
        participation_level="collaborative",
        authors=(STAFF, "Jonas Verhoeven"),
        links=(("ECSA: tien principes", "https://www.ecsa.ngo/10-principles/"),),
        age_days=300,
        cover_alt="Paarse ringen en blokken verspreid over een lila verloop: veel mensen die aan"
        " één project meedoen.",
    ),
    DemoResource(
        slug="bestuiverstelling-15-minuten",
        translation_of="pollinator-timed-count",
        language="nl",
        kind="method_card",
        title="De bestuiverstelling van 15 minuten",
        summary="Tel een kwartier lang elk insect dat één bloeiende plant bezoekt: een"
        " eenvoudige, herhaalbare methode voor tuinen en parken.",
        body="""De kwartiertelling is de ruggengraat van het project *Bestuivers in Leidse
tuinen*. Je hebt geen soortkennis nodig om te beginnen, en de aantallen zijn te vergelijken
tussen tuinen en jaren.

## Wat je nodig hebt

- Een bloeiende plant (of een plek met één soort) van ongeveer een vierkante meter
- Een timer, en het webformulier van cslab of het papieren telformulier
- Een droge, windstille dag boven 13 °C, tussen 10.00 en 17.00 uur

## Tellen

1. Noteer de plant, de tijd en het weer.
2. Tel **15 minuten** lang elk insect dat *op een bloem landt*. Een zweefvlieg die de bloem
   raakt telt mee, ook al is het maar een seconde.
3. Deel ze in groepen in: honingbijen, hommels, andere bijen, zweefvliegen, vlinders, overig.
4. Jaag geen insecten weg; vertrekt er een en komt hij terug, tel hem dan opnieuw.

## Vastleggen

| Veld | Voorbeeld |
|---|---|
| Plant | Lavendel |
| Begintijd | 10.05 |
| Groepen en aantallen | hommels 6, honingbijen 3 |
| Foto (niet verplicht) | van een insect dat je niet kon plaatsen |

## Waarom het werkt

Door de vaste tijd en oppervlakte zijn tellingen vergelijkbaar. Determineren op groepsniveau
houdt de fouten klein; foto's van onbekende insecten gaan naar
[iNaturalist](https://www.inaturalist.org/), waar kenners meekijken. De methode volgt de
[FIT Count](https://ukpoms.org.uk/fit-counts) van het Britse Pollinator Monitoring Scheme.
""",
        faculties=("science",),
        domains=("biodiversity",),
        phases=("collection",),
        audiences=("volunteers", "researchers", "educators"),
        sdgs=("15", "11"),
        keywords=("bestuivers", "bijen", "telling"),
        participation_level="contributory",
        authors=(RESEARCHER, VOLUNTEER, "Tom Hendriks"),
        links=(("iNaturalist", "https://www.inaturalist.org/"),),
        submitted_by=RESEARCHER,
        department="Urban Ecology Group",
        age_days=280,
        files=("csv",),
    ),
    DemoResource(
        slug="toestemmingsformulier-sjabloon",
        translation_of="consent-form-template",
        language="nl",
        kind="template",
        template_type="consent_form",
        title="Toestemmingsformulier voor deelnemers aan burgerwetenschap",
        summary="Een toestemmingsformulier in eenvoudige taal dat voldoet aan de AVG, met"
        " onderdelen voor foto's, gezondheidsgegevens en naamsvermelding.",
        body="""Gebruik dit formulier als deelnemers persoonsgegevens geven: hun naam en
e-mailadres, de plek van hun tuin, antwoorden over hun gezondheid. Pas de *schuingedrukte*
delen aan; houd de opbouw aan.

## 1. Waar het project over gaat

*In twee zinnen: wat je onderzoekt en waarom.* Meedoen is vrijwillig. Je mag op elk moment
stoppen zonder te zeggen waarom.

## 2. Wat we van je vragen

*Bijvoorbeeld: tel een kwartier per week insecten en stuur de tellingen in met het
webformulier.*

## 3. Welke gegevens we verzamelen en waarom

| Gegevens | Waarom | Wie ze ziet |
|---|---|---|
| Naam en e-mailadres | Om je op de hoogte te houden | Het projectteam |
| Je waarnemingen | Voor het onderzoek | Iedereen (gepubliceerd als open data) |
| Ligging van je tuin | Om de resultaten in kaart te brengen | Alleen op 1 km nauwkeurig |

## 4. Je rechten

Je mag je gegevens inzien, laten verbeteren of laten verwijderen. Schrijf naar
*contactadres*. Klachten kun je indienen bij de functionaris gegevensbescherming van de
universiteit of bij de Autoriteit Persoonsgegevens.

## 5. Kruis aan

- [ ] Ik heb deze informatie gelezen en doe mee.
- [ ] *(niet verplicht)* Ik vind het goed dat foto's die ik stuur onder CC BY 4.0 worden
  gepubliceerd.
- [ ] *(niet verplicht)* Ik wil als bijdrager genoemd worden.

## Voor het projectteam

- Voor gezondheidsgegevens is **uitdrukkelijke** toestemming nodig, en meestal een
  ethische toetsing.
- Kinderen onder de 16 hebben toestemming van een ouder nodig.
- Bewaar getekende formulieren apart van de onderzoeksgegevens.
""",
        faculties=("law", "social_sciences"),
        domains=("social", "health"),
        phases=("design",),
        audiences=("researchers", "community_organisers"),
        sdgs=("16",),
        keywords=("toestemming", "AVG", "privacy"),
        participation_level="contributory",
        authors=(STAFF, "mr. Sophie Lambrechts"),
        links=(("Autoriteit Persoonsgegevens", "https://www.autoriteitpersoonsgegevens.nl/"),),
        department="Juridische Zaken en Privacy",
        licence="CC0-1.0",
        age_days=250,
        files=("pdf",),
    ),
    DemoResource(
        slug="resultaten-teruggeven",
        translation_of="feeding-back-results",
        language="nl",
        kind="best_practice",
        title="Resultaten teruggeven aan deelnemers",
        summary="Vijf manieren om terug te koppelen aan de mensen die de gegevens verzamelden,"
        " en hoe je daartussen kiest.",
        body="""Wie tijd geeft, wil weten wat ermee gebeurd is. Terugkoppeling is bovendien de
goedkoopste manier om vrijwilligers te houden: in de enquêtes van het Lab is *niets meer
horen* de meest genoemde reden om te stoppen.

## Vijf vormen van terugkoppeling

1. **Direct**: de app toont de waarneming op een kaart, met het lopende totaal.
2. **Persoonlijk**: "jouw tellingen dit seizoen", één keer verstuurd, met een bedankje.
3. **Gezamenlijk**: een maandelijkse nieuwsbrief of een kort blogbericht met één grafiek.
4. **Bijeenkomst**: een resultatenavond waar onderzoekers presenteren en deelnemers
   meedenken over de betekenis.
5. **Samen publiceren**: deelnemers lezen het rapport of artikel mee voordat het uitkomt.

## Kiezen

| Als je deelnemers… | begin dan met |
|---|---|
| één keer bijdragen | directe terugkoppeling en een samenvatting aan het eind |
| wekelijks bijdragen | persoonlijke en gezamenlijke terugkoppeling |
| het onderzoek mee ontwierpen | bijeenkomsten en samen publiceren |

## Schrijven

- Eén bericht, één bevinding. Zet het getal in de eerste zin.
- Zeg ook wat je *nog niet* weet, en wanneer je dat verwacht te weten.
- Gebruik de woorden van de deelnemers ("de hommel op de lavendel"), niet de soortcode.

## Timing

Stuur de eerste terugkoppeling binnen twee weken na de eerste gegevens, ook als het alleen
"we ontvingen 1.240 tellingen, dank je wel" is. Stilte wordt gelezen als onverschilligheid.
""",
        faculties=("social_sciences", "humanities"),
        domains=("social", "education"),
        phases=("interpretation", "dissemination"),
        audiences=("researchers", "community_organisers", "volunteers"),
        sdgs=("4",),
        keywords=("terugkoppeling", "communicatie", "nieuwsbrief"),
        participation_level="collaborative",
        authors=(STAFF, RESEARCHER),
        age_days=4,
    ),
    DemoResource(
        slug="werkblad-onderzoeksvraag",
        translation_of="research-question-worksheet",
        language="nl",
        kind="template",
        template_type="research_question",
        title="Van zorg naar onderzoeksvraag: een werkblad",
        summary="Een werkblad voor een eerste bijeenkomst van bewoners en onderzoekers, dat een"
        " gedeelde zorg omzet in een vraag die je met gegevens kunt beantwoorden.",
        body="""Buurtprojecten beginnen vaak met een zorg: *het is te heet in onze flats, de
rivier stinkt, de bus is 's avonds onveilig*. Dit werkblad leidt een bijeenkomst van twee uur
van die zorg naar een vraag die met gegevens te beantwoorden is.

## Stap 1: De zorg (20 minuten)

Iedereen schrijft op plakbriefjes wat hem of haar dwarszit. Groepeer de briefjes en geef elke
groep een naam.

## Stap 2: Wat willen we weten? (30 minuten)

Vraag bij de groep met de meeste energie:

- Wat weten we al? Van wie?
- Wat willen we weten dat niemand ons nu kan vertellen?
- Wie zou het antwoord gebruiken, en waarvoor?

## Stap 3: Maak het beantwoordbaar (40 minuten)

| Vaag | Beantwoordbaar |
|---|---|
| Is het hier te heet? | Hoeveel nachten is het in juli binnen warmer dan 25 °C, per type woning? |
| Is de rivier vervuild? | Hoe verschilt nitraat per maand boven- en benedenstrooms van de lozing? |

Toets elke kandidaat-vraag: kunnen bewoners de gegevens verzamelen? In welke tijd? Is het
ethisch verantwoord?

## Stap 4: Volgende stappen (30 minuten)

Kies één vraag, spreek af wie hem uitwerkt en plan de volgende bijeenkomst.

## Benodigdheden

Plakbriefjes in drie kleuren, grote vellen papier, stiften, dit werkblad op A3.
""",
        faculties=("social_sciences", "governance"),
        domains=("social", "climate", "urban"),
        phases=("question",),
        audiences=("community_organisers", "researchers", "educators"),
        sdgs=("11", "17"),
        keywords=("onderzoeksvraag", "co-creatie", "bijeenkomst"),
        participation_level="co_created",
        authors=(ORGANISER, STAFF, "Dr. Mei Lin"),
        submitted_by=ORGANISER,
        organisation="Buurtvereniging Leiden-Noord",
        age_days=1,
    ),
    DemoResource(
        slug="lespakket-voortgezet-onderwijs",
        translation_of="teaching-kit-secondary-school",
        language="nl",
        kind="training_material",
        title="Lespakket: burgerwetenschap in het voortgezet onderwijs",
        summary="Vier lessen waarin leerlingen van 13 tot 16 jaar echte gegevens verzamelen"
        " voor een lopend project en leren wat onderzoek betrouwbaar maakt.",
        body="""Docenten vragen het Lab om lessen die meer zijn dan een losse excursie. Dit
pakket koppelt vier lessen biologie of aardrijkskunde aan een echt project, zodat leerlingen
gegevens aanleveren die onderzoekers gebruiken.

## De vier lessen

1. **Wat is onderzoek?** Leerlingen voorspellen welke tuinplanten bijen het liefst bezoeken
   en leren hoe je dat toetst.
2. **Meten**: de bestuiverstelling van 15 minuten in de schooltuin of een park in de buurt.
3. **Gegevens**: leerlingen voeren hun tellingen in en vergelijken ze met de kaart van het
   project.
4. **Rapporteren**: een korte poster over één bevinding, gepresenteerd aan de klas.

## Aansluiting bij het curriculum

| Vak | Onderwerp |
|---|---|
| Biologie | Ecosystemen, bestuiving, biodiversiteit |
| Aardrijkskunde | Groen in de stad |
| Wiskunde | Gemiddelden, spreiding, grafieken |

## Praktisch

- Het best van mei tot september; een binnenvariant met foto's zit erbij.
- Geen persoonsgegevens: de klas levert in via het account van de docent.
- Elke les duurt 50 minuten.

## Materiaal

Lesplannen, werkbladen, een determinatiekaart voor insectengroepen en een certificaat van
deelname. Meer projecten voor scholen vind je op
[EU-Citizen.Science](https://eu-citizen.science/) en [Zooniverse](https://www.zooniverse.org/).
""",
        faculties=("science", "social_sciences"),
        domains=("education", "biodiversity"),
        phases=("collection", "analysis"),
        audiences=("educators", "students"),
        sdgs=("4", "15"),
        keywords=("school", "lessen", "leerlingen"),
        participation_level="contributory",
        authors=(TRAINER, RESEARCHER, "Ilse Jacobs"),
        licence="CC-BY-NC-SA-4.0",
        age_days=60,
        cover_alt="Okergele ringen en blokken op een crèmekleurig verloop, als schriften op een"
        " schoolbank.",
    ),
    DemoResource(
        slug="zwerfvuil-tellen-langs-de-oever",
        language="nl",
        kind="method_card",
        title="Zwerfvuil tellen langs de rivieroever",
        summary="Een vaste methode om afval op een stuk oever van 100 meter te tellen en in te"
        " delen, zodat tellingen door de jaren heen vergelijkbaar zijn.",
        body="""Plastic in rivieren komt grotendeels in zee terecht. Door op vaste plekken het
afval op de oever te tellen, zien vrijwilligers en onderzoekers waar het vandaan komt en of
maatregelen helpen.

## Wat je nodig hebt

- Handschoenen, een grijper en twee vuilniszakken
- Een meetlint van 100 meter of een vooraf uitgezet traject
- Het telformulier (webformulier van cslab of op papier)

## Werkwijze

1. Zet een traject van **100 meter** langs de waterlijn uit, van de waterlijn tot de
   vegetatie.
2. Loop met z'n tweeën langzaam het traject af.
3. Tel elk stuk afval groter dan 2,5 cm en deel het in volgens de lijst: flesjes, doppen,
   zakjes, snoeppapiertjes, sigarettenpeuken, piepschuim, touw, overig.
4. Ruim het afval op en weeg de zakken.
5. Maak een foto van het traject voor en na.

## Vastleggen

| Veld | Voorbeeld |
|---|---|
| Traject | WAAL-07 |
| Datum en tijd | 12 maart, 10.30 |
| Aantallen per soort | doppen 34, flesjes 12 |
| Gewicht | 3,4 kg |

## Veiligheid

Raak geen injectienaalden, vaten of dode dieren aan; meld ze bij de gemeente. Werk nooit bij
hoog water.

## Achtergrond

De indeling volgt de OSPAR-richtlijn voor het monitoren van strandafval, aangepast voor
rivieroevers. Vergelijkbare tellingen worden gedaan door de
[Schone Rivieren](https://www.schonerivieren.org/)-vrijwilligers.
""",
        faculties=("science",),
        domains=("water", "environment"),
        phases=("collection",),
        audiences=("volunteers", "community_organisers", "educators"),
        sdgs=("14", "12"),
        keywords=("zwerfvuil", "plastic", "rivier"),
        participation_level="contributory",
        authors=(NGO,),
        links=(("Schone Rivieren", "https://www.schonerivieren.org/"),),
        organisation="River Guardians",
        submitted_by=NGO,
        age_days=140,
        revisions=("Veiligheid toegevoegd.",),
    ),
    DemoResource(
        slug="vrijwilligers-verzekering-en-vergoeding",
        language="nl",
        kind="best_practice",
        title="Vrijwilligers: verzekering, vergoeding en aansprakelijkheid",
        summary="Wat een project moet regelen als vrijwilligers buiten of thuis metingen"
        " doen: verzekeringen, onkostenvergoedingen en afspraken over aansprakelijkheid.",
        body="""Vrijwilligers die voor een onderzoek het veld in gaan, lopen risico's en maken
kosten. Regel vooraf wie waarvoor verantwoordelijk is; achteraf is het altijd lastiger.

## Verzekering

- **Ongevallen en aansprakelijkheid**: veel gemeenten hebben een gratis
  vrijwilligersverzekering voor vrijwilligers van organisaties in de gemeente. Vraag het na.
- **Universiteit**: controleer of vrijwilligers onder de aansprakelijkheidsverzekering van
  de universiteit vallen als zij in een project van de universiteit meedoen. Dat is niet
  vanzelfsprekend.
- **Apparatuur in bruikleen**: leg vast wie betaalt bij verlies of schade.

## Vergoeding

| Soort | Regel (Nederland) |
|---|---|
| Werkelijke onkosten | Vergoeden tegen bonnetjes, onbelast |
| Vrijwilligersvergoeding | Onbelast tot het wettelijke maximum per maand en per jaar |
| Reiskosten | Per kilometer of openbaar vervoer, binnen de regels |

Let op: een vergoeding boven het maximum is loon. Deelnemers met een uitkering moeten een
vergoeding soms melden.

## Afspraken op papier

Een korte vrijwilligersovereenkomst legt vast: de taken, de veiligheidsregels, de vergoeding,
de verzekering en hoe je stopt. Houd hem kort en begrijpelijk.

## Meer informatie

De [Vereniging NOV](https://www.nov.nl/) en de Belastingdienst geven actuele informatie over
vrijwilligersvergoedingen en verzekeringen.
""",
        faculties=("law", "governance"),
        domains=("social",),
        phases=("design",),
        audiences=("community_organisers", "researchers"),
        sdgs=("8",),
        keywords=("verzekering", "vrijwilligersvergoeding", "aansprakelijkheid"),
        authors=("mr. Sophie Lambrechts", STAFF),
        links=(("Vereniging NOV", "https://www.nov.nl/"),),
        department="Juridische Zaken en Privacy",
        licence="CC-BY-4.0",
        age_days=90,
    ),
    DemoResource(
        slug="opname-symposium-burgerwetenschap-2026",
        language="nl",
        kind="recording",
        title="Opname: symposium Burgerwetenschap in Leiden 2026",
        summary="De opname van het jaarlijkse symposium van het Lab, met presentaties van vier"
        " projecten en een debat over burgerwetenschap en beleid.",
        body="""Op het jaarlijkse symposium van het Citizen Science Lab presenteerden
onderzoekers, bewoners en vrijwilligers hun projecten, en debatteerden ze met wethouders en
beleidsmakers over de vraag wat overheden met gegevens van burgers kunnen.

## Programma

| Tijd | Onderdeel |
|---|---|
| 00:00 | Opening door het Lab |
| 06:00 | Bestuivers in Leidse tuinen: drie seizoenen tellen |
| 24:00 | Hittestress in Leiden-Noord: bewoners meten zelf |
| 42:00 | Rivierbewakers: drie jaar nitraat in de Rijn |
| 60:00 | Scheepsjournaals van de VOC: 28.000 pagina's |
| 78:00 | Debat: wat doet de overheid met burgerdata? |

## Uit het debat

- Gemeenten willen gegevens van bewoners gebruiken, maar weten niet hoe ze de kwaliteit
  moeten beoordelen.
- Bewoners willen vooraf weten wat er met hun metingen gebeurt.
- Afspraak: het Lab schrijft met twee gemeenten een handreiking voor het gebruik van
  burgerdata in beleid.

## Toegankelijkheid

De opname is ondertiteld in het Nederlands en het Engels.

## Bekijken

De opname staat op het videokanaal van het Lab. Meer Europese voorbeelden van burgerdata in
beleid vind je op [EU-Citizen.Science](https://eu-citizen.science/).
""",
        faculties=("governance", "science", "humanities"),
        domains=("social", "climate"),
        phases=("dissemination",),
        audiences=("policy_makers", "general_public", "researchers"),
        sdgs=("11", "17"),
        keywords=("symposium", "beleid", "debat"),
        authors=(STAFF, TRAINER),
        licence="CC-BY-NC-4.0",
        age_days=15,
    ),
)
