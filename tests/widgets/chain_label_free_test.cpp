// The chain inspector and the label-free Stage II filter's verdict: chains written with the store
// API with known verdicts (kept, left out, not checked; verified or not independently), read back
// through the store, shown by each filter, and the verdict in the table and in words.
#include "chain_detail.h"
#include "chain_inspector.h"
#include "store/run_store.h"
#include "store_access.h"
#include "widget_test_support.h"

#include <gtest/gtest.h>

#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>

#include <set>

using namespace relay;

namespace {

struct KnownChain {
    const char* input;
    bool verified;
    int labelFreeKept;
};

// The filter and the verifier disagree on purpose (kept yet wrong, left out yet verified), so a
// filter that reads the wrong field shows other rows.
const KnownChain kChains[] = {
    {"1 + 2 =", true, 1},  // kept, verified
    {"2 + 3 =", false, 1}, // kept, wrong: the label-free filter's false positive
    {"3 + 4 =", true, 0},  // left out, verified: its false negative
    {"4 + 5 =", false, 0}, // left out, wrong
    {"5 + 6 =", true, -1}, // not checked (stored before the filter)
};

std::vector<ChainRecord> storedChains(const QString& folder) {
    RunStore store((folder + QStringLiteral("/runs.db")).toStdString());
    RunRecord run;
    run.name = "looped";
    run.kind = RunKind::Looped;
    run.task = "ari";
    run.status = RunStatus::Finished;
    const std::int64_t id = store.createRun(run);
    std::vector<ChainRecord> chains;
    for (const KnownChain& known : kChains) {
        ChainRecord chain;
        chain.task = "ari";
        chain.length = 1;
        chain.input = known.input;
        chain.stepsJson = "[]";
        chain.answer = "0";
        chain.verified = known.verified;
        chain.answerCorrect = known.verified;
        chain.labelFreeKept = known.labelFreeKept;
        chains.push_back(chain);
    }
    store.addChains(id, chains);
    return store.chains(id);
}

std::set<std::string> shownInputs(const ChainInspector& inspector) {
    std::set<std::string> inputs;
    for (int row = 0; row < inspector.shownCount(); ++row)
        inputs.insert(inspector.shownChain(row)->chain.input);
    return inputs;
}

QString columnText(const ChainInspector& inspector, const QString& header, int row) {
    QTableWidget* table = inspector.table();
    for (int column = 0; column < table->columnCount(); ++column)
        if (table->horizontalHeaderItem(column)->text() == header)
            return table->item(row, column)->text();
    ADD_FAILURE() << "no column " << header.toStdString();
    return {};
}

} // namespace

TEST(ChainInspectorLabelFree, FiltersAndExplainsTheVerdictOfStoredChains) {
    QTemporaryDir folder;
    ASSERT_TRUE(folder.isValid());
    const std::vector<ChainRecord> chains = storedChains(folder.path());
    ASSERT_EQ(chains.size(), std::size(kChains));

    ChainInspector inspector;
    inspector.resize(1300, 600);
    RunRow row;
    row.run.id = 1;
    row.run.kind = RunKind::Looped;
    inspector.setRuns({row});
    inspector.setChains(1, reviewChains(chains, "{}"), "{}");
    ASSERT_TRUE(inspector.loaded());

    using Inputs = std::set<std::string>;
    EXPECT_EQ(shownInputs(inspector),
              (Inputs{"1 + 2 =", "2 + 3 =", "3 + 4 =", "4 + 5 =", "5 + 6 ="}));
    // The verdict as the store gave it back, row by row (the table is in store order).
    for (int r = 0; r < inspector.shownCount(); ++r) {
        const std::string input = inspector.shownChain(r)->chain.input;
        const QString expected = input == "1 + 2 =" || input == "2 + 3 ="   ? "kept"
                                 : input == "3 + 4 =" || input == "4 + 5 =" ? "left out"
                                                                            : "not checked";
        EXPECT_EQ(columnText(inspector, QStringLiteral("label-free"), r), expected) << input;
    }
    inspector.setVerdictFilter(ChainFilter::LabelFreeKept);
    EXPECT_EQ(shownInputs(inspector), (Inputs{"1 + 2 =", "2 + 3 ="}));
    inspector.setVerdictFilter(ChainFilter::Verified);
    EXPECT_EQ(shownInputs(inspector), (Inputs{"1 + 2 =", "3 + 4 =", "5 + 6 ="}));
    inspector.setVerdictFilter(ChainFilter::Wrong);
    EXPECT_EQ(shownInputs(inspector), (Inputs{"2 + 3 =", "4 + 5 ="}));

    // The detail pane says why, for each verdict.
    inspector.setVerdictFilter(ChainFilter::All);
    const QString kept = QStringLiteral("label-free filter: kept — the answer head agrees with "
                                        "the answer the steps imply and every token is "
                                        "confident enough");
    inspector.selectChain(0);
    EXPECT_TRUE(inspector.detail()->toPlainText().contains(kept))
        << inspector.detail()->toPlainText().toStdString();
    inspector.selectChain(2);
    EXPECT_TRUE(inspector.detail()->toPlainText().contains(
        QStringLiteral("label-free filter: left out — the answer head disagrees")));
    inspector.selectChain(4);
    EXPECT_TRUE(inspector.detail()->toPlainText().contains(
        QStringLiteral("label-free filter: not checked — the chain was stored before")));
    inspector.selectChain(1);
    test::saveScreenshot(inspector, QStringLiteral("chain-inspector-label-free.png"));
}
