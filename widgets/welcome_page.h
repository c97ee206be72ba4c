// First page of the workbench on an empty store: what the tool does and one click to run the
// CPU-quick pipeline (or to set up an experiment by hand).
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace relay {

class WelcomePage : public QWidget {
    Q_OBJECT
public:
    explicit WelcomePage(QWidget* parent = nullptr);
    QPushButton* pipelineButton() const { return m_pipeline; }
    void setStoreEmpty(bool empty);

Q_SIGNALS:
    void pipelineRequested();   // relay pipeline --preset cpu-quick-ari
    void quickTrainRequested(); // relay train --preset cpu-quick-ari (Stage I only)
    void setupRequested();

private:
    QPushButton* m_pipeline;
    QLabel* m_text;
};

} // namespace relay
