// Kernel family: gait. Foot contacts from the height of a foot's lowest point above the ground.
//
// Input: frame times t (s) and h, the height of the lower of heel and toe above the ground line
// (any length unit; NaN where the foot was not seen).
//  1. A stance is a run of frames with h <= contact_height (NaN frames break runs); runs less than
//     merge_gap seconds apart merge into one (noise inside a stance), and a stance must last at
//     least min_contact seconds unless the clip's ends or missing frames cut it.
//  2. Its baseline is the lower quartile of h over the run (for a cut run, its lowest h; a cut run
//     whose lowest frame is the cut edge itself is dropped: the foot was still falling or already
//     rising there).
//  3. Initial contact: a straight line is fitted (least squares) to the approach, from the frame
//     before the run to the first frame at or below event_height, and followed down to the
//     baseline; the time is kept between the last frame above event_height and the first frame at
//     the baseline.
//     Toe-off mirrors this at the end of the run. An event whose outside frame is missing (NaN,
//     or beyond the recording) is NaN: the stance was already, or still, under way.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "arrays.hpp"
#include "families.hpp"

namespace rfl {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Lower quartile (the element of rank (m - 1) / 4): the stance baseline. A quartile rather than
// the median, because a stance cut by the start or end of the clip is mostly its rising or falling
// part.
double lower_quartile(std::vector<double> v) {
    if (v.empty()) return kNaN;
    const size_t k = (v.size() - 1) / 4;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

// Time at which the least-squares line through frames [lo, hi] reaches height `base`, clamped to
// [t_min, t_max]; `fallback` when the line does not move the required way (sign of `dir`: -1 for a
// landing, the foot descending; +1 for a toe-off).
double line_time(const double* t, const double* h, long lo, long hi, double base, int dir,
                 double t_min, double t_max, double fallback) {
    double mt = 0.0, mh = 0.0;
    const double m = static_cast<double>(hi - lo + 1);
    for (long q = lo; q <= hi; ++q) {
        mt += t[q];
        mh += h[q];
    }
    mt /= m;
    mh /= m;
    double stt = 0.0, sth = 0.0;
    for (long q = lo; q <= hi; ++q) {
        stt += (t[q] - mt) * (t[q] - mt);
        sth += (t[q] - mt) * (h[q] - mh);
    }
    const double slope = sth / stt;
    if (!(slope * dir > 0.0)) return fallback;
    return std::clamp(mt + (base - mh) / slope, t_min, t_max);
}

// Returns (k, 4): contact time, toe-off time, first and last frame index of each stance.
NpArray contacts(CVec t_arr, CVec h_arr, double contact_height, double event_height,
                 double min_contact, double merge_gap) {
    const long n = static_cast<long>(t_arr.shape(0));
    if (static_cast<long>(h_arr.shape(0)) != n) {
        throw std::invalid_argument("t and h must have the same length");
    }
    std::vector<double> out;
    {
        nb::gil_scoped_release release;
        const double* t = t_arr.data();
        const double* h = h_arr.data();
        // 1. Runs of consecutive frames at or below contact_height (NaN breaks a run).
        std::vector<std::pair<long, long>> runs;
        for (long i = 0; i < n;) {
            if (std::isnan(h[i]) || h[i] > contact_height) {
                ++i;
                continue;
            }
            long j = i;
            while (j + 1 < n && !std::isnan(h[j + 1]) && h[j + 1] <= contact_height) ++j;
            // 2. A gap shorter than merge_gap between two runs (no NaN in it) is noise in one
            // stance: a foot's own swing always lasts longer.
            if (!runs.empty()) {
                const long pj = runs.back().second;
                bool seen = true;
                for (long q = pj + 1; q < i; ++q) seen = seen && !std::isnan(h[q]);
                if (seen && t[i] - t[pj] <= merge_gap) {
                    runs.back().second = j;
                    i = j + 1;
                    continue;
                }
            }
            runs.emplace_back(i, j);
            i = j + 1;
        }
        for (const auto& [i, j] : runs) {
            // A run cut by the clip's ends or by missing frames cannot be judged too short, and
            // its baseline is best seen in its lowest frame.
            const bool cut_start = i == 0 || std::isnan(h[i - 1]);
            const bool cut_end = j == n - 1 || std::isnan(h[j + 1]);
            const bool cut = cut_start || cut_end;
            if (!cut && t[j] - t[i] + 1e-12 < min_contact) continue;
            const std::vector<double> run(h + i, h + j + 1);
            const double base = cut ? *std::min_element(run.begin(), run.end())
                                    : lower_quartile(run);
            if (cut) {  // the foot must be seen at its lowest inside the run, not only at a cut
                bool seen = false;
                for (long q = i; q <= j && !seen; ++q)
                    seen = h[q] == base && !(q == i && cut_start) && !(q == j && cut_end);
                if (!seen) continue;  // still falling or already rising: not a stance we can time
            }
            // First and last frames of the run at or below the event level (fall back to the
            // run's ends when the event level is never reached, e.g. a noisy baseline).
            long a = i, b = j;
            while (a < j && h[a] > event_height) ++a;
            while (b > i && h[b] > event_height) --b;
            if (h[a] > event_height) a = i;
            if (h[b] > event_height) b = j;
            // c, d: first and last frames of the run at or below the baseline (the foot is down).
            long c = a, d = b;
            while (c < j && h[c] > base) ++c;
            while (d > i && h[d] > base) --d;
            c = std::max(c, a);
            d = std::min(d, b);
            // Contact: line through the approach frames, from the frame before the run (if seen)
            // to the first frame at or below the event level, followed down to the baseline; it
            // must lie between the last frame above the event level and the first frame at the
            // baseline. Toe-off mirrors it.
            double ic = kNaN, to = kNaN;
            if (a - 1 >= 0 && !std::isnan(h[a - 1])) {
                const long lo = (i >= 1 && !std::isnan(h[i - 1])) ? i - 1 : i;
                ic = line_time(t, h, std::min(lo, a - 1), a, base, -1, t[a - 1], t[c], t[a]);
            }
            if (b + 1 < n && !std::isnan(h[b + 1])) {
                const long hi = (j + 1 < n && !std::isnan(h[j + 1])) ? j + 1 : j;
                to = line_time(t, h, b, std::max(hi, b + 1), base, +1, t[d], t[b + 1], t[b]);
            }
            out.insert(out.end(), {ic, to, double(i), double(j)});
        }
    }
    const size_t k = out.size() / 4;
    return to_numpy(std::move(out), {k, size_t(4)});
}

// Vertex time of the parabola through three samples (t0,x0), (t1,x1), (t2,x2); t1 if degenerate.
double vertex_time(double t0, double x0, double t1, double x1, double t2, double x2) {
    const double d0 = (x1 - x0) / (t1 - t0), d1 = (x2 - x1) / (t2 - t1);
    const double curv = (d1 - d0) / (t2 - t0);  // half the second derivative
    if (curv == 0.0 || !std::isfinite(curv)) return t1;
    // x'(t) = d0 + curv * (2t - t0 - t1) = 0
    const double tv = 0.5 * (t0 + t1) - d0 / (2.0 * curv);
    return std::clamp(tv, t0, t2);
}

// Alternating maxima and minima of x that stand out by at least `delta` (Billauer's peakdet):
// a maximum is confirmed once x has fallen `delta` below it, a minimum once x has risen `delta`
// above it. NaN frames reset the search. Each extremum is refined to the vertex of the parabola
// through it and its two neighbours. Returns (k, 2) rows of (time s, +1 maximum | -1 minimum).
NpArray extrema(CVec t_arr, CVec x_arr, double delta) {
    const long n = static_cast<long>(t_arr.shape(0));
    if (static_cast<long>(x_arr.shape(0)) != n) {
        throw std::invalid_argument("t and x must have the same length");
    }
    if (!(delta > 0.0)) throw std::invalid_argument("delta must be > 0");
    std::vector<double> out;
    {
        nb::gil_scoped_release release;
        const double* t = t_arr.data();
        const double* x = x_arr.data();
        auto emit = [&](long i, double kind) {
            double when = t[i];
            if (i > 0 && i + 1 < n && !std::isnan(x[i - 1]) && !std::isnan(x[i + 1]))
                when = vertex_time(t[i - 1], x[i - 1], t[i], x[i], t[i + 1], x[i + 1]);
            out.insert(out.end(), {when, kind});
        };
        long imax = -1, imin = -1;
        int looking = 0;  // 0: undecided, +1: looking for a maximum, -1: for a minimum
        for (long i = 0; i < n; ++i) {
            const double v = x[i];
            if (std::isnan(v)) {  // a gap: start again after it
                imax = imin = -1;
                looking = 0;
                continue;
            }
            if (imax < 0 || v > x[imax]) imax = i;
            if (imin < 0 || v < x[imin]) imin = i;
            if (looking >= 0 && v < x[imax] - delta) {
                // A maximum is confirmed only if we saw x rise to it (not the clip's first frame
                // after a start or a gap, where the true peak may lie outside).
                if (looking == 1) emit(imax, 1.0);
                looking = -1;
                imin = i;
            } else if (looking <= 0 && v > x[imin] + delta) {
                if (looking == -1) emit(imin, -1.0);
                looking = 1;
                imax = i;
            }
        }
    }
    const size_t k = out.size() / 2;
    return to_numpy(std::move(out), {k, size_t(2)});
}

}  // namespace

void register_gait(nb::module_& m) {
    auto g = m.def_submodule("gait", "Gait event kernels (foot contacts from foot height)");
    g.def("contacts", &contacts, nb::arg("t").noconvert(), nb::arg("h").noconvert(),
          nb::arg("contact_height"), nb::arg("event_height"), nb::arg("min_contact"),
          nb::arg("merge_gap"),
          "Stances from the height h of a foot's lowest point: returns (k, 4) rows of "
          "(contact time s, toe-off time s, first frame, last frame); NaN for unknown events.");
    g.def("extrema", &extrema, nb::arg("t").noconvert(), nb::arg("x").noconvert(),
          nb::arg("delta"),
          "Alternating maxima/minima standing out by delta (peakdet), parabola-refined: (k, 2) "
          "rows of (time s, +1 max | -1 min).");
}

}  // namespace rfl
