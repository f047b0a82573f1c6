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
    const double* f = force.data();
    double mean = 0.0, sd = 0.0;
    {
        nb::gil_scoped_release release;
        double s = 0.0;
        for (int64_t i = i0; i < i1; ++i) s += f[i];
        const auto n = static_cast<double>(i1 - i0);
        mean = s / n;
        double ss = 0.0;
        for (int64_t i = i0; i < i1; ++i) ss += (f[i] - mean) * (f[i] - mean);
        sd = (i1 - i0 > 1) ? std::sqrt(ss / (n - 1.0)) : 0.0;
    }
    return {mean, sd};
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
    const double* f = force.data();
    int64_t det = -1, onset = -1;
    {
        nb::gil_scoped_release release;
        for (int64_t i = start; i < n; ++i) {
            if (std::fabs(f[i] - baseline) > threshold) {
                det = i;
                break;
            }
        }
        if (det >= 0) {
            if (backtrack < 0) {
                const double side = (f[det] > baseline) ? 1.0 : -1.0;
                int64_t j = det;
                while (j > start && (f[j - 1] - baseline) * side > 0.0) --j;
                onset = (j > start) ? j - 1 : start;
            } else {
                onset = (det - backtrack > start) ? det - backtrack : start;
            }
        }
    }
    return {onset, det};
}

/// First index i >= start such that force[i : i + min_len] all lie at or above `threshold`
/// (above = true) or all lie below it (above = false). -1 if there is none.
int64_t first_run(const CVec& force, int64_t start, double threshold, bool above, int64_t min_len) {
    const auto n = static_cast<int64_t>(force.shape(0));
    if (start < 0 || start > n) throw std::invalid_argument("first_run: start out of range");
    if (min_len < 1) throw std::invalid_argument("first_run: min_len must be >= 1");
    const double* f = force.data();
    int64_t found = -1;
    {
        nb::gil_scoped_release release;
        int64_t run = 0;
        for (int64_t i = start; i < n; ++i) {
            const bool ok = above ? (f[i] >= threshold) : (f[i] < threshold);
            run = ok ? run + 1 : 0;
            if (run == min_len) {
                found = i - min_len + 1;
                break;
            }
        }
    }
    return found;
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
    const double* f = force.data();
    int64_t takeoff = -1, landing = -1;
    {
        nb::gil_scoped_release release;
        int64_t i = start;
        while (i < n) {
            while (i < n && !(f[i] < threshold)) ++i;  // next unloaded sample
            if (i >= n) break;
            const int64_t cand = i;
            int64_t run = 0, land = -1;
            for (int64_t j = cand; j < n; ++j) {  // next sustained contact
                run = (f[j] >= threshold) ? run + 1 : 0;
                if (run == min_contact) {
                    land = j - min_contact + 1;
                    break;
                }
            }
            if (land < 0) {
                if (n - cand >= min_flight) takeoff = cand;
                break;
            }
            if (land - cand >= min_flight) {
                takeoff = cand;
                landing = land;
                break;
            }
            i = land + min_contact;  // a short dip: skip past this contact
        }
    }
    return {takeoff, landing};
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
    const double* f = force.data();
    const size_t first = lead_in > 0.0 ? 1 : 0;
    const auto n_samples = static_cast<size_t>(i1 - i0 + 1);
    const size_t len = first + n_samples + 1;
    std::vector<double> v(len), s(len), p(len);
    {
        nb::gil_scoped_release release;
        const double dt = 1.0 / fs;
        // force and time step of point k (k >= 1 is integrated from point k - 1)
        auto force_at = [&](size_t k) {
            if (k < first) return 0.0;
            const size_t j = k - first;
            return j < n_samples ? f[i0 + static_cast<int64_t>(j)] : 0.0;
        };
        auto step_to = [&](size_t k) {
            if (k == first) return lead_in;  // touchdown -> sample i0 (k == 1 only if lead_in)
            return k == len - 1 ? lead_out : dt;
        };
        v[0] = v0;
        s[0] = 0.0;
        p[0] = force_at(0) * v0;
        double f_prev = force_at(0);
        for (size_t k = 1; k < len; ++k) {
            const double fk = force_at(k);
            const double h = step_to(k);
            v[k] = v[k - 1] + ((f_prev - weight) + (fk - weight)) * 0.5 * h / mass;
            s[k] = s[k - 1] + (v[k - 1] + v[k]) * 0.5 * h;
            p[k] = fk * v[k];
            f_prev = fk;
        }
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
    const double* f = force.data();
    double best = std::numeric_limits<double>::quiet_NaN();
    int64_t at = -1;
    {
        nb::gil_scoped_release release;
        const double scale = fs / static_cast<double>(window);
        for (int64_t i = i0; i + window <= i1; ++i) {
            const double r = (f[i + window] - f[i]) * scale;
            if (at < 0 || r > best) {
                best = r;
                at = i;
            }
        }
    }
    return {best, at};
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
}
}  // namespace rfl
