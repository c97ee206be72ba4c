// The run comparison's chart by length measured as CoT token accuracy (the paper's Fig. 7) and
// by CoT step at a chosen length, over a store written with the store API: the drawn values,
// the seeds' band and the CSV against the stored evaluations read back independently.
#include "comparison_test_support.h"

#include "store/run_store.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

using namespace relay;
using namespace relay::test;
using nlohmann::json;

namespace {

constexpr int kLengths = 3;

} // namespace

// The chart by length measured as CoT token accuracy (the paper's Fig. 7): three seeds of one
// looped config and a run of another config whose last evaluation did not measure token
// accuracy (stored negative). Every run also has an earlier evaluation (step 10) and an
// adaptive-stopping one with other values, which the chart must not take. Each evaluation
// stores the accuracy of every CoT step at each length, the earlier one other values.
class MeasureComparison : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_folder.isValid());
        m_path = m_folder.filePath(QStringLiteral("runs.db"));
        RunStore store(m_path.toStdString());
        const std::vector<std::vector<double>> answers = {
            {1.0, 0.6, 0.2}, {1.0, 0.4, 0.1}, {0.9, 0.5, 0.0}, {1.0, 0.9, 0.7}};
        const std::vector<std::vector<double>> tokens = {
            {1.0, 0.93, 0.81}, {0.99, 0.88, 0.64}, {0.98, 0.91, 0.72}, {-1, -1, -1}};
        const auto deeper = [](json& config) {
            config["model"]["layers"] = config["model"]["layers"].get<int>() + 1;
        };
        for (std::size_t index = 0; index < answers.size(); ++index) {
            RunRecord run;
            run.name = index < 3 ? "sweep-s" + std::to_string(index + 1) : "unmeasured";
            run.kind = RunKind::Looped;
            run.task = "ari";
            run.configJson = index < 3 ? withSeed(index + 1) : withSeed(1, deeper);
            const std::int64_t id = store.createRun(run);
            std::vector<EvalRecord> evals;
            std::vector<StepAccuracyRecord> steps;
            for (int length = 1; length <= kLengths; ++length)
                for (int cotStep = 1; cotStep <= length; ++cotStep)
                    for (const std::int64_t step : {10, 30})
                        steps.push_back({step, "ari", length, cotStep,
                                         step == 10 ? 0.05
                                                    : 1.0 - 0.05 * cotStep * length -
                                                          0.03 * double(index * index)});
            for (int length = 1; length <= kLengths; ++length)
                for (const std::string stopping : {"oracle", "adaptive"})
                    for (const std::int64_t step : {10, 30}) {
                        EvalRecord eval;
                        eval.step = step;
                        eval.task = "ari";
                        eval.length = length;
                        eval.samples = 10;
                        eval.stopping = stopping;
                        const bool drawn = step == 30 && stopping == "oracle";
                        const auto at = std::size_t(length - 1);
                        eval.answerAccuracy = drawn ? answers[index][at] : 0.05;
                        eval.tokenAccuracy = drawn ? tokens[index][at] : 0.5;
                        evals.push_back(eval);
                    }
            store.addEvaluation(id, evals, steps, {});
            store.setStatus(id, RunStatus::Finished);
        }
    }

    // One seed's value at point `at` into the seeds' mean, minimum and maximum.
    static void addToSeedsBand(std::array<std::vector<double>, 3>& band, std::size_t at,
                               double value) {
        band[0][at] += value / 3;
        band[1][at] = std::min(band[1][at], value);
        band[2][at] = std::max(band[2][at], value);
    }
    static std::array<std::vector<double>, 3> emptySeedsBand(std::size_t points) {
        return {std::vector<double>(points, 0.0), std::vector<double>(points, 2.0),
                std::vector<double>(points, -1.0)};
    }

    // The seeds' (runs 1-3) accuracy by CoT step at `length` in their last evaluation, read back
    // from the store: mean, minimum and maximum.
    std::array<std::vector<double>, 3> seedsByCotStep(int length) const {
        RunStore store(m_path.toStdString());
        auto band = emptySeedsBand(std::size_t(length));
        for (std::int64_t run = 1; run <= 3; ++run) {
            const auto records = store.stepAccuracy(run);
            std::int64_t last = 0;
            for (const StepAccuracyRecord& record : records)
                last = std::max(last, record.step);
            for (const StepAccuracyRecord& record : records)
                if (record.step == last && record.length == length)
                    addToSeedsBand(band, std::size_t(record.cotStep - 1), record.accuracy);
        }
        return band;
    }

    // `measure` by length at the run's last oracle evaluation, read back from the store.
    std::map<int, double> storedByLength(std::int64_t run, double EvalRecord::*measure) const {
        RunStore store(m_path.toStdString());
        const auto evals = store.evals(run);
        std::int64_t last = 0;
        for (const EvalRecord& eval : evals)
            last = std::max(last, eval.step);
        std::map<int, double> values;
        for (const EvalRecord& eval : evals)
            if (eval.step == last && eval.stopping == "oracle")
                values[eval.length] = eval.*measure;
        return values;
    }

    // The seeds' (runs 1-3) mean, minimum and maximum by length, from the store.
    std::array<std::vector<double>, 3> seedsBand(double EvalRecord::*measure) const {
        auto band = emptySeedsBand(kLengths);
        for (std::int64_t run = 1; run <= 3; ++run)
            for (const auto& [length, value] : storedByLength(run, measure))
                addToSeedsBand(band, std::size_t(length - 1), value);
        return band;
    }

    QTemporaryDir m_folder;
    QString m_path;
};

TEST_F(MeasureComparison, TokenAccuracyDrawsTheStoredValuesWithTheSeedsBandAndSwitchesBack) {
    ShownComparison shown(m_path);
    ASSERT_TRUE(shown.comparingAll(4));
    RunComparisonView& view = shown.view;
    ASSERT_EQ(view.drawnGroups(), (std::vector<std::vector<std::int64_t>>{{1, 2, 3}, {4}}));
    const QString group = QString::fromUtf8("1, 2, 3 · sweep ×3 seeds (looped) [oracle]");
    const QString unmeasured = QStringLiteral("4 · unmeasured (looped) [oracle]");
    QCustomPlot* chart = view.accuracyPlot();

    ASSERT_EQ(view.measure(), EvalMeasure::AnswerAccuracy); // the default
    const auto answers = seedsBand(&EvalRecord::answerAccuracy);
    expectValues(test::namedGraph(chart, group), answers[0]);
    const auto runFour = storedByLength(4, &EvalRecord::answerAccuracy);
    expectValues(test::namedGraph(chart, unmeasured),
                 {runFour.at(1), runFour.at(2), runFour.at(3)});

    // Chosen in the side panel, as a user would.
    auto* chooser = view.findChild<QComboBox*>(QStringLiteral("lengthMeasure"));
    ASSERT_NE(chooser, nullptr);
    chooser->setCurrentIndex(chooser->findText(QStringLiteral("CoT token accuracy")));
    ASSERT_EQ(view.measure(), EvalMeasure::TokenAccuracy);
    const auto tokens = seedsBand(&EvalRecord::tokenAccuracy);
    expectValues(test::namedGraph(chart, group), tokens[0]);
    const QCPGraph* upper = bandUpper(chart);
    expectValues(upper, tokens[2]);
    ASSERT_NE(upper, nullptr);
    expectValues(upper->channelFillGraph(), tokens[1]);
    // Run 4 stored no token accuracy: no line (not one at zero), no legend entry.
    EXPECT_EQ(test::namedGraph(chart, unmeasured), nullptr);
    EXPECT_EQ(chart->graphCount(), 3); // the group's two bounds and its mean
    EXPECT_EQ(chart->yAxis->label(), QStringLiteral("CoT token accuracy"));
    test::saveScreenshot(view, QStringLiteral("comparison-token-accuracy.png"));

    const QStringList tokenRows = csvLines(view, m_folder.filePath(QStringLiteral("tokens.csv")));
    EXPECT_TRUE(tokenRows.filter(QStringLiteral("answer_accuracy")).isEmpty());
    const QStringList groupTokens =
        tokenRows.filter(QString::fromUtf8("1 2 3,sweep ×3 seeds,token_accuracy_by_length,"));
    ASSERT_EQ(groupTokens.size(), kLengths);
    for (int length = 1; length <= kLengths; ++length) {
        const QStringList fields = groupTokens[length - 1].split(',');
        ASSERT_EQ(fields.size(), 8);
        const auto at = std::size_t(length - 1);
        EXPECT_EQ(fields[3].toInt(), length);
        EXPECT_NEAR(fields[4].toDouble(), tokens[0][at], 1e-9);
        EXPECT_NEAR(fields[5].toDouble(), tokens[1][at], 1e-9);
        EXPECT_NEAR(fields[6].toDouble(), tokens[2][at], 1e-9);
        EXPECT_EQ(fields[7], "3");
    }
    EXPECT_TRUE(tokenRows.filter(QStringLiteral("4,unmeasured,")).isEmpty());

    // Back to answers: the same lines carry the answer values again, run 4 included.
    view.setMeasure(EvalMeasure::AnswerAccuracy);
    expectValues(test::namedGraph(chart, group), answers[0]);
    expectValues(bandUpper(chart), answers[2]);
    EXPECT_NE(test::namedGraph(chart, unmeasured), nullptr);
    EXPECT_EQ(chart->yAxis->label(), QStringLiteral("answer accuracy"));
    const QStringList answerRows = csvLines(view, m_folder.filePath(QStringLiteral("answers.csv")));
    EXPECT_TRUE(answerRows.filter(QStringLiteral("token_accuracy")).isEmpty());
    EXPECT_EQ(answerRows.filter(QStringLiteral("4,unmeasured,answer_accuracy_by_length,")).size(),
              kLengths);
}

TEST_F(MeasureComparison, AccuracyByCotStepDrawsTheStoredStepsAtTheChosenLength) {
    ShownComparison shown(m_path);
    ASSERT_TRUE(shown.comparingAll(4));
    RunComparisonView& view = shown.view;
    auto* chooser = view.findChild<QComboBox*>(QStringLiteral("lengthMeasure"));
    auto* lengths = view.findChild<QComboBox*>(QStringLiteral("stepLength"));
    ASSERT_TRUE(chooser && lengths);
    EXPECT_FALSE(lengths->isEnabled()); // only for the accuracy by CoT step
    chooser->setCurrentIndex(chooser->findText(QStringLiteral("Accuracy by CoT step at length")));
    ASSERT_EQ(view.measure(), EvalMeasure::StepAccuracy);
    EXPECT_TRUE(lengths->isEnabled());
    ASSERT_EQ(lengths->count(), kLengths); // the lengths the runs stored step accuracies at

    QCustomPlot* chart = view.accuracyPlot();
    const QString group = QString::fromUtf8("1, 2, 3 · sweep ×3 seeds (looped)");
    for (int length : {3, 2}) {
        lengths->setCurrentIndex(lengths->findData(length));
        ASSERT_EQ(view.stepLength(), length);
        const auto expected = seedsByCotStep(length);
        const QCPGraph* mean = test::namedGraph(chart, group);
        ASSERT_NE(mean, nullptr) << "length " << length;
        ASSERT_EQ(mean->dataCount(), length); // x = CoT steps 1..length
        for (int cotStep = 1; cotStep <= length; ++cotStep)
            EXPECT_EQ(mean->data()->at(cotStep - 1)->key, cotStep);
        expectValues(mean, expected[0]);
        const QCPGraph* upper = bandUpper(chart);
        expectValues(upper, expected[2]);
        ASSERT_NE(upper, nullptr);
        expectValues(upper->channelFillGraph(), expected[1]);
    }
    EXPECT_EQ(chart->xAxis->label(), QStringLiteral("CoT step"));
    test::saveScreenshot(view, QStringLiteral("comparison-step-accuracy.png"));

    const QStringList rows = csvLines(view, m_folder.filePath(QStringLiteral("steps.csv")));
    const QStringList groupRows =
        rows.filter(QString::fromUtf8("1 2 3,sweep ×3 seeds,step_accuracy_at_length_2,"));
    ASSERT_EQ(groupRows.size(), 2);
    EXPECT_NEAR(groupRows[1].split(',')[4].toDouble(), seedsByCotStep(2)[0][1], 1e-9);
    EXPECT_TRUE(rows.filter(QStringLiteral("by_length")).isEmpty());
}
