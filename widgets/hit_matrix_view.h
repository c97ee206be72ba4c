// Hit matrices side by side (docs/architecture.md, view 3): two runs at one length, e.g. the looped
// model against the RELAY fine-tuned AR model as in the paper's LIS figure.
#pragma once

#include <QWidget>

class QSpinBox;

namespace relay {

class HitMatrixPanel;
class StoreAccess;
struct RunRow;

class HitMatrixView : public QWidget {
    Q_OBJECT
public:
    explicit HitMatrixView(StoreAccess* store, QWidget* parent = nullptr);

    void setRuns(const QVector<RunRow>& rows);
    void setLength(int length);
    int length() const;
    void reload();
    HitMatrixPanel* left() const { return m_left; }
    HitMatrixPanel* right() const { return m_right; }

Q_SIGNALS:
    void computeRequested(qint64 run, int length);

private:
    QSpinBox* m_length;
    HitMatrixPanel* m_left;
    HitMatrixPanel* m_right;
};

} // namespace relay
