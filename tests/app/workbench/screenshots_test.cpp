// The screenshot tool renders every view of a real store to PNG.
#include "widget_test_support.h"

#include "screenshot_tool.h"

#include <gtest/gtest.h>

#include <QImage>
#include <QTemporaryDir>

TEST(Screenshots, EveryViewIsWrittenAsPng) {
    QTemporaryDir folder;
    relay::MainWindow::Options options;
    options.storePath = relay::test::copySharedStore(folder.path());
    options.enginePath = relay::test::enginePath();
    options.rememberLayout = false;
    const QString output = folder.filePath("shots");
    // Views 3-5 have their own screenshot checks; their pictures wait for inference.
    ASSERT_EQ(relay::takeScreenshots(options, output, /*inspectionViews=*/false), 0);
    for (const char* name : {"welcome.png", "setup.png", "setup-validation.png", "dashboard.png",
                             "history.png", "comparison.png"}) {
        const QImage image(QDir(output).filePath(name));
        EXPECT_FALSE(image.isNull()) << name;
        EXPECT_GE(image.width(), 1000) << name;
    }
}
