// A QCustomPlot that holds full series and draws them decimated to the visible pixels, with
// optional debiased-EMA smoothing (the raw curve drawn faint beneath) and a log-scale y axis.
// Used by the training dashboard and the run comparison. Drag pans, the wheel zooms. A series
// may carry a band (e.g. the minimum and maximum over seeds) shaded around its line.
#pragma once

#include "qcustomplot_include.h"

#include <QVector>

namespace relay {

// A shaded band between two graphs of `plot`, in a light shade of `color`, beneath every line
// (on a layer of its own below the main one) and not in the legend. Set the bounds' data on
// `lower` and `upper`.
struct BandGraphs {
    QCPGraph* lower = nullptr;
    QCPGraph* upper = nullptr;
};
BandGraphs addBandGraphs(QCustomPlot* plot, const QColor& color);

// An answer-accuracy-by-length chart in `colours` (the widget palette, like the curve plots):
// a bold title row above, axes and legend in the palette's text and base colours, the axes
// named length and accuracy.
void styleAccuracyByLengthChart(QCustomPlot* plot, const QString& title, const QPalette& colours);
// Shades the training lengths first..last of such a chart, labelled: everything right of them
// is length generalization.
void shadeTrainingLengths(QCustomPlot* plot, int first, int last, const QPalette& colours);

class CurvePlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit CurvePlot(const QString& title, QWidget* parent = nullptr);

    // Returns the series index. Series keep their full data; drawing decimates.
    int addSeries(const QString& name, const QColor& color);
    void setSeriesData(int series, QVector<double> x, QVector<double> y);
    // A band from lower to upper at the series' x (call after setSeriesData, same length).
    void setSeriesBand(int series, QVector<double> lower, QVector<double> upper);
    BandGraphs seriesBand(int series) const { return m_series.at(series).band; }
    void clearSeries(); // removes every series
    int seriesCount() const { return m_series.size(); }
    int pointCount(int series) const { return m_series.at(series).x.size(); }
    int drawnPointCount(int series) const; // after decimation (for tests and measurements)
    QString seriesName(int series) const { return m_series.at(series).name; }

    void setSmoothing(double weight); // 0 (off) .. 0.999
    void setLogScale(bool logarithmic);
    void setAxisLabels(const QString& x, const QString& y);
    // Fits both axes to the data; while "following", new data refits automatically.
    void fitToData();
    bool following() const { return m_following; }
    void setFollowing(bool follow) { m_following = follow; }
    void setEmptyMessage(const QString& message);
    void setLegendColumns(int columns); // many series: a wide legend instead of a tall one
    void setLegendBelow();              // long names: the legend under the plot

Q_SIGNALS:
    void userMovedView(); // drag or wheel: stop following new data

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Series {
        QString name;
        QColor color;
        QVector<double> x, y, smoothed;
        QVector<double> lower, upper, smoothedLower, smoothedUpper; // the band, if any
        QCPGraph* raw = nullptr;
        QCPGraph* line = nullptr;
        BandGraphs band;
    };
    void redrawSeries();
    void updateSmoothed(Series& series);

    QVector<Series> m_series;
    QCPTextElement* m_title = nullptr;
    QCPItemText* m_emptyText = nullptr;
    double m_smoothing = 0;
    bool m_logScale = false;
    bool m_following = true;
    bool m_redrawing = false;
};

} // namespace relay
