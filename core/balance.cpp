// Kernel family: balance. (Stub: registers an empty submodule until the family lands.)
#include "arrays.hpp"
#include "families.hpp"

namespace rfl {
void register_balance(nb::module_& m) {
    m.def_submodule("balance", "balance kernels");
}
}  // namespace rfl
