// Array aliases shared by every family. Kernels take const C-contiguous float64 arrays on the CPU
// and return new arrays; the Python wrappers in course/analysis fix dtype and contiguity first.
#pragma once

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include <cstddef>
#include <utility>
#include <vector>

namespace rfl {
namespace nb = nanobind;

/// Read-only float64 array of any shape, C-contiguous, on the CPU.
using CArray = nb::ndarray<const double, nb::c_contig, nb::device::cpu>;
/// Read-only 1-D float64 array.
using CVec = nb::ndarray<const double, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
/// Output array handed to NumPy. A struct field of this type is bound with def_prop_ro, a getter
/// returning it by value and rv_policy::automatic (def_ro's reference_internal policy cannot
/// export an owned ndarray; move would copy): each access is a new NumPy view of the buffer.
using NpArray = nb::ndarray<nb::numpy, double>;

/// Move a std::vector into a NumPy array of the given shape without copying.
inline NpArray to_numpy(std::vector<double>&& data, std::initializer_list<size_t> shape) {
    auto* owned = new std::vector<double>(std::move(data));
    nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<double>*>(p); });
    return NpArray(owned->data(), shape.size(), shape.begin(), owner);
}

/// Same, with a runtime shape.
inline NpArray to_numpy(std::vector<double>&& data, const std::vector<size_t>& shape) {
    auto* owned = new std::vector<double>(std::move(data));
    nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<double>*>(p); });
    return NpArray(owned->data(), shape.size(), shape.data(), owner);
}
}  // namespace rfl
