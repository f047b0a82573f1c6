"""Self-test protocols: one small state machine per test, live or on a recorded PoseSeries."""
