// Pure helpers behind the curve plots: debiased EMA smoothing (as TensorBoard draws it) and
// min/max decimation, so a million-point series draws as a few thousand points while the full
// data stays in memory.
#pragma once

#include <QVector>

#include <vector>

namespace relay {

// Exponential moving average with bias correction: s_i = m_i / (1 - w^(i+1)) where
// m_i = w m_{i-1} + (1 - w) y_i and m_{-1} = 0. Without the correction the first points would
// be pulled towards zero. weight 0 returns the input unchanged; NaNs are passed through.
QVector<double> debiasedEma(const QVector<double>& values, double weight);

// The points of (x, y) with first <= index < last reduced to at most 2 * buckets points: in each
// of `buckets` equal slices of the x range it keeps the minimum and the maximum, in x order, so
// spikes survive. Slices that hold at most two points are copied as they are. x must be sorted.
void decimateMinMax(const QVector<double>& x, const QVector<double>& y, int first, int last,
                    int buckets, QVector<double>& outX, QVector<double>& outY);

// The indices of x in ascending order of x, equal values in their original order.
std::vector<int> ascendingOrder(const QVector<double>& x);

// Index of the first x >= value (x sorted ascending).
int lowerIndex(const QVector<double>& x, double value);

} // namespace relay
