"""Writes of the assessment, split by concept: schemes, cycles, reviewers' inputs,
decisions (adjustments, vetoes, exemptions) and results (compute, calibrate,
acknowledge)."""
