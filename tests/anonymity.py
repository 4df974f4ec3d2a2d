"""The database check behind "anonymity by construction", shared by the unit and browser
tests: after close, no column or table joins a response to a person or an invitation."""

from django.db import connection


def assert_no_link_from_responses_to_people() -> None:
    person_tables = {
        "organisation_employee",
        "measurements_participant",
        "survey_invitation",
        "auth_user",
    }
    with connection.cursor() as cursor:
        # The response table has no reference to a person, a participant or an invitation...
        relations = connection.introspection.get_relations(cursor, "survey_response")
        assert not {table for _col, (_target_col, table) in relations.items()} & person_tables
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, "survey_response")
        }
        assert columns == {
            "id",
            "measurement_id",
            "unit_id",
            "job_group",
            "language",
            "page",
            "revision",
            "submitted",
            "submitted_on",
            "resume",
        }
        # ...no table but the answers refers to a response...
        for table in connection.introspection.table_names(cursor):
            for _column, (_target, target_table) in connection.introspection.get_relations(
                cursor, table
            ).items():
                assert target_table != "survey_response" or table == "survey_answer", table
        # ...and after close no response keeps a resume hash, a day, a page or a revision.
        cursor.execute(
            "SELECT COUNT(*) FROM survey_response WHERE resume IS NOT NULL "
            "OR submitted_on IS NOT NULL OR page <> 0 OR revision <> 0"
        )
        assert cursor.fetchone()[0] == 0
