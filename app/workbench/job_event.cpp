#include "job_event.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace relay {
namespace {

QString number(const QJsonObject& body, const char* key, int precision = 4) {
    return QString::number(body.value(QLatin1String(key)).toDouble(), 'g', precision);
}

QString percent(const QJsonValue& value) {
    return QStringLiteral("%1%").arg(100.0 * value.toDouble(), 0, 'f', 1);
}

} // namespace

QList<qint64> pipelineReportRuns(const QJsonObject& report) {
    QList<qint64> runs;
    const auto add = [&](const QJsonValue& run) {
        if (run.isDouble() && run.toInteger(-1) >= 0 && !runs.contains(run.toInteger()))
            runs.append(run.toInteger());
    };
    for (const QJsonValue& value : report.value(QLatin1String("columns")).toArray()) {
        const QJsonObject column = value.toObject();
        add(column.value(QLatin1String("run")));
        for (const QJsonValue& run : column.value(QLatin1String("runs")).toArray())
            add(run);
    }
    for (const QJsonValue& value : report.value(QLatin1String("rounds")).toArray()) {
        const QJsonObject round = value.toObject();
        add(round.value(QLatin1String("run")));
        for (const QJsonValue& seed : round.value(QLatin1String("seeds")).toArray())
            add(seed.toObject().value(QLatin1String("run")));
    }
    return runs;
}

QString describePipelineReport(const QJsonObject& report) {
    QStringList lines = {QStringLiteral("pipeline %1: answer accuracy by length")
                             .arg(report.value(QLatin1String("status")).toString())};
    QString header = QStringLiteral("%1").arg(QStringLiteral("length"), -12);
    for (const QJsonValue& column : report.value(QLatin1String("columns")).toArray())
        header += QStringLiteral("%1").arg(
            column.toObject().value(QLatin1String("title")).toString(), -22);
    lines.append(header);
    for (const QJsonValue& value : report.value(QLatin1String("rows")).toArray()) {
        const QJsonObject row = value.toObject();
        QString line = QStringLiteral("%1").arg(
            QStringLiteral("%1 %2%3")
                .arg(row.value(QLatin1String("task")).toString())
                .arg(row.value(QLatin1String("length")).toInt())
                .arg(row.value(QLatin1String("in_distribution")).toBool() ? QString()
                                                                          : QStringLiteral("*")),
            -12);
        for (const QJsonValue& cell : row.value(QLatin1String("values")).toArray())
            line += QStringLiteral("%1").arg(cell.isDouble() ? percent(cell) : QStringLiteral("–"),
                                             -22);
        lines.append(line);
    }
    lines.append(QStringLiteral("(* longer than training)"));
    const QString message = report.value(QLatin1String("message")).toString();
    if (!message.isEmpty())
        lines.append(message);
    return lines.join(QLatin1Char('\n'));
}

bool parseJobEvent(const QByteArray& line, JobEvent& event) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(line, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return false;
    const QJsonObject body = document.object();
    if (!body.contains(QLatin1String("event")))
        return false;
    event.type = body.value(QLatin1String("event")).toString();
    // Pipeline-level events carry "run": null.
    const QJsonValue run = body.value(QLatin1String("run"));
    event.run = run.isDouble() ? static_cast<qint64>(run.toDouble()) : -1;
    event.body = body;
    return true;
}

QString describeJobEvent(const JobEvent& event) {
    const QJsonObject& body = event.body;
    if (event.type == QLatin1String("step"))
        return QStringLiteral("step %1/%2  loss %3  answer %4  iteration %5  lr %6  |g| %7  "
                              "%8 ex/s")
            .arg(body.value(QLatin1String("step")).toInteger())
            .arg(body.value(QLatin1String("total_steps")).toInteger())
            .arg(number(body, "loss"), number(body, "loss_answer"), number(body, "loss_iteration"),
                 number(body, "learning_rate", 3), number(body, "gradient_norm", 3))
            .arg(body.value(QLatin1String("examples_per_second")).toDouble(), 0, 'f', 0);
    if (event.type == QLatin1String("eval"))
        return QStringLiteral("eval at step %1 (%2): answer accuracy %3 in distribution, %4 "
                              "longer")
            .arg(body.value(QLatin1String("step")).toInteger())
            .arg(body.value(QLatin1String("stopping")).toString(),
                 percent(body.value(QLatin1String("in_distribution"))
                             .toObject()
                             .value(QLatin1String("answer_accuracy"))),
                 percent(body.value(QLatin1String("out_of_distribution"))
                             .toObject()
                             .value(QLatin1String("answer_accuracy"))));
    if (event.type == QLatin1String("started"))
        return QStringLiteral("run %1 started: %2 on %3, steps %4 to %5")
            .arg(event.run)
            .arg(body.value(QLatin1String("kind")).toString(),
                 body.value(QLatin1String("device")).toString())
            .arg(body.value(QLatin1String("start_step")).toInteger())
            .arg(body.value(QLatin1String("total_steps")).toInteger());
    if (event.type == QLatin1String("stage")) {
        if (body.contains(QLatin1String("report")))
            return describePipelineReport(body.value(QLatin1String("report")).toObject());
        QStringList details;
        for (auto it = body.begin(); it != body.end(); ++it)
            if (it.value().isDouble() ||
                (it.value().isString() && !it.key().endsWith(QLatin1String("file")) &&
                 it.key() != QLatin1String("event") && it.key() != QLatin1String("stage")))
                if (it.key() != QLatin1String("run"))
                    details.append(
                        QStringLiteral("%1 %2").arg(it.key(), it.value().toVariant().toString()));
        return QStringLiteral("stage %1%2")
            .arg(body.value(QLatin1String("stage")).toString(),
                 details.isEmpty() ? QString()
                                   : QStringLiteral(": ") + details.join(QStringLiteral(", ")));
    }
    if (event.type == QLatin1String("checkpoint"))
        return QStringLiteral("checkpoint at step %1: %2")
            .arg(body.value(QLatin1String("step")).toInteger())
            .arg(body.value(QLatin1String("path")).toString());
    if (event.type == QLatin1String("finished"))
        return QStringLiteral("run %1 %2 after %3 steps in %4 s")
            .arg(event.run)
            .arg(body.value(QLatin1String("status")).toString())
            .arg(body.value(QLatin1String("steps")).toInteger())
            .arg(body.value(QLatin1String("wall_seconds")).toDouble(), 0, 'f', 1);
    if (event.type == QLatin1String("error"))
        return QStringLiteral("error: %1").arg(body.value(QLatin1String("message")).toString());
    return QString::fromUtf8(QJsonDocument(body).toJson(QJsonDocument::Compact));
}

} // namespace relay
