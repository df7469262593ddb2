"""Carbon neutrality (Annex D): a claim's balance, grade and status (balance, compute), and
the rules on claims, credits, subjects and plans."""
