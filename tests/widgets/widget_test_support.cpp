#include "widget_test_support.h"

#include "config/experiment_config.h"
#include "event_wait.h"
#include "qcustomplot_include.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QLockFile>
#include <QProcess>
#include <QWidget>

namespace relay::test {

QString enginePath() {
    const QString environment = qEnvironmentVariable("RELAY_ENGINE");
    return environment.isEmpty() ? QStringLiteral(RELAY_TEST_ENGINE) : environment;
}

QStringList tinyOverrides(int steps) {
    return {QStringLiteral("training.steps=%1").arg(steps),
            QStringLiteral("data.train_samples=300"),
            QStringLiteral("data.test_samples_per_length=20"), QStringLiteral("eval.every=10"),
            QStringLiteral("checkpoint.every=10"), QStringLiteral("model.hidden_size=16"),
            QStringLiteral("model.layers=1"), QStringLiteral("model.heads=2"),
            QStringLiteral("test_lengths.min=1"), QStringLiteral("test_lengths.max=5"),
            // Every training length from the first step: the views expect one loss curve per
            // loop iteration of lengths 1-4, which the preset's curriculum would hold back.
            QStringLiteral("training.curriculum=false"), QStringLiteral("threads=1")};
}

QStringList tinyTrainArguments(const QString& store, const QString& kind, const QString& name,
                               const QStringList& overrides) {
    QStringList arguments = {QStringLiteral("train"),
                             QStringLiteral("--preset"),
                             QStringLiteral("cpu-quick-ari"),
                             QStringLiteral("--kind"),
                             kind,
                             QStringLiteral("--name"),
                             name,
                             QStringLiteral("--db"),
                             store};
    for (const QString& assignment : overrides)
        arguments << QStringLiteral("--set") << assignment;
    return arguments;
}

namespace {

void runEngine(const QString& store, const QString& kind, const QString& name) {
    const QStringList arguments = tinyTrainArguments(store, kind, name, tinyOverrides());
    QProcess engine;
    engine.start(enginePath(), arguments);
    ASSERT_TRUE(engine.waitForFinished(180000)) << "engine timed out";
    ASSERT_EQ(engine.exitCode(), 0) << engine.readAllStandardError().toStdString();
}

} // namespace

QString sharedStorePath(bool fresh) {
    const QDir folder(QStringLiteral(RELAY_WIDGET_TEST_STORE_DIR));
    QDir().mkpath(folder.path());
    const QString path = folder.filePath(QStringLiteral("runs.db"));
    const QString ready = folder.filePath(QStringLiteral("ready"));
    QLockFile lock(folder.filePath(QStringLiteral("lock")));
    lock.setStaleLockTime(0);
    EXPECT_TRUE(lock.tryLock(300000));
    if (fresh || !QFile::exists(ready)) {
        QFile::remove(ready);
        for (const QString& name : folder.entryList({QStringLiteral("runs.db*")}))
            QFile::remove(folder.filePath(name));
        QDir(folder.filePath(QStringLiteral("checkpoints"))).removeRecursively();
        runEngine(path, QStringLiteral("looped"), QStringLiteral("tiny-looped"));
        runEngine(path, QStringLiteral("ar"), QStringLiteral("tiny-ar"));
        QFile marker(ready);
        EXPECT_TRUE(marker.open(QIODevice::WriteOnly));
    }
    return path;
}

QString copyStoreInto(const QString& source, const QString& folder) {
    const QString target = QDir(folder).filePath(QStringLiteral("runs.db"));
    // The engine closed the store cleanly, so the main file holds everything (WAL checkpointed
    // on close); copy the WAL too in case it did not.
    QFile::copy(source, target);
    if (QFile::exists(source + QStringLiteral("-wal")))
        QFile::copy(source + QStringLiteral("-wal"), target + QStringLiteral("-wal"));
    return target;
}

QString copySharedStore(const QString& folder) {
    return copyStoreInto(sharedStorePath(), folder);
}

const QCPGraph* namedGraph(const QCustomPlot* plot, const QString& name) {
    for (int index = 0; index < plot->graphCount(); ++index)
        if (plot->graph(index)->name() == name)
            return plot->graph(index);
    return nullptr;
}

std::string storedConfigJson(const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json config = loadPreset("cpu-quick-ari");
    if (edit)
        edit(config);
    return experimentConfigToJson(experimentConfigFromJson(config)).dump();
}

void saveScreenshot(QWidget& widget, const QString& name) {
    const QString folder = qEnvironmentVariable("RELAY_TEST_SCREENSHOTS");
    if (folder.isEmpty())
        return;
    QDir().mkpath(folder);
    waitUntil([] { return false; }, 300); // queued replots and layout passes
    const QString path = QDir(folder).filePath(name);
    EXPECT_TRUE(widget.grab().save(path, "PNG")) << path.toStdString();
}

bool waitFor(const std::function<bool()>& done, int timeoutMilliseconds) {
    return waitUntil(done, timeoutMilliseconds);
}

} // namespace relay::test
