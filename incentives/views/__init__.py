"""Pages of the incentives: bonuses, the payout report, the what-if and the base-bonus import."""
