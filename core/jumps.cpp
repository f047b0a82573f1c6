// Kernel family: jumps. Event detection and integration on a vertical ground reaction force trace
// (newtons, one channel, sampled at fs Hz). The wrapper course/analysis/jumps.py validates inputs,
// chooses thresholds, and assembles every number with the method and thresholds that produced it.
//
// Indices are sample indices into `force`; "not found" is -1. All ranges are checked here as well
// as in the wrapper, so a bad call raises ValueError instead of reading out of bounds.
#include <nanobind/stl/pair.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "arrays.hpp"
#include "families.hpp"
#include "jumps.hpp"

namespace rfl {
namespace {

void check_range(const CVec& f, int64_t i0, int64_t i1, const char* what) {
    const auto n = static_cast<int64_t>(f.shape(0));
    if (i0 < 0 || i1 > n || i0 >= i1) {
        throw std::invalid_argument(std::string(what) + ": need 0 <= i0 < i1 <= len(force); got i0=" +
                                    std::to_string(i0) + ", i1=" + std::to_string(i1) +
                                    ", len=" + std::to_string(n));
    }
}

/// Mean and sample standard deviation (ddof = 1; 0 for one sample) of force[i0:i1].
std::pair<double, double> window_stats(const CVec& force, int64_t i0, int64_t i1) {
    check_range(force, i0, i1, "window_stats");
    nb::gil_scoped_release release;
    return jumps_detail::window_stats(force.data(), i0, i1);
}

/// Movement onset: the first sample at or after `start` whose force differs from `baseline` by more
/// than `threshold`. With backtrack < 0 it is then walked back to the last crossing of the baseline
/// (the last sample before the detection on the other side of, or on, the baseline); with
/// backtrack >= 0 it is moved back by that many samples (Owen et al. 2014 use 30 ms). Never earlier
/// than `start`. Returns (onset, detection) or (-1, -1).
std::pair<int64_t, int64_t> find_onset(const CVec& force, int64_t start, double baseline,
                                       double threshold, int64_t backtrack) {
    const auto n = static_cast<int64_t>(force.shape(0));
    if (start < 0 || start > n) throw std::invalid_argument("find_onset: start out of range");
    if (!(threshold >= 0.0)) throw std::invalid_argument("find_onset: threshold must be >= 0");
    nb::gil_scoped_release release;
    return jumps_detail::find_onset(force.data(), n, start, baseline, threshold, backtrack);
}

/// First index i >= start such that force[i : i + min_len] all lie at or above `threshold`
/// (above = true) or all lie below it (above = false). -1 if there is none.
int64_t first_run(const CVec& force, int64_t start, double threshold, bool above, int64_t min_len) {
    const auto n = static_cast<int64_t>(force.shape(0));
    if (start < 0 || start > n) throw std::invalid_argument("first_run: start out of range");
    if (min_len < 1) throw std::invalid_argument("first_run: min_len must be >= 1");
    nb::gil_scoped_release release;
    return jumps_detail::first_run(force.data(), n, start, threshold, above, min_len);
}

/// Flight phase: take-off is the first sample i >= start below `threshold` such that the next
/// sustained contact (min_contact consecutive samples at or above the threshold) starts at least
/// min_flight samples later; isolated noise spikes above the threshold in flight do not end it.
/// Returns (takeoff, landing); landing is -1 if the trace ends in flight (then the flight must
/// already have lasted min_flight samples, else both are -1).
std::pair<int64_t, int64_t> find_flight(const CVec& force, int64_t start, double threshold,
                                        int64_t min_flight, int64_t min_contact) {
    const auto n = static_cast<int64_t>(force.shape(0));
    if (start < 0 || start > n) throw std::invalid_argument("find_flight: start out of range");
    if (min_flight < 1 || min_contact < 1) {
        throw std::invalid_argument("find_flight: min_flight and min_contact must be >= 1");
    }
    nb::gil_scoped_release release;
    return jumps_detail::find_flight(force.data(), n, start, threshold, min_flight, min_contact);
}

/// Centre-of-mass motion from the impulse-momentum integration, read-only named fields in Python.
struct JumpKinematics {
    NpArray velocity;      ///< m/s, up positive
    NpArray displacement;  ///< m from the position at i0, up positive
    NpArray power;         ///< W, force * velocity
};

/// Centre-of-mass velocity (m/s), displacement (m) and power (W) by the impulse-momentum
/// theorem, a = (F - weight) / mass, integrated with the trapezoid rule over the loaded samples
/// force[i0 : i1 + 1] and over two edges where the force is taken as a straight line to 0 N: the
/// `lead_in` seconds before sample i0 (touchdown of a drop jump; 0 for a start from rest) and the
/// `lead_out` seconds after sample i1 (the release to take-off). Velocity starts at v0 and
/// displacement at 0 at the first point. Points: the touchdown (only when lead_in > 0, force 0),
/// samples i0..i1, then the take-off instant (force 0), so the last velocity is the take-off
/// velocity. Power is F * v.
JumpKinematics kinematics(const CVec& force, double fs, double mass, double weight, int64_t i0,
                          int64_t i1, double v0, double lead_in, double lead_out) {
    check_range(force, i0, i1 + 1, "kinematics");
    if (!(fs > 0.0) || !(mass > 0.0)) {
        throw std::invalid_argument("kinematics: fs and mass must be positive");
    }
    if (!(lead_in >= 0.0) || !(lead_out >= 0.0) || !std::isfinite(lead_in) ||
        !std::isfinite(lead_out)) {
        throw std::invalid_argument("kinematics: lead_in and lead_out must be finite and >= 0 s");
    }
    const size_t len = (lead_in > 0.0 ? 1 : 0) + static_cast<size_t>(i1 - i0 + 1) + 1;
    std::vector<double> v(len), s(len), p(len);
    {
        nb::gil_scoped_release release;
        jumps_detail::integrate(force.data(), fs, mass, weight, i0, i1, v0, lead_in, lead_out,
                                v.data(), s.data(), p.data());
    }
    return JumpKinematics{to_numpy(std::move(v), {len}), to_numpy(std::move(s), {len}),
                          to_numpy(std::move(p), {len})};
}

/// Peak rate of force development (N/s): the largest (force[i + w] - force[i]) * fs / w for
/// i0 <= i and i + w <= i1, with w = `window` samples. Returns (value, i) or (nan, -1).
std::pair<double, int64_t> peak_rfd(const CVec& force, double fs, int64_t i0, int64_t i1,
                                    int64_t window) {
    const auto n = static_cast<int64_t>(force.shape(0));
    if (i0 < 0 || i1 >= n || window < 1 || !(fs > 0.0)) {
        throw std::invalid_argument("peak_rfd: need 0 <= i0, i1 < len(force), window >= 1, fs > 0");
    }
    nb::gil_scoped_release release;
    return jumps_detail::peak_rfd(force.data(), fs, i0, i1, window);
}

}  // namespace

void register_jumps(nb::module_& m) {
    nb::module_ sub = m.def_submodule(
        "jumps", "Event detection and impulse-momentum integration on vertical force traces.");
    sub.def("window_stats", &window_stats, nb::arg("force"), nb::arg("i0"), nb::arg("i1"),
            "(mean, sd) of force[i0:i1] in N; sd uses ddof=1 (0 for one sample).");
    sub.def("find_onset", &find_onset, nb::arg("force"), nb::arg("start"), nb::arg("baseline"),
            nb::arg("threshold"), nb::arg("backtrack"),
            "(onset, detection) sample indices of movement onset, or (-1, -1).\n\n"
            "detection: first i >= start with |force[i] - baseline| > threshold. backtrack < 0:\n"
            "onset is the last sample before detection on the other side of the baseline;\n"
            "backtrack >= 0: onset = detection - backtrack. Never before start.");
    sub.def("first_run", &first_run, nb::arg("force"), nb::arg("start"), nb::arg("threshold"),
            nb::arg("above"), nb::arg("min_len"),
            "First i >= start with min_len consecutive samples >= threshold (above=True) or\n"
            "< threshold (above=False), or -1.");
    sub.def("find_flight", &find_flight, nb::arg("force"), nb::arg("start"), nb::arg("threshold"),
            nb::arg("min_flight"), nb::arg("min_contact"),
            "(takeoff, landing) sample indices of the first flight after start, or -1.\n\n"
            "takeoff: first sample < threshold whose next sustained contact (min_contact samples\n"
            ">= threshold) begins >= min_flight samples later; landing: that contact's first\n"
            "sample (-1 if the trace ends in a flight of >= min_flight samples).");
    nb::class_<JumpKinematics>(sub, "JumpKinematics",
                               "CoM motion over samples i0..i1 (read-only; see kinematics).")
        .def_prop_ro(
            "velocity", [](const JumpKinematics& r) { return r.velocity; }, nb::rv_policy::automatic,
            "CoM velocity in m/s, up positive.")
        .def_prop_ro(
            "displacement", [](const JumpKinematics& r) { return r.displacement; },
            nb::rv_policy::automatic,
            "CoM displacement in m from its position at i0, up positive.")
        .def_prop_ro(
            "power", [](const JumpKinematics& r) { return r.power; }, nb::rv_policy::automatic,
            "force * velocity in W.");
    sub.def("kinematics", &kinematics, nb::arg("force"), nb::arg("fs"), nb::arg("mass"),
            nb::arg("weight"), nb::arg("i0"), nb::arg("i1"), nb::arg("v0"), nb::arg("lead_in"),
            nb::arg("lead_out"),
            "JumpKinematics (velocity m/s, displacement m, power W) by trapezoid integration of\n"
            "(force - weight) / mass from velocity v0 and displacement 0: over the touchdown\n"
            "(only if lead_in > 0; force rising linearly from 0 N over lead_in s before i0),\n"
            "samples i0..i1, and the take-off lead_out s after i1 (force falling linearly to\n"
            "0 N).");
    sub.def("peak_rfd", &peak_rfd, nb::arg("force"), nb::arg("fs"), nb::arg("i0"), nb::arg("i1"),
            nb::arg("window"),
            "(peak RFD in N/s, start index) of (force[i+window] - force[i]) * fs / window over\n"
            "i0 <= i, i + window <= i1; (nan, -1) if the range is shorter than the window.");
    register_jumps_analysis(sub);
}
}  // namespace rfl
