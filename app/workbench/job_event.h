// One line of the engine's `--json` protocol (docs/events.md): stage,
// started, step, eval, checkpoint, finished, error. Also renders an event as a log line.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace relay {

struct JobEvent {
    QString type;     // the "event" field
    qint64 run = -1;  // the "run" field, -1 when absent
    QJsonObject body; // the whole object
};

// False for lines that are not a JSON object with an "event" field (plain engine output).
bool parseJobEvent(const QByteArray& line, JobEvent& event);

// "step 10/30  loss 6.968  answer 3.435  iteration 3.533  lr 2.17e-03  |g| 1.69  749 ex/s"
// Multi-line for the pipeline's final accuracy-by-length table.
QString describeJobEvent(const JobEvent& event);
QString describePipelineReport(const QJsonObject& report);

// The runs a pipeline's closing report names, each once, in its order: the table's columns,
// then the self-improvement rounds' looped models; of one pipeline or of one over seeds (each
// column and round then lists a run per seed).
QList<qint64> pipelineReportRuns(const QJsonObject& report);

} // namespace relay
