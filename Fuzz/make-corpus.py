#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into Fuzz/Corpus/<target>/.

Small valid files and edge cases, a few bytes to a few KB each, written with the standard
library only. The output is committed; rerun after changing this script:
    python3 Fuzz/make-corpus.py
"""
import gzip
import json
import os
import shutil
import struct
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Corpus")


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def write(target, name, data):
    directory = os.path.join(ROOT, target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as file:
        file.write(data)


def idx(dimensions, data, type_code=0x08):
    header = bytes([0, 0, type_code, len(dimensions)])
    return header + b"".join(struct.pack(">I", size) for size in dimensions) + bytes(data)


def idx_corpus():
    images = idx([2, 3, 3], range(18))
    labels = idx([4], [0, 9, 3, 7])
    write("idx", "images-2x3x3", images)
    write("idx", "labels-4", labels)
    write("idx", "images-2x3x3.gz", gz(images))
    write("idx", "labels-4-two-members.gz", gz(labels[:6]) + gz(labels[6:]))
    write("idx", "labels-4-zero-padded.gz", gz(labels) + bytes(8))
    write("idx", "scalar", idx([], [42]))
    write("idx", "empty-axis", idx([0, 28, 28], []))
    write("idx", "truncated", idx([2, 3, 3], range(10)))
    write("idx", "trailing", idx([4], range(6)))
    write("idx", "huge-header", idx([0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF], []))
    write("idx", "float-type", idx([2], [0] * 8, type_code=0x0D))
    write("idx", "truncated.gz", gz(images)[:-6])


def npy(descr, shape, data, version=1, fortran=False):
    shape_text = "(" + "".join(f"{size}, " for size in shape).rstrip(" ")
    if len(shape) > 1:
        shape_text = shape_text.rstrip(",")
    shape_text += ")"
    header = (
        f"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape_text}, }}"
    ).encode()
    length_size = 2 if version == 1 else 4
    preamble = 6 + 2 + length_size
    padding = -(preamble + len(header) + 1) % 64
    header += b" " * padding + b"\n"
    length = struct.pack("<H" if version == 1 else "<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header + bytes(data)


def npy_corpus():
    write("npy", "f4-2x3", npy("<f4", [2, 3], struct.pack("<6f", 1, 2, 3, 4.5, -1, 0)))
    write("npy", "f8-big-endian-3", npy(">f8", [3], struct.pack(">3d", 1, -2.5, 1e300)))
    write("npy", "i8-v2-2", npy("<i8", [2], struct.pack("<2q", -1, 2**62), version=2))
    write("npy", "u1-scalar-v3", npy("|u1", [], [7], version=3))
    write("npy", "i2-empty", npy("<i2", [0, 5], []))
    write("npy", "u4-4", npy("<u4", [4], struct.pack("<4I", 0, 1, 2**31, 2**32 - 1)))
    write("npy", "f4-2x3.gz", gz(npy("<f4", [2, 3], struct.pack("<6f", 1, 2, 3, 4, 5, 6))))
    write("npy", "fortran", npy("<f4", [1, 1], struct.pack("<f", 1), fortran=True))
    write("npy", "huge-shape", npy("<f8", [2**40, 2**40], []))
    write("npy", "truncated", npy("<f8", [4], struct.pack("<2d", 1, 2)))
    header = b"{'descr': [('a', '<f4')], 'shape': [1, 2], 'x': {'y': None}, \"z\": 3L, }\n"
    write("npy", "odd-literals", b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header)


def csv_corpus():
    write("csv", "simple.csv", b"x,y,label\n1,2.5,0\n-3e2,4,1\n0.125,  7 ,0\n")
    write("csv", "quoted.csv", b'"a, b","say ""hi""",c\n1,"2",3\n\n\n')
    write("csv", "crlf.csv", b"a,b\r\n1,2\r\n3,4\r\n")
    write("csv", "header-only.csv", b"only\n")
    write("csv", "ragged.csv", b"a,b\n1\n")
    write("csv", "missing.csv", b"a,b\n1,\n")
    write("csv", "non-numeric.csv", b"a,b\n1,nan\n2,zebra\n")
    write("csv", "unterminated.csv", b'a,"b\n1,2\n')
    write("csv", "duplicate.csv", b"a,a\n1,2\n")
    write("csv", "simple.csv.gz", gz(b"x,y\n1,2\n3,4\n"))


def safetensors(header, data=b""):
    text = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(text)) + text + data


def safetensors_corpus():
    floats = struct.pack("<4f", 1, 2, 3, 4)
    doubles = struct.pack("<2d", 0.5, -1)
    write("safetensors", "f32-f64", safetensors({
        "__metadata__": {"epoch": "3", "format": "pt"},
        "a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
        "b": {"dtype": "F64", "shape": [2], "data_offsets": [16, 32]},
    }, floats + doubles))
    write("safetensors", "scalar", safetensors(
        {"s": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]}}, floats[:4]))
    write("safetensors", "empty-tensor", safetensors(
        {"e": {"dtype": "F64", "shape": [0, 3], "data_offsets": [0, 0]}}))
    write("safetensors", "empty-header", safetensors({}))
    write("safetensors", "huge-shape", safetensors(
        {"h": {"dtype": "F32", "shape": [2**40, 2**40], "data_offsets": [0, 16]}}, floats))
    write("safetensors", "bad-offsets", safetensors(
        {"o": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}, floats))
    write("safetensors", "bf16", safetensors(
        {"x": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}}, floats[:4]))
    write("safetensors", "header-too-long", struct.pack("<Q", 2**63) + b"{}")


def png_chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png(width, height, color, rows, depth=8, interlace=0, extra=b"", split=1):
    header = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, interlace)
    compressed = zlib.compress(b"".join(rows), 9)
    step = max(1, -(-len(compressed) // split))
    idats = b"".join(
        png_chunk(b"IDAT", compressed[i:i + step]) for i in range(0, len(compressed), step))
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + extra + idats
            + png_chunk(b"IEND", b""))


def png_corpus():
    grey = [bytes([f]) + bytes((f * 40 + x * 17) % 256 for x in range(4)) for f in range(5)]
    write("png", "grey-4x5-all-filters.png", png(4, 5, 0, grey))
    rgb = [bytes([f % 5]) + bytes((f * 31 + x * 7) % 256 for x in range(9)) for f in range(3)]
    write("png", "rgb-3x3.png", png(3, 3, 2, rgb, split=2,
                                    extra=png_chunk(b"tEXt", b"Title\x00fuzz")))
    write("png", "grey-1x1.png", png(1, 1, 0, [b"\x00\x80"]))
    write("png", "palette.png", png(2, 1, 3, [b"\x00\x00\x01"],
                                    extra=png_chunk(b"PLTE", bytes(6))))
    write("png", "interlaced.png", png(1, 1, 0, [b"\x00\x80"], interlace=1))
    write("png", "grey16.png", png(1, 1, 0, [b"\x00\x80\x00"], depth=16))
    write("png", "large-header.png", png(30000, 30000, 2, [b"\x00" * 16]))
    write("png", "bad-filter.png", png(2, 1, 0, [b"\x07\x01\x02"]))


def config_corpus():
    model = {
        "architecture": "mlp", "channels": 1, "fixedStandardDeviation": 0.1, "height": 28,
        "hiddenSizes": [400], "latentDimension": 20, "likelihood": "bernoulli", "width": 28,
    }
    training = {
        "batchSize": 128, "beta": 1, "beta1": 0.9, "beta2": 0.999, "binarize": False,
        "epochs": 10, "importanceSamples": 1, "klWarmupEpochs": 0, "learningRate": 0.001,
        "samples": 1, "schedule": "constant", "seed": 1,
    }

    def config(**changes):
        result = {"format": "variational-vae-1", "model": dict(model),
                  "training": dict(training)}
        for key, value in changes.items():
            part, field = key.split("__")
            result[part][field] = value
        return json.dumps(result, indent=2, sort_keys=True).encode() + b"\n"

    write("config", "default.json", config())
    write("config", "conv.json", config(model__architecture="conv", model__hiddenSizes=[16],
                                        model__likelihood="gaussian-learned",
                                        training__gradientClipNorm=5,
                                        training__schedule="cosine"))
    write("config", "zero-latent.json", config(model__latentDimension=0))
    write("config", "huge-shape.json", config(model__channels=2**40, model__height=2**40,
                                              model__width=2**40))
    write("config", "bad-enum.json", config(model__likelihood="poisson"))
    write("config", "not-object.json", b"[1, 2, 3]\n")


if __name__ == "__main__":
    shutil.rmtree(ROOT, ignore_errors=True)
    for make in (idx_corpus, npy_corpus, csv_corpus, safetensors_corpus, png_corpus,
                 config_corpus):
        make()
    for target in sorted(os.listdir(ROOT)):
        files = os.listdir(os.path.join(ROOT, target))
        size = sum(os.path.getsize(os.path.join(ROOT, target, name)) for name in files)
        print(f"{target}: {len(files)} files, {size} bytes")
