// The screenshot tool renders every view of a real store to PNG: each a drawn window, no two
// the same, the plots with their curves and the setup form with its validation message.
#include "widget_test_support.h"

#include "screenshot_inspection.h"
#include "screenshot_tool.h"
#include "series_colors.h"
#include "store_access.h"

#include <gtest/gtest.h>

#include <QByteArray>
#include <QImage>
#include <QMap>
#include <QSet>
#include <QTemporaryDir>

#include <cstdlib>
#include <optional>

namespace {

// Pixels within a few levels of `colour` per channel (antialiased edges fall outside).
int pixelsNear(const QImage& image, const QColor& colour) {
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QRgb pixel = image.pixel(x, y);
            count += std::abs(qRed(pixel) - colour.red()) <= 8 &&
                     std::abs(qGreen(pixel) - colour.green()) <= 8 &&
                     std::abs(qBlue(pixel) - colour.blue()) <= 8;
        }
    return count;
}

int distinctColours(const QImage& image) {
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            colours.insert(image.pixel(x, y));
    return colours.size();
}

} // namespace

TEST(Screenshots, EveryViewIsWrittenAsPng) {
    QTemporaryDir folder;
    relay::MainWindow::Options options;
    options.storePath = relay::test::copySharedStore(folder.path());
    options.enginePath = relay::test::enginePath();
    options.rememberLayout = false;
    const QString output = folder.filePath("shots");
    // Views 3-5 have their own screenshot checks; their pictures wait for inference.
    ASSERT_EQ(relay::takeScreenshots(options, output, /*inspectionViews=*/false), 0);
    QMap<QString, QImage> images;
    QSet<QByteArray> pictures;
    for (const char* name : {"welcome.png", "setup.png", "setup-validation.png", "dashboard.png",
                             "history.png", "comparison.png"}) {
        const QImage image =
            QImage(QDir(output).filePath(name)).convertToFormat(QImage::Format_RGB32);
        ASSERT_FALSE(image.isNull()) << name;
        EXPECT_GE(image.width(), 1000) << name;
        // A blank or single-colour canvas has a handful of colours; text, widgets and plots
        // have hundreds.
        EXPECT_GE(distinctColours(image), 64) << name << " looks blank";
        // A view that failed to switch repeats the picture before it.
        const QByteArray pixels(reinterpret_cast<const char*>(image.constBits()),
                                static_cast<qsizetype>(image.sizeInBytes()));
        EXPECT_FALSE(pictures.contains(pixels)) << name << " repeats an earlier view";
        pictures.insert(pixels);
        images.insert(name, image);
    }
    // The plots hold curves, not empty axes: the second series colour (the answer loss on the
    // dashboard, the second run in the comparison) covers many pixels, and none in the setup form.
    const QColor second = relay::seriesColor(1);
    EXPECT_GE(pixelsNear(images["dashboard.png"], second), 200);
    EXPECT_GE(pixelsNear(images["comparison.png"], second), 200);
    EXPECT_EQ(pixelsNear(images["setup.png"], second), 0);
    // The validation picture shows the form's red error message; the plain setup has none.
    const QColor error(0xd0, 0x3b, 0x3b);
    EXPECT_GE(pixelsNear(images["setup-validation.png"], error), 20);
    EXPECT_EQ(pixelsNear(images["setup.png"], error), 0);
}

// The snapshot picture scrubs Stage I's training, not the best run, which after the
// self-improvement rounds is a fine-tune holding one or two snapshots.
TEST(Screenshots, SnapshotsComeFromTheRunTrainedFromScratch) {
    auto row = [](qint64 id, relay::RunKind kind, relay::RunStatus status,
                  std::optional<std::int64_t> parent) {
        relay::RunRow row;
        row.run.id = id;
        row.run.kind = kind;
        row.run.status = status;
        row.run.parentRun = parent;
        return row;
    };
    using relay::RunKind;
    using relay::RunStatus;
    // In the order the run list shows them: best out-of-distribution accuracy first.
    const QVector<relay::RunRow> rows = {
        row(9, RunKind::Looped, RunStatus::Finished, 7),         // round 2's fine-tune
        row(7, RunKind::Looped, RunStatus::Finished, 1),         // round 1's fine-tune
        row(4, RunKind::Looped, RunStatus::Interrupted, {}),     // a cut-off run from scratch
        row(2, RunKind::LoopedVanilla, RunStatus::Finished, {}), // the unaligned baseline
        row(1, RunKind::Looped, RunStatus::Finished, {}),        // Stage I
        row(3, RunKind::Ar, RunStatus::Finished, {})};
    const relay::RunRow* chosen = relay::snapshotRun(rows);
    ASSERT_NE(chosen, nullptr);
    EXPECT_EQ(chosen->run.id, 1);
    EXPECT_EQ(relay::snapshotRun({rows[0], rows[3], rows[5]}), nullptr);
}
