"""Pure NumPy/SciPy references for every compiled kernel; the tests compare against these."""
