"""A small organisation for tests, built through the real import, as CSV text."""

from typing import Any

from trivsel.organisation.importing.service import UploadedFile, apply_import, prepare_import

UNITS_CSV = """code;parent;name;kind
K;;Testby Kommune;kommune
SO;K;Sundhed og Omsorg;forvaltning
SO-N;SO;Område Nord;område
U1;SO-N;Lokalcenter Egebakken;enhed
U1-T1;U1;Team Dag;team
U2;SO-N;Lokalcenter Bøgely;enhed
SO-S;SO;Område Syd;område
U3;SO-S;Hjemmeplejen Syd;enhed
BA;K;Borgmesterens Afdeling;forvaltning
HR;BA;HR og Arbejdsmiljø;enhed
"""

EMPLOYEES_CSV = """medarbejdernummer;navn;e-mail;mobil;stillingsgruppe;enhedskode;leder;trio
1001;Hanne HR;hanne@testby.dk;20000001;Konsulent;HR;nej;
1002;Ole Områdechef;ole@testby.dk;20000002;Områdechef;SO-N;ja;
1003;Lise Leder;lise@testby.dk;20000003;Leder;U1;ja;
1004;Anna AMR;anna@testby.dk;20000004;Social- og sundhedsassistent;U1;nej;AMR
1005;Karl Kollega;;20000005;Social- og sundhedshjælper;U1;nej;
1006;Tove Team;tove@testby.dk;;Social- og sundhedshjælper;U1-T1;nej;
1007;Sune Søsterleder;sune@testby.dk;20000007;Leder;U2;ja;
1008;Bo Borger;bo@testby.dk;20000008;Social- og sundhedshjælper;U2;nej;
1009;Sara Syd;sara@testby.dk;20000009;Leder;U3;ja;
1010;Otto Outsider;otto@testby.dk;20000010;Konsulent;BA;nej;
"""


def import_csv(units: str | None = UNITS_CSV, employees: str | None = EMPLOYEES_CSV) -> None:
    prepared = prepare_import(
        UploadedFile("units.csv", units.encode()) if units is not None else None,
        UploadedFile("employees.csv", employees.encode()) if employees is not None else None,
    )
    apply_import(prepared)


def signed_in(client: Any, user: Any) -> Any:
    """`client` signed in as `user`, as after the whole sign-in (an HR administrator also
    with the second factor confirmed): the benchmarks' own helper."""
    from trivsel.bench.clients import sign_in

    return sign_in(client, user)
