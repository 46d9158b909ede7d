from django.contrib import admin

from lightup.models import ItemLightOverride, LightScheme, LightStatus


@admin.register(LightScheme)
class LightSchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "is_default", "yellow_below", "red_below", "grace_days")


@admin.register(ItemLightOverride)
class ItemLightOverrideAdmin(admin.ModelAdmin):
    list_display = ("item", "scheme", "yellow_below", "red_below")
    raw_id_fields = ("item",)


@admin.register(LightStatus)
class LightStatusAdmin(admin.ModelAdmin):
    list_display = ("item", "year", "month", "colour", "deviation", "forecast", "predicted_miss")
    list_filter = ("year", "month", "colour")
    raw_id_fields = ("item",)
