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
const std::string kLeft = "relay/left"; // followers that saw "done" and let go of the store
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
} // namespace

struct WorkerGroup::Store {
    c10::intrusive_ptr<c10d::TCPStore> store;
};

WorkerGroup::Job::Job() = default;
WorkerGroup::Job::Job(Job&&) noexcept = default;
WorkerGroup::Job::~Job() = default;

WorkerGroup::WorkerGroup(const WorkerAddress& address)
    : m_address(address), m_store(std::make_unique<Store>()) {
    if (address.worldSize < 1 || address.rank < 0 || address.rank >= address.worldSize)
        throw std::invalid_argument("data-parallel rank " + std::to_string(address.rank) +
                                    " is outside a world of " + std::to_string(address.worldSize) +
                                    " processes");
    if (address.masterPort < 0 || address.masterPort > 65535)
        throw std::invalid_argument("master port " + std::to_string(address.masterPort) +
                                    ": expected 0..65535");
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(address.masterPort);
    options.isServer = address.rank == 0;
    options.waitWorkers = false;
    options.timeout = kConnectLimit;
    try {
        m_store->store = c10::make_intrusive<c10d::TCPStore>(address.masterAddress, options);
    } catch (const std::exception& error) {
        throw std::runtime_error("cannot " + std::string(options.isServer ? "host" : "reach") +
                                 " the data-parallel store at " + address.masterAddress + ":" +
                                 std::to_string(address.masterPort) + ": " + error.what());
    }
    m_store->store->setTimeout(kWorkerWaitLimit);
}

WorkerGroup::~WorkerGroup() = default;

int WorkerGroup::port() const {
    return m_store->store->getPort();
}

std::unique_ptr<TrainingGroup> WorkerGroup::joinJob(std::int64_t job) {
    auto prefixed = c10::make_intrusive<c10d::PrefixStore>(jobKey(job) + "/group", m_store->store);
    return std::make_unique<TrainingGroup>(prefixed, m_address.rank, m_address.worldSize,
                                           isLoopback(m_address.masterAddress));
}

std::unique_ptr<TrainingGroup> WorkerGroup::announceJob(const std::string& description,
                                                        const std::string& state) {
    std::int64_t job = m_store->store->add(kJobCounter, 1) - 1;
    m_store->store->set(jobKey(job) + "/state", bytesOf(state));
    m_store->store->set(jobKey(job), bytesOf(description)); // last: a follower waits on it
    return joinJob(job);
}

std::optional<WorkerGroup::Job> WorkerGroup::nextJob() {
    std::int64_t job = m_nextJob++;
    auto description = guardCollective("wait for rank 0",
                                       [&] { return textOf(m_store->store->get(jobKey(job))); });
    if (description == kDone) {
        m_store->store->add(kLeft, 1);
        return std::nullopt;
    }
    Job next;
    next.description = description;
    next.state = textOf(m_store->store->get(jobKey(job) + "/state"));
    next.group = joinJob(job);
    return next;
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
