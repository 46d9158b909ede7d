from django.contrib import admin

from spm.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "created_by", "done", "total", "created_at"]
    list_filter = ["status", "kind"]
    readonly_fields = ["created_at", "finished_at"]
