#!/usr/bin/env python3
"""Measures Python tomllib decoding throughput on the corpus written by `toml-benchmark write-corpus`.

usage: toml_tomllib.py DIR [repetitions]
Prints one line a workload, in the same form as toml-benchmark: "python NAME BYTES bytes: median X MB/s".
"""
import os
import sys
import time
import tomllib


def load(directory):
    with open(os.path.join(directory, "config.toml"), "rb") as f:
        config = f.read()
    small_dir = os.path.join(directory, "small")
    small = []
    for name in sorted(os.listdir(small_dir)):
        with open(os.path.join(small_dir, name), "rb") as f:
            small.append(f.read())
    return [("config", [config]), ("toml-test-valid", small)]


def measure(documents, repetitions):
    total = sum(len(d) for d in documents)
    copies = max(1, 2_000_000 // max(total, 1))
    samples = []
    for _ in range(repetitions):
        start = time.perf_counter()
        for _ in range(copies):
            for document in documents:
                tomllib.loads(document.decode("utf-8"))
        seconds = time.perf_counter() - start
        samples.append(total * copies / 1e6 / seconds)
    samples.sort()
    return total, samples


def main():
    directory = sys.argv[1]
    repetitions = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    for name, documents in load(directory):
        total, samples = measure(documents, repetitions)
        median = samples[len(samples) // 2]
        print(f"python {name} {total} bytes: median {median:.2f} MB/s (min {samples[0]:.2f}, max {samples[-1]:.2f})")


if __name__ == "__main__":
    main()
