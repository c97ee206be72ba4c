#include "performance_probe.h"

#include "closed_set_text.h"
#include "curve_plot.h"
#include "job_runner.h"
#include "main_window.h"
#include "store/run_kind.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <random>
#include <time.h>
#include <vector>

namespace relay {
namespace {

double percentile(std::vector<double> values, double share) {
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(share * (values.size() - 1));
    return values[index];
}

// CPU time of the calling thread: what the GUI thread itself spent, however busy the machine.
double threadCpuSeconds() {
    timespec time{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time);
    return time.tv_sec + time.tv_nsec / 1e9;
}

} // namespace

PanFigures measurePanning(int points, int frames, double visibleFraction) {
    CurvePlot plot(QStringLiteral("1,000,000-point pan"));
    plot.resize(1200, 500);
    plot.show();
    QVector<double> x(points), y(points);
    std::mt19937 random(7);
    std::normal_distribution<double> noise(0, 0.05);
    for (int i = 0; i < points; ++i) {
        x[i] = i;
        y[i] = 3.0 * std::exp(-i / (0.2 * points)) + 0.5 + noise(random);
    }
    const int series = plot.addSeries(QStringLiteral("loss"), Qt::blue);
    plot.setSeriesData(series, x, y);
    plot.setSmoothing(0.6); // the dashboard's default: raw faint + smoothed line
    plot.setFollowing(false);
    QApplication::processEvents();
    plot.replot(QCustomPlot::rpImmediateRefresh);

    const double width = visibleFraction * points;
    std::vector<double> times;
    PanFigures figures;
    figures.points = points;
    figures.frames = frames;
    QElapsedTimer timer;
    for (int frame = 0; frame < frames; ++frame) {
        // A drag moves the view by a few pixels per frame: here 1% of its width.
        const double start = (frame + 1) * 0.01 * width;
        timer.start();
        plot.xAxis->setRange(start, start + width); // decimates the visible part
        plot.replot(QCustomPlot::rpImmediateRefresh);
        times.push_back(timer.nsecsElapsed() / 1e6);
    }
    figures.medianMilliseconds = percentile(times, 0.5);
    figures.worstMilliseconds = percentile(times, 1.0);
    figures.drawnPoints = plot.drawnPointCount(series);
    return figures;
}

StallFigures measureStalls(const QString& engine, int steps) {
    StallFigures figures;
    if (engine.isEmpty()) {
        figures.error = QStringLiteral("the relay engine was not found (--engine PATH)");
        return figures;
    }
    QTemporaryDir folder;
    MainWindow::Options options;
    options.storePath = folder.filePath(QStringLiteral("runs.db"));
    options.enginePath = engine;
    options.rememberLayout = false;
    MainWindow window(options);
    window.resize(1400, 900);
    window.show();
    // The first paint (fonts, layout) happens once; what counts is the streaming afterwards.
    QElapsedTimer warmUp;
    warmUp.start();
    while (warmUp.elapsed() < 1000)
        QApplication::processEvents(QEventLoop::AllEvents, 50);

    std::vector<double> gaps, idleGaps, startGaps;
    bool idle = true;
    qint64 firstStep = -1;
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.nsecsElapsed();
    constexpr int kInterval = 10;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    heartbeat.setInterval(kInterval);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        const double gap = std::max(0.0, (now - last) / 1e6 - kInterval);
        if (idle)
            idleGaps.push_back(gap);
        else if (firstStep < 0 || now - firstStep < 1500000000LL)
            startGaps.push_back(gap); // window switching to the new run's dashboard
        else
            gaps.push_back(gap);
        last = now;
    });
    QObject::connect(window.jobs(), &JobRunner::jobEvent, [&](Job*, const JobEvent& event) {
        ++figures.events;
        if (firstStep < 0 && event.type == QLatin1String("step"))
            firstStep = clock.nsecsElapsed();
    });
    // Baseline: the idle window on this (possibly busy) machine, for 3 s.
    heartbeat.start();
    {
        QEventLoop idleLoop;
        QTimer::singleShot(3000, &idleLoop, &QEventLoop::quit);
        idleLoop.exec();
    }
    idle = false;

    QEventLoop loop;
    Job* job = window.jobs()->startPreset(
        QStringLiteral("cpu-quick-ari"), screenText(RunKind::Looped),
        {QStringLiteral("training.steps=%1").arg(steps), QStringLiteral("data.train_samples=2000"),
         QStringLiteral("data.test_samples_per_length=20"), QStringLiteral("eval.every=25"),
         QStringLiteral("checkpoint.every=50"), QStringLiteral("model.hidden_size=32"),
         QStringLiteral("model.layers=1"), QStringLiteral("test_lengths.max=6"),
         QStringLiteral("threads=1"), QStringLiteral("name=stall-probe")});
    QObject::connect(job, &Job::ended, &loop, &QEventLoop::quit);
    // On a busy machine the job may be slow: measure at most 90 s of streaming, then cancel.
    QTimer::singleShot(90000, &loop, [job] { job->cancel(); });
    QTimer::singleShot(180000, &loop, &QEventLoop::quit);
    const qint64 began = clock.nsecsElapsed();
    const double cpuBefore = threadCpuSeconds();
    loop.exec();
    figures.guiThreadCpuShare =
        (threadCpuSeconds() - cpuBefore) / ((clock.nsecsElapsed() - began) / 1e9);
    heartbeat.stop();
    figures.seconds = (clock.nsecsElapsed() - began) / 1e9;
    figures.heartbeats = static_cast<int>(gaps.size());
    figures.longestStallMilliseconds = percentile(gaps, 1.0);
    figures.p99StallMilliseconds = percentile(gaps, 0.99);
    figures.idleLongestStallMilliseconds = percentile(idleGaps, 1.0);
    figures.startLongestStallMilliseconds = percentile(startGaps, 1.0);
    figures.ok = job->state() == Job::State::Finished || job->state() == Job::State::Cancelled;
    if (!figures.ok)
        figures.error = job->active() ? QStringLiteral("the job did not end") : job->errorMessage();
    return figures;
}

int measurePerformance(const QString& engine, std::FILE* out) {
    for (double fraction : {1.0, 0.1}) {
        const PanFigures pan = measurePanning(1000000, 60, fraction);
        std::fprintf(out,
                     "pan %d points, %.0f%% in view: median frame %.2f ms, worst %.2f ms over %d "
                     "frames (%d points drawn per series after decimation)\n",
                     pan.points, 100 * fraction, pan.medianMilliseconds, pan.worstMilliseconds,
                     pan.frames, pan.drawnPoints);
    }
    std::fflush(out);
    const StallFigures stalls = measureStalls(engine, 400);
    if (!stalls.ok) {
        std::fprintf(out, "GUI stall measurement failed: %s\n", qPrintable(stalls.error));
        return 1;
    }
    std::fprintf(out,
                 "training job (%.1f s, %d events) with the dashboard following it: longest "
                 "GUI-thread stall %.1f ms, 99th percentile %.1f ms (%d heartbeats of 10 ms); "
                 "opening the new run's dashboard: %.1f ms; idle window baseline on this "
                 "machine: %.1f ms; the GUI thread was busy %.1f%% of the time\n",
                 stalls.seconds, stalls.events, stalls.longestStallMilliseconds,
                 stalls.p99StallMilliseconds, stalls.heartbeats,
                 stalls.startLongestStallMilliseconds, stalls.idleLongestStallMilliseconds,
                 100 * stalls.guiThreadCpuShare);
    return 0;
}

} // namespace relay
