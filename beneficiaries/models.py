# The beneficiary registry (persons, employers, cards) is built by its own issue.
