#include "train/distributed/shared_memory_sum.h"

#include "store/run_liveness.h"
#include "train/distributed/worker_group.h"

#include <torch/csrc/distributed/c10d/Store.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <linux/futex.h>
#include <new>
#include <stdexcept>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

namespace relay {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

static_assert(std::atomic<std::uint32_t>::is_always_lock_free &&
                  std::atomic<std::uint64_t>::is_always_lock_free,
              "the segment's counters must work across processes");
static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t),
              "the bell is a futex word");

// A peer is usually a step's imbalance behind (about a millisecond): spinning that long answers
// at once, where a sleeping waiter pays a wake-up. Longer waits (rank 0 evaluating) sleep.
constexpr auto kSpinLimit = 3ms;
constexpr auto kSleepSlice = 5ms;       // a sleeping waiter's futex timeout
constexpr auto kLivenessEvery = 50ms;   // how often a sleeping waiter checks its peers are alive
constexpr auto kAttachLimit = 5min;     // for every rank to map a new segment
constexpr std::size_t kLine = 64;       // counters on their own cache lines
constexpr std::size_t kHeaderLines = 2; // the bell, the attached count

void relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

std::runtime_error systemError(const std::string& what) {
    return std::runtime_error(what + ": " + std::strerror(errno));
}

// Rank 0's new segment of `bytes`, mapped.
void* createMapping(const std::string& name, std::size_t bytes) {
    int fd = shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0)
        throw systemError("cannot create the shared-memory segment " + name);
    // Reserved now: a full /dev/shm would otherwise kill the process (SIGBUS) mid-step.
    if (int error = posix_fallocate(fd, 0, static_cast<off_t>(bytes)); error != 0) {
        close(fd);
        shm_unlink(name.c_str());
        errno = error;
        throw systemError("no room in /dev/shm for " + std::to_string((bytes >> 20) + 1) +
                          " MiB of gradient sums");
    }
    void* mapping = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (mapping == MAP_FAILED) {
        shm_unlink(name.c_str());
        throw systemError("cannot map the shared-memory segment " + name);
    }
    return mapping;
}

// Rank 0's segment, mapped by another rank.
void* openMapping(const std::string& name, std::size_t bytes) {
    int fd = shm_open(name.c_str(), O_RDWR, 0600);
    if (fd < 0)
        throw systemError("cannot open rank 0's shared-memory segment " + name);
    void* mapping = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (mapping == MAP_FAILED)
        throw systemError("cannot map rank 0's shared-memory segment " + name);
    return mapping;
}

} // namespace

// The mapping, laid out as: the bell (a futex word bumped at every arrival), the attached count,
// then per rank its phase (sums reached, two phases a sum), whether it left and its pid, then
// every rank's input slot and the result, `capacity` floats each.
struct SharedMemorySum::Segment {
    Segment(void* mapping, std::size_t bytes, int ranks, std::int64_t capacity)
        : base(static_cast<char*>(mapping)), bytes(bytes), ranks(ranks), capacity(capacity) {}
    ~Segment() { munmap(base, bytes); }

    static std::size_t bytesFor(int ranks, std::int64_t capacity) {
        return dataOffset(ranks) + sizeof(float) * static_cast<std::size_t>(capacity) *
                                       (static_cast<std::size_t>(ranks) + 1);
    }
    static std::size_t dataOffset(int ranks) {
        return kLine * (kHeaderLines + static_cast<std::size_t>(ranks));
    }
    // Constructs the counters in fresh (zeroed) memory; rank 0 does it before naming the segment.
    void construct() {
        new (base) std::atomic<std::uint32_t>(0);
        new (base + kLine) std::atomic<std::uint32_t>(0);
        for (int rank = 0; rank < ranks; ++rank) {
            new (&line(rank)) RankLine();
        }
    }

    struct RankLine {
        std::atomic<std::uint64_t> phase{0};
        std::atomic<std::uint32_t> left{0};
        std::atomic<std::int64_t> pid{0};
    };
    static_assert(sizeof(RankLine) <= kLine);

    std::atomic<std::uint32_t>& bell() {
        return *std::launder(reinterpret_cast<std::atomic<std::uint32_t>*>(base));
    }
    std::atomic<std::uint32_t>& attached() {
        return *std::launder(reinterpret_cast<std::atomic<std::uint32_t>*>(base + kLine));
    }
    RankLine& line(int rank) {
        return *std::launder(reinterpret_cast<RankLine*>(
            base + kLine * (kHeaderLines + static_cast<std::size_t>(rank))));
    }
    float* slot(int rank) {
        return reinterpret_cast<float*>(base + dataOffset(ranks)) +
               static_cast<std::size_t>(rank) * static_cast<std::size_t>(capacity);
    }
    float* result() { return slot(ranks); }

    void ring() {
        bell().fetch_add(1, std::memory_order_release);
        syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&bell()), FUTEX_WAKE, INT_MAX, nullptr,
                nullptr, 0);
    }
    void sleepUntilRung(std::uint32_t heard) {
        timespec slice{0,
                       std::chrono::duration_cast<std::chrono::nanoseconds>(kSleepSlice).count()};
        syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&bell()), FUTEX_WAIT, heard, &slice,
                nullptr, 0);
    }

    char* base;
    std::size_t bytes;
    int ranks;
    std::int64_t capacity;
};

SharedMemorySum::SharedMemorySum(c10d::Store& store, int rank, int ranks)
    : m_store(store), m_rank(rank), m_ranks(ranks) {
    if (ranks < 1 || rank < 0 || rank >= ranks)
        throw std::invalid_argument("shared-memory sum: rank " + std::to_string(rank) + " of " +
                                    std::to_string(ranks));
}

SharedMemorySum::~SharedMemorySum() {
    if (!m_segment)
        return;
    m_segment->line(m_rank).left.store(1, std::memory_order_release);
    m_segment->ring();
}

bool SharedMemorySum::createSegment(std::int64_t capacity) {
    const std::string key = "relay/sum/" + std::to_string(m_generation++);
    const std::size_t bytes = Segment::bytesFor(m_ranks, capacity);
    std::string name;
    void* mapping = MAP_FAILED;
    if (m_rank == 0) {
        static std::atomic<int> made{0};
        name = "/relay-sum-" + std::to_string(getpid()) + "-" + std::to_string(made++);
        try {
            mapping = createMapping(name, bytes);
        } catch (const std::exception& error) {
            // Every rank falls back to Gloo at this same sum: an empty name tells them.
            std::cerr << "relay: " << error.what() << "; gradients are summed over Gloo instead\n";
            m_store.set(key, std::vector<std::uint8_t>{});
            return false;
        }
    } else {
        auto named = m_store.get(key);
        if (named.empty())
            return false;
        name.assign(named.begin(), named.end());
        mapping = openMapping(name, bytes);
    }
    m_segment.reset(); // the previous segment, if any: every rank is past its last sum
    m_segment = std::make_unique<Segment>(mapping, bytes, m_ranks, capacity);
    m_calls = 0;
    if (m_rank == 0) {
        m_segment->construct();
        m_segment->line(0).pid.store(getpid());
        m_store.set(key, std::vector<std::uint8_t>(name.begin(), name.end()));
        // Unlinked once all have it mapped: the memory goes with the last process to unmap it.
        auto deadline = Clock::now() + kAttachLimit;
        while (m_segment->attached().load(std::memory_order_acquire) <
               static_cast<std::uint32_t>(m_ranks - 1)) {
            if (Clock::now() > deadline) {
                shm_unlink(name.c_str());
                throw WorkerLost("data-parallel gradient sum: the other ranks did not map " + name);
            }
            std::this_thread::sleep_for(1ms);
        }
        shm_unlink(name.c_str());
    } else {
        m_segment->line(m_rank).pid.store(getpid());
        m_segment->attached().fetch_add(1, std::memory_order_acq_rel);
    }
    return true;
}

float* SharedMemorySum::input(std::int64_t elements) {
    if (elements < 0)
        throw std::invalid_argument("shared-memory sum of " + std::to_string(elements) + " values");
    if (m_unavailable)
        return nullptr;
    if (!m_segment || elements > m_segment->capacity) { // the same decision on every rank
        if (!createSegment(std::max<std::int64_t>(elements + elements / 8, 1024))) {
            m_unavailable = true;
            m_segment.reset();
            return nullptr;
        }
    }
    return m_segment->slot(m_rank);
}

void SharedMemorySum::waitForAll(std::uint64_t phase) {
    auto& segment = *m_segment;
    for (int peer = 0; peer < m_ranks; ++peer) {
        auto& line = segment.line(peer);
        const auto started = Clock::now();
        auto lastCheck = started;
        for (unsigned spins = 0; line.phase.load(std::memory_order_acquire) < phase; ++spins) {
            if (line.left.load(std::memory_order_acquire))
                throw WorkerLost("data-parallel gradient sum: rank " + std::to_string(peer) +
                                 " left the job");
            if ((spins & 255) != 0) {
                relax();
                continue;
            }
            const auto now = Clock::now();
            if (now - started < kSpinLimit) {
                std::this_thread::yield(); // a peer sharing this core gets it
                continue;
            }
            if (now - lastCheck > kLivenessEvery) {
                lastCheck = now;
                const auto pid = line.pid.load();
                if (!processAlive(pid))
                    throw WorkerLost("data-parallel gradient sum: rank " + std::to_string(peer) +
                                     " (process " + std::to_string(pid) + ") ended");
            }
            const auto heard = segment.bell().load(std::memory_order_acquire);
            if (line.phase.load(std::memory_order_acquire) < phase)
                segment.sleepUntilRung(heard);
        }
    }
}

const float* SharedMemorySum::sum(std::int64_t elements) {
    if (!m_segment || elements > m_segment->capacity)
        throw std::logic_error("shared-memory sum of " + std::to_string(elements) +
                               " values without input() for them");
    auto& segment = *m_segment;
    const std::uint64_t written = 2 * ++m_calls - 1;
    const std::uint64_t summed = written + 1;
    segment.line(m_rank).phase.store(written, std::memory_order_release);
    segment.ring();
    waitForAll(written);
    // This rank's share of the result, every rank's values added in rank order.
    const auto begin = elements * m_rank / m_ranks;
    const auto end = elements * (m_rank + 1) / m_ranks;
    float* result = segment.result();
    const float* first = segment.slot(0);
    for (auto index = begin; index < end; ++index)
        result[index] = first[index];
    for (int rank = 1; rank < m_ranks; ++rank) {
        const float* values = segment.slot(rank);
        for (auto index = begin; index < end; ++index)
            result[index] += values[index];
    }
    segment.line(m_rank).phase.store(summed, std::memory_order_release);
    segment.ring();
    waitForAll(summed);
    return result;
}

} // namespace relay
