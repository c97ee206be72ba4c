// The shipped demo is opened from a copy: the copy holds the same bytes in the same layout, the
// user may write it, the shipped folder is never touched, and a second copy replaces the first.
#include "demo_store.h"
#include "welcome_page.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace relay;

namespace {

void writeFile(const QString& path, const QByteArray& bytes) {
    ASSERT_TRUE(QDir().mkpath(QFileInfo(path).absolutePath()));
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

QByteArray readFile(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
}

} // namespace

TEST(DemoStore, CopyIsCompleteWritableAndLeavesTheShippedFilesAlone) {
    QTemporaryDir folder;
    ASSERT_TRUE(folder.isValid());
    const QString shipped = folder.filePath("shipped");
    writeFile(shipped + "/runs.db", "store bytes");
    writeFile(shipped + "/report.txt", "report");
    writeFile(shipped + "/checkpoints/run-1/step-12000.ckpt", QByteArray(3000, 'w'));
    // Installed files are read-only (a package's /usr/share).
    for (const char* name : {"/runs.db", "/report.txt", "/checkpoints/run-1/step-12000.ckpt"})
        QFile::setPermissions(shipped + name, QFileDevice::ReadOwner | QFileDevice::ReadGroup);

    const QString destination = folder.filePath("user/demo");
    writeFile(destination + "/stale.txt", "from an older copy");
    QString error;
    const QString store = copyDemoStore(shipped, destination, &error);
    ASSERT_EQ(store, destination + "/runs.db") << error.toStdString();

    EXPECT_EQ(readFile(store), "store bytes");
    EXPECT_EQ(readFile(destination + "/report.txt"), "report");
    EXPECT_EQ(readFile(destination + "/checkpoints/run-1/step-12000.ckpt"), QByteArray(3000, 'w'));
    EXPECT_FALSE(QFileInfo::exists(destination + "/stale.txt")) << "a copy replaces the old one";
    EXPECT_FALSE(QFileInfo::exists(destination + ".partial"));
    EXPECT_TRUE(QFileInfo(store).isWritable());

    QFile copy(store);
    ASSERT_TRUE(copy.open(QIODevice::WriteOnly | QIODevice::Append));
    copy.write(" and a user's change");
    copy.close();
    EXPECT_EQ(readFile(shipped + "/runs.db"), "store bytes");
}

TEST(DemoStore, MissingSourceFailsWithoutLeavingAHalfCopy) {
    QTemporaryDir folder;
    ASSERT_TRUE(folder.isValid());
    const QString shipped = folder.filePath("shipped");
    writeFile(shipped + "/runs.db", "store bytes");
    const QString destination = folder.filePath("demo");
    // A destination whose parent is a file cannot be made.
    writeFile(folder.filePath("blocker"), "a file, not a folder");
    QString error;
    EXPECT_TRUE(copyDemoStore(shipped, folder.filePath("blocker/demo"), &error).isEmpty());
    EXPECT_FALSE(error.isEmpty());
    EXPECT_FALSE(QFileInfo::exists(folder.filePath("blocker/demo")));
    EXPECT_FALSE(QFileInfo::exists(destination));
}

TEST(DemoStore, WelcomePageOffersTheDemoOnlyWhenOneIsInstalled) {
    WelcomePage page;
    page.show();
    page.setDemoAvailable(false);
    EXPECT_FALSE(page.demoButton()->isVisible());
    EXPECT_TRUE(page.pipelineButton()->isDefault());
    page.setDemoAvailable(true);
    EXPECT_TRUE(page.demoButton()->isVisible());
    EXPECT_TRUE(page.demoButton()->isDefault());
    EXPECT_FALSE(page.pipelineButton()->isDefault());
    QSignalSpy requested(&page, &WelcomePage::demoRequested);
    page.demoButton()->click();
    EXPECT_EQ(requested.count(), 1);
}
