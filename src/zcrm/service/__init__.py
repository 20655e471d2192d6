"""Units of work: each service opens one transaction, loads what the pure logic needs, runs it, saves, commits, then runs what comes after the commit."""
