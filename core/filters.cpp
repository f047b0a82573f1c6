// Kernel family: filters. (Stub: registers an empty submodule until the family lands.)
#include "arrays.hpp"
#include "families.hpp"

namespace rfl {
void register_filters(nb::module_& m) {
    m.def_submodule("filters", "filters kernels");
}
}  // namespace rfl
