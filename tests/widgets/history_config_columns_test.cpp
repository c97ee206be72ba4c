// The run history's config-key columns, their numeric sort and the key conditions of its
// filter, over hand-made runs whose configs differ in known keys.
#include "config_column_chooser.h"
#include "run_history_filter.h"
#include "run_history_view.h"
#include "run_table_model.h"
#include "widget_test_support.h"

#include <gtest/gtest.h>

#include <QHeaderView>
#include <QListWidget>
#include <QSortFilterProxyModel>
#include <QTableView>

using namespace relay;
using nlohmann::json;

namespace {

// Runs 1-3 differ in layers (2, 10, 3: as text 10 sorts first), learning rate, position
// encoding and seed; run 4's config cannot be read, so it has no keys.
QVector<RunRow> handMadeRuns() {
    struct Made {
        const char* name;
        int layers;
        double learningRate;
        const char* encoding;
        int seed;
    };
    const Made made[] = {{"tiny-a", 2, 1e-3, "rope", 1},
                         {"tiny-b", 10, 5e-4, "rope", 2},
                         {"tiny-c", 3, 2e-3, "rope-randomized", 3}};
    QVector<RunRow> rows;
    for (const Made& run : made) {
        RunRow row;
        row.run.id = rows.size() + 1;
        row.run.name = run.name;
        row.run.configJson = test::storedConfigJson([&](json& config) {
            config["model"]["layers"] = run.layers;
            config["optimizer"]["learning_rate"] = run.learningRate;
            config["model"]["position_encoding"] = run.encoding;
            config["seed"] = run.seed;
        });
        rows.append(row);
    }
    RunRow damaged;
    damaged.run.id = 4;
    damaged.run.name = "damaged";
    damaged.run.configJson = "not json";
    rows.append(damaged);
    return rows;
}

} // namespace

class HistoryColumns : public ::testing::Test {
protected:
    void SetUp() override {
        m_model.setRows(handMadeRuns());
        m_history = std::make_unique<RunHistoryView>(nullptr, &m_model);
    }

    // Run ids in the order the table shows them.
    std::vector<qint64> shown() const {
        std::vector<qint64> ids;
        QSortFilterProxyModel* proxy = m_history->proxy();
        for (int row = 0; row < proxy->rowCount(); ++row)
            ids.push_back(proxy->index(row, 0).data(RunTableModel::RunIdRole).toLongLong());
        return ids;
    }

    std::vector<qint64> shownSorted() const {
        auto ids = shown();
        std::sort(ids.begin(), ids.end());
        return ids;
    }

    RunTableModel m_model;
    std::unique_ptr<RunHistoryView> m_history;
};

TEST_F(HistoryColumns, ChosenKeysBecomeColumnsWithTheStoredValues) {
    const QStringList keys = m_history->availableConfigKeys();
    EXPECT_TRUE(keys.contains("model.layers"));
    EXPECT_TRUE(keys.contains("tasks.0.task"));
    EXPECT_TRUE(keys.contains("seed"));
    EXPECT_FALSE(keys.contains("")); // the unreadable config adds no key
    EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));

    m_history->setConfigColumns({"model.layers", "model.position_encoding"});
    QSortFilterProxyModel* proxy = m_history->proxy();
    const int layers = RunTableModel::ColumnCount, encoding = layers + 1;
    ASSERT_EQ(proxy->columnCount(), RunTableModel::ColumnCount + 2);
    EXPECT_EQ(proxy->headerData(layers, Qt::Horizontal).toString(), "model.layers");
    EXPECT_FALSE(proxy->headerData(layers, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
    m_history->table()->sortByColumn(RunTableModel::Id, Qt::AscendingOrder);
    const QStringList expectedLayers = {"2", "10", "3", "–"};
    const QStringList expectedEncoding = {"rope", "rope", "rope-randomized", "–"};
    for (int row = 0; row < 4; ++row) {
        EXPECT_EQ(proxy->index(row, layers).data().toString(), expectedLayers[row]);
        EXPECT_EQ(proxy->index(row, encoding).data().toString(), expectedEncoding[row]);
        // Selecting a config cell selects its run.
        EXPECT_EQ(proxy->index(row, encoding).data(RunTableModel::RunIdRole).toLongLong(), row + 1);
        EXPECT_TRUE(proxy->index(row, encoding).flags() & Qt::ItemIsSelectable);
    }
    // On screen they follow the name, in the chosen order, also after the runs change.
    QHeaderView* header = m_history->table()->horizontalHeader();
    EXPECT_EQ(header->visualIndex(layers), RunTableModel::Name + 1);
    EXPECT_EQ(header->visualIndex(encoding), RunTableModel::Name + 2);
    m_model.setRows(handMadeRuns().mid(0, 3)); // another run list: the model resets
    EXPECT_EQ(header->visualIndex(encoding), RunTableModel::Name + 2);
    EXPECT_EQ(header->visualIndex(RunTableModel::Kind), RunTableModel::Kind + 2);
    m_history->setConfigColumns({});
    EXPECT_EQ(proxy->columnCount(), RunTableModel::ColumnCount);
    EXPECT_EQ(header->visualIndex(RunTableModel::Kind), RunTableModel::Kind);
}

TEST_F(HistoryColumns, NumbersSortByValueAndRunsWithoutTheKeyLast) {
    m_history->setConfigColumns({"model.layers"});
    m_history->table()->sortByColumn(RunTableModel::ColumnCount, Qt::AscendingOrder);
    EXPECT_EQ(shown(), (std::vector<qint64>{1, 3, 2, 4})); // 2, 3, 10 (as text: 10, 2, 3)
    m_history->table()->sortByColumn(RunTableModel::ColumnCount, Qt::DescendingOrder);
    EXPECT_EQ(shown(), (std::vector<qint64>{4, 2, 3, 1}));
}

TEST_F(HistoryColumns, KeyConditionsFilterTheRows) {
    const auto rowsFor = [this](const QString& filter) {
        m_history->setFilterText(filter);
        return shownSorted();
    };
    using Ids = std::vector<qint64>;
    EXPECT_EQ(rowsFor("model.layers=3"), (Ids{3}));
    EXPECT_EQ(rowsFor("model.layers = 3.0"), (Ids{3})); // numbers by value
    EXPECT_EQ(rowsFor("model.layers>2"), (Ids{2, 3}));  // 10 > 2, though "10" < "2" as text
    EXPECT_EQ(rowsFor("model.layers>=3, seed<3"), (Ids{2}));
    EXPECT_EQ(rowsFor("model.layers!=3"), (Ids{1, 2, 4})); // run 4 has no layers at all
    EXPECT_EQ(rowsFor("optimizer.learning_rate<1e-3"), (Ids{2}));
    EXPECT_EQ(rowsFor("model.position_encoding=ROPE"), (Ids{1, 2}));
    EXPECT_EQ(rowsFor("model.position_encoding<rope"), (Ids{})); // an order needs numbers
    EXPECT_EQ(rowsFor("model.layers>2 tiny-c"), (Ids{3}));       // condition and free text
    EXPECT_EQ(rowsFor("tiny-b"), (Ids{2}));
    EXPECT_EQ(rowsFor("no.such.key=3"), (Ids{})); // not a key: free text nothing contains
    EXPECT_EQ(rowsFor(""), (Ids{1, 2, 3, 4}));
    // Free text also searches the config columns shown.
    EXPECT_EQ(rowsFor("randomized"), (Ids{}));
    m_history->setConfigColumns({"model.position_encoding"});
    EXPECT_EQ(shownSorted(), (Ids{3}));

    // As a user sees it (saved when $RELAY_TEST_SCREENSHOTS names a folder).
    m_history->setConfigColumns(
        {"model.layers", "optimizer.learning_rate", "model.position_encoding", "seed"});
    m_history->table()->sortByColumn(RunTableModel::ColumnCount, Qt::AscendingOrder);
    EXPECT_EQ(rowsFor("model.layers>=3"), (Ids{2, 3}));
    m_history->resize(1500, 260);
    m_history->show();
    test::saveScreenshot(*m_history, QStringLiteral("history-config-columns.png"));
}

TEST(HistoryFilterParsing, SplitsKnownKeyConditionsFromFreeText) {
    const HistoryFilter filter = parseHistoryFilter(R"(model.layers >= 3, looped seed="2" lr=1e-3)",
                                                    {"model.layers", "seed"});
    ASSERT_EQ(filter.conditions.size(), 2u);
    EXPECT_EQ(filter.conditions[0].key, "model.layers");
    EXPECT_EQ(filter.conditions[0].comparison, ">=");
    EXPECT_EQ(filter.conditions[0].value, "3");
    EXPECT_EQ(filter.conditions[1].key, "seed");
    EXPECT_EQ(filter.conditions[1].comparison, "=");
    EXPECT_EQ(filter.conditions[1].value, "2");
    EXPECT_EQ(filter.text, "looped lr=1e-3"); // lr is not a key: it stays text
}

TEST(HistoryFilterParsing, ConditionsCompareNumbersTextAndBooleans) {
    const auto holds = [](const char* comparison, const char* wanted, std::optional<json> value) {
        return conditionHolds({"k", comparison, wanted}, value);
    };
    EXPECT_TRUE(holds("=", "3.0", json(3)));
    EXPECT_FALSE(holds("=", "3.5", json(3)));
    EXPECT_TRUE(holds("<", "1e-3", json(5e-4)));
    EXPECT_FALSE(holds("<", "1e-3", json(1e-3)));
    EXPECT_TRUE(holds("<=", "1e-3", json(1e-3)));
    EXPECT_TRUE(holds("=", "Rope", json("rope")));
    EXPECT_FALSE(holds("=", "rope", json("rope-randomized"))); // whole value, not a prefix
    EXPECT_TRUE(holds("=", "true", json(true)));
    EXPECT_TRUE(holds("!=", "true", json(false)));
    EXPECT_FALSE(holds(">", "1", json("2"))); // text has no order here
    EXPECT_FALSE(holds("=", "3", std::nullopt));
    EXPECT_TRUE(holds("!=", "3", std::nullopt));
}

TEST(ConfigColumnChooserDialog, ListsTheKeysAndReturnsTheCheckedOnes) {
    ConfigColumnChooser chooser({"model.heads", "model.layers", "seed"}, {"seed", "gone.key"});
    QListWidget* list = chooser.list();
    ASSERT_EQ(list->count(), 4); // a chosen key no run has any more is still offered
    EXPECT_EQ(chooser.chosenKeys(), (QStringList{"seed", "gone.key"}));
    chooser.setSearch("model.");
    int visible = 0;
    for (int row = 0; row < list->count(); ++row)
        visible += list->item(row)->isHidden() ? 0 : 1;
    EXPECT_EQ(visible, 2);
    list->item(1)->setCheckState(Qt::Checked);   // model.layers
    list->item(3)->setCheckState(Qt::Unchecked); // gone.key
    EXPECT_EQ(chooser.chosenKeys(), (QStringList{"model.layers", "seed"}));
    chooser.show();
    test::saveScreenshot(chooser, QStringLiteral("config-column-chooser.png"));
}
