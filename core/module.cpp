// course._core: registers each kernel family as a submodule. No kernels live here.
#include "families.hpp"

NB_MODULE(_core, m) {
    m.doc() = "Compiled analysis kernels of Running Form Lab (see course.analysis for the Python API).";
    rfl::register_filters(m);
    rfl::register_geometry(m);
    rfl::register_balance(m);
    rfl::register_jumps(m);
    rfl::register_springmass(m);
    rfl::register_gait(m);
}
