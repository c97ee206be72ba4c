#include "engine_locator.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace relay {
namespace {

bool executable(const QString& path) {
    const QFileInfo info(path);
    return !path.isEmpty() && info.isFile() && info.isExecutable();
}

} // namespace

QString findEngine(const QString& option) {
    const QString environment = qEnvironmentVariable("RELAY_ENGINE");
    const QDir here(QCoreApplication::applicationDirPath());
    const QStringList candidates = {
        environment,
        option,
        here.filePath(QStringLiteral("relay")),
        here.filePath(QStringLiteral("../cli/relay")),
        QSettings().value(QStringLiteral("engine/path")).toString(),
    };
    for (const QString& candidate : candidates)
        if (executable(candidate))
            return QFileInfo(candidate).canonicalFilePath();
    return QStandardPaths::findExecutable(QStringLiteral("relay"));
}

void saveEnginePath(const QString& path) {
    QSettings().setValue(QStringLiteral("engine/path"), path);
}

} // namespace relay
