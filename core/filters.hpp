// Private header of the filters family: the One-Euro streaming state, shared with the live
// analyzer in geometry.cpp. Plain C++ (no Python types), so it can run without the GIL.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace rfl {

/// One-Euro filter state for a fixed number of channels sharing one clock
/// (Casiez, Roussel & Vogel 2012, CHI). Each channel keeps its own last time so that a NaN
/// sample (a landmark not seen) passes through as NaN and leaves that channel's state untouched.
class OneEuroState {
  public:
    OneEuroState(double min_cutoff, double beta, double d_cutoff)
        : min_cutoff_(min_cutoff), beta_(beta), d_cutoff_(d_cutoff) {}

    double min_cutoff() const { return min_cutoff_; }
    double beta() const { return beta_; }
    double d_cutoff() const { return d_cutoff_; }
    size_t size() const { return xhat_.size(); }
    bool started() const { return started_; }
    double last_t() const { return t_prev_; }

    void reset() {
        xhat_.clear();
        dxhat_.clear();
        tlast_.clear();
        seen_.clear();
        started_ = false;
        t_prev_ = 0.0;
    }

    /// Check the time stamp and the channel count before filtering (throws std::invalid_argument).
    void check(size_t m, double t) const {
        if (!std::isfinite(t)) {
            throw std::invalid_argument("t must be a finite time in seconds; got " +
                                        std::to_string(t) + ".");
        }
        if (started_ && m != xhat_.size()) {
            throw std::invalid_argument(
                "this filter was started on " + std::to_string(xhat_.size()) +
                " values per sample; got " + std::to_string(m) +
                ". Keep the sample shape fixed, or call reset() first.");
        }
        if (started_ && !(t > t_prev_)) {
            throw std::invalid_argument("t must increase from call to call; got t=" +
                                        std::to_string(t) + " s after t=" +
                                        std::to_string(t_prev_) +
                                        " s. Pass real time stamps, or call reset() first.");
        }
    }

    /// Filter m values at time t (seconds) into out. Call check() first.
    void step(const double* x, double* out, size_t m, double t) {
        if (!started_) {
            xhat_.assign(m, 0.0);
            dxhat_.assign(m, 0.0);
            tlast_.assign(m, 0.0);
            seen_.assign(m, 0);
            started_ = true;
        }
        constexpr double two_pi = 6.283185307179586476925286766559;
        for (size_t i = 0; i < m; ++i) {
            const double xi = x[i];
            if (std::isnan(xi)) {
                out[i] = xi;
                continue;
            }
            if (!seen_[i]) {
                seen_[i] = 1;
                xhat_[i] = xi;
                dxhat_[i] = 0.0;
                tlast_[i] = t;
                out[i] = xi;
                continue;
            }
            const double te = t - tlast_[i];
            const double dx = (xi - xhat_[i]) / te;
            const double rd = two_pi * d_cutoff_ * te;
            const double ad = rd / (1.0 + rd);
            dxhat_[i] = ad * dx + (1.0 - ad) * dxhat_[i];
            const double cutoff = min_cutoff_ + beta_ * std::fabs(dxhat_[i]);
            const double r = two_pi * cutoff * te;
            const double a = r / (1.0 + r);
            xhat_[i] = a * xi + (1.0 - a) * xhat_[i];
            tlast_[i] = t;
            out[i] = xhat_[i];
        }
        t_prev_ = t;
    }

  private:
    double min_cutoff_, beta_, d_cutoff_;
    std::vector<double> xhat_, dxhat_, tlast_;
    std::vector<std::uint8_t> seen_;
    bool started_ = false;
    double t_prev_ = 0.0;
};

}  // namespace rfl
