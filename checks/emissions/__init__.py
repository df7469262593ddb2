"""Emissions (6.1.2 e-f, 6.2-6.4, Annexes A, E, F): activity rows, one source's emissions
(lines), the inventory of a year (inventory, compute), indicators and targets, Annex E,
and the rules on factors, inventories, monitoring plans, design and targets."""
