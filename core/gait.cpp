// Kernel family: gait. (Stub: registers an empty submodule until the family lands.)
#include "arrays.hpp"
#include "families.hpp"

namespace rfl {
void register_gait(nb::module_& m) {
    m.def_submodule("gait", "gait kernels");
}
}  // namespace rfl
