// Kernel family: jumps. (Stub: registers an empty submodule until the family lands.)
#include "arrays.hpp"
#include "families.hpp"

namespace rfl {
void register_jumps(nb::module_& m) {
    m.def_submodule("jumps", "jumps kernels");
}
}  // namespace rfl
