// Kernel family: jumps, the whole analysis of one jump in one call. course/analysis/jumps.py
// validates the options, turns seconds into samples, calls `analyze` once and wraps the named
// result; every number it reports comes from here. The steps are the single kernels of jumps.cpp
// (the same jumps_detail code), each compared with tests/reference/jumps.py.
//
// Nothing is raised for a trace that cannot be analysed: the result says how far the analysis got
// (nan_index, start, takeoff, landing, integrated) and the wrapper explains the problem, with the
// numbers, in the user's terms. Options that would read out of bounds raise ValueError.
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "arrays.hpp"
#include "jumps.hpp"

namespace rfl {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Everything measured on one jump; read-only in Python (see the docstrings in the binding).
struct JumpAnalysis {
    int64_t nan_index = -1;
    double force_max = kNaN;
    double weight = kNaN;
    double quiet_sd = kNaN;
    int64_t start = -1, detect = -1, takeoff = -1, landing = -1;
    double t_start = kNaN, t_takeoff = kNaN, t_landing = kNaN;
    int64_t i_peak = -1;
    double peak_force = kNaN, peak_landing_force = kNaN;
    std::vector<double> rfd_mean;
    double peak_rfd = kNaN;
    int64_t peak_rfd_at = -1;
    bool integrated = false;
    double lead_in = 0.0, lead_out = 0.0;
    int64_t kin_first = -1;
    NpArray kinematics;  ///< (5, points): t, force, velocity, displacement, power
    double takeoff_velocity = kNaN, peak_power = kNaN, depth = kNaN, braking_rfd = kNaN;
    int64_t i_peak_power = -1, i_lowest = -1, i_vmin = -1;
};

/// The numeric work of `analyze`, without the GIL; the kinematics go into `kin` (5 rows).
void run(const double* f, int64_t n, double fs, int kind, int64_t quiet_i0, int64_t quiet_i1,
         double given_weight, int64_t search_from, double onset_sd, int64_t backtrack, double thr,
         int64_t min_flight, int64_t min_contact, const std::vector<int64_t>& rfd_windows,
         int64_t peak_window, bool integrate, double v0, int64_t landing_window, double max_edge,
         double g, JumpAnalysis& r, std::vector<double>& kin) {
    namespace d = jumps_detail;
    // NaN/inf anywhere: x - x is 0 only for finite x. An OR of comparisons, which the compiler
    // vectorises (a compare-and-branch loop costs about 1 ns per sample).
    int bad = 0;
    for (int64_t i = 0; i < n; ++i) bad |= static_cast<int>(!(f[i] - f[i] == 0.0));
    if (bad) {
        for (int64_t i = 0; i < n; ++i) {
            if (!std::isfinite(f[i])) {
                r.nan_index = i;
                return;
            }
        }
    }
    if (kind == 2) {  // a drop jump's contact must be a real impact: its checks need the largest
        double fmax = f[0];
        for (int64_t i = 1; i < n; ++i) fmax = f[i] > fmax ? f[i] : fmax;
        r.force_max = fmax;
    }
    if (quiet_i0 >= 0) {
        const auto stats = d::window_stats(f, quiet_i0, quiet_i1);
        r.weight = stats.first;
        r.quiet_sd = stats.second;
    } else {
        r.weight = given_weight;
    }
    const bool drop = kind == 2;
    if (drop) {
        r.start = r.detect = d::first_run(f, n, 0, thr, true, min_contact);
        if (r.start < 0) return;
        r.t_start = d::crossing_time(f, r.start, thr, fs);
    } else {
        const double sd = std::isnan(r.quiet_sd) ? 0.0 : r.quiet_sd;
        const auto onset = d::find_onset(f, n, search_from, r.weight, onset_sd * sd, backtrack);
        r.start = onset.first;
        r.detect = onset.second;
        if (r.start < 0) return;
        r.t_start = static_cast<double>(r.start) / fs;
    }
    const auto flight = d::find_flight(f, n, r.detect, thr, min_flight, min_contact);
    r.takeoff = flight.first;
    r.landing = flight.second;
    if (r.takeoff < 0 || r.landing < 0) return;
    r.t_takeoff = d::crossing_time(f, r.takeoff, thr, fs);
    r.t_landing = d::crossing_time(f, r.landing, thr, fs);

    r.i_peak = r.start;  // first largest force from start to take-off (inclusive)
    for (int64_t i = r.start + 1; i <= r.takeoff; ++i) {
        if (f[i] > f[r.i_peak]) r.i_peak = i;
    }
    r.peak_force = f[r.i_peak];
    const int64_t land_end = std::min(n, r.landing + landing_window);
    double land_max = f[r.landing];
    for (int64_t i = r.landing + 1; i < land_end; ++i) land_max = f[i] > land_max ? f[i] : land_max;
    r.peak_landing_force = land_max;

    r.rfd_mean.reserve(rfd_windows.size());
    for (const int64_t k : rfd_windows) {
        const bool fits = k >= 1 && r.start + k <= r.takeoff;
        r.rfd_mean.push_back(fits ? (f[r.start + k] - f[r.start]) * fs / static_cast<double>(k)
                                  : kNaN);
    }
    const auto prfd = d::peak_rfd(f, fs, r.start, r.i_peak, peak_window);
    r.peak_rfd = prfd.first;
    r.peak_rfd_at = prfd.second;

    const int64_t i0 = r.start, i1 = r.takeoff - 1;  // first and last loaded sample of the push
    if (!integrate || i1 < i0) return;
    r.lead_out = d::edge_lead(f, i1, i1 > 0 ? i1 - 1 : 0, r.takeoff, fs, max_edge);
    r.lead_in = (drop && i0 > 0) ? d::edge_lead(f, i0, i0 + 1, i0 - 1, fs, max_edge) : 0.0;
    const size_t first = r.lead_in > 0.0 ? 1 : 0;
    const auto n_samples = static_cast<size_t>(i1 - i0 + 1);
    const size_t len = first + n_samples + 1;
    kin.resize(5 * len);  // one block, rows t, force, velocity, displacement, power
    double* t = kin.data();
    double* force = t + len;
    double* v = force + len;
    double* s = v + len;
    double* p = s + len;
    for (size_t k = 0; k < n_samples; ++k) {
        t[first + k] = static_cast<double>(i0 + static_cast<int64_t>(k)) / fs;
        force[first + k] = f[i0 + static_cast<int64_t>(k)];
    }
    if (first) {
        t[0] = static_cast<double>(i0) / fs - r.lead_in;
        force[0] = 0.0;
    }
    t[len - 1] = static_cast<double>(i1) / fs + r.lead_out;
    force[len - 1] = 0.0;
    d::integrate(f, fs, r.weight / g, r.weight, i0, i1, v0, r.lead_in, r.lead_out, v, s, p);
    r.integrated = true;
    r.kin_first = i0 - static_cast<int64_t>(first);
    r.takeoff_velocity = v[len - 1];
    size_t ipp = 0, ilow = 0;
    for (size_t k = 1; k < len; ++k) {
        if (p[k] > p[ipp]) ipp = k;
        if (s[k] < s[ilow]) ilow = k;
    }
    r.i_peak_power = static_cast<int64_t>(ipp);
    r.peak_power = p[ipp];
    if (kind != 0) return;  // countermovement only: lowest position, depth, braking RFD
    size_t ivmin = 0;
    for (size_t k = 1; k <= ilow; ++k) {
        if (v[k] < v[ivmin]) ivmin = k;
    }
    r.i_lowest = static_cast<int64_t>(ilow);
    r.i_vmin = static_cast<int64_t>(ivmin);
    r.depth = -s[ilow];
    if (ilow > ivmin) {
        r.braking_rfd = (f[r.kin_first + r.i_lowest] - f[r.kin_first + r.i_vmin]) * fs /
                        static_cast<double>(ilow - ivmin);
    }
}

JumpAnalysis analyze(const CVec& force, double fs, int kind, int64_t quiet_i0, int64_t quiet_i1,
                     double given_weight, int64_t search_from, double onset_sd, int64_t backtrack,
                     double threshold, int64_t min_flight, int64_t min_contact,
                     const std::vector<int64_t>& rfd_windows, int64_t peak_window, bool integrate,
                     double v0, int64_t landing_window, double max_edge, double g) {
    const auto n = static_cast<int64_t>(force.shape(0));
    if (n < 2 || !(fs > 0.0) || kind < 0 || kind > 2) {
        throw std::invalid_argument("analyze: need >= 2 samples, fs > 0 and kind 0, 1 or 2");
    }
    if (quiet_i0 >= 0 && !(quiet_i0 < quiet_i1 && quiet_i1 <= n)) {
        throw std::invalid_argument("analyze: need 0 <= quiet_i0 < quiet_i1 <= len(force)");
    }
    if (quiet_i0 < 0 && !(given_weight > 0.0)) {
        throw std::invalid_argument("analyze: without a quiet window, given_weight must be > 0 N");
    }
    if (search_from < 0 || search_from > n || min_flight < 1 || min_contact < 1 ||
        peak_window < 1 || landing_window < 1 || !(onset_sd >= 0.0) || !(max_edge >= 0.0) ||
        !(g > 0.0)) {
        throw std::invalid_argument(
            "analyze: need 0 <= search_from <= len(force), min_flight, min_contact, peak_window "
            "and landing_window >= 1, onset_sd >= 0, max_edge >= 0 and g > 0");
    }
    JumpAnalysis r;
    std::vector<double> kin;
    {
        nb::gil_scoped_release release;
        run(force.data(), n, fs, kind, quiet_i0, quiet_i1, given_weight, search_from, onset_sd,
            backtrack, threshold, min_flight, min_contact, rfd_windows, peak_window, integrate, v0,
            landing_window, max_edge, g, r, kin);
    }
    if (r.integrated) {
        const size_t len = kin.size() / 5;
        r.kinematics = to_numpy(std::move(kin), {size_t{5}, len});
    }
    return r;
}

}  // namespace

void register_jumps_analysis(nb::module_& sub) {
    auto cls = nb::class_<JumpAnalysis>(
        sub, "JumpAnalysis",
        "One jump analysed by analyze() (read-only). Indices are samples of the trace, -1 when\n"
        "not reached; times in s from the first sample; forces in N.");
    cls.def_ro("nan_index", &JumpAnalysis::nan_index,
               "First non-finite sample, or -1 (then nothing else was computed).")
        .def_ro("force_max", &JumpAnalysis::force_max,
                "Largest force of the trace in N (drop jumps; NaN otherwise).")
        .def_ro("weight", &JumpAnalysis::weight,
                "Body weight in N: quiet-window mean, or the given weight.")
        .def_ro("quiet_sd", &JumpAnalysis::quiet_sd,
                "Quiet-window SD in N (ddof=1), NaN without a quiet window.")
        .def_ro("start", &JumpAnalysis::start, "Onset (CMJ/SJ) or contact (DJ) sample, or -1.")
        .def_ro("detect", &JumpAnalysis::detect, "Sample where the threshold was first passed.")
        .def_ro("takeoff", &JumpAnalysis::takeoff, "First sample of the flight, or -1.")
        .def_ro("landing", &JumpAnalysis::landing, "First sample of the landing, or -1.")
        .def_ro("t_start", &JumpAnalysis::t_start,
                "Onset time (sample time) or contact time (interpolated crossing) in s.")
        .def_ro("t_takeoff", &JumpAnalysis::t_takeoff, "Take-off crossing in s.")
        .def_ro("t_landing", &JumpAnalysis::t_landing, "Landing crossing in s.")
        .def_ro("i_peak", &JumpAnalysis::i_peak, "Sample of the largest force, start to take-off.")
        .def_ro("peak_force", &JumpAnalysis::peak_force, "That force in N.")
        .def_ro("peak_landing_force", &JumpAnalysis::peak_landing_force,
                "Largest force from landing over landing_window samples, in N.")
        .def_ro("rfd_mean", &JumpAnalysis::rfd_mean,
                "Mean RFD in N/s from start over each of rfd_windows (NaN if it does not fit\n"
                "before take-off).")
        .def_ro("peak_rfd", &JumpAnalysis::peak_rfd, "Peak sliding-window RFD in N/s, or NaN.")
        .def_ro("peak_rfd_at", &JumpAnalysis::peak_rfd_at, "Its first sample, or -1.")
        .def_ro("integrated", &JumpAnalysis::integrated,
                "True when the impulse-momentum kinematics were computed.")
        .def_ro("lead_in", &JumpAnalysis::lead_in, "Touchdown ramp to 0 N in s (DJ).")
        .def_ro("lead_out", &JumpAnalysis::lead_out, "Take-off ramp to 0 N in s.")
        .def_ro("kin_first", &JumpAnalysis::kin_first,
                "Sample index of kinematics point 0 (point k is sample kin_first + k).")
        .def_ro("takeoff_velocity", &JumpAnalysis::takeoff_velocity, "m/s, up positive.")
        .def_ro("peak_power", &JumpAnalysis::peak_power, "Largest force * velocity in W.")
        .def_ro("i_peak_power", &JumpAnalysis::i_peak_power, "Its kinematics point.")
        .def_ro("i_lowest", &JumpAnalysis::i_lowest, "Lowest CoM point (CMJ), or -1.")
        .def_ro("i_vmin", &JumpAnalysis::i_vmin, "Fastest downward point before it (CMJ), or -1.")
        .def_ro("depth", &JumpAnalysis::depth, "Countermovement depth in m (CMJ), or NaN.")
        .def_ro("braking_rfd", &JumpAnalysis::braking_rfd,
                "(F at lowest - F at fastest downward) / time between, N/s (CMJ), or NaN.");
    cls.def_prop_ro(
        "kinematics", [](const JumpAnalysis& r) { return r.kinematics; }, nb::rv_policy::automatic,
        "(5, points) array, rows: time in s, force in N (0 at the edges), CoM velocity in m/s,\n"
        "CoM displacement in m from point 0, power in W; None unless integrated.");
    sub.def("analyze", &analyze, nb::arg("force"), nb::arg("fs"), nb::arg("kind"),
            nb::arg("quiet_i0"), nb::arg("quiet_i1"), nb::arg("given_weight"),
            nb::arg("search_from"), nb::arg("onset_sd"), nb::arg("backtrack"),
            nb::arg("threshold"), nb::arg("min_flight"), nb::arg("min_contact"),
            nb::arg("rfd_windows"), nb::arg("peak_window"), nb::arg("integrate"), nb::arg("v0"),
            nb::arg("landing_window"), nb::arg("max_edge"), nb::arg("g"),
            "The whole analysis of one jump (JumpAnalysis): kind 0 CMJ, 1 SJ, 2 DJ.\n\n"
            "Body weight: mean of force[quiet_i0:quiet_i1] (quiet_i0 < 0: given_weight N).\n"
            "Start: DJ contact = first_run(force, 0, threshold, True, min_contact); otherwise\n"
            "find_onset(force, search_from, weight, onset_sd * quiet SD, backtrack). Then\n"
            "find_flight from the detection, peak force, peak landing force over\n"
            "landing_window samples, mean RFD over rfd_windows (samples), peak_rfd over\n"
            "peak_window samples and, if integrate, kinematics from v0 over start..takeoff-1\n"
            "with the 0 N edges (edge ramps capped at max_edge s), mass = weight / g (m/s²). Stops where a step finds\n"
            "nothing; the fields say how far it got.");
}
}  // namespace rfl
