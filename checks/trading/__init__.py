"""Carbon trading (8.2.2, Annex B): the trade, order and price rows (rows, records), the
compliance position (compliance), conduct surveillance of B.8.2.2.1 (surveillance,
conduct_scan, conduct), profit and loss (pnl), and the trading rules."""
