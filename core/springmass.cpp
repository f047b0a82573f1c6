// Kernel family: springmass. (Stub: registers an empty submodule until the family lands.)
#include "arrays.hpp"
#include "families.hpp"

namespace rfl {
void register_springmass(nb::module_& m) {
    m.def_submodule("springmass", "springmass kernels");
}
}  // namespace rfl
