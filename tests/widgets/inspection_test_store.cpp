#include "inspection_test_store.h"

#include "store/run_store.h"
#include "widget_test_support.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QProcess>

namespace relay::test {

int runEngine(const QStringList& arguments, QString* output) {
    QProcess engine;
    engine.setProcessChannelMode(QProcess::MergedChannels);
    engine.start(enginePath(), arguments);
    if (!engine.waitForFinished(240000))
        return -1;
    if (output)
        *output = QString::fromUtf8(engine.readAll());
    return engine.exitCode();
}

namespace {

void train(const QString& store, const QString& kind, const QString& name) {
    // Few Stage II chains so generation takes a second.
    const QStringList arguments = tinyTrainArguments(
        store, kind, name,
        tinyOverrides(30) + QStringList{QStringLiteral("stage2.generated_samples=40"),
                                        QStringLiteral("stage2.steps=5")});
    QString output;
    ASSERT_EQ(runEngine(arguments, &output), 0) << output.toStdString();
}

} // namespace

QString inspectionStorePath() {
    const QDir folder(QStringLiteral(RELAY_WIDGET_TEST_STORE_DIR "/../inspection-test-store"));
    QDir().mkpath(folder.path());
    const QString path = folder.filePath(QStringLiteral("runs.db"));
    const QString ready = folder.filePath(QStringLiteral("ready"));
    QLockFile lock(folder.filePath(QStringLiteral("lock")));
    lock.setStaleLockTime(0);
    EXPECT_TRUE(lock.tryLock(300000));
    const bool stale = !QFile::exists(ready) ||
                       QFileInfo(ready).lastModified() < QFileInfo(enginePath()).lastModified();
    if (stale) {
        QFile::remove(ready);
        for (const QString& name : folder.entryList({QStringLiteral("runs.db*")}))
            QFile::remove(folder.filePath(name));
        QDir(folder.filePath(QStringLiteral("checkpoints"))).removeRecursively();
        QDir(folder.filePath(QStringLiteral("stage2"))).removeRecursively();
        train(path, QStringLiteral("looped"), QStringLiteral("tiny-looped"));
        train(path, QStringLiteral("ar"), QStringLiteral("tiny-ar"));
        QString output;
        EXPECT_EQ(runEngine({QStringLiteral("generate"), QStringLiteral("1"),
                             QStringLiteral("--db"), path},
                            &output),
                  0)
            << output.toStdString();
        QFile marker(ready);
        EXPECT_TRUE(marker.open(QIODevice::WriteOnly));
    }
    return path;
}

QString copyInspectionStore(const QString& folder) {
    return copyStoreInto(inspectionStorePath(), folder);
}

QVector<RunRow> storeRows(const QString& path) {
    RunStore store(path.toStdString());
    QVector<RunRow> rows;
    for (RunRecord& run : store.runs()) {
        RunRow row;
        row.run = std::move(run);
        rows.append(row);
    }
    return rows;
}

} // namespace relay::test
