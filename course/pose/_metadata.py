"""Write TFLite model metadata for an image-input model (what MediaPipe Tasks needs to load it).

MediaPipe Tasks refuses a float32 image model without ``NormalizationOptions`` metadata ("Input
tensor has type float32: it requires specifying NormalizationOptions metadata"). The npm package
``@mediapipe/pose`` ships the pose models without it, and mediapipe's own metadata writer is broken
in current wheels, so this module writes the metadata directly with the ``flatbuffers`` package and
the generated schema modules that ship inside the mediapipe wheel (``mediapipe.tasks.metadata``).

The metadata follows the TFLite metadata schema: a ``ModelMetadata`` flatbuffer (file identifier
``M001``) stored in an extra model buffer and referenced by a ``Metadata`` entry named
``TFLITE_METADATA``.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

METADATA_NAME = "TFLITE_METADATA"
_MODEL_IDENTIFIER = b"TFL3"
_METADATA_IDENTIFIER = b"M001"
_MIN_PARSER_VERSION = "1.0.0"
_WEIGHT_ALIGNMENT = 16


@dataclass(frozen=True)
class ImageInput:
    """How a model expects its image input to be normalised: ``(pixel - mean) / std``.

    Attributes
    ----------
    mean
        Value subtracted from each 8-bit channel value (0–255 scale).
    std
        Divisor applied after subtracting ``mean``.
    """

    mean: float
    std: float

    @property
    def value_range(self) -> tuple[float, float]:
        """``(min, max)`` of the normalised input (unitless)."""
        return ((0.0 - self.mean) / self.std, (255.0 - self.mean) / self.std)


#: BlazePose detector: input in [-1, 1].
DETECTOR_INPUT = ImageInput(mean=127.5, std=127.5)
#: BlazePose landmark model: input in [0, 1].
LANDMARK_INPUT = ImageInput(mean=0.0, std=255.0)


def _schemas() -> tuple[ModuleType, ModuleType]:
    """The generated TFLite model and metadata schema modules from the mediapipe wheel."""
    # ``from ... import``, not ``import a.b.c``: mediapipe rebinds the attribute
    # ``mediapipe.tasks`` to ``tasks.python``; ``from`` resolves the real package in sys.modules.
    try:
        from mediapipe.tasks.metadata import metadata_schema_py_generated as meta_fb
        from mediapipe.tasks.metadata import schema_py_generated as model_fb
    except ImportError as exc:  # pragma: no cover - depends on the installed wheel
        raise ImportError(
            "Writing TFLite metadata needs the schema modules shipped in the mediapipe wheel "
            f"(mediapipe.tasks.metadata.*); they could not be imported ({exc}). "
            "Reinstall mediapipe (pip install 'mediapipe>=0.10.30')."
        ) from exc
    return model_fb, meta_fb


def _tensor_names(model: Any, indices: Any) -> list[str]:
    names = []
    for i in indices:
        name = model.subgraphs[0].tensors[int(i)].name
        names.append(name.decode() if isinstance(name, bytes) else str(name))
    return names


def add_image_metadata(
    model_bytes: bytes, image: ImageInput, *, name: str, description: str = ""
) -> bytes:
    """Return a copy of a TFLite model with image-input metadata (normalisation, RGB).

    Parameters
    ----------
    model_bytes
        The ``.tflite`` flatbuffer (file identifier ``TFL3``).
    image
        Normalisation of the image input (mean and std on the 0–255 scale).
    name
        Model name stored in the metadata.
    description
        Free text stored in the metadata.

    Returns
    -------
    bytes
        The model with a ``TFLITE_METADATA`` buffer; any previous metadata entry of that name is
        replaced.

    Raises
    ------
    ValueError
        If ``model_bytes`` is not a TFLite flatbuffer or its first input is not an image tensor.
    """
    import flatbuffers

    model_fb, meta_fb = _schemas()
    if len(model_bytes) < 8 or model_bytes[4:8] != _MODEL_IDENTIFIER:
        raise ValueError(
            "expected a TFLite model (a flatbuffer with identifier 'TFL3'); got "
            f"{len(model_bytes)} bytes starting {model_bytes[:8]!r}. Check the file is a .tflite."
        )
    model = model_fb.ModelT.InitFromObj(model_fb.Model.GetRootAsModel(model_bytes, 0))
    graph = model.subgraphs[0]
    inputs = list(graph.inputs)
    first = graph.tensors[int(inputs[0])]
    shape = [int(s) for s in first.shape]
    if len(shape) != 4 or shape[3] != 3:
        raise ValueError(
            f"expected the first model input to be an image of shape (1, H, W, 3); got {shape}."
        )

    norm = meta_fb.NormalizationOptionsT()
    norm.mean = [float(image.mean)]
    norm.std = [float(image.std)]
    unit = meta_fb.ProcessUnitT()
    unit.optionsType = meta_fb.ProcessUnitOptions.NormalizationOptions
    unit.options = norm

    props = meta_fb.ImagePropertiesT()
    props.colorSpace = meta_fb.ColorSpaceType.RGB
    content = meta_fb.ContentT()
    content.contentPropertiesType = meta_fb.ContentProperties.ImageProperties
    content.contentProperties = props

    stats = meta_fb.StatsT()
    lo, hi = image.value_range
    stats.min = [float(lo)]
    stats.max = [float(hi)]

    image_meta = meta_fb.TensorMetadataT()
    image_meta.name = "image"
    image_meta.description = (
        f"RGB image {shape[2]}x{shape[1]}, (pixel - {image.mean}) / {image.std}"
    )
    image_meta.content = content
    image_meta.processUnits = [unit]
    image_meta.stats = stats

    input_meta = [image_meta]
    for extra in _tensor_names(model, inputs[1:]):
        t = meta_fb.TensorMetadataT()
        t.name = extra
        input_meta.append(t)
    output_meta = []
    for out in _tensor_names(model, graph.outputs):
        t = meta_fb.TensorMetadataT()
        t.name = out
        output_meta.append(t)

    sub = meta_fb.SubGraphMetadataT()
    sub.inputTensorMetadata = input_meta
    sub.outputTensorMetadata = output_meta
    meta = meta_fb.ModelMetadataT()
    meta.name = name
    meta.description = description
    meta.subgraphMetadata = [sub]
    meta.minParserVersion = _MIN_PARSER_VERSION

    mb = flatbuffers.Builder(0)
    mb.Finish(meta.Pack(mb), _METADATA_IDENTIFIER)
    meta_bytes = bytes(mb.Output())

    import numpy as np

    buffer = model_fb.BufferT()
    buffer.data = np.frombuffer(meta_bytes, dtype=np.uint8)
    model.buffers.append(buffer)
    entry = model_fb.MetadataT()
    entry.name = METADATA_NAME
    entry.buffer = len(model.buffers) - 1
    kept = [m for m in (model.metadata or []) if _entry_name(m) != METADATA_NAME]
    model.metadata = [*kept, entry]

    builder = _aligned_builder(len(model_bytes) + len(meta_bytes) + 1024)
    builder.Finish(model.Pack(builder), _MODEL_IDENTIFIER)
    return bytes(builder.Output())


def _aligned_builder(size: int) -> Any:
    """A flatbuffers builder that aligns byte vectors (weight buffers) to 16 bytes.

    TFLite maps weights straight from the file only when they are aligned; otherwise it warns and
    copies each one to the heap.
    """
    import flatbuffers

    class _Builder(flatbuffers.Builder):  # type: ignore[misc,unused-ignore]
        def StartVector(self, elemSize: int, numElems: int, alignment: int) -> int:
            if elemSize == 1 and numElems >= 16:
                alignment = max(alignment, _WEIGHT_ALIGNMENT)
            return int(super().StartVector(elemSize, numElems, alignment))

    return _Builder(size)


def _entry_name(entry: Any) -> str:
    name = entry.name
    return name.decode() if isinstance(name, bytes) else str(name)


def read_image_metadata(model_bytes: bytes) -> ImageInput | None:
    """The image normalisation recorded in a TFLite model's metadata, or None if it has none.

    Parameters
    ----------
    model_bytes
        A ``.tflite`` flatbuffer.

    Returns
    -------
    ImageInput or None
        Mean and std (0–255 scale) of the first input's ``NormalizationOptions``.
    """
    model_fb, meta_fb = _schemas()
    model = model_fb.Model.GetRootAsModel(model_bytes, 0)
    for i in range(model.MetadataLength()):
        entry = model.Metadata(i)
        if entry.Name() is None or entry.Name().decode() != METADATA_NAME:
            continue
        data = model.Buffers(entry.Buffer()).DataAsNumpy().tobytes()
        meta = meta_fb.ModelMetadata.GetRootAsModelMetadata(data, 0)
        tensor = meta.SubgraphMetadata(0).InputTensorMetadata(0)
        for u in range(tensor.ProcessUnitsLength()):
            unit = tensor.ProcessUnits(u)
            if unit.OptionsType() == meta_fb.ProcessUnitOptions.NormalizationOptions:
                opts = meta_fb.NormalizationOptions()
                table = unit.Options()
                opts.Init(table.Bytes, table.Pos)
                return ImageInput(mean=float(opts.Mean(0)), std=float(opts.Std(0)))
    return None
