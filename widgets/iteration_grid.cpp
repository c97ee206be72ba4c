#include "iteration_grid.h"

#include "tasks/vocabulary.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

namespace relay {

namespace {

constexpr int kMargin = 8;
constexpr int kSummaryWidth = 120;

QString displayToken(const std::string& token) {
    return isPadToken(token) ? QStringLiteral("·") : QString::fromStdString(token);
}

int leftmostBoundary(const Tokens& row) {
    // The last pad of a right-aligned row, or the row's start when it has none.
    for (int i = static_cast<int>(row.size()) - 1; i >= 0; --i)
        if (isPadToken(row[static_cast<std::size_t>(i)]))
            return i;
    return 0;
}

double meanScoredConfidence(const InspectedIteration& row) {
    // Past T nothing is scored: average over the step the read-out claims instead.
    const std::size_t first = row.target.empty() ? leftmostBoundary(row.readOut) : 0;
    double sum = 0;
    int count = 0;
    for (std::size_t i = first; i < row.readOut.size() && i < row.confidence.size(); ++i)
        if (row.target.empty() || (i < row.marks.size() && row.marks[i] != TokenMark::Unscored)) {
            sum += row.confidence[i];
            ++count;
        }
    return count > 0 ? sum / count : 0;
}

} // namespace

IterationGrid::IterationGrid(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("iterationGrid"));
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    setFocusPolicy(Qt::NoFocus);
}

QColor IterationGrid::rightColor() {
    return QColor(0x2c, 0xa0, 0x2c);
}
QColor IterationGrid::wrongColor() {
    return QColor(0xd6, 0x27, 0x28);
}

void IterationGrid::setInspection(const ProblemInspection& inspection) {
    m_inspection = inspection;
    m_firstPosition = static_cast<int>(inspection.width);
    for (const InspectedIteration& row : inspection.iterations) {
        m_firstPosition = std::min(m_firstPosition, leftmostBoundary(row.readOut));
        if (!row.target.empty())
            m_firstPosition = std::min(m_firstPosition, leftmostBoundary(row.target));
    }
    if (inspection.iterations.empty())
        m_firstPosition = 0;
    m_current = std::clamp(m_current, inspection.iterations.empty() ? 0 : 1, iterationCount());
    updateGeometry();
    resize(sizeHint());
    update();
}

void IterationGrid::setCurrentIteration(int iteration) {
    m_current = std::clamp(iteration, 0, iterationCount());
    update();
}

int IterationGrid::cellWidth() const {
    const QFontMetrics metrics(font());
    int widest = metrics.horizontalAdvance(QStringLiteral("000"));
    for (const InspectedIteration& row : m_inspection.iterations)
        for (const auto& token : row.readOut)
            widest = std::max(widest, metrics.horizontalAdvance(displayToken(token)));
    return widest + 10;
}

int IterationGrid::rowHeight() const {
    return QFontMetrics(font()).height() + 8;
}

int IterationGrid::labelWidth() const {
    return QFontMetrics(font()).horizontalAdvance(QStringLiteral("t = 000  past T")) + kMargin;
}

QSize IterationGrid::sizeHint() const {
    const int columns = std::max(1, static_cast<int>(m_inspection.width) - m_firstPosition);
    return {labelWidth() + columns * cellWidth() + kSummaryWidth + 2 * kMargin,
            kMargin * 2 + std::max(1, iterationCount()) * bandHeight()};
}

QRect IterationGrid::bandRect(int iteration) const {
    return {0, kMargin + (iteration - 1) * bandHeight() - m_bandGap / 2, width(), bandHeight()};
}

QColor IterationGrid::cellColor(int iteration, int position) const {
    if (iteration < 1 || iteration > iterationCount())
        return {};
    const InspectedIteration& row =
        m_inspection.iterations[static_cast<std::size_t>(iteration - 1)];
    if (position < 0 || position >= static_cast<int>(row.readOut.size()))
        return {};
    const auto index = static_cast<std::size_t>(position);
    const TokenMark mark = index < row.marks.size() ? row.marks[index] : TokenMark::Unscored;
    QColor color = mark == TokenMark::Right   ? rightColor()
                   : mark == TokenMark::Wrong ? wrongColor()
                                              : palette().color(QPalette::Mid);
    // Confidence shades the cell: a confident token is saturated, an unsure one pale.
    const float confidence = index < row.confidence.size() ? row.confidence[index] : 1.0f;
    color.setAlphaF(mark == TokenMark::Unscored ? 0.25 : 0.2 + 0.8 * double(confidence));
    return color;
}

void IterationGrid::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Base));
    if (m_inspection.iterations.empty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("No problem inspected yet"));
        return;
    }
    for (int t = 1; t <= iterationCount(); ++t) {
        const int top = kMargin + (t - 1) * bandHeight();
        if (t == m_current) {
            QColor highlight = palette().color(QPalette::Highlight);
            highlight.setAlphaF(0.18);
            const QRect band = bandRect(t).adjusted(2, 0, -2, 0);
            painter.fillRect(band, highlight);
            painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
            painter.drawRect(band);
        }
        paintBand(painter, m_inspection.iterations[static_cast<std::size_t>(t - 1)], top);
    }
}

void IterationGrid::paintBand(QPainter& painter, const InspectedIteration& row, int top) const {
    const int cell = cellWidth();
    const int height = rowHeight();
    const int left = kMargin + labelWidth();
    const bool pastEnd = row.target.empty();
    const QColor text = palette().color(QPalette::Text);
    QColor faint = text;
    faint.setAlphaF(0.55);

    painter.setPen(text);
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.drawText(QRect(kMargin, top, labelWidth(), height), Qt::AlignVCenter | Qt::AlignLeft,
                     pastEnd ? tr("t = %1  past T").arg(row.iteration)
                             : tr("t = %1").arg(row.iteration));
    painter.setFont(font());
    painter.setPen(faint);
    painter.drawText(QRect(kMargin, top + height, labelWidth(), height),
                     Qt::AlignVCenter | Qt::AlignLeft, pastEnd ? QString() : tr("true"));

    const int width = static_cast<int>(row.readOut.size());
    for (int position = m_firstPosition; position < width; ++position) {
        const QRect box(left + (position - m_firstPosition) * cell, top, cell - 2, height - 2);
        painter.fillRect(box, cellColor(row.iteration, position));
        painter.setPen(text);
        painter.drawText(box, Qt::AlignCenter,
                         displayToken(row.readOut[static_cast<std::size_t>(position)]));
        if (position < static_cast<int>(row.target.size())) {
            const QRect truth = box.translated(0, height);
            painter.setPen(faint);
            painter.drawText(truth, Qt::AlignCenter,
                             displayToken(row.target[static_cast<std::size_t>(position)]));
        }
    }
    // The <pad> boundary of the true step: everything right of it is the step.
    if (!pastEnd) {
        const int boundary = leftmostBoundary(row.target);
        const int x = left + (boundary + 1 - m_firstPosition) * cell - 2;
        painter.setPen(QPen(palette().color(QPalette::WindowText), 2, Qt::DotLine));
        painter.drawLine(x, top - 2, x, top + 2 * height - 2);
    }
    const QRect summary(left + (width - m_firstPosition) * cell + kMargin, top, kSummaryWidth,
                        height);
    painter.setPen(pastEnd ? faint : row.stepCorrect ? rightColor() : wrongColor());
    painter.drawText(summary, Qt::AlignVCenter | Qt::AlignLeft,
                     pastEnd           ? tr("conf %1").arg(meanScoredConfidence(row), 0, 'f', 2)
                     : row.stepCorrect ? tr("✓ conf %1").arg(meanScoredConfidence(row), 0, 'f', 2)
                                       : tr("✗ conf %1").arg(meanScoredConfidence(row), 0, 'f', 2));
}

void IterationGrid::mousePressEvent(QMouseEvent* event) {
    const int band = (static_cast<int>(event->position().y()) - kMargin) / bandHeight() + 1;
    if (band >= 1 && band <= iterationCount())
        Q_EMIT iterationClicked(band);
}

} // namespace relay
