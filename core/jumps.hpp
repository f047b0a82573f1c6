// Kernel family: jumps. The scans and the integration on raw pointers, shared by the single
// kernels bound in jumps.cpp (each checked against tests/reference/jumps.py) and by the one-call
// analysis in jumps_analysis.cpp. Callers check ranges and release the GIL; nothing here touches
// Python. Indices are sample indices into the force trace; "not found" is -1.
#pragma once

#include <nanobind/nanobind.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>

namespace rfl {
void register_jumps_analysis(nanobind::module_& sub);

namespace jumps_detail {

/// Sum of f[i0:i1] in four interleaved partial sums (independent adds run in parallel).
inline double sum4(const double* f, int64_t i0, int64_t i1) {
    double a[4] = {0.0, 0.0, 0.0, 0.0};
    int64_t i = i0;
    for (; i + 4 <= i1; i += 4) {
        for (int j = 0; j < 4; ++j) a[j] += f[i + j];
    }
    for (; i < i1; ++i) a[0] += f[i];
    return (a[0] + a[1]) + (a[2] + a[3]);
}

/// Mean and sample standard deviation (ddof = 1; 0 for one sample) of f[i0:i1], i0 < i1.
inline std::pair<double, double> window_stats(const double* f, int64_t i0, int64_t i1) {
    const auto n = static_cast<double>(i1 - i0);
    const double mean = sum4(f, i0, i1) / n;
    double a[4] = {0.0, 0.0, 0.0, 0.0};
    int64_t i = i0;
    for (; i + 4 <= i1; i += 4) {
        for (int j = 0; j < 4; ++j) a[j] += (f[i + j] - mean) * (f[i + j] - mean);
    }
    for (; i < i1; ++i) a[0] += (f[i] - mean) * (f[i] - mean);
    const double ss = (a[0] + a[1]) + (a[2] + a[3]);
    return {mean, (i1 - i0 > 1) ? std::sqrt(ss / (n - 1.0)) : 0.0};
}

/// (onset, detection) of movement after `start`, or (-1, -1); see jumps.cpp find_onset.
inline std::pair<int64_t, int64_t> find_onset(const double* f, int64_t n, int64_t start,
                                              double baseline, double threshold,
                                              int64_t backtrack) {
    int64_t det = -1;
    for (int64_t i = start; i < n; ++i) {
        if (std::fabs(f[i] - baseline) > threshold) {
            det = i;
            break;
        }
    }
    if (det < 0) return {-1, -1};
    if (backtrack >= 0) return {(det - backtrack > start) ? det - backtrack : start, det};
    const double side = (f[det] > baseline) ? 1.0 : -1.0;
    int64_t j = det;
    while (j > start && (f[j - 1] - baseline) * side > 0.0) --j;
    return {(j > start) ? j - 1 : start, det};
}

/// First i >= start with min_len consecutive samples >= threshold (above) or < threshold, or -1.
inline int64_t first_run(const double* f, int64_t n, int64_t start, double threshold, bool above,
                         int64_t min_len) {
    int64_t run = 0;
    for (int64_t i = start; i < n; ++i) {
        const bool ok = above ? (f[i] >= threshold) : (f[i] < threshold);
        run = ok ? run + 1 : 0;
        if (run == min_len) return i - min_len + 1;
    }
    return -1;
}

/// (takeoff, landing) of the first flight after `start`; see jumps.cpp find_flight.
inline std::pair<int64_t, int64_t> find_flight(const double* f, int64_t n, int64_t start,
                                               double threshold, int64_t min_flight,
                                               int64_t min_contact) {
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
        if (land < 0) return {(n - cand >= min_flight) ? cand : -1, -1};
        if (land - cand >= min_flight) return {cand, land};
        i = land + min_contact;  // a short dip: skip past this contact
    }
    return {-1, -1};
}

/// Trapezoid integration of (F - weight) / mass into v (m/s), s (m) and p = F v (W), each of
/// length `first + (i1 - i0 + 1) + 1` with first = (lead_in > 0): see jumps.cpp kinematics.
/// Point 0 is the touchdown (force 0, only with lead_in > 0) or sample i0; the last point is the
/// take-off (force 0) lead_out s after sample i1. The sample-to-sample steps run in one tight loop.
inline void integrate(const double* f, double fs, double mass, double weight, int64_t i0,
                      int64_t i1, double v0, double lead_in, double lead_out, double* v, double* s,
                      double* p) {
    const size_t first = lead_in > 0.0 ? 1 : 0;
    const auto n_samples = static_cast<size_t>(i1 - i0 + 1);
    const size_t len = first + n_samples + 1;
    const double* x = f + i0;  // x[j] is the force of point first + j
    auto step = [&](size_t k, double f_prev, double fk, double h) {
        v[k] = v[k - 1] + ((f_prev - weight) + (fk - weight)) * 0.5 * h / mass;
        s[k] = s[k - 1] + (v[k - 1] + v[k]) * 0.5 * h;
        p[k] = fk * v[k];
    };
    const double f0 = first ? 0.0 : x[0];
    v[0] = v0;
    s[0] = 0.0;
    p[0] = f0 * v0;
    if (first) step(1, 0.0, x[0], lead_in);  // touchdown -> sample i0
    const double dt = 1.0 / fs;
    const double c = 0.5 * dt / mass, half = 0.5 * dt;
    double vk = v[first], sk = s[first];
    for (size_t j = 1; j < n_samples; ++j) {  // sample i0 + j - 1 -> sample i0 + j
        const size_t k = first + j;
        const double v_new = vk + ((x[j - 1] - weight) + (x[j] - weight)) * c;
        sk += (vk + v_new) * half;
        vk = v_new;
        v[k] = vk;
        s[k] = sk;
        p[k] = x[j] * vk;
    }
    step(len - 1, x[n_samples - 1], 0.0, lead_out);  // sample i1 -> take-off
}

/// (largest (f[i + w] - f[i]) * fs / w over i0 <= i, i + w <= i1, its i), or (nan, -1).
inline std::pair<double, int64_t> peak_rfd(const double* f, double fs, int64_t i0, int64_t i1,
                                           int64_t window) {
    double best = std::numeric_limits<double>::quiet_NaN();
    int64_t at = -1;
    const double scale = fs / static_cast<double>(window);
    for (int64_t i = i0; i + window <= i1; ++i) {
        const double r = (f[i + window] - f[i]) * scale;
        if (at < 0 || r > best) {
            best = r;
            at = i;
        }
    }
    return {best, at};
}

/// Time (s) where the force crosses `threshold` between samples i - 1 and i (0 for i <= 0).
inline double crossing_time(const double* f, int64_t i, double threshold, double fs) {
    if (i <= 0) return 0.0;
    const double a = f[i - 1], b = f[i];
    double frac = 1.0;
    if (a != b) frac = std::fmin(std::fmax((a - threshold) / (a - b), 0.0), 1.0);
    return (static_cast<double>(i - 1) + frac) / fs;
}

/// Seconds from loaded sample `near` to where the force reaches 0 N: the line through samples
/// `far` and `near` continued to 0 N, or (if it does not head there) a straight line to the
/// `outside` sample, at most one sample; capped at max_edge s. 0 if f[near] <= 0.
inline double edge_lead(const double* f, int64_t near, int64_t far, int64_t outside, double fs,
                        double max_edge) {
    const double a = f[near], b = f[far], c = f[outside];
    if (a <= 0.0) return 0.0;
    double steps = 0.0;
    if (b > a) {
        steps = a / (b - a);
    } else if (c < a) {
        steps = std::fmin(a / (a - c), 1.0);
    }
    return std::fmin(steps / fs, max_edge);
}

}  // namespace jumps_detail
}  // namespace rfl
