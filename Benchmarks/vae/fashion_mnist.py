"""Fashion-MNIST from the IDX files of Debian's dataset-fashion-mnist, as uint8 numpy arrays."""

import gzip
import os

import numpy as np

DIRECTORY = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


def read_images(split):
    """The images of `split` ("train" or "t10k") as a [count, 784] uint8 array."""
    name = f"{split}-images-idx3-ubyte"
    for path in (os.path.join(DIRECTORY, name + ".gz"), os.path.join(DIRECTORY, name)):
        if os.path.exists(path):
            opener = gzip.open if path.endswith(".gz") else open
            with opener(path, "rb") as file:
                data = file.read()
            magic, count, rows, columns = np.frombuffer(data[:16], dtype=">u4")
            if magic != 2051:
                raise SystemExit(f"{path}: not an IDX image file (magic {magic})")
            pixels = np.frombuffer(data[16:], dtype=np.uint8)
            return pixels.reshape(int(count), int(rows) * int(columns))
    raise SystemExit(
        f"no {name}[.gz] in {DIRECTORY}: install dataset-fashion-mnist or set FASHION_MNIST_DIR")
