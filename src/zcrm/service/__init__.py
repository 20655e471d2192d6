"""Units of work: each opens one transaction, loads what the pure logic needs from the store, runs it, saves
what it decided through the store and leaves what comes after the commit (functions, webhook wake-ups) to its
caller."""
