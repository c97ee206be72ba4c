#include "run_series.h"

#include "config/stored_config.h"
#include "curve_math.h"

#include <QObject>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace relay {
namespace {

void sortByX(XYSeries& series) {
    if (std::is_sorted(series.x.begin(), series.x.end()))
        return;
    XYSeries sorted;
    for (int index : ascendingOrder(series.x)) {
        sorted.x.append(series.x[index]);
        sorted.y.append(series.y[index]);
    }
    series = std::move(sorted);
}

// A stored accuracy, or nullopt where the store says "not measured" (negative) or it is no number.
std::optional<double> measured(double value) {
    return std::isfinite(value) && value >= 0 ? std::optional(value) : std::nullopt;
}

// Values gathered per x (several tasks at one length), drawn as their mean, x ascending.
class MeanByX {
public:
    void add(int x, std::optional<double> value) {
        if (!value)
            return;
        m_cells[x].first += *value;
        m_cells[x].second += 1;
    }
    XYSeries series() const {
        XYSeries series;
        for (const auto& [x, cell] : m_cells) {
            series.x.append(x);
            series.y.append(cell.first / cell.second);
        }
        return series;
    }

private:
    std::map<int, std::pair<double, int>> m_cells; // sum, count
};

std::int64_t lastStepAccuracyStep(const RunData& data) {
    std::int64_t last = -1;
    for (const StepAccuracyRecord& record : data.stepAccuracies)
        last = std::max(last, record.step);
    return last;
}

} // namespace

QMap<QString, XYSeries> metricSeries(const RunData& data, XAxisMode mode) {
    std::map<std::string, XYSeries> byName;
    for (const MetricPoint& point : data.metrics) {
        XYSeries& series = byName[point.name];
        series.x.append(mode == XAxisMode::Step ? static_cast<double>(point.step) : point.wallTime);
        series.y.append(point.value);
    }
    QMap<QString, XYSeries> result;
    for (auto& [name, series] : byName) {
        sortByX(series);
        result.insert(QString::fromStdString(name), std::move(series));
    }
    return result;
}

QStringList stoppingRules(const std::vector<EvalRecord>& evals) {
    QStringList rules;
    for (const EvalRecord& eval : evals) {
        const QString rule = QString::fromStdString(eval.stopping);
        if (!rules.contains(rule))
            rules.append(rule);
    }
    return rules;
}

QMap<int, XYSeries> accuracyByLengthOverTime(const RunData& data, const QString& stopping,
                                             XAxisMode mode) {
    std::map<std::int64_t, double> wallOfStep;
    if (mode == XAxisMode::WallTime)
        for (const MetricPoint& point : data.metrics)
            wallOfStep.emplace(point.step, point.wallTime);
    const std::string rule = stopping.toStdString();
    QMap<int, XYSeries> result;
    for (const EvalRecord& eval : data.evals) {
        if (eval.stopping != rule)
            continue;
        double x = static_cast<double>(eval.step);
        if (mode == XAxisMode::WallTime) {
            auto found = wallOfStep.lower_bound(eval.step);
            if (found == wallOfStep.end())
                continue;
            x = found->second;
        }
        XYSeries& series = result[eval.length];
        series.x.append(x);
        series.y.append(eval.answerAccuracy);
    }
    for (XYSeries& series : result)
        sortByX(series);
    return result;
}

std::optional<double> measureOf(const EvalRecord& eval, EvalMeasure measure) {
    if (measure == EvalMeasure::StepAccuracy)
        return std::nullopt;
    return measured(measure == EvalMeasure::TokenAccuracy ? eval.tokenAccuracy
                                                          : eval.answerAccuracy);
}

QString measureTitle(EvalMeasure measure) {
    switch (measure) {
    case EvalMeasure::TokenAccuracy:
        return QObject::tr("CoT token accuracy");
    case EvalMeasure::StepAccuracy:
        return QObject::tr("CoT step accuracy");
    default:
        return QObject::tr("answer accuracy");
    }
}

QString measureCsvChart(EvalMeasure measure, int length) {
    switch (measure) {
    case EvalMeasure::TokenAccuracy:
        return QStringLiteral("token_accuracy_by_length");
    case EvalMeasure::StepAccuracy:
        return QStringLiteral("step_accuracy_at_length_%1").arg(length);
    default:
        return QStringLiteral("answer_accuracy_by_length");
    }
}

XYSeries accuracyByLengthAtEnd(const RunData& data, const QStringList& preferred,
                               QString* usedStopping, EvalMeasure measure) {
    const QStringList present = stoppingRules(data.evals);
    QString rule;
    for (const QString& candidate : preferred)
        if (present.contains(candidate)) {
            rule = candidate;
            break;
        }
    if (rule.isEmpty() && !present.isEmpty())
        rule = present.first();
    if (usedStopping)
        *usedStopping = rule;
    std::int64_t lastStep = -1;
    for (const EvalRecord& eval : data.evals)
        if (QString::fromStdString(eval.stopping) == rule)
            lastStep = std::max(lastStep, eval.step);
    MeanByX byLength;
    for (const EvalRecord& eval : data.evals)
        if (eval.step == lastStep && QString::fromStdString(eval.stopping) == rule)
            byLength.add(eval.length, measureOf(eval, measure));
    return byLength.series();
}

XYSeries stepAccuracyAtEnd(const RunData& data, int length) {
    const std::int64_t last = lastStepAccuracyStep(data);
    MeanByX byCotStep;
    for (const StepAccuracyRecord& record : data.stepAccuracies)
        if (record.step == last && record.length == length)
            byCotStep.add(record.cotStep, measured(record.accuracy));
    return byCotStep.series();
}

QList<int> stepAccuracyLengths(const RunData& data) {
    const std::int64_t last = lastStepAccuracyStep(data);
    std::set<int> lengths;
    for (const StepAccuracyRecord& record : data.stepAccuracies)
        if (record.step == last)
            lengths.insert(record.length);
    return QList<int>(lengths.begin(), lengths.end());
}

std::int64_t totalStepsOf(const RunRecord& run) {
    const auto config = tryStoredExperimentConfig(run.configJson, "run " + std::to_string(run.id));
    return config ? config->totalSteps() : 0;
}

} // namespace relay
