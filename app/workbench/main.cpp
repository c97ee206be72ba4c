// `relay-workbench`: the Qt 6 desktop workbench.
//   relay-workbench [--db FILE] [--engine PATH] [--palette system|light|dark]
//   relay-workbench --screenshots DIR [--db FILE]   every view rendered to PNG, then exit
//   relay-workbench --measure-performance [--db F]  GUI-thread stall and 1M-point pan figures
#include "blas_kernels.h"
#include "colour_palette.h"
#include "engine_locator.h"
#include "main_window.h"
#include "performance_probe.h"
#include "screenshot_tool.h"
#include "store/run_store.h"
#include "version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QSettings>

#include <cstdio>

int main(int argc, char** argv) {
    // The viewer's in-process inference uses LibTorch's BLAS too (see blas_kernels.h).
    relay::preferFastBlasKernels(argv);
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("relay-workbench"));
    QApplication::setApplicationDisplayName(QStringLiteral("RELAY Workbench"));
    QApplication::setOrganizationName(QStringLiteral("relay-workbench"));
    QApplication::setApplicationVersion(
        QString::fromStdString(relay::engineVersion()) + QStringLiteral(" (commit ") +
        QString::fromStdString(relay::engineCommit()) + QLatin1Char(')'));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("RELAY Workbench: train, watch and compare CoT-aligned looped "
                       "transformers."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption database(QStringLiteral("db"),
                                      QStringLiteral("Run store (default: the last one opened, "
                                                     "else ~/.local/share/relay-workbench/"
                                                     "runs.db)."),
                                      QStringLiteral("FILE"));
    const QCommandLineOption engine(QStringLiteral("engine"),
                                    QStringLiteral("The relay engine executable."),
                                    QStringLiteral("PATH"));
    const QCommandLineOption screenshots(
        QStringLiteral("screenshots"),
        QStringLiteral("Render every view with the store's data to PNG files in DIR and exit."),
        QStringLiteral("DIR"));
    const QCommandLineOption measure(
        QStringLiteral("measure-performance"),
        QStringLiteral("Measure the longest GUI-thread stall while a tiny training job streams "
                       "events, and the frame time while panning a 1,000,000-point curve; "
                       "print the figures and exit."));
    const QCommandLineOption palette(
        QStringLiteral("palette"),
        QStringLiteral("Colours: system (default), light or dark; the View menu remembers a "
                       "choice."),
        QStringLiteral("NAME"));
    parser.addOptions({database, engine, screenshots, measure, palette});
    parser.process(application);
    const QString paletteChoice =
        parser.isSet(palette) ? parser.value(palette) : relay::savedPaletteChoice();
    if (!relay::applyPaletteChoice(paletteChoice)) {
        std::fprintf(stderr, "relay-workbench: --palette %s: expected one of %s\n",
                     qPrintable(paletteChoice), qPrintable(relay::paletteChoices().join(", ")));
        return 2;
    }

    relay::MainWindow::Options options;
    options.enginePath = relay::findEngine(parser.value(engine));
    options.storePath = parser.value(database);
    if (options.storePath.isEmpty())
        options.storePath = QSettings().value(QStringLiteral("store/path")).toString();
    if (options.storePath.isEmpty())
        options.storePath = QString::fromStdString(relay::RunStore::defaultPath());
    options.storePath = QFileInfo(options.storePath).absoluteFilePath();
    QDir().mkpath(QFileInfo(options.storePath).absolutePath());

    if (parser.isSet(measure))
        return relay::measurePerformance(options.enginePath, stdout);
    if (parser.isSet(screenshots)) {
        options.rememberLayout = false;
        return relay::takeScreenshots(options, parser.value(screenshots));
    }
    relay::MainWindow window(options);
    window.show();
    return QApplication::exec();
}
