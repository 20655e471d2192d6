"""Units of work: each loads what the engine needs from the store, runs the engine, saves its plan through the
store and leaves what comes after the commit (functions, webhook wake-ups) to its caller."""
