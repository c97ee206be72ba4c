#include "curve_math.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace relay {

QVector<double> debiasedEma(const QVector<double>& values, double weight) {
    if (weight <= 0)
        return values;
    QVector<double> smoothed(values.size());
    double moving = 0;
    double correction = 1;
    for (int i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i])) {
            smoothed[i] = values[i];
            continue;
        }
        moving = weight * moving + (1 - weight) * values[i];
        correction *= weight;
        smoothed[i] = moving / (1 - correction);
    }
    return smoothed;
}

std::vector<int> ascendingOrder(const QVector<double>& x) {
    std::vector<int> order(static_cast<std::size_t>(x.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return x[a] < x[b]; });
    return order;
}

int lowerIndex(const QVector<double>& x, double value) {
    return static_cast<int>(std::lower_bound(x.begin(), x.end(), value) - x.begin());
}

void decimateMinMax(const QVector<double>& x, const QVector<double>& y, int first, int last,
                    int buckets, QVector<double>& outX, QVector<double>& outY) {
    outX.clear();
    outY.clear();
    first = std::max(first, 0);
    last = std::min(last, static_cast<int>(std::min(x.size(), y.size())));
    if (last <= first)
        return;
    if (buckets < 1 || last - first <= 2 * buckets) {
        outX = x.mid(first, last - first);
        outY = y.mid(first, last - first);
        return;
    }
    outX.reserve(2 * buckets + 2);
    outY.reserve(2 * buckets + 2);
    const double start = x[first];
    const double width = (x[last - 1] - start) / buckets;
    int index = first;
    for (int bucket = 0; bucket < buckets && index < last; ++bucket) {
        const double end = bucket == buckets - 1 ? x[last - 1] : start + (bucket + 1) * width;
        int begin = index;
        int low = index, high = index;
        while (index < last && (x[index] <= end || bucket == buckets - 1)) {
            if (y[index] < y[low])
                low = index;
            if (y[index] > y[high])
                high = index;
            ++index;
        }
        if (index == begin) // empty slice (a gap in x)
            continue;
        const int firstKept = std::min(low, high), secondKept = std::max(low, high);
        outX.append(x[firstKept]);
        outY.append(y[firstKept]);
        if (secondKept != firstKept) {
            outX.append(x[secondKept]);
            outY.append(y[secondKept]);
        }
    }
}

} // namespace relay
