// A QCustomPlot that holds full series and draws them decimated to the visible pixels, with
// optional debiased-EMA smoothing (the raw curve drawn faint beneath) and a log-scale y axis.
// Used by the training dashboard and the run comparison. Drag pans, the wheel zooms.
#pragma once

#include "qcustomplot_include.h"

#include <QVector>

namespace relay {

class CurvePlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit CurvePlot(const QString& title, QWidget* parent = nullptr);

    // Returns the series index. Series keep their full data; drawing decimates.
    int addSeries(const QString& name, const QColor& color);
    void setSeriesData(int series, QVector<double> x, QVector<double> y);
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
        QCPGraph* raw = nullptr;
        QCPGraph* line = nullptr;
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
