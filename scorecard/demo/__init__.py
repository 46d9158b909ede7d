"""The scorecard part of the demo group, seeded through the services like a user would:
the indicator dictionary (``indicators``), this year's scorecards cascaded from the
strategy (``scorecards``, goals as data in ``scorecards_data``), then the letters signed
and the actuals recorded up to last month (``letters_actuals``)."""
