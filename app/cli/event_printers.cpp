#include "event_printers.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace relay::cli {
namespace {

std::atomic<bool> g_cancelRequested{false};

void onSignal(int signal) {
    if (g_cancelRequested.load() && signal == SIGINT)
        std::_Exit(130);
    g_cancelRequested.store(true);
}

std::string clock(double seconds) {
    auto whole = static_cast<long>(seconds + 0.5);
    char text[32];
    if (whole >= 3600)
        std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", whole / 3600, whole / 60 % 60,
                      whole % 60);
    else
        std::snprintf(text, sizeof text, "%ld:%02ld", whole / 60, whole % 60);
    return text;
}

std::string progressLine(const nlohmann::json& event) {
    double step = event.value("step", 0.0), total = event.value("total_steps", 1.0);
    double fraction = total > 0 ? step / total : 0;
    constexpr int kBarWidth = 24;
    int filled = static_cast<int>(fraction * kBarWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kBarWidth, '.');
    char text[256];
    std::snprintf(text, sizeof text, "[%s] %.0f/%.0f  loss %.4f  %.0f ex/s  ETA %s", bar.c_str(),
                  step, total, event.value("loss", 0.0), event.value("examples_per_second", 0.0),
                  clock(event.value("eta_seconds", 0.0)).c_str());
    return text;
}

std::string evalLine(const nlohmann::json& event) {
    std::string line = "eval @" + std::to_string(event.value("step", 0)) + ":";
    for (const auto& key : {"in_distribution", "out_of_distribution"}) {
        if (!event.contains(key) || !event[key].is_object())
            continue; // no test set on that side of the training range
        char text[96];
        std::snprintf(text, sizeof text, "  %s answer %.3f chain %.3f",
                      key == std::string("in_distribution") ? "in-dist" : "longer",
                      event[key].value("answer_accuracy", 0.0),
                      event[key].value("chain_accuracy", 0.0));
        line += text;
    }
    return line;
}

// "== stage looped: skipped (run 3, already finished)"; data stages stay one short line. With
// --seeds, each seed's pipeline begins with "== seed 8 (2 of 3)" and its stages name the seed.
std::string stageLine(const nlohmann::json& event) {
    std::string stage = event.value("stage", "");
    if (!event.contains("state"))
        return "stage " + stage;
    const std::string seed = event.contains("seed")
                                 ? "seed " + std::to_string(event.value("seed", std::uint64_t{0}))
                                 : "";
    if (stage == "seed")
        return "== " + seed + " (" + std::to_string(event.value("index", 0)) + " of " +
               std::to_string(event.value("seeds", 0)) + ")";
    if (stage == "report")
        return "== pipeline " + event.value("state", "") + (seed.empty() ? "" : " (" + seed + ")");
    std::string line = "== stage " + stage + ": " + event.value("state", "");
    std::string detail = seed;
    if (event.contains("run") && event["run"].is_number_integer())
        detail += (detail.empty() ? "" : ", ") + std::string("run ") +
                  std::to_string(event["run"].get<std::int64_t>());
    if (event.contains("reason"))
        detail += (detail.empty() ? "" : ", ") + event.value("reason", "");
    if (event.contains("generated"))
        detail += (detail.empty() ? "" : ", ") + std::to_string(event.value("generated", 0)) +
                  " chains, " + std::to_string(event.value("verified", 0)) + " verified";
    return detail.empty() ? line : line + " (" + detail + ")";
}

} // namespace

void JsonLinesEvents::emit(const nlohmann::json& event) {
    std::cout << event.dump() << std::endl; // one flushed line per event: the GUI reads lines
}

ProgressEvents::ProgressEvents()
    : m_terminal(isatty(STDOUT_FILENO) != 0),
      m_lastPlainLine(std::chrono::steady_clock::now() - std::chrono::hours(1)) {}

void ProgressEvents::endProgressLine() {
    if (m_progressShown)
        std::cout << "\n";
    m_progressShown = false;
}

void ProgressEvents::emit(const nlohmann::json& event) {
    const std::string kind = event.value("event", "");
    if (kind == "step") {
        if (m_terminal) {
            std::cout << "\r" << progressLine(event) << "\x1b[K" << std::flush;
            m_progressShown = true;
        } else if (std::chrono::steady_clock::now() - m_lastPlainLine > std::chrono::seconds(10)) {
            m_lastPlainLine = std::chrono::steady_clock::now();
            std::cout << progressLine(event) << std::endl;
        }
        return;
    }
    endProgressLine();
    if (kind == "started")
        std::cout << "run " << event.value("run", 0) << " (" << event.value("kind", "") << ") on "
                  << event.value("device", "") << ": " << event.value("total_steps", 0) << " steps"
                  << std::endl;
    else if (kind == "eval")
        std::cout << evalLine(event) << std::endl;
    else if (kind == "checkpoint")
        std::cout << "checkpoint " << event.value("path", "") << std::endl;
    else if (kind == "stage")
        std::cout << stageLine(event) << std::endl;
    else if (kind == "finished")
        std::cout << "run " << event.value("run", 0) << " " << event.value("status", "")
                  << " after " << event.value("steps", 0) << " steps ("
                  << clock(event.value("wall_seconds", 0.0)) << ")" << std::endl;
    else if (kind == "error" && !event.value("rethrown", false))
        std::cerr << "relay: error: " << event.value("message", "") << std::endl;
}

std::unique_ptr<TrainingEvents> makeEventPrinter(bool json) {
    if (json)
        return std::make_unique<JsonLinesEvents>();
    return std::make_unique<ProgressEvents>();
}

const std::atomic<bool>& installCancelHandler() {
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    return g_cancelRequested;
}

} // namespace relay::cli
