"""The management system (clauses 4-10 and their annex counterparts): context, scope,
documented information, roles, planning, monitoring, audit, review, improvement, stated
figures; date and score arithmetic in calc."""
