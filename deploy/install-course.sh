#!/usr/bin/env bash
# Install the course into the active Python environment and put what a class needs offline
# into DATA: the pose model (DATA/models), the sample clips (DATA/media) and a pristine copy of
# the lessons (DATA/lessons). Used by deploy/k8s/Dockerfile (the single-user image) and by
# binder/postBuild; run it in a fresh virtualenv to check the image's install steps:
#   python3 -m venv /tmp/img && . /tmp/img/bin/activate && bash deploy/install-course.sh /tmp/img/rfl
# Needs a C++17 compiler, CMake >= 3.18, and network access to PyPI (and MediaPipe's model
# storage, or npm to build the model from the @mediapipe/pose package).
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 DATA_DIR [EXTRAS]   (EXTRAS: pip extras of the course, default: hub)" >&2
  exit 2
fi
DATA="$1"
EXTRAS="${2-hub}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
target="${repo}"
if [ -n "${EXTRAS}" ]; then target="${repo}[${EXTRAS}]"; fi

# the pose runtime learners' browsers run (PoseCamera inference "browser"/"auto"), pinned by
# widgets/web/package-lock.json; the wheel carries its files. Without npm, "auto" falls back to
# pose in the kernel and says so.
if command -v npm >/dev/null 2>&1; then
  (cd "${repo}/widgets/web" && npm ci --no-audit --no-fund)
else
  echo "npm not found: the browser pose runtime is not installed; cameras use kernel inference." >&2
fi
python -m pip install --no-cache-dir "scikit-build-core>=0.10" "nanobind>=2.4"
python -m pip install --no-cache-dir --no-build-isolation "${target}"
# the single-user server must match the hub's JupyterHub (Zero to JupyterHub pins its own)
if [ -n "${JUPYTERHUB_VERSION:-}" ]; then
  python -m pip install --no-cache-dir "jupyterhub==${JUPYTERHUB_VERSION}"
fi

mkdir -p "${DATA}/models" "${DATA}/media"
# from here on, import the installed course, not the source tree in the current folder
cd "${DATA}"
cache="$(mktemp -d)"
# the model goes to a throw-away user cache first (RUNNING_FORM_LAB_MODELS is never written to)
env -u RUNNING_FORM_LAB_MODELS XDG_CACHE_HOME="${cache}" python -m course models --variant lite
cp "${cache}/running-form-lab/models/pose_landmarker_lite.task" "${DATA}/models/"
rm -rf "${cache}"
RUNNING_FORM_LAB_MEDIA="${DATA}/media" python -m course media all
rm -rf "${DATA}/lessons"
cp -r "${repo}/lessons" "${DATA}/lessons"

# the installed environment is what a learner's server will run
jupyter server extension list 2>&1 | grep -E "course\.server.*enabled"
RUNNING_FORM_LAB_MODELS="${DATA}/models" RUNNING_FORM_LAB_MEDIA="${DATA}/media" python -m course check
echo "Course installed into $(python -c 'import sys; print(sys.prefix)'); data in ${DATA}"
