// Private header of the geometry family: per-frame body-angle and facing kernels, shared by the
// sequence kernels and the live analyzer (both in geometry.cpp). Plain C++, no Python types.
#pragma once

#include <cstddef>

namespace rfl {

/// Number of named body angles computed per frame, in this order:
/// trunk_lean, thigh, hip_extension, hip_flexion, knee, shank, body_lean, hip_bend,
/// pelvic_obliquity (degrees).
constexpr size_t kBodyAngles = 9;

/// Named body angles of one frame of 33 landmarks with d (2 or 3) values each. side: 0 = the
/// person's left, 1 = right. facing: +1 = faces image right (+x), -1 = left, 0 = unknown (then the
/// forward-signed angles are NaN). sx, sy scale x and y to isotropic units (e.g. pixels).
void frame_angles(const double* lm, size_t d, int side, int facing, double sx, double sy,
                  double* out);

/// Facing direction of one frame from nose vs ears and toes vs heels: +1 right, -1 left, 0 unknown.
int frame_facing(const double* lm, size_t d, double sx, double sy);

}  // namespace rfl
