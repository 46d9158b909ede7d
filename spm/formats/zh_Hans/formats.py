"""Simplified Chinese number format as business reports write it: "75,000.5".

Django's own zh_Hans format groups by four with no separator, which prints ``5400`` and
``75000`` bare; Chinese annual reports and spreadsheets group by three with a comma.
Everything else (dates as 2026年11月30日) comes from Django's zh_Hans format.
"""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
