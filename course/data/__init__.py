"""Sample data: pinned real media, simulated force traces and the force-plate file reader."""
