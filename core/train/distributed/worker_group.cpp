#include "train/distributed/worker_group.h"

#include "train/distributed/training_group.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

namespace relay {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::milliseconds kConnectLimit = 5min;
const std::string kJobCounter = "relay/jobs";
const std::string kDone = "done";
const std::string kAbandoned = "abandoned"; // a job's start when rank 0 gave it up
const std::string kLeft = "relay/left";     // followers that saw "done" and let go of the store
constexpr auto kLeaveLimit = 30s;

std::string jobKey(std::int64_t job) {
    return "relay/job/" + std::to_string(job);
}

std::vector<std::uint8_t> bytesOf(const std::string& text) {
    return {text.begin(), text.end()};
}

std::string textOf(const std::vector<std::uint8_t>& bytes) {
    return {bytes.begin(), bytes.end()};
}

bool isLoopback(const std::string& address) {
    return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1";
}

// Hosts (rank 0) or reaches the rendezvous store. A client is one connection whose waits hold
// it: a follower's job waits on its own, not behind the wait for the next job.
c10::intrusive_ptr<c10d::TCPStore> connect(const WorkerAddress& address, bool host) {
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(address.masterPort);
    options.isServer = host;
    options.waitWorkers = false;
    options.timeout = kConnectLimit;
    c10::intrusive_ptr<c10d::TCPStore> store;
    try {
        store = c10::make_intrusive<c10d::TCPStore>(address.masterAddress, options);
    } catch (const std::exception& error) {
        throw std::runtime_error("cannot " + std::string(host ? "host" : "reach") +
                                 " the data-parallel store at " + address.masterAddress + ":" +
                                 std::to_string(address.masterPort) + ": " + error.what());
    }
    store->setTimeout(kWorkerWaitLimit);
    return store;
}
} // namespace

struct WorkerGroup::Store {
    c10::intrusive_ptr<c10d::TCPStore> store;
};

WorkerGroup::JobStart::JobStart() = default;
WorkerGroup::JobStart::JobStart(JobStart&&) noexcept = default;
WorkerGroup::JobStart::~JobStart() = default;

WorkerGroup::WorkerGroup(const WorkerAddress& address)
    : m_address(address), m_store(std::make_unique<Store>()) {
    if (address.worldSize < 1 || address.rank < 0 || address.rank >= address.worldSize)
        throw std::invalid_argument("data-parallel rank " + std::to_string(address.rank) +
                                    " is outside a world of " + std::to_string(address.worldSize) +
                                    " processes");
    if (address.masterPort < 0 || address.masterPort > 65535)
        throw std::invalid_argument("master port " + std::to_string(address.masterPort) +
                                    ": expected 0..65535");
    m_store->store = connect(m_address, address.rank == 0);
}

WorkerGroup::~WorkerGroup() = default;

int WorkerGroup::port() const {
    return m_store->store->getPort();
}

std::unique_ptr<TrainingGroup> WorkerGroup::joinJob(std::int64_t job, const Store& store) {
    auto prefixed = c10::make_intrusive<c10d::PrefixStore>(jobKey(job) + "/group", store.store);
    return std::make_unique<TrainingGroup>(prefixed, m_address.rank, m_address.worldSize,
                                           isLoopback(m_address.masterAddress),
                                           m_address.localProcesses == m_address.worldSize);
}

WorkerGroup::Announcement WorkerGroup::announceJob(const std::string& description) {
    std::int64_t job = m_store->store->add(kJobCounter, 1) - 1;
    m_store->store->set(jobKey(job), bytesOf(description));
    return Announcement(*this, job);
}

void WorkerGroup::setJobStart(std::int64_t job, const std::string& start,
                              const std::string& state) {
    m_store->store->set(jobKey(job) + "/state", bytesOf(state));
    m_store->store->set(jobKey(job) + "/start", bytesOf(start)); // last: a follower waits on it
}

std::unique_ptr<TrainingGroup> WorkerGroup::Announcement::start(const std::string& start,
                                                                const std::string& state) {
    if (!m_workers)
        throw std::logic_error("a data-parallel job was started twice");
    auto* workers = std::exchange(m_workers, nullptr);
    workers->setJobStart(m_job, start, state);
    return workers->joinJob(m_job, *workers->m_store);
}

WorkerGroup::Announcement::~Announcement() {
    if (!m_workers)
        return;
    try {
        m_workers->setJobStart(m_job, kAbandoned, "");
    } catch (...) {
        // The store is gone with the followers: none of them waits any more.
    }
}

std::optional<WorkerGroup::Job> WorkerGroup::nextJob() {
    std::int64_t job = m_nextJob++;
    auto description = guardCollective("wait for rank 0",
                                       [&] { return textOf(m_store->store->get(jobKey(job))); });
    if (description == kDone) {
        m_store->store->add(kLeft, 1);
        return std::nullopt;
    }
    return Job{job, description};
}

std::optional<WorkerGroup::JobStart> WorkerGroup::awaitStart(const Job& job) {
    const Store own{guardCollective("reach rank 0", [&] { return connect(m_address, false); })};
    auto start = guardCollective("wait for rank 0",
                                 [&] { return textOf(own.store->get(jobKey(job.id) + "/start")); });
    if (start == kAbandoned)
        return std::nullopt;
    JobStart started;
    started.start = start;
    started.state = textOf(own.store->get(jobKey(job.id) + "/state"));
    started.group = joinJob(job.id, own);
    return started;
}

void WorkerGroup::finish() {
    std::int64_t job = m_store->store->add(kJobCounter, 1) - 1;
    m_store->store->set(jobKey(job), bytesOf(kDone));
    // Rank 0 hosts the store: it stays until every follower has read "done" (or a while, when
    // one has gone away), so none of them sees the store vanish and reports a lost worker.
    auto deadline = std::chrono::steady_clock::now() + kLeaveLimit;
    while (m_store->store->add(kLeft, 0) < m_address.worldSize - 1 &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(20ms);
}

int WorkerGroup::threadsPerWorker(int configured) const {
    if (configured > 0)
        return configured;
    int cores = static_cast<int>(std::thread::hardware_concurrency());
    return std::max(1, cores / std::max(1, m_address.localProcesses));
}

namespace {
WorkerGroup* g_current = nullptr;
}

WorkerGroup* WorkerGroup::current() {
    return g_current;
}

void WorkerGroup::setCurrent(WorkerGroup* group) {
    g_current = group;
}

} // namespace relay
