"""Carbon assets (8.2.3, Annexes C and G): the ledger, serial numbers, the balance sheet of
Annex G, and the asset rules."""
