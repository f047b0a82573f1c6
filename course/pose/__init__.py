"""MediaPipe pose: model provisioning, the tracker and the landmark schema."""
