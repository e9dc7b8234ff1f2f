#!/usr/bin/python3
"""Runs FAISS on the same hash files as `ariadne bench index`, for a side-by-side comparison.

usage: bench-index-faiss.py HASHES QUERIES [--radius 31] [--index flat|hma|mih16] [--batch]

Prints build seconds, memory growth, queries per second and per CPU-second (one query per call
unless --batch, one thread), the number of (query, id) pairs within the radius and their
order-independent checksum, computed as ariadne's is: the sum mod 2^64 of
splitmix64(splitmix64(query line) ^ id). Needs Debian's python3-faiss (apt-get install
python3-faiss) and numpy.
"""
import argparse
import resource
import sys
import time

import faiss
import numpy as np

MASK = (1 << 64) - 1


def splitmix64(x):
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def read_hashes(path):
    """One hex hash per line, optionally a tab and an ID (default: the line number)."""
    codes, ids = [], []
    with open(path) as f:
        for n, line in enumerate(f):
            line = line.rstrip("\r\n")
            if not line or line.startswith("#"):
                continue
            hexpart, _, idpart = line.partition("\t")
            codes.append(bytes.fromhex(hexpart))
            ids.append(int(idpart) if idpart else n)
    # FAISS binary codes are bytes; Hamming distance does not depend on the bit order.
    return np.frombuffer(b"".join(codes), dtype=np.uint8).reshape(-1, 32), np.array(ids, dtype=np.int64)


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hashes")
    ap.add_argument("queries")
    ap.add_argument("--radius", type=int, default=31)
    ap.add_argument("--index", choices=["flat", "hma", "mih16"], default="hma")
    ap.add_argument("--batch", action="store_true")
    a = ap.parse_args()
    faiss.omp_set_num_threads(1)

    xb, ids = read_hashes(a.hashes)
    xq, _ = read_hashes(a.queries)
    before = rss_mib()
    t0 = time.perf_counter()
    if a.index == "flat":
        index = faiss.IndexBinaryFlat(256)
    else:
        # HMA's PDQ index: IndexBinaryMultiHash(256, nhash=16, 16 bits), nflip = radius // nhash.
        mih = faiss.IndexBinaryMultiHash(256, 16, 16)
        mih.nflip = a.radius // 16
        index = mih
    index = faiss.IndexBinaryIDMap2(index)
    index.add_with_ids(xb, ids)
    build = time.perf_counter() - t0
    mem = rss_mib() - before
    print(f"faiss {faiss.__version__} {a.index}: hashes {len(xb)}, queries {len(xq)}, radius {a.radius}")
    print(f"build: {build:.2f} s, memory growth: {mem:.1f} MiB (peak RSS {rss_mib():.1f} MiB)")

    # FAISS's binary range search keeps distances strictly below its radius.
    w0, c0 = time.perf_counter(), time.process_time()
    results = []
    if a.batch:
        lims, dist, labels = index.range_search(xq, a.radius + 1)
        for i in range(len(xq)):
            results.append(labels[lims[i]:lims[i + 1]])
    else:
        for i in range(len(xq)):
            lims, dist, labels = index.range_search(xq[i:i + 1], a.radius + 1)
            results.append(labels)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    pairs, total = 0, 0
    for q, labels in enumerate(results):
        sq = splitmix64(q)
        for lab in labels:
            total = (total + splitmix64(sq ^ int(lab))) & MASK
        pairs += len(labels)
    print(f"queries: {wall:.3f} s wall, {cpu:.3f} s CPU: {len(xq) / wall:.0f} queries/s, {len(xq) / cpu:.0f} queries/CPU-s")
    print(f"pairs: {pairs}, checksum: {total:016x}")


if __name__ == "__main__":
    sys.exit(main())
