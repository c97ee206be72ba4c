// What the comparison view's tests share: a stored config of one seed, a shown comparison over
// a store, the values a graph draws, the accuracy chart's band, and the CSV export's lines.
#pragma once

#include "curve_plot.h"
#include "run_comparison_view.h"
#include "run_table_model.h"
#include "store_access.h"
#include "widget_test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <QFile>

#include <functional>
#include <string>
#include <vector>

namespace relay::test {

inline std::string withSeed(std::uint64_t seed,
                            const std::function<void(nlohmann::json&)>& edit = {}) {
    return storedConfigJson([&](nlohmann::json& config) {
        config["seed"] = seed;
        if (edit)
            edit(config);
    });
}

inline std::vector<double> values(const QCPGraph* graph) {
    std::vector<double> result;
    for (int i = 0; i < graph->dataCount(); ++i)
        result.push_back(graph->data()->at(i)->value);
    return result;
}

inline void expectValues(const QCPGraph* graph, const std::vector<double>& expected) {
    ASSERT_NE(graph, nullptr);
    const auto drawn = values(graph);
    ASSERT_EQ(drawn.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        EXPECT_NEAR(drawn[i], expected[i], 1e-12) << "point " << i;
}

// The accuracy chart's band: the graph that fills down to another one.
inline const QCPGraph* bandUpper(const QCustomPlot* plot) {
    for (int index = 0; index < plot->graphCount(); ++index)
        if (plot->graph(index)->channelFillGraph())
            return plot->graph(index);
    return nullptr;
}

// The comparison view over a store, shown; listed(n) waits until the store's n runs are listed.
struct ShownComparison {
    explicit ShownComparison(const QString& path) : access(path), view(&access, &model) {
        QObject::connect(&access, &StoreAccess::runsLoaded, &model, &RunTableModel::setRows);
        access.requestRuns();
        view.resize(1500, 950);
        view.show();
    }
    bool listed(int runs) {
        return waitFor([&] { return model.rowCount() == runs; });
    }
    // Lists the store's runs 1..runs, compares them all and waits for their data.
    bool comparingAll(int runs) {
        if (!listed(runs))
            return false;
        QList<qint64> ids;
        for (int id = 1; id <= runs; ++id)
            ids.append(id);
        view.setSelectedRuns(ids);
        return waitFor([&] { return view.allLoaded(); });
    }
    StoreAccess access;
    RunTableModel model;
    RunComparisonView view;
};

inline QStringList csvLines(RunComparisonView& view, const QString& path) {
    QString error;
    EXPECT_TRUE(view.exportCsv(path, &error)) << error.toStdString();
    QFile file(path);
    EXPECT_TRUE(file.open(QIODevice::ReadOnly | QIODevice::Text));
    return QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
}

} // namespace relay::test
