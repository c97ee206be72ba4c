// The screenshot tool renders every view of a real store to PNG: drawn, and each one different.
#include "widget_test_support.h"

#include "screenshot_tool.h"

#include <gtest/gtest.h>

#include <QByteArray>
#include <QImage>
#include <QSet>
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
    // Each picture is a drawn window, not a blank canvas (a blank or single-colour image has a
    // handful of colours; text, plots and widgets have hundreds), and no two views came out as
    // the same picture (a view that failed to switch repeats the one before).
    QSet<QByteArray> pictures;
    for (const char* name : {"welcome.png", "setup.png", "setup-validation.png", "dashboard.png",
                             "history.png", "comparison.png"}) {
        const QImage image =
            QImage(QDir(output).filePath(name)).convertToFormat(QImage::Format_RGB32);
        ASSERT_FALSE(image.isNull()) << name;
        EXPECT_GE(image.width(), 1000) << name;
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 2)
            for (int x = 0; x < image.width(); x += 2)
                colours.insert(image.pixel(x, y));
        EXPECT_GE(colours.size(), 64) << name << " looks blank";
        const QByteArray pixels(reinterpret_cast<const char*>(image.constBits()),
                                static_cast<qsizetype>(image.sizeInBytes()));
        EXPECT_FALSE(pictures.contains(pixels)) << name << " repeats an earlier view";
        pictures.insert(pixels);
    }
}
