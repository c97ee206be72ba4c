#include "demo_store.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QStandardPaths>

namespace relay {

QString shippedDemoFolder() {
    const QDir here(QCoreApplication::applicationDirPath());
    const QStringList candidates = {
        qEnvironmentVariable("RELAY_DEMO_STORE"),
        here.filePath(QStringLiteral("../../../resources/demo")),       // build tree
        here.filePath(QStringLiteral("../share/relay-workbench/demo")), // installed prefix
        QStringLiteral("/usr/share/relay-workbench/demo"),
    };
    for (const QString& candidate : candidates)
        if (!candidate.isEmpty() && QFileInfo(QDir(candidate).filePath("runs.db")).isFile())
            return QFileInfo(candidate).canonicalFilePath();
    return {};
}

QString demoCopyFolder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("demo"));
}

QString copyDemoStore(const QString& shipped, const QString& destination, QString* error) {
    // Copy into a sibling folder first and rename it into place, so a copy cut off half-way
    // never looks like a demo store.
    const QString partial = destination + QStringLiteral(".partial");
    QDir(partial).removeRecursively();
    const QDir source(shipped);
    QDirIterator files(shipped, QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        const QString from = files.next();
        const QString to = QDir(partial).filePath(source.relativeFilePath(from));
        if (!QDir().mkpath(QFileInfo(to).absolutePath()) || !QFile::copy(from, to)) {
            *error = QObject::tr("cannot copy %1 to %2").arg(from, to);
            QDir(partial).removeRecursively();
            return {};
        }
        // Installed files are read-only; the copy is the user's to write.
        QFile::setPermissions(to, QFile::permissions(to) | QFileDevice::WriteOwner);
    }
    QDir(destination).removeRecursively();
    if (!QDir().rename(partial, destination)) {
        *error = QObject::tr("cannot move %1 to %2").arg(partial, destination);
        return {};
    }
    return QDir(destination).filePath(QStringLiteral("runs.db"));
}

} // namespace relay
