// Kernel family: geometry. (Stub: registers an empty submodule until the family lands.)
#include "arrays.hpp"
#include "families.hpp"

namespace rfl {
void register_geometry(nb::module_& m) {
    m.def_submodule("geometry", "geometry kernels");
}
}  // namespace rfl
