"""Assessment pages, split by concept: cycles (HR), results, calibration."""
