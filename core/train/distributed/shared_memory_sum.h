// Sums float32 buffers across the ranks of a job that all run on one machine, through one shared
// memory segment: each rank writes its buffer there, sums its own share of every rank's buffers
// and reads the whole sum back. The ranks meet on spinning atomic counters, so a sum costs about
// the copies; Gloo's allreduce over the loopback costs thread and socket wake-ups, 2-3 ms a step
// for the cpu-quick model (about a tenth of its step) on a 2-core machine.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace c10d {
class Store;
}

namespace relay {

class SharedMemorySum {
public:
    // Meets the other ranks on `store` (the job's own); rank 0 creates each segment, names it in
    // the store and unlinks it once every rank has mapped it, so nothing outlives the job.
    SharedMemorySum(c10d::Store& store, int rank, int ranks);
    ~SharedMemorySum(); // tells waiting peers this rank left the job
    SharedMemorySum(const SharedMemorySum&) = delete;
    SharedMemorySum& operator=(const SharedMemorySum&) = delete;

    // This rank's buffer for a sum of `elements` values; every rank asks for the same count in
    // the same order (a count above the segment's size makes a larger segment, a collective).
    // Null on every rank when rank 0 could not make a segment (/dev/shm full, say; it tells
    // why on stderr): the job sums another way from then on.
    float* input(std::int64_t elements);
    // The sum over the ranks of what each wrote to input(elements), the same bits on every
    // rank (summed in rank order); valid until the next input(). Throws WorkerLost when a peer
    // process ended or left the job before taking part.
    const float* sum(std::int64_t elements);

private:
    struct Segment;                            // one mapping of the shared segment
    bool createSegment(std::int64_t capacity); // false: rank 0 could not

    void waitForAll(std::uint64_t phase);

    c10d::Store& m_store;
    int m_rank;
    int m_ranks;
    std::unique_ptr<Segment> m_segment;
    std::int64_t m_generation = 0; // segments made so far, the same count on every rank
    std::uint64_t m_calls = 0;     // sums taken in this segment
    bool m_unavailable = false;
};

} // namespace relay
