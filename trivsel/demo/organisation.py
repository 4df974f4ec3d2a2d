"""A plausible Danish municipality, generated deterministically from a seed, as the same
rows an HR export would carry. `seed_demo` imports it through the ordinary import; the
benchmark writes it to files."""

import csv
import io
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from trivsel.core.exports import csv_row, xlsx_row

UNIT_HEADERS = ["code", "parent", "name", "kind"]
EMPLOYEE_HEADERS = ["number", "name", "email", "mobile", "job_group", "unit", "leader", "trio"]
DOMAIN = "soeby.dk"

FIRST_NAMES = [
    "Anne",
    "Mette",
    "Hanne",
    "Kirsten",
    "Susanne",
    "Lene",
    "Maria",
    "Louise",
    "Camilla",
    "Pia",
    "Helle",
    "Tina",
    "Karina",
    "Line",
    "Charlotte",
    "Rikke",
    "Julie",
    "Sofie",
    "Emma",
    "Ida",
    "Nanna",
    "Fatima",
    "Amina",
    "Vibeke",
    "Birgitte",
    "Jette",
    "Lone",
    "Dorte",
    "Peter",
    "Jens",
    "Lars",
    "Michael",
    "Henrik",
    "Søren",
    "Thomas",
    "Martin",
    "Jan",
    "Niels",
    "Anders",
    "Rasmus",
    "Jesper",
    "Morten",
    "Mads",
    "Kasper",
    "Christian",
    "Frederik",
    "Mikkel",
    "Ali",
    "Mohammed",
    "Ahmad",
    "Jonas",
    "Emil",
    "Oliver",
]
LAST_NAMES = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Knudsen",
    "Jakobsen",
    "Mikkelsen",
    "Frederiksen",
    "Dahl",
    "Lund",
    "Holm",
    "Schmidt",
    "Eriksen",
    "Kjær",
    "Bach",
    "Lauridsen",
    "Yilmaz",
    "Hussein",
    "Ahmadi",
    "Nguyen",
    "Kowalski",
]
PLACES = [
    "Egebakken",
    "Bøgely",
    "Skovvang",
    "Søholm",
    "Engparken",
    "Lindely",
    "Toftegården",
    "Kildebakken",
    "Solvang",
    "Granhøj",
    "Birkely",
    "Fjordbo",
    "Havgården",
    "Møllevang",
    "Østerled",
    "Vesterhave",
    "Nørremark",
    "Sønderlund",
    "Åbakken",
    "Rosenhøj",
    "Hyldegården",
    "Pilehaven",
    "Enghaven",
    "Stensbjerg",
    "Kirkevang",
    "Strandvejen",
    "Marienlyst",
    "Bakkehuset",
    "Klosterhaven",
    "Vibeholm",
    "Ravnsborg",
    "Lærkevang",
    "Tranehøj",
    "Svanevænget",
]
# More neighbourhoods for a large municipality, named as Danish places are ("Egelund",
# "Bøgevang"), so a department's local units need no numbers to tell them apart.
PLACE_PREFIXES = ("Ege", "Bøge", "Birke", "Linde", "Aske", "Elme", "Hassel", "Pile", "Rønne",
                  "Hylde", "Gran", "Skov", "Eng", "Kilde", "Sol", "Mølle", "Lærke", "Svane",
                  "Rosen", "Vibe")  # fmt: skip
PLACE_SUFFIXES = ("lund", "vang", "høj", "holm", "ly", "gård", "dal", "bo")
PLACES += [
    name
    for suffix in PLACE_SUFFIXES
    for prefix in PLACE_PREFIXES
    if (name := f"{prefix}{suffix}") not in PLACES
]
AREAS = ["Nord", "Syd", "Øst", "Vest", "Midt", "Centrum"]
# A department's areas differ in size, as districts and functions do: the shares of its
# people for 2-6 areas, largest first (each is shifted a little by the seed).
AREA_SHAPES = {
    2: (60, 40),
    3: (45, 33, 22),
    4: (45, 30, 15, 10),
    5: (34, 25, 19, 13, 9),
    6: (28, 22, 18, 14, 10, 8),
}
STAFF_JOB_GROUPS = (("Konsulent", 45), ("Administrativ medarbejder", 35), ("Specialist", 20))
STAFF_TEAMS = ("Team Økonomi", "Team HR og Personale", "Team Politik og Jura",
               "Team Data og Digitalisering")  # fmt: skip
# Every unit with units below it has a leadership group of its own: its leader and the
# people who work with the leader rather than in one of the units below (a secretariat,
# consultants, administration, shared functions). The group is large enough that at least
# 5 of it answer even where few do, so the anonymity rules never have to hide one of the
# units below to protect a handful at the top (see docs/anonymity.md).
MUNICIPALITY_OFFICE = (("Chefkonsulent", 25), ("Specialkonsulent", 25),
                       ("Direktionssekretær", 20), ("Kommunikationskonsulent", 15),
                       ("Jurist", 15))  # fmt: skip
DEPARTMENT_OFFICE = (("Chefkonsulent", 25), ("Konsulent", 30), ("Økonomikonsulent", 20),
                     ("Ledelsessekretær", 25))  # fmt: skip
AREA_OFFICE = (("Konsulent", 35), ("Udviklingskonsulent", 20),
               ("Administrativ medarbejder", 45))  # fmt: skip
# The sizes of these groups (fewest, most), the leader included.
MUNICIPALITY_GROUP = (12, 14)  # the kommunaldirektør and the direktionssekretariat
DEPARTMENT_GROUP = (11, 14)  # the director and the department's management office
AREA_GROUP = (10, 14)  # the area chief with the area's consultants and administration
UNIT_GROUP = (10, 13)  # a local unit's leader, a deputy, administration, shared functions
TEAMS_FROM = 40  # a local unit of this many people or more has teams
LEADERS = ("leder", "chef")  # job groups ending so are leaders' (Souschef, Pædagogisk leder)


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    share: float
    unit_names: tuple[str, ...]
    team_names: tuple[str, ...]
    job_groups: tuple[tuple[str, int], ...]
    email_share: float
    staff_unit: tuple[str, str]  # the department's own staff function and its leader's title
    # A local unit with teams: its leader's deputy and the people who work in no team.
    shared_job_groups: tuple[tuple[str, int], ...]
    # Areas by function, each with its own units; empty: areas by district ("Område Nord")
    # whose units take their names from unit_names.
    functional_areas: tuple[tuple[str, tuple[str, ...]], ...] = ()


DEPARTMENTS = (
    DepartmentSpec(
        "SO", "Sundhed og Omsorg", 0.36,
        ("Lokalcenter {place}", "Hjemmeplejen {place}", "Plejehjemmet {place}"),
        ("Team Dag {n}", "Team Aften {n}", "Team Nat {n}", "Team Rehabilitering {n}"),
        (("Social- og sundhedshjælper", 40), ("Social- og sundhedsassistent", 30),
         ("Sygeplejerske", 12), ("Ergoterapeut", 4), ("Fysioterapeut", 4),
         ("Køkkenmedarbejder", 4), ("Administrativ medarbejder", 3), ("Servicemedarbejder", 3)),
        0.55,
        ("Sekretariat", "Sekretariatschef"),
        (("Sygeplejerske", 30), ("Administrativ medarbejder", 20), ("Køkkenmedarbejder", 20),
         ("Servicemedarbejder", 15), ("Ergoterapeut", 8), ("Fysioterapeut", 7)),
    ),
    DepartmentSpec(
        "BU", "Børn og Unge", 0.30,
        ("{place}skolen", "Børnehuset {place}", "Dagtilbud {place}"),
        ("Indskolingen {n}", "Mellemtrinnet {n}", "Udskolingen {n}", "Vuggestuen {n}",
         "Børnehaven {n}"),
        (("Pædagog", 35), ("Lærer", 30), ("Pædagogmedhjælper", 20),
         ("Pædagogisk assistent", 8), ("Administrativ medarbejder", 4), ("Servicemedarbejder", 3)),
        0.9,
        ("Stab", "Stabschef"),
        (("Pædagogisk leder", 15), ("Administrativ medarbejder", 25), ("Servicemedarbejder", 25),
         ("Køkkenmedarbejder", 15), ("Pædagog", 20)),
    ),
    DepartmentSpec(
        "SB", "Sociale Forhold og Beskæftigelse", 0.14,
        ("Jobcenter {place}", "Bostedet {place}", "Socialcenter {place}"),
        ("Team Ungeindsats {n}", "Team Voksen {n}", "Team Bostøtte {n}"),
        (("Socialrådgiver", 35), ("Pædagog", 25), ("Jobkonsulent", 20),
         ("Administrativ medarbejder", 15), ("Psykolog", 5)),
        0.95,
        ("Sekretariat", "Sekretariatschef"),
        (("Faglig koordinator", 25), ("Administrativ medarbejder", 45), ("Psykolog", 15),
         ("Servicemedarbejder", 15)),
    ),
    DepartmentSpec(
        "TM", "Teknik og Miljø", 0.08,
        ("Vej og Park {place}", "Byggeri {place}", "Natur og Miljø {place}"),
        ("Driftsteam {n}", "Projektteam {n}"),
        (("Gartner", 30), ("Vejmand", 25), ("Ingeniør", 20), ("Administrativ medarbejder", 25)),
        0.85,
        ("Administration", "Administrationschef"),
        (("Administrativ medarbejder", 50), ("Ingeniør", 30), ("Værkfører", 20)),
    ),
    DepartmentSpec(
        "KB", "Kultur og Borgerservice", 0.06,
        ("Biblioteket {place}", "Borgerservice {place}", "Kulturhuset {place}"),
        ("Team Udlån {n}", "Team Borgerservice {n}"),
        (("Bibliotekar", 35), ("Kontorassistent", 40), ("Kulturmedarbejder", 25)),
        0.95,
        ("Stab", "Stabschef"),
        (("Administrativ medarbejder", 50), ("Kulturmedarbejder", 25), ("Servicemedarbejder", 25)),
    ),
    DepartmentSpec(
        "BA", "Borgmesterens Afdeling", 0.06,
        (),
        ("Team {n}",),
        STAFF_JOB_GROUPS,
        1.0,
        ("Sekretariat", "Sekretariatschef"),
        STAFF_JOB_GROUPS,
        (("Økonomi og Personale", ("HR og Arbejdsmiljø", "Økonomi og Analyse",
                                   "Løn og Personale", "Budget og Regnskab", "Personalejura",
                                   "Rekruttering og Kompetenceudvikling")),
         ("Digitalisering og IT", ("IT-drift", "Digital Udvikling", "Data og Analyse",
                                   "Informationssikkerhed", "IT-support")),
         ("Politik og Kommunikation", ("Byrådssekretariatet", "Kommunikation", "Jura",
                                       "Erhverv og Internationalt")),
         ("Indkøb og Ejendomme", ("Indkøb og Udbud", "Ejendomsadministration",
                                  "Bygningsdrift")),
         ("Strategi og Udvikling", ("Strategisk Planlægning", "Innovation",
                                    "Borgerinddragelse")),
         ("Fælles Service", ("Post og Arkiv", "Reception og Mødeservice", "Kørsel og Logistik"))),
    ),
)  # fmt: skip


@dataclass
class DemoOrganisation:
    units: list[dict[str, str]] = field(default_factory=list)
    employees: list[dict[str, str]] = field(default_factory=list)


class _Builder:
    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.org = DemoOrganisation()
        self.next_number = 100001
        self.email_counts: dict[str, int] = {}
        self.name_counts: dict[tuple[str, str], int] = {}
        self.neighbourhoods: dict[str, int] = {}  # per department, the last one named

    def unit(self, code: str, parent: str, name: str, kind: str) -> str:
        self.org.units.append({"code": code, "parent": parent, "name": name, "kind": kind})
        return code

    def unique_name(self, department: str, name: str) -> str:
        """The name, numbered from its second use in the department ("Jobcenter Søholm 2")."""
        count = self.name_counts.get((department, name), 0) + 1
        self.name_counts[department, name] = count
        return name if count == 1 else f"{name} {count}"

    def person(
        self, unit: str, job_group: str, email_share: float, leader: bool = False, trio: str = ""
    ) -> None:
        rng = self.random
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if rng.random() < 0.15:
            first = f"{first} {rng.choice(FIRST_NAMES)}"
        name = f"{first} {last}"
        email = ""
        if leader or rng.random() < email_share:
            local = _ascii(f"{first.split()[0]}.{last}").lower()
            count = self.email_counts.get(local, 0) + 1
            self.email_counts[local] = count
            email = f"{local}{count if count > 1 else ''}@{DOMAIN}"
        mobile = f"{rng.randint(20, 99)}{rng.randint(0, 999999):06d}" if rng.random() < 0.85 else ""
        self.org.employees.append(
            {
                "number": str(self.next_number),
                "name": name,
                "email": email,
                "mobile": mobile,
                "job_group": job_group,
                "unit": unit,
                "leader": "ja" if leader else "nej",
                "trio": trio,
            }
        )
        self.next_number += 1

    def staff(
        self,
        unit: str,
        spec: DepartmentSpec,
        count: int,
        leader_title: str,
        job_groups: tuple[tuple[str, int], ...] = (),
        deputy: str = "",
    ) -> None:
        """A unit's own people: its leader first, then the deputy if named, then the rest."""
        if count <= 0:
            return
        self.person(unit, leader_title, spec.email_share, leader=True)
        others = count - 1
        if deputy and others > 0:
            self.person(unit, deputy, spec.email_share)
            others -= 1
        groups, weights = zip(*(job_groups or spec.job_groups), strict=True)
        for job_group in self.random.choices(groups, weights, k=others):
            self.person(unit, job_group, spec.email_share)


def _ascii(text: str) -> str:
    for danish, plain in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("Æ", "Ae"), ("Ø", "Oe"),
                          ("Å", "Aa"), (" ", "."), ("é", "e")):  # fmt: skip
        text = text.replace(danish, plain)
    return text


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` in parts proportional to `weights`, exactly (largest remainders round up)."""
    scale = total / sum(weights)
    parts = [math.floor(weight * scale) for weight in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: parts[i] - weights[i] * scale)
    for index in by_remainder[: total - sum(parts)]:
        parts[index] += 1
    return parts


def generate(employees: int = 5000, seed: int = 1) -> DemoOrganisation:
    """About one unit per 14-15 employees: 5,000 give ~350 units, 45,000 ~3,100.

    Each department has its director, a staff unit of its own (10-60 people) and 2-6 areas
    of clearly different sizes, so no area holds (nearly) all of its department. Every unit
    with units below it has a leadership group of 10-14 people of its own."""
    builder = _Builder(seed)
    rng = builder.random
    root = builder.unit("K", "", "Søby Kommune", "municipality")
    office = rng.randint(*MUNICIPALITY_GROUP)
    builder.staff(root, DEPARTMENTS[-1], office, "Kommunaldirektør", MUNICIPALITY_OFFICE)
    remaining = employees - office
    assigned = 0
    for spec in DEPARTMENTS:
        # The last department takes what rounding left over, so the total is exact.
        if spec is DEPARTMENTS[-1]:
            department_total = max(20, remaining - assigned)
        else:
            department_total = max(20, round(remaining * spec.share))
        assigned += department_total
        _department(builder, spec, department_total, root, rng)
    return builder.org


def _department(
    builder: _Builder, spec: DepartmentSpec, people: int, root: str, rng: random.Random
) -> None:
    department = builder.unit(spec.code, root, spec.name, "department")
    # A tiny demo's department keeps people for its staff unit and areas.
    office = min(rng.randint(*DEPARTMENT_GROUP), max(8, people // 3))
    builder.staff(department, spec, office, "Direktør", DEPARTMENT_OFFICE)
    people -= office
    # The staff function grows with the department, slower than it; a tiny demo keeps it small.
    staff_size = min(60, max(10, round(math.sqrt(people) * rng.uniform(0.35, 0.6))))
    staff_size = min(staff_size, max(1, people // 6))
    staff_name, staff_leader = spec.staff_unit
    _unit(
        builder, spec, department, f"{spec.code}-00", f"{spec.name}, {staff_name}", staff_size,
        STAFF_TEAMS, staff_leader, STAFF_JOB_GROUPS,
    )  # fmt: skip
    people -= staff_size
    area_count = min(6, max(2, round(math.sqrt(people / 60))))
    if spec.functional_areas:
        area_count = min(area_count, len(spec.functional_areas))
    weights = [share * rng.uniform(0.85, 1.15) for share in AREA_SHAPES[area_count]]
    for index, area_people in enumerate(_split(people, weights)):
        if spec.functional_areas:
            area_name, unit_names = spec.functional_areas[index]
        else:
            area_name, unit_names = f"Område {AREAS[index]}", ()
        area = builder.unit(
            f"{spec.code}-{index + 1:02d}", department, f"{spec.name}, {area_name}", "area"
        )
        # A small demo's small area keeps people for units of its own, or is one group.
        office = min(rng.randint(*AREA_GROUP), max(8, area_people // 3))
        if area_people - office < 6:
            builder.staff(area, spec, area_people, "Områdechef")
            continue
        builder.staff(area, spec, office, "Områdechef", AREA_OFFICE)
        people_in_units = area_people - office
        if unit_names:
            count = min(
                len(unit_names), max(1 if people_in_units < 6 else 2, people_in_units // 12)
            )
            sizes = _split(people_in_units, [rng.uniform(0.5, 1.5) for _ in range(count)])
            names = list(unit_names[:count])
        else:
            sizes = _local_unit_sizes(people_in_units, rng)
            names = [_local_unit_name(builder, spec, number) for number in range(len(sizes))]
        for number, (name, size) in enumerate(zip(names, sizes, strict=True), start=1):
            _unit(builder, spec, area, f"{area}-{number:03d}", name, size, spec.team_names)


def _local_unit_sizes(people: int, rng: random.Random) -> list[int]:
    """Varied sizes summing to `people`: mostly 12-80, now and then a small unit of 3-8, and
    never a single unit holding the whole area when there are people for two."""
    sizes: list[int] = []
    while people > 0:
        size = rng.randint(3, 8) if rng.random() < 0.12 else rng.randint(12, 80)
        if not sizes and people >= 6:
            size = min(size, people - 3)
        if people - size < 3:
            size = people
        sizes.append(size)
        people -= size
    return sizes


def _local_unit_name(builder: _Builder, spec: DepartmentSpec, number: int) -> str:
    """A neighbourhood's units share its name ("Lokalcenter Søholm", "Hjemmeplejen Søholm");
    each area starts a new neighbourhood, and no two in a department share one (a name is
    numbered only once all the places are taken)."""
    if number % len(spec.unit_names) == 0:
        builder.neighbourhoods[spec.code] = builder.neighbourhoods.get(spec.code, -1) + 1
    template = spec.unit_names[number % len(spec.unit_names)]
    # Steps of 7, prime to the 184 places, so every place comes once before any comes again.
    place = PLACES[builder.neighbourhoods[spec.code] * 7 % len(PLACES)]
    return builder.unique_name(spec.code, template.format(place=place))


def _unit(
    builder: _Builder,
    spec: DepartmentSpec,
    parent: str,
    code: str,
    name: str,
    size: int,
    team_names: tuple[str, ...],
    leader_title: str = "Leder",
    job_groups: tuple[tuple[str, int], ...] = (),
) -> None:
    """A unit of `size` people; one of TEAMS_FROM or more has teams of 11-16 below it and,
    on the unit itself, its leader with a deputy, administration and the shared functions
    (UNIT_GROUP)."""
    unit = builder.unit(code, parent, name, "unit")
    if size < TEAMS_FROM:
        builder.staff(unit, spec, size, leader_title, job_groups)
        _elect_trio(builder, unit, size)
        return
    office = builder.random.randint(*UNIT_GROUP)
    shared = job_groups or spec.shared_job_groups
    builder.staff(unit, spec, office, leader_title, shared, deputy="Souschef")
    _elect_trio(builder, unit, office)
    team_count = math.ceil((size - office) / 16)
    for team_index, team_size in enumerate(_split(size - office, [1.0] * team_count)):
        team_template = team_names[team_index % len(team_names)]
        team = builder.unit(
            f"{unit}-T{team_index + 1}",
            unit,
            team_template.format(n=team_index // len(team_names) + 1),
            "team",
        )
        builder.staff(team, spec, team_size, "Teamleder", job_groups)


def _elect_trio(builder: _Builder, unit: str, size: int) -> None:
    """The unit's AMR is one of its last `size` employees; a TR too where there are 3+.
    Colleagues elect them, so neither is the leader, the deputy or another leader."""
    people = [
        e
        for e in builder.org.employees[-size:]
        if e["unit"] == unit and e["leader"] == "nej" and not e["job_group"].endswith(LEADERS)
    ]
    if people:
        people[0]["trio"] = "AMR"
    if size >= 3 and len(people) > 1:
        people[1]["trio"] = "TR"


def to_csv(rows: list[dict[str, str]], headers: list[str], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, headers, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(dict(zip(row, csv_row(row.values()), strict=True)) for row in rows)
    return buffer.getvalue().encode(encoding)


def to_xlsx(rows: list[dict[str, str]], headers: list[str]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.append(headers)
    for row in rows:
        sheet.append(xlsx_row(sheet, [row[header] for header in headers]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_files(org: DemoOrganisation, directory: Path, fmt: str = "csv") -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    units_path, employees_path = directory / f"units.{fmt}", directory / f"employees.{fmt}"
    writer = to_xlsx if fmt == "xlsx" else to_csv
    units_path.write_bytes(writer(org.units, UNIT_HEADERS))
    employees_path.write_bytes(writer(org.employees, EMPLOYEE_HEADERS))
    return units_path, employees_path
