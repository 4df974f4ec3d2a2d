from trivsel.demo import organisation as demo
from trivsel.organisation.importing.files import read_table
from trivsel.organisation.importing.records import parse_employees, parse_units


def test_same_seed_same_municipality_other_seed_another() -> None:
    assert demo.generate(2000, seed=7) == demo.generate(2000, seed=7)
    assert demo.generate(2000, seed=7) != demo.generate(2000, seed=8)


def test_sizes_scale_to_a_large_municipality() -> None:
    org = demo.generate(45000, seed=1)
    assert len(org.employees) == 45000
    assert 2800 <= len(org.units) <= 3400
    kinds = {unit["kind"] for unit in org.units}
    assert kinds == {"municipality", "department", "area", "unit", "team"}
    assert "Sundhed og Omsorg" in {unit["name"] for unit in org.units}


def test_generated_files_pass_the_import_checks_in_both_formats() -> None:
    org = demo.generate(600, seed=2)
    for writer, suffix in ((demo.to_csv, "csv"), (demo.to_xlsx, "xlsx")):
        units, problems = read_table(writer(org.units, demo.UNIT_HEADERS), f"u.{suffix}")
        assert units is not None and not problems
        employees, problems = read_table(
            writer(org.employees, demo.EMPLOYEE_HEADERS), f"e.{suffix}"
        )
        assert employees is not None and not problems
        unit_records, problems = parse_units(units)
        assert not problems
        employee_records, problems = parse_employees(employees, {u.code for u in unit_records})
        assert not problems and len(employee_records) == len(org.employees)
        every_unit_has_a_leader = {e.unit_code for e in employee_records if e.is_leader}
        assert every_unit_has_a_leader == {u.code for u in unit_records}
