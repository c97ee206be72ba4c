#include "seed_groups.h"

#include "config_diff.h"
#include "curve_math.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <set>

namespace relay {
namespace {

// The keys two runs share exactly when they belong to one group; nullopt: the run stays alone.
// A run's key may take in the keys of the runs it came from, so they are worked out on demand.
class GroupKeys {
public:
    explicit GroupKeys(const std::vector<RunRecord>& runs) {
        for (const RunRecord& run : runs)
            m_runs.emplace(run.id, &run);
    }

    std::optional<std::string> of(const RunRecord& run) {
        if (const auto known = m_keys.find(run.id); known != m_keys.end())
            return known->second;
        if (!m_visiting.insert(run.id).second)
            return std::nullopt; // a run that came from itself: no lineage to compare
        auto key = compute(run);
        m_visiting.erase(run.id);
        m_keys.emplace(run.id, key);
        return key;
    }

private:
    std::optional<std::string> compute(const RunRecord& run) {
        const auto stored = nlohmann::json::parse(run.configJson, nullptr, false);
        if (stored.is_discarded() || !stored.is_object() || stored.empty())
            return std::nullopt; // no config stored (yet)
        nlohmann::json config = currentFormConfig(run.configJson);
        if (config.empty())
            return std::nullopt;
        const auto seed = config.value("seed", std::uint64_t{0});
        for (const std::string& key : seedGroupIgnoredKeys())
            config.erase(key);
        auto& trainFile = config["data"]["train_file"];
        if (trainFile.is_string())
            if (const auto seedless = seedlessPipelineFile(trainFile.get<std::string>(), seed))
                if (const auto from = lineage(run))
                    trainFile = {{"seed's pipeline file", *seedless}, {"from", *from}};
        return textOf(run.kind) + '\n' + config.dump();
    }

    // The keys of the runs `run` started from and took chains from, when all are known.
    std::optional<std::string> lineage(const RunRecord& run) {
        if (!run.parentRun && !run.generatorRun)
            return std::nullopt;
        std::string keys;
        for (const auto& id : {run.parentRun, run.generatorRun}) {
            if (!id) {
                keys += "\nnone";
                continue;
            }
            const auto found = m_runs.find(*id);
            if (found == m_runs.end())
                return std::nullopt;
            const auto key = of(*found->second);
            if (!key)
                return std::nullopt;
            keys += '\n' + *key;
        }
        return keys;
    }

    std::map<std::int64_t, const RunRecord*> m_runs;
    std::map<std::int64_t, std::optional<std::string>> m_keys;
    std::set<std::int64_t> m_visiting;
};

bool lowerHex(const std::string& text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// A curve with one value per x (the last of repeated ones), x ascending.
std::map<double, double> lastValueByX(const XYSeries& curve) {
    std::map<double, double> values;
    for (int i = 0; i < std::min(curve.x.size(), curve.y.size()); ++i)
        values[curve.x[i]] = curve.y[i];
    return values;
}

bool wordByte(char byte) {
    const auto value = static_cast<unsigned char>(byte);
    return value >= 0x80 || std::isalnum(value); // bytes of non-ASCII letters count as letters
}

void reorderByX(SeedBand& band) {
    SeedBand sorted;
    for (int index : ascendingOrder(band.x)) {
        sorted.x.append(band.x[index]);
        sorted.mean.append(band.mean[index]);
        sorted.min.append(band.min[index]);
        sorted.max.append(band.max[index]);
        sorted.runs.append(band.runs[index]);
    }
    band = std::move(sorted);
}

} // namespace

const std::vector<std::string>& seedGroupIgnoredKeys() {
    static const std::vector<std::string> keys = {"seed", "name"};
    return keys;
}

std::optional<std::string> seedlessPipelineFile(const std::string& file, std::uint64_t seed) {
    namespace fs = std::filesystem;
    const fs::path path(file);
    const std::string name = path.filename().string();
    const fs::path folder = path.parent_path();
    const std::string folderName = folder.filename().string();
    const fs::path base = folder.parent_path();
    if (name.empty() || folderName.empty())
        return std::nullopt;
    if (folderName == "seed-" + std::to_string(seed)) // --folder F: F/seed-<seed>
        return (base / "seed-*" / name).string();
    // By default: pipelines/<name>-<the first 8 hex digits of the config's hash>.
    const auto dash = folderName.rfind('-');
    constexpr std::size_t kHashDigits = 8;
    if (base.filename() == "pipelines" && dash != std::string::npos &&
        folderName.size() - dash - 1 == kHashDigits && lowerHex(folderName.substr(dash + 1)))
        return (base / (folderName.substr(0, dash + 1) + "*") / name).string();
    return std::nullopt;
}

std::vector<std::vector<std::int64_t>> groupRunsBySeed(const std::vector<RunRecord>& runs) {
    std::vector<std::vector<std::int64_t>> groups;
    std::map<std::string, std::size_t> groupOfKey;
    GroupKeys keys(runs);
    for (const RunRecord& run : runs) {
        const auto key = keys.of(run);
        if (!key) {
            groups.push_back({run.id});
            continue;
        }
        const auto [found, added] = groupOfKey.emplace(*key, groups.size());
        if (added)
            groups.emplace_back();
        groups[found->second].push_back(run.id);
    }
    return groups;
}

SeedBand aggregateCurves(const std::vector<XYSeries>& curves) {
    std::map<double, std::vector<double>> valuesAtX;
    for (const XYSeries& curve : curves)
        for (const auto& [x, y] : lastValueByX(curve)) {
            std::vector<double>& values = valuesAtX[x];
            if (std::isfinite(y))
                values.push_back(y);
        }
    SeedBand band;
    constexpr double missing = std::numeric_limits<double>::quiet_NaN();
    for (const auto& [x, values] : valuesAtX) {
        band.x.append(x);
        band.runs.append(static_cast<int>(values.size()));
        if (values.empty()) {
            band.mean.append(missing);
            band.min.append(missing);
            band.max.append(missing);
            continue;
        }
        band.mean.append(std::accumulate(values.begin(), values.end(), 0.0) /
                         static_cast<double>(values.size()));
        band.min.append(*std::min_element(values.begin(), values.end()));
        band.max.append(*std::max_element(values.begin(), values.end()));
    }
    return band;
}

SeedBand seedBandOfMetric(const std::vector<const RunData*>& runs, const QString& metric,
                          XAxisMode mode) {
    const std::string name = metric.toStdString();
    std::vector<XYSeries> values(runs.size()), wallTimes(runs.size());
    for (std::size_t run = 0; run < runs.size(); ++run)
        for (const MetricPoint& point : runs[run]->metrics)
            if (point.name == name) {
                values[run].x.append(static_cast<double>(point.step));
                values[run].y.append(point.value);
                wallTimes[run].x.append(static_cast<double>(point.step));
                wallTimes[run].y.append(point.wallTime);
            }
    SeedBand band = aggregateCurves(values);
    if (mode == XAxisMode::WallTime) {
        // Same points, so the same steps in the same order.
        band.x = aggregateCurves(wallTimes).mean;
        reorderByX(band);
    }
    return band;
}

SeedBand seedBandOfAccuracy(const std::vector<const RunData*>& runs, const QStringList& preferred,
                            QString* usedStopping, EvalMeasure measure, int length) {
    std::vector<XYSeries> curves;
    for (const RunData* run : runs) {
        QString used;
        curves.push_back(measure == EvalMeasure::StepAccuracy
                             ? stepAccuracyAtEnd(*run, length)
                             : accuracyByLengthAtEnd(*run, preferred, &used, measure));
        if (usedStopping && curves.size() == 1)
            *usedStopping = used;
    }
    return aggregateCurves(curves);
}

std::string commonRunName(const std::vector<std::string>& names) {
    if (names.empty())
        return {};
    std::size_t length = names.front().size();
    for (const std::string& name : names) {
        length = std::min(length, name.size());
        length = static_cast<std::size_t>(
            std::mismatch(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(length),
                          names.front().begin())
                .first -
            name.begin());
    }
    // Cut back to a whole word: "sweep-s1" and "sweep-s2" share "sweep-s", named "sweep".
    bool midWord = false;
    for (const std::string& name : names)
        midWord = midWord || (length > 0 && length < name.size() && wordByte(name[length - 1]) &&
                              wordByte(name[length]));
    if (midWord)
        while (length > 0 && wordByte(names.front()[length - 1]))
            --length;
    while (length > 0 && !wordByte(names.front()[length - 1]))
        --length;
    return names.front().substr(0, length);
}

} // namespace relay
