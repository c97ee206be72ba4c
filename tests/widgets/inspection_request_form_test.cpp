// The iteration viewer's request form on its own, without an engine: which runs it offers, the
// problems request for the chosen run, checkpoint, task and length, the inspection request for a
// generated or a typed problem under each stopping rule, its error display, and that nothing is
// asked for while live inference is off.
#include "widget_test_support.h"

#include "inspection_request_form.h"
#include "store_access.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTest>

#include <tuple>

using namespace relay;

namespace {

RunRow rowOf(qint64 id, RunKind kind, const std::string& name) {
    RunRow row;
    row.run.id = id;
    row.run.kind = kind;
    row.run.name = name;
    return row;
}

Problem problemOf(const std::string& input, int complexity) {
    Problem problem;
    problem.complexity = complexity;
    problem.input = splitTokens(input);
    problem.answer = "0";
    return problem;
}

using ProblemsRequest = std::tuple<qint64, qint64, QString, int>;

// Records what the form emits.
struct Recorder {
    explicit Recorder(InspectionRequestForm& form) {
        QObject::connect(&form, &InspectionRequestForm::runChosen, &form,
                         [this](qint64 run) { runs.push_back(run); });
        QObject::connect(&form, &InspectionRequestForm::problemsRequested, &form,
                         [this](qint64 run, qint64 step, const QString& task, int length) {
                             problems.emplace_back(run, step, task, length);
                         });
        QObject::connect(
            &form, &InspectionRequestForm::inspectionRequested, &form,
            [this](const InspectionRequest& request) { inspections.push_back(request); });
    }
    void clear() {
        runs.clear();
        problems.clear();
        inspections.clear();
    }
    std::vector<qint64> runs;
    std::vector<ProblemsRequest> problems;
    std::vector<InspectionRequest> inspections;
};

// Run 7 chosen, with two tasks and checkpoints at steps 100, 200 and 300.
IterationRunInfo infoOfRun7() {
    IterationRunInfo info;
    info.run = 7;
    info.tasks = {"arithmetic", "edit_distance"};
    info.trainLengthMax = 6;
    info.testLengthMax = 12;
    info.checkpointSteps = {100, 200, 300};
    return info;
}

struct FormFixture {
    FormFixture() : recorder(form) {
        form.setRuns({rowOf(5, RunKind::Looped, "first"), rowOf(6, RunKind::Ar, "baseline"),
                      rowOf(7, RunKind::LoopedVanilla, "vanilla")});
        form.selectRun(7);
        form.setRunInfo(infoOfRun7());
        recorder.clear();
    }
    QComboBox* tasks() const { return form.findChild<QComboBox*>(QStringLiteral("viewerTask")); }
    QLineEdit* typed() const { return form.findChild<QLineEdit*>(QStringLiteral("viewerTyped")); }
    InspectionRequestForm form;
    Recorder recorder;
};

} // namespace

TEST(InspectionRequestForm, OffersLoopedRunsAndAsksForTheChosenOnesProblems) {
    InspectionRequestForm form;
    Recorder recorder(form);
    form.setRuns({rowOf(5, RunKind::Looped, "first"), rowOf(6, RunKind::Ar, "baseline"),
                  rowOf(7, RunKind::LoopedVanilla, "vanilla")});
    EXPECT_EQ(recorder.runs, std::vector<qint64>{5}); // the first looped run
    form.selectRun(6);                                // autoregressive: not offered
    EXPECT_EQ(form.currentRun(), 5);
    form.selectRun(7);
    form.selectRun(7); // asked again: its info is read again
    EXPECT_EQ(recorder.runs, (std::vector<qint64>{5, 7, 7}));
    // A refresh of the same runs keeps the choice and asks for nothing.
    form.setRuns({rowOf(5, RunKind::Looped, "first"), rowOf(7, RunKind::LoopedVanilla, "v")});
    EXPECT_EQ(recorder.runs.size(), 3u);

    form.setRunInfo(infoOfRun7());
    EXPECT_TRUE(recorder.problems.empty()); // the viewer decides when to ask
    EXPECT_EQ(form.checkpointStep(), 300);  // the newest first
    form.requestProblems();
    form.setLength(12);
    auto* checkpoints = form.findChild<QComboBox*>(QStringLiteral("viewerCheckpoint"));
    ASSERT_NE(checkpoints, nullptr);
    checkpoints->setCurrentIndex(2);
    const std::vector<ProblemsRequest> expected = {
        {7, 300, "arithmetic", 3}, {7, 300, "arithmetic", 12}, {7, 100, "arithmetic", 12}};
    EXPECT_EQ(recorder.problems, expected);
    EXPECT_TRUE(recorder.inspections.empty());
}

TEST(InspectionRequestForm, RequestsTheChosenProblemUnderTheChosenRule) {
    FormFixture fixture;
    InspectionRequestForm& form = fixture.form;
    std::vector<InspectionRequest>& asked = fixture.recorder.inspections;
    const Problem first = problemOf("3 + 4 =", 1), second = problemOf("( 2 * 5 ) - 1 =", 2);
    form.setProblems({first, second});
    ASSERT_EQ(form.problemList()->count(), 2);
    ASSERT_EQ(asked.size(), 1u); // the first problem, at once
    EXPECT_EQ(asked[0].run, 7);
    EXPECT_EQ(asked[0].checkpointStep, 300);
    EXPECT_EQ(asked[0].task, "arithmetic");
    EXPECT_FALSE(asked[0].typed);
    EXPECT_EQ(asked[0].problem.input, first.input);
    EXPECT_EQ(asked[0].options.rule, "oracle");
    EXPECT_EQ(asked[0].options.fixedIterations, 0);
    EXPECT_EQ(asked[0].options.maximumIterations, 0);

    form.problemList()->setCurrentIndex(1);
    ASSERT_EQ(asked.size(), 2u);
    EXPECT_EQ(asked[1].problem.input, second.input);

    // Fixed N stops at N: it takes N and no longer limit; the others take the limit and no N.
    EXPECT_FALSE(form.fixedIterations()->isEnabled());
    form.setRule(QStringLiteral("fixed"), 7, 50);
    ASSERT_EQ(asked.size(), 3u); // one request for the whole change
    EXPECT_EQ(asked[2].options.rule, "fixed");
    EXPECT_EQ(asked[2].options.fixedIterations, 7);
    EXPECT_EQ(asked[2].options.maximumIterations, 0);
    EXPECT_EQ(asked[2].problem.input, second.input);
    EXPECT_TRUE(form.fixedIterations()->isEnabled());
    EXPECT_EQ(form.ruleLabel(), QStringLiteral("fixed N"));
    form.fixedIterations()->setValue(9); // the user edits N
    ASSERT_EQ(asked.size(), 4u);
    EXPECT_EQ(asked[3].options.fixedIterations, 9);

    form.setRule(QStringLiteral("adaptive"), 0, 40);
    ASSERT_EQ(asked.size(), 5u);
    EXPECT_EQ(asked[4].options.rule, "adaptive");
    EXPECT_EQ(asked[4].options.fixedIterations, 0);
    EXPECT_EQ(asked[4].options.maximumIterations, 40);
    EXPECT_FALSE(form.fixedIterations()->isEnabled());
    EXPECT_EQ(form.fixedIterations()->value(), 9); // kept for the next time N is chosen

    form.setRule(QStringLiteral("no such rule"));
    ASSERT_EQ(asked.size(), 6u);
    EXPECT_EQ(asked[5].options.rule, "oracle"); // an unknown rule falls back to the first
    EXPECT_EQ(asked[5].options.maximumIterations, 0);
}

TEST(InspectionRequestForm, TypedProblemIsSubmittedWithTheChosenTask) {
    FormFixture fixture;
    InspectionRequestForm& form = fixture.form;
    Recorder& recorder = fixture.recorder;
    form.show();
    ASSERT_NE(fixture.tasks(), nullptr);
    ASSERT_NE(fixture.typed(), nullptr);
    fixture.tasks()->setCurrentIndex(1);
    ASSERT_EQ(recorder.problems.size(), 1u); // another task: its problems
    EXPECT_EQ(std::get<2>(recorder.problems[0]), QStringLiteral("edit_distance"));

    QTest::keyClicks(fixture.typed(), QStringLiteral("a b <sep> b"));
    EXPECT_TRUE(recorder.inspections.empty()); // typing is not submitting
    QTest::keyClick(fixture.typed(), Qt::Key_Return);
    ASSERT_EQ(recorder.inspections.size(), 1u);
    const InspectionRequest& request = recorder.inspections[0];
    EXPECT_TRUE(request.typed);
    EXPECT_EQ(request.text, "a b <sep> b");
    EXPECT_EQ(request.task, "edit_distance");
    EXPECT_EQ(request.run, 7);
    EXPECT_TRUE(request.problem.input.empty());

    // A typed problem that failed is framed red; a good answer clears it.
    form.showError(QStringLiteral("unknown token 'a'"));
    EXPECT_TRUE(form.errorLabel()->isVisible());
    EXPECT_EQ(form.errorLabel()->text(), QStringLiteral("unknown token 'a'"));
    EXPECT_FALSE(fixture.typed()->styleSheet().isEmpty());
    form.clearError();
    EXPECT_FALSE(form.errorLabel()->isVisible());
    EXPECT_TRUE(fixture.typed()->styleSheet().isEmpty());

    // Blank text is not submitted.
    form.typeProblem(QStringLiteral("   "));
    EXPECT_EQ(recorder.inspections.size(), 1u);

    // Choosing a generated problem from the list ends the typed one, and so does asking for
    // new problems: the errors that follow leave the field alone.
    form.setProblems({problemOf("a b <sep> a", 2), problemOf("a <sep> b", 1)});
    form.typeProblem(QStringLiteral("x <sep> y"));
    ASSERT_EQ(recorder.inspections.size(), 3u);
    EXPECT_TRUE(recorder.inspections[2].typed);
    form.problemList()->setCurrentIndex(1);
    ASSERT_EQ(recorder.inspections.size(), 4u);
    EXPECT_FALSE(recorder.inspections[3].typed);
    EXPECT_EQ(recorder.inspections[3].problem.input, splitTokens("a <sep> b"));
    form.showError(QStringLiteral("no checkpoint"));
    EXPECT_TRUE(form.errorLabel()->isVisible());
    EXPECT_TRUE(fixture.typed()->styleSheet().isEmpty());

    form.typeProblem(QStringLiteral("x <sep> y"));
    form.setLength(5);
    form.setProblems({problemOf("a a <sep> b", 2)});
    ASSERT_EQ(recorder.inspections.size(), 6u);
    EXPECT_FALSE(recorder.inspections[5].typed);
    EXPECT_EQ(recorder.inspections[5].problem.input, splitTokens("a a <sep> b"));
}

TEST(InspectionRequestForm, AsksForNothingLiveWithoutTheEngine) {
    FormFixture fixture;
    InspectionRequestForm& form = fixture.form;
    Recorder& recorder = fixture.recorder;
    form.show();
    form.setLiveInferenceAvailable(false, QStringLiteral("this build has no engine"));
    auto* note = form.findChild<QLabel*>(QStringLiteral("viewerLiveNote"));
    ASSERT_NE(note, nullptr);
    EXPECT_TRUE(note->isVisible());
    EXPECT_EQ(note->text(), QStringLiteral("this build has no engine"));
    EXPECT_FALSE(fixture.typed()->isEnabled());
    EXPECT_FALSE(form.problemList()->isEnabled());

    form.requestProblems();
    form.setLength(9);
    form.setProblems({problemOf("3 + 4 =", 1)});
    form.typeProblem(QStringLiteral("3 + 4 ="));
    form.setRule(QStringLiteral("fixed"), 4);
    EXPECT_TRUE(recorder.problems.empty());
    EXPECT_TRUE(recorder.inspections.empty());
    EXPECT_FALSE(form.fixedIterations()->isEnabled()); // fixed, but nothing to run it on

    // The run stays choosable: its probe snapshots need no engine.
    form.selectRun(5);
    EXPECT_EQ(recorder.runs, std::vector<qint64>{5});

    form.setLiveInferenceAvailable(true, QString());
    EXPECT_FALSE(note->isVisible());
    EXPECT_TRUE(form.fixedIterations()->isEnabled()); // the fixed rule is still chosen
    form.requestInspection();
    ASSERT_EQ(recorder.inspections.size(), 1u);
    EXPECT_EQ(recorder.inspections[0].options.fixedIterations, 4);
}
