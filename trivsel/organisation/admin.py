"""The admin site is for superusers setting up access: linking a login to an employee,
granting HR roles. The register itself is maintained by import, not edited here."""

from django.contrib import admin

from trivsel.organisation.models import Employee, ImportJob, RoleGrant, TrioMember, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["code", "name", "kind", "parent", "valid_to"]
    search_fields = ["code", "name"]
    list_filter = ["kind"]
    readonly_fields = ["code", "name", "kind", "parent", "valid_from", "valid_to"]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin[Employee]):
    list_display = ["number", "name", "unit", "is_leader", "is_active", "user"]
    search_fields = ["number", "name", "email"]
    list_filter = ["is_leader", "is_active"]
    autocomplete_fields = ["user"]
    readonly_fields = ["number", "name", "email", "mobile", "job_group", "unit", "is_leader",
                       "is_active"]  # fmt: skip

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin[RoleGrant]):
    list_display = ["user", "role", "unit"]
    autocomplete_fields = ["user", "unit"]
    list_filter = ["role"]


@admin.register(TrioMember)
class TrioMemberAdmin(admin.ModelAdmin[TrioMember]):
    list_display = ["employee", "role", "unit"]
    autocomplete_fields = ["employee", "unit"]
    list_filter = ["role"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    list_display = ["created_at", "created_by", "status", "units_filename", "employees_filename"]
    exclude = ["units_data", "employees_data"]
    readonly_fields = ["created_by", "status", "step", "units_filename", "employees_filename",
                       "problems", "plan", "message", "finished_at"]  # fmt: skip
