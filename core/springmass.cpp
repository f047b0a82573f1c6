// Kernel family: springmass. A spring-loaded inverted pendulum (SLIP) runner in the sagittal plane:
// a point mass m on a massless linear spring leg (stiffness k, rest length L0). Flight is ballistic
// and solved in closed form; stance is integrated with an adaptive Dormand–Prince 5(4) scheme (the
// tableau of SciPy's RK45) with Hairer's 4th-order dense output. Events (mid-stance, take-off,
// collapse) are located by safeguarded regula falsi on the dense output, then polished by Newton
// iterations that re-integrate one exact partial step from the start of the accepted step.
//
// Coordinates: x forward, y up (metres), foot on the ground at y = 0. Touchdown angle: leg angle
// from vertical with the foot AHEAD of the hip, in radians here (the Python wrapper takes degrees).
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "arrays.hpp"
#include "families.hpp"

namespace rfl {
namespace {

using State = std::array<double, 4>;  // x, y, vx, vy
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Model {
    double m, k, L0, g;
};

inline double leg_length(const State& s, double xf) { return std::sqrt((s[0] - xf) * (s[0] - xf) + s[1] * s[1]); }

inline State stance_rhs(const State& s, const Model& p, double xf) {
    const double dx = s[0] - xf, dy = s[1];
    const double l = std::sqrt(dx * dx + dy * dy);
    const double f = p.k * (p.L0 - l) / (l * p.m);  // spring force / (l m): push along the leg
    return {s[2], s[3], f * dx, f * dy - p.g};
}

inline void stance_force(const State& s, const Model& p, double xf, double& fx, double& fy) {
    const double dx = s[0] - xf, dy = s[1];
    const double l = std::sqrt(dx * dx + dy * dy);
    const double f = p.k * (p.L0 - l) / l;
    fx = f * dx;
    fy = f * dy;
}

// Dormand–Prince 5(4) tableau.
constexpr double C2 = 1.0 / 5, C3 = 3.0 / 10, C4 = 4.0 / 5, C5 = 8.0 / 9;
constexpr double A21 = 1.0 / 5;
constexpr double A31 = 3.0 / 40, A32 = 9.0 / 40;
constexpr double A41 = 44.0 / 45, A42 = -56.0 / 15, A43 = 32.0 / 9;
constexpr double A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561,
                 A54 = -212.0 / 729;
constexpr double A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247, A64 = 49.0 / 176,
                 A65 = -5103.0 / 18656;
constexpr double B1 = 35.0 / 384, B3 = 500.0 / 1113, B4 = 125.0 / 192, B5 = -2187.0 / 6784,
                 B6 = 11.0 / 84;
constexpr double E1 = 71.0 / 57600, E3 = -71.0 / 16695, E4 = 71.0 / 1920, E5 = -17253.0 / 339200,
                 E6 = 22.0 / 525, E7 = -1.0 / 40;
// Hairer's dense-output coefficients for DOPRI5 (contd5).
constexpr double D1 = -12715105075.0 / 11282082432.0, D3 = 87487479700.0 / 32700410799.0,
                 D4 = -10690763975.0 / 1880347072.0, D5 = 701980252875.0 / 199316789632.0,
                 D6 = -1453857185.0 / 822651844.0, D7 = 69997945.0 / 29380423.0;

struct Step {
    State y0, y1;
    State k1, k7;               // derivatives at both ends (FSAL)
    std::array<State, 5> cont;  // dense-output polynomial coefficients
    double t0, h, err;
};

// One DP5 step of size h from (t0, y0) with derivative k1; fills everything in `out`.
void dp5_step(const Model& p, double xf, double t0, const State& y0, const State& k1, double h,
              double rtol, double atol, Step& out, bool want_dense) {
    State tmp, k2, k3, k4, k5, k6, k7, y1;
    auto comb = [&](std::initializer_list<std::pair<double, const State*>> terms) {
        for (int i = 0; i < 4; ++i) {
            double acc = 0.0;
            for (const auto& term : terms) acc += term.first * (*term.second)[i];
            tmp[i] = y0[i] + h * acc;
        }
        return tmp;
    };
    k2 = stance_rhs(comb({{A21, &k1}}), p, xf);
    k3 = stance_rhs(comb({{A31, &k1}, {A32, &k2}}), p, xf);
    k4 = stance_rhs(comb({{A41, &k1}, {A42, &k2}, {A43, &k3}}), p, xf);
    k5 = stance_rhs(comb({{A51, &k1}, {A52, &k2}, {A53, &k3}, {A54, &k4}}), p, xf);
    k6 = stance_rhs(comb({{A61, &k1}, {A62, &k2}, {A63, &k3}, {A64, &k4}, {A65, &k5}}), p, xf);
    y1 = comb({{B1, &k1}, {B3, &k3}, {B4, &k4}, {B5, &k5}, {B6, &k6}});
    k7 = stance_rhs(y1, p, xf);
    double err2 = 0.0;
    for (int i = 0; i < 4; ++i) {
        const double e =
            h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
        const double sc = atol + rtol * std::max(std::fabs(y0[i]), std::fabs(y1[i]));
        err2 += (e / sc) * (e / sc);
    }
    out.err = std::sqrt(err2 / 4.0);
    out.t0 = t0;
    out.h = h;
    out.y0 = y0;
    out.y1 = y1;
    out.k1 = k1;
    out.k7 = k7;
    if (want_dense) {
        for (int i = 0; i < 4; ++i) {
            const double ydiff = y1[i] - y0[i];
            const double bspl = h * k1[i] - ydiff;
            out.cont[0][i] = y0[i];
            out.cont[1][i] = ydiff;
            out.cont[2][i] = bspl;
            out.cont[3][i] = ydiff - h * k7[i] - bspl;
            out.cont[4][i] = h * (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] +
                                  D6 * k6[i] + D7 * k7[i]);
        }
    }
}

inline State dense(const Step& s, double t) {
    const double th = (t - s.t0) / s.h, th1 = 1.0 - th;
    State y;
    for (int i = 0; i < 4; ++i)
        y[i] = s.cont[0][i] +
               th * (s.cont[1][i] +
                     th1 * (s.cont[2][i] + th * (s.cont[3][i] + th1 * s.cont[4][i])));
    return y;
}

// Event functions: value and time derivative, both from the state.
enum class Ev { Mid, Takeoff, Collapse };
inline double ev_value(Ev e, const State& s, const Model& p, double xf) {
    switch (e) {
        case Ev::Mid: return s[0] - xf;                        // hip passes over the foot
        case Ev::Takeoff: return leg_length(s, xf) - p.L0;     // leg back at rest length
        case Ev::Collapse: return 0.25 * p.L0 - s[1];          // hip sinks below L0/4
    }
    return 0.0;
}
inline double ev_rate(Ev e, const State& s, double xf) {
    switch (e) {
        case Ev::Mid: return s[2];
        case Ev::Takeoff: return ((s[0] - xf) * s[2] + s[1] * s[3]) / leg_length(s, xf);
        case Ev::Collapse: return -s[3];
    }
    return 0.0;
}

// Root of an event inside an accepted step (value < 0 at t0, >= 0 at t0 + h). Returns the event
// time and the state there, accurate to the order of the integrator (not of the interpolant).
double locate(Ev e, const Model& p, double xf, const Step& st, double rtol, double atol,
              State& at) {
    double a = st.t0, b = st.t0 + st.h;
    double fa = ev_value(e, st.y0, p, xf), fb = ev_value(e, st.y1, p, xf);
    int side = 0;
    double t = b;
    for (int it = 0; it < 100 && (b - a) > 1e-15 * (1.0 + std::fabs(b)); ++it) {
        t = (a * fb - b * fa) / (fb - fa);  // Illinois-modified regula falsi
        if (!(t > a && t < b)) t = 0.5 * (a + b);
        const double ft = ev_value(e, dense(st, t), p, xf);
        if (ft == 0.0) {
            a = b = t;
            break;
        }
        if ((ft < 0.0) == (fa < 0.0)) {
            a = t;
            fa = ft;
            if (side == -1) fb *= 0.5;
            side = -1;
        } else {
            b = t;
            fb = ft;
            if (side == +1) fa *= 0.5;
            side = +1;
        }
    }
    t = 0.5 * (a + b);
    // Newton polish with exact partial DP5 steps from the start of the step.
    Step part;
    for (int it = 0; it < 3; ++it) {
        const double h = t - st.t0;
        if (h <= 0.0) {
            at = st.y0;
            break;
        }
        dp5_step(p, xf, st.t0, st.y0, st.k1, h, rtol, atol, part, false);
        at = part.y1;
        const double v = ev_value(e, at, p, xf), r = ev_rate(e, at, xf);
        if (r == 0.0 || !std::isfinite(r)) break;
        const double dt = -v / r;
        if (std::fabs(dt) > 0.5 * st.h) break;  // keep to the bracketing step
        t += dt;
        if (std::fabs(dt) < 1e-15 * (1.0 + std::fabs(t))) {
            dp5_step(p, xf, st.t0, st.y0, st.k1, t - st.t0, rtol, atol, part, false);
            at = part.y1;
            break;
        }
    }
    if (t <= st.t0) at = st.y0;
    return t;
}

// Output samples t, x, y, vx, vy, fx, fy (row-major, 7 columns).
struct Sampler {
    double fs;
    long next = 0;  // index of the next output sample
    std::vector<double> rows;
    double time(long i) const { return static_cast<double>(i) / fs; }
    void push(double t, const State& s, double fx, double fy) {
        rows.insert(rows.end(), {t, s[0], s[1], s[2], s[3], fx, fy});
        ++next;
    }
};

enum Status { Completed = 0, Fell = 1, Reversed = 2, Stumbled = 3, TooLong = 4 };

// Per-step table columns.
enum Col {
    T_TD, T_MID, T_TO, T_NEXT, X_TD, Y_TD, FOOT_X, VX_TD, VY_TD, VX_MID, VY_MID, VX_TO, VY_TO, X_TO,
    Y_TO, N_COLS
};

struct StanceOut {
    int status;
    double t_mid, t_to;
    State mid, to;
};

// Integrate one stance from touchdown (t, s) with the foot at xf, sampling on the way if
// `sampler` is given. Ends at take-off, or with a collapse / time-out status.
StanceOut stance(const Model& p, double xf, double t, State s, double rtol, double atol,
                 Sampler* sampler, double max_stance) {
    StanceOut out{Completed, kNaN, kNaN, {kNaN, kNaN, kNaN, kNaN}, {kNaN, kNaN, kNaN, kNaN}};
    const double t_start = t;
    State k1 = stance_rhs(s, p, xf);
    // Initial step: a small fraction of the spring period.
    double h = 1e-2 * std::sqrt(p.m / p.k);
    const double h_max = 0.1 * std::sqrt(p.m / p.k) * 3.14159265358979;
    bool mid_done = ev_value(Ev::Mid, s, p, xf) >= 0.0;
    if (mid_done) {  // vertical (or trailing) leg at touchdown: mid-stance is now
        out.t_mid = t;
        out.mid = s;
    }
    Step st;
    for (int guard = 0; guard < 1000000; ++guard) {
        if (t - t_start > max_stance) {
            out.status = TooLong;
            return out;
        }
        dp5_step(p, xf, t, s, k1, h, rtol, atol, st, true);
        if (!(st.err <= 1.0)) {  // reject (also catches NaN)
            const double fac = std::isfinite(st.err)
                                   ? std::max(0.2, 0.9 * std::pow(st.err, -0.2))
                                   : 0.2;
            h *= fac;
            continue;
        }
        const double t1 = t + h;
        // Events that end the stance: take-off (leg back at rest length) or collapse.
        double t_end = t1;
        int end_status = -1;
        State end_state{};
        // Take-off: the leg starts at rest length at touchdown, so require a sign change.
        const double g0 = ev_value(Ev::Takeoff, st.y0, p, xf);
        const double g1 = ev_value(Ev::Takeoff, st.y1, p, xf);
        if (g1 >= 0.0 && (g0 < 0.0 || t > t_start)) {
            State at;
            const double te = (g0 < 0.0) ? locate(Ev::Takeoff, p, xf, st, rtol, atol, at) : t;
            if (g0 >= 0.0) at = st.y0;
            t_end = te;
            end_status = Completed;
            end_state = at;
        }
        if (ev_value(Ev::Collapse, st.y1, p, xf) >= 0.0) {
            State at;
            const double te = locate(Ev::Collapse, p, xf, st, rtol, atol, at);
            if (end_status < 0 || te < t_end) {
                t_end = te;
                end_status = Fell;
                end_state = at;
            }
        }
        if (!mid_done && ev_value(Ev::Mid, st.y1, p, xf) >= 0.0) {
            State at;
            const double te = locate(Ev::Mid, p, xf, st, rtol, atol, at);
            if (te <= t_end) {
                out.t_mid = te;
                out.mid = at;
                mid_done = true;
            }
        }
        if (sampler != nullptr) {
            double ts;
            while ((ts = sampler->time(sampler->next)) < t_end ||
                   (end_status < 0 && ts <= t1)) {
                if (ts < t) {  // cannot happen, but never loop forever
                    ++sampler->next;
                    continue;
                }
                const State y = dense(st, ts);
                double fx, fy;
                stance_force(y, p, xf, fx, fy);
                sampler->push(ts, y, fx, fy);
            }
        }
        if (end_status >= 0) {
            out.status = end_status;
            out.t_to = t_end;
            out.to = end_state;
            return out;
        }
        t = t1;
        s = st.y1;
        k1 = st.k7;
        const double fac = st.err > 0 ? std::min(10.0, 0.9 * std::pow(st.err, -0.2)) : 10.0;
        h = std::min(h * std::max(0.2, fac), h_max);
    }
    out.status = TooLong;
    return out;
}

// Ballistic flight from (t, s): samples on the way, returns the touchdown time for height y_td
// (descending branch) or NaN when the apex stays below it.
double flight(const Model& p, double t, const State& s, double y_td, Sampler* sampler,
              double t_stop) {
    const double disc = s[3] * s[3] + 2.0 * p.g * (s[1] - y_td);
    double dt = kNaN;
    if (disc >= 0.0) dt = (s[3] + std::sqrt(disc)) / p.g;
    if (dt < 0.0) dt = kNaN;
    const double t_end = std::isnan(dt) ? t_stop : t + dt;
    if (sampler != nullptr) {
        double ts;
        while ((ts = sampler->time(sampler->next)) < t_end) {
            const double tau = ts - t;
            const State y{s[0] + s[2] * tau, s[1] + s[3] * tau - 0.5 * p.g * tau * tau, s[2],
                          s[3] - p.g * tau};
            sampler->push(ts, y, 0.0, 0.0);
        }
    }
    return std::isnan(dt) ? kNaN : t + dt;
}

struct RunOut {
    std::vector<double> steps;  // n_done x N_COLS
    Sampler sampler;
    int status = Completed;
    int n_done = 0;
};

// Run from the apex at t = 0: (x = 0, y0, vx, vy = 0); one touchdown angle per step.
void run(const Model& p, double y0, double vx, const double* angles, int n_steps, double fs,
         double rtol, double atol, RunOut& out) {
    out.sampler.fs = fs;
    double t = 0.0;
    State s{0.0, y0, vx, 0.0};
    for (int i = 0; i < n_steps; ++i) {
        const double th = angles[i];
        const double y_td = p.L0 * std::cos(th);
        const double t_td = flight(p, t, s, y_td, &out.sampler, t);
        if (i > 0) out.steps[(i - 1) * N_COLS + T_NEXT] = t_td;
        if (std::isnan(t_td)) {
            out.status = Stumbled;
            return;
        }
        const double tau = t_td - t;
        State td{s[0] + s[2] * tau, y_td, s[2], s[3] - p.g * tau};
        const double xf = td[0] + p.L0 * std::sin(th);
        std::vector<double> row(N_COLS, kNaN);
        row[T_TD] = t_td;
        row[X_TD] = td[0];
        row[Y_TD] = td[1];
        row[FOOT_X] = xf;
        row[VX_TD] = td[2];
        row[VY_TD] = td[3];
        const StanceOut so = stance(p, xf, t_td, td, rtol, atol, &out.sampler, 5.0);
        row[T_MID] = so.t_mid;
        row[VX_MID] = so.mid[2];
        row[VY_MID] = so.mid[3];
        if (so.status == Completed) {  // a collapse or time-out is no take-off: leave NaN
            row[T_TO] = so.t_to;
            row[X_TO] = so.to[0];
            row[Y_TO] = so.to[1];
            row[VX_TO] = so.to[2];
            row[VY_TO] = so.to[3];
        }
        out.steps.insert(out.steps.end(), row.begin(), row.end());
        out.n_done = i + 1;
        if (so.status != Completed) {
            out.status = so.status;
            return;
        }
        if (so.to[2] <= 0.0) {
            out.status = Reversed;
            return;
        }
        t = so.t_to;
        s = so.to;
    }
    // Close the last flight at the touchdown that would start the next step.
    const double y_td = p.L0 * std::cos(angles[n_steps - 1]);
    const double t_next = flight(p, t, s, y_td, &out.sampler, t);
    out.steps[(n_steps - 1) * N_COLS + T_NEXT] = t_next;
    if (std::isnan(t_next)) out.status = Stumbled;
    // Include the closing touchdown instant itself when it lands on the output grid.
    if (!std::isnan(t_next) && std::fabs(out.sampler.time(out.sampler.next) - t_next) <= 1e-12) {
        const double tau = t_next - t;
        const State y{s[0] + s[2] * tau, y_td, s[2], s[3] - p.g * tau};
        out.sampler.push(out.sampler.time(out.sampler.next), y, 0.0, 0.0);
    }
}

/// Result of simulate(), read-only named fields in Python.
struct SlipRun {
    NpArray samples;  ///< (n, 7): t, x, y, vx, vy, fx, fy
    NpArray steps;    ///< (s, 15): the STEP_COLUMNS of each completed step
    int status;       ///< index into STATUS
};

/// Result of symmetric_stance(), read-only named fields in Python (NaN if no root was found).
struct SymmetricStance {
    double theta;          ///< touchdown angle, rad from vertical
    double contact_time;   ///< s
    double stance_travel;  ///< horizontal CoM travel during stance, m
    double vx_mid, vx_to, vy_to;  ///< m/s
};

SlipRun simulate(double m, double k, double L0, double g, double y0, double vx, CVec angles,
                   double fs, double rtol, double atol) {
    const int n = static_cast<int>(angles.shape(0));
    // The Python wrapper gives the friendly errors; these only keep the raw binding safe.
    if (n < 1) throw std::invalid_argument("angles must hold at least one touchdown angle");
    if (!(fs > 0.0 && m > 0.0 && k > 0.0 && L0 > 0.0 && g > 0.0 && rtol > 0.0 && atol > 0.0))
        throw std::invalid_argument("fs, mass, k, leg_length, g, rtol and atol must be > 0");
    RunOut out;
    {
        nb::gil_scoped_release release;
        out.steps.reserve(static_cast<size_t>(n) * N_COLS);
        run(Model{m, k, L0, g}, y0, vx, angles.data(), n, fs, rtol, atol, out);
    }
    const size_t n_rows = out.sampler.rows.size() / 7;
    const size_t n_done = static_cast<size_t>(out.n_done);
    return SlipRun{to_numpy(std::move(out.sampler.rows), {n_rows, size_t(7)}),
                   to_numpy(std::move(out.steps), {n_done, size_t(N_COLS)}),
                   static_cast<int>(out.status)};
}

// One stance from touchdown with velocity (vx, -vy_down) at angle th: returns
// (status, t_c, t_mid, x_to - foot, y_to, vx_mid, vx_to, vy_to).
std::array<double, 8> one_stance(const Model& p, double th, double vx, double vy_down,
                                 double rtol, double atol) {
    const State td{0.0, p.L0 * std::cos(th), vx, -vy_down};
    const double xf = p.L0 * std::sin(th);
    const StanceOut so = stance(p, xf, 0.0, td, rtol, atol, nullptr, 1.0);  // no gait stands longer
    return {double(so.status), so.t_to, so.t_mid, so.to[0] - xf, so.to[1],
            so.mid[2], so.to[2], so.to[3]};
}

// Residual of symmetry: (x_to - foot) - (foot - x_td), in units of L0; NaN on failure.
double symmetry_residual(const Model& p, double th, double vx, double vy_down, double rtol,
                         double atol, std::array<double, 8>& res) {
    res = one_stance(p, th, vx, vy_down, rtol, atol);
    if (res[0] != Completed || res[6] <= 0.0) return kNaN;
    return (res[3] - p.L0 * std::sin(th)) / p.L0;
}

// Touchdown angle giving a symmetric stance (take-off mirrors touchdown) for a touchdown
// velocity (vx, -vy_down). Scans angles upward from th_lo and returns the first root found, or
// NaN. Output: (theta, t_c, stance travel, vx_mid, vx_to, vy_to).
SymmetricStance symmetric_stance(double m, double k, double L0, double g, double vx, double vy_down,
                           double th_lo, double th_hi, int n_scan, double rtol, double atol) {
    std::array<double, 6> best{kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
    if (!(m > 0.0 && k > 0.0 && L0 > 0.0 && g > 0.0 && rtol > 0.0 && atol > 0.0 && n_scan > 0))
        throw std::invalid_argument("mass, k, leg_length, g, rtol, atol and n_scan must be > 0");
    {
        nb::gil_scoped_release release;
        const Model p{m, k, L0, g};
        std::array<double, 8> res{};
        double a = th_lo;
        double fa = symmetry_residual(p, a, vx, vy_down, rtol, atol, res);
        bool found = false;
        double b = a, fb = fa;
        for (int i = 1; i <= n_scan && !found; ++i) {
            b = th_lo + (th_hi - th_lo) * i / n_scan;
            fb = symmetry_residual(p, b, vx, vy_down, rtol, atol, res);
            // a failed stance at a large angle (bounce back, collapse) counts as "too much
            // braking": negative side of the bracket.
            const double fb_sign = std::isnan(fb) ? -1.0 : fb;
            if (!std::isnan(fa) && fa > 0.0 && fb_sign <= 0.0) {
                found = true;
                break;
            }
            a = b;
            fa = fb;
        }
        if (found) {
            // Bisection (robust against NaN at the upper end), then secant polish.
            for (int it = 0; it < 200 && (b - a) > 1e-14; ++it) {
                const double c = 0.5 * (a + b);
                const double fc = symmetry_residual(p, c, vx, vy_down, rtol, atol, res);
                if (!std::isnan(fc) && fc > 0.0) {
                    a = c;
                    fa = fc;
                } else {
                    b = c;
                    fb = fc;
                }
            }
            const double th = a;
            symmetry_residual(p, th, vx, vy_down, rtol, atol, res);
            best = {th, res[1], res[3] + L0 * std::sin(th), res[5], res[6], res[7]};
        }
    }
    return SymmetricStance{best[0], best[1], best[2], best[3], best[4], best[5]};
}

}  // namespace

void register_springmass(nb::module_& m) {
    auto sm = m.def_submodule("springmass", "Spring-loaded inverted pendulum (SLIP) kernels");
    nb::class_<SlipRun>(sm, "SlipRun", "Result of simulate (read-only).")
        .def_prop_ro(
            "samples", [](const SlipRun& r) { return r.samples; }, nb::rv_policy::automatic,
            "(n, 7) rows of t, x, y, vx, vy, fx, fy (SI).")
        .def_prop_ro(
            "steps", [](const SlipRun& r) { return r.steps; }, nb::rv_policy::automatic,
            "(s, 15) rows of STEP_COLUMNS per completed step.")
        .def_ro("status", &SlipRun::status, "Index into STATUS.");
    nb::class_<SymmetricStance>(sm, "SymmetricStance",
                                "Result of symmetric_stance (read-only; NaN if none found).")
        .def_ro("theta", &SymmetricStance::theta, "Touchdown angle, rad from vertical.")
        .def_ro("contact_time", &SymmetricStance::contact_time, "Contact time, s.")
        .def_ro("stance_travel", &SymmetricStance::stance_travel,
                "Horizontal CoM travel during stance, m.")
        .def_ro("vx_mid", &SymmetricStance::vx_mid, "Horizontal velocity at mid-stance, m/s.")
        .def_ro("vx_to", &SymmetricStance::vx_to, "Horizontal velocity at take-off, m/s.")
        .def_ro("vy_to", &SymmetricStance::vy_to, "Vertical velocity at take-off, m/s.");
    sm.def("simulate", &simulate, nb::arg("mass"), nb::arg("k"), nb::arg("leg_length"),
           nb::arg("g"), nb::arg("y0"), nb::arg("vx"), nb::arg("angles").noconvert(),
           nb::arg("fs"), nb::arg("rtol"), nb::arg("atol"),
           "Run a SLIP from the apex (x=0, y0, vx, vy=0) over len(angles) steps (angles in rad "
           "from vertical, foot ahead). Returns a SlipRun (samples, steps, status).");
    sm.def("symmetric_stance", &symmetric_stance, nb::arg("mass"), nb::arg("k"),
           nb::arg("leg_length"), nb::arg("g"), nb::arg("vx"), nb::arg("vy_down"),
           nb::arg("theta_lo"), nb::arg("theta_hi"), nb::arg("n_scan"), nb::arg("rtol"),
           nb::arg("atol"),
           "Touchdown angle (rad) for which stance is symmetric, given touchdown velocity. "
           "Returns a SymmetricStance (NaN fields if none).");
    sm.attr("STEP_COLUMNS") =
        nb::make_tuple("t_td", "t_mid", "t_to", "t_next", "x_td", "y_td", "foot_x", "vx_td",
                       "vy_td", "vx_mid", "vy_mid", "vx_to", "vy_to", "x_to", "y_to");
    sm.attr("STATUS") = nb::make_tuple("completed", "fell", "reversed", "stumbled", "too_long");
}

}  // namespace rfl
