// GUI performance figures (issue: "the GUI thread never blocks"): how long the GUI thread
// stalls while a training job streams events into the window, and the frame time while
// panning a 1,000,000-point curve. `relay-workbench --measure-performance` prints both.
#pragma once

#include <QString>

#include <cstdio>

namespace relay {

struct PanFigures {
    int points = 0;
    int frames = 0;
    double medianMilliseconds = 0;
    double worstMilliseconds = 0;
    int drawnPoints = 0; // after decimation, per frame
};

// Pans a CurvePlot of `points` points across `frames` frames, each drawn synchronously.
// visibleFraction: the share of the data in view (1 = all of it).
PanFigures measurePanning(int points, int frames, double visibleFraction);

struct StallFigures {
    bool ok = false;
    QString error;
    double seconds = 0; // how long the job ran
    int events = 0;     // JSON events the window received
    int heartbeats = 0;
    double longestStallMilliseconds = 0; // steady streaming: longest gap minus the interval
    double p99StallMilliseconds = 0;
    double startLongestStallMilliseconds = 0; // the first 1.5 s after the first step
    double idleLongestStallMilliseconds = 0;  // 3 s of the idle window before the job
    double guiThreadCpuShare = 0;             // GUI-thread CPU time / wall time while the job ran
};

// Opens a main window on a fresh temporary store, runs a small training job through it with the
// dashboard following the run, and ticks a 10 ms heartbeat timer on the GUI thread throughout.
StallFigures measureStalls(const QString& engine, int steps);

// Both, printed; returns the process exit status.
int measurePerformance(const QString& engine, std::FILE* out);

} // namespace relay
