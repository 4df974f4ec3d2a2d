"""English dates that cannot be misread on either side of the Atlantic (4 Dec 2026, not
12/04/2026) and a 24-hour clock, as the Danish pages use. Danish keeps Django's formats."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
