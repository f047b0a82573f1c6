// Kernel family: balance. Sway statistics of a 2-D trajectory (a centre of pressure from a force
// plate, or a body landmark from pose tracking): path length, mean position, covariance and RMS
// distance. The 95 % prediction-ellipse area and the velocity are assembled in
// course/analysis/balance.py from these sums.
//
// NaN handling (documented in the wrapper): a sample (row) is valid when both coordinates are
// finite. Statistics use the valid samples only; the path length sums only the steps between two
// consecutive valid samples, so a gap is skipped rather than bridged by a straight line.
#include <cmath>
#include <cstddef>
#include <stdexcept>

#include "arrays.hpp"
#include "families.hpp"

namespace rfl {
namespace {

/// Sway sums of one trajectory, returned to Python as read-only named fields.
struct SwaySums {
    size_t n_valid;      ///< rows with both coordinates finite
    size_t n_steps;      ///< steps between two consecutive valid rows
    double path_length;  ///< sum of those steps, input units
    double mean_x, mean_y;
    double cov_xx, cov_xy, cov_yy;  ///< sample covariance (ddof = 1), NaN below 2 valid rows
    double rms;                     ///< root-mean-square distance from the mean
};

SwaySums sway(const CArray& xy) {
    if (xy.ndim() != 2 || xy.shape(1) != 2) {
        throw std::invalid_argument("xy must have shape (n, 2)");
    }
    const size_t n = xy.shape(0);
    const double* p = xy.data();
    const double nan = std::nan("");

    size_t n_valid = 0;
    size_t n_steps = 0;
    double path = 0.0;
    double sx = 0.0;
    double sy = 0.0;
    double mx = nan, my = nan, cxx = nan, cxy = nan, cyy = nan, rms = nan;
    {
        nb::gil_scoped_release release;
        bool prev_valid = false;
        double px = 0.0, py = 0.0;
        for (size_t i = 0; i < n; ++i) {
            const double x = p[2 * i];
            const double y = p[2 * i + 1];
            const bool valid = std::isfinite(x) && std::isfinite(y);
            if (valid) {
                ++n_valid;
                sx += x;
                sy += y;
                if (prev_valid) {
                    path += std::hypot(x - px, y - py);
                    ++n_steps;
                }
                px = x;
                py = y;
            }
            prev_valid = valid;
        }
        if (n_valid > 0) {
            // Two-pass: deviations from the mean keep the covariance exact for large offsets.
            mx = sx / static_cast<double>(n_valid);
            my = sy / static_cast<double>(n_valid);
            double sxx = 0.0, sxy = 0.0, syy = 0.0;
            for (size_t i = 0; i < n; ++i) {
                const double x = p[2 * i];
                const double y = p[2 * i + 1];
                if (!(std::isfinite(x) && std::isfinite(y))) continue;
                const double dx = x - mx;
                const double dy = y - my;
                sxx += dx * dx;
                sxy += dx * dy;
                syy += dy * dy;
            }
            rms = std::sqrt((sxx + syy) / static_cast<double>(n_valid));
            if (n_valid > 1) {
                const double d = static_cast<double>(n_valid - 1);  // sample covariance, ddof = 1
                cxx = sxx / d;
                cxy = sxy / d;
                cyy = syy / d;
            }
        }
    }
    return SwaySums{n_valid, n_steps, path, mx, my, cxx, cxy, cyy, rms};
}

}  // namespace

void register_balance(nb::module_& m) {
    nb::module_ sub = m.def_submodule("balance", "Sway statistics of a 2-D trajectory.");
    nb::class_<SwaySums>(sub, "SwaySums",
                         "Sway sums of a trajectory (read-only; see balance.sway).")
        .def_ro("n_valid", &SwaySums::n_valid, "Rows with both coordinates finite.")
        .def_ro("n_steps", &SwaySums::n_steps, "Steps between two consecutive valid rows.")
        .def_ro("path_length", &SwaySums::path_length, "Sum of those steps (input units).")
        .def_ro("mean_x", &SwaySums::mean_x, "Mean x of the valid rows (NaN if none).")
        .def_ro("mean_y", &SwaySums::mean_y, "Mean y of the valid rows (NaN if none).")
        .def_ro("cov_xx", &SwaySums::cov_xx, "Sample variance of x, ddof=1 (NaN below 2 rows).")
        .def_ro("cov_xy", &SwaySums::cov_xy, "Sample covariance of x and y, ddof=1.")
        .def_ro("cov_yy", &SwaySums::cov_yy, "Sample variance of y, ddof=1.")
        .def_ro("rms", &SwaySums::rms, "Root-mean-square distance from the mean (NaN if none).");
    sub.def("sway", &sway, nb::arg("xy"),
            "Sway sums of an (n, 2) float64 trajectory; rows with a non-finite value are skipped.\n\n"
            "path_length sums steps between consecutive valid rows; the covariance uses ddof=1\n"
            "(NaN if fewer than 2 valid rows); rms is the root-mean-square distance from the mean.");
}
}  // namespace rfl
