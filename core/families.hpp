// Registration entry points of the kernel families; each lives in its own source file.
#pragma once

#include <nanobind/nanobind.h>

namespace rfl {
void register_filters(nanobind::module_& m);
void register_geometry(nanobind::module_& m);
void register_balance(nanobind::module_& m);
void register_jumps(nanobind::module_& m);
void register_springmass(nanobind::module_& m);
void register_gait(nanobind::module_& m);
}  // namespace rfl
